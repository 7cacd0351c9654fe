"""The consumer flag of a client becomes a choice of each company.

``relance_is_consumer`` was a stored column of res_partner shared by every company, computed
by a default rule (an individual without SIRET nor VAT number is a consumer) that a person
could override. It is now computed in each company from that rule and the company's own
choice, kept in the company-dependent ``relance_consumer_choice``. Only the values a person
had changed (those that differ from the default rule) become a choice: of the client's own
company when it has one, else of every company, so that nothing changes the day of the
upgrade. The old column is then dropped (the field is no longer stored).

The rows of the aged balance moved to a table without foreign keys: the table that held them
(transient rows, recomputed at each request) is dropped.
"""

from odoo.tools import SQL

DEFAULT_RULE = """NOT (COALESCE(partner.is_company, FALSE) OR partner.parent_id IS NOT NULL
                  OR COALESCE(partner.company_registry, '') != '' OR COALESCE(partner.vat, '') != '')"""


def column_exists(cr, table, column):
    cr.execute(
        SQL("SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s", table, column)
    )
    return bool(cr.fetchone())


def consumer_flag_to_choice(cr, table='res_partner', companies_table='res_company'):
    """Move the overridden values of ``table.relance_is_consumer`` into the company-dependent
    ``relance_consumer_choice`` (idempotent)."""
    if not column_exists(cr, table, 'relance_is_consumer'):
        return
    if not column_exists(cr, table, 'relance_consumer_choice'):
        cr.execute(SQL("ALTER TABLE %s ADD COLUMN relance_consumer_choice jsonb", SQL.identifier(table)))
    cr.execute(
        SQL(
            """
        UPDATE %(table)s AS partner
           SET relance_consumer_choice = (
                SELECT jsonb_object_agg(company.id::text, CASE WHEN partner.relance_is_consumer
                                                               THEN 'consumer' ELSE 'professional' END)
                  FROM %(companies)s AS company
                 WHERE partner.company_id IS NULL OR company.id = partner.company_id)
         WHERE partner.relance_is_consumer IS NOT NULL
           AND partner.relance_is_consumer != (%(rule)s)
        """,
            table=SQL.identifier(table),
            companies=SQL.identifier(companies_table),
            rule=SQL(DEFAULT_RULE),
        )
    )
    cr.execute(SQL("ALTER TABLE %s DROP COLUMN relance_is_consumer", SQL.identifier(table)))


def migrate(cr, version):
    consumer_flag_to_choice(cr)
    cr.execute("DROP TABLE IF EXISTS account_relance_aged_balance_line CASCADE")
