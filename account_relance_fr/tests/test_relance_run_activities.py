"""The activities the daily run creates (calls, prescriptions, litigation proposals) reach
their assignee in the worklist and Odoo's activity menu, never as one e-mail each."""

from datetime import timedelta

from odoo.tests import tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceRunActivities(RelanceCommon):
    def assigned_notifications(self, user):
        return self.env['mail.message'].search(
            [('message_type', '=', 'user_notification'), ('partner_ids', 'in', user.partner_id.ids)]
        )

    def test_a_call_of_the_run_sends_no_assignment_email(self):
        self.invoice(1000.0)
        before = self.assigned_notifications(self.salesperson)
        self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=20))
        relance = self.env['account.relance'].search(
            [('partner_id', '=', self.client.id), ('level_id', '=', self.level[20].id)]
        )
        activity = relance.activity_ids
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(self.assigned_notifications(self.salesperson), before, "no 'assigned to you' e-mail")
        # Odoo's activity menu (systray) counts it for the salesperson.
        groups = self.env['res.users'].with_user(self.salesperson)._get_activity_groups()
        relance_group = [group for group in groups if group.get('model') == 'account.relance']
        self.assertTrue(relance_group and relance_group[0]['total_count'] >= 1, groups)

    def test_a_prescription_warning_sends_no_assignment_email(self):
        invoice = self.invoice(1000.0)
        on_date = invoice.relance_prescription_date - timedelta(days=30)
        before = self.assigned_notifications(self.salesperson)
        moves = self.env['account.relance.run']._warn_prescriptions(self.company, on_date)
        self.assertIn(invoice, moves)
        self.assertEqual(invoice.activity_ids.user_id, self.salesperson)
        self.assertEqual(self.assigned_notifications(self.salesperson), before)
