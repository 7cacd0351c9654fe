"""The client's side of the relance: a promise to pay pauses the file, a kept promise closes
the matter, a broken one resumes it at the next level; the client contests an invoice or asks
for a payment schedule from its page; the collector records what a call gave; the statement
says what the client owes."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon


def on(n):
    return DUE + timedelta(days=n)


@tagged('post_install', '-at_install')
class TestRelanceClientSide(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                'relance_promise_grace_days': 3,
                'relance_promise_limit_days': 30,
                'relance_call_retry_days': 2,
                'relance_collector_id': cls.salesperson.id,
            }
        )
        cls.collector = cls.salesperson
        cls.oven = cls.invoice(1200.0)

    def file(self):
        return self.env['account.relance.file'].search(
            [('partner_id', '=', self.client.id), ('company_id', '=', self.company.id)], order='id desc', limit=1
        )

    def promise(self, day, pay_by, amount=0.0, source='portal'):
        with freeze_time(day):
            return self.env['account.relance.promise']._make(self.file(), pay_by, amount, source)

    # ------------------------------------------------------------------ promises

    def test_a_promise_pauses_the_relances_until_the_date_plus_grace_then_resumes_at_the_next_level(self):
        # J+1: the cordial reminder goes out. J+5: the baker promises to pay the 1 200 € by J+15.
        [cordial] = self.run_relance(on(1))
        self.assertEqual(cordial.level_id, self.level[1])
        promise = self.promise(on(5), on(15))
        self.assertEqual(promise.paused_until, on(18))  # 15 + 3 days of grace
        self.assertEqual(promise.owed_at_promise, 1200.0)
        self.assertEqual(self.file().next_date, on(19))
        # The firm reminder was due at J+10: nothing goes out while the promise stands.
        self.assertFalse(self.run_days(on(2), on(18)))
        self.assertEqual(promise.state, 'open')
        # J+19: nothing came in, the promise is broken and the file resumes at its next level,
        # saying the promise was broken.
        [firm] = self.run_relance(on(19))
        self.assertEqual(promise.state, 'broken')
        self.assertEqual(firm.level_id, self.level[10])
        self.assertIn("ce règlement ne nous est pas parvenu", firm.body_html)
        self.assertIn(self.file().access_token, firm.body_html)
        self.assertEqual(self.env['account.relance.promise']._broken_to_tell(firm), promise)
        # Told once: the next relance of the file does not say it again.
        [call] = self.run_relance(on(29))
        self.assertFalse(self.env['account.relance.promise']._broken_to_tell(call))

    def test_a_kept_promise_closes_the_matter(self):
        self.run_relance(on(1))
        promise = self.promise(on(5), on(15))
        file = self.file()
        self.assertTrue(file.access_token)
        self._register_payment(self.oven, payment_date=on(12))
        self.assertFalse(self.run_days(on(6), on(40)))
        self.assertEqual(promise.state, 'kept')
        self.assertEqual(file.state, 'closed')
        # The link of the closed file opens nothing any more.
        self.assertFalse(file.access_token)

    def test_a_file_reopened_after_a_hold_gets_a_new_link(self):
        self.run_relance(on(1))
        file = self.file()
        old_token, old_code = file.access_token, file.access_code
        self.assertTrue(old_token and old_code, "the link is made with the file")
        file._relance_dispute(self.oven, "Four en panne")
        self.env['account.relance.run']._close_files(self.company, on(2))
        self.assertEqual((file.state, file.close_reason, file.access_token), ('closed', 'hold', False))
        self.oven.write({'relance_dispute': False})
        self.run_relance(on(10))
        self.assertEqual(file.state, 'open')
        self.assertTrue(file.access_token)
        self.assertNotEqual(file.access_token, old_token)
        self.assertNotEqual(file.access_code, old_code)

    def test_a_promised_amount_paid_keeps_the_promise_and_the_rest_is_chased_after_the_grace(self):
        self.run_relance(on(1))
        promise = self.promise(on(5), on(15), amount=500.0)
        self._register_payment(self.oven, amount=500.0, payment_date=on(14))
        self.assertFalse(self.run_days(on(6), on(18)))
        [firm] = self.run_relance(on(19))
        self.assertEqual(promise.state, 'kept')
        self.assertEqual(firm.amount_claimed, 700.0)
        self.assertNotIn("ne nous est pas parvenu", firm.body_html)

    def test_a_promise_is_limited_by_the_company(self):
        self.run_relance(on(1))
        with self.assertRaises(UserError):
            self.promise(on(5), on(36))  # 31 days ahead, the limit is 30
        with self.assertRaises(UserError):
            self.promise(on(5), on(4))
        self.assertTrue(self.promise(on(5), on(35)))

    def test_the_client_and_the_collector_see_the_promise_in_the_chatters(self):
        self.run_relance(on(1))
        self.promise(on(5), on(15))
        for record in (self.file(), self.client):
            self.assertTrue(
                record.message_ids.filtered(
                    lambda m: 'Promise to pay' in (m.body or '') or 'Promesse' in (m.body or '')
                ),
                record,
            )
        note = self.file().message_ids.filtered(lambda m: self.collector.partner_id in m.partner_ids)
        self.assertTrue(note, "the collector is notified")

    # ------------------------------------------------------------------ disputes and schedules

    def test_an_invoice_contested_from_the_page_leaves_the_run(self):
        other = self.invoice(300.0)
        self.run_relance(on(1))
        file = self.file()
        file._relance_dispute(self.oven, "Four livré en panne")
        self.assertTrue(self.oven.relance_dispute)
        self.assertEqual(self.oven.relance_dispute_reason, "Four livré en panne")
        self.assertIn(self.collector, file.activity_ids.user_id)
        [firm] = self.run_relance(on(10))
        self.assertEqual(firm.invoice_line_ids.move_id, other)

    def test_another_clients_invoice_cannot_be_contested_on_this_file(self):
        stranger = self.env['res.partner'].create({'name': "Autre client", 'is_company': True})
        theirs = self.invoice(100.0, partner=stranger)
        self.run_relance(on(1))
        with self.assertRaises(UserError):
            self.file()._relance_dispute(theirs, "Pas à moi")
        self.assertFalse(theirs.relance_dispute)

    def test_a_schedule_asked_by_the_client_opens_the_wizard_prefilled(self):
        self.run_relance(on(1))
        file = self.file()
        request = self.env['account.relance.schedule.request']._make(file, 4, on(20), "Trésorerie tendue")
        self.assertIn(self.collector, file.activity_ids.user_id)
        action = file.action_open_schedule_request()
        wizard = self.env[action['res_model']].with_context(**action['context']).create({})
        self.assertEqual(wizard.installment_count, 4)
        self.assertEqual(wizard.first_due_date, on(20))
        self.assertEqual(wizard.move_ids, self.oven)
        self.assertEqual(wizard.partner_id, self.client)
        self.assertEqual(request.state, 'done')

    # ------------------------------------------------------------------ call outcomes

    def call_relance(self):
        self.run_days(on(1), on(20))
        [relance] = self.file().relance_ids.filtered(lambda r: r.channel_phone)
        self.assertTrue(relance.activity_ids)
        return relance

    def outcome(self, relance, **values):
        wizard = (
            relance.env['account.relance.call.outcome.wizard']
            .with_context(active_model='account.relance', active_id=relance.id)
            .create(values)
        )
        return wizard.action_apply()

    def test_a_call_with_a_promise_pauses_the_file_like_the_client_page(self):
        relance = self.call_relance()
        with freeze_time(on(20)):
            self.outcome(relance, outcome='promise', promise_date=on(25), promise_amount=1200.0)
        promise = self.file().open_promise_id
        self.assertEqual((promise.source, promise.promise_date, promise.amount), ('call', on(25), 1200.0))
        self.assertFalse(relance.activity_ids, "the call activity is done")
        self.assertTrue(relance.message_ids.filtered(lambda m: 'promises to pay' in (m.body or '')))
        self.assertFalse(self.run_days(on(21), on(28)))
        self.assertTrue(self.run_relance(on(30)))
        self.assertEqual(promise.state, 'broken')

    def test_a_call_outcome_reads_in_french_with_its_date_and_note(self):
        self.env['ir.module.module']._load_module_terms(['account_relance_fr', 'mail'], ['fr_FR'], overwrite=True)
        relance = self.call_relance()
        with freeze_time(on(20)):
            self.outcome(
                relance.with_context(lang='fr_FR'),
                outcome='promise',
                promise_date=on(25),
                note="Virement lancé par la comptable",
            )
        [done] = relance.message_ids.filtered(lambda m: 'promet de payer' in (m.body or ''))
        body = done.body
        self.assertIn("Joint : promet de payer pour le 04/04/2026.", body)
        self.assertIn("Virement lancé par la comptable", body, "the collector's note is kept")
        self.assertNotIn("2026-04-04", body)
        self.assertNotIn("Reached", body)

    def test_a_call_where_the_client_contests_puts_the_invoice_in_dispute(self):
        relance = self.call_relance()
        self.outcome(relance, outcome='dispute', move_id=self.oven.id, reason="Facture en double")
        self.assertTrue(self.oven.relance_dispute)
        self.assertFalse(relance.activity_ids.filtered(lambda a: a.activity_type_id.category == 'phonecall'))

    def test_a_wrong_contact_becomes_the_relance_contact(self):
        relance = self.call_relance()
        accountant = self.env['res.partner'].create(
            {'name': "Mme Comptable", 'parent_id': self.client.id, 'email': "compta2@martin.example"}
        )
        self.outcome(relance, outcome='wrong_contact', contact_id=accountant.id)
        self.assertEqual(self.client.relance_contact_id, accountant)
        self.assertTrue(self.file().message_ids.filtered(lambda m: 'Mme Comptable' in (m.body or '')))

    def test_no_answer_plans_the_call_again(self):
        relance = self.call_relance()
        with freeze_time(on(20)):
            self.outcome(relance, outcome='no_answer')
        [again] = relance.activity_ids
        self.assertEqual(again.date_deadline, on(22))
        self.assertEqual(again.activity_type_id, self.env.ref('mail.mail_activity_data_call'))

    # ------------------------------------------------------------------ statement

    def test_the_statement_totals_equal_the_open_receivable(self):
        # An invoice partly paid, one not due yet, a credit note and a payment not reconciled.
        self._register_payment(self.oven, amount=200.0, payment_date=on(2))
        self.invoice(500.0, due=on(40))
        refund = self.env['account.move'].create(
            {
                'move_type': 'out_refund',
                'partner_id': self.client.id,
                'invoice_date': on(3),
                'invoice_line_ids': [
                    Command.create({'name': "Geste commercial", 'price_unit': 100.0, 'tax_ids': False})
                ],
            }
        )
        refund.action_post()
        payment = self.env['account.payment'].create(
            {
                'payment_type': 'inbound',
                'partner_type': 'customer',
                'partner_id': self.client.id,
                'amount': 50.0,
                'date': on(4),
                'journal_id': self.company_data['default_journal_bank'].id,
            }
        )
        payment.action_post()
        statement = self.env['account.relance.statement']._statement(self.client, self.company, on(5))
        [euros] = statement['currencies']
        # 1 200 - 200 + 500 - 100 - 50 = 1 350
        self.assertEqual(euros['totals']['residual'], 1350.0)
        self.assertEqual(statement['total_company'], 1350.0)
        self.assertEqual(self.client.with_company(self.company).credit, 1350.0)
        self.assertEqual(euros['totals']['overdue'], 1000.0)
        self.assertEqual(euros['lines'][-1]['balance'], 1350.0)
        self.assertEqual({line['kind'] for line in euros['lines']}, {'invoice', 'refund', 'payment'})
        self.assertGreater(euros['totals']['indemnity'], 0.0)  # 40 € on the late invoice
        self.assertEqual(
            euros['totals']['due'], round(1350.0 + euros['totals']['penalties'] + euros['totals']['indemnity'], 2)
        )

    def test_the_statement_prints_in_french_with_the_bank_details(self):
        self.env['res.partner.bank'].create(
            {'partner_id': self.company.partner_id.id, 'acc_number': "FR7630006000011234567890189"}
        )
        self.run_relance(on(1))
        html, _kind = self.env['ir.actions.report']._render_qweb_pdf(
            'account_relance_fr.action_report_relance_statement', self.file().ids
        )
        html = html.decode()
        self.assertIn("Relevé de compte", html)
        self.assertIn("FR76", html)
        self.assertIn(self.oven.name, html)

    def test_the_severe_relance_carries_the_statement(self):
        relances = self.run_days(on(1), on(30))
        severe = relances.filtered(lambda r: r.tone == 'severe')
        cordial = relances.filtered(lambda r: r.tone == 'cordial')

        def names(relance):
            return self.sent_emails(relance).attachment_ids.mapped('name')

        self.assertTrue(any(name.startswith("Relevé de compte") for name in names(severe)))
        self.assertFalse(any(name.startswith("Relevé de compte") for name in names(cordial)))

    def test_letters_carry_a_short_url_to_the_client_page(self):
        relances = self.run_days(on(1), on(30))
        severe = relances.filtered(lambda r: r.tone == 'severe' and r.letter_attachment_id)
        self.assertTrue(severe)
        file = self.file()
        self.assertIn(f"/rl/{file.access_code}", severe.letter_attachment_id.raw.decode())
        self.assertEqual(len(file.access_code), 10)

    def test_a_broken_promise_counts_in_the_risk_figures(self):
        self.run_relance(on(1))
        self.promise(on(5), on(15))
        self.run_relance(on(19))  # broken
        self.env['account.relance.risk']._compute(self.company, on(20), self.client)
        figures = self.client.with_company(self.company).relance_risk_figures
        self.assertIn("Broken promises to pay: 1.", figures)
        # It weighs like a severe relance: one reaches the occasional threshold.
        self.assertIn("Severe relances or above: 1", figures)

    def test_the_statement_is_emailed_from_the_worklist_with_the_pdf(self):
        self.run_relance(on(1))
        action = self.file().action_send_statement()
        self.assertEqual(action['res_model'], 'mail.compose.message')
        context = action['context']
        [attachment] = self.env['ir.attachment'].browse(context['default_attachment_ids'])
        self.assertTrue(attachment.name.startswith("Relevé de compte Boulangerie Martin"))
        self.assertIn("Relevé de compte", attachment.raw.decode())
        self.assertEqual(context['default_partner_ids'], self.client.ids)
        composer = self.env['mail.compose.message'].with_context(**context).create({})
        composer.action_send_mail()
        self.assertTrue(self.client.message_ids.filtered(lambda m: attachment in m.attachment_ids))
