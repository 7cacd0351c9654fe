from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import RelanceCommon

TODAY = date(2026, 11, 23)


@tagged('post_install', '-at_install')
class TestRelanceRisk(RelanceCommon):
    """Every night each client lands in the category its payment history deserves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.epicerie = cls.env['res.partner'].create({'name': "Épicerie Fine Roux", 'is_company': True})
        cls.garage = cls.env['res.partner'].create({'name': "Garage Petit", 'is_company': True})
        cls.transports = cls.env['res.partner'].create({'name': "Transports Lenoir", 'is_company': True})

    def paid(self, partner, amount, due, paid_on=None):
        invoice = self.invoice(amount, due=due, partner=partner)
        if paid_on:
            self._register_payment(invoice, payment_date=paid_on)
        return invoice

    def compute(self, partners, on_date=TODAY):
        return self.env['account.relance.risk']._compute(self.company, on_date, partners)

    def category(self, partner):
        return partner.with_company(self.company).relance_risk_category

    def test_categories_follow_the_payment_history_of_the_last_twelve_months(self):
        # Épicerie: four invoices paid on their due date; one paid 100 days late in 2025 is
        # outside the window (before 23 November 2025): punctual.
        for month in (2, 4, 6, 8):
            self.paid(self.epicerie, 1000.0, date(2026, month, 10), date(2026, month, 10))
        self.paid(self.epicerie, 1000.0, date(2025, 10, 1), date(2026, 1, 9))
        # Garage: 3 x 1 000 € on time, 3 000 € paid 12 days late: 1 late of 4 = 25 % (>= 20 %),
        # 3 000 x 12 / 6 000 = 6.0 days on average (>= 5): occasional.
        for month in (2, 4, 6):
            self.paid(self.garage, 1000.0, date(2026, month, 10), date(2026, month, 10))
        self.paid(self.garage, 3000.0, date(2026, 8, 10), date(2026, 8, 22))
        # Transports: 2 000 € paid 60 and 40 days late, 2 000 € due 10 September still open
        # (74 days today): 100 % late, 58.0 days on average, 74 at most: chronic.
        self.paid(self.transports, 2000.0, date(2026, 3, 10), date(2026, 5, 9))
        self.paid(self.transports, 2000.0, date(2026, 6, 10), date(2026, 7, 20))
        self.paid(self.transports, 2000.0, date(2026, 9, 10))

        self.compute(self.epicerie | self.garage | self.transports)

        self.assertEqual(self.category(self.epicerie), 'punctual')
        self.assertEqual(self.category(self.garage), 'occasional')
        self.assertEqual(self.category(self.transports), 'chronic')
        figures = self.garage.with_company(self.company).relance_risk_figures
        self.assertIn("Installments due in the last 12 months: 4, paid late: 1 (25.0 %)", figures)
        self.assertIn("Average lateness weighted by amount: 6.0 days; longest: 12 days", figures)
        self.assertIn("share paid late 25.0 ≥ 20.0; average lateness 6.0 ≥ 5.0", figures)

        # Each change of category is posted with its figures; nothing changes, nothing posted.
        note = self.transports.message_ids[:1]
        self.assertIn("Punctual payer → Chronic late payer (computed)", note.body)
        self.assertIn("100.0 %", note.body)
        self.assertFalse(self.epicerie.message_ids.filtered(lambda m: "Risk category" in (m.body or "")))
        count = len(self.transports.message_ids)
        self.compute(self.transports)
        self.assertEqual(len(self.transports.message_ids), count, "same category, no new message")

    def test_a_client_whose_late_invoice_is_paid_becomes_punctual_again_a_year_later(self):
        self.paid(self.garage, 1000.0, date(2025, 12, 1), date(2026, 2, 15))  # 76 days late
        self.compute(self.garage)
        self.assertEqual(self.category(self.garage), 'chronic')
        self.compute(self.garage, on_date=date(2026, 12, 2))
        self.assertEqual(self.category(self.garage), 'punctual', "the late invoice left the window")

    def test_the_nightly_computation_finds_every_client_with_history(self):
        self.paid(self.transports, 2000.0, date(2026, 9, 10))
        candidates = self.env['account.relance.risk']._candidates(self.company, TODAY)
        self.assertIn(self.transports, candidates)
        self.assertIn(self.client, candidates, "an occasional late payer is reconsidered even without invoices")
        self.assertNotIn(self.epicerie, candidates)

    def test_a_manager_forces_a_category_until_the_forcing_is_removed(self):
        self.paid(self.transports, 2000.0, date(2026, 9, 10))  # 74 days late: chronic
        self.compute(self.transports)
        wizard = Form(
            self.env['account.relance.risk.force.wizard'].with_context(
                active_model='res.partner', active_id=self.transports.id
            )
        )
        wizard.risk_category = 'occasional'
        wizard.reason = "Repris par un groupe solide, paiements garantis"
        wizard.save().action_apply()
        transports = self.transports.with_company(self.company)
        self.assertEqual((transports.relance_risk_category, transports.relance_risk_forced), ('occasional', True))
        self.assertIn("forced by", transports.message_ids[:1].body)
        self.assertIn("Repris par un groupe solide", transports.message_ids[:1].body)

        self.compute(self.transports)
        self.assertEqual(transports.relance_risk_category, 'occasional', "the forced value wins")
        self.assertEqual(transports.relance_risk_computed, 'chronic', "the computed one is still recorded")

        self.transports.with_company(self.company).action_relance_unforce_risk()
        self.assertEqual((transports.relance_risk_category, transports.relance_risk_forced), ('chronic', False))
        self.assertIn("Occasional late payer → Chronic late payer (computed)", transports.message_ids[:1].body)

    def test_thresholds_that_overlap_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "must be below its chronic threshold"):
            self.company.relance_risk_late_share_occasional = 60.0

    def test_negative_thresholds_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company.relance_risk_max_days_occasional = -5

    def test_a_share_above_100_percent_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "cannot exceed 100"):
            self.company.relance_risk_late_share_chronic = 150

    def test_the_window_is_at_least_a_month(self):
        with self.assertRaisesRegex(ValidationError, "at least one month"):
            self.company.relance_risk_window_months = 0

    def test_the_nightly_scheduled_action_computes_every_company(self):
        self.paid(self.transports, 2000.0, date(2026, 9, 10))
        with freeze_time('2026-11-23 03:00:00'), self.enter_registry_test_mode():
            self.env.ref('account_relance_fr.ir_cron_relance_risk').method_direct_trigger()
        self.assertEqual(self.category(self.transports), 'chronic')
        self.assertEqual(self.transports.with_company(self.company).relance_risk_date, TODAY)
