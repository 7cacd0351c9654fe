from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import RelanceCommon


@tagged('post_install', '-at_install')
class TestRelancePenalties(RelanceCommon):
    """Penalties of Code de commerce L441-10 and the 40 € indemnity, worked out by hand."""

    def claim(self, invoice, on):
        return invoice.with_context(relance_date=on)

    def test_one_invoice_within_one_half_year(self):
        # 10 000 € due 15 February 2024, 30 days late on 16 March at 4.50 + 10 = 14.50 %:
        # 10 000 x 14.50 % x 30 / 365 = 119.178... -> 119.18 €, plus 40 € (D441-5).
        invoice = self.invoice(10000.0, due=date(2024, 2, 15))
        claim = self.claim(invoice, date(2024, 3, 16))
        self.assertRecordValues(
            claim,
            [
                {
                    'relance_penalty_amount': 119.18,
                    'relance_indemnity_amount': 40.0,
                    'relance_total_claimed': 10159.18,
                    'relance_penalty_warning': False,
                }
            ],
        )

    def test_a_period_across_1_july_and_1_january(self):
        # Due 15 June 2023, claimed on 15 January 2024, 10 000 €:
        #   16-30 June 2023:  15 days at 12.50 % -> 10 000 x 0.125 x 15 / 365 =  51.369863
        #   1 Jul-31 Dec:    184 days at 14.00 % -> 10 000 x 0.140 x 184 / 365 = 705.753425
        #   1-15 Jan 2024:    15 days at 14.50 % -> 10 000 x 0.145 x 15 / 365 =  59.589041
        #   total 816.712329 -> 816.71 €
        invoice = self.invoice(10000.0, due=date(2023, 6, 15))
        self.assertEqual(self.claim(invoice, date(2024, 1, 15)).relance_penalty_amount, 816.71)

    def test_the_option_to_freeze_the_rate_of_the_first_half_year(self):
        # Same invoice, every one of the 214 days at 12.50 %: 10 000 x 0.125 x 214 / 365 = 732.88
        self.company.relance_freeze_penalty_rate = True
        invoice = self.invoice(10000.0, due=date(2023, 6, 15))
        self.assertEqual(self.claim(invoice, date(2024, 1, 15)).relance_penalty_amount, 732.88)

    def test_a_partial_payment_reduces_the_base_after_the_day_it_is_made(self):
        # 10 000 € due 15 February 2024, 4 000 € paid on 1 March, claimed on 16 March:
        #   16 Feb-1 Mar: 15 days on 10 000 at 14.50 % = 59.589041
        #   2-16 Mar:     15 days on  6 000 at 14.50 % = 35.753425 -> 95.34 €
        invoice = self.invoice(10000.0, due=date(2024, 2, 15))
        self._register_payment(invoice, amount=4000.0, payment_date=date(2024, 3, 1))
        claim = self.claim(invoice, date(2024, 3, 16))
        self.assertRecordValues(
            claim,
            [
                {
                    'relance_penalty_amount': 95.34,
                    'relance_indemnity_amount': 40.0,
                    'relance_total_claimed': 6000.0 + 95.34 + 40.0,
                }
            ],
        )

    def test_a_late_invoice_paid_in_full_keeps_its_penalties_and_they_stop_growing(self):
        invoice = self.invoice(10000.0, due=date(2024, 2, 15))
        self._register_payment(invoice, payment_date=date(2024, 3, 16))
        later = self.claim(invoice, date(2024, 6, 1))
        self.assertRecordValues(later, [{'relance_penalty_amount': 119.18, 'relance_indemnity_amount': 40.0}])

    def test_an_invoice_paid_on_time_owes_nothing(self):
        invoice = self.invoice(10000.0, due=date(2024, 2, 15))
        self._register_payment(invoice, payment_date=date(2024, 2, 15))
        self.assertRecordValues(
            self.claim(invoice, date(2024, 6, 1)), [{'relance_penalty_amount': 0.0, 'relance_indemnity_amount': 0.0}]
        )

    def test_a_consumer_owes_neither_penalties_nor_indemnity(self):
        consumer = self.env['res.partner'].create({'name': "Jeanne Petit"})
        self.assertTrue(consumer.relance_is_consumer, "an individual is a consumer by default")
        invoice = self.invoice(1000.0, due=date(2024, 2, 15), partner=consumer)
        self.assertRecordValues(
            self.claim(invoice, date(2024, 3, 16)),
            [{'relance_penalty_amount': 0.0, 'relance_indemnity_amount': 0.0, 'relance_total_claimed': 1000.0}],
        )

    def test_a_contract_rate_replaces_the_legal_rate(self):
        # 16 % agreed with the client (above the floor of 2024 H1: 3 x 5.07 = 15.21 %):
        # 10 000 x 0.16 x 30 / 365 = 131.506... -> 131.51 €
        with freeze_time(date(2024, 3, 16)):
            self.client.relance_contract_rate = 16.0
        invoice = self.invoice(10000.0, due=date(2024, 2, 15))
        self.assertEqual(self.claim(invoice, date(2024, 3, 16)).relance_penalty_amount, 131.51)

    @freeze_time('2026-03-01')
    def test_a_contract_rate_below_three_times_the_legal_rate_is_refused(self):
        # Legal rate 2026 H1, other cases: 2.62 % -> floor 7.86 %.
        with self.assertRaisesRegex(ValidationError, "below the legal floor of 7.86"):
            self.client.relance_contract_rate = 5.0
        with self.assertRaisesRegex(ValidationError, "below the legal floor"):
            self.company.relance_contract_rate = 7.5
        self.client.relance_contract_rate = 8.0
        self.assertEqual(self.client.relance_contract_rate, 8.0)

    def test_a_missing_half_year_rate_is_never_guessed(self):
        invoice = self.invoice(1000.0, due=date(2026, 12, 20))
        claim = self.claim(invoice, date(2027, 1, 10))
        self.assertIn("1st half of 2027", claim.relance_penalty_warning)
        self.assertEqual(claim.relance_penalty_amount, 0.0)
        self.assertEqual(claim.relance_indemnity_amount, 40.0, "the indemnity depends on no rate")
        self.env['account.relance.ecb.rate'].create({'date_start': date(2027, 1, 1), 'ecb_rate': 2.40})
        invoice.invalidate_recordset()
        claim = self.claim(invoice, date(2027, 1, 10))
        # 11 days at 12.40 % in 2026 H2 (21-31 December) and 10 days in 2027 H1 at 12.40 %:
        # 1 000 x 0.1240 x 21 / 365 = 7.134... -> 7.13 €
        self.assertEqual(claim.relance_penalty_amount, 7.13)
        self.assertEqual(
            claim.relance_penalty_warning,
            "Rate to verify: ECB rate of 2nd half of 2026",
            "2026 H2 was shipped to verify: the screen says so",
        )

    def test_the_40_euros_are_converted_at_the_rate_odoo_gives_on_the_due_date(self):
        """The indemnity of a foreign-currency invoice reads the rates once for the batch: on
        every day (before any rate, between rates, a rate of the company beside a shared one)
        it is what res.currency._convert gives."""
        euro = self.env.ref('base.EUR')
        usd = self.setup_other_currency('USD', rates=[('2026-01-01', 1.10), ('2026-03-01', 1.2345)])
        Rate = self.env['res.currency.rate']
        Rate.create({'currency_id': usd.id, 'company_id': False, 'name': '2025-12-01', 'rate': 1.05})
        Rate.create({'currency_id': usd.id, 'company_id': False, 'name': '2026-02-01', 'rate': 1.3})
        Rate.create({'currency_id': usd.id, 'company_id': False, 'name': '2026-04-01', 'rate': 1.0789})
        convert = self.env['account.move']._relance_conversion(euro, usd, self.company)
        for day in (
            '2025-11-15',
            '2025-12-01',
            '2025-12-31',
            '2026-01-01',
            '2026-02-15',
            '2026-03-01',
            '2026-04-02',
            '2027-06-30',
        ):
            day = date.fromisoformat(day)
            self.assertEqual(usd.round(40.0 * convert(day)), euro._convert(40.0, usd, self.company, day), day)
