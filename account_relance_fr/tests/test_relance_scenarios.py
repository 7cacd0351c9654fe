from datetime import timedelta

from odoo.tests import tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceScenarios(RelanceCommon):
    """Punctual clients and chronic late payers are not chased the same way."""

    def scenario_of(self, category):
        return self.env['account.relance.scenario'].search(
            [('company_id', '=', self.company.id), ('risk_category', '=', category)]
        )

    def set_category(self, category):
        self.client.with_company(self.company).relance_risk_category = category

    def test_each_category_has_its_own_calendar_and_tone(self):
        # Punctual: gently, 5 days after the due date; chronic: firmly, the day after.
        self.set_category('punctual')
        self.invoice(1000.0)
        self.assertFalse(self.run_days(DUE + timedelta(days=1), DUE + timedelta(days=4)))
        first = self.run_relance(DUE + timedelta(days=5))
        self.assertEqual((first.level_id.scenario_id, first.level_id.tone), (self.scenario_of('punctual'), 'cordial'))

        chronic = self.env['res.partner'].create(
            {'name': "Transports Lenoir", 'is_company': True, 'email': "compta@lenoir.example"}
        )
        chronic.with_company(self.company).relance_risk_category = 'chronic'
        self.invoice(2000.0, partner=chronic)
        relance = self.run_relance(DUE + timedelta(days=1), partners=chronic)
        self.assertEqual((relance.level_id.scenario_id, relance.level_id.tone), (self.scenario_of('chronic'), 'firm'))
        weekly = self.run_days(DUE + timedelta(days=2), DUE + timedelta(days=22)).filtered(
            lambda r: r.partner_id == chronic
        )
        self.assertEqual(weekly.sorted('date').mapped('level_id.delay'), [8, 15, 22], "then every week")

    def test_a_client_turning_chronic_mid_way_continues_from_the_equivalent_step(self):
        invoice = self.invoice(1000.0)
        self.run_relance(DUE + timedelta(days=1))  # occasional J+1, cordial
        self.run_relance(DUE + timedelta(days=10))  # occasional J+10, firm
        self.assertEqual(invoice.relance_level_id, self.level[10])

        self.set_category('chronic')
        self.assertFalse(self.run_relance(DUE + timedelta(days=10)), "never twice the same day")
        # The chronic first firm reminder (J+1) stands for the first firm reminder reached: next
        # is the chronic call (J+8), a week after the last reminder (J+10 + 7 = J+17), then the
        # severe reminder a week later. Never a first reminder again.
        chronic = self.scenario_of('chronic').level_ids
        invoice.invalidate_recordset(['relance_next_date'])
        self.assertEqual(invoice.relance_next_date, DUE + timedelta(days=17))
        self.assertFalse(self.run_days(DUE + timedelta(days=11), DUE + timedelta(days=16)))
        call = self.run_relance(DUE + timedelta(days=17))
        self.assertEqual(call.level_id, chronic.filtered(lambda lv: lv.delay == 8))
        self.assertFalse(self.run_days(DUE + timedelta(days=18), DUE + timedelta(days=23)))
        severe = self.run_relance(DUE + timedelta(days=24))
        self.assertEqual((severe.level_id.scenario_id, severe.level_id.tone), (self.scenario_of('chronic'), 'severe'))
        self.assertEqual(invoice.relance_level_id, severe.level_id)

    def test_a_client_turning_punctual_is_not_reminded_from_scratch(self):
        invoice = self.invoice(1000.0)
        for day in (1, 10, 20, 30):
            self.run_relance(DUE + timedelta(days=day))
        self.assertEqual(invoice.relance_level_id, self.level[30])  # severe reached at J+30
        self.set_category('punctual')
        # The punctual severe reminder (J+50) stands for the severe one reached: next is the
        # punctual last reminder at J+65, never its first reminder again.
        self.assertFalse(self.run_days(DUE + timedelta(days=31), DUE + timedelta(days=64)))
        relance = self.run_relance(DUE + timedelta(days=65))
        self.assertEqual(
            (relance.level_id.scenario_id, relance.level_id.delay, relance.level_id.tone),
            (self.scenario_of('punctual'), 65, 'last_notice'),
        )

    def test_litigation_is_proposed_sooner_for_chronic_late_payers(self):
        self.assertEqual(
            [(s.risk_category, s.litigation_delay) for s in self.company.relance_scenario_ids.sorted('sequence')],
            [('punctual', 90), ('occasional', 75), ('chronic', 60)],
        )
