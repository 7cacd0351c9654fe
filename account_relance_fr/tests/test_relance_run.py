from datetime import date, timedelta
from unittest.mock import patch

from odoo import Command
from odoo.tests import freeze_time, tagged

from odoo.addons.account_relance_fr.models import relance_run

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceRun(RelanceCommon):
    def test_a_baker_is_warned_five_days_before_and_reminded_the_day_after_the_due_date(self):
        invoice = self.invoice(1200.0)
        self.assertFalse(self.run_relance(DUE - timedelta(days=6)), "nothing is due six days before")

        preventive = self.run_relance(DUE - timedelta(days=5))
        self.assertRecordValues(
            preventive,
            [
                {
                    'partner_id': self.client.id,
                    'contact_id': self.client.id,
                    'level_id': self.level[-5].id,
                    'state': 'sent',
                    'channel_email': True,
                    'amount_claimed': 1200.0,
                }
            ],
        )
        self.assertRecordValues(
            preventive.line_ids,
            [
                {
                    'move_id': invoice.id,
                    'kind': 'upcoming',
                    'level_id': self.level[-5].id,
                    'date_maturity': DUE,
                    'days_overdue': 0,
                    'amount_residual_currency': 1200.0,
                }
            ],
        )
        self.assertFalse(preventive.file_id, "a preventive reminder opens no file")
        self.assertFalse(self.run_days(DUE - timedelta(days=4), DUE), "nothing until the day after")

        cordial = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(cordial.level_id, self.level[1])
        self.assertEqual(cordial.line_ids.days_overdue, 1)
        self.assertEqual(cordial.file_id.level_id, self.level[1])
        self.assertEqual(invoice.relance_level_id, self.level[1], "the invoice shows its client's level")
        self.assertEqual(invoice.relance_last_date, DUE + timedelta(days=1))

    def test_the_scenario_escalates_level_by_level_on_its_own_dates(self):
        invoice = self.invoice(1000.0)
        relances = self.run_days(DUE - timedelta(days=10), DUE + timedelta(days=45))
        last_notice = relances.filtered(lambda r: r.state == 'to_validate')
        with freeze_time(DUE + timedelta(days=45)):
            last_notice.action_send()  # validated the same day
        relances |= self.run_days(DUE + timedelta(days=46), DUE + timedelta(days=60))
        self.assertEqual(
            [(r.date, r.level_id.delay) for r in relances.sorted('date')],
            [(DUE + timedelta(days=d), d) for d in (-5, 1, 10, 20, 30, 45, 60)],
        )
        self.assertEqual(invoice.relance_level_id, self.level[45], "the mise en demeure waits for validation")

    def test_the_relances_of_a_run_are_numbered_as_the_relance_sequence_numbers_them(self):
        clients = self.env['res.partner'].create(
            [
                {'name': f"Boulangerie {i}", 'email': f"b{i}@example.com", 'relance_risk_category': 'occasional'}
                for i in range(3)
            ]
        )
        for client in clients:
            self.invoice(500.0, partner=client)
        sequence = self.env['ir.sequence'].search([('code', '=', 'account.relance')], limit=1)
        prefix = f"REL/{date.today().year}/"
        first = sequence.number_next_actual
        relances = self.run_relance(DUE + timedelta(days=1)).filtered(lambda r: r.partner_id in clients)
        self.assertEqual(sorted(relances.mapped('name')), [f"{prefix}{n:05d}" for n in range(first, first + 3)])
        self.assertEqual(self.env['ir.sequence'].next_by_code('account.relance'), f"{prefix}{first + 3:05d}")

    def test_running_twice_the_same_day_sends_nothing_twice(self):
        self.invoice(1000.0)
        first = self.run_relance(DUE + timedelta(days=1))
        emails = self.sent_emails(first)
        self.assertEqual(len(emails), 1)
        self.assertFalse(self.run_relance(DUE + timedelta(days=1)))
        self.assertEqual(self.sent_emails(first), emails)
        self.assertFalse(self.run_relance(DUE + timedelta(days=2)), "the next level is not due yet")

    def test_a_same_day_rerun_leaves_alone_the_clients_in_the_state_the_run_left_them(self):
        """A second run the same day (the wizard, a resumed cron) reads again only the clients
        whose items, credits, relances, promises or settings changed since the first; their
        files show what changed. The others cost nothing, and nothing is sent twice."""
        Run = self.env['account.relance.run']
        other = self.env['res.partner'].create(
            {
                'name': "Boulangerie Martin",
                'email': "martin@example.com",
                'is_company': True,
                'relance_risk_category': self.client.relance_risk_category,
            }
        )
        self.invoice(1000.0)
        paid_later = self.invoice(600.0, partner=other)
        today = DUE + timedelta(days=1)
        first = self.run_relance(today)
        self.assertEqual(first.partner_id, self.client | other)
        self.assertEqual(Run._batches(self.company, today), [], "nothing changed: no client to read again")
        self.assertFalse(self.run_relance(today))

        # The second client pays 250 the same afternoon: its file is brought up to date.
        with freeze_time(today):
            self.env['account.payment.register'].with_context(
                active_model='account.move',
                active_ids=paid_later.ids,
            ).create({'amount': 250.0, 'payment_date': today})._create_payments()
        self.assertEqual([list(batch) for batch, _lines in Run._batches(self.company, today)], [[other.id]])
        self.assertFalse(self.run_relance(today), "reminded today: nothing new is sent")
        file = first.filtered(lambda r: r.partner_id == other).file_id
        self.assertEqual(file.amount_overdue, 350.0)
        self.assertEqual(Run._batches(self.company, today), [])
        # It pays the rest: the rerun closes its file, and only its own.
        with freeze_time(today):
            self.env['account.payment.register'].with_context(
                active_model='account.move',
                active_ids=paid_later.ids,
            ).create({'amount': 350.0, 'payment_date': today})._create_payments()
        self.assertFalse(self.run_relance(today))
        self.assertEqual(file.state, 'closed')
        self.assertEqual(first.file_id.filtered(lambda f: f.state == 'open').partner_id, self.client)

        # The first client's relance is cancelled: read again, and still not reminded twice.
        first.filtered(lambda r: r.partner_id == self.client).sudo().write({'state': 'cancelled'})
        self.assertEqual([list(batch) for batch, _lines in Run._batches(self.company, today)], [[self.client.id]])
        self.assertFalse(self.run_relance(today))
        # The next day every client with something to pay is read again.
        self.assertEqual(
            [list(batch) for batch, _lines in Run._batches(self.company, today + timedelta(days=1))], [[self.client.id]]
        )

    def test_a_same_day_rerun_leaves_alone_the_clients_warned_before_the_due_date(self):
        """A client warned before the due date has no file to keep a stamp: the rerun leaves it
        alone all the same, unless a relance of its waits or something fell due since."""
        Run = self.env['account.relance.run']
        self.invoice(1000.0)
        day = DUE - timedelta(days=5)
        preventive = self.run_relance(day)
        self.assertEqual((preventive.tone, preventive.state, preventive.file_id.id), ('preventive', 'sent', False))
        self.assertEqual(Run._batches(self.company, day), [], "warned today: nothing to read again")

        # A forgotten invoice, already due, is entered the same day: the client is read again,
        # its file opened, and it is not reminded twice the same day.
        self.invoice(400.0, due=day - timedelta(days=3))
        self.assertEqual([list(batch) for batch, _lines in Run._batches(self.company, day)], [[self.client.id]])
        self.assertFalse(self.run_relance(day))
        self.assertEqual(self.env['account.relance.file'].search([('partner_id', '=', self.client.id)]).state, 'open')

    def test_a_same_day_rerun_reads_again_a_preventive_reminder_waiting_for_validation(self):
        Run = self.env['account.relance.run']
        self.level[-5].auto_send = False
        invoice = self.invoice(1000.0)
        day = DUE - timedelta(days=5)
        preventive = self.run_relance(day)
        self.assertEqual(preventive.state, 'to_validate')
        self.assertEqual([list(batch) for batch, _lines in Run._batches(self.company, day)], [[self.client.id]])
        # Paid in part the same day: the waiting reminder says what is left.
        with freeze_time(day):
            self.env['account.payment.register'].with_context(
                active_model='account.move',
                active_ids=invoice.ids,
            ).create({'amount': 300.0, 'payment_date': day})._create_payments()
        self.run_relance(day)
        self.assertEqual(preventive.line_ids.amount_residual_currency, 700.0)

    def test_an_old_debt_starts_at_the_highest_written_reminder_and_keeps_the_spacing(self):
        invoice = self.invoice(1000.0)
        first = self.run_relance(DUE + timedelta(days=35))
        self.assertEqual(first.level_id, self.level[30], "35 days late: the severe reminder, not 'simple oubli'")
        # The last reminder comes 15 days later, as in the scenario, not the next morning.
        self.assertFalse(self.run_days(DUE + timedelta(days=36), DUE + timedelta(days=49)))
        second = self.run_relance(DUE + timedelta(days=50))
        self.assertEqual(second.level_id, self.level[45])
        self.assertEqual(second.state, 'to_validate')
        self.assertEqual(invoice.relance_level_id, self.level[30], "waiting for validation: not reached yet")

    def test_the_mise_en_demeure_never_comes_while_the_last_reminder_waits(self):
        self.invoice(1000.0)
        self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=90))
        relances = self.env['account.relance'].search([('partner_id', '=', self.client.id)])
        self.assertEqual(relances.filtered(lambda r: r.state == 'to_validate').level_id, self.level[45])
        self.assertFalse(relances.filtered(lambda r: r.tone == 'formal_notice'))

    def test_one_relance_for_the_client_driven_by_its_oldest_invoice_listing_every_overdue_one(self):
        old = self.invoice(1000.0)
        recent = self.invoice(500.0, due=DUE + timedelta(days=29))
        soon = self.invoice(300.0, due=DUE + timedelta(days=33))
        later = self.invoice(700.0, due=DUE + timedelta(days=90))
        relances = self.run_days(DUE - timedelta(days=5), DUE + timedelta(days=29))
        self.assertFalse(
            relances.filtered(lambda r: r.date == DUE + timedelta(days=30 - 5 - 1)),
            "the new invoice starts no calendar of its own",
        )
        relance = self.run_relance(DUE + timedelta(days=30))
        self.assertEqual(len(relance), 1)
        self.assertEqual(relance.level_id, self.level[30], "the oldest invoice drives the level")
        self.assertRecordValues(
            relance.invoice_line_ids.sorted('date_maturity'),
            [
                {'move_id': old.id, 'level_id': self.level[30].id, 'days_overdue': 30},
                {'move_id': recent.id, 'level_id': self.level[30].id, 'days_overdue': 1},
            ],
        )
        self.assertEqual(relance.upcoming_line_ids.move_id, soon, "due in 3 days: listed apart, à échoir")
        self.assertNotIn(later, relance.line_ids.move_id, "not due, not claimed")
        self.assertEqual(relance.amount_claimed, 1500.0)

    def test_a_paid_invoice_is_no_longer_reminded(self):
        invoice = self.invoice(1000.0)
        self.run_relance(DUE + timedelta(days=1))
        self._register_payment(invoice, payment_date=DUE + timedelta(days=5))
        self.assertEqual(invoice.payment_state, 'paid')
        self.assertFalse(self.run_days(DUE + timedelta(days=6), DUE + timedelta(days=60)))

    def test_after_a_partial_payment_only_the_residual_is_claimed(self):
        invoice = self.invoice(1000.0)
        self._register_payment(invoice, amount=400.0, payment_date=DUE - timedelta(days=2))
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertRecordValues(relance.line_ids, [{'amount_residual_currency': 600.0, 'amount_residual': 600.0}])
        self.assertEqual(relance.amount_claimed, 600.0)

    def test_an_unreconciled_credit_note_is_shown_and_deducted(self):
        self.invoice(1000.0)
        refund = self.env['account.move'].create(
            {
                'move_type': 'out_refund',
                'partner_id': self.client.id,
                'invoice_date': DUE - timedelta(days=3),
                'invoice_line_ids': [Command.create({'name': "Avoir", 'price_unit': 250.0, 'tax_ids': False})],
            }
        )
        refund.action_post()
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertRecordValues(
            relance.credit_line_ids, [{'move_id': refund.id, 'amount_residual_currency': -250.0, 'escalated': False}]
        )
        self.assertRecordValues(
            relance, [{'amount_invoiced': 1000.0, 'amount_credits': 250.0, 'amount_claimed': 750.0}]
        )
        self.assertIn("250,00", relance.lines_table_html.replace('.', ','))

    def test_credits_covering_everything_mean_no_relance(self):
        invoice = self.invoice(300.0)
        self.env['account.move'].create(
            {
                'move_type': 'out_refund',
                'partner_id': self.client.id,
                'invoice_date': DUE - timedelta(days=3),
                'invoice_line_ids': [Command.create({'name': "Avoir", 'price_unit': 300.0, 'tax_ids': False})],
            }
        ).action_post()
        self.assertFalse(self.run_relance(DUE + timedelta(days=1)))
        self.assertFalse(invoice.relance_level_id)

    def test_each_installment_is_chased_on_its_own_due_date(self):
        invoice = self.env['account.move'].create(
            {
                'move_type': 'out_invoice',
                'partner_id': self.client.id,
                'invoice_date': DUE,
                'invoice_payment_term_id': self.pay_terms_b.id,
                'invoice_line_ids': [Command.create({'name': "Four", 'price_unit': 1000.0, 'tax_ids': False})],
            }
        )
        invoice.action_post()
        first, second = invoice.line_ids.filtered(lambda aml: aml.display_type == 'payment_term').sorted(
            'date_maturity'
        )
        self.assertEqual((first.date_maturity, first.amount_residual), (DUE, 300.0))
        self.assertEqual(invoice.invoice_date_due, second.date_maturity, "account keeps the last due date")

        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertRecordValues(
            relance.line_ids,
            [
                {
                    'move_line_id': first.id,
                    'level_id': self.level[1].id,
                    'date_maturity': DUE,
                    'amount_residual_currency': 300.0,
                }
            ],
        )
        self.assertEqual(relance.amount_claimed, 300.0, "the 70 % not yet due is not claimed")

        later = self.run_relance(second.date_maturity + timedelta(days=1))
        self.assertRecordValues(
            later.invoice_line_ids.sorted('date_maturity'),
            [
                {'move_line_id': first.id, 'date_maturity': DUE, 'amount_residual_currency': 300.0},
                {'move_line_id': second.id, 'date_maturity': second.date_maturity, 'amount_residual_currency': 700.0},
            ],
        )
        self.assertEqual(later.level_id, self.level[10], "the second installment joins the client's file")

    def test_an_excluded_invoice_and_a_suspended_client_are_skipped(self):
        excluded = self.invoice(1000.0)
        excluded.write({'relance_excluded': True, 'relance_exclusion_reason': "Litige sur la livraison"})
        self.assertFalse(self.run_relance(DUE + timedelta(days=1)))
        other = self.invoice(500.0)
        self.client.write({'relance_suspended': True, 'relance_suspension_reason': "Redressement judiciaire"})
        self.assertFalse(self.run_relance(DUE + timedelta(days=1)))
        self.client.relance_suspended = False
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.line_ids.move_id, other)

    def test_an_invoice_with_payment_blocked_is_not_reminded(self):
        invoice = self.invoice(1000.0)
        invoice.action_toggle_block_payment()
        self.assertEqual(invoice.payment_state, 'blocked')
        self.assertFalse(self.run_relance(DUE + timedelta(days=1)))

    def test_an_invoice_without_due_date_is_chased_from_its_invoice_date(self):
        invoice = self.invoice(1000.0, invoice_date=DUE)
        receivable = invoice.line_ids.filtered(lambda aml: aml.display_type == 'payment_term')
        self.env.cr.execute("UPDATE account_move_line SET date_maturity = NULL WHERE id = %s", [receivable.id])
        receivable.invalidate_recordset(['date_maturity'])
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertRecordValues(relance.line_ids, [{'date_maturity': DUE, 'days_overdue': 1}])

    def test_a_foreign_currency_invoice_is_claimed_in_its_currency(self):
        chf = self.setup_other_currency('CHF')  # 1 company currency unit = 2 CHF since 2017
        invoice = self.invoice(1000.0, currency_id=chf.id)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertRecordValues(
            relance.line_ids,
            [
                {
                    'move_id': invoice.id,
                    'currency_id': chf.id,
                    'amount_residual_currency': 1000.0,
                    'amount_residual': 500.0,
                }
            ],
        )
        self.assertEqual(relance.amount_claimed, 500.0, "totals are in the company currency")
        self.assertEqual(relance.company_currency_id, self.company.currency_id)

    def test_the_relance_goes_to_the_relance_contact(self):
        accountant = self.env['res.partner'].create(
            {'name': "Claire Dubois", 'parent_id': self.client.id, 'email': "claire@boulangerie-martin.example"}
        )
        self.client.relance_contact_id = accountant
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.contact_id, accountant)
        self.assertEqual(self.sent_emails(relance).partner_ids, accountant)

    def test_an_invoice_of_a_contact_is_reminded_to_the_commercial_entity(self):
        employee = self.env['res.partner'].create({'name': "Jean Martin", 'parent_id': self.client.id})
        self.invoice(1000.0, partner=employee)
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.partner_id, self.client)

    def test_cancelling_a_relance_not_sent_gives_the_invoice_its_level_back(self):
        invoice = self.invoice(1000.0)
        self.level[1].auto_send = False
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.state, 'to_validate')
        self.assertFalse(invoice.relance_level_id, "a relance waiting for validation reached nobody")
        self.assertFalse(self.run_relance(DUE + timedelta(days=2)), "one pending relance, not a second one")
        relance.action_cancel()
        self.assertEqual(relance.state, 'cancelled', "cancelled relances stay in the history")
        self.assertFalse(invoice.relance_level_id)
        again = self.run_relance(DUE + timedelta(days=3))
        self.assertEqual(again.level_id, self.level[1])

    def test_the_scheduled_action_runs_the_relance_of_today_in_batches(self):
        self.invoice(1000.0)
        with freeze_time(DUE + timedelta(days=1)), self.enter_registry_test_mode():
            self.env.ref('account_relance_fr.ir_cron_daily_relance').method_direct_trigger()
        relance = self.env['account.relance'].search([('partner_id', '=', self.client.id)])
        self.assertEqual((relance.date, relance.level_id), (DUE + timedelta(days=1), self.level[1]))

    def test_a_run_that_crashes_mid_way_resumes_without_sending_twice(self):
        clients = self.env['res.partner'].create(
            [
                {'name': f"Client {i}", 'email': f"client{i}@example.com", 'relance_risk_category': 'occasional'}
                for i in range(3)
            ]
        )
        for client in clients:
            self.invoice(100.0, partner=client)
        original = relance_run.AccountRelanceRun._prepare_relances
        batches = []

        def crash_on_second_batch(model, company, on_date, rows, force=False, **kwargs):
            if rows:
                batches.append(set(rows))
                if len(batches) == 2:
                    raise ConnectionError("the mail server went away")
            return original(model, company, on_date, rows, force=force, **kwargs)

        cron = self.env.ref('account_relance_fr.ir_cron_daily_relance')
        with (
            freeze_time(DUE + timedelta(days=1)),
            self.enter_registry_test_mode(),
            patch.object(relance_run, 'BATCH_SIZE', 1),
            patch.object(relance_run.AccountRelanceRun, '_prepare_relances', crash_on_second_batch),
        ):
            cron.method_direct_trigger()
            # The crash stopped one client only: the others went on, the failure is in the run log.
            failed = self.env['account.relance.run.log'].search([('partner_id', 'in', clients.ids)])
            self.assertEqual(failed.kind, 'failure')
            self.assertIn("the mail server went away", failed.message)
            self.assertEqual(len(self.env['account.relance'].search([('partner_id', 'in', clients.ids)])), 2)
            cron.method_direct_trigger()  # run again the same day: only the client that failed
        relances = self.env['account.relance'].search([('partner_id', 'in', clients.ids)])
        self.assertEqual(sorted(relances.partner_id.ids), sorted(clients.ids), "the client that failed was redone")
        self.assertEqual(len(relances), 3, "one relance per client, none twice")
        self.assertEqual(len(relances.message_ids.filtered(lambda m: m.message_type == 'comment')), 3)

    def test_the_company_timezone_decides_what_today_is(self):
        # 23:30 UTC on 10 March is already 11 March in Paris.
        with freeze_time('2026-03-10 23:30:00'):
            self.assertEqual(self.env['account.relance.run']._company_today(self.company), date(2026, 3, 11))
