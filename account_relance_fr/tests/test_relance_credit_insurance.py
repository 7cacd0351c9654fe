import base64
import io
import zipfile
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .common import DUE, RelanceCommon


@tagged('post_install', '-at_install')
@freeze_time('2026-04-20')
class TestRelanceCreditInsurance(RelanceCommon):
    """Boulangerie Martin is insured with Allianz Trade (policy AT-2026-0042: 60 days after the
    due date to declare a menace de sinistre, 30 days of prorogation, threshold 500 €, alert
    10 days ahead). It owes 1 200 € due 10 March 2026: declare by 10 March + 60 days = 9 May,
    the collector is told on 9 May - 10 days = 29 April."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurer = cls.env['res.partner'].create({'name': "Allianz Trade", 'is_company': True})
        cls.policy = cls.env['account.relance.credit.policy'].create(
            {
                'name': "AT-2026-0042",
                'insurer_id': cls.insurer.id,
                'max_credit_days': 60,
                'declaration_days': 60,
                'prorogation_days': 30,
                'declaration_threshold': 500.0,
                'alert_days': 10,
            }
        )
        cls.cover = cls.env['account.relance.credit.cover'].create(
            {
                'policy_id': cls.policy.id,
                'partner_id': cls.client.id,
                'agreed_limit': 20000.0,
                'date_start': date(2026, 1, 1),
            }
        )
        cls.client.with_company(cls.company).credit_limit = 15000.0
        cls.inv = cls.invoice(1200.0)
        cls.Cover = cls.env['account.relance.credit.cover']

    def check(self, day):
        return self.Cover._check_declaration_deadlines(self.company, day)

    def test_a_covered_client_gets_the_declaration_deadline_and_one_activity_ahead(self):
        self.assertFalse(self.check(date(2026, 4, 20)), "29 April has not come: not approaching yet")
        self.assertRecordValues(
            self.cover,
            [
                {
                    'oldest_due_date': DUE,
                    'amount_overdue': 1200.0,
                    'declaration_deadline': date(2026, 5, 9),
                    'alert_date': date(2026, 4, 29),
                }
            ],
        )
        self.assertRecordValues(
            self.cover.activity_ids,
            [
                {
                    'date_deadline': date(2026, 4, 29),
                    'summary': "Declare the menace de sinistre to Allianz Trade by 2026-05-09 (policy AT-2026-0042)",
                }
            ],
        )
        # The next days: the same activity, and the client listed from 29 April.
        self.assertFalse(self.check(date(2026, 4, 28)))
        self.assertEqual(self.check(date(2026, 4, 29)), self.cover)
        self.assertEqual(len(self.cover.activity_ids), 1)
        self.assertEqual(
            self.Cover.search([('alert_date', '<=', date(2026, 4, 29)), ('declared', '=', False)]), self.cover
        )
        # A prorogation asked: 9 May + 30 days = 8 June, told on 29 May; the activity moves.
        self.cover.prorogation = True
        self.check(date(2026, 4, 30))
        self.assertEqual(self.cover.declaration_deadline, date(2026, 6, 8))
        self.assertRecordValues(
            self.cover.activity_ids,
            [
                {
                    'date_deadline': date(2026, 5, 29),
                    'summary': "Declare the menace de sinistre to Allianz Trade by 2026-06-08 (policy AT-2026-0042)",
                }
            ],
        )

    def test_credit_beyond_the_policys_maximum_is_not_counted(self):
        # 800 € invoiced on 1 January, due 10 April: 99 days of credit, over the policy's 60.
        self.invoice(800.0, due=date(2026, 4, 10), invoice_date=date(2026, 1, 1))
        self.check(date(2026, 4, 20))
        self.assertRecordValues(
            self.cover,
            [
                {
                    'amount_overdue': 1200.0,
                    'amount_uncovered': 800.0,
                    'oldest_due_date': DUE,
                    'declaration_deadline': date(2026, 5, 9),
                }
            ],
        )

    def test_the_scheduled_action_gives_the_activity_once(self):
        cron = self.env.ref('account_relance_fr.ir_cron_relance_credit_insurance')
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
            cron.method_direct_trigger()
        self.assertEqual(self.cover.declaration_deadline, date(2026, 5, 9))
        self.assertEqual(self.cover.activity_ids.mapped('date_deadline'), [date(2026, 4, 29)])

    def test_under_the_threshold_nothing_is_to_declare(self):
        small = self.env['res.partner'].create({'name': "Épicerie Durand", 'is_company': True})
        cover = self.Cover.create({'policy_id': self.policy.id, 'partner_id': small.id, 'date_start': date(2026, 1, 1)})
        self.invoice(300.0, partner=small)
        self.check(date(2026, 4, 29))
        self.assertRecordValues(cover, [{'amount_overdue': 300.0, 'declaration_deadline': False}])
        self.assertFalse(cover.activity_ids)

    def test_a_declaration_stops_the_credit_until_settled(self):
        self.check(date(2026, 4, 29))
        action = self.cover.action_declare()
        form = Form(self.env[action['res_model']].with_context(**action['context']))
        self.assertEqual(form.amount, 1200.0)
        form.date = date(2026, 5, 5)
        form.reference = "SIN-778"
        declaration = form.save()
        client = self.client.with_company(self.company)
        self.assertEqual(client.credit_limit, 0.01, "no credit: Odoo reads 0 as no limit")
        self.assertEqual(
            client._relance_credit_words(client.credit_limit, self.company.currency_id),
            "No credit: payment before delivery",
        )
        self.assertIn("Menace de sinistre declared to Allianz Trade on 2026-05-05", self.client.message_ids[0].body)
        self.assertFalse(self.cover.activity_ids, "the reminder is done")
        self.assertTrue(self.cover.declared)
        # A new invoice on credit: refused to an invoicing user, a manager may post with a reason.
        new = self.invoice(100.0, post=False)
        with self.assertRaisesRegex(UserError, "declared to Allianz Trade on 2026-05-05"):
            new.with_user(self.salesperson).with_context(relance_credit_check=True).action_post()
        override = new.with_context(relance_credit_check=True).action_post()
        self.assertEqual(override['res_model'], 'account.relance.credit.override.wizard')
        # The litigation file lists the declaration.
        self.env['account.relance.litigation.file']._action_download(self.client)
        dossier = self.env['account.relance.litigation.file'].search([], order='id desc', limit=1)
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(dossier.with_context(bin_size=False).zip_file)))
        self.assertEqual(
            archive.read("Declarations_assurance_credit.txt").decode(),
            "05/05/2026 : menace de sinistre déclarée à Allianz Trade (police AT-2026-0042), 1200.00 EUR, "
            "référence SIN-778",
        )
        # Settled: the credit limit of before comes back.
        declaration.action_settle()
        self.assertEqual(client.credit_limit, 15000.0)
        self.assertFalse(self.cover.declared)

    def test_a_dispute_on_a_covered_client_warns_it_is_not_covered(self):
        wizard = Form(
            self.env['account.relance.dispute.wizard'].with_context(
                active_model='account.move', active_ids=self.inv.ids
            )
        )
        expected = (
            f"{self.inv.display_name} is disputed: a disputed claim is not covered by the credit insurance of "
            "Allianz Trade (policy AT-2026-0042). Settle the dispute before declaring it."
        )
        self.assertEqual(wizard.insurance_warning, expected)
        wizard.reason = "Livraison incomplète"
        wizard.save().action_apply()
        self.assertIn("a disputed claim is not covered", self.client.message_ids[0].body)
        # The disputed invoice no longer counts towards the declaration.
        self.check(date(2026, 4, 29))
        self.assertRecordValues(self.cover, [{'amount_overdue': 0.0, 'declaration_deadline': False}])

    def test_a_client_without_cover_gets_no_warning(self):
        self.cover.date_end = date(2026, 3, 31)
        self.assertFalse(self.inv._relance_dispute_cover_warning())

    def test_policies_are_the_managers_and_stay_in_their_company(self):
        user = self.env['res.users'].create(
            {
                'name': "Léa Relance",
                'login': "lea.relance",
                'company_id': self.company.id,
                'company_ids': [Command.set(self.company.ids)],
                'group_ids': [Command.set(self.env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        Policy = self.env['account.relance.credit.policy'].with_user(user)
        self.assertEqual(Policy.search([]), self.policy, "a relance user reads the policies")
        with self.assertRaises(AccessError):
            Policy.create({'name': "X", 'insurer_id': self.insurer.id, 'declaration_days': 30})
        other = self.setup_other_company()['company']
        outsider = self.env['res.users'].create(
            {
                'name': "Autre",
                'login': "autre.assurance",
                'company_id': other.id,
                'company_ids': [Command.set(other.ids)],
                'group_ids': [Command.set(self.env.ref('account_relance_fr.group_relance_manager').ids)],
            }
        )
        self.assertFalse(self.env['account.relance.credit.policy'].with_user(outsider).search([]))
        self.assertFalse(self.env['account.relance.credit.cover'].with_user(outsider).search([]))
