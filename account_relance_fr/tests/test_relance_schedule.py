from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, new_test_user, tagged

from .common import DUE, RelanceCommon

# The baker calls on 4 April 2026, 25 days after the due date of its 1 000 € invoice, having
# had the preventive e-mail, the first and second reminders and the phone call (J+20).
CALL = date(2026, 4, 4)
FIRST = date(2026, 4, 15)


@tagged('post_install', '-at_install')
class TestRelanceSchedule(RelanceCommon):
    """Payment schedules (échéanciers): a client in difficulty pays by installments instead of
    being reminded, and is reminded again the day it breaks its word."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.relance_collector_id = cls.salesperson

    def propose(self, moves, on=CALL, **terms):
        with freeze_time(on):
            wizard = Form(
                self.env['account.relance.schedule.wizard'].with_context(
                    active_model='account.move', active_ids=moves.ids
                )
            )
            for field, value in terms.items():
                setattr(wizard, field, value)
            action = wizard.save().action_propose()
        return self.env['account.relance.schedule'].browse(action['res_id'])

    def agree(self, moves, on=CALL, **terms):
        schedule = self.propose(moves, on, **terms)
        with freeze_time(on):
            schedule.action_agree()
        return schedule

    def check(self, on):
        with freeze_time(on):
            return self.env['account.relance.schedule']._run_check(companies=self.company)

    def schedules(self):
        return self.env['account.relance.schedule'].search([('partner_id', '=', self.client.id)])

    def reminders(self, schedule):
        return schedule.message_ids.filtered(lambda m: m.message_type == 'comment' and m.partner_ids)

    def late_baker(self):
        """The 1 000 € invoice, reminded up to the phone call of J+20 (30 March)."""
        invoice = self.invoice(1000.0)
        self.run_days(DUE - timedelta(days=5), CALL)
        self.assertEqual(invoice.relance_level_id, self.level[20])
        return invoice

    # ------------------------------------------------------------------ proposal

    def test_a_thousand_euros_in_three_monthly_installments_leaves_the_odd_cent_to_the_last(self):
        invoice = self.invoice(1000.0)
        schedule = self.propose(invoice, first_due_date=FIRST, installment_count=3)
        # 1 000 / 3 = 333.333...: 333.33 + 333.33 + 333.34 = 1 000.00 exactly.
        self.assertRecordValues(
            schedule,
            [
                {
                    'state': 'draft',
                    'partner_id': self.client.id,
                    'amount_invoices': 1000.0,
                    'amount_interest': 0.0,
                    'amount_total': 1000.0,
                    'user_id': self.salesperson.id,
                }
            ],
        )
        self.assertRecordValues(
            schedule.line_ids,
            [
                {'due_date': date(2026, 4, 15), 'amount': 333.33, 'down_payment': False},
                {'due_date': date(2026, 5, 15), 'amount': 333.33, 'down_payment': False},
                {'due_date': date(2026, 6, 15), 'amount': 333.34, 'down_payment': False},
            ],
        )

    def test_a_down_payment_today_and_weekly_installments_for_the_rest(self):
        invoice = self.invoice(1000.0)
        schedule = self.propose(
            invoice, first_due_date=FIRST, installment_count=4, frequency='weekly', down_payment=100.0
        )
        # 100 € on the day of the call, then 900 / 4 = 225 € every week.
        self.assertRecordValues(
            schedule.line_ids,
            [
                {'due_date': CALL, 'amount': 100.0, 'down_payment': True},
                {'due_date': date(2026, 4, 15), 'amount': 225.0, 'down_payment': False},
                {'due_date': date(2026, 4, 22), 'amount': 225.0, 'down_payment': False},
                {'due_date': date(2026, 4, 29), 'amount': 225.0, 'down_payment': False},
                {'due_date': date(2026, 5, 6), 'amount': 225.0, 'down_payment': False},
            ],
        )

    def test_the_collector_edits_the_plan_and_custom_dates_before_the_client_agrees(self):
        invoice = self.invoice(1000.0)
        schedule = self.propose(invoice, first_due_date=FIRST, installment_count=2, frequency='custom')
        # The client is paid on the 5th: the dates become 5 May and 5 June; amounts follow.
        schedule.line_ids[0].due_date = date(2026, 5, 5)
        schedule.line_ids[1].due_date = date(2026, 6, 5)
        with freeze_time(CALL):
            schedule.action_propose()
        self.assertRecordValues(
            schedule.line_ids,
            [{'due_date': date(2026, 5, 5), 'amount': 500.0}, {'due_date': date(2026, 6, 5), 'amount': 500.0}],
        )
        # A bigger second installment, a smaller first: still 1 000 €, so it can be agreed.
        schedule.line_ids[0].amount = 300.0
        schedule.line_ids[1].amount = 700.0
        with freeze_time(CALL):
            schedule.action_agree()
        self.assertEqual(schedule.state, 'agreed')

    def test_from_the_client_the_wizard_takes_its_overdue_invoices_not_yet_in_a_schedule(self):
        late = self.invoice(1000.0)
        scheduled = self.invoice(300.0)
        self.invoice(500.0, due=CALL + timedelta(days=30))  # not due yet
        self.agree(scheduled, first_due_date=FIRST)
        with freeze_time(CALL):
            wizard = (
                self.env['account.relance.schedule.wizard']
                .with_context(active_model='res.partner', active_ids=self.client.ids)
                .create({'first_due_date': FIRST})
            )
        self.assertRecordValues(wizard, [{'partner_id': self.client.id, 'move_ids': late.ids, 'amount_due': 1000.0}])

    def test_late_payment_interest_up_to_the_agreement_is_invoiced_and_spread(self):
        # 1 000 € due 10 March, agreed 9 May: 60 days at 2.15 + 10 = 12.15 % in 2026 H1,
        # 1 000 x 0.1215 x 60 / 365 = 19.972... -> 19.97 €; 1 019.97 / 3 = 339.99 each.
        invoice = self.invoice(1000.0)
        schedule = self.agree(
            invoice, on=date(2026, 5, 9), first_due_date=date(2026, 5, 20), installment_count=3, interest_mode='legal'
        )
        self.assertRecordValues(schedule, [{'amount_interest': 19.97, 'amount_total': 1019.97, 'state': 'agreed'}])
        self.assertEqual(schedule.line_ids.mapped('amount'), [339.99, 339.99, 339.99])
        self.assertEqual(schedule.line_ids.mapped('interest_amount'), [6.65, 6.65, 6.67])
        interest = schedule.interest_move_id
        self.assertRecordValues(interest, [{'state': 'posted', 'amount_total': 19.97, 'amount_tax': 0.0}])
        self.assertEqual(
            interest.invoice_line_ids.relance_penalty_origin_id,
            invoice,
            "invoicing the penalties later will not charge these 19.97 € again",
        )
        self.assertIn(interest, schedule.move_ids, "the interest is paid through the installments")

    def test_an_agreed_rate_bears_interest_on_the_principal_still_unpaid(self):
        # 1 200 € at 6 %, agreed 1 April, 400 € of principal on 1 May, 1 June, 1 July:
        # 1 200 x 6 % x 30/365 = 5.92; 800 x 6 % x 31/365 = 4.08; 400 x 6 % x 30/365 = 1.97.
        invoice = self.invoice(1200.0)
        schedule = self.agree(
            invoice,
            on=date(2026, 4, 1),
            first_due_date=date(2026, 5, 1),
            installment_count=3,
            interest_mode='rate',
            interest_rate=6.0,
        )
        self.assertEqual(schedule.line_ids.mapped('amount'), [405.92, 404.08, 401.97])
        self.assertRecordValues(schedule, [{'amount_interest': 11.97, 'amount_total': 1211.97}])
        self.assertEqual(schedule.interest_move_id.amount_total, 11.97)

    # ------------------------------------------------------------------ bad input

    def test_an_installment_before_today_is_refused(self):
        invoice = self.invoice(1000.0)
        with self.assertRaises(UserError) as refused:  # in a savepoint, as a user's request would be
            self.propose(invoice, first_due_date=CALL - timedelta(days=1))
        self.assertIn("cannot be due before today (2026-04-03)", str(refused.exception))
        self.assertFalse(self.schedules(), "nothing half-written")

    def test_zero_installments_are_refused(self):
        invoice = self.invoice(1000.0)
        with self.assertRaises(UserError) as refused:
            self.propose(invoice, first_due_date=FIRST, installment_count=0)
        self.assertIn("at least one installment", str(refused.exception))
        self.assertFalse(self.schedules())

    def test_installments_that_do_not_add_up_to_the_invoices_are_refused(self):
        invoice = self.invoice(1000.0)
        schedule = self.propose(invoice, first_due_date=FIRST, installment_count=2)
        schedule.line_ids[1].amount = 400.0
        with freeze_time(CALL), self.assertRaisesRegex(UserError, r"add up to 900.00\s€.*1,000.00\s€"):
            schedule.action_agree()
        self.assertEqual(schedule.state, 'draft')
        self.assertFalse(schedule.interest_move_id)

    def test_a_payment_received_since_the_proposal_must_be_taken_into_account(self):
        invoice = self.invoice(1000.0)
        schedule = self.propose(invoice, first_due_date=FIRST, installment_count=2)
        self._register_payment(invoice, amount=100.0, payment_date=CALL)
        with freeze_time(CALL), self.assertRaisesRegex(UserError, r"now owe 900.00\s€"):
            schedule.action_agree()

    def test_an_invoice_already_in_a_running_schedule_is_refused(self):
        invoice = self.invoice(1000.0)
        other = self.invoice(500.0)
        first = self.agree(invoice, first_due_date=FIRST)
        with self.assertRaises(UserError) as refused:
            self.propose(invoice | other, first_due_date=FIRST)
        self.assertIn(f"{invoice.name} already in the active payment schedule {first.name}", str(refused.exception))
        self.assertEqual(self.schedules(), first, "nothing half-written")

    def test_invoices_in_two_currencies_are_refused(self):
        usd = self.setup_other_currency('USD')
        with self.assertRaisesRegex(UserError, "several currencies"):
            self.propose(self.invoice(1000.0) | self.invoice(1000.0, currency_id=usd.id), first_due_date=FIRST)

    # ------------------------------------------------------------------ payments

    def test_a_partial_payment_fills_the_installments_in_due_date_order(self):
        invoice = self.invoice(1000.0)
        schedule = self.agree(invoice, first_due_date=FIRST, installment_count=3)
        self._register_payment(invoice, amount=500.0, payment_date=FIRST)
        # 500 = 333.33 (first, paid) + 166.67 (second, partly); the third is untouched.
        with freeze_time(date(2026, 4, 16)):
            schedule.invalidate_recordset()
            schedule.line_ids.invalidate_recordset()
            self.assertRecordValues(
                schedule.line_ids,
                [
                    {'amount_paid': 333.33, 'amount_remaining': 0.0, 'status': 'paid'},
                    {'amount_paid': 166.67, 'amount_remaining': 166.66, 'status': 'partial'},
                    {'amount_paid': 0.0, 'amount_remaining': 333.34, 'status': 'to_come'},
                ],
            )
            self.assertRecordValues(schedule, [{'amount_paid': 500.0, 'amount_remaining': 500.0}])

    def test_a_client_who_pays_every_installment_keeps_then_completes_the_schedule(self):
        invoice = self.invoice(1000.0)
        schedule = self.agree(invoice, first_due_date=FIRST, installment_count=3)
        self._register_payment(invoice, amount=333.33, payment_date=FIRST)
        self.check(date(2026, 4, 16))
        self.assertEqual(schedule.state, 'kept')
        self._register_payment(invoice, amount=333.33, payment_date=date(2026, 5, 15))
        self._register_payment(invoice, amount=333.34, payment_date=date(2026, 6, 14))
        self.check(date(2026, 6, 15))
        self.assertEqual(schedule.state, 'done')
        self.assertEqual(invoice.payment_state, 'paid')

    # ------------------------------------------------------------------ relances

    def test_no_ordinary_relance_while_the_schedule_is_kept(self):
        invoice = self.late_baker()
        self.agree(invoice, first_due_date=FIRST, installment_count=3)
        # Without the schedule, the severe reminder (J+30) would have gone on 9 April.
        self.assertFalse(self.run_days(CALL + timedelta(days=1), date(2026, 4, 20)))
        self.assertFalse(invoice.relance_next_date)
        self.assertEqual(invoice.relance_schedule_id.state, 'agreed')

    def test_a_client_who_misses_an_installment_is_reminded_at_the_next_level_the_same_morning(self):
        invoice = self.late_baker()
        schedule = self.agree(invoice, first_due_date=FIRST, installment_count=3)
        # 15 April unpaid, 5 days of grace: still on time on 20 April, broken on 21 April.
        self.check(date(2026, 4, 20))
        self.assertEqual(schedule.state, 'agreed')
        self.check(date(2026, 4, 21))
        self.assertRecordValues(schedule, [{'state': 'broken', 'broken_on': date(2026, 4, 21)}])
        self.assertEqual(schedule.line_ids.mapped('missed'), [True, False, False])
        activity = schedule.activity_ids
        self.assertEqual(activity.user_id, self.salesperson, "the collector is told")
        self.assertIn("broken", activity.summary)
        self.check(date(2026, 4, 22))
        self.assertEqual(len(schedule.activity_ids), 1, "checking again warns nobody twice")
        # The invoice had reached the phone call (J+20): it goes on to the severe reminder
        # (J+30), never back to the first reminder.
        relance = self.run_relance(date(2026, 4, 21))
        self.assertEqual(relance.level_id, self.level[30])
        self.assertEqual(relance.line_ids.move_id, invoice)

    def test_a_cancelled_schedule_gives_the_invoices_back_to_the_relances(self):
        invoice = self.late_baker()
        schedule = self.agree(invoice, first_due_date=FIRST, interest_mode='rate', interest_rate=5.0)
        self.assertFalse(self.run_relance(date(2026, 4, 9)))
        schedule.action_cancel()
        self.assertEqual(schedule.interest_move_id.payment_state, 'reversed', "no interest without the plan")
        self.assertEqual(self.run_relance(date(2026, 4, 9)).level_id, self.level[30])

    def test_a_reminder_goes_five_days_before_each_installment_once(self):
        invoice = self.invoice(1000.0)
        schedule = self.agree(invoice, first_due_date=FIRST, installment_count=3)
        self.check(date(2026, 4, 9))
        self.assertFalse(self.reminders(schedule))
        self.check(date(2026, 4, 10))
        self.check(date(2026, 4, 11))
        reminder = self.reminders(schedule)
        self.assertEqual(len(reminder), 1, "one reminder per installment")
        self.assertEqual(reminder.partner_ids, self.client)
        self.assertIn("15/04/2026", reminder.subject)
        self.assertIn("333,33", reminder.body.replace('\xa0', ' '))
        self._register_payment(invoice, amount=333.33, payment_date=FIRST)
        self.check(date(2026, 5, 10))
        self.assertEqual(len(self.reminders(schedule)), 2)
        self.assertIn("15/05/2026", self.reminders(schedule)[0].subject)

    def test_the_scheduled_check_runs_in_batches_and_twice_changes_nothing(self):
        invoice = self.invoice(1000.0)
        schedule = self.agree(invoice, first_due_date=FIRST, installment_count=3)
        cron = self.env.ref('account_relance_fr.ir_cron_relance_schedule_check')
        with freeze_time(date(2026, 4, 21)), self.enter_registry_test_mode():
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        self.assertEqual(schedule.state, 'broken')
        self.assertEqual(len(schedule.activity_ids), 1)

    # ------------------------------------------------------------------ the agreement letter

    def test_the_agreement_letter_lists_the_installments_in_figures_and_in_words(self):
        self.company.company_registry = "81234567800015"
        invoice = self.invoice(1000.0)
        schedule = self.agree(invoice, first_due_date=FIRST, installment_count=3)
        self.assertTrue(schedule.agreement_attachment_id, "the letter is made when the client agrees")
        html, kind = self.env['ir.actions.report']._render_qweb_pdf(
            'account_relance_fr.report_relance_schedule', schedule.ids
        )
        self.assertEqual(kind, 'html')
        letter = " ".join(html.decode().replace('\xa0', ' ').replace('\u202f', ' ').split())
        for text in (
            "ÉCHÉANCIER DE PAIEMENT",
            schedule.name,
            "Boulangerie Martin",
            "12 rue de la République",
            "SIRET : 81234567800015",
            invoice.name,
            "04/04/2026",
            "15/04/2026",
            "15/05/2026",
            "15/06/2026",
            "333,33",
            "333,34",
            "1 000,00",
            "mille euros",
            "trois cent trente-trois euros et trente-trois centimes",
            "trois cent trente-trois euros et trente-quatre centimes",
            "Bon pour accord",
            "Pour le client",
            "Pour le créancier",
            "5 jours suivant sa date",
            "L441-10",
        ):
            self.assertIn(text, letter)

    # ------------------------------------------------------------------ screens and rights

    def test_the_client_form_and_the_relance_history_show_the_schedules(self):
        invoice = self.late_baker()
        schedule = self.agree(invoice, first_due_date=FIRST)
        arch = self.env['res.partner'].get_views([(False, 'form')])['views']['form']['arch']
        self.assertIn('relance_schedule_ids', arch)
        self.assertIn('action_view_relance_schedules', arch)
        form = Form(self.client)
        self.assertEqual(form.relance_schedule_count, 1)
        self.assertEqual(form.relance_schedule_ids._records[0]['state'], 'agreed')
        relance = self.env['account.relance'].search([('partner_id', '=', self.client.id)], limit=1)
        self.assertEqual(relance.schedule_ids, schedule)
        for model, view in (
            ('account.relance.schedule', 'form'),
            ('account.relance.schedule', 'list'),
            ('account.relance.schedule', 'search'),
            ('account.relance.schedule.wizard', 'form'),
        ):
            self.env[model].get_views([(False, view)])
        settings = Form(self.env['res.config.settings'])
        settings.relance_schedule_grace_days = 10
        settings.save().execute()
        self.assertEqual(self.env.company.relance_schedule_grace_days, 10)

    def test_a_relance_user_agrees_a_schedule_that_another_company_cannot_see(self):
        user = new_test_user(
            self.env,
            login="collector",
            groups="account_relance_fr.group_relance_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        invoice = self.invoice(1000.0)
        with freeze_time(CALL):
            wizard = (
                self.env['account.relance.schedule.wizard']
                .with_user(user)
                .with_context(active_model='account.move', active_ids=invoice.ids)
                .create({'first_due_date': FIRST})
            )
            schedule = self.env['account.relance.schedule'].browse(wizard.action_propose()['res_id'])
            schedule.with_user(user).action_agree()
        self.assertEqual(schedule.state, 'agreed')
        with self.assertRaises(AccessError):
            schedule.with_user(user).unlink()
        other_company = self.setup_other_company()['company']
        outsider = new_test_user(
            self.env,
            login="outsider",
            groups="account_relance_fr.group_relance_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(self.env['account.relance.schedule'].with_user(outsider).search([('id', '=', schedule.id)]))
        self.assertFalse(
            self.env['account.relance.schedule.line'].with_user(outsider).search([('schedule_id', '=', schedule.id)])
        )
