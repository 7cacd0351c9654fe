from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, tagged


@tagged('post_install', '-at_install')
class TestRelanceRates(TransactionCase):
    """The rate tables of the law ship as data, one line a half-year."""

    def test_penalty_rates_follow_the_ecb_rate_in_force_plus_ten_points(self):
        # ECB MRO rate in force on 1 January / 1 July (shared/legal/ecb_mro_rates.csv) + 10.
        expected = {
            date(2022, 7, 1): 10.00,
            date(2023, 1, 1): 12.50,
            date(2023, 7, 1): 14.00,
            date(2024, 1, 1): 14.50,
            date(2024, 7, 1): 14.25,
            date(2025, 1, 1): 13.15,
            date(2025, 7, 1): 12.15,
            date(2026, 1, 1): 12.15,
            date(2026, 7, 1): 12.40,
        }
        rates = self.env['account.relance.ecb.rate'].search([('date_start', 'in', list(expected))])
        self.assertEqual({r.date_start: round(r.penalty_rate, 2) for r in rates}, expected)
        h2 = self.env['account.relance.ecb.rate'].search([('date_start', '=', date(2026, 7, 1))])
        self.assertRecordValues(h2, [{'ecb_rate': 2.40, 'origin': 'shipped', 'to_verify': True}])
        self.assertFalse(
            self.env['account.relance.ecb.rate'].search([('date_start', '=', date(2027, 1, 1))]),
            "2027 H1 is not known: the ECB fetch or a user adds it",
        )

    def test_legal_rates_of_2026_h1(self):
        rate = self.env['account.relance.legal.rate'].search([('date_start', '=', date(2026, 1, 1))])
        self.assertEqual((rate.rate_private, rate.rate_other, rate.verified), (6.67, 2.62, True))

    def test_the_legal_rate_table_reaches_back_five_years_without_holes(self):
        starts = set(self.env['account.relance.legal.rate'].search([]).mapped('date_start'))
        expected = {date(year, month, 1) for year in range(2016, 2027) for month in (1, 7)} - {date(2026, 7, 1)}
        self.assertFalse(expected - starts, "every half-year from 2016 to 2026 H1 has its line")

    def test_a_new_half_year_is_one_line_and_must_start_a_half_year(self):
        new = self.env['account.relance.ecb.rate'].create({'date_start': date(2027, 1, 1), 'ecb_rate': 2.15})
        self.assertAlmostEqual(new.penalty_rate, 12.15)
        with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
            self.env['account.relance.ecb.rate'].create({'date_start': date(2026, 8, 1), 'ecb_rate': 2.15})
        with self.assertRaisesRegex(ValidationError, "1 January or 1 July"):
            self.env['account.relance.legal.rate'].create(
                {'date_start': date(2026, 3, 1), 'rate_private': 6.0, 'rate_other': 2.5}
            )
