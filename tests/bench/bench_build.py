"""Builds the French ledger of the benchmark (setup/bench.sh), inside `odoo shell`.

Deterministic (seeded) and batched: clients and their invoicing contacts, then invoices posted
by thousands, credit notes, and the payments of the year, created, posted and reconciled by
thousands through Odoo's own accounting (account.payment, account.move.line._reconcile_plan),
one commit per batch. Realistic enough for the relance: invoices over the 12 months before the
controlling date, most paid (on time, late, in part), some never; a few % in USD; a payment term
with two installments on some invoices; credit notes reconciled or left open; clients'
payment behaviour consistent with their risk category (punctual, occasional, chronic).

In parts, to use every core: BENCH_STAGE=setup makes the company and the clients; then
BENCH_STAGE=part with BENCH_PART=0..BENCH_PARTS-1, in as many processes at once, makes the
ledger of every BENCH_PARTS-th client, each part in its own sales and bank journals (no two
processes draw numbers from one sequence); BENCH_STAGE=summary counts. BENCH_STAGE=all (the
default) does the three in one process, as one part.

Environment: BENCH_CLIENTS, BENCH_INVOICES (sizes), BENCH_DATE (controlling date, ISO),
BENCH_SEED, BENCH_STAGE, BENCH_PART, BENCH_PARTS. Prints one line "BENCH_BUILD {json}" with
the counts and the time of each phase. Not a test: nothing is asserted.
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
from odoo.tools import SQL

_logger = logging.getLogger('relance.bench')
CLIENTS = int(os.environ.get('BENCH_CLIENTS', 1000))
INVOICES = int(os.environ.get('BENCH_INVOICES', 5000))
D = date.fromisoformat(os.environ.get('BENCH_DATE', '2026-11-30'))
SEED = int(os.environ.get('BENCH_SEED', 19))
STAGE = os.environ.get('BENCH_STAGE', 'all')
PARTS = int(os.environ.get('BENCH_PARTS', 1)) if STAGE != 'all' else 1
PART = int(os.environ.get('BENCH_PART', 0))
BATCH = 1000
rng = random.Random(SEED if STAGE in ('all', 'setup') else SEED * 1000 + PART)
env = env(
    context=dict(
        env.context,
        tracking_disable=True,
        mail_notrack=True,
        mail_create_nolog=True,
        mail_create_nosubscribe=True,
        mail_auto_subscribe_no_notify=True,
    )
)
timings = {}


numbers = defaultdict(int)


def number(prefix, day):
    """The name Odoo would give the next entry of ``prefix`` in the year of ``day`` (entries are
    created in the order of their dates): given at creation, it spares Odoo a look-up of the
    last number for each entry."""
    numbers[prefix, day.year] += 1
    return f"{prefix}/{day.year}/{numbers[prefix, day.year]:05d}"


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
TOWNS = [
    ("75002", "Paris"),
    ("69002", "Lyon"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("35000", "Rennes"),
    ("06000", "Nice"),
]
FORMS = ["SARL", "SAS", "SA", "EURL", "SNC"]


def delay_of(category):
    weights, spans = zip(*[(w, (a, b)) for w, a, b in BEHAVIOUR[category]['delays']])
    low, high = rng.choices(spans, weights)[0]
    return rng.randint(low, high)


# ---------------------------------------------------------------- company, currency, terms
started = time.perf_counter()
company = env.ref('base.main_company')
eur, usd = env.ref('base.EUR'), env.ref('base.USD')
france = env.ref('base.fr')
Term = env['account.payment.term']
Journal = env['account.journal']
TERMS = [
    ("30 jours", [(100, 30)], 0.60),
    ("45 jours", [(100, 45)], 0.15),
    ("60 jours", [(100, 60)], 0.10),
    ("50 % à 30 jours, 50 % à 60 jours", [(50, 30), (50, 60)], 0.15),
]
tax = company.account_sale_tax_id
if STAGE in ('all', 'setup'):
    (eur | usd).write({'active': True})
    company.write(
        {
            'name': "Bench Distribution SAS",
            'currency_id': eur.id,
            'country_id': france.id,
            'street': "12 rue de la Paix",
            'zip': "75002",
            'city': "Paris",
            'email': "compta@bench-distribution.example",
            'phone': "+33 1 02 03 04 05",
            'vat': "FR40303265045",
            'company_registry': "303265045",
        }
    )
    company.partner_id.write({'tz': 'Europe/Paris'})
    env['res.currency.rate'].search([('currency_id', 'in', (eur | usd).ids)]).unlink()
    env['res.currency.rate'].create(
        [
            {
                'currency_id': usd.id,
                'company_id': company.id,
                'name': D - timedelta(days=400 - 7 * week),
                'rate': round(1.08 + 0.04 * math.sin(week / 6), 4),
            }
            for week in range(60)
        ]
    )
    for name, splits, _share in TERMS:
        Term.create(
            {
                'name': name,
                'company_id': company.id,
                'line_ids': [
                    Command.create({'value': 'percent', 'value_amount': share, 'nb_days': days})
                    for share, days in splits
                ],
            }
        )
    # The generic chart's default sales tax becomes the French standard rate.
    tax.write({'name': "TVA collectée 20 %", 'amount': 20.0})
    # The parts after the first have sales and bank journals of their own.
    first_sales = Journal.search([('company_id', '=', company.id), ('type', '=', 'sale')], order='id', limit=1)
    for part in range(1, int(os.environ.get('BENCH_PARTS', 1)) if STAGE == 'setup' else 1):
        Journal.create(
            {
                'name': f"Ventes {part + 1}",
                'type': 'sale',
                'code': f"VTE{part + 1}",
                'company_id': company.id,
                'default_account_id': first_sales.default_account_id.id,
            }
        )
        Journal.create(
            {'name': f"Banque {part + 1}", 'type': 'bank', 'code': f"BNK{part + 1}", 'company_id': company.id}
        )
    env.cr.commit()
term_of = {term.name: term for term in Term.search([('company_id', '=', company.id)])}
terms = [(term_of[name], share) for name, _splits, share in TERMS]
bank = Journal.search([('company_id', '=', company.id), ('type', '=', 'bank')], order='id')[PART]
sales = Journal.search([('company_id', '=', company.id), ('type', '=', 'sale')], order='id')[PART]
phase('company', started)

# ---------------------------------------------------------------- clients and contacts
started = time.perf_counter()
categories = list(BEHAVIOUR)
Partner = env['res.partner']
if STAGE in ('all', 'setup'):
    client_vals = []
    for i in range(CLIENTS):
        category = rng.choices(categories, [BEHAVIOUR[c]['share'] for c in categories])[0]
        zip_code, city = rng.choice(TOWNS)
        client_vals.append(
            {
                'name': f"Bench client {i:05d} {rng.choice(FORMS)}",
                'is_company': True,
                'company_type': 'company',
                # A few clients have no e-mail address: their relance by e-mail fails, visibly.
                'email': f"compta{i}@client{i}.example" if rng.random() > 0.02 else False,
                'street': f"{rng.randint(1, 200)} avenue de la République",
                'zip': zip_code,
                'city': city,
                'country_id': france.id,
                'lang': 'en_US',
                'relance_risk_category': category,
            }
        )
    created = Partner
    for chunk in range(0, CLIENTS, BATCH):
        created |= Partner.create(client_vals[chunk : chunk + BATCH])
    # A quarter of the clients have an invoicing contact with its own e-mail: their invoices go to it.
    Partner.create(
        [
            {
                'name': f"Service comptabilité {client.name}",
                'type': 'invoice',
                'parent_id': client.id,
                'email': f"factures@{client.id}.client.example",
            }
            for client in created
            if rng.random() < 0.25
        ]
    )
    env.cr.commit()
all_clients = Partner.search([('name', '=like', 'Bench client %'), ('parent_id', '=', False)], order='id')
clients = all_clients[PART::PARTS]
category_of = {client.id: client.relance_risk_category for client in clients}
contacts = Partner.search([('parent_id', 'in', clients.ids), ('type', '=', 'invoice')], order='id')
contact_of = {contact.parent_id.id: contact.id for contact in contacts}
phase('clients', started)
if STAGE == 'setup':
    print("BENCH_BUILD " + json.dumps({'stage': 'setup', 'timings': timings}), flush=True)


def build_ledger():  # noqa: C901 - one ledger, built in the order of its phases
    """The ledger of this part's clients: invoices, credit notes, payments."""
    # ---------------------------------------------------------------- invoices
    started = time.perf_counter()
    # Invoices per client: every client has one, the others go to clients weighted by a Pareto
    # draw (a few big clients, many small ones).
    weights = [rng.paretovariate(1.5) for _ in clients]
    part_invoices = INVOICES * len(clients) // len(all_clients) if STAGE == 'part' else INVOICES
    owners = list(clients.ids) + rng.choices(clients.ids, weights, k=max(part_invoices - len(clients), 0))
    plan = []
    for partner_id in owners:
        invoice_date = D - timedelta(days=rng.randint(1, 365))
        term_record = rng.choices([t for t, _w in terms], [w for _t, w in terms])[0]
        currency = usd if rng.random() < 0.04 else eur
        lines = [
            (
                rng.choice(
                    [
                        "Fournitures de bureau",
                        "Prestation de maintenance",
                        "Licence annuelle",
                        "Transport",
                        "Matériel informatique",
                        "Formation",
                    ]
                ),
                rng.randint(1, 5),
                round(rng.lognormvariate(math.log(300), 0.9), 2),
            )
            for _n in range(rng.choices([1, 2, 3], [0.6, 0.3, 0.1])[0])
        ]
        invoice_partner = contact_of.get(partner_id) if rng.random() < 0.7 else None
        plan.append((invoice_date, invoice_partner or partner_id, term_record, currency, lines))
    plan.sort(key=lambda item: item[0])
    Move = env['account.move']
    income = sales.default_account_id
    receivable_account = clients[:1].property_account_receivable_id
    tax_line = tax.invoice_repartition_line_ids.filtered(lambda rep: rep.repartition_type == 'tax')
    # The company rounds taxes globally (the generic chart's default), as computed below.
    assert company.tax_calculation_rounding_method == 'round_globally' and len(tax_line) == 1

    def invoice_vals(invoice_date, partner_id, term_record, currency, lines):
        """An invoice in EUR with its journal items computed here as Odoo computes them (round the
        tax globally, the installments by Odoo's own payment term), created without Odoo's
        synchronisation of the dynamic lines (``skip_invoice_sync``): two and a half times faster.
        Posting checks that the entry balances. An invoice in USD goes through Odoo's own
        synchronisation (``lines`` given as invoice lines): its company amounts follow the rates."""
        vals = {
            'move_type': 'out_invoice',
            'partner_id': partner_id,
            'journal_id': sales.id,
            'date': invoice_date,
            'invoice_date': invoice_date,
            'invoice_payment_term_id': term_record.id,
            'currency_id': currency.id,
            'name': number(sales.code, invoice_date),
        }
        if currency != eur:
            vals['invoice_line_ids'] = [
                Command.create(
                    {'name': name, 'quantity': quantity, 'price_unit': price, 'tax_ids': [Command.set(tax.ids)]}
                )
                for name, quantity, price in lines
            ]
            return vals
        subtotals = [eur.round(quantity * price) for _name, quantity, price in lines]
        untaxed = eur.round(sum(subtotals))
        tax_amount = eur.round(untaxed * tax.amount / 100)
        installments = term_record._compute_terms(
            invoice_date, eur, company, tax_amount, tax_amount, 1, untaxed, untaxed
        )
        vals['line_ids'] = (
            [
                Command.create(
                    {
                        'display_type': 'product',
                        'name': name,
                        'quantity': quantity,
                        'price_unit': price,
                        'tax_ids': [Command.set(tax.ids)],
                        'account_id': income.id,
                        'balance': -subtotal,
                        'amount_currency': -subtotal,
                    }
                )
                for (name, quantity, price), subtotal in zip(lines, subtotals)
            ]
            + [
                Command.create(
                    {
                        'display_type': 'tax',
                        'name': tax.name,
                        'account_id': tax_line.account_id.id,
                        'tax_repartition_line_id': tax_line.id,
                        'tax_base_amount': -untaxed,
                        'balance': -tax_amount,
                        'amount_currency': -tax_amount,
                    }
                )
            ]
            + [
                Command.create(
                    {
                        'display_type': 'payment_term',
                        'name': '',
                        'account_id': receivable_account.id,
                        'date_maturity': installment['date'],
                        'balance': installment['company_amount'],
                        'amount_currency': installment['foreign_amount'],
                    }
                )
                for installment in installments['line_ids']
            ]
        )
        return vals

    invoice_ids = []
    for chunk in range(0, len(plan), BATCH):
        batch = [invoice_vals(*item) for item in plan[chunk : chunk + BATCH]]
        moves = Move.with_context(skip_invoice_sync=True).create(
            [vals for vals in batch if 'line_ids' in vals]
        ) | Move.create([vals for vals in batch if 'line_ids' not in vals])
        moves.action_post()
        invoice_ids += moves.sorted(lambda move: (move.date, move.name)).ids
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
        # Linked to its invoice by reference, not by ``reversed_entry_id``: with it, posting
        # would reconcile every credit note with its invoice at once, one by one, and none
        # would be left open. They are reconciled below, 60 % of them, in one plan.
        refund_plan.append(
            (
                refund_date,
                invoice.id,
                {
                    'move_type': 'out_refund',
                    'partner_id': invoice.partner_id.id,
                    'journal_id': sales.id,
                    'invoice_date': refund_date,
                    'currency_id': invoice.currency_id.id,
                    'date': refund_date,
                    'ref': f"Avoir sur {invoice.name}",
                    'invoice_origin': invoice.name,
                    'invoice_line_ids': [
                        Command.create(
                            {
                                'name': "Avoir : remise commerciale",
                                'quantity': 1,
                                'price_unit': round(invoice.amount_untaxed * rng.uniform(0.1, 0.5), 2),
                                'tax_ids': [Command.set(tax.ids)],
                            }
                        )
                    ],
                },
            )
        )
    refund_plan.sort(key=lambda item: item[0])
    for refund_date, _invoice, vals in refund_plan:
        vals['name'] = number('R' + sales.code, refund_date)
    refunds = Move.create([vals for _d, _i, vals in refund_plan])
    refunds.action_post()
    env.cr.commit()
    phase('credit notes', started)

    # ---------------------------------------------------------------- payments
    started = time.perf_counter()
    # Every receivable installment: paid on which day (none if never, or after the controlling
    # date), in full or in part. A credit note refunding an invoice is reconciled with it first
    # (60 %), or left open for the relance to deduct.
    receivable = env['account.move.line'].search(
        [('move_id', 'in', invoice_ids), ('account_id.account_type', '=', 'asset_receivable')], order='id'
    )
    refund_lines = env['account.move.line'].search(
        [('move_id', 'in', refunds.ids), ('account_id.account_type', '=', 'asset_receivable')]
    )
    invoice_of = {refund.id: invoice_id for refund, (_d, invoice_id, _v) in zip(refunds, refund_plan)}
    refund_of = {invoice_of[line.move_id.id]: line for line in refund_lines if rng.random() < 0.6}
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
    # Most clients pay by bank transfer: the bank's entry is reconciled with the invoices, as the
    # bank reconciliation does (a journal entry on the bank journal). A fifth of them, and every
    # payment in USD, are payments registered in Odoo (account.payment: cheques, cards).
    registered = {pid for pid in clients.ids if rng.random() < 0.2}
    keys = sorted(payments_plan, key=lambda key: (key[1], key[0]))
    count_payments = 0

    def amount_of(key):
        return round(sum(amount for _l, amount in payments_plan[key]), 2)

    for chunk in range(0, len(keys), BATCH):
        batch = keys[chunk : chunk + BATCH]
        by_payment = [key for key in batch if key[0] in registered or key[2] != eur.id]
        by_transfer = [key for key in batch if key not in set(by_payment)]
        payments = Payment.create(
            [
                {
                    'payment_type': 'inbound',
                    'partner_type': 'customer',
                    'partner_id': partner_id,
                    'journal_id': bank.id,
                    'amount': amount_of((partner_id, day, currency_id)),
                    'currency_id': currency_id,
                    'date': day,
                    'memo': f"Virement client {partner_id}",
                }
                for partner_id, day, currency_id in by_payment
            ]
        )
        # Their entries numbered as Odoo would, before posting (see ``number``).
        payments._generate_journal_entry()
        for payment in payments:
            payment.move_id.name = number('P' + bank.code, payment.date)
        payments.action_post()
        transfers = Move.create(
            [
                {
                    'move_type': 'entry',
                    'journal_id': bank.id,
                    'date': day,
                    'name': number(bank.code, day),
                    'partner_id': partner_id,
                    'ref': f"Virement client {partner_id}",
                    'line_ids': [
                        Command.create(
                            {
                                'account_id': bank.default_account_id.id,
                                'partner_id': partner_id,
                                'name': f"Virement client {partner_id}",
                                'balance': amount_of(key),
                            }
                        ),
                        Command.create(
                            {
                                'account_id': receivable_account.id,
                                'partner_id': partner_id,
                                'name': f"Virement client {partner_id}",
                                'balance': -amount_of(key),
                            }
                        ),
                    ],
                }
                for key in by_transfer
                for partner_id, day, _currency in [key]
            ]
        )
        transfers.action_post()
        plans = []
        for move, key in [*zip([payment.move_id for payment in payments], by_payment), *zip(transfers, by_transfer)]:
            counterpart = move.line_ids.filtered(lambda aml: aml.account_id.account_type == 'asset_receivable')
            plans.append(counterpart | env['account.move.line'].concat(*[line for line, _a in payments_plan[key]]))
        env['account.move.line']._reconcile_plan(plans)
        count_payments += len(batch)
        env.cr.commit()
        env.invalidate_all()
        _logger.info("bench build: %s/%s payments posted and reconciled", count_payments, len(keys))
    phase('payments', started)


if STAGE in ('all', 'part'):
    build_ledger()

# ---------------------------------------------------------------- summary
if STAGE in ('all', 'summary'):
    env.invalidate_all()
    [[open_lines, invoices, refunds, usd_invoices, payments]] = env.execute_query(
        SQL(
            """
        SELECT (SELECT count(*) FROM account_move_line aml JOIN account_account acc ON acc.id = aml.account_id
                 WHERE acc.account_type = 'asset_receivable' AND aml.parent_state = 'posted' AND NOT aml.reconciled
                   AND aml.company_id = %(company)s),
               count(*) FILTER (WHERE move_type = 'out_invoice'), count(*) FILTER (WHERE move_type = 'out_refund'),
               count(*) FILTER (WHERE move_type = 'out_invoice' AND currency_id = %(usd)s),
               count(*) FILTER (WHERE move_type = 'entry' AND journal_id IN %(banks)s)
          FROM account_move WHERE company_id = %(company)s AND state = 'posted'""",
            company=company.id,
            usd=usd.id,
            banks=tuple(Journal.search([('type', '=', 'bank')]).ids),
        )
    )
    summary = {
        'clients': len(all_clients),
        'contacts': Partner.search_count([('parent_id', 'in', all_clients.ids)]),
        'invoices': invoices,
        'credit_notes': refunds,
        'payments': payments,
        'open_receivable_items': open_lines,
        'usd_invoices': usd_invoices,
        'categories': {c: sum(1 for v in all_clients.mapped('relance_risk_category') if v == c) for c in categories},
        'parts': int(os.environ.get('BENCH_PARTS', 1)),
        'timings': timings,
    }
    env['ir.config_parameter'].set_param(
        'relance_bench.ledger', json.dumps({'date': D.isoformat(), 'seed': SEED, 'company_id': company.id, **summary})
    )
    env.cr.commit()
    print("BENCH_BUILD " + json.dumps(summary), flush=True)
elif STAGE == 'part':
    print("BENCH_BUILD " + json.dumps({'part': PART, 'timings': timings}), flush=True)
