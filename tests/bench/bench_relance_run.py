"""Benchmark of the daily relance on a large ledger; run by setup/bench.sh inside `odoo shell`.

Builds (once per database) BENCH_CLIENTS clients with BENCH_INVOICES overdue invoices each,
then times the selection alone and a full run as of a given day: preparation only (levels
waiting for validation) and preparation + e-mail sending. Prints one line per measure.
Not a test: figures depend on the machine; targets are read by people, not asserted.
"""
import os
import resource
import time
from datetime import date, timedelta

from odoo import Command

CLIENTS = int(os.environ.get('BENCH_CLIENTS', 500))
PER_CLIENT = int(os.environ.get('BENCH_INVOICES', 4))
DUE = date(2026, 3, 10)

company = env.ref('base.main_company')  # noqa: F821 (odoo shell provides env)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True, mail_create_nolog=True))  # noqa: F821
Run = env['account.relance.run']
marker = env['res.partner'].search([('name', '=like', 'Bench client %')], limit=1)
if not marker:
    started = time.perf_counter()
    partners = env['res.partner'].create([
        {'name': f"Bench client {i:05d}", 'email': f"bench{i}@example.com", 'is_company': True,
         'relance_risk_category': 'occasional'}  # the standard scenario: J+1 first reminder
        for i in range(CLIENTS)])
    for chunk in range(0, len(partners), 100):
        moves = env['account.move'].create([{
            'move_type': 'out_invoice', 'partner_id': partner.id,
            'invoice_date': DUE - timedelta(days=30 + n), 'invoice_date_due': DUE - timedelta(days=n),
            'invoice_payment_term_id': False,
            'invoice_line_ids': [Command.create({'name': "Prestation", 'price_unit': 100.0 + n, 'tax_ids': False})],
        } for partner in partners[chunk:chunk + 100] for n in range(PER_CLIENT)])
        moves.action_post()
        env.cr.commit()
    print(f"bench: built {CLIENTS} clients x {PER_CLIENT} invoices in {time.perf_counter() - started:.1f}s")

on_date = DUE + timedelta(days=1)
levels = env['account.relance.level'].search([('company_id', '=', company.id)])


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


rows = measure("selection of due installments", lambda: Run._select_installments(company, on_date))
print(f"bench: {sum(len(r) for r in rows.values())} installments of {len(rows)} clients selected")

levels.write({'auto_send': False})
relances = measure("run, preparation only", lambda: Run._run(on_date=on_date, companies=company))
print(f"bench: {len(relances)} relances, {len(relances.line_ids)} lines")
env.cr.rollback()

levels = env['account.relance.level'].search([('company_id', '=', company.id)])
company.relance_attach_invoices = False
relances = measure("run, preparation and e-mails (no PDF)", lambda: Run._run(on_date=on_date, companies=company))
print(f"bench: {len(relances)} relances sent")
env.cr.rollback()

clients = env['res.partner'].search([('name', '=like', 'Bench client %')])
measure("risk category of every client (the nightly computation)",
        lambda: env['account.relance.risk']._compute(company, DUE + timedelta(days=60), clients))
env.cr.rollback()
