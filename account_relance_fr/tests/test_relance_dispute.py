from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceDispute(RelanceCommon):
    """A disputed invoice waits for the dispute to be settled, then resumes where it was."""

    def test_a_disputed_invoice_is_not_reminded_and_resumes_at_the_next_level(self):
        invoice = self.invoice(1000.0)
        other = self.invoice(300.0)
        self.run_relance(DUE + timedelta(days=1))
        self.run_relance(DUE + timedelta(days=10))
        self.assertEqual(invoice.relance_level_id, self.level[10])

        wizard = Form(
            self.env['account.relance.dispute.wizard'].with_context(active_model='account.move', active_ids=invoice.ids)
        )
        wizard.reason = "Four livré endommagé, avoir attendu"
        wizard.date = DUE + timedelta(days=12)
        wizard.save().action_apply()
        self.assertRecordValues(
            invoice,
            [
                {
                    'relance_dispute': True,
                    'relance_dispute_reason': "Four livré endommagé, avoir attendu",
                    'relance_dispute_date': DUE + timedelta(days=12),
                    'relance_next_date': False,
                }
            ],
        )
        self.assertIn(invoice, self.client.relance_dispute_move_ids)

        # The undisputed invoice goes on alone: the J+20 call lists it, not the disputed one.
        relances = self.run_days(DUE + timedelta(days=13), DUE + timedelta(days=40))
        self.assertTrue(relances)
        self.assertNotIn(invoice, relances.line_ids.move_id)
        self.assertIn(other, relances.line_ids.move_id)

        # Listed apart, not in the overdue worklist.
        disputed = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_disputed_invoices')
        self.assertIn(invoice, self.env['account.move'].search(safe_eval(disputed['domain'])))
        overdue = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_overdue_invoices')
        self.assertNotIn(invoice, self.env['account.move'].search(safe_eval(overdue['domain'])))

        invoice.action_relance_resolve_dispute()
        self.assertFalse(invoice.relance_dispute)
        self.assertIn("Dispute resolved", invoice.message_ids[0].body)
        # Back in the client's file where it stands: no restart, the next step (the J+45 last reminder)
        # lists it again.
        self.assertFalse(self.run_days(DUE + timedelta(days=41), DUE + timedelta(days=44)))
        relance = self.run_relance(DUE + timedelta(days=45))
        self.assertEqual(relance.level_id, self.level[45])
        self.assertIn(invoice, relance.invoice_line_ids.move_id)

    def test_a_file_whose_invoices_are_all_disputed_closes_on_hold_and_continues_after(self):
        invoice = self.invoice(1000.0)
        first = self.run_relance(DUE + timedelta(days=1))
        self.run_relance(DUE + timedelta(days=10))
        file = first.file_id
        self.assertEqual(file.level_id, self.level[10])
        invoice.write({'relance_dispute': True, 'relance_dispute_reason': "Erreur de quantité"})
        self.assertFalse(self.run_relance(DUE + timedelta(days=11)))
        self.assertRecordValues(file, [{'state': 'closed', 'close_reason': 'hold'}])
        invoice.action_relance_resolve_dispute()
        relance = self.run_relance(DUE + timedelta(days=20))
        self.assertEqual(relance.file_id, file, "the same file continues")
        self.assertEqual(relance.level_id, self.level[20], "the step after the firm reminder")

    def test_only_posted_customer_invoices_can_be_disputed(self):
        draft = self.invoice(100.0, post=False)
        wizard = self.env['account.relance.dispute.wizard'].create(
            {'move_ids': [(6, 0, draft.ids)], 'reason': "Erreur de prix"}
        )
        with self.assertRaisesRegex(UserError, "Only posted customer invoices"):
            wizard.action_apply()
