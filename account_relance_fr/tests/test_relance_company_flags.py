import importlib.util
from datetime import date, timedelta
from pathlib import Path

from odoo.tests import freeze_time, tagged

from .common import DUE, RelanceCommon

MIGRATIONS = Path(__file__).parent.parent / 'migrations'


def load_migration(version='19.0.1.1.0'):
    spec = importlib.util.spec_from_file_location(
        'relance_migration_' + version.replace('.', '_'), MIGRATIONS / version / 'pre-migrate.py'
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged('post_install', '-at_install')
class TestRelanceCompanyFlags(RelanceCommon):
    """A client shared by two companies of a group: what one company decides about it
    (suspension, litigation, contract rate) does not apply in the other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.setup_other_company()['company']
        cls.env.user.company_ids |= cls.other

    def test_litigation_in_one_company_neither_stops_relances_nor_blocks_invoicing_in_the_other(self):
        self.client.with_company(self.other).write(
            {'relance_litigation': True, 'relance_litigation_date': date(2026, 3, 1)}
        )
        self.assertTrue(self.client.with_company(self.other).relance_litigation)
        self.assertFalse(self.client.with_company(self.company).relance_litigation)
        invoice = self.invoice(1000.0, post=False).with_context(relance_credit_check=True)
        invoice.action_post()
        self.assertEqual(invoice.state, 'posted', "company A still invoices the client")
        relance = self.run_relance(DUE + timedelta(days=1))
        self.assertEqual(relance.partner_id, self.client, "and still reminds it")

    def test_suspension_is_per_company(self):
        self.invoice(1000.0)
        self.client.with_company(self.company).relance_suspended = True
        self.assertFalse(self.run_relance(DUE + timedelta(days=1)))
        self.assertFalse(self.client.with_company(self.other).relance_suspended)

    @freeze_time(DUE)
    def test_the_contract_rate_is_per_company(self):
        self.client.with_company(self.company).relance_contract_rate = 15.0
        self.assertEqual(self.client.with_company(self.other).relance_contract_rate, 0.0)

    def test_the_migration_keeps_values_for_the_clients_companies(self):
        cr = self.env.cr
        cr.execute("""
            CREATE TEMP TABLE relance_mig_company (id int);
            INSERT INTO relance_mig_company VALUES (1), (2);
            CREATE TEMP TABLE relance_mig_partner (
                id int, company_id int, relance_suspended boolean, relance_contract_rate float8,
                relance_litigation_date date);
            INSERT INTO relance_mig_partner VALUES
                (10, NULL, true, 12.5, '2026-03-01'),   -- shared client: every company
                (11, 2, true, 0, NULL),                 -- client of company 2 only
                (12, NULL, false, NULL, NULL);          -- nothing set: stays empty
        """)
        migration = load_migration()
        for column, keep in migration.COLUMNS.items():
            if column in ('relance_suspended', 'relance_contract_rate', 'relance_litigation_date'):
                migration.to_company_dependent(
                    cr, 'relance_mig_partner', column, keep, companies_table='relance_mig_company'
                )
        cr.execute(
            "SELECT id, relance_suspended, relance_contract_rate, relance_litigation_date"
            " FROM relance_mig_partner ORDER BY id"
        )
        self.assertEqual(
            cr.fetchall(),
            [
                (10, {'1': True, '2': True}, {'1': 12.5, '2': 12.5}, {'1': '2026-03-01', '2': '2026-03-01'}),
                (11, {'2': True}, None, None),
                (12, None, None, None),
            ],
        )
        # Run twice (an upgrade restarted): nothing changes.
        migration.to_company_dependent(
            cr, 'relance_mig_partner', 'relance_suspended', 'true', companies_table='relance_mig_company'
        )
        cr.execute("SELECT relance_suspended FROM relance_mig_partner WHERE id = 11")
        self.assertEqual(cr.fetchone()[0], {'2': True})

    def test_the_consumer_flag_is_per_company(self):
        """An individual bought as a consumer from company A and as a sole trader from company B:
        each company decides, and each one's penalties and letters follow its own choice."""
        person = self.env['res.partner'].create({'name': "Jeanne Petit", 'email': 'jeanne@example.com'})
        self.assertTrue(person.with_company(self.company).relance_is_consumer, "default rule: a consumer")
        self.assertTrue(person.with_company(self.other).relance_is_consumer)
        person.with_company(self.other).relance_is_consumer = False
        self.assertEqual(person.with_company(self.other).relance_consumer_choice, 'professional')
        self.assertFalse(person.with_company(self.other).relance_is_consumer)
        self.assertTrue(person.with_company(self.company).relance_is_consumer, "company A keeps the default")
        invoice = self.invoice(1000.0, partner=person)
        penalties = invoice._relance_penalties(DUE + timedelta(days=30))[invoice]
        self.assertEqual(penalties['kind'], 'legal_interest', "company A claims legal interest, no indemnity")
        self.assertEqual(penalties['indemnity'], 0.0)
        relance = self.run_relance(DUE + timedelta(days=40), partners=person)
        self.assertTrue(relance.partner_is_consumer)
        # Clearing the choice of B brings back the default rule there.
        person.with_company(self.other).relance_consumer_choice = False
        self.assertTrue(person.with_company(self.other).relance_is_consumer)

    def test_the_migration_keeps_the_consumer_flags_a_person_changed(self):
        cr = self.env.cr
        cr.execute("""
            CREATE TEMP TABLE relance_mig_company (id int);
            INSERT INTO relance_mig_company VALUES (1), (2);
            CREATE TEMP TABLE relance_mig_partner (
                id int, company_id int, is_company boolean, parent_id int, company_registry varchar,
                vat varchar, relance_is_consumer boolean);
            INSERT INTO relance_mig_partner VALUES
                (10, NULL, false, NULL, NULL, NULL, true),        -- individual, default: no choice
                (11, NULL, false, NULL, NULL, NULL, false),       -- individual made professional
                (12, 2, true, NULL, NULL, NULL, true),            -- company made consumer, in company 2
                (13, NULL, true, NULL, NULL, 'FR1', false);       -- company, default: no choice
        """)
        migration = load_migration('19.0.1.2.0')
        migration.consumer_flag_to_choice(cr, 'relance_mig_partner', 'relance_mig_company')
        cr.execute("SELECT id, relance_consumer_choice FROM relance_mig_partner ORDER BY id")
        self.assertEqual(
            cr.fetchall(),
            [(10, None), (11, {'1': 'professional', '2': 'professional'}), (12, {'2': 'consumer'}), (13, None)],
        )
        cr.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = 'relance_mig_partner' AND column_name = 'relance_is_consumer'"
        )
        self.assertFalse(cr.fetchone(), "the shared column is gone")
        migration.consumer_flag_to_choice(cr, 'relance_mig_partner', 'relance_mig_company')  # idempotent
