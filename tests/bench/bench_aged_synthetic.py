"""A synthetic ledger of about 100,000 open receivable items for timing the aged balance, and
its measure, inside `odoo shell` (never on a real database: it writes rows by hand).

SYNTHETIC: the ledger is not an accounting one. It starts from a small real ledger built by
Odoo's own accounting (tests/bench/bench_build.py, size S: 1,000 clients, 5,000 invoices, their
payments, credit notes and partial payments), then the day's run (every client with something
overdue gets an open relance file, given the level of its relance as if it had been sent).
Then, with set-based SQL in this database only:

- each client is copied ``BENCH_AGED_CLONES - 1`` times (res_partner rows, with its open
  relance file when it has one, without its access code);
- each receivable item open at D (as the aged balance reads them) is copied until the open
  items reach ``BENCH_AGED_ITEMS``: copy j goes to copy ``j % BENCH_AGED_CLONES`` of its client,
  on the same journal entry (whose lines then no longer balance), with the partial
  reconciliations of the item copied along (the other side of each partial is not copied: a
  payment then covers more than its amount, and its residual is computed again from its
  partials, as Odoo keeps it).

What the aged balance reads per item is kept: amounts, residuals, partials and their dates,
due dates, document types, clients' risk categories, salespersons and relance levels; so are
the proportions of a real ledger (items per client, share partially paid, credits).

Stages (BENCH_AGED_STAGE):

- ``build`` (default): multiplies the items of a database made by bench_build.py (its
  ``relance_bench.ledger`` parameter gives D and the company), once; ANALYZE at the end.
- ``measure``: the aged balance of every open item at D, warm, BENCH_AGED_REPEAT times (default
  5): ``action_show()``, then what the list asks for on opening (grouped by client):
  ``web_read_group`` by ``partner_id`` with the list's sums, 80 groups, as the web client
  calls it, as a user of the relance group (record rules applied). Prints the medians, and
  with BENCH_AGED_EXPLAIN=1 the EXPLAIN (ANALYZE, BUFFERS) of the queries.

How to run it is in docs/benchmark.md ("Aged balance at 100,000 items").
"""

import json
import os
import statistics
import sys
import time
from datetime import date

from odoo import Command
from odoo.tools import SQL

sys.path.insert(0, os.environ.get('BENCH_DIR', 'tests/bench'))
from bench_screen import aged_list_read  # noqa: E402 - found through BENCH_DIR

STAGE = os.environ.get('BENCH_AGED_STAGE', 'build')
ITEMS = int(os.environ.get('BENCH_AGED_ITEMS', 100000))
CLONES = int(os.environ.get('BENCH_AGED_CLONES', 10))
REPEAT = int(os.environ.get('BENCH_AGED_REPEAT', 5))
EXPLAIN = os.environ.get('BENCH_AGED_EXPLAIN') in ('1', 'times')
TIMES = os.environ.get('BENCH_AGED_EXPLAIN') == 'times'
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True, mail_create_nolog=True))
cr = env.cr
ledger = json.loads(env['ir.config_parameter'].get_param('relance_bench.ledger'))
D = date.fromisoformat(ledger['date'])
company = env['res.company'].browse(ledger['company_id'])
Aged = env['account.relance.aged.balance']


def columns(table, skip=()):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", [table]
    )
    return [name for (name,) in cr.fetchall() if name not in skip]


def copy_rows(table, source, replaced):
    """INSERT INTO table SELECT the columns of ``source`` (a query aliased ``src``, with the
    table's columns), ``replaced`` {column: SQL expression} instead of the column itself."""
    names = columns(table)
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM (%s) src",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(name) for name in names),
            SQL(", ").join(replaced.get(name) or SQL.identifier('src', name) for name in names),
            source,
        )
    )
    return cr.rowcount


def open_count():
    return env.execute_query(SQL("SELECT COUNT(*) FROM (%s) item", Aged._open_items_sql(company, D)))[0][0]


def build():
    if env['ir.config_parameter'].get_param('relance_bench.aged_synthetic'):
        print("BENCH_AGED already built:", env['ir.config_parameter'].get_param('relance_bench.aged_synthetic'))
        return
    started = time.perf_counter()
    if not env['account.relance.file'].search_count([('company_id', '=', company.id), ('state', '=', 'open')]):
        levels = env['account.relance.level'].with_context(active_test=False).search([('company_id', '=', company.id)])
        levels.write({'auto_send': False})
        env['account.relance.run']._run(on_date=D, companies=company)
        env.flush_all()
        # As if the day's relances had been sent: each open file at the level it was taken to.
        cr.execute(
            "UPDATE account_relance_file SET level_id = next_level_id"
            " WHERE state = 'open' AND level_id IS NULL AND company_id = %s",
            [company.id],
        )
    base = open_count()
    # Clients and their copies: clone (client, k) for k in 1..CLONES-1.
    cr.execute(
        """CREATE TEMP TABLE clone_client AS
           SELECT client.id AS src, k, nextval('res_partner_id_seq') AS id
             FROM res_partner client CROSS JOIN generate_series(1, %s) k
            WHERE client.parent_id IS NULL AND client.name LIKE 'Bench client %%'""",
        [CLONES - 1],
    )
    clients = copy_rows(
        'res_partner',
        SQL(
            """SELECT partner.*, clone.id AS clone_id, clone.k FROM res_partner partner
                 JOIN clone_client clone ON clone.src = partner.id"""
        ),
        {
            'id': SQL("src.clone_id"),
            'commercial_partner_id': SQL("src.clone_id"),
            'name': SQL("src.name || ' #' || src.k"),
            'complete_name': SQL("src.complete_name || ' #' || src.k"),
        },
    )
    copy_rows(
        'account_relance_file',
        SQL(
            """SELECT file.*, clone.id AS clone_id FROM account_relance_file file
                 JOIN clone_client clone ON clone.src = file.partner_id WHERE file.state = 'open'"""
        ),
        {
            'id': SQL("nextval('account_relance_file_id_seq')"),
            'partner_id': SQL("src.clone_id"),
            'access_code': SQL("NULL"),
        },
    )
    # The open items at D and their copies: copy j of an item goes to clone j % CLONES of its client.
    factor = -(-ITEMS // base)
    cr.execute(
        SQL(
            """CREATE TEMP TABLE clone_item AS
               SELECT item.move_line_id AS src, j, nextval('account_move_line_id_seq') AS id,
                      COALESCE(clone.id, item.partner_id) AS partner_id
                 FROM (%s) item CROSS JOIN generate_series(1, %s) j
            LEFT JOIN clone_client clone ON clone.src = item.partner_id AND clone.k = j %% %s
                WHERE j * %s + item.row_number <= %s""",
            SQL(
                "SELECT item.*, ROW_NUMBER() OVER (ORDER BY item.move_line_id) AS row_number FROM (%s) item",
                Aged._open_items_sql(company, D),
            ),
            factor - 1,
            CLONES,
            base,
            ITEMS,
        )
    )
    items = copy_rows(
        'account_move_line',
        SQL(
            """SELECT line.*, clone.id AS clone_id, clone.partner_id AS clone_partner_id
                 FROM account_move_line line JOIN clone_item clone ON clone.src = line.id"""
        ),
        {'id': SQL("src.clone_id"), 'partner_id': SQL("src.clone_partner_id")},
    )
    partials = 0
    for side in ('debit_move_id', 'credit_move_id'):
        partials += copy_rows(
            'account_partial_reconcile',
            SQL(
                "SELECT partial.*, clone.id AS clone_id FROM account_partial_reconcile partial"
                " JOIN clone_item clone ON clone.src = partial.%s",
                SQL.identifier(side),
            ),
            {'id': SQL("nextval('account_partial_reconcile_id_seq')"), side: SQL("src.clone_id")},
        )
    # The other side of a copied partial (a payment, say) is reconciled further than its amount:
    # its residual is made what Odoo would compute from its partials, as for every item.
    cr.execute(
        """WITH touched AS (
               SELECT partial.debit_move_id AS id FROM account_partial_reconcile partial
                 JOIN clone_item clone ON clone.id = partial.credit_move_id
               UNION SELECT partial.credit_move_id FROM account_partial_reconcile partial
                 JOIN clone_item clone ON clone.id = partial.debit_move_id
           )
           UPDATE account_move_line line
              SET amount_residual = line.balance
                  - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                               WHERE p.debit_move_id = line.id), 0)
                  + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                               WHERE p.credit_move_id = line.id), 0)
             FROM touched WHERE touched.id = line.id"""
    )
    cr.execute("ANALYZE")
    summary = {
        'open_items_before': base,
        'client_copies': clients,
        'item_copies': items,
        'partial_copies': partials,
        'open_items': open_count(),
        'clients_with_items': env.execute_query(
            SQL("SELECT COUNT(DISTINCT item.partner_id) FROM (%s) item", Aged._open_items_sql(company, D))
        )[0][0],
        'seconds': round(time.perf_counter() - started, 1),
    }
    env['ir.config_parameter'].set_param('relance_bench.aged_synthetic', json.dumps(summary))
    cr.commit()
    print("BENCH_AGED " + json.dumps(summary), flush=True)


def collector():
    """A user of the relance group in the company: the list is read with the record rules."""
    user = env['res.users'].search([('login', '=', 'bench.aged')])
    if not user:
        user = env['res.users'].create(
            {
                'name': "Bench aged balance",
                'login': 'bench.aged',
                'company_id': company.id,
                'company_ids': [Command.set(company.ids)],
                'group_ids': [Command.set(env.ref('account_relance_fr.group_relance_user').ids)],
            }
        )
        cr.commit()
    return user


def vacuum():
    """The rows' table as autovacuum keeps it: the rows of the requests deleted are gone."""
    from odoo.sql_db import db_connect

    with db_connect(cr.dbname).cursor() as other:
        other._cnx.autocommit = True
        other.execute("VACUUM account_relance_aged_balance_row")


def measure():
    """Each run as a collector's: a new request (the form), Show, the list's first read."""
    user = collector()
    uenv = env(user=user.id, su=False, context=dict(env.context, allowed_company_ids=company.ids))
    show, read, queries = [], [], []
    for run in range(REPEAT + 1):  # the first run warms the caches: not counted
        report = uenv['account.relance.aged.balance'].create({'date': D, 'company_id': company.id})
        cr.commit()
        vacuum()
        uenv.invalidate_all()
        count = cr.sql_log_count
        t0 = time.perf_counter()
        action = report.action_show()
        uenv.flush_all()
        t1 = time.perf_counter()
        groups = aged_list_read(action, uenv)
        t2 = time.perf_counter()
        if run:
            show.append(t1 - t0)
            read.append(t2 - t1)
            queries.append(cr.sql_log_count - count)
        rows = uenv['account.relance.aged.balance.line'].search_count([('report_id', '=', report.id)])
        report.unlink()
        cr.commit()
    result = {
        'open_items': rows,
        'groups': groups['length'],
        'action_show': round(statistics.median(show), 3),
        'first_list_read': round(statistics.median(read), 3),
        'total': round(statistics.median(a + b for a, b in zip(show, read)), 3),
        'runs': [round(a + b, 3) for a, b in zip(show, read)],
        'queries': statistics.median(queries),
    }
    print("BENCH_AGED " + json.dumps(result), flush=True)
    if EXPLAIN:
        explain(uenv)


def explain(uenv):
    """EXPLAIN (ANALYZE, BUFFERS) of the queries of a run (each in a savepoint rolled back, then
    run), or with BENCH_AGED_EXPLAIN=times the time of each query; the run is rolled back."""
    from odoo.sql_db import Cursor

    report = uenv['account.relance.aged.balance'].create({'date': D, 'company_id': company.id})
    cr.commit()
    vacuum()

    plans = []
    execute = Cursor.execute

    def explained(self, query, params=None, log_exceptions=True):
        if isinstance(query, SQL):
            query, params = query.code, query.params
        sql = query
        if TIMES and self is cr:
            t0 = time.perf_counter()
            result = execute(self, query, params, log_exceptions)
            plans.append((sql, f"Execution Time: {(time.perf_counter() - t0) * 1000:.1f} ms (timed, no EXPLAIN)"))
            return result
        if self is cr and sql.lstrip().upper().startswith(('SELECT', 'INSERT', 'WITH')) and 'EXPLAIN' not in sql:
            execute(self, "SAVEPOINT explain")
            execute(self, "EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = "\n".join(row[0] for row in self.fetchall())
            execute(self, "ROLLBACK TO SAVEPOINT explain")
            plans.append((sql, plan))
        return execute(self, query, params, log_exceptions)

    Cursor.execute = explained
    try:
        uenv.invalidate_all()
        aged_list_read(report.action_show(), uenv)
    finally:
        Cursor.execute = execute
    cr.rollback()
    report.unlink()
    cr.commit()
    for sql, plan in plans:
        ms = plan.rsplit("Execution Time: ", 1)[-1]
        if float(ms.split()[0]) > 5 or TIMES:
            print("-" * 80, "\n", sql[: 200 if TIMES else 3000], "\n", plan, flush=True)


if STAGE == 'build':
    build()
else:
    measure()
