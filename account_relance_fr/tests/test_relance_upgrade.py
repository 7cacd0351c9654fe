"""An upgrade from the first released version (19.0.1.0.0), which kept no relance file.

Each test builds the data as that version left it: relances and their lines, no relance file,
no ``file_id`` on the relances, and levels that belonged to the company rather than to a
scenario. It then runs the migration that rebuilds the files, and the daily runs of the days
after the upgrade, and reads what each client received, in order.
"""

import importlib.util
from datetime import timedelta
from pathlib import Path

from odoo.tests import tagged

from .common import DUE, RelanceCommon

MIGRATION = Path(__file__).parent.parent / 'migrations' / '19.0.1.10.0' / 'post-migrate.py'


def load_migration():
    spec = importlib.util.spec_from_file_location('relance_migration_19_0_1_10_0', MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def days(n):
    return DUE + timedelta(days=n)


@tagged('post_install', '-at_install')
class TestRelanceUpgrade(RelanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.migration = load_migration()
        cls.Relance = cls.env['account.relance']
        cls.File = cls.env['account.relance.file']

    def as_first_release(self):
        """Put the company's data in the shape of the first released version: no relance
        file, and the levels of the standard scenario owned by the company alone (the other
        scenarios did not exist)."""
        company = self.company.id
        self.env.flush_all()
        self.env.cr.execute(
            """
            ALTER TABLE account_relance_level ALTER COLUMN scenario_id DROP NOT NULL;
            UPDATE account_relance SET file_id = NULL WHERE company_id = %(company)s;
            DELETE FROM account_relance_file WHERE company_id = %(company)s;
            UPDATE account_relance_level SET scenario_id = NULL WHERE scenario_id = %(standard)s;
            DELETE FROM account_relance_scenario WHERE company_id = %(company)s;
            """,
            {'company': company, 'standard': self.scenario.id},
        )
        self.env.invalidate_all()

    def upgrade(self):
        self.as_first_release()
        self.migration.migrate(self.env.cr, '19.0.1.0.0')
        self.env.invalidate_all()

    def test_a_client_last_reminded_cordially_gets_the_second_reminder_then_each_step_in_turn(self):
        """The baker received the cordial reminder the day after the due date, then the
        company upgraded. 35 days late, a new file would start at the severe reminder; the
        file rebuilt from the history goes on with the second reminder, then the call, the
        severe reminder and the last reminder, each on its own date."""
        self.invoice(1000.0)
        cordial = self.run_relance(days(1))
        self.assertEqual((cordial.level_id, cordial.state), (self.level[1], 'sent'))
        self.upgrade()

        file = self.File.search([('partner_id', '=', self.client.id)])
        self.assertEqual(file.state, 'open')
        self.assertEqual(file.level_id, self.level[1], "the file stands where the history left it")
        self.assertEqual(file.last_relance_date, days(1))
        self.assertTrue(file.written_sent)
        self.assertEqual(file.level_id.scenario_id.risk_category, 'occasional', "the levels found their scenario")

        after = self.run_days(days(35), days(75))
        # Second reminder today: 10 days after the due date and 9 after the cordial one are
        # both past. Then each step keeps the spacing of the scenario from the one before:
        # call 10 days after the second reminder (delays 20 - 10), severe reminder 10 days
        # after the call (30 - 20), last reminder 15 days after that (45 - 30), waiting for
        # validation.
        self.assertEqual(
            [(r.date, r.level_id, r.state) for r in after.sorted(lambda r: (r.date, r.id))],
            [
                (days(35), self.level[10], 'sent'),
                (days(45), self.level[20], 'sent'),
                (days(55), self.level[30], 'sent'),
                (days(70), self.level[45], 'to_validate'),
            ],
        )
        self.assertEqual(after.file_id, file, "one file, continued")
        second = after.filtered(lambda r: r.level_id == self.level[10])
        self.assertEqual(self.sent_emails(second).partner_ids, self.client, "the client read the second reminder")

    def test_the_rebuilt_file_holds_the_history_and_the_relance_waiting_for_validation(self):
        self.invoice(1000.0)
        self.run_days(days(1), days(45))  # cordial, second, call, severe; the last one waits
        history = self.Relance.search([('partner_id', '=', self.client.id)], order='date, id')
        self.assertEqual(history.mapped('state'), ['sent'] * 4 + ['to_validate'])
        self.upgrade()
        file = self.File.search([('partner_id', '=', self.client.id)])
        self.assertEqual(file.relance_ids, history)
        self.assertEqual(file.opened_on, days(1))
        self.assertEqual(file.level_id, self.level[30])
        self.assertEqual(file.pending_relance_id, history[-1])
        self.assertIn("rebuilt at the upgrade", file.message_ids[:1].body)

    def test_running_the_migration_again_changes_nothing(self):
        self.invoice(1000.0)
        self.run_relance(days(1))
        self.upgrade()
        file = self.File.search([('partner_id', '=', self.client.id)])
        self.migration.migrate(self.env.cr, '19.0.1.0.0')
        self.env.invalidate_all()
        self.assertEqual(self.File.search([('partner_id', '=', self.client.id)]), file)
        self.assertEqual(file.relance_ids, self.Relance.search([('partner_id', '=', self.client.id)]))

    def test_a_client_whose_reminded_invoices_were_paid_starts_its_next_lateness_at_the_first_reminder(self):
        paid = self.invoice(1000.0)
        self.run_days(days(1), days(10))  # cordial and second reminder
        self._register_payment(paid, payment_date=days(12))
        self.upgrade()
        self.assertFalse(self.File.search([('partner_id', '=', self.client.id)]), "nothing left to continue")
        self.invoice(500.0, due=days(60))
        first = self.run_relance(days(61))
        self.assertEqual(first.level_id, self.level[1])

    def test_a_client_that_already_has_a_file_is_left_alone(self):
        self.invoice(1000.0)
        cordial = self.run_relance(days(1))
        file = cordial.file_id
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE account_relance SET file_id = NULL WHERE id = %s",
            [cordial.id],
        )
        self.env.invalidate_all()
        created = self.migration.rebuild_files(self.env)
        self.assertFalse(created)
        self.assertFalse(cordial.file_id, "a client with a file keeps the file it has")
        self.assertEqual(self.File.search([('partner_id', '=', self.client.id)]), file)

    def test_a_first_level_at_the_delay_of_a_level_of_the_standard_scenario_is_archived(self):
        """The main company's scenarios come from the module's data at the upgrade: a level
        the data added at a delay the company's own levels already used is not doubled."""
        extra = self.level[60].copy({'name': "Mise en demeure (the company's own)", 'delay': 61})
        self.env.flush_all()
        self.env.cr.execute(
            "ALTER TABLE account_relance_level ALTER COLUMN scenario_id DROP NOT NULL;"
            " UPDATE account_relance_level SET scenario_id = NULL, delay = 60 WHERE id = %s",
            [extra.id],
        )
        self.env.invalidate_all()
        self.migration.attach_levels_to_scenarios(self.env)
        self.assertEqual(extra.scenario_id, self.scenario)
        self.assertFalse(extra.active)
        self.assertEqual(self.scenario.level_ids.filtered('active').mapped('delay'), [-5, 1, 10, 20, 30, 45, 60])
