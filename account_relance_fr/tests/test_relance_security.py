from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
class TestRelanceSecurity(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.relance_user = new_test_user(
            cls.env,
            login="relance.user",
            groups="account_relance_fr.group_relance_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.relance_manager = new_test_user(
            cls.env,
            login="relance.manager",
            groups="account_relance_fr.group_relance_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.invoicing_user = new_test_user(
            cls.env,
            login="invoicing.only",
            groups="account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )

    def test_a_relance_user_sees_and_validates_relances_but_configures_nothing(self):
        self.invoice(1000.0)
        self.level[1].auto_send = False
        relance = self.run_relance(DUE + timedelta(days=1))
        as_user = relance.with_user(self.relance_user)
        self.assertEqual(as_user.state, 'to_validate')
        as_user.action_send()
        self.assertEqual(relance.state, 'sent')
        self.assertEqual(relance.validated_by_id, self.relance_user)
        with self.assertRaises(AccessError):
            self.level[1].with_user(self.relance_user).delay = 2
        with self.assertRaises(AccessError):
            self.env['account.relance.run.wizard'].with_user(self.relance_user).create({})

    def test_a_relance_manager_configures_levels_and_runs_the_relance(self):
        self.level[10].with_user(self.relance_manager).delay = 12
        self.assertEqual(self.level[10].delay, 12)
        self.invoice(1000.0)
        wizard = (
            self.env['account.relance.run.wizard']
            .with_user(self.relance_manager)
            .create({'date': DUE + timedelta(days=1), 'company_ids': [Command.set(self.company.ids)]})
        )
        self.assertTrue(self.env['account.relance'].search(wizard.action_run()['domain']))

    def test_an_invoicing_user_reads_relances_but_cannot_send_them(self):
        self.invoice(1000.0)
        self.level[1].auto_send = False
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.with_user(self.invoicing_user).state, 'to_validate')
        with self.assertRaises(AccessError):
            relance.with_user(self.invoicing_user).action_send()

    def test_relances_of_another_company_are_invisible(self):
        self.invoice(1000.0)
        relance = self.run_relance(DUE + timedelta(days=1))
        other_company = self.setup_other_company()['company']
        outsider = new_test_user(
            self.env,
            login="outsider",
            groups="account_relance_fr.group_relance_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        Relance = self.env['account.relance'].with_user(outsider)
        self.assertFalse(Relance.search([('id', '=', relance.id)]))
        self.assertFalse(self.env['account.relance.line'].with_user(outsider).search([('relance_id', '=', relance.id)]))
        self.assertFalse(
            self.env['account.relance.level'].with_user(outsider).search([('company_id', '=', self.company.id)])
        )
        with self.assertRaises(AccessError):
            relance.with_user(outsider).name  # noqa: B018 - reading the field is the test

    def test_scenarios_and_guarantees_of_another_company_are_invisible(self):
        guarantee = self.env['account.relance.guarantee'].create(
            {'partner_id': self.client.id, 'amount': 5000.0, 'guarantee_type': 'bank_guarantee', 'guarantor': "BNP"}
        )
        other_company = self.setup_other_company()['company']
        outsider = new_test_user(
            self.env,
            login="outsider2",
            groups="account_relance_fr.group_relance_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        self.assertFalse(self.env['account.relance.guarantee'].with_user(outsider).search([('id', '=', guarantee.id)]))
        self.assertFalse(
            self.env['account.relance.scenario'].with_user(outsider).search([('company_id', '=', self.company.id)])
        )
        self.assertEqual(len(self.env['account.relance.scenario'].with_user(outsider).search([])), 3)

    def test_only_a_manager_forces_a_risk_category_or_edits_a_scenario(self):
        with self.assertRaises(AccessError):
            self.env['account.relance.risk.force.wizard'].with_user(self.relance_user).create(
                {'partner_id': self.client.id, 'risk_category': 'chronic', 'reason': "Essai"}
            )
        with self.assertRaises(AccessError):
            self.scenario.with_user(self.relance_user).litigation_delay = 30
        self.scenario.with_user(self.relance_manager).litigation_delay = 70
        self.assertEqual(self.scenario.litigation_delay, 70)
