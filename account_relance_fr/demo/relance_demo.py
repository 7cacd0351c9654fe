"""The ledger of the demo company, Atelier Durand SARL, and its relance history.

Demo only: the addon never imports this module. The post-init hook calls ``build`` when the
database has demo data (``demo/relance_demo.xml`` has created the company and its clients
by then); ``setup/run.sh`` calls ``run_history`` and ``run_today`` with the server up, so
that the letters are rendered with their stylesheets.

Each client's past invoices give it the risk category it is meant to show, from the first
day of the history to today; its open invoices put it at one stage of its scenario today.
The figures are worked out next to each client in ``LEDGER``, with the default thresholds
(``core/risk.py``): share paid late 20 % / 50 %, average lateness 5 / 15 days, longest
lateness 30 / 60 days, severe relances 1 / 3, statistics from 3 installments.
"""

from datetime import timedelta

import pytz

from odoo import Command, fields

COMPANY = 'account_relance_fr.demo_company'
HISTORY_DAYS = 60
# The last day the history was run for, so that running it again creates nothing and
# never recomputes an older night after a newer one.
HISTORY_PARAM = 'account_relance_fr.demo_history_until'

# Client: [(amount, days since the due date today (negative: not due yet), days between
# due date and payment, or None while open)]. Payments of past invoices are all older than
# the history, so that the category is the same on its first day and today.
LEDGER = {
    # Punctual (gentle scenario): 5 invoices paid on the due date. Today 6 due, 1 late
    # (16.7 % < 20 %), 1 200 x 5 / 6 200 = 1.0 day on average: cordial reminder at J+5,
    # after the preventive one at J-5 of the 850 invoice.
    'demo_client_boulangerie': [(1000.0, d, 0) for d in (280, 220, 160, 120, 80)]
    + [(1200.0, 5, None), (850.0, -3, None)],
    # First invoice, 20 days late: 100 % late and 20 days on average would make a chronic
    # late payer, but one installment is no statistic and 20 < 30 days: punctual, and the
    # chatter says why. No e-mail address: its first reminder failed and holds its file until
    # someone sends it by letter (the preventive one, failed too, was superseded).
    'demo_client_menuiserie': [(640.0, 20, None)],
    # Occasional (standard scenario). Garage: one of 4 paid 12 days late (25 %); today
    # 2 late of 5 (40 %), (12 x 1 000 + 10 x 2 400) / 6 400 = 5.6 days: second reminder at
    # J+10, less a 300 credit note not yet reconciled.
    'demo_client_garage': [(1000.0, d, late) for d, late in ((250, 0), (190, 12), (130, 0), (90, 0))]
    + [(2400.0, 10, None)],
    # Transports: 1 of 4 paid 8 days late; today 40 %, 7.1 days, longest 30 days: severe
    # reminder with a letter at J+30, sent to the accountant.
    'demo_client_transports': [(6000.0, d, late) for d, late in ((240, 0), (180, 8), (120, 0), (85, 0))]
    + [(5400.0, 30, None)],
    # Agence: 1 of 4 paid 10 days late; today 40 %, 8.0 days, longest 45, one severe
    # relance (J+30): the last reminder at J+45 waits for validation; 1 000 paid on account.
    'demo_client_agence': [(5000.0, d, late) for d, late in ((260, 0), (200, 0), (140, 10), (95, 0))]
    + [(3000.0, 45, None)],
    # Chronic (firm scenario): 4 of 5 paid 20 to 35 days late (80 %, 22 days on average);
    # today 5 of 6, (2 000 x 110 + 1 800 x 31) / 11 800 = 23.4 days: preventive at J-5, firm
    # reminder at J+1, call at J+8, severe reminder at J+15, last reminder prepared at J+22
    # and sent the next morning, and today, 8 days after it as the scenario says, the mise
    # en demeure at J+31, waiting for validation.
    'demo_client_imprimerie': [(2000.0, d, late) for d, late in ((300, 25), (240, 30), (180, 20), (130, 35), (100, 0))]
    + [(1800.0, 31, None)],
    # Suspended: never reminded; 40 days late makes it occasional (a fact, 40 >= 30).
    'demo_client_hotel': [(980.0, 40, None)],
}
CREDIT_NOTES = {'demo_client_garage': 300.0}
PAID_ON_ACCOUNT = {'demo_client_agence': (1000.0, 20)}  # amount, days ago


def company_today(company):
    tz = pytz.timezone(company.partner_id.tz or 'Europe/Paris')
    return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()


def demo_company(env):
    return env.ref(COMPANY, raise_if_not_found=False)


def clients(env):
    return env['res.partner'].browse([env.ref(f'account_relance_fr.{key}').id for key in LEDGER])


def build(env):
    """Chart of accounts, access for the administrator, invoices and payments."""
    company = env.ref(COMPANY)
    env.ref('base.EUR').active = True
    _load_chart(env, company)
    # The bank account the letters give for payment (IBAN/BIC of the first bank journal).
    bank_journal = env['account.journal'].search([('company_id', '=', company.id), ('type', '=', 'bank')], limit=1)
    bank_journal.bank_account_id = env.ref('account_relance_fr.demo_company_bank_account')
    admin = env.ref('base.user_admin')
    admin.company_ids = [Command.link(company.id)]
    company.relance_collector_id = admin
    translate_levels(env, company)
    if env['res.lang']._lang_get('fr_FR'):
        clients(env).write({'lang': 'fr_FR'})

    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    # Suspension is decided per company: the demo company suspends the hotel's relances.
    env.ref('account_relance_fr.demo_client_hotel').with_company(company).write(
        {
            'relance_suspended': True,
            'relance_suspension_reason': "Litige sur la prestation de mars, en cours de résolution",
        }
    )
    today = company_today(company)
    product = env.ref('account_relance_fr.demo_product_maintenance')
    for key, invoices in LEDGER.items():
        partner = env.ref(f'account_relance_fr.{key}')
        for amount, days_late, paid_after in invoices:
            due = today - timedelta(days=days_late)
            move = _invoice(env, partner, product, amount, due, admin)
            if paid_after is not None:
                _pay(env, move, move.amount_total, due + timedelta(days=paid_after))
        if key in CREDIT_NOTES:
            _invoice(
                env, partner, product, CREDIT_NOTES[key], today - timedelta(days=25), admin, move_type='out_refund'
            )
        if key in PAID_ON_ACCOUNT:
            amount, days_ago = PAID_ON_ACCOUNT[key]
            _pay(env, move, amount, today - timedelta(days=days_ago))


def _load_chart(env, company):
    # The French chart when l10n_fr_account is installed (setup/run.sh installs it first),
    # else Odoo's generic one. try_loading would warn here that the registry is not fully
    # loaded: it guards against chart modules still being installed in the same run, and
    # both charts' modules are installed already, so the loader is called directly.
    fr_ready = env['ir.module.module'].search_count([('name', '=', 'l10n_fr_account'), ('state', '=', 'installed')])
    env['account.chart.template']._load('fr' if fr_ready else 'generic_coa', company, install_demo=False)


def _invoice(env, partner, product, amount, due, user, move_type='out_invoice'):
    move = env['account.move'].create(
        {
            'move_type': move_type,
            'partner_id': partner.id,
            'invoice_user_id': user.id,
            'invoice_date': due - timedelta(days=30),
            **({'invoice_date_due': due, 'invoice_payment_term_id': False} if move_type == 'out_invoice' else {}),
            'invoice_line_ids': [
                Command.create({'product_id': product.id, 'quantity': 1, 'price_unit': amount, 'tax_ids': False})
            ],
        }
    )
    move.action_post()
    return move


def _pay(env, move, amount, on_date):
    env['account.payment.register'].with_context(active_model='account.move', active_ids=move.ids).create(
        {'amount': amount, 'payment_date': on_date}
    )._create_payments()


def translate_levels(env, company):
    """The demo company copied its scenarios while its record was loaded, before Odoo loaded
    the translations: give them the names of the shipped ones in every language."""
    main = env.ref('base.main_company')
    langs = [code for code, _name in env['res.lang'].get_installed()]
    for model, key in (
        ('account.relance.scenario', lambda r: r.risk_category),
        ('account.relance.level', lambda r: (r.risk_category, r.tone, r.delay)),
    ):
        records = env[model].search([('company_id', 'in', (main | company).ids)])
        shipped = {key(r): r for r in records if r.company_id == main}
        for record in records.filtered(lambda r: r.company_id == company):
            source = shipped.get(key(record))
            if source:
                record.update_field_translations('name', {lang: source.with_context(lang=lang).name for lang in langs})


def _night_and_morning(env, company, day):
    """A day of the demo company: the risk categories at night, the collector sending in the
    morning what waited for validation (as README's usage says), then the day's run."""
    env['account.relance.risk']._compute(company, day, clients(env))
    waiting = env['account.relance'].search(
        [('company_id', '=', company.id), ('state', '=', 'to_validate'), ('date', '<', day)]
    )
    if waiting:
        waiting.with_context(relance_today=day).action_send()
    return env['account.relance.run'].with_company(company)._run(on_date=day, companies=company)


def run_history(env, days=HISTORY_DAYS):
    """The nights and runs of the last ``days`` days, through the public run API.

    Idempotent: the days already run are not run again. The past runs claim today's
    residuals (a run as of a past date cannot know older ones).
    """
    company = demo_company(env)
    if not company:
        return env['account.relance']
    today = company_today(company)
    params = env['ir.config_parameter'].sudo()
    done = params.get_param(HISTORY_PARAM)
    day = today - timedelta(days=days)
    if done:
        day = max(day, fields.Date.to_date(done) + timedelta(days=1))
    relances = env['account.relance']
    while day < today:
        relances |= _night_and_morning(env, company, day)
        params.set_param(HISTORY_PARAM, fields.Date.to_string(day))
        day += timedelta(days=1)
    return relances


def run_today(env):
    """Tonight's risk categories, then today's run (running it again the same day sends nothing)."""
    company = demo_company(env)
    return _night_and_morning(env, company, company_today(company))
