"""Right after the collector acts, the worklist row says what comes next: nobody waits for the
next morning's run, nobody clicks "run the relances now" to see the truth."""

from datetime import timedelta

from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon


def on(n):
    return DUE + timedelta(days=n)


@tagged('post_install', '-at_install')
class TestRelanceWorklistAfterActions(RelanceCommon):
    """Boulangerie Martin owes 1 000 € due on 10 March 2026, in the standard scenario: first
    reminder on day 1, second on day 10, call on day 20, severe on day 30, last reminder on
    day 45 (validated by a person), mise en demeure on day 60; 5 days at least between two
    relances the client reads."""

    def file(self, partner=None):
        return self.env['account.relance.file'].search(
            [('partner_id', '=', (partner or self.client).id), ('company_id', '=', self.company.id)]
        )

    def row(self, file):
        """The next step the row shows: its level, its date, the action it calls for."""
        file.invalidate_recordset()
        return file.next_level_id, file.next_date, file.next_action

    def test_the_last_reminder_validated_and_sent_moves_the_row_to_the_mise_en_demeure(self):
        self.invoice(1000.0)
        self.run_days(on(1), on(45))
        with freeze_time(on(45)):
            file = self.file()
            self.assertEqual(file.next_action_label, "Validate the relance")
            file.pending_relance_id.action_send()
            # The mise en demeure comes on 9 May (day 60), no longer "last reminder, 24 Apr.".
            self.assertEqual(self.row(file), (self.level[60], on(60), 'formal_notice'))

    def test_a_failed_reminder_sent_by_letter_is_followed_by_the_second_reminder(self):
        # No e-mail address: the first reminder of 11 March fails. Sent by letter on 13 March,
        # the row no longer says "E-mail, 11 Mar." but waits for the second reminder, which
        # keeps its 9 days after the first (day 10 less day 1): 22 March. The letter is to
        # post today.
        self.client.email = False
        self.invoice(1000.0)
        relance = self.run_relance(on(1))
        self.assertEqual(relance.state, 'failed')
        with freeze_time(on(3)):
            relance.action_send_letter_instead()
            file = relance.file_id
            self.assertEqual(self.row(file), (self.level[10], on(12), 'email'))
            self.assertEqual(file.next_action_label, "Letter to post")

    def test_a_cancelled_relance_leaves_its_step_due_today(self):
        # The last reminder waiting on day 45 is cancelled: the file stands at the severe
        # reminder, so the last reminder is what is due, today.
        self.invoice(1000.0)
        self.run_days(on(1), on(45))
        with freeze_time(on(45)):
            file = self.file()
            file.pending_relance_id.action_cancel()
            self.assertEqual(self.row(file), (self.level[45], on(45), 'letter'))
            self.assertEqual(file.worklist_group, '3_today')

    def test_an_invoice_put_in_dispute_leaves_nothing_to_chase(self):
        # On day 12 (second reminder sent on day 10), the only invoice is disputed: nothing is
        # planned any more for the client.
        invoice = self.invoice(1000.0)
        self.run_days(on(1), on(12))
        with freeze_time(on(12)):
            file = self.file()
            self.assertEqual(file.next_level_id, self.level[20])
            self.env['account.relance.dispute.wizard'].create(
                {'move_ids': [(6, 0, invoice.ids)], 'reason': "Four livré en panne"}
            ).action_apply()
            self.assertEqual(self.row(file), (self.env['account.relance.level'], False, 'wait'))
            self.assertEqual(file.next_action_label, "Nothing planned")
