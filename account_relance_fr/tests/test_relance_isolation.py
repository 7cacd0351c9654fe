from datetime import date, datetime, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from odoo.addons.account_relance_fr.models.relance import AccountRelance
from odoo.addons.account_relance_fr.models.relance_prepare import AccountRelance as PreparedRelance

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceIsolation(RelanceCommon):
    """One client that breaks does not stop the others, is visible, and is tried again.

    Three bakeries each owe 1 000 € due 10 March; on 11 March the cordial e-mail is due for all
    three. The second one's data make the run fail (simulated: an error while preparing it).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env['res.partner']
        cls.second = Partner.create(
            {
                'name': "Boulangerie Petit",
                'is_company': True,
                'email': "compta@petit.example",
                'relance_risk_category': 'occasional',
            }
        )
        cls.third = Partner.create(
            {
                'name': "Boulangerie Grand",
                'is_company': True,
                'email': "compta@grand.example",
                'relance_risk_category': 'occasional',
            }
        )
        for client in (cls.client, cls.second, cls.third):
            cls.invoice(1000.0, partner=client)

    def break_client(self, client, method, cls=PreparedRelance):
        """Make ``method`` raise for ``client`` (the rest of the run works as usual)."""
        original = getattr(cls, method)
        self.addCleanup(setattr, cls, method, original)
        self.repair = lambda: setattr(cls, method, original)

        def broken(records, *args, **kwargs):
            touched = records.partner_id if records else args[0]  # a relance, or the client it is for
            if client in touched:
                raise ValueError(f"broken data of {client.name}")
            return original(records, *args, **kwargs)

        self.patch(cls, method, broken)

    def relances_of(self, client):
        return self.env['account.relance'].search([('partner_id', '=', client.id)])

    def test_a_client_that_fails_is_logged_and_the_others_are_reminded(self):
        self.break_client(self.second, '_prepare_recipient')
        relances = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relances.partner_id, self.client | self.third)
        self.assertEqual(relances.mapped('state'), ['sent', 'sent'])
        self.assertFalse(self.relances_of(self.second))
        log = self.env['account.relance.run.log'].search([('partner_id', '=', self.second.id)])
        self.assertRecordValues(log, [{'kind': 'failure', 'date': DUE + timedelta(days=1)}])
        self.assertIn("broken data of Boulangerie Petit", log.message)

    def test_the_next_day_retries_the_client_that_failed(self):
        self.break_client(self.second, '_prepare_recipient')
        self.run_relance(DUE + timedelta(days=1))
        self.repair()  # the data were fixed overnight
        retried = self.run_relance(DUE + timedelta(days=2))
        self.assertEqual(retried.partner_id, self.second, "the two others were reminded yesterday")
        self.assertRecordValues(retried, [{'level_id': self.level[1].id, 'state': 'sent'}])

    def test_the_scheduled_run_goes_on_after_a_failing_client(self):
        self.break_client(self.second, '_prepare_recipient')
        with (
            freeze_time(datetime.combine(DUE + timedelta(days=1), datetime.min.time()) + timedelta(hours=6)),
            self.enter_registry_test_mode(),
        ):
            self.env.ref('account_relance_fr.ir_cron_daily_relance').method_direct_trigger()
        self.assertEqual(self.relances_of(self.client).state, 'sent')
        self.assertEqual(self.relances_of(self.third).state, 'sent')
        self.assertFalse(self.relances_of(self.second))
        self.assertTrue(
            self.env['account.relance.run.log'].search([('partner_id', '=', self.second.id), ('kind', '=', 'failure')])
        )

    def test_an_email_that_cannot_be_sent_fails_its_relance_only(self):
        self.break_client(self.second, '_send_emails', cls=AccountRelance)
        relances = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(len(relances), 3)
        failed = relances.filtered(lambda r: r.partner_id == self.second)
        self.assertRecordValues(failed, [{'state': 'failed'}])
        self.assertIn("broken data of Boulangerie Petit", failed.failure_reason)
        self.assertFalse(self.sent_emails(failed), "nothing half-sent")
        self.assertEqual((relances - failed).mapped('state'), ['sent', 'sent'])
        self.assertEqual(len(self.sent_emails(relances - failed)), 2)
        # Fixed: "Retry" sends it.
        self.repair()
        with freeze_time(DUE + timedelta(days=1)):
            failed.action_send()
        self.assertRecordValues(failed, [{'state': 'sent', 'failure_reason': False}])
        self.assertEqual(len(self.sent_emails(failed)), 1)


@tagged('post_install', '-at_install')
class TestRelanceRetryChannels(RelanceCommon):
    """Retrying produces every channel of the level, or the relance stays failed with the reason."""

    def prepare_formal_notice(self, on=date(2026, 5, 9)):
        wizard = Form(
            self.env['account.relance.formal.notice.wizard'].with_context(
                active_model='res.partner', active_ids=self.client.ids
            )
        )
        wizard.date = on
        return self.env['account.relance'].browse(wizard.save().action_prepare()['res_id'])

    def test_a_mise_en_demeure_whose_letter_failed_is_retried_with_its_registered_letter(self):
        self.invoice(1000.0)
        original = AccountRelance._make_letters

        def printer_down(records):
            raise UserError("wkhtmltopdf: the renderer stopped")  # pylint: disable=translation-required

        self.patch(AccountRelance, '_make_letters', printer_down)
        with freeze_time(date(2026, 5, 9)):
            notice = self.prepare_formal_notice()
        self.assertRecordValues(
            notice, [{'state': 'failed', 'channel_registered_letter': True, 'letter_attachment_id': False}]
        )
        self.assertIn("the renderer stopped", notice.failure_reason)
        with freeze_time(date(2026, 5, 9)):
            notice.action_send()
        self.assertEqual(notice.state, 'failed', "still no letter: still failed, never marked sent")
        self.patch(AccountRelance, '_make_letters', original)
        with freeze_time(date(2026, 5, 9)):
            notice.action_send()
        self.assertRecordValues(notice, [{'state': 'sent', 'failure_reason': False}])
        self.assertIn("MISE EN DEMEURE", notice.letter_attachment_id.raw.decode())

    def test_a_retry_plans_the_call_that_was_never_planned(self):
        # The phone and e-mail level failed before anything went out: its retry plans the call.
        self.level[1].channel_phone = True
        self.invoice(1000.0)
        original = AccountRelance._dispatch

        def down(records):
            raise ValueError("mail server down")

        self.patch(AccountRelance, '_dispatch', down)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertRecordValues(relance, [{'state': 'failed', 'call_planned': False}])
        self.assertFalse(relance.activity_ids)
        self.patch(AccountRelance, '_dispatch', original)
        with freeze_time(DUE + timedelta(days=1)):
            relance.action_send()
        self.assertRecordValues(relance, [{'state': 'sent', 'call_planned': True}])
        self.assertEqual(len(relance.activity_ids), 1)
        self.assertEqual(len(self.sent_emails(relance)), 1)
