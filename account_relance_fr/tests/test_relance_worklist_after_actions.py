"""Right after the collector acts, the worklist row says what comes next: nobody waits for the
next morning's run, nobody clicks "run the relances now" to see the truth."""

from datetime import date, timedelta

from odoo.tests import Form, freeze_time, tagged

from .common import DUE, RelanceCommon
from .test_relance_postal import PostalCommon


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

    def test_a_payment_of_the_oldest_invoice_puts_the_call_off_to_the_next_one(self):
        # 1 000 € due 10 March and 600 € due 20 March (day 10). The second reminder went on day
        # 10; the call is planned for day 20 (30 March) from the oldest due date. On day 12 the
        # 1 000 € are paid: the oldest unpaid invoice is now due 20 March, so the call comes 20
        # days after it, on 9 April (day 30), not 10 days after the second reminder (day 20).
        oldest = self.invoice(1000.0)
        self.invoice(600.0, due=on(10))
        self.run_days(on(1), on(12))
        file = self.file()
        self.assertEqual(self.row(file), (self.level[20], on(20), 'call'))
        self.assertEqual(file.amount_overdue, 1600.0)
        with freeze_time(on(12)):
            self.env['account.payment.register'].with_context(
                active_model='account.move', active_ids=oldest.ids
            ).create({'amount': 1000.0, 'payment_date': on(12)})._create_payments()
            self.assertEqual(self.row(file), (self.level[20], on(30), 'call'))
            self.assertEqual(file.amount_overdue, 600.0)
            self.assertEqual(file.next_action_label, "Nothing before 9 Apr")

    def test_the_last_invoice_paid_closes_the_file_at_once_and_cancels_the_relance_waiting(self):
        # Day 45 (24 April): the last reminder waits for validation. On day 47 the baker pays
        # the 1 000 €: nothing is overdue any more. The file closes that day as the next
        # morning's run would have closed it, the last reminder is cancelled with the run's
        # reason, and the worklist no longer shows the baker.
        invoice = self.invoice(1000.0)
        self.run_days(on(1), on(45))
        file = self.file()
        pending = file.pending_relance_id
        self.assertEqual((pending.level_id, pending.state), (self.level[45], 'to_validate'))
        with freeze_time(on(47)):
            self.pay(invoice, 1000.0, on(47))
            self.assertRecordValues(
                file,
                [
                    {
                        'state': 'closed',
                        'close_reason': 'paid',
                        'closed_on': on(47),
                        'pending_relance_id': False,
                        'next_date': False,
                        'amount_overdue': 0.0,
                    }
                ],
            )
            self.assertRecordValues(
                pending,
                [{'state': 'cancelled', 'cancel_reason': "Nothing is overdue any more: the relance file closed."}],
            )
            self.assertFalse(self.worklist())
        # The next morning's run finds nothing more to do for the baker.
        self.assertFalse(self.run_relance(on(48)))
        self.assertEqual(self.file(), file)

    def test_the_last_invoice_paid_while_the_other_is_disputed_closes_the_file_on_hold(self):
        # 1 000 € due 10 March and 600 € due 20 March (day 10), the second reminder sent on
        # day 10. On day 12 the 600 € are disputed, and the 1 000 € paid: what remains
        # overdue is held, so the file closes on hold at once, to continue where it stood
        # when the dispute is over.
        oldest = self.invoice(1000.0)
        disputed = self.invoice(600.0, due=on(10))
        self.run_days(on(1), on(12))
        file = self.file()
        with freeze_time(on(12)):
            self.env['account.relance.dispute.wizard'].create(
                {'move_ids': [(6, 0, disputed.ids)], 'reason': "Four livré en panne"}
            ).action_apply()
            self.assertEqual(file.state, 'open')
            self.pay(oldest, 1000.0, on(12))
            self.assertRecordValues(file, [{'state': 'closed', 'close_reason': 'hold', 'closed_on': on(12)}])
            self.assertFalse(self.worklist())

    def test_a_part_payment_leaves_the_file_open_with_what_remains_overdue(self):
        # Day 45: the last reminder waits for validation. On day 47 the baker pays 400 € of
        # the 1 000 €: 600 € are still overdue, the file stays in the worklist and the last
        # reminder still waits for validation.
        invoice = self.invoice(1000.0)
        self.run_days(on(1), on(45))
        file = self.file()
        pending = file.pending_relance_id
        with freeze_time(on(47)):
            self.pay(invoice, 400.0, on(47))
            self.assertRecordValues(
                file, [{'state': 'open', 'amount_overdue': 600.0, 'pending_relance_id': pending.id}]
            )
            self.assertEqual(pending.state, 'to_validate')
            self.assertEqual(self.worklist(), file)

    def test_a_payment_taken_back_the_same_day_leaves_the_paid_file_closed_and_opens_a_new_one(self):
        # Day 47: the 1 000 € paid by cheque close the file. The same day the bank returns the
        # cheque unpaid: the accountant takes the payment off the invoice, then cancels it. The
        # 1 000 € are overdue again. A file closed as paid is never reopened: the baker is back in the worklist at
        # once with a new file. A new file starts at the highest written reminder the lateness
        # has passed: 47 days late, the last reminder (day 45), due today; the one cancelled
        # when the file closed stays cancelled.
        invoice = self.invoice(1000.0)
        self.run_days(on(1), on(45))
        paid_file = self.file()
        pending = paid_file.pending_relance_id
        with freeze_time(on(47)):
            payment = self.pay(invoice, 1000.0, on(47))
            self.assertEqual(paid_file.state, 'closed')
            [partial] = invoice.line_ids.matched_credit_ids
            invoice.js_remove_outstanding_partial(partial.id)
            payment.action_draft()
            payment.action_cancel()
            self.assertEqual(invoice.amount_residual, 1000.0)
            self.assertRecordValues(paid_file, [{'state': 'closed', 'close_reason': 'paid', 'closed_on': on(47)}])
            self.assertEqual(pending.state, 'cancelled')
            new_file = self.worklist()
            self.assertNotEqual(new_file, paid_file)
            self.assertRecordValues(new_file, [{'opened_on': on(47), 'level_id': False, 'amount_overdue': 1000.0}])
            self.assertEqual(self.row(new_file), (self.level[45], on(47), 'letter'))
        # The next morning's run prepares that last reminder in the new file.
        [relance] = self.run_relance(on(48))
        self.assertRecordValues(
            relance, [{'file_id': new_file.id, 'level_id': self.level[45].id, 'state': 'to_validate'}]
        )

    def test_a_promise_made_on_the_phone_pauses_the_row_until_the_day_after_its_grace(self):
        # Day 20 (30 March): the call is planned. The baker promises on the phone to pay by
        # 3 April (day 24); with the company's 3 days of grace the relances wait until 6 April
        # (day 27), so the severe reminder of day 30 stays the next step, not before day 28.
        # Its date is that of the severe level: 9 April.
        self.invoice(1000.0)
        self.run_days(on(1), on(20))
        file = self.file()
        relance = file.last_relance_id
        self.assertEqual(relance.level_id, self.level[20])
        with freeze_time(on(20)):
            self.env['account.relance.call.outcome.wizard'].with_context(
                active_model='account.relance', active_id=relance.id
            ).create({'outcome': 'promise', 'promise_date': on(24)}).action_apply()
            self.assertEqual(file.promise_ids.paused_until, on(27))
            self.assertEqual(self.row(file), (self.level[30], on(28), 'letter'))
            self.assertFalse(file.call_due_date, "the call made is done")

    def test_a_call_without_answer_is_planned_again_and_the_next_step_stays(self):
        # Day 20: nobody answers. The call is planned again 2 days later (1 April), the severe
        # reminder stays on day 30.
        self.invoice(1000.0)
        self.run_days(on(1), on(20))
        file = self.file()
        with freeze_time(on(20)):
            self.assertEqual(file.call_due_date, on(20))
            self.assertEqual(file.worklist_group, '3_today')
            self.env['account.relance.call.outcome.wizard'].with_context(
                active_model='account.relance', active_id=file.last_relance_id.id
            ).create({'outcome': 'no_answer'}).action_apply()
            self.assertEqual(self.row(file), (self.level[30], on(30), 'letter'))
            file.invalidate_recordset()
            self.assertEqual(file.call_due_date, on(22))
            self.assertEqual(file.worklist_group, '4_later')

    def test_a_mise_en_demeure_sent_from_the_client_leaves_the_litigation_to_decide(self):
        # Day 12: the collector sends the baker a mise en demeure (registered letter) without
        # waiting for the scenario. Nothing comes after it: no next date, the litigation is what
        # is left to decide, and today the letter is to post.
        self.invoice(1000.0)
        self.run_days(on(1), on(12))
        file = self.file()
        self.assertEqual(self.row(file), (self.level[20], on(20), 'call'))
        with freeze_time(on(12)):
            action = (
                self.env['account.relance.formal.notice.wizard']
                .create({'partner_id': self.client.id, 'signatory_id': self.env.user.id})
                .action_prepare()
            )
            notice = self.env['account.relance'].browse(action['res_id'])
            self.assertEqual((notice.state, notice.level_id), ('sent', self.level[60]))
            self.assertEqual(self.row(file), (self.env['account.relance.level'], False, 'litigation'))
            self.assertEqual(file.level_id, self.level[60])
            self.assertEqual(file.next_action_label, "Letter to post")

    def test_a_granted_schedule_leaves_nothing_to_chase(self):
        # Day 25 (4 April): the baker agrees to pay in three monthly installments from 15 April:
        # the severe reminder of day 30 is off.
        invoice = self.invoice(1000.0)
        self.run_days(on(1), on(25))
        file = self.file()
        self.assertEqual(self.row(file), (self.level[30], on(30), 'letter'))
        with freeze_time(on(25)):
            self.agree(invoice)
            self.assertEqual(self.row(file), (self.env['account.relance.level'], False, 'wait'))

    def test_a_broken_schedule_brings_the_client_back_to_the_worklist_at_once(self):
        # The schedule of day 25: its first installment, 15 April, is still unpaid after 5 days
        # of grace. The file had closed on hold meanwhile; on 21 April (day 42) the schedule
        # breaks and the file is back at once, at the step after the call: the severe reminder,
        # due since 9 April (day 30), so today.
        invoice = self.invoice(1000.0)
        self.run_days(on(1), on(25))
        file = self.file()
        with freeze_time(on(25)):
            schedule = self.agree(invoice)
        self.run_relance(on(26))
        self.assertEqual((file.state, file.close_reason), ('closed', 'hold'))
        with freeze_time(on(42)):
            self.env['account.relance.schedule']._run_check(companies=self.company)
            self.assertEqual(schedule.state, 'broken')
            self.assertEqual(file.state, 'open')
            self.assertEqual(self.row(file), (self.level[30], on(42), 'letter'))
            self.assertEqual(file.worklist_group, '3_today')

    def test_a_bounced_reminder_puts_the_file_back_to_its_first_reminder(self):
        # The first reminder went out on day 1; the second is planned on day 10. On day 2 the
        # e-mail bounces: no relance reached the client, the first reminder is due again,
        # today, by another way than this address.
        self.invoice(1000.0)
        relance = self.run_relance(on(1))
        file = relance.file_id
        self.assertEqual(self.row(file), (self.level[10], on(10), 'email'))
        with freeze_time(on(2)):
            relance._message_receive_bounce(self.client.email, self.client)
            self.assertEqual(relance.state, 'failed')
            self.assertEqual(self.row(file), (self.level[1], on(2), 'resend'))
            self.assertFalse(file.level_id)

    def pay(self, invoice, amount, day):
        """The baker's payment of ``amount`` on ``day``, registered on ``invoice``."""
        return (
            self.env['account.payment.register']
            .with_context(active_model='account.move', active_ids=invoice.ids)
            .create({'amount': amount, 'payment_date': day})
            ._create_payments()
        )

    def worklist(self):
        """The baker's rows in the worklist: the files in progress ("Files in progress", the
        filter the worklist opens with)."""
        return self.env['account.relance.file'].search(
            [('state', '=', 'open'), ('partner_id', '=', self.client.id), ('company_id', '=', self.company.id)]
        )

    def agree(self, invoice):
        """A schedule of three monthly installments from 15 April (day 36), agreed today."""
        wizard = Form(
            self.env['account.relance.schedule.wizard'].with_context(
                active_model='account.move', active_ids=invoice.ids
            )
        )
        wizard.first_due_date = on(36)
        wizard.installment_count = 3
        schedule = self.env['account.relance.schedule'].browse(wizard.save().action_propose()['res_id'])
        schedule.action_agree()
        return schedule


@tagged('post_install', '-at_install')
class TestRelanceWorklistAfterPostalLetters(PostalCommon):
    """A registered letter handed to the postal provider goes out after the validation's
    transaction: the row follows when the provider accepts it."""

    def test_a_mise_en_demeure_accepted_by_the_provider_leaves_the_litigation_to_decide(self):
        # The first reminder went out on 11 March, the second was planned on 20 March. On 9 May
        # the collector sends a mise en demeure through the provider. Once the provider accepted
        # the letter, nothing comes after it in the scenario: no next step, no date, the
        # litigation to decide.
        self.invoice(1000.0)
        file = self.run_relance(on(1)).file_id
        with freeze_time(date(2026, 5, 9)):
            action = (
                self.env['account.relance.formal.notice.wizard']
                .create({'partner_id': self.client.id, 'date': date(2026, 5, 9)})
                .action_prepare()
            )
            notice = self.env['account.relance'].browse(action['res_id'])
            self.assertNotEqual(notice.state, 'sent')
            self.after_commit()
            self.assertEqual(notice.state, 'sent')
            file.invalidate_recordset()
            self.assertRecordValues(file, [{'next_level_id': False, 'next_date': False, 'next_action': 'litigation'}])
