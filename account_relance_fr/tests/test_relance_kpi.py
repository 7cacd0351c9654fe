import base64
import io
from datetime import date, timedelta

import openpyxl
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceKpi(RelanceCommon):
    """March 2026, worked out by hand.

    Boulangerie Martin (occasional):
    - I1: 1 000 € due 10 Feb, 600 € paid on 15 March: overdue on 1 March, 600 € recovered;
    - I2: 500 € due 20 Feb, settled by a credit note on 5 March: overdue, 500 € recovered;
    - I3: 400 € due 5 March, paid on 25 March: not overdue on 1 March, paid 20 days late;
    - I5: 2 000 € invoiced on 20 March, due 19 April.
    Transports Roux (chronic):
    - I4: 200 € due 31 Jan, paid on 10 March: overdue, 200 € recovered, paid 38 days late.
    Recovery rate 1 300 / 1 700 = 76.47 % (occasional 1 100 / 1 500 = 73.33 %, chronic 100 %).
    Average delay weighted by amount (20 x 400 + 38 x 200) / 600 = 26 days.
    DSO: the company invoiced from 1 January (I4), so its window is 1 January - 31 March, 90 days:
    2 400 € open on 31 March (I1 400 + I5 2 000) / sales 3 600 € (1 000 + 500 + 400 + 2 000
    + 200 - 500 credit note) x 90 = 60.0 days; occasional 2 400 / 3 400 x 90 = 63.5 days.
    Relances sent in March: an e-mail and a call to Martin, a letter sent registered to Roux;
    one cancelled (not counted). Cost: call 5 min x 0.60 = 3.00, letter 1.80 + LRAR 7.50 = 9.30,
    agency fee 120 for Roux: 132.30 € for 1 300 € recovered = 10.18 %.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                'relance_cost_letter': 1.80,
                'relance_cost_registered_letter': 7.50,
                'relance_cost_phone_minute': 0.60,
                'relance_phone_call_minutes': 5,
            }
        )
        cls.roux = cls.env['res.partner'].create({'name': "Transports Roux", 'is_company': True})
        cls.roux.with_company(cls.company).relance_risk_category = 'chronic'
        i1 = cls.invoice(1000.0, due=date(2026, 2, 10))
        cls._register_payment(i1, amount=600.0, payment_date=date(2026, 3, 15))
        i2 = cls.invoice(500.0, due=date(2026, 2, 20))
        refund = cls.invoice(500.0, due=date(2026, 3, 5), invoice_date=date(2026, 3, 5), move_type='out_refund')
        (i2 | refund).line_ids.filtered(lambda item: item.account_type == 'asset_receivable').reconcile()
        i3 = cls.invoice(400.0, due=date(2026, 3, 5))
        cls._register_payment(i3, payment_date=date(2026, 3, 25))
        cls.invoice(2000.0, due=date(2026, 4, 19), invoice_date=date(2026, 3, 20))
        i4 = cls.invoice(200.0, due=date(2026, 1, 31), partner=cls.roux)
        cls._register_payment(i4, payment_date=date(2026, 3, 10))
        relance = cls.env['account.relance']
        for partner, day, level, state, channels in [
            (cls.client, date(2026, 3, 2), cls.level[1], 'sent', ['channel_email']),
            (cls.client, date(2026, 3, 12), cls.level[20], 'done', ['channel_phone']),
            (cls.roux, date(2026, 3, 20), cls.level[45], 'sent', ['channel_letter', 'channel_registered_letter']),
            (cls.client, date(2026, 3, 25), cls.level[30], 'cancelled', ['channel_email', 'channel_letter']),
            (cls.client, date(2026, 2, 25), cls.level[1], 'sent', ['channel_email']),
        ]:
            relance.sudo().create(
                {
                    'partner_id': partner.id,
                    'contact_id': partner.id,
                    'date': day,
                    'level_id': level.id,
                    'state': state,
                    **dict.fromkeys(channels, True),
                }
            )
        cls.env['account.relance.fee'].create(
            [
                {'partner_id': cls.roux.id, 'date': date(2026, 3, 20), 'kind': 'agency', 'amount': 120.0},
                {'partner_id': cls.client.id, 'date': date(2026, 4, 2), 'kind': 'commissaire', 'amount': 80.0},
            ]
        )

    def kpis(self, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31)):
        form = Form(self.env['account.relance.kpi.report'])
        form.date_from, form.date_to = date_from, date_to
        report = form.save()
        report.action_show()
        return report

    def test_each_figure_of_march_by_risk_category(self):
        report = self.kpis()
        self.assertRecordValues(
            report.line_ids,
            [
                {
                    'month': date(2026, 3, 1),
                    'risk_category': 'chronic',
                    'overdue_at_start': 200.0,
                    'recovered': 200.0,
                    'recovery_rate': 1.0,
                    'paid_late_amount': 200.0,
                    'paid_late_count': 1,
                    'average_delay': 38.0,
                    'receivables': 0.0,
                    'sales': 0.0,
                    'window_sales': 200.0,
                    'window_days': 90,
                    'dso': 0.0,
                    'relance_count': 1,
                    'email_count': 0,
                    'phone_count': 0,
                    'letter_count': 1,
                    'registered_letter_count': 1,
                    'relance_cost': 9.30,
                    'fees': 120.0,
                    'collection_cost': 129.30,
                    'cost_ratio': 0.6465,
                },
                {
                    'month': date(2026, 3, 1),
                    'risk_category': 'occasional',
                    'overdue_at_start': 1500.0,
                    'recovered': 1100.0,
                    'recovery_rate': 0.7333,
                    'paid_late_amount': 400.0,
                    'paid_late_count': 1,
                    'average_delay': 20.0,
                    'receivables': 2400.0,
                    'sales': 1500.0,
                    'window_sales': 3400.0,
                    'window_days': 90,
                    'dso': 63.5,
                    'relance_count': 2,
                    'email_count': 1,
                    'phone_count': 1,
                    'letter_count': 0,
                    'registered_letter_count': 0,
                    'relance_cost': 3.0,
                    'fees': 0.0,
                    'collection_cost': 3.0,
                    'cost_ratio': 0.0027,
                },
            ],
        )

    def test_grouped_ratios_are_computed_from_the_sums_not_averaged(self):
        report = self.kpis()
        [(month, rate, delay, dso, cost_ratio, recovered)] = self.env['account.relance.kpi.line']._read_group(
            [('report_id', '=', report.id)],
            ['month:month'],
            ['recovery_rate:avg', 'average_delay:avg', 'dso:avg', 'cost_ratio:avg', 'recovered:sum'],
        )
        self.assertEqual(recovered, 1300.0)
        self.assertAlmostEqual(rate, 1300 / 1700)
        self.assertAlmostEqual(delay, (20 * 400 + 38 * 200) / 600)
        self.assertAlmostEqual(dso, 2400 / 3600 * 90)
        self.assertAlmostEqual(cost_ratio, 132.30 / 1300)

    def test_stocks_are_not_added_up_over_months(self):
        # February and March together: overdue at the start of February (200 €, Roux) and the
        # receivables at the end of March (2 400 €), not the sums of two months.
        report = self.kpis(date(2026, 2, 1), date(2026, 3, 31))
        [(overdue, receivables, dso)] = self.env['account.relance.kpi.line']._read_group(
            [('report_id', '=', report.id)], [], ['overdue_at_start:sum', 'receivables:sum', 'dso:avg']
        )
        february = report.line_ids.filtered(lambda line: line.month == date(2026, 2, 1))
        self.assertEqual(overdue, sum(february.mapped('overdue_at_start')))
        self.assertEqual(receivables, 2400.0)
        self.assertAlmostEqual(dso, 2400 / 3600 * 90)
        self.assertEqual(
            report.line_ids.with_context(lang='fr_FR')[:1].month_label, "février 2026", "a month reads with its year"
        )

    def test_february_has_its_own_backlog(self):
        # On 1 February only Roux's invoice due on 31 January was overdue; nothing was paid on it
        # in February; one e-mail was sent to Martin.
        report = self.kpis(date(2026, 2, 1), date(2026, 3, 31))
        february = report.line_ids.filtered(lambda line: line.month == date(2026, 2, 1))
        self.assertEqual(sorted(february.mapped('risk_category')), ['chronic', 'occasional'])
        chronic = february.filtered(lambda line: line.risk_category == 'chronic')
        self.assertRecordValues(chronic, [{'overdue_at_start': 200.0, 'recovered': 0.0, 'recovery_rate': 0.0}])
        self.assertEqual(sum(february.mapped('relance_count')), 1)
        self.assertEqual(len(report.line_ids.filtered(lambda line: line.month == date(2026, 3, 1))), 2)

    def test_the_workbook_gives_the_month_all_categories_then_by_category(self):
        report = self.kpis()
        report.action_export_xlsx()
        self.assertEqual(report.xlsx_filename, "Indicateurs_recouvrement_2026-03_2026-03.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(report.with_context(bin_size=False).xlsx_file)))
        self.assertEqual(book.sheetnames, ["Indicateurs", "Par catégorie", "Relances par niveau"])
        sheet = book["Indicateurs"]
        self.assertEqual(sheet.freeze_panes, "B7")
        self.assertEqual(
            [c.value for c in sheet[6]][:5],
            ["Mois", "Catégorie", "Échu au début du mois", "Recouvré", "Taux de recouvrement"],
        )
        self.assertEqual(
            [c.value for c in sheet[7]],
            [
                "2026-03",
                "Toutes",
                1700,
                1300,
                0.7647,
                600,
                26,
                2400,
                1500,
                3600,
                60,
                3,
                1,
                1,
                1,
                1,
                12.3,
                120,
                132.3,
                0.1018,
                0,
            ],
        )
        self.assertEqual(sheet["U6"].value, "Sous procédure collective au début du mois")
        self.assertIsNone(sheet["U8"].value, "a stock at a date is not added up over months")
        self.assertEqual(sheet["E7"].number_format, "0.00 %")
        self.assertEqual(sheet["A8"].value, "Total")
        self.assertIsNone(sheet["C8"].value, "a backlog at a date is not added up over months")
        self.assertEqual(sheet["D8"].value, "=SUM(D7:D7)")
        by_category = book["Par catégorie"]
        rows = [[c.value for c in row] for row in by_category.iter_rows(min_row=5, max_row=6)]
        self.assertEqual([row[2:5] for row in rows], [[200, 200, 1], [1500, 1100, 0.7333]])
        levels = book["Relances par niveau"]
        self.assertEqual(
            [c.value for c in levels[1]],
            ["Mois", "Scénario", "Niveau", "Relances", "E-mails", "Appels", "Courriers", "LRAR"],
        )
        by_level = {row[2]: row for row in ([c.value for c in r] for r in levels.iter_rows(min_row=2, max_row=4))}
        self.assertEqual(
            by_level[self.level[45].name], ["2026-03", self.scenario.name, self.level[45].name, 1, 0, 0, 1, 1]
        )
        self.assertEqual(by_level[self.level[20].name][3:], [1, 0, 1, 0, 0])
        self.assertEqual(levels["A5"].value, "Total")

    def test_relances_by_level_open_on_the_relances_sent(self):
        report = self.kpis()
        action = report.action_show_relances()
        relances = self.env['account.relance'].search(action['domain'])
        self.assertEqual(len(relances), 3)
        self.assertEqual(action['view_mode'].split(',')[0], 'pivot')

    def test_bad_periods_are_answered_clearly(self):
        today = fields.Date.context_today(self.env.user)
        report = self.env['account.relance.kpi.report'].create(
            {'date_from': today, 'date_to': today + timedelta(days=400)}
        )
        with self.assertRaisesRegex(UserError, "more than a year ahead"):
            report.action_show()
        report.write({'date_from': date(2026, 3, 31), 'date_to': date(2026, 3, 1)})
        with self.assertRaisesRegex(UserError, "after its end"):
            report.action_export_xlsx()
        report.write({'date_from': date(2026, 3, 1), 'date_to': date(2026, 3, 31), 'company_id': False})
        with self.assertRaisesRegex(UserError, "Choose the company"):
            report.action_show()

    def test_fees_are_entered_on_the_client(self):
        self.assertEqual(self.roux.relance_fee_ids.mapped('amount'), [120.0])
        with mute_logger('odoo.sql_db'), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env['account.relance.fee'].create({'partner_id': self.roux.id, 'amount': -5.0})
