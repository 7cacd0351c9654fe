import base64
import io
import json
import os
import zipfile
from datetime import date, timedelta
from unittest.mock import patch

from PyPDF2 import PdfReader

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, HttpCase, freeze_time, new_test_user, tagged

from ..core.postal import PROVIDERS, MailevaRegisteredMail, SendResult
from .common import DUE, RelanceCommon
from .postal_stand_in import CLIENT_ID, CLIENT_SECRET, MailevaStandIn


class WorkerStopped(BaseException):
    """The worker process stops (killed, out of time): nothing after it runs, its transaction is
    rolled back."""


class PostalCommon(RelanceCommon):
    """The company posts its registered letters through Maileva (a local stand-in of its API)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stand_in = MailevaStandIn().start()
        cls.addClassCleanup(cls.stand_in.stop)
        cls.account = cls.env['account.relance.postal.account'].create(
            {
                'name': "Maileva (stand-in)",
                'company_id': cls.company.id,
                'provider': 'maileva',
                'environment': 'custom',
                'api_url': f"{cls.stand_in.url}/registered_mail/v2",
                'auth_url': f"{cls.stand_in.url}/token",
                'client_id': CLIENT_ID,
                'client_secret': CLIENT_SECRET,
                'username': 'compta@example.com',
                'password': 'not-logged',
                'timeout': 1,
                'notification_email': 'compta@example.com',
            }
        )

    def setUp(self):
        super().setUp()
        self.stand_in.scenario = 'ok'
        self.stand_in.requests.clear()
        self.stand_in.sendings.clear()

    def after_commit(self):
        """What follows the commit of the validation's transaction: the letters are handed to the
        provider, each in a transaction of its own (a cursor on the test's transaction here)."""
        if type(self)._registry_patched:
            self.env.flush_all()
            self.env.cr.postcommit.run()
            self.env.invalidate_all()
            return
        with self.enter_registry_test_mode():
            self.env.cr.postcommit.run()

    def mise_en_demeure(self, amount=1000.0, client=None, commit=True):
        client = client or self.client
        self.invoice(amount, partner=client)
        wizard = Form(
            self.env['account.relance.formal.notice.wizard'].with_context(
                active_model='res.partner', active_ids=client.ids
            )
        )
        wizard.date = date(2026, 5, 9)
        action = wizard.save().action_prepare()
        if commit:
            self.after_commit()
        return self.env['account.relance'].browse(action['res_id'])

    def submitted(self):
        return sum(sending['submitted'] for sending in self.stand_in.sendings.values())


@tagged('post_install', '-at_install')
class TestRelancePostal(PostalCommon):
    """A credit manager validates a mise en demeure: Maileva posts it, the proofs come back."""

    def test_mise_en_demeure_posted_through_the_provider(self):
        relance = self.mise_en_demeure()
        sending = relance.postal_sending_ids
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(len(sending), 1)
        [maileva] = self.stand_in.sendings.values()
        self.assertRecordValues(
            sending,
            [
                {
                    'state': 'accepted',
                    'provider_reference': maileva['id'],
                    'tracking_number': maileva['recipient']['registered_number'],
                    'registered': True,
                    'electronic': False,
                    'cost': 7.35,
                }
            ],
        )
        self.assertEqual(relance.registered_number, maileva['recipient']['registered_number'])
        # The calls the contract describes, in its order, each once.
        self.assertEqual(
            [(r['method'], r['path'].rpartition('/v2')[2] or r['path']) for r in self.stand_in.requests][:5],
            [
                ('POST', '/token'),
                ('POST', '/sendings'),
                ('POST', f"/sendings/{maileva['id']}/documents"),
                ('POST', f"/sendings/{maileva['id']}/recipients"),
                ('POST', f"/sendings/{maileva['id']}/submit"),
            ],
        )
        self.assertEqual(maileva['custom_id'], sending.idempotency_key)
        self.assertTrue(maileva['options']['acknowledgement_of_receipt'])
        self.assertEqual(maileva['options']['notification_email'], 'compta@example.com')
        self.assertEqual(
            maileva['recipient']['values'],
            {
                'custom_id': sending.idempotency_key,
                'address_line_1': "Boulangerie Martin",
                'address_line_4': "12 rue de la République",
                'address_line_6': "69002 Lyon",
                'country_code': 'FR',
            },
        )
        # The letter posted is the mise en demeure of the relance, as rendered.
        self.assertIn(relance.letter_attachment_id.raw, maileva['document'])
        self.assertIn(b"MISE EN DEMEURE", maileva['document'])
        # Its cost is a collection fee of the client.
        self.assertRecordValues(sending.fee_id, [{'kind': 'postal', 'amount': 7.35, 'partner_id': self.client.id}])
        # The credentials never reach the chatter.
        self.assertNotIn('not-logged', " ".join(relance.message_ids.mapped('body')))

    def test_cost_of_collection_takes_the_price_the_provider_told(self):
        # The company counts 9.00 € per registered letter; Maileva charged 7.35 € for this one:
        # the cost of collection of May is 7.35 €, not 9.00 € nor 16.35 €.
        self.company.relance_cost_registered_letter = 9.0
        relance = self.mise_en_demeure()
        report = self.env['account.relance.kpi.report'].create(
            {'date_from': relance.date.replace(day=1), 'date_to': relance.date}
        )
        report.action_show()
        line = report.line_ids.filtered(lambda row: row.relance_count)
        self.assertRecordValues(
            line,
            [{'registered_letter_count': 1, 'relance_cost': 0.0, 'fees': 7.35, 'collection_cost': 7.35}],
        )

    def test_simple_letter_refused_while_the_email_went_out(self):
        # The severe level e-mails and writes (J+30); simple letters go by the provider too.
        self.account.simple_letters = True
        self.stand_in.scenario = 'refuse'
        self.invoice(500.0)
        relance = self.run_relance(DUE + timedelta(days=30))
        self.after_commit()
        self.assertEqual(relance.level_id, self.level[30])
        self.assertEqual(relance.state, 'sent', "the client was reached by e-mail")
        self.assertEqual(len(self.sent_emails(relance)), 1)
        self.assertEqual(relance.postal_sending_ids.state, 'refused')
        self.assertFalse(relance.postal_sending_ids.registered)
        self.assertIn("print it and post it by hand", relance.message_ids[0].body)
        self.assertTrue(relance.letter_attachment_id)

    def test_simple_letter_goes_by_the_simple_mail_api(self):
        self.account.simple_letters = True
        self.invoice(500.0)
        relance = self.run_relance(DUE + timedelta(days=30))
        self.after_commit()
        self.assertEqual(relance.state, 'sent')
        [maileva] = self.stand_in.sendings.values()
        self.assertEqual(maileva['api'], '/mail/v2', "a simple letter is not a registered one")
        self.assertNotIn('acknowledgement_of_receipt', maileva['options'])
        self.assertEqual(maileva['options']['postage_type'], 'FAST')
        sending = relance.postal_sending_ids
        self.assertRecordValues(sending, [{'state': 'accepted', 'registered': False}])
        self.stand_in.advance(sending.provider_reference, delivered='2026-04-12T10:00:00.000Z')
        sending._refresh_status()
        self.assertEqual(sending.state, 'distributed')
        self.assertTrue(all('/mail/v2/' in r['path'] for r in self.stand_in.requests if r['path'] != '/token'))

    def test_the_letter_posted_is_the_mise_en_demeure_pdf(self):
        # Rendered by wkhtmltopdf as in production (tests otherwise render HTML).
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        with self.allow_pdf_render():
            relance = self.mise_en_demeure()
        [maileva] = self.stand_in.sendings.values()
        pdf = relance.letter_attachment_id.raw
        self.assertTrue(pdf.startswith(b'%PDF'))
        self.assertIn(pdf, maileva['document'])
        self.assertIn(b'filename="REL', maileva['document'])
        self.assertIn(b'application/pdf', maileva['document'])
        if os.environ.get('RELANCE_KEEP_PDF'):
            with open(os.environ['RELANCE_KEEP_PDF'], 'wb') as kept:
                kept.write(pdf)
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
        for expected in ("MISE EN DEMEURE", "Boulangerie Martin", "69002", "1 059,97"):
            self.assertIn(expected, text.replace("\xa0", " ").replace("\u202f", " "))

    def test_refused_letter_fails_with_the_reason_then_goes_out_once_corrected(self):
        self.stand_in.scenario = 'refuse'
        relance = self.mise_en_demeure()
        self.assertEqual(relance.state, 'failed')
        self.assertIn('ADDRESS_LINE_6_WRONG_FORMAT', relance.failure_reason)
        self.assertRecordValues(relance.postal_sending_ids, [{'state': 'refused', 'tracking_number': False}])
        self.assertFalse(relance.registered_number)
        self.assertEqual(self.submitted(), 0)
        self.assertFalse(self.stand_in.sendings, "the draft left at the provider is deleted")
        self.assertFalse(self.env['account.relance.fee'].search([('partner_id', '=', self.client.id)]))

        self.stand_in.scenario = 'ok'
        relance.action_send()
        self.after_commit()
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(self.submitted(), 1)
        first, second = relance.postal_sending_ids.sorted('id')
        self.assertEqual(first.state, 'refused')
        self.assertEqual(second.state, 'accepted')
        self.assertNotEqual(first.idempotency_key, second.idempotency_key)

    def emails_formal_notices_too(self):
        """The company e-mails its mises en demeure as well as posting them."""
        levels = self.scenario.level_ids
        template = levels.filtered('mail_template_id').sorted('delay')[-1:].mail_template_id
        levels.filtered(lambda level: level.tone == 'formal_notice').write(
            {'channel_email': True, 'mail_template_id': template.id}
        )

    def test_no_answer_then_retry_posts_nothing_twice(self):
        self.emails_formal_notices_too()
        # Maileva takes the letter but its answer to the submission never arrives in time.
        self.stand_in.scenario = 'timeout'
        relance = self.mise_en_demeure()
        self.assertEqual(relance.state, 'failed')
        self.assertIn("No answer", relance.failure_reason)
        sending = relance.postal_sending_ids
        self.assertEqual(sending.state, 'unknown')
        self.assertTrue(sending.provider_reference, "the sending id is kept to resume it")
        self.assertEqual(self.submitted(), 1)

        self.stand_in.scenario = 'ok'
        relance.action_send()
        self.after_commit()
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(relance.postal_sending_ids, sending, "the same letter, the same key")
        self.assertEqual(sending.state, 'accepted')
        self.assertEqual(self.submitted(), 1, "submitted once")
        self.assertEqual(len(self.stand_in.calls('POST', '/sendings')), 1)
        # Validating again does not post it again either.
        relance.write({'state': 'done'})
        self.assertEqual(self.submitted(), 1)
        self.assertEqual(len(self.sent_emails(relance)), 1, "the retry does not e-mail the client again")

    def test_the_provider_is_called_after_the_validation_is_committed(self):
        relance = self.mise_en_demeure(commit=False)
        sending = relance.postal_sending_ids
        # In the validation's transaction: the attempt and its key are recorded, nothing more.
        self.assertRecordValues(sending, [{'state': 'submitting', 'attempts': 1, 'provider_reference': False}])
        self.assertNotEqual(relance.state, 'sent', "sent only once the provider accepted it")
        self.assertFalse(self.stand_in.requests, "no call to the provider inside the validation's transaction")
        self.assertIn("Maileva (stand-in)", relance._sending_notice()['params']['message'])
        self.after_commit()
        self.assertEqual(sending.state, 'accepted')
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(self.submitted(), 1)

    def interrupted_after_acceptance(self):
        """A mise en demeure whose worker stops right after Maileva accepted the letter, before
        the answer is recorded: what was committed before the call is all that is left."""
        self.emails_formal_notices_too()
        relance = self.mise_en_demeure(commit=False)
        relance_class = type(relance)
        with (
            patch.object(relance_class, '_postal_handed', side_effect=WorkerStopped),
            self.assertRaises(WorkerStopped),
        ):
            self.after_commit()
        self.assertEqual(self.submitted(), 1, "Maileva took the letter")
        self.assertRecordValues(
            relance.postal_sending_ids, [{'state': 'submitting', 'attempts': 1, 'provider_reference': False}]
        )
        self.assertNotEqual(relance.state, 'sent')
        self.assertEqual(len(self.sent_emails(relance)), 1)
        return relance

    def test_retry_after_an_interrupted_submission_finds_the_letter(self):
        relance = self.interrupted_after_acceptance()
        [maileva] = self.stand_in.sendings.values()
        relance.action_send()
        self.after_commit()
        sending = relance.postal_sending_ids
        self.assertRecordValues(sending, [{'state': 'accepted', 'attempts': 2, 'provider_reference': maileva['id']}])
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(relance.registered_number, maileva['recipient']['registered_number'])
        # Looked up by its key, then read: never created nor submitted a second time.
        lookups = [
            r for r in self.stand_in.calls('GET') if f"/sendings?custom_id={sending.idempotency_key}&" in r['path']
        ]
        self.assertEqual(len(lookups), 1)
        self.assertEqual(self.submitted(), 1)
        self.assertEqual(len(self.stand_in.calls('POST', '/sendings')), 1)
        self.assertEqual(len(self.sent_emails(relance)), 1, "the e-mail is not sent again")

    def test_one_letter_that_breaks_does_not_hold_back_the_others(self):
        other = self.client.copy({'name': "Boulangerie Petit", 'email': "compta@petit.example"})
        first = self.mise_en_demeure(commit=False)
        second = self.mise_en_demeure(client=other, commit=False)
        relance_class = type(first)
        original = relance_class._postal_handed

        def handed(relance, sending, accepted):
            if relance == first:
                raise ValueError("unexpected data")
            return original(relance, sending, accepted)

        with patch.object(relance_class, '_postal_handed', handed):
            self.after_commit()
        self.assertEqual(self.submitted(), 2, "both letters reached the provider")
        self.assertEqual(second.state, 'sent')
        self.assertRecordValues(first.postal_sending_ids, [{'state': 'submitting', 'provider_reference': False}])
        # Its retry finds it at the provider: still two letters.
        first.action_send()
        self.after_commit()
        self.assertEqual(first.state, 'sent')
        self.assertEqual(self.submitted(), 2)

    def test_scheduled_action_resumes_an_interrupted_submission(self):
        relance = self.interrupted_after_acceptance()
        cron = self.env.ref('account_relance_fr.ir_cron_relance_postal_status')
        # A quarter of an hour later, the letter still 'submitting' was interrupted: resumed.
        with freeze_time(fields.Datetime.now() + timedelta(minutes=20)), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(relance.postal_sending_ids.state, 'accepted')
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(self.submitted(), 1)
        self.assertEqual(len(self.stand_in.calls('POST', '/sendings')), 1)

    def test_malformed_answer_fails_and_print_instead_stays_possible(self):
        self.stand_in.scenario = 'malformed'
        relance = self.mise_en_demeure()
        self.assertEqual(relance.state, 'failed')
        self.assertIn("malformed", relance.failure_reason)
        self.assertEqual(relance.postal_sending_ids.state, 'unknown')
        self.assertFalse(relance.postal_sending_ids.provider_reference)
        # The credit manager prints it and posts it by hand instead.
        relance.action_print_letter_instead()
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(self.submitted(), 0)
        self.assertTrue(relance.letter_attachment_id)

    def test_print_instead_refused_when_the_provider_posted_it_after_all(self):
        # The connection drops after Maileva took the letter: no answer either.
        self.stand_in.scenario = 'drop'
        relance = self.mise_en_demeure()
        self.assertEqual(relance.state, 'failed')
        self.stand_in.scenario = 'ok'
        with self.assertRaisesRegex(UserError, "posted .* after all"):
            relance.action_print_letter_instead()
        self.assertEqual(relance.postal_sending_ids.state, 'accepted')
        self.assertEqual(self.submitted(), 1)

    def test_status_acknowledgement_and_proofs_come_back(self):
        relance = self.mise_en_demeure()
        sending = relance.postal_sending_ids
        self.stand_in.advance(sending.provider_reference, processed=True)
        sending._refresh_status()
        self.assertEqual(sending.state, 'deposited')
        self.assertEqual(sending.deposit_proof_id.raw, b'%PDF-1.4 preuve de depot')
        self.assertEqual(
            (sending.deposit_proof_id.res_model, sending.deposit_proof_id.res_id), ('account.relance', relance.id)
        )
        self.assertFalse(relance.acknowledged_on)
        # Delivered on 13 May (the date of the receipt), the signed receipt scanned on 15 May.
        self.stand_in.advance(
            sending.provider_reference, delivered='2026-05-13T10:30:00.000Z', acknowledged='2026-05-15T08:00:00.000Z'
        )
        sending._refresh_status()
        self.assertRecordValues(sending, [{'state': 'acknowledged', 'acknowledged_on': date(2026, 5, 13)}])
        self.assertEqual(relance.acknowledged_on, date(2026, 5, 13))
        self.assertEqual(sending.acknowledgement_proof_id.raw, b'%PDF-1.4 avis de reception')
        self.assertIn("13", relance.message_ids[0].body)
        # Asked again: nothing downloaded twice, nothing changes.
        downloads = len(self.stand_in.calls('GET', '_acknowledgement_of_receipt'))
        sending._refresh_status()
        self.assertEqual(len(self.stand_in.calls('GET', '_acknowledgement_of_receipt')), downloads)
        # The one place the packs read the proofs from: deposit first, then the receipt.
        self.assertEqual(
            relance._postal_proof_attachments().mapped('raw'),
            [b'%PDF-1.4 preuve de depot', b'%PDF-1.4 avis de reception'],
        )
        # Both proofs are in the litigation file.
        dossier = self.env['account.relance.litigation.file'].create(
            {'partner_id': self.client.id, 'company_id': self.company.id, 'date': date(2026, 5, 20)}
        )
        dossier._build()
        names = zipfile.ZipFile(io.BytesIO(base64.b64decode(dossier.with_context(bin_size=False).zip_file))).namelist()
        self.assertTrue(any(name.startswith("Preuves/") and "Preuve_de_depot" in name for name in names), names)
        self.assertTrue(any(name.startswith("Preuves/") and "Avis_de_reception" in name for name in names), names)

    def test_legal_interest_of_a_consumer_runs_from_the_acknowledgement(self):
        consumer = self.env['res.partner'].create(
            {
                'name': "Jeanne Durand",
                'street': "3 place Bellecour",
                'zip': "69002",
                'city': "Lyon",
                'country_id': self.env.ref('base.fr').id,
            }
        )
        relance = self.mise_en_demeure(client=consumer)
        invoice = relance.invoice_line_ids.move_id
        self.assertEqual(invoice._relance_notice_start(), date(2026, 5, 9), "the day it went out, until received")
        sending = relance.postal_sending_ids
        self.stand_in.advance(
            sending.provider_reference,
            processed=True,
            delivered='2026-05-13T10:30:00.000Z',
            acknowledged='2026-05-15T08:00:00.000Z',
        )
        sending._refresh_status()
        self.assertEqual(invoice._relance_notice_start(), date(2026, 5, 13), "the day the consumer received it")

    def test_scheduled_action_follows_the_letters(self):
        relance = self.mise_en_demeure()
        sending = relance.postal_sending_ids
        self.stand_in.advance(sending.provider_reference, processed=True, delivered='2026-05-13T10:30:00.000Z')
        with self.enter_registry_test_mode():
            self.env.ref('account_relance_fr.ir_cron_relance_postal_status').method_direct_trigger()
        sending.invalidate_recordset()
        self.assertEqual(sending.state, 'distributed')
        self.assertTrue(sending.deposit_proof_id)

    def test_provider_down_while_following_changes_nothing(self):
        relance = self.mise_en_demeure()
        sending = relance.postal_sending_ids
        self.stand_in.advance(sending.provider_reference, processed=True)
        self.stand_in.scenario = 'down'
        self.assertEqual(sending._refresh_status(), sending)
        self.assertRecordValues(sending, [{'state': 'accepted', 'deposit_proof_id': False}])
        self.assertTrue(sending.checked_on)
        self.assertEqual(relance.state, 'sent')
        self.stand_in.scenario = 'ok'
        self.assertFalse(sending._refresh_status())
        self.assertEqual(sending.state, 'deposited')

    def test_unclaimed_letter_is_returned(self):
        relance = self.mise_en_demeure()
        sending = relance.postal_sending_ids
        self.stand_in.advance(sending.provider_reference, processed=True, returned='N03')
        sending._refresh_status()
        self.assertEqual(sending.state, 'returned')
        self.assertEqual(sending.status_code, 'N03')
        self.assertFalse(relance.acknowledged_on)

    def test_a_collector_posts_without_reading_the_credentials(self):
        collector = new_test_user(
            self.env,
            login="relance.collector",
            groups="account_relance_fr.group_relance_user,base.group_partner_manager",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        manager_env = self.env
        self.env = self.env(user=collector)
        relance = self.mise_en_demeure()
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(relance.postal_sending_ids.state, 'accepted')
        account = self.account.with_user(collector)
        self.assertEqual(account.name, "Maileva (stand-in)")
        for secret in ('client_secret', 'password', 'webhook_secret'):
            with self.assertRaises(AccessError):
                account.read([secret])
        # Another company sees neither the account nor the letters.
        other = self.setup_other_company()['company']
        outsider = new_test_user(
            manager_env,
            login="other.relance.manager",
            groups="account_relance_fr.group_relance_manager",
            company_id=other.id,
            company_ids=[Command.set(other.ids)],
        )
        self.assertFalse(manager_env['account.relance.postal.sending'].with_user(outsider).search([]))
        self.assertFalse(manager_env['account.relance.postal.account'].with_user(outsider).search([]))

    def test_consumer_without_consent_gets_paper(self):
        posted = []

        class QualifiedLre(MailevaRegisteredMail):
            """A provider of qualified electronic registered letters: one class."""

            code = 'lre_stand_in'
            label = "LRE stand-in"
            electronic = True

            def send(self, document, filename, address, options, idempotency_key, reference=None):
                posted.append(options.electronic)
                return SendResult(reference=f"lre-{len(posted)}", tracking_number=f"LRE{len(posted)}")

        consumer = self.env['res.partner'].create(
            {
                'name': "Jeanne Durand",
                'email': 'jeanne@example.com',
                'street': "3 place Bellecour",
                'zip': "69002",
                'city': "Lyon",
                'country_id': self.env.ref('base.fr').id,
            }
        )
        self.assertTrue(consumer._relance_consumer_in(self.company))
        with patch.dict(PROVIDERS, {QualifiedLre.code: QualifiedLre}):
            self.account.write({'provider': QualifiedLre.code, 'prefer_electronic': True})
            relance = self.mise_en_demeure(client=consumer)
            self.assertEqual(relance.state, 'sent')
            self.assertEqual(posted, [False], "paper LRAR: no consent recorded")
            self.assertFalse(relance.postal_sending_ids.electronic)

            consumer.write({'relance_lre_consent_date': date(2026, 1, 5), 'relance_lre_consent_how': 'signed'})
            self.assertTrue(
                relance.with_context(relance_print_letters=False)._postal_may_send_electronically(self.account)
            )
            professional = self.env['res.partner'].create({'name': "SARL Dupont", 'is_company': True})
            self.assertFalse(professional._relance_consumer_in(self.company))

    def test_consumer_gets_the_electronic_letter_only_with_a_recorded_consent(self):
        posted = []

        class QualifiedLre(MailevaRegisteredMail):
            code = 'lre_stand_in'
            label = "LRE stand-in"
            electronic = True

            def send(self, document, filename, address, options, idempotency_key, reference=None):
                posted.append(options.electronic)
                return SendResult(reference=f"lre-{len(posted)}", tracking_number=f"LRE{len(posted)}")

        def consumer(name, **consent):
            return self.env['res.partner'].create(
                {
                    'name': name,
                    'email': f"{name.split()[0].lower()}@example.com",
                    'street': "3 place Bellecour",
                    'zip': "69002",
                    'city': "Lyon",
                    'country_id': self.env.ref('base.fr').id,
                    **consent,
                }
            )

        # A date without how it was given is no recorded consent; both are.
        half = consumer("Paul Martin", relance_lre_consent_date=date(2026, 1, 5))
        agreed = consumer("Jeanne Durand", relance_lre_consent_date=date(2026, 1, 5), relance_lre_consent_how='portal')
        with patch.dict(PROVIDERS, {QualifiedLre.code: QualifiedLre}):
            self.account.write({'provider': QualifiedLre.code, 'prefer_electronic': True})
            paper = self.mise_en_demeure(client=half)
            electronic = self.mise_en_demeure(client=agreed)
        self.assertEqual(posted, [False, True])
        self.assertRecordValues(
            paper.postal_sending_ids | electronic.postal_sending_ids,
            [{'electronic': False, 'state': 'accepted'}, {'electronic': True, 'state': 'accepted'}],
        )
        self.assertEqual((paper.state, electronic.state), ('sent', 'sent'))


@tagged('post_install', '-at_install')
class TestRelancePostalWebhook(PostalCommon, HttpCase):
    """The provider's notifications reach Odoo only with the account's secret."""

    def notify(self, secret, payload):
        headers = {'Content-Type': 'application/json'}
        if secret is not None:
            headers['X-Relance-Secret'] = secret
        return self.url_open(
            f"/account_relance_fr/postal/{self.account.id}/notify", data=json.dumps(payload), headers=headers
        )

    def test_wrong_secret_is_refused(self):
        relance = self.mise_en_demeure()
        sending = relance.postal_sending_ids
        self.stand_in.advance(sending.provider_reference, processed=True)
        gets = len(self.stand_in.calls('GET'))
        for secret in (None, '', 'guess', self.account.webhook_secret[:-1]):
            response = self.notify(secret, {'resource_id': sending.provider_reference})
            self.assertEqual(response.status_code, 403)
        self.assertEqual(sending.state, 'accepted')
        self.assertEqual(len(self.stand_in.calls('GET')), gets, "nothing asked to the provider")

    def test_notification_with_the_secret_updates_the_status(self):
        relance = self.mise_en_demeure()
        sending = relance.postal_sending_ids
        self.stand_in.advance(sending.provider_reference, processed=True)
        response = self.notify(self.account.webhook_secret, {'resource_id': sending.provider_reference})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {'status': 'ok', 'updated': 1})
        sending.invalidate_recordset()
        self.assertEqual(sending.state, 'deposited')
        # Posted again (providers retry): same result, nothing downloaded twice.
        self.assertEqual(
            self.notify(self.account.webhook_secret, {'resource_id': sending.provider_reference}).status_code, 200
        )
        self.assertEqual(len(self.stand_in.calls('GET', 'download_deposit_proof')), 1)
        self.assertEqual(self.notify(self.account.webhook_secret, ['not', 'a', 'notification']).status_code, 400)
