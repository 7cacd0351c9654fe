"""Builds the French ledger of the benchmark (setup/bench.sh), inside `odoo shell`.

Deterministic (seeded) and batched: clients and their invoicing contacts, then invoices posted
by thousands, credit notes, and the payments of the year, created, posted and reconciled by
thousands through Odoo's own accounting (account.payment, account.move.line._reconcile_plan),
one commit per batch. Realistic enough for the relance: invoices over the 12 months before the
controlling date, most paid (on time, late, in part), some never; a few % in USD; a payment term
with two installments on some invoices; credit notes reconciled or left open; clients'
payment behaviour consistent with their risk category (punctual, occasional, chronic).

Environment: BENCH_CLIENTS, BENCH_INVOICES (sizes), BENCH_DATE (controlling date, ISO),
BENCH_SEED. Prints one line "BENCH_BUILD {json}" with the counts and the time of each phase.
Not a test: nothing is asserted.
"""
import json
import logging
import math
import os
import random
import time
from collections import defaultdict
from datetime import date, timedelta

from odoo import Command

_logger = logging.getLogger('relance.bench')
CLIENTS = int(os.environ.get('BENCH_CLIENTS', 1000))
INVOICES = int(os.environ.get('BENCH_INVOICES', 5000))
D = date.fromisoformat(os.environ.get('BENCH_DATE', '2026-11-30'))
SEED = int(os.environ.get('BENCH_SEED', 19))
BATCH = 1000
rng = random.Random(SEED)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True,  # noqa: F821 (odoo shell provides env)
                       mail_create_nolog=True, mail_create_nosubscribe=True, mail_auto_subscribe_no_notify=True))
timings = {}


def phase(name, started):
    timings[name] = round(time.perf_counter() - started, 1)
    print(f"bench build: {name} in {timings[name]}s", flush=True)


# Payment behaviour of each risk category: share of the clients, share of installments never
# paid, and the lateness of a payment as (weight, first day, last day) relative to the due date.
BEHAVIOUR = {
    'punctual': dict(share=0.55, never=0.05, partial=0.08, delays=[(0.88, -15, 0), (0.12, 1, 20)]),
    'occasional': dict(share=0.30, never=0.25, partial=0.12, delays=[(0.55, -10, 0), (0.35, 1, 40), (0.10, 41, 120)]),
    'chronic': dict(share=0.15, never=0.55, partial=0.18, delays=[(0.20, -5, 0), (0.40, 5, 60), (0.40, 61, 200)]),
}
TOWNS = [("75002", "Paris"), ("69002", "Lyon"), ("13001", "Marseille"), ("31000", "Toulouse"), ("33000", "Bordeaux"),
         ("59000", "Lille"), ("44000", "Nantes"), ("67000", "Strasbourg"), ("35000", "Rennes"), ("06000", "Nice")]
FORMS = ["SARL", "SAS", "SA", "EURL", "SNC"]


def delay_of(category):
    weights, spans = zip(*[(w, (a, b)) for w, a, b in BEHAVIOUR[category]['delays']])
    low, high = rng.choices(spans, weights)[0]
    return rng.randint(low, high)


# ---------------------------------------------------------------- company, currency, terms
started = time.perf_counter()
company = env.ref('base.main_company')
eur, usd = env.ref('base.EUR'), env.ref('base.USD')
(eur | usd).write({'active': True})
france = env.ref('base.fr')
company.write({
    'name': "Bench Distribution SAS", 'currency_id': eur.id, 'country_id': france.id,
    'street': "12 rue de la Paix", 'zip': "75002", 'city': "Paris", 'email': "compta@bench-distribution.example",
    'phone': "+33 1 02 03 04 05", 'vat': "FR40303265045", 'company_registry': "303265045",
})
company.partner_id.write({'tz': 'Europe/Paris'})
env['res.currency.rate'].search([('currency_id', 'in', (eur | usd).ids)]).unlink()
env['res.currency.rate'].create([{
    'currency_id': usd.id, 'company_id': company.id, 'name': D - timedelta(days=400 - 7 * week),
    'rate': round(1.08 + 0.04 * math.sin(week / 6), 4)} for week in range(60)])
Term = env['account.payment.term']


def term(name, splits):
    return Term.create({'name': name, 'company_id': company.id, 'line_ids': [
        Command.create({'value': 'percent', 'value_amount': share, 'nb_days': days}) for share, days in splits]})


terms = [(term("30 jours", [(100, 30)]), 0.60), (term("45 jours", [(100, 45)]), 0.15),
         (term("60 jours", [(100, 60)]), 0.10), (term("50 % à 30 jours, 50 % à 60 jours", [(50, 30), (50, 60)]), 0.15)]
# The generic chart's default sales tax becomes the French standard rate.
tax = company.account_sale_tax_id
tax.write({'name': "TVA collectée 20 %", 'amount': 20.0})
bank = env['account.journal'].search([('company_id', '=', company.id), ('type', '=', 'bank')], limit=1)
sales = env['account.journal'].search([('company_id', '=', company.id), ('type', '=', 'sale')], limit=1)
env.cr.commit()
phase('company', started)

# ---------------------------------------------------------------- clients and contacts
started = time.perf_counter()
categories = list(BEHAVIOUR)
client_vals = []
for i in range(CLIENTS):
    category = rng.choices(categories, [BEHAVIOUR[c]['share'] for c in categories])[0]
    zip_code, city = rng.choice(TOWNS)
    client_vals.append({
        'name': f"Bench client {i:05d} {rng.choice(FORMS)}", 'is_company': True, 'company_type': 'company',
        # A few clients have no e-mail address: their relance by e-mail fails, visibly.
        'email': f"compta{i}@client{i}.example" if rng.random() > 0.02 else False,
        'street': f"{rng.randint(1, 200)} avenue de la République", 'zip': zip_code, 'city': city,
        'country_id': france.id, 'lang': 'en_US', 'relance_risk_category': category,
    })
Partner = env['res.partner']
clients = Partner
for chunk in range(0, CLIENTS, BATCH):
    clients |= Partner.create(client_vals[chunk:chunk + BATCH])
category_of = {client.id: vals['relance_risk_category'] for client, vals in zip(clients, client_vals)}
# A quarter of the clients have an invoicing contact with its own e-mail: their invoices go to it.
with_contact = [client for client in clients if rng.random() < 0.25]
contacts = Partner.create([{
    'name': f"Service comptabilité {client.name}", 'type': 'invoice', 'parent_id': client.id,
    'email': f"factures@{client.id}.client.example"} for client in with_contact])
contact_of = {contact.parent_id.id: contact.id for contact in contacts}
env.cr.commit()
phase('clients', started)

# ---------------------------------------------------------------- invoices
started = time.perf_counter()
# Invoices per client: every client has one, the others go to clients weighted by a Pareto
# draw (a few big clients, many small ones).
weights = [rng.paretovariate(1.5) for _ in range(CLIENTS)]
owners = list(clients.ids) + rng.choices(clients.ids, weights, k=max(INVOICES - CLIENTS, 0))
plan = []
for partner_id in owners:
    invoice_date = D - timedelta(days=rng.randint(1, 365))
    term_record = rng.choices([t for t, _w in terms], [w for _t, w in terms])[0]
    currency = usd if rng.random() < 0.04 else eur
    lines = [Command.create({
        'name': rng.choice(["Fournitures de bureau", "Prestation de maintenance", "Licence annuelle",
                            "Transport", "Matériel informatique", "Formation"]),
        'quantity': rng.randint(1, 5), 'price_unit': round(rng.lognormvariate(math.log(300), 0.9), 2),
        'tax_ids': [Command.set(tax.ids)],
    }) for _n in range(rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0])]
    invoice_partner = contact_of.get(partner_id) if rng.random() < 0.7 else None
    plan.append((invoice_date, {
        'move_type': 'out_invoice', 'partner_id': invoice_partner or partner_id, 'journal_id': sales.id,
        'invoice_date': invoice_date, 'invoice_payment_term_id': term_record.id, 'currency_id': currency.id,
        'invoice_line_ids': lines,
    }))
plan.sort(key=lambda item: item[0])
Move = env['account.move']
invoice_ids = []
for chunk in range(0, len(plan), BATCH):
    moves = Move.create([vals for _d, vals in plan[chunk:chunk + BATCH]])
    moves.action_post()
    invoice_ids += moves.ids
    env.cr.commit()
    env.invalidate_all()
    _logger.info("bench build: %s/%s invoices posted", len(invoice_ids), len(plan))
phase('invoices', started)

# ---------------------------------------------------------------- credit notes
started = time.perf_counter()
refund_plan = []
for move_id in rng.sample(invoice_ids, k=len(invoice_ids) * 4 // 100):
    invoice = Move.browse(move_id)
    refund_date = min(invoice.invoice_date + timedelta(days=rng.randint(5, 60)), D - timedelta(days=1))
    refund_plan.append((refund_date, invoice.id, {
        'move_type': 'out_refund', 'partner_id': invoice.partner_id.id, 'journal_id': sales.id,
        'invoice_date': refund_date, 'currency_id': invoice.currency_id.id, 'reversed_entry_id': invoice.id,
        'invoice_line_ids': [Command.create({
            'name': "Avoir : remise commerciale", 'quantity': 1,
            'price_unit': round(invoice.amount_untaxed * rng.uniform(0.1, 0.5), 2),
            'tax_ids': [Command.set(tax.ids)]})],
    }))
refund_plan.sort(key=lambda item: item[0])
refunds = Move.create([vals for _d, _i, vals in refund_plan])
refunds.action_post()
env.cr.commit()
phase('credit notes', started)

# ---------------------------------------------------------------- payments
started = time.perf_counter()
# Every receivable installment: paid on which day (none if never, or after the controlling
# date), in full or in part. A credit note refunding an invoice is reconciled with it first
# (60 %), or left open for the relance to deduct.
receivable = env['account.move.line'].search([
    ('move_id', 'in', invoice_ids), ('account_id.account_type', '=', 'asset_receivable')], order='id')
refund_lines = env['account.move.line'].search([
    ('move_id', 'in', refunds.ids), ('account_id.account_type', '=', 'asset_receivable')])
refund_of = {line.move_id.reversed_entry_id.id: line for line in refund_lines if rng.random() < 0.6}
payments_plan = defaultdict(list)  # (partner, day, currency) -> [(line, amount)]
credit_pairs = []
weekly = {pid for pid in clients.ids if rng.random() < 0.4}  # clients paying by a weekly transfer run
for line in receivable:
    partner_id = line.move_id.commercial_partner_id.id
    behaviour = BEHAVIOUR[category_of[partner_id]]
    amount = line.amount_residual_currency
    refund = refund_of.get(line.move_id.id)
    first = line.move_id.line_ids.filtered(lambda aml: aml.account_id.account_type == 'asset_receivable')[:1]
    if refund and line == first:
        credit_pairs.append((max(refund.date, line.date), line, refund))
        amount -= min(amount, -refund.amount_residual_currency)
    if amount <= 0 or rng.random() < behaviour['never']:
        continue
    day = max(line.date_maturity + timedelta(days=delay_of(category_of[partner_id])), line.date)
    if partner_id in weekly:
        day += timedelta(days=(4 - day.weekday()) % 7)  # the next Friday
    if day > D:
        continue  # not paid yet at the controlling date
    if rng.random() < behaviour['partial']:
        amount = round(amount * rng.uniform(0.3, 0.8), 2)
    payments_plan[(partner_id, day, line.currency_id.id)].append((line, amount))
# Credit notes first, in one plan.
credit_pairs.sort(key=lambda pair: pair[0])
env['account.move.line']._reconcile_plan([line | refund for _d, line, refund in credit_pairs])
env.cr.commit()
phase('credit notes reconciled', started)

started = time.perf_counter()
Payment = env['account.payment']
keys = sorted(payments_plan, key=lambda key: (key[1], key[0]))
count_payments = 0
for chunk in range(0, len(keys), BATCH):
    batch = keys[chunk:chunk + BATCH]
    payments = Payment.create([{
        'payment_type': 'inbound', 'partner_type': 'customer', 'partner_id': partner_id, 'journal_id': bank.id,
        'amount': round(sum(amount for _l, amount in payments_plan[(partner_id, day, currency_id)]), 2),
        'currency_id': currency_id, 'date': day, 'memo': f"Virement client {partner_id}",
    } for partner_id, day, currency_id in batch])
    payments.action_post()
    plans = []
    for payment, key in zip(payments, batch):
        counterpart = payment.move_id.line_ids.filtered(lambda aml: aml.account_id.account_type == 'asset_receivable')
        plans.append(counterpart | env['account.move.line'].concat(*[line for line, _a in payments_plan[key]]))
    env['account.move.line']._reconcile_plan(plans)
    count_payments += len(payments)
    env.cr.commit()
    env.invalidate_all()
    _logger.info("bench build: %s/%s payments posted and reconciled", count_payments, len(keys))
phase('payments', started)

# ---------------------------------------------------------------- summary
env.invalidate_all()
env.flush_all()
env.cr.execute("""
    SELECT count(*) FROM account_move_line aml JOIN account_account acc ON acc.id = aml.account_id
     WHERE acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted' AND NOT aml.reconciled
       AND aml.company_id = %s""", [company.id])
[open_lines] = env.cr.fetchone()
summary = {
    'clients': len(clients), 'contacts': len(contacts), 'invoices': len(invoice_ids), 'credit_notes': len(refunds),
    'payments': count_payments, 'open_receivable_items': open_lines,
    'usd_invoices': Move.search_count([('id', 'in', invoice_ids), ('currency_id', '=', usd.id)]),
    'categories': {c: sum(1 for v in category_of.values() if v == c) for c in categories},
    'timings': timings,
}
env['ir.config_parameter'].set_param('relance_bench.ledger', json.dumps(
    {'date': D.isoformat(), 'seed': SEED, 'company_id': company.id, **summary}))
env.cr.commit()
print("BENCH_BUILD " + json.dumps(summary), flush=True)
