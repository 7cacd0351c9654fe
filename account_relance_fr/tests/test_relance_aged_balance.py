import base64
import io
from datetime import date, timedelta

import openpyxl

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RelanceCommon

AT = date(2026, 3, 31)


@tagged('post_install', '-at_install')
class TestRelanceAgedBalance(RelanceCommon):
    """The balance âgée at 31 March 2026 of a small ledger built by hand.

    Boulangerie Martin (occasional, salesperson Paul):
    - A: 1 000 € due 14 Feb, 400 € paid on 21 March: 600 € open, 45 days late -> 31-60;
    - B: 500 € due 10 April -> not due;
    - C: 300 € due 21 Dec 2025, paid in full on 3 April, after the date: 300 € open, 100 days -> 91-120;
    - a 200 € credit note of 26 March, not reconciled: -200 €, 5 days -> 1-30;
    - D: 2 000 CHF (1 000 € at 2 CHF per euro) due 31 Oct 2025, 151 days -> more than 120.
    Transports Roux (chronic, no salesperson):
    - E: 800 € due 16 March, 15 days -> 1-30;
    - a 150 € payment received on 29 March, not reconciled: -150 €, 2 days -> 1-30;
    - F: invoiced on 5 April, after the date: not in the balance;
    - G: 250 € due 10 Jan, paid on 1 Feb: nothing open.
    Totals: not due 500, 1-30: -200 + 800 - 150 = 450, 31-60: 600, 61-90: 0, 91-120: 300,
    > 120: 1 000; Martin 2 200 + Roux 650 = 2 850 €.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.roux = cls.env['res.partner'].create(
            {
                'name': "Transports Roux",
                'is_company': True,
                'email': "compta@roux.example",
                'street': "3 quai Perrache",
                'zip': "69002",
                'city': "Lyon",
            }
        )
        cls.roux.with_company(cls.company).relance_risk_category = 'chronic'
        cls.inv_a = cls.invoice(1000.0, due=date(2026, 2, 14))
        cls._register_payment(cls.inv_a, amount=400.0, payment_date=date(2026, 3, 21))
        cls.inv_b = cls.invoice(500.0, due=date(2026, 4, 10))
        cls.inv_c = cls.invoice(300.0, due=date(2025, 12, 21))
        cls._register_payment(cls.inv_c, payment_date=date(2026, 4, 3))
        cls.refund = cls.invoice(200.0, due=date(2026, 3, 26), invoice_date=date(2026, 3, 26), move_type='out_refund')
        chf = cls.setup_other_currency('CHF')  # 2 CHF per euro since 2017
        cls.inv_d = cls.invoice(2000.0, due=date(2025, 10, 31), currency_id=chf.id)
        cls.inv_e = cls.invoice(800.0, due=date(2026, 3, 16), partner=cls.roux, invoice_user_id=False)
        cls.payment = cls.env['account.payment'].create(
            {
                'payment_type': 'inbound',
                'partner_type': 'customer',
                'partner_id': cls.roux.id,
                'amount': 150.0,
                'date': date(2026, 3, 29),
                'journal_id': cls.company_data['default_journal_bank'].id,
            }
        )
        cls.payment.action_post()
        cls.inv_f = cls.invoice(999.0, due=date(2026, 5, 5), invoice_date=date(2026, 4, 5), partner=cls.roux)
        inv_g = cls.invoice(250.0, due=date(2026, 1, 10), partner=cls.roux)
        cls._register_payment(inv_g, payment_date=date(2026, 2, 1))

    def aged_balance(self, **values):
        form = Form(self.env['account.relance.aged.balance'])
        form.date = values.pop('date', AT)
        for name, value in values.items():
            setattr(form, name, value)
        report = form.save()
        report.action_show()
        return report

    def by_partner(self, report):
        keys = ['amount_not_due', 'amount_b1', 'amount_b2', 'amount_b3', 'amount_b4', 'amount_b5', 'amount']
        groups = self.env['account.relance.aged.balance.line']._read_group(
            [('report_id', '=', report.id)], ['partner_id'], [f'{k}:sum' for k in keys]
        )
        return {partner.name: list(amounts) for partner, *amounts in groups}

    def receivable_balance(self, partners=None):
        domain = [
            ('company_id', '=', self.company.id),
            ('parent_state', '=', 'posted'),
            ('account_id.account_type', '=', 'asset_receivable'),
            ('date', '<=', AT),
        ]
        if partners:
            domain.append(('partner_id', 'in', partners.ids))
        [(balance,)] = self.env['account.move.line']._read_group(domain, [], ['balance:sum'])
        return balance

    def test_each_client_by_bucket_at_the_date(self):
        report = self.aged_balance()
        self.assertEqual(
            self.by_partner(report),
            {
                "Boulangerie Martin": [500.0, -200.0, 600.0, 0.0, 300.0, 1000.0, 2200.0],
                "Transports Roux": [0.0, 650.0, 0.0, 0.0, 0.0, 0.0, 650.0],
            },
        )
        self.assertEqual(
            sorted(report.line_ids.mapped('move_id.name')),
            sorted(
                (
                    self.inv_a | self.inv_b | self.inv_c | self.refund | self.inv_d | self.inv_e | self.payment.move_id
                ).mapped('name')
            ),
        )
        line_a = report.line_ids.filtered(lambda line: line.move_id == self.inv_a)
        self.assertRecordValues(
            line_a,
            [
                {
                    'bucket': 'b2',
                    'days_overdue': 45,
                    'amount': 600.0,
                    'document_kind': 'invoice',
                    'user_id': self.salesperson.id,
                    'risk_category': 'occasional',
                }
            ],
        )

    def test_the_total_reconciles_with_the_receivable_account_at_the_date(self):
        # Partial payment, payment after the date, credit note, unreconciled payment and an
        # invoice in Swiss francs: the aged balance adds up to the receivable ledger at 31 March.
        report = self.aged_balance()
        self.assertEqual(sum(report.line_ids.mapped('amount')), 2850.0)
        self.assertAlmostEqual(self.receivable_balance(), 2850.0)
        chronic = self.aged_balance(risk_category='chronic')
        self.assertEqual(sum(chronic.line_ids.mapped('amount')), 650.0)
        self.assertAlmostEqual(self.receivable_balance(self.roux), 650.0)

    def test_the_foreign_currency_invoice_counts_in_euros(self):
        line = self.aged_balance().line_ids.filtered(lambda line: line.move_id == self.inv_d)
        self.assertRecordValues(line, [{'amount': 1000.0, 'amount_b5': 1000.0, 'days_overdue': 151}])

    def test_today_the_invoice_paid_after_the_date_is_gone(self):
        today = self.aged_balance(date=fields.Date.context_today(self.env.user))
        self.assertNotIn(self.inv_c, today.line_ids.move_id)
        self.assertIn(self.inv_f, today.line_ids.move_id)

    def test_filters_by_salesperson_and_by_relance_level(self):
        paul = self.aged_balance(user_ids=self.salesperson)
        self.assertEqual(list(self.by_partner(paul)), ["Boulangerie Martin"])
        self.assertEqual(sum(paul.line_ids.mapped('amount')), 2200.0)
        self.env['account.relance.run']._action_remind_now(moves=self.inv_a)
        level = self.inv_a.relance_level_id
        self.assertTrue(level)
        reminded = self.aged_balance(level_ids=level)
        self.assertEqual(
            list(self.by_partner(reminded)),
            ["Boulangerie Martin"],
            "the level of a client is the level of its relance file",
        )
        self.assertEqual(sum(reminded.line_ids.mapped('amount')), 2200.0)

    def test_buckets_follow_the_company_bounds(self):
        self.company.relance_aging_bounds = "15,45"
        report = self.aged_balance()
        self.assertEqual(report.bounds, "15,45")
        self.assertEqual(self.by_partner(report)["Boulangerie Martin"][:4], [500.0, -200.0, 600.0, 1300.0])
        Line = self.env['account.relance.aged.balance.line'].with_context(relance_aging_bounds=report.bounds)
        labels = Line.fields_get(['amount_b1', 'amount_b2', 'amount_b3'], ['string'])
        self.assertEqual(
            [labels[f]['string'] for f in ('amount_b1', 'amount_b2', 'amount_b3')],
            ["1-15 days", "16-45 days", "> 45 days"],
        )
        self.assertEqual(dict(Line._selection_bucket())['b3'], "> 45 days")

    def test_unusable_bounds_are_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "“20” is not above the bound before it"):
            self.company.relance_aging_bounds = "30,20"
        with self.assertRaisesRegex(ValidationError, "“trente” is not a whole number of days"):
            self.company.relance_aging_bounds = "trente"

    def test_a_date_more_than_a_year_ahead_or_no_company_is_answered_clearly(self):
        far = fields.Date.context_today(self.env.user) + timedelta(days=400)
        with self.assertRaisesRegex(UserError, "more than a year ahead"):
            self.aged_balance(date=far)
        report = self.env['account.relance.aged.balance'].create({'date': AT, 'company_id': False})
        with self.assertRaisesRegex(UserError, "Choose the company"):
            report.action_show()
        with self.assertRaisesRegex(UserError, "Choose the company"):
            report.action_export_xlsx()

    def test_a_cell_drills_down_to_its_invoices(self):
        report = self.aged_balance()
        cell = report.line_ids.filtered(lambda line: line.partner_id == self.client and line.bucket == 'b1')
        self.assertEqual(cell.move_id, self.refund)
        action = cell.action_open_documents()
        self.assertEqual((action['res_model'], action['res_id']), ('account.move', self.refund.id))
        overdue = report.line_ids.filtered(lambda line: line.partner_id == self.roux)
        action = overdue.action_open_documents()
        self.assertEqual(self.env['account.move'].search(action['domain']), self.inv_e | self.payment.move_id)

    def test_the_pivot_shows_clients_by_bucket(self):
        report = self.aged_balance()
        cells = (
            self.env['account.relance.aged.balance.line']
            .with_context(relance_aging_bounds=report.bounds)
            ._read_group([('report_id', '=', report.id)], ['partner_id', 'bucket'], ['amount:sum'])
        )
        self.assertIn((self.roux, 'b1', 650.0), cells)
        self.assertIn((self.client, 'b5', 1000.0), cells)

    def test_the_workbook_in_french_reconciles_with_the_report(self):
        self.env['ir.module.module']._load_module_terms(['account_relance_fr'], ['fr_FR'], overwrite=True)
        report = self.aged_balance()
        action = report.action_export_xlsx()
        self.assertEqual(action['type'], 'ir.actions.act_url')
        self.assertIn('download=true', action['url'])
        self.assertEqual(report.xlsx_filename, "Balance_agee_2026-03-31.xlsx")
        content = io.BytesIO(base64.b64decode(report.with_context(bin_size=False).xlsx_file))
        book = openpyxl.load_workbook(content)
        self.assertEqual(book.sheetnames, ["Synthèse", "Détail des factures"])
        summary = book["Synthèse"]
        self.assertEqual(summary["A1"].value, "Balance âgée au 31/03/2026")
        self.assertIn("Filtres : aucun", [summary.cell(row, 1).value for row in range(1, 5)])
        self.assertEqual(
            [c.value for c in summary[6]],
            [
                "Client",
                "Catégorie de risque",
                "Non échu",
                "1 à 30 j",
                "31 à 60 j",
                "61 à 90 j",
                "91 à 120 j",
                "> 120 j",
                "Total",
            ],
        )
        self.assertEqual(summary.freeze_panes, "B7")
        self.assertEqual([c.value for c in summary[7]][0], "Boulangerie Martin")
        self.assertEqual([c.value for c in summary[7]][2:], [500, -200, 600, 0, 300, 1000, 2200])
        self.assertIn("€", summary["I7"].number_format)
        self.assertEqual(summary["A9"].value, "Total")
        self.assertEqual(summary["I9"].value, "=SUM(I7:I8)")
        values = openpyxl.load_workbook(io.BytesIO(content.getvalue()), data_only=True)["Synthèse"]
        self.assertEqual([c.value for c in values[9]][2:], [500, 450, 600, 0, 300, 1000, 2850])
        detail = book["Détail des factures"]
        self.assertEqual(
            [c.value for c in detail[6]],
            [
                "Client",
                "Pièce",
                "Type",
                "Date",
                "Échéance",
                "Retard (j)",
                "Tranche",
                "Commercial",
                "Niveau de relance",
                "Montant ouvert",
            ],
        )
        rows = [[c.value for c in row] for row in detail.iter_rows(min_row=7, max_row=detail.max_row - 1)]
        self.assertEqual(len(rows), 7)
        row_d = next(row for row in rows if row[1] == self.inv_d.name)
        self.assertEqual(row_d[0], "Boulangerie Martin")
        self.assertEqual(row_d[2], "Facture")
        self.assertEqual(row_d[4].date(), date(2025, 10, 31))
        self.assertEqual(row_d[5:8], [151, "> 120 j", "Paul Vendeur"])
        self.assertEqual(row_d[9], 1000)
        self.assertEqual(detail.cell(detail.max_row, 10).value, "=SUM(J7:J13)")

    def test_the_workbook_can_be_exported_from_the_rows(self):
        report = self.aged_balance()
        Line = self.env['account.relance.aged.balance.line'].with_context(relance_aged_balance_id=report.id)
        action = Line.action_export_xlsx()
        self.assertIn(f"/{report.id}/xlsx_file/", action['url'])

    def test_a_new_computation_replaces_the_rows(self):
        # Shown, then a payment dated before the aged balance's date is registered late:
        # showing the request again reads the ledger afresh, nothing is left over.
        report = self.aged_balance()
        self.assertEqual(len(report.line_ids), 7)
        self.assertIn(self.inv_b, report.line_ids.move_id)
        self._register_payment(self.inv_b, payment_date=AT - timedelta(days=1))
        report.action_show()
        self.assertNotIn(self.inv_b, report.line_ids.move_id)
        self.assertEqual(len(report.line_ids), 6, "B is settled; its payment, fully reconciled, is no open item")
        self.assertEqual(self.env['account.relance.aged.balance.line'].search_count([('report_id', '=', report.id)]), 6)
        report.unlink()
        self.env.cr.execute("SELECT COUNT(*) FROM account_relance_aged_balance_row WHERE report_id = %s", [report.id])
        self.assertEqual(self.env.cr.fetchone()[0], 0, "the rows go with their request")

    def test_another_user_does_not_see_my_aged_balance(self):
        report = self.aged_balance()
        other = self.env['res.users'].create(
            {
                'name': "Claire Recouvrement",
                'login': "claire.recouvrement",
                'company_id': self.company.id,
                'company_ids': [Command.set(self.company.ids)],
                'group_ids': [Command.set(self.env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        Line = self.env['account.relance.aged.balance.line'].with_user(other)
        self.assertFalse(Line.search([('report_id', '=', report.id)]))

    def test_the_views_title_the_bucket_columns_from_the_bounds(self):
        self.company.relance_aging_bounds = "15,45"
        Line = self.env['account.relance.aged.balance.line'].with_context(
            relance_aging_bounds="15,45", relance_aging_columns=4
        )
        views = Line.get_views([(False, 'list'), (False, 'pivot'), (False, 'graph'), (False, 'search')])
        fields_info = views['models']['account.relance.aged.balance.line']['fields']
        self.assertEqual(fields_info['amount_b2']['string'], "16-45 days")
        self.assertIn("amount_b5", views['views']['list']['arch'])

    def test_the_buckets_are_set_in_the_settings(self):
        settings = Form(self.env['res.config.settings'])
        settings.relance_aging_bounds = "15,45,90"
        settings.relance_cost_registered_letter = 8.0
        settings.save().execute()
        self.assertEqual(self.company._relance_aging_bounds(), (15, 45, 90))
        self.assertEqual(self.company.relance_cost_registered_letter, 8.0)
