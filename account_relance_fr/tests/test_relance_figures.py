from datetime import date, timedelta

from odoo import Command
from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time(DUE + timedelta(days=15))
class TestRelanceFigures(RelanceCommon):
    """Figures that must reconcile with the ledger."""

    def test_the_client_totals_include_every_contact_at_any_depth(self):
        # Boulangerie Martin > Service comptable > Mme Durand: invoices made out to each of them.
        department = self.env['res.partner'].create(
            {'name': "Service comptable", 'parent_id': self.client.id, 'type': 'invoice'}
        )
        person = self.env['res.partner'].create({'name': "Mme Durand", 'parent_id': department.id})
        self.invoice(1000.0)  # overdue since 10 March
        self.invoice(300.0, partner=department)  # overdue
        self.invoice(200.0, partner=person)  # overdue
        self.invoice(50.0, partner=person, due=DUE + timedelta(days=30))  # not due yet
        for partner in (self.client, department, person):
            partner = partner.with_company(self.company)
            self.assertEqual(partner.relance_amount_due, 1550.0, partner.name)
            self.assertEqual(partner.relance_amount_overdue, 1500.0, partner.name)

    def test_receivables_without_client_are_reported_apart_in_the_kpis(self):
        # A 100 € receivable booked by hand without a partner in March: in the KPIs it has no
        # risk category, as in the aged balance, instead of passing for a punctual payer.
        entry = self.env['account.move'].create(
            {
                'move_type': 'entry',
                'date': date(2026, 3, 15),
                'line_ids': [
                    Command.create(
                        {
                            'account_id': self.company_data['default_account_receivable'].id,
                            'debit': 100.0,
                            'name': "Créance sans client",
                        }
                    ),
                    Command.create(
                        {
                            'account_id': self.company_data['default_account_revenue'].id,
                            'credit': 100.0,
                            'name': "Créance sans client",
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        report = self.env['account.relance.kpi.report'].create(
            {'date_from': date(2026, 3, 1), 'date_to': date(2026, 3, 31), 'company_id': self.company.id}
        )
        report.action_show()
        apart = report.line_ids.filtered(lambda line: not line.risk_category)
        self.assertRecordValues(apart, [{'receivables': 100.0}])
        self.assertFalse(report.line_ids.filtered(lambda line: line.risk_category == 'punctual'))

    def test_the_aged_balance_buckets_come_in_the_order_of_their_ages(self):
        self.invoice(100.0, due=DUE + timedelta(days=30))  # not due on 25 March
        self.invoice(200.0, due=DUE + timedelta(days=10))  # 5 days late
        self.invoice(300.0, due=DUE - timedelta(days=30))  # 45 days late
        report = self.env['account.relance.aged.balance'].create({'date': DUE + timedelta(days=15)})
        report.action_show()
        Line = self.env['account.relance.aged.balance.line'].with_context(relance_aging_bounds=report.bounds)
        groups = Line._read_group([('report_id', '=', report.id)], ['bucket'], ['amount:sum'])
        self.assertEqual(groups, [('not_due', 100.0), ('b1', 200.0), ('b2', 300.0)])
        pivot = Line.formatted_read_group(
            [('report_id', '=', report.id)], ['bucket'], ['amount:sum'], order='bucket ASC'
        )
        self.assertEqual([group['bucket'] for group in pivot], ['not_due', 'b1', 'b2'])

    def test_an_invoice_held_for_any_reason_is_held_everywhere(self):
        """The run, the invoice list ("next relance") and the searches read one definition of
        an open installment the run may remind: each way of holding an invoice holds it for all."""
        other_client = self.env['res.partner'].create(
            {'name': "Épicerie Bernard", 'is_company': True, 'email': "epicerie@example.com"}
        )
        chased = self.invoice(100.0)
        blocked = self.invoice(200.0)
        blocked.action_toggle_block_payment()
        excluded = self.invoice(300.0)
        excluded.relance_excluded = True
        disputed = self.invoice(400.0)
        disputed.write({'relance_dispute': True, 'relance_dispute_reason': "Four non livré"})
        no_followup = self.invoice(500.0)
        no_followup.line_ids.filtered(lambda aml: aml.display_type == 'payment_term').no_followup = True
        in_litigation = self.invoice(600.0, partner=other_client)
        other_client.with_company(self.company).relance_litigation = True
        paid = self.invoice(700.0)
        self.env['account.payment.register'].with_context(active_model='account.move', active_ids=paid.ids).create(
            {}
        )._create_payments()
        invoices = chased | blocked | excluded | disputed | no_followup | in_litigation | paid

        relances = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relances.invoice_line_ids.move_id, chased, "the run reminds the one invoice not held")
        installments = self.env['account.relance.installment']
        Move, Line = self.env['account.move'], self.env['account.move.line']
        invoices.invalidate_recordset()
        self.assertEqual(invoices.filtered('relance_next_date'), chased, "only it shows a next relance")
        for chased_only in (False, True):
            # The same rule in SQL (search) and in memory (filtered_domain).
            in_sql = Move.search([('id', 'in', invoices.ids)] + [installments._move_domain(chased_only)])
            in_memory = invoices.filtered_domain(installments._move_domain(chased_only))
            self.assertEqual(in_sql, in_memory)
            lines_in_sql = Line.search([('move_id', 'in', invoices.ids)] + [installments._line_domain(chased_only)])
            self.assertEqual(lines_in_sql, invoices.line_ids.filtered_domain(installments._line_domain(chased_only)))
            self.assertEqual(lines_in_sql.move_id, in_sql)
        self.assertEqual(in_sql, chased)
        self.assertEqual(
            Move.search([('id', 'in', invoices.ids)] + [installments._move_domain()]),
            invoices - paid,
            "held invoices are still open",
        )

    def test_the_client_totals_reconcile_with_the_aged_balance(self):
        self.invoice(1000.0)  # overdue
        self.invoice(250.0, due=DUE + timedelta(days=30))  # not due yet
        credit_note = self.env['account.move'].create(
            {
                'move_type': 'out_refund',
                'partner_id': self.client.id,
                'invoice_date': DUE,
                'invoice_line_ids': [
                    Command.create({'name': "Avoir", 'quantity': 1, 'price_unit': 150.0, 'tax_ids': False})
                ],
            }
        )
        credit_note.action_post()
        report = self.env['account.relance.aged.balance'].create({'date': DUE + timedelta(days=15)})
        report.action_show()
        client = self.client.with_company(self.company)
        self.assertEqual(
            sum(report.line_ids.filtered(lambda line: line.partner_id == self.client).mapped('amount')), 1100.0
        )
        self.assertEqual(client.relance_amount_due, 1100.0, "owed: 1,000 + 250 - 150")
        self.assertEqual(client.relance_amount_overdue, 1000.0, "overdue installments")
