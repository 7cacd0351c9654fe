"""Suspension, litigation and the contract rate of a client become company-dependent.

They were plain columns of res_partner, shared by every company. Each becomes a jsonb column
{company id: value}, as Odoo stores company-dependent fields: a value set before applies to
the client's own company when it has one, otherwise to every company, so that nothing changes
the day of the upgrade; from then on each company decides for itself.

Runs before the module is loaded, so that the ORM finds the columns already in their new type
(otherwise it would move the old columns aside and start from empty values).
"""

from odoo.tools import SQL

COLUMNS = {
    # column: the SQL test of a value worth keeping (an empty value is the default)
    'relance_suspended': "{old}",
    'relance_suspension_reason': "{old} IS NOT NULL AND {old} != ''",
    'relance_litigation': "{old}",
    'relance_litigation_date': "{old} IS NOT NULL",
    'relance_contract_rate': "{old} IS NOT NULL AND {old} != 0",
}


def column_type(cr, table, column):
    cr.execute(
        SQL(
            "SELECT data_type FROM information_schema.columns WHERE table_name = %s AND column_name = %s", table, column
        )
    )
    row = cr.fetchone()
    return row and row[0]


def to_company_dependent(cr, table, column, keep, companies_table='res_company'):
    """Turn ``table.column`` into a company-dependent jsonb column (idempotent)."""
    kind = column_type(cr, table, column)
    if not kind or kind == 'jsonb':
        return
    old = f"{column}_shared"
    cr.execute(
        SQL("ALTER TABLE %s RENAME COLUMN %s TO %s", SQL.identifier(table), SQL.identifier(column), SQL.identifier(old))
    )
    cr.execute(SQL("ALTER TABLE %s ADD COLUMN %s jsonb", SQL.identifier(table), SQL.identifier(column)))
    cr.execute(
        SQL(
            """
        UPDATE %(table)s AS partner
           SET %(column)s = (SELECT jsonb_object_agg(company.id::text, to_jsonb(partner.%(old)s))
                               FROM %(companies)s AS company
                              WHERE partner.company_id IS NULL OR company.id = partner.company_id)
         WHERE %(keep)s
        """,
            table=SQL.identifier(table),
            column=SQL.identifier(column),
            old=SQL.identifier(old),
            companies=SQL.identifier(companies_table),
            keep=SQL(keep.format(old=f"partner.{old}")),
        )
    )
    cr.execute(SQL("ALTER TABLE %s DROP COLUMN %s", SQL.identifier(table), SQL.identifier(old)))


def migrate(cr, version):
    for column, keep in COLUMNS.items():
        to_company_dependent(cr, 'res_partner', column, keep)
