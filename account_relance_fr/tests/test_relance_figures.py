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
        department = self.env['res.partner'].create({'name': "Service comptable", 'parent_id': self.client.id,
                                                     'type': 'invoice'})
        person = self.env['res.partner'].create({'name': "Mme Durand", 'parent_id': department.id})
        self.invoice(1000.0)                                    # overdue since 10 March
        self.invoice(300.0, partner=department)                 # overdue
        self.invoice(200.0, partner=person)                     # overdue
        self.invoice(50.0, partner=person, due=DUE + timedelta(days=30))  # not due yet
        for partner in (self.client, department, person):
            partner = partner.with_company(self.company)
            self.assertEqual(partner.relance_amount_due, 1550.0, partner.name)
            self.assertEqual(partner.relance_amount_overdue, 1500.0, partner.name)

    def test_receivables_without_client_are_reported_apart_in_the_kpis(self):
        # A 100 € receivable booked by hand without a partner in March: in the KPIs it has no
        # risk category, as in the aged balance, instead of passing for a punctual payer.
        entry = self.env['account.move'].create({
            'move_type': 'entry', 'date': date(2026, 3, 15),
            'line_ids': [
                Command.create({'account_id': self.company_data['default_account_receivable'].id,
                                'debit': 100.0, 'name': "Créance sans client"}),
                Command.create({'account_id': self.company_data['default_account_revenue'].id,
                                'credit': 100.0, 'name': "Créance sans client"}),
            ]})
        entry.action_post()
        report = self.env['account.relance.kpi.report'].create(
            {'date_from': date(2026, 3, 1), 'date_to': date(2026, 3, 31), 'company_id': self.company.id})
        report.action_show()
        apart = report.line_ids.filtered(lambda line: not line.risk_category)
        self.assertRecordValues(apart, [{'receivables': 100.0}])
        self.assertFalse(report.line_ids.filtered(lambda line: line.risk_category == 'punctual'))

    def test_the_aged_balance_buckets_come_in_the_order_of_their_ages(self):
        self.invoice(100.0, due=DUE + timedelta(days=30))   # not due on 25 March
        self.invoice(200.0, due=DUE + timedelta(days=10))   # 5 days late
        self.invoice(300.0, due=DUE - timedelta(days=30))   # 45 days late
        report = self.env['account.relance.aged.balance'].create({'date': DUE + timedelta(days=15)})
        report.action_show()
        Line = self.env['account.relance.aged.balance.line'].with_context(relance_aging_bounds=report.bounds)
        groups = Line._read_group([('report_id', '=', report.id)], ['bucket'], ['amount:sum'])
        self.assertEqual(groups, [('not_due', 100.0), ('b1', 200.0), ('b2', 300.0)])
        pivot = Line.formatted_read_group([('report_id', '=', report.id)], ['bucket'], ['amount:sum'],
                                          order='bucket ASC')
        self.assertEqual([group['bucket'] for group in pivot], ['not_due', 'b1', 'b2'])
