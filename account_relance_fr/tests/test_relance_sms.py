from datetime import date

from odoo.tests import Form, freeze_time, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common import RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceSms(RelanceCommon, MockSMS):
    """A level may also text the client: in French, with the amount and the client page, in the
    day only. Odoo's SMS gateway (IAP) is the external service intercepted, as Odoo's own tests do."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level[60].sms_enabled = True
        cls.client.phone = "06 12 34 56 78"

    def mise_en_demeure(self):
        self.invoice(1000.0)
        wizard = Form(
            self.env['account.relance.formal.notice.wizard'].with_context(
                active_model='res.partner', active_ids=self.client.ids
            )
        )
        wizard.date = date(2026, 5, 9)
        action = wizard.save().action_prepare()
        return self.env['account.relance'].browse(action['res_id'])

    @freeze_time('2026-05-12 08:00:00')  # a Tuesday, 10:00 in Paris
    def test_text_sent_in_the_day_and_logged_on_the_relance(self):
        with self.mockSMSGateway():
            relance = self.mise_en_demeure()
        self.assertEqual(relance.state, 'sent')
        self.assertTrue(relance.sms_sent)
        [sms] = self._new_sms
        self.assertEqual(sms.number, '+33612345678')
        self.assertIn(self.company.name, sms.body)
        # 1 000 € and the penalties: "1 059,97 €" as the letter writes it.
        self.assertIn("1\N{NO-BREAK SPACE}059,97", sms.body.replace(' ', '\N{NO-BREAK SPACE}'))
        self.assertIn("/rl/", sms.body)
        self.assertIn(relance.name, sms.body)
        self.assertLessEqual(len(sms.body), 160 * 2, "two SMS at most")
        logged = relance.message_ids.filtered(lambda m: m.message_type == 'sms')
        self.assertEqual(len(logged), 1)
        self.assertEqual(logged.partner_ids, self.client)
        # Dispatched again (a retry of another channel), the text is not sent twice.
        with self.mockSMSGateway():
            relance._dispatch_by_providers(relance.browse())
        self.assertFalse(self._new_sms)

    @freeze_time('2026-05-12 19:30:00')  # 21:30 in Paris
    def test_no_text_at_night(self):
        with self.mockSMSGateway():
            relance = self.mise_en_demeure()
        self.assertEqual(relance.state, 'sent', "the letter went out all the same")
        self.assertFalse(self._new_sms)
        self.assertFalse(relance.sms_sent)
        self.assertIn("at night", str(relance.message_ids.mapped('body')))

    @freeze_time('2026-05-14 08:00:00')  # Ascension Thursday, 10:00 in Paris
    def test_no_text_on_a_public_holiday(self):
        with self.mockSMSGateway():
            relance = self.mise_en_demeure()
        self.assertFalse(self._new_sms)
        self.assertIn("public holidays", str(relance.message_ids.mapped('body')))

    @freeze_time('2026-05-12 08:00:00')
    def test_no_text_without_a_mobile_number(self):
        self.client.phone = "04 78 12 34 56"  # a landline in Lyon
        with self.mockSMSGateway():
            relance = self.mise_en_demeure()
        self.assertFalse(self._new_sms)
        self.assertIn("no mobile number", str(relance.message_ids.mapped('body')))
