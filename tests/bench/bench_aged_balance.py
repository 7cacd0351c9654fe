"""Benchmark of the balance âgée, the collection KPIs and their XLSX exports on the ledger of
bench_relance_run.py (run that one first: setup/bench.sh does both, inside `odoo shell`).

Half of the invoices get a partial payment so that the "open at a date" arithmetic has
reconciliations to read. Prints one line per measure; nothing is asserted.
"""
import resource
import time
from datetime import date, timedelta

company = env.ref('base.main_company')  # noqa: F821 (odoo shell provides env)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True, mail_create_nolog=True))  # noqa: F821
DUE = date(2026, 3, 10)
moves = env['account.move'].search([('partner_id.name', '=like', 'Bench client %'), ('state', '=', 'posted'),
                                    ('move_type', '=', 'out_invoice')], order='id')
unpaid = moves.filtered(lambda m: m.payment_state == 'not_paid')
if len(unpaid) == len(moves):
    started = time.perf_counter()
    for move in moves[::2]:
        env['account.payment.register'].with_context(active_model='account.move', active_ids=move.ids).create(
            {'amount': 50.0, 'payment_date': DUE + timedelta(days=5)})._create_payments()
    env.cr.commit()
    print(f"bench: paid half of {len(moves)} invoices in part in {time.perf_counter() - started:.1f}s")


def measure(label, fn):
    env.invalidate_all()
    queries = env.cr.sql_log_count
    started = time.perf_counter()
    result = fn()
    env.flush_all()
    elapsed = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"bench: {label}: {elapsed:.2f}s, {env.cr.sql_log_count - queries} queries, max RSS {rss:.0f} MB")
    return result


report = env['account.relance.aged.balance'].create({'date': DUE + timedelta(days=30), 'company_id': company.id})
items = measure("aged balance, selection only", lambda: report._select_open_items(company, report.date))
print(f"bench: {len(items)} open items")
measure("aged balance, rows computed", report._compute_rows)
measure("aged balance, XLSX export", report._export_xlsx)
print(f"bench: aged balance workbook {len(report.with_context(bin_size=False).xlsx_file) // 1024} KiB")
kpis = env['account.relance.kpi.report'].create({
    'date_from': date(2025, 4, 1), 'date_to': date(2026, 3, 31), 'company_id': company.id})
measure("collection KPIs, 12 months", kpis._compute_rows)
measure("collection KPIs, XLSX export", kpis.action_export_xlsx)
env.cr.rollback()
