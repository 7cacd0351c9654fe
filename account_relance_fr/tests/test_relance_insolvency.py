from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import RelanceCommon

DUE_A = date(2024, 2, 15)
JUDGMENT = date(2024, 3, 16)
PUBLICATION = date(2024, 3, 26)
FOUND = date(2024, 4, 1)  # the day the collector learns of it


@tagged('post_install', '-at_install')
class TestRelanceInsolvency(RelanceCommon):
    """A client placed in redressement judiciaire half-way through its relances."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A creditor in Lyon: two months to declare.
        cls.company.write({'country_id': cls.env.ref('base.fr').id, 'zip': "69003", 'city': "Lyon"})
        cls.mandataire = cls.env['res.partner'].create(
            {
                'name': "SELARL Mandataires Associés",
                'is_company': True,
                'street': "4 quai de Bondy",
                'zip': "69005",
                'city': "Lyon",
                'country_id': cls.env.ref('base.fr').id,
            }
        )

    def open_procedure(self, kind='redressement', **values):
        return (
            self.env['account.relance.insolvency']
            .with_context(relance_date=FOUND)
            .create(
                {
                    'partner_id': self.client.id,
                    'company_id': self.company.id,
                    'kind': kind,
                    'judgment_date': JUDGMENT,
                    'publication_date': PUBLICATION,
                    'court': "Tribunal des activités économiques de Lyon",
                    'mandataire_id': self.mandataire.id,
                    **values,
                }
            )
        )

    def test_a_redressement_stops_the_old_claims_and_lets_the_new_ones_be_chased(self):
        # 10 000 € issued 16 January 2024, due 15 February: reminded every day from 16 February
        # until the J+45 last reminder of 31 March waits for validation.
        old = self.invoice(10000.0, due=DUE_A, invoice_date=date(2024, 1, 16))
        self.run_days(DUE_A + timedelta(days=1), DUE_A + timedelta(days=45))
        file = self.env['account.relance.file'].search([('partner_id', '=', self.client.id)])
        pending = file.pending_relance_id
        self.assertEqual(pending.state, 'to_validate')
        self.assertIn(old, pending.line_ids.move_id)

        procedure = self.open_procedure()
        self.assertEqual(pending.state, 'cancelled')
        self.assertIn("redressement", pending.cancel_reason.lower())
        self.assertIn("Redressement judiciaire", pending.message_ids[0].body)
        self.assertRecordValues(file, [{'state': 'closed', 'close_reason': 'insolvency', 'closed_on': FOUND}])

        # No relance, no mise en demeure for the claim born before the judgment.
        self.assertFalse(self.run_days(FOUND + timedelta(days=1), FOUND + timedelta(days=40)))
        self.assertFalse(old.with_context(relance_date=FOUND + timedelta(days=40)).relance_next_date)

        # Penalties stop at the judgment: 16 February to 16 March 2024, 30 days at 14.50 %:
        # 10 000 x 0.145 x 30 / 365 = 119.178 -> 119.18 €, and the 40 € indemnity stays, however
        # late the claim is read (without the judgment: 75 days on 30 April, 297.95 €).
        self.assertRecordValues(
            old.with_context(relance_date=date(2024, 4, 30)),
            [{'relance_penalty_amount': 119.18, 'relance_indemnity_amount': 40.0}],
        )

        # An invoice born after the judgment is paid at its due date (L622-17): chased in a new file.
        new = self.invoice(800.0, due=date(2024, 4, 19), invoice_date=date(2024, 3, 20))
        relance = self.run_relance(date(2024, 4, 20))
        self.assertTrue(relance)
        self.assertEqual(relance.line_ids.move_id, new)
        self.assertNotEqual(relance.file_id, file)
        self.assertIn("Procédure collective", relance.file_id.flags_label)
        self.assertEqual(procedure.declaration_deadline, date(2024, 5, 26))
        self.assertTrue(self.client.with_company(self.company).relance_in_insolvency)

    def test_deadline_activities_are_scheduled_once_and_follow_the_publication(self):
        self.company.relance_retention_of_title = True
        procedure = self.open_procedure()
        # Publication 26 March 2024 + 2 months = 26 May; the activity three weeks before
        # (5 May), the reminder a week before (19 May); revendication by 26 June (L624-9).
        self.assertRecordValues(
            procedure,
            [
                {
                    'declaration_deadline': date(2024, 5, 26),
                    'forclusion_relief_deadline': date(2024, 9, 26),
                    'revendication_deadline': date(2024, 6, 26),
                }
            ],
        )
        deadlines = sorted(procedure.activity_ids.mapped('date_deadline'))
        self.assertEqual(deadlines, [date(2024, 5, 5), date(2024, 5, 19), date(2024, 6, 19)])
        self.assertIn("réserve de propriété", " ".join(procedure.activity_ids.mapped('summary')))
        procedure._schedule_deadline_activities()
        self.assertEqual(len(procedure.activity_ids), 3, "idempotent")
        # A creditor outside metropolitan France has four months: the activities move.
        procedure.creditor_abroad = True
        self.assertEqual(procedure.declaration_deadline, date(2024, 7, 26))
        self.assertEqual(
            sorted(procedure.activity_ids.mapped('date_deadline')),
            [date(2024, 6, 19), date(2024, 7, 5), date(2024, 7, 19)],
        )

    def test_past_the_deadline_the_claim_is_forclosed(self):
        procedure = self.open_procedure()
        on_time = procedure.with_context(relance_date=date(2024, 5, 26))
        self.assertEqual(on_time.declaration_state, 'to_declare')
        late = procedure.with_context(relance_date=date(2024, 5, 27))
        self.assertEqual(late.declaration_state, 'forclosed')
        self.assertIn("relevé de forclusion", late.declaration_warning)
        self.assertIn("2024-09-26", late.declaration_warning)

    def test_a_conversion_to_liquidation_is_the_same_procedure(self):
        procedure = self.open_procedure()
        self.assertEqual(procedure.stage, 'observation')
        procedure.event_ids = [
            Command.create({'kind': 'conversion', 'date': date(2024, 6, 12), 'publication_date': date(2024, 6, 22)})
        ]
        self.assertEqual(procedure.stage, 'liquidation')
        self.assertEqual(procedure.kind, 'redressement', "the opening judgment stays what it was")
        self.assertEqual(self.env['account.relance.insolvency'].search_count([('partner_id', '=', self.client.id)]), 1)

    def test_a_client_in_liquidation_gets_no_new_invoice_and_a_manager_may_override(self):
        self.open_procedure(kind='liquidation')
        draft = self.invoice(500.0, post=False).with_user(self.salesperson).with_context(relance_credit_check=True)
        with self.assertRaisesRegex(UserError, "liquidation judiciaire"):
            draft.action_post()
        self.assertEqual(draft.state, 'draft')
        manager = self.env['res.users'].create(
            {
                'name': "Claire Crédit",
                'login': "claire.credit.insolvency",
                'company_id': self.company.id,
                'company_ids': [Command.set(self.company.ids)],
                'group_ids': [Command.set(self.env.ref('account_relance_fr.group_relance_manager').ids)],
            }
        )
        action = draft.with_user(manager).action_post()
        wizard = Form(
            self.env['account.relance.credit.override.wizard'].with_user(manager).with_context(**action['context'])
        )
        wizard.reason = "Commande du liquidateur pour la poursuite d'activité, payée comptant"
        wizard = wizard.save()
        self.assertIn("liquidation judiciaire", wizard.blocking_reasons)
        wizard.action_post_anyway()
        self.assertEqual(draft.state, 'posted')
        self.assertIn("payée comptant", draft.message_ids[0].body)

    def test_the_aged_balance_and_kpis_report_the_claims_under_procedure_apart(self):
        # 10 000 € issued 16 January 2024, due 15 February; 800 € issued after the judgment.
        old = self.invoice(10000.0, due=DUE_A, invoice_date=date(2024, 1, 16))
        new = self.invoice(800.0, due=date(2024, 4, 19), invoice_date=date(2024, 3, 20))
        self.open_procedure()

        def aged_balance(on_date):
            form = Form(self.env['account.relance.aged.balance'])
            form.date = on_date
            report = form.save()
            report.action_show()
            return {line.move_id: line for line in report.line_ids}

        # On 1 March 2024, before the judgment, the 10 000 € are 15 days overdue (1-30 days).
        before = aged_balance(date(2024, 3, 1))
        self.assertRecordValues(before[old], [{'bucket': 'b1', 'amount_b1': 10000.0, 'amount_insolvency': 0.0}])
        # On 30 April 2024 they are a claim of the redressement, apart; the 800 €, due 19 April,
        # are 11 days overdue in the ordinary sense. The total is still the receivable: 10 800 €.
        after = aged_balance(date(2024, 4, 30))
        self.assertRecordValues(
            after[old],
            [{'bucket': 'insolvency', 'amount_b1': 0.0, 'amount_b3': 0.0, 'amount_insolvency': 10000.0}],
        )
        self.assertRecordValues(after[new], [{'bucket': 'b1', 'amount_b1': 800.0, 'amount_insolvency': 0.0}])
        self.assertEqual(sum(line.amount for line in after.values()), 10800.0)

        # KPIs: the backlog of 1 March is ordinary overdue; that of 1 April is under procedure.
        form = Form(self.env['account.relance.kpi.report'])
        form.date_from, form.date_to = date(2024, 3, 1), date(2024, 4, 30)
        report = form.save()
        report.action_show()
        months = {line.month: line for line in report.line_ids if line.risk_category == 'occasional'}
        self.assertRecordValues(
            months[date(2024, 3, 1)], [{'overdue_at_start': 10000.0, 'under_procedure_at_start': 0.0}]
        )
        self.assertRecordValues(
            months[date(2024, 4, 1)], [{'overdue_at_start': 0.0, 'under_procedure_at_start': 10000.0}]
        )
