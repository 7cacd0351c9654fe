from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time('2026-11-23')
class TestRelanceCredit(RelanceCommon):
    """No new credit beyond the limit, or for a client in litigation, unless a manager says why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.client.with_company(cls.company).credit_limit = 5000.0
        cls.manager = cls.env['res.users'].create(
            {
                'name': "Claire Crédit",
                'login': "claire.credit",
                'email': "claire@example.com",
                'company_id': cls.company.id,
                'company_ids': [Command.set(cls.company.ids)],
                'group_ids': [Command.set(cls.env.ref('account_relance_fr.group_relance_manager').ids)],
            }
        )

    def draft(self, amount, user):
        """A draft invoice as ``user`` sees it on the form, Confirm button context included."""
        return self.invoice(amount, post=False).with_user(user).with_context(relance_credit_check=True)

    def test_an_invoice_over_the_credit_limit_is_blocked_for_a_user(self):
        self.invoice(4000.0)  # 4 000 € already owed
        new = self.draft(1500.0, self.salesperson)
        with self.assertRaisesRegex(UserError, "would owe 5,500.00.€, over its credit limit of 5,000.00.€"):
            new.action_post()
        self.assertEqual(new.state, 'draft', "nothing half-written")
        within = self.draft(1000.0, self.salesperson)
        within.action_post()
        self.assertEqual(within.state, 'posted', "5 000 € exactly is within the limit")

    def test_a_client_without_credit_is_told_so_in_words(self):
        """The one-cent limit stands for "no credit" (Odoo reads 0 as no limit): neither the block
        nor Odoo's banner on the draft writes "0,01 €"."""
        self.client.with_company(self.company).credit_limit = 0.01
        new = self.draft(100.0, self.salesperson)
        self.assertIn("Boulangerie Martin has no credit: payment before delivery.", new.partner_credit_warning)
        self.assertNotIn("0.01", new.partner_credit_warning)
        with self.assertRaisesRegex(UserError, "has no credit \\(payment before delivery\\) and would owe 100.00.€"):
            new.action_post()

    def test_a_user_cannot_override_through_the_context(self):
        self.invoice(4000.0)
        new = self.draft(1500.0, self.salesperson)
        with self.assertRaises(UserError):
            new.with_context(relance_credit_override=True).action_post()

    def test_a_relance_manager_posts_anyway_with_a_reason_kept_in_the_chatter(self):
        self.invoice(4000.0)
        new = self.draft(1500.0, self.manager)
        action = new.action_post()
        self.assertEqual(action['res_model'], 'account.relance.credit.override.wizard')
        self.assertEqual(new.state, 'draft')
        wizard = Form(
            self.env['account.relance.credit.override.wizard'].with_user(self.manager).with_context(**action['context'])
        )
        wizard.reason = "Acompte de 2 000 € reçu ce jour"
        wizard = wizard.save()
        self.assertIn("over its credit limit", wizard.blocking_reasons)
        wizard.action_post_anyway()
        self.assertEqual(new.state, 'posted')
        for record in (new, self.client):
            self.assertIn("Acompte de 2 000 € reçu ce jour", record.message_ids[0].body)
            self.assertIn("Claire Crédit", record.message_ids[0].body)

    def test_a_client_in_litigation_gets_no_new_invoice_on_credit(self):
        self.client.with_company(self.company).credit_limit = 0.0  # no limit...
        self.client.relance_litigation = True  # ...but in contentieux
        with self.assertRaisesRegex(UserError, "handed over to litigation"):
            self.draft(100.0, self.salesperson).action_post()
        refund = self.invoice(100.0, post=False, move_type='out_refund').with_context(relance_credit_check=True)
        refund.action_post()
        self.assertEqual(refund.state, 'posted', "a credit note is never blocked")

    def test_an_invoice_confirmed_by_an_online_payment_posts_over_the_limit(self):
        # The payment provider confirms the invoice the client just paid online: account_payment's
        # transaction post-processing calls action_post (as superuser, without the button's
        # context); a manager's session must not receive a wizard instead.
        self.invoice(4000.0)
        paid_online = self.invoice(1500.0, post=False)
        self.assertTrue(paid_online._relance_credit_blocks())
        self.assertFalse(paid_online.with_user(self.manager).sudo().action_post())
        self.assertEqual(paid_online.state, 'posted')
        self._register_payment(paid_online)
        self.assertEqual(paid_online.payment_state, self.env['account.move']._get_invoice_in_payment_state())

    def test_code_that_posts_is_never_blocked_nor_sent_to_a_wizard(self):
        self.client.relance_litigation = True
        by_module = self.invoice(100.0, post=False).with_user(self.manager)
        by_module._post(soft=False)
        self.assertEqual(by_module.state, 'posted')
        by_action = self.invoice(100.0, post=False).with_user(self.manager)
        self.assertFalse(by_action.action_post(), "no wizard outside the Confirm button")
        self.assertEqual(by_action.state, 'posted')

    def test_the_interest_invoice_of_a_schedule_posts_for_a_client_over_its_limit(self):
        # 4 000 € owed, limit 5 000 €: the collector agrees a schedule at 6 % on a new 1 200 €
        # invoice the manager posted anyway; the interest invoice is posted by the schedule.
        self.invoice(4000.0)
        invoice = self.invoice(1200.0, due=date(2026, 10, 1), invoice_date=date(2026, 9, 1), post=False)
        invoice.with_context(relance_credit_check=False).action_post()
        wizard = Form(
            self.env['account.relance.schedule.wizard']
            .with_user(self.manager)
            .with_context(active_model='account.move', active_ids=invoice.ids)
        )
        wizard.first_due_date = date(2026, 12, 23)
        wizard.installment_count = 3
        wizard.interest_mode = 'rate'
        wizard.interest_rate = 6.0
        schedule = self.env['account.relance.schedule'].browse(wizard.save().action_propose()['res_id'])
        schedule.with_user(self.manager).action_agree()
        self.assertTrue(schedule.interest_move_id)
        self.assertEqual(schedule.interest_move_id.state, 'posted')

    def test_the_suggested_limit_follows_the_category_and_the_valid_guarantees(self):
        partner = self.client.with_company(self.company)
        Guarantee = self.env['account.relance.guarantee']
        Guarantee.create(
            [
                {
                    'partner_id': self.client.id,
                    'guarantee_type': 'bank_guarantee',
                    'amount': 8000.0,
                    'guarantor': "Crédit Lyonnais",
                    'date_start': date(2026, 1, 1),
                    'date_end': date(2027, 6, 30),
                },
                {
                    'partner_id': self.client.id,
                    'guarantee_type': 'caution',
                    'amount': 2000.0,
                    'guarantor': "Jean Martin",
                    'date_start': date(2025, 1, 1),
                    'date_end': date(2026, 6, 30),
                },
            ]
        )
        self.assertEqual(partner.relance_guarantee_ids.sorted('amount').mapped('state'), ['expired', 'valid'])
        self.assertTrue(partner.relance_guarantee_expired, "the expired caution is flagged")
        self.assertEqual(partner.relance_guarantee_amount, 8000.0)
        # Occasional late payer: 10 000 € plus valid guarantees.
        self.assertEqual(partner.relance_suggested_credit_limit, 18000.0)
        partner.relance_risk_category = 'chronic'
        partner.invalidate_recordset(['relance_suggested_credit_limit'])
        self.assertEqual(partner.relance_suggested_credit_limit, 8000.0, "chronic: guarantees only")
        partner.with_user(self.manager).action_relance_apply_credit_limit()
        self.assertEqual(partner.credit_limit, 8000.0)
        self.assertIn("Credit limit set as suggested", partner.message_ids[0].body)
        partner.relance_guarantee_ids.unlink()
        partner.invalidate_recordset(['relance_suggested_credit_limit'])
        self.assertEqual(partner.relance_suggested_credit_limit, 0.01, "no guarantee: no credit at all")
        self.assertEqual(
            partner.relance_suggested_credit_text,
            "No credit: payment before delivery",
            "the one-cent limit that stands for no credit is never shown as 0,01 €",
        )
        partner.relance_risk_category = 'punctual'
        partner.invalidate_recordset(['relance_suggested_credit_limit', 'relance_suggested_credit_text'])
        self.assertEqual(partner.relance_suggested_credit_limit, 0.0, "punctual: no limit")
        self.assertEqual(partner.relance_suggested_credit_text, "No limit")

    def test_an_empty_guarantee_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "amount"):
            self.env['account.relance.guarantee'].create(
                {'partner_id': self.client.id, 'amount': 0.0, 'guarantor': "BNP"}
            )
        with self.assertRaisesRegex(ValidationError, "guarantor"):
            self.env['account.relance.guarantee'].create({'partner_id': self.client.id, 'amount': 500.0})

    def test_a_guarantee_cannot_end_before_it_starts(self):
        with self.assertRaisesRegex(ValidationError, "ends before it starts"):
            self.env['account.relance.guarantee'].create(
                {
                    'partner_id': self.client.id,
                    'amount': 1000.0,
                    'guarantor': "Jean Martin",
                    'date_start': date(2026, 5, 1),
                    'date_end': date(2026, 4, 1),
                }
            )
