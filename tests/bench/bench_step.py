"""One measured step of the benchmark (setup/bench.sh), inside `odoo shell`, in a process of its
own so that the peak RSS is the step's.

BENCH_STEP names the step, BENCH_PHASE is 'measure' (default) or 'setup' (what a step needs
done before, in another process, committed: the run before a same-day rerun, say).
Prints one line "BENCH_RESULT {json}": wall time (s), SQL queries, peak RSS (MB), counts.
Not a test: figures depend on the machine; nothing is asserted.

Our steps: prepare (daily run, levels waiting for validation), cron (the same through
_cron_daily_relance, batched, committed), send (daily run, every level sending by itself, no
PDF attached to the e-mails; the letters of the levels that have one are rendered), send_email
(the same with every written level by e-mail only, as OCA's policy), rerun (the same day again,
right after the send_email run), aged (aged balance of all open items: Show, then the
list's first read, grouped by client),
aged_after_run (the same after the day's run: every client with an open relance file),
letters (the PDF letters of 100 relances of the day, as their sending makes them),
aged_xlsx (its XLSX export), risk (nightly risk categories, the cron), validate_send (the
relances waiting for validation after a preparation, selected and sent in one click),
floor_prepare and floor_send_email (the physical floor of those runs: the SQL reading the open
items and writing the rows the run made, timed alone).
OCA's (account_credit_control): oca_prepare (credit.control.run: generate the lines), oca_send
(generate the lines, mark them ready and send the e-mail communications), oca_rerun (a second
run of the same date, right after one), oca_validate_send (its marker and e-mailer on the lines
of a run generated before).
"""

import cProfile
import io
import json
import os
import pstats
import resource
import sys
import time
import traceback
from collections import defaultdict
from datetime import date

sys.path.insert(0, os.environ.get('BENCH_DIR', 'tests/bench'))
from bench_screen import aged_list_read  # noqa: E402 - found through BENCH_DIR

STEP = os.environ['BENCH_STEP']
PHASE = os.environ.get('BENCH_PHASE', 'measure')
PROFILE = os.environ.get('BENCH_PROFILE')
env = env(
    context=dict(
        env.context,
        tracking_disable=True,
        mail_notrack=True,
        mail_create_nolog=True,
    )
)
ledger = json.loads(env['ir.config_parameter'].get_param('relance_bench.ledger'))
D = date.fromisoformat(ledger['date'])
company = env['res.company'].browse(ledger['company_id'])
Run = env['account.relance.run']
Relance = env['account.relance']


def count(model, domain=()):
    return env[model].sudo().with_context(active_test=False).search_count(list(domain))


def before():
    """Counters read before the step, to report what it created."""
    return {'relances': count('account.relance'), 'mails': count('mail.mail')}


def created(start, relances=None):
    result = {
        'relances_new': count('account.relance') - start['relances'],
        'mails': count('mail.mail') - start['mails'],
    }
    if relances is not None:
        result.update(
            relances=len(relances),
            lines=len(relances.line_ids),
            sent=len(relances.filtered(lambda r: r.state == 'sent')),
            waiting=len(relances.filtered(lambda r: r.state in ('draft', 'to_validate', 'pending'))),
            failed=len(relances.filtered(lambda r: r.state == 'failed')),
        )
    return result


def no_auto_send():
    levels().write({'auto_send': False})


def levels():
    return env['account.relance.level'].with_context(active_test=False).search([('company_id', '=', company.id)])


def no_pdf():
    """Every level sends by itself, and no PDF goes with the e-mails: neither the invoices nor the
    customer statement (attached from the severe tone by default)."""
    levels().write({'auto_send': True})
    company.write({'relance_attach_invoices': False, 'relance_statement_from_tone': 'never'})


def email_only():
    """As OCA's policy of the benchmark: every written level goes by e-mail only (no letter to
    render), the formal notice with the template of the last reminder; calls stay calls."""
    no_pdf()
    for level in levels().sorted('sequence'):
        if level.channel_letter or level.channel_registered_letter:
            template = (
                level.mail_template_id
                or levels()
                .filtered(lambda lv, s=level.scenario_id: lv.scenario_id == s and lv.mail_template_id)
                .sorted('sequence')[-1:]
                .mail_template_id
            )
            level.write(
                {
                    'channel_letter': False,
                    'channel_registered_letter': False,
                    'channel_email': True,
                    'mail_template_id': template.id,
                }
            )


# ---------------------------------------------------------------- our steps


def run_after(configure):
    """The daily run of D in the current transaction, the levels set by ``configure`` first."""
    configure()
    start = before()
    return lambda: created(start, Run._run(on_date=D, companies=company))


def step_prepare():
    return run_after(no_auto_send)


def step_cron():
    no_auto_send()
    start = before()

    def go():
        Run.with_context(relance_today=D.isoformat())._cron_daily_relance()
        return created(start)

    return go


def step_send():
    return run_after(no_pdf)


def step_send_email():
    return run_after(email_only)


def setup_rerun():
    email_only()
    Run._run(on_date=D, companies=company)


def step_rerun():
    start = before()
    return lambda: created(start, Run._run(on_date=D, companies=company))


def setup_validate_send():
    """The morning before a collector validates: the day's run prepared, every written level by
    e-mail only (as OCA's policy), nothing sent by itself: every relance waits for validation."""
    email_only()
    levels().write({'auto_send': False})
    Run._run(on_date=D, companies=company)


def step_validate_send():
    """The collector selects the relances waiting for validation in the list and clicks Send:
    ``action_send`` brings them up to date as of D and queues their e-mails; above the
    background threshold (200) it queues the relances for the scheduled action, which sends
    them by batches of 100, a commit each: the step is the click and that sending, as one."""
    waiting = Relance.search([('company_id', '=', company.id), ('state', '=', 'to_validate')])
    start = before()

    def go():
        today = Relance.with_context(relance_today=D.isoformat())
        waiting.with_env(today.env).action_send()
        today._cron_send_queued()
        return dict(created(start, waiting), validated=len(waiting))

    return go


# ---------------------------------------------------------------- the physical floor
# What a step cannot avoid in SQL, timed alone: reading the open items of the company, and
# writing the rows the step made (copied aside, deleted, then inserted again in one statement
# per table, with their indexes and foreign keys checked), all in a savepoint rolled back.

FLOOR_TABLES = ('account_relance_file', 'account_relance', 'account_relance_line', 'mail_message', 'mail_mail')


def mark_floor():
    marks = {}
    for table in FLOOR_TABLES:
        env.cr.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')  # noqa: S608 (constant names)
        marks[table] = env.cr.fetchone()[0]
    env['ir.config_parameter'].sudo().set_param('relance_bench.floor_marks', json.dumps(marks))


def setup_floor_prepare():
    no_auto_send()
    mark_floor()
    Run._run(on_date=D, companies=company)


def setup_floor_send_email():
    email_only()
    mark_floor()
    Run._run(on_date=D, companies=company)


def floor():
    marks = json.loads(env['ir.config_parameter'].sudo().get_param('relance_bench.floor_marks'))
    cr = env.cr

    def go():
        timings = {}
        begun = time.perf_counter()
        cr.execute(
            """
            SELECT aml.id, aml.partner_id, aml.move_id, aml.date_maturity, aml.amount_residual,
                   aml.amount_residual_currency, aml.currency_id
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
             WHERE aml.company_id = %s AND account.account_type = 'asset_receivable'
               AND aml.parent_state = 'posted' AND NOT aml.reconciled AND aml.amount_residual != 0
            """,
            [company.id],
        )
        timings['read_open_items'] = (len(cr.fetchall()), round(time.perf_counter() - begun, 3))
        cr.execute('SAVEPOINT bench_floor')
        for table in FLOOR_TABLES:
            cr.execute(f'CREATE TEMP TABLE "floor_{table}" AS SELECT * FROM "{table}" WHERE id > %s', [marks[table]])  # noqa: S608
            cr.execute(
                f'CREATE TEMP TABLE "floor_{table}_refs" AS SELECT * FROM "{table}" WHERE id > %s', [marks[table]]
            )  # noqa: S608
        for table in reversed(FLOOR_TABLES):
            cr.execute(f'DELETE FROM "{table}" WHERE id > %s', [marks[table]])  # noqa: S608
        later = {}  # columns referring to a table written after theirs (a file's pending relance)
        for position, table in enumerate(FLOOR_TABLES):
            cr.execute(
                """
                SELECT attribute.attname
                  FROM pg_constraint fk
                  JOIN pg_attribute attribute ON attribute.attrelid = fk.conrelid AND attribute.attnum = ANY(fk.conkey)
                 WHERE fk.contype = 'f' AND fk.conrelid = %s::regclass AND fk.confrelid::regclass::text = ANY(%s)
                """,
                [table, list(FLOOR_TABLES[position + 1 :])],
            )
            later[table] = [column for [column] in cr.fetchall()]
        for table in FLOOR_TABLES:
            begun = time.perf_counter()
            if later[table]:
                cr.execute(f'UPDATE "floor_{table}" SET ' + ', '.join(f'"{c}" = NULL' for c in later[table]))  # noqa: S608
            cr.execute(f'INSERT INTO "{table}" SELECT * FROM "floor_{table}"')  # noqa: S608
            timings[f'write_{table}'] = (cr.rowcount, round(time.perf_counter() - begun, 3))
        for table, columns in later.items():
            if columns:
                begun = time.perf_counter()
                cr.execute(
                    f'UPDATE "{table}" AS target SET '  # noqa: S608
                    + ', '.join(f'"{c}" = source."{c}"' for c in columns)
                    + f' FROM "floor_{table}_refs" AS source WHERE source.id = target.id'
                )
                timings[f'relink_{table}'] = (cr.rowcount, round(time.perf_counter() - begun, 3))
        cr.execute('ROLLBACK TO SAVEPOINT bench_floor')
        return {
            'floor_s': round(sum(seconds for _rows, seconds in timings.values()), 3),
            **{key: f"{rows} rows {seconds} s" for key, (rows, seconds) in timings.items()},
        }

    return go


def step_floor_prepare():
    return floor()


def step_floor_send_email():
    return floor()


def step_letters():
    """The letters of the first BENCH_LETTERS (default 100) relances of the day that go by post,
    made as their sending makes them (``_make_letters``: the PDFs, their attachments and the
    chatter note), with the wkhtmltopdf found on the PATH (``--wkhtmltopdf``): one call per
    batch when it was built with patched Qt, one per letter otherwise."""
    from odoo.addons.base.models import ir_actions_report
    from odoo.addons.base.models.ir_actions_report import _wkhtml

    relances = Relance.search(
        [
            ('company_id', '=', company.id),
            ('date', '=', D),
            ('state', '=', 'to_validate'),
            '|',
            ('channel_letter', '=', True),
            ('channel_registered_letter', '=', True),
        ],
        order='id',
        limit=int(os.environ.get('BENCH_LETTERS', 100)),
    )
    info = _wkhtml()
    calls = [0]
    run_wkhtmltopdf = ir_actions_report._run_wkhtmltopdf

    def counted(args):
        calls[0] += 1
        return run_wkhtmltopdf(args)

    ir_actions_report._run_wkhtmltopdf = counted

    def go():
        relances._make_letters()
        pdfs = relances.letter_attachment_id.filtered(lambda a: a.mimetype == 'application/pdf')
        return {
            'letters': len(relances),
            'pdfs': len(pdfs),
            'wkhtmltopdf_calls': calls[0],
            'wkhtmltopdf': f"{info.version}{' patched Qt' if info.is_patched_qt else ''}",
        }

    return go


def step_aged():
    """From Show to the rows on screen: the rows computed, then the list's first read (not
    every row: the list opens grouped by client, folded). The rows are counted for the table
    (a count on the rows' index, about 1 % of the step)."""
    report = env['account.relance.aged.balance'].create({'date': D, 'company_id': company.id})

    def go():
        action = report.action_show()
        groups = aged_list_read(action, env)
        rows = env['account.relance.aged.balance.line'].search_count(action['domain'])
        return {'rows': rows, 'groups': groups['length']}

    return go


def setup_aged_after_run():
    """The day's run first (relances waiting for validation), committed: every client with
    something overdue has an open file, as when a collector opens the aged balance."""
    no_auto_send()
    Run._run(on_date=D, companies=company)


def step_aged_after_run():
    return step_aged()


setup_letters = setup_aged_after_run  # the same day's run, committed, before the letters


def step_aged_xlsx():
    report = env['account.relance.aged.balance'].create({'date': D, 'company_id': company.id})

    def go():
        report.action_export_xlsx()
        workbook = report.with_context(bin_size=False).xlsx_file
        return {'rows': len(report.line_ids), 'xlsx_kib': len(workbook) * 3 // 4 // 1024}

    return go


def step_risk():
    def go():
        env['account.relance.risk'].with_context(relance_today=D.isoformat())._cron_compute_risk()
        env.invalidate_all()
        partners = env['res.partner'].with_company(company).search([('relance_risk_date', '=', D)])
        return {'clients': len(partners)}

    return go


# ---------------------------------------------------------------- OCA's steps


def oca_run():
    policy = env['credit.control.policy'].browse(ledger['oca_policy_id'])
    return env['credit.control.run'].create({'date': D, 'company_id': company.id, 'policy_ids': [(6, 0, policy.ids)]})


def step_oca_prepare():
    def go():
        run = oca_run()
        run.generate_credit_lines()
        return {'lines': len(run.line_ids)}

    return go


def step_oca_send():
    start = before()

    def go():
        run = oca_run()
        run.generate_credit_lines()
        run.set_to_ready_lines()
        run.run_channel_action()
        comms = run.line_ids.communication_id
        return dict(
            mails=count('mail.mail') - start['mails'],
            lines=len(run.line_ids),
            communications=len(comms),
            sent=len(run.line_ids.filtered(lambda line: line.state in ('queued', 'sent'))),
        )

    return go


def setup_oca_rerun():
    run = oca_run()
    run.generate_credit_lines()
    run.set_to_ready_lines()
    run.run_channel_action()


def step_oca_rerun():
    return step_oca_send()


def setup_oca_validate_send():
    oca_run().generate_credit_lines()


def step_oca_validate_send():
    """OCA's marker and e-mailer on the lines its run of D generated (committed before)."""
    run = env['credit.control.run'].search([('date', '=', D)], order='id desc', limit=1)
    start = before()

    def go():
        run.set_to_ready_lines()
        run.run_channel_action()
        return dict(
            mails=count('mail.mail') - start['mails'],
            lines=len(run.line_ids),
            sent=len(run.line_ids.filtered(lambda line: line.state in ('queued', 'sent'))),
        )

    return go


# ---------------------------------------------------------------- measure

if PHASE == 'setup':
    globals()[f'setup_{STEP}']()
    env.cr.commit()
    print("BENCH_SETUP " + json.dumps({'step': STEP}), flush=True)
else:
    go = globals()[f'step_{STEP}']()
    env.flush_all()
    env.invalidate_all()
    queries = env.cr.sql_log_count
    profiler = cProfile.Profile() if PROFILE else None
    sql_time = defaultdict(lambda: [0, 0.0])  # where the SQL time goes, by the addon's caller
    if PROFILE:
        Cursor = type(env.cr)
        plain_execute = Cursor.execute

        def timed_execute(self, query, params=None, log_exceptions=True):
            caller = next(
                (
                    f"{os.path.basename(frame.filename)}:{frame.name}"
                    for frame in reversed(traceback.extract_stack(limit=40))
                    if '/account_relance_fr/' in frame.filename or '/account_credit_control/' in frame.filename
                ),
                'odoo',
            )
            begun = time.perf_counter()
            try:
                return plain_execute(self, query, params, log_exceptions)
            finally:
                sql_time[caller][0] += 1
                sql_time[caller][1] += time.perf_counter() - begun

        Cursor.execute = timed_execute
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    counts = go()
    env.flush_all()
    elapsed = time.perf_counter() - started
    if profiler:
        profiler.disable()
        profiler.dump_stats(PROFILE + '.prof')  # the whole profile, for pstats or snakeviz
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats('cumulative').print_stats(40)
        pstats.Stats(profiler, stream=out).sort_stats('tottime').print_stats(25)
        out.write("\nSQL time by the addon's innermost caller (queries, seconds):\n")
        for caller, (number, seconds) in sorted(sql_time.items(), key=lambda item: -item[1][1])[:25]:
            out.write(f"  {seconds:8.3f} s {number:6d}  {caller}\n")
        with open(PROFILE, 'w') as handle:
            handle.write(out.getvalue())
    result = {
        'step': STEP,
        'seconds': round(elapsed, 3),
        'queries': env.cr.sql_log_count - queries,
        'rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        **counts,
    }
    env.cr.commit()  # the copy is thrown away; committing keeps what the cron did comparable
    print("BENCH_RESULT " + json.dumps(result), flush=True)
