from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import RelanceCommon


@tagged('post_install', '-at_install')
class TestRelancePenaltyInvoice(RelanceCommon):
    """“Facturer les pénalités”: once, without VAT, linked to the late invoice."""

    def invoice_penalties(self, moves, on):
        wizard = Form(
            self.env['account.relance.penalty.invoice.wizard'].with_context(
                active_model='account.move', active_ids=moves.ids
            )
        )
        wizard.date = on
        action = wizard.save().action_create_invoices()
        return self.env['account.move'].search(action['domain'])

    def test_penalties_and_indemnity_are_invoiced_once_without_vat(self):
        # 10 000 € due 15 February 2024, 30 days at 14.50 % on 16 March: 119.18 €, and 40 €.
        late = self.invoice(10000.0, due=date(2024, 2, 15))
        penalty_invoice = self.invoice_penalties(late, date(2024, 3, 16))
        self.assertRecordValues(
            penalty_invoice,
            [
                {
                    'move_type': 'out_invoice',
                    'partner_id': self.client.id,
                    'amount_untaxed': 159.18,
                    'amount_tax': 0.0,
                    'amount_total': 159.18,
                }
            ],
        )
        self.assertRecordValues(
            penalty_invoice.invoice_line_ids,
            [
                {'relance_penalty_origin_id': late.id, 'relance_penalty_kind': 'penalty', 'price_unit': 119.18},
                {'relance_penalty_origin_id': late.id, 'relance_penalty_kind': 'indemnity', 'price_unit': 40.0},
            ],
        )
        self.assertFalse(penalty_invoice.invoice_line_ids.tax_ids, "damages are outside the scope of VAT")
        self.assertIn(late.name, penalty_invoice.invoice_line_ids[0].name)
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            self.invoice_penalties(late, date(2024, 3, 16))

    def test_a_later_invoicing_charges_only_the_penalties_accrued_since(self):
        # On 15 April, 60 days: 10 000 x 0.145 x 60 / 365 = 238.356 -> 238.36 €, of which
        # 119.18 € were invoiced on 16 March: 119.18 € more, and no second indemnity.
        late = self.invoice(10000.0, due=date(2024, 2, 15))
        self.invoice_penalties(late, date(2024, 3, 16))
        second = self.invoice_penalties(late, date(2024, 4, 15))
        self.assertRecordValues(second.invoice_line_ids, [{'relance_penalty_kind': 'penalty', 'price_unit': 119.18}])

    def test_a_cancelled_penalty_invoice_can_be_invoiced_again(self):
        late = self.invoice(10000.0, due=date(2024, 2, 15))
        first = self.invoice_penalties(late, date(2024, 3, 16))
        first.button_cancel()
        again = self.invoice_penalties(late, date(2024, 3, 16))
        self.assertEqual(again.amount_total, 159.18)

    def test_penalty_invoices_bear_no_penalties_themselves(self):
        late = self.invoice(10000.0, due=date(2024, 2, 15))
        penalty_invoice = self.invoice_penalties(late, date(2024, 3, 16))
        penalty_invoice.action_post()
        self.assertEqual(penalty_invoice.with_context(relance_date=date(2024, 12, 31)).relance_penalty_amount, 0.0)

    def test_a_consumer_invoice_has_nothing_to_invoice(self):
        consumer = self.env['res.partner'].create({'name': "Jeanne Petit"})
        late = self.invoice(500.0, due=date(2024, 2, 15), partner=consumer)
        with self.assertRaisesRegex(UserError, "Nothing to invoice"):
            self.invoice_penalties(late, date(2024, 3, 16))
