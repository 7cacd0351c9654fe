from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time(DUE + timedelta(days=3))
class TestRelanceActions(RelanceCommon):
    def test_remind_now_sends_the_next_level_of_an_invoice_at_once(self):
        invoice = self.invoice(1000.0)
        action = self.env['account.relance.run']._action_remind_now(moves=invoice)
        relance = self.env['account.relance'].search(action['domain'])
        self.assertRecordValues(
            relance, [{'date': DUE + timedelta(days=3), 'level_id': self.level[1].id, 'state': 'sent'}]
        )
        # Again the same day: inside the minimum gap, a person must confirm, and then one a day holds.
        confirm = self.env['account.relance.run']._action_remind_now(moves=invoice)
        self.assertEqual(confirm['res_model'], 'account.relance.remind.wizard')
        wizard = self.env['account.relance.remind.wizard'].browse(confirm['res_id'])
        self.assertEqual(wizard.recent_partner_ids, self.client)
        with self.assertRaisesRegex(UserError, "at most one relance a day"):
            wizard.action_confirm()

    def test_remind_now_inside_the_minimum_gap_asks_for_a_confirmation(self):
        self.invoice(1000.0)
        self.run_relance(DUE + timedelta(days=1))  # first reminder two days ago
        confirm = self.env['account.relance.run']._action_remind_now(partners=self.client)
        self.assertEqual(confirm['res_model'], 'account.relance.remind.wizard')
        self.assertEqual(len(self.client.relance_ids), 1, "nothing sent before the confirmation")
        action = self.env['account.relance.remind.wizard'].browse(confirm['res_id']).action_confirm()
        relance = self.env['account.relance'].search(action['domain'])
        self.assertRecordValues(relance, [{'level_id': self.level[10].id, 'state': 'sent'}])

    def test_remind_now_does_not_wait_for_the_date_of_the_next_level(self):
        invoice = self.invoice(1000.0, due=DUE + timedelta(days=10))  # preventive planned on DUE + 5
        action = self.env['account.relance.run']._action_remind_now(partners=self.client)
        relance = self.env['account.relance'].search(action['domain'])
        self.assertRecordValues(relance, [{'level_id': self.level[-5].id, 'state': 'sent'}])
        self.assertEqual(relance.upcoming_line_ids.move_id, invoice)

    def test_remind_now_on_a_paid_or_draft_invoice_is_refused(self):
        draft = self.invoice(1000.0, post=False)
        with self.assertRaisesRegex(UserError, "Only posted customer invoices"):
            self.env['account.relance.run']._action_remind_now(moves=draft)
        paid = self.invoice(1000.0)
        self._register_payment(paid)
        with self.assertRaisesRegex(UserError, "Nothing to remind"):
            self.env['account.relance.run']._action_remind_now(moves=paid)

    def test_exclusion_with_a_reason_and_reinstatement_from_the_invoice_list(self):
        invoice = self.invoice(1000.0)
        action = self.env['account.relance.exclusion.wizard']._action_open(invoice)
        wizard = Form(self.env['account.relance.exclusion.wizard'].with_context(**action['context']))
        wizard.reason = "Litige sur la livraison"
        wizard.save().action_apply()
        self.assertRecordValues(
            invoice, [{'relance_excluded': True, 'relance_exclusion_reason': "Litige sur la livraison"}]
        )
        self.assertFalse(self.run_relance(DUE + timedelta(days=3)))
        invoice.action_relance_reinstate()
        self.assertTrue(self.run_relance(DUE + timedelta(days=3)))

    def test_suspension_of_a_client_from_the_partner_list(self):
        contact = self.env['res.partner'].create({'name': "Jean Martin", 'parent_id': self.client.id})
        wizard = self.env['account.relance.exclusion.wizard'].create(
            {'res_model': 'res.partner', 'res_ids': contact.ids, 'reason': "Redressement judiciaire"}
        )
        wizard.action_apply()
        self.assertTrue(self.client.relance_suspended, "the commercial entity is suspended")
        self.assertTrue(contact.relance_suspended, "and its contacts show it")
        contact.action_relance_resume()
        self.assertFalse(self.client.relance_suspended)

    def test_the_manager_runs_the_relance_as_of_a_date(self):
        self.invoice(1000.0)
        wizard = self.env['account.relance.run.wizard'].create({'date': DUE + timedelta(days=1)})
        action = wizard.action_run()
        relance = self.env['account.relance'].search(action['domain'])
        self.assertEqual((relance.date, relance.level_id), (DUE + timedelta(days=1), self.level[1]))

    def test_the_relance_cannot_be_run_for_a_future_date(self):
        with self.assertRaisesRegex(ValidationError, "future date"):
            self.env['account.relance.run.wizard'].create({'date': DUE + timedelta(days=10)})

    def test_a_sent_relance_can_neither_be_cancelled_nor_deleted(self):
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        with self.assertRaisesRegex(UserError, "not sent can be cancelled"):
            relance.action_cancel()
        with self.assertRaisesRegex(UserError, "stay in the history"):
            relance.unlink()
        relance.action_mark_done()
        self.assertEqual(relance.state, 'done')

    def test_the_invoice_and_the_client_show_where_they_stand(self):
        invoice = self.invoice(1000.0)
        self._register_payment(invoice, amount=250.0, payment_date=DUE)
        self.invoice(400.0, due=DUE + timedelta(days=20))
        self.run_relance(DUE + timedelta(days=1))
        self.assertRecordValues(
            invoice,
            [
                {
                    'relance_level_id': self.level[1].id,
                    'relance_last_date': DUE + timedelta(days=1),
                    'relance_next_date': DUE + timedelta(days=10),
                    'relance_days_overdue': 3,
                    'relance_count': 1,
                }
            ],
        )
        self.assertRecordValues(
            self.client,
            [
                {
                    'relance_amount_due': 1150.0,
                    'relance_amount_overdue': 750.0,
                    'relance_max_level_id': self.level[1].id,
                    'relance_count': 1,
                }
            ],
        )
        due_now = self.env['account.move'].search([('relance_next_date', '<=', DUE + timedelta(days=15))])
        self.assertIn(invoice, due_now)
        self.assertNotIn(
            invoice,
            self.env['account.move'].search([('relance_next_date', '<=', 'today')]),
            "the “Relance due” filter: next relance on DUE + 10, today is DUE + 3",
        )
        self.assertEqual(invoice.action_view_relances()['domain'], [('line_ids.move_id', 'in', invoice.ids)])
