from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceLevels(RelanceCommon):
    def test_every_company_gets_the_default_french_scenario(self):
        self.assertEqual(sorted(self.level), [-5, 1, 10, 20, 30, 45, 60])
        self.assertEqual(self.level[-5].tone, 'preventive')
        self.assertTrue(self.level[20].channel_phone and not self.level[20].channel_email)
        self.assertTrue(self.level[30].channel_email and self.level[30].channel_letter)
        self.assertFalse(self.level[45].auto_send, "the last reminder waits for a person")
        self.assertRecordValues(
            self.level[60],
            [{'tone': 'formal_notice', 'channel_registered_letter': True, 'channel_email': False, 'auto_send': False}],
        )

    def test_two_levels_at_the_same_delay_are_refused(self):
        with self.assertRaisesRegex(ValidationError, "same delay"):
            self.level[10].delay = 1

    def test_a_level_with_a_shorter_delay_after_a_longer_one_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "order the levels by increasing delay"):
            self.level[10].sequence = 45

    def test_a_level_needs_a_channel_and_an_email_level_its_template(self):
        with self.assertRaisesRegex(ValidationError, "at least one channel"):
            self.level[20].channel_phone = False
        with self.assertRaisesRegex(ValidationError, "e-mail template"):
            self.level[20].write({'channel_email': True, 'mail_template_id': False})

    def test_levels_of_another_company_do_not_constrain_this_one(self):
        other = self.setup_other_company()['company']
        other_levels = self.env['account.relance.level'].search(
            [('company_id', '=', other.id), ('risk_category', '=', 'occasional')]
        )
        self.assertEqual(len(other_levels), 7)
        self.assertEqual(len(other.relance_scenario_ids), 3, "one scenario per risk category")
        other_levels.filtered(lambda lv: lv.delay == 10).delay = 12
        self.assertEqual(self.level[10].delay, 10)
