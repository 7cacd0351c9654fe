from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from odoo.addons.account_relance_fr.models import relance_prepare, relance_send_queue

from .common import DUE, RelanceCommon

TODAY = DUE + timedelta(days=1)


@tagged('post_install', '-at_install')
@freeze_time(TODAY)
class TestRelanceSendBackground(RelanceCommon):
    """A collector validates the relances of the morning in one click: beyond a few hundred, they
    go out in the background, batch by batch, and the collector is notified."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scenario.level_ids.auto_send = False  # the relances of the run wait for validation
        # Three relances make a large Send here (two hundred in a real database).
        cls.env['ir.config_parameter'].sudo().set_param(relance_send_queue.BACKGROUND_SEND_THRESHOLD_PARAM, '2')
        cls.cron = cls.env.ref('account_relance_fr.ir_cron_send_queued_relances')

    def waiting_relances(self, count):
        clients = self.env['res.partner'].create(
            [
                {'name': f"Épicerie {i}", 'email': f"epicerie{i}@example.com", 'relance_risk_category': 'occasional'}
                for i in range(count)
            ]
        )
        for client in clients:
            self.invoice(300.0, partner=client)
        relances = self.run_relance(TODAY).filtered(lambda r: r.partner_id in clients)
        self.assertEqual(relances.mapped('state'), ['to_validate'] * count)
        return relances

    def run_cron(self):
        with self.enter_registry_test_mode():
            self.cron.method_direct_trigger()

    def notifications(self):
        return self.env['mail.message'].search(
            [('message_type', '=', 'user_notification'), ('partner_ids', 'in', self.env.user.partner_id.ids)]
        )

    def test_a_large_send_is_queued_and_tells_the_collector_instead_of_sending(self):
        relances = self.waiting_relances(3)
        action = relances.action_send()
        self.assertEqual((action['type'], action['tag']), ('ir.actions.client', 'display_notification'))
        self.assertIn("3 relances will be sent in the background", action['params']['message'])
        self.assertRecordValues(
            relances,
            [
                {
                    'state': 'to_validate',
                    'validated_by_id': False,
                    'send_queue_state': 'queued',
                    'send_requested_by_id': self.env.user.id,
                }
            ]
            * 3,
        )
        self.assertFalse(any(self.sent_emails(relance) for relance in relances), "nothing went out in the request")
        self.assertTrue(
            self.env['ir.cron.trigger'].search([('cron_id', '=', self.cron.id)]), "the scheduled action starts now"
        )
        again = relances.action_send()
        self.assertEqual(again['params']['message'], "These relances are already queued for sending.")

    def test_the_scheduled_action_sends_them_in_the_collectors_name_and_tells_them(self):
        relances = self.waiting_relances(3)
        relances.action_send()
        with patch.object(relance_send_queue, 'SEND_BATCH_SIZE', 2):  # two batches: two transactions
            self.run_cron()
        relances.invalidate_recordset()
        self.assertRecordValues(
            relances, [{'state': 'sent', 'validated_by_id': self.env.user.id, 'send_queue_state': False}] * 3
        )
        self.assertTrue(all(self.sent_emails(relance) for relance in relances))
        progress = self.env['ir.cron.progress'].search([('cron_id', '=', self.cron.id)])
        self.assertEqual(sum(progress.mapped('done')), 3, "the scheduled action shows its progress")
        [notice] = self.notifications()
        self.assertIn("3 sent, 0 failed, 0 cancelled", notice.body)

        self.run_cron()  # again, as the hourly run would
        self.assertEqual(len(self.notifications()), 1, "nothing new to tell")
        self.assertTrue(all(len(self.sent_emails(relance)) == 1 for relance in relances), "nothing sent twice")

    def test_a_relance_cancelled_while_queued_is_not_sent(self):
        relances = self.waiting_relances(3)
        relances.action_send()
        relances[0].action_cancel()
        self.run_cron()
        self.assertEqual(relances.mapped('state'), ['cancelled', 'sent', 'sent'])
        self.assertFalse(self.sent_emails(relances[0]))
        self.assertIn("2 sent, 0 failed, 1 cancelled", self.notifications().body)

    def test_one_relance_that_breaks_leaves_the_others_sent(self):
        relances = self.waiting_relances(3)
        culprit = relances[1]
        bring_up_to_date = relance_prepare.AccountRelance._bring_up_to_date

        def breaks_on_the_culprit(self):
            if culprit in self:
                raise ValueError("the invoice PDF could not be rendered")
            return bring_up_to_date(self)

        relances.action_send()
        with (
            patch.object(relance_prepare.AccountRelance, '_bring_up_to_date', breaks_on_the_culprit),
            self.assertLogs(relance_send_queue.__name__, 'WARNING'),
        ):
            self.run_cron()
        relances.invalidate_recordset()
        self.assertEqual(relances.mapped('state'), ['sent', 'failed', 'sent'])
        self.assertIn("the invoice PDF could not be rendered", culprit.failure_reason)
        self.assertFalse(culprit.send_queue_state, "it is not sent again by the next run")
        notice = self.notifications()
        self.assertIn("2 sent, 1 failed, 0 cancelled", notice.body)
        self.assertIn(culprit.name, notice.body)

    def test_a_small_send_still_goes_out_at_once(self):
        relances = self.waiting_relances(2)
        self.assertIs(relances.action_send(), True)
        self.assertRecordValues(relances, [{'state': 'sent', 'send_queue_state': False}] * 2)

    def test_nobody_queues_a_relance_in_another_persons_name(self):
        relance = self.waiting_relances(1)
        with self.assertRaisesRegex(AccessError, "in the name of the person who sends it"):
            relance.write({'send_queue_state': 'queued', 'send_requested_by_id': self.salesperson.id})
