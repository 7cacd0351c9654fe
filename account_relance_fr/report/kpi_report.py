import base64
import tempfile
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..core.kpi import (
    CHANNELS,
    average_delay,
    collection_cost,
    cost_ratio,
    dso,
    dso_window,
    month_label,
    months,
    period_days,
    recovery_rate,
)
from ..core.workbook import DAYS, INTEGER, MONEY, PERCENT, STOCK, TEXT, Formats, Table, new_workbook

MAX_DAYS_AHEAD = 366
MAX_MONTHS = 60
#: Channels whose letter a postal provider may price (its cost is then a fee of the client).
PRICED_CHANNELS = ('letter', 'registered_letter')


class AccountRelanceKpiReport(models.TransientModel):
    """Collection KPIs by month and risk category of the clients, for one company.

    The definitions (recovery rate, average delay weighted by amount, DSO, cost of collection)
    are those of ``core/kpi.py``. Clients are classed by their risk category today: the
    category of a past month is not kept.
    """

    _name = 'account.relance.kpi.report'
    _description = "Collection KPIs"

    date_from = fields.Date(
        "From",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) - relativedelta(months=11),
    )
    date_to = fields.Date(
        "To",
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1) + relativedelta(months=1, days=-1),
    )
    company_id = fields.Many2one(
        'res.company', default=lambda self: self.env.company, domain=lambda self: [('id', 'in', self.env.companies.ids)]
    )
    currency_id = fields.Many2one(related='company_id.currency_id')
    line_ids = fields.One2many('account.relance.kpi.line', 'report_id', "Rows", readonly=True)
    xlsx_file = fields.Binary("Workbook", readonly=True, attachment=False)
    xlsx_filename = fields.Char("Workbook name", readonly=True)

    def _check_request(self):
        self.ensure_one()
        if not self.company_id:
            raise UserError(self.env._("Choose the company whose collection KPIs you want."))
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("You have no access to the company %s.", self.company_id.name))
        if not (self.date_from and self.date_to):
            raise UserError(self.env._("Choose the first and the last month of the KPIs."))
        if self.date_from > self.date_to:
            raise UserError(
                self.env._(
                    "The period starts on %(start)s, after its end on %(end)s.",
                    start=format_date(self.env, self.date_from),
                    end=format_date(self.env, self.date_to),
                )
            )
        limit = fields.Date.context_today(self) + timedelta(days=MAX_DAYS_AHEAD)
        if self.date_to > limit:
            raise UserError(
                self.env._(
                    "KPIs until %(date)s reach more than a year ahead: choose an end before %(limit)s.",
                    date=format_date(self.env, self.date_to),
                    limit=format_date(self.env, limit),
                )
            )
        if len(months(self.date_from, self.date_to)) > MAX_MONTHS:
            raise UserError(self.env._("Choose a period of %s months at most.", MAX_MONTHS))

    # ------------------------------------------------------------------ figures

    def _category_sql(self, alias='partner'):
        """The risk category of the client; receivables without a client are reported apart
        (no category), as in the aged balance, not counted as punctual payers."""
        Partner = self.env['res.partner'].with_company(self.company_id)
        return SQL(
            "CASE WHEN %s IS NULL THEN NULL ELSE %s END",
            SQL.identifier(alias, 'id'),
            Partner._fields['relance_risk_category'].to_sql(Partner, alias),
        )

    def _months_sql(self, periods):
        return SQL(
            """SELECT m::date AS start, (m + interval '1 month' - interval '1 day')::date AS stop
                 FROM generate_series(%s::date, %s::date, interval '1 month') m""",
            periods[0][0],
            periods[-1][0],
        )

    def _installments_sql(self, due_before):
        """Installments of posted customer invoices (receivable, debit), with the date of the last
        reconciliation of those fully reconciled."""
        installments = self.env['account.relance.installment']
        return SQL(
            """SELECT aml.id, aml.balance, aml.date, %(due)s AS due,
                      aml.reconciled, %(category)s AS category, %(held_since)s AS held_since,
                      CASE WHEN aml.reconciled THEN (
                          SELECT MAX(p.max_date) FROM account_partial_reconcile p WHERE p.debit_move_id = aml.id)
                      END AS settled_on
                 FROM %(tables)s
                 JOIN res_partner partner ON partner.id = move.commercial_partner_id
                WHERE %(installment)s
                  AND %(due)s <= %(due_before)s""",
            tables=installments._from_sql(),
            installment=installments._installment_sql(self.company_id),
            due=installments._due_sql(),
            category=self._category_sql(),
            due_before=due_before,
            held_since=self.env['account.relance.insolvency']._held_since_sql(),
        )

    def _figures(self):
        """Raw totals of every (month, category): {(month start, category): {...}} with the
        amounts as Decimals, the late settlements as (days, amount) and the relance counts."""
        self._check_request()
        self.env.flush_all()  # moves, reconciliations, relances and fees are read in SQL below
        periods = months(self.date_from, self.date_to)
        first, last = periods[0][0], periods[-1][1]
        company = self.company_id
        figures = defaultdict(
            lambda: {
                'overdue': Decimal(0),
                'under_procedure': Decimal(0),
                'recovered': Decimal(0),
                'settlements': [],
                'receivables': Decimal(0),
                'sales': Decimal(0),
                'window_sales': Decimal(0),
                'window_days': 0,
                'fees': Decimal(0),
                'relances': 0,
                **{c: 0 for c in CHANNELS},
                **{f'{c}_priced': 0 for c in PRICED_CHANNELS},
            }
        )
        execute = self.env.execute_query

        # Backlog at the start of each month and what was recovered on it during the month:
        # payments (and bank statement lines) and credit notes; not write-offs nor exchange
        # differences, which recover nothing. The claims of a procédure collective judged by the
        # start of the month are not overdue in the ordinary sense: counted apart.
        for start, category, overdue, recovered, under_procedure in execute(
            SQL(
                """WITH months AS (%(months)s), installments AS (%(installments)s)
               SELECT m.start, i.category,
                      SUM(CASE WHEN i.held_since <= m.start THEN 0 ELSE i.balance - COALESCE(before.amount, 0) END),
                      SUM(CASE WHEN i.held_since <= m.start THEN 0 ELSE COALESCE(during.amount, 0) END),
                      SUM(CASE WHEN i.held_since <= m.start THEN i.balance - COALESCE(before.amount, 0) ELSE 0 END)
                 FROM months m
                 JOIN installments i ON i.date < m.start AND i.due < m.start
                                    AND (NOT i.reconciled OR i.settled_on >= m.start)
            LEFT JOIN LATERAL (SELECT SUM(p.amount) AS amount FROM account_partial_reconcile p
                                WHERE p.debit_move_id = i.id AND p.max_date < m.start) before ON TRUE
            LEFT JOIN LATERAL (SELECT SUM(p.amount) AS amount FROM account_partial_reconcile p
                                 JOIN account_move_line counterpart ON counterpart.id = p.credit_move_id
                                 JOIN account_move cm ON cm.id = counterpart.move_id
                                WHERE p.debit_move_id = i.id AND p.max_date BETWEEN m.start AND m.stop
                                  AND (cm.move_type = 'out_refund' OR cm.origin_payment_id IS NOT NULL
                                       OR cm.statement_line_id IS NOT NULL)) during ON TRUE
                WHERE i.balance - COALESCE(before.amount, 0) > 0
             GROUP BY m.start, i.category""",
                months=self._months_sql(periods),
                installments=self._installments_sql(last),
            )
        ):
            figures[start, category]['overdue'] += Decimal(str(overdue))
            figures[start, category]['recovered'] += Decimal(str(recovered))
            figures[start, category]['under_procedure'] += Decimal(str(under_procedure))

        # Installments settled in full during the period, after their due date.
        for settled_on, category, days, amount in execute(
            SQL(
                """WITH installments AS (%(installments)s)
               SELECT i.settled_on, i.category, i.settled_on - i.due, i.balance
                 FROM installments i
                WHERE i.reconciled AND i.settled_on BETWEEN %(first)s AND %(last)s AND i.settled_on > i.due
                  -- an installment cancelled by credit notes alone was not paid
                  AND EXISTS(SELECT 1 FROM account_partial_reconcile p
                               JOIN account_move_line counterpart ON counterpart.id = p.credit_move_id
                               JOIN account_move cm ON cm.id = counterpart.move_id
                              WHERE p.debit_move_id = i.id AND cm.move_type != 'out_refund')""",
                installments=self._installments_sql(last),
                first=first,
                last=last,
            )
        ):
            figures[settled_on.replace(day=1), category]['settlements'].append((days, amount))

        # Receivables at each month end: the balance of the receivable accounts, summed month
        # after month from the movements (one pass over the ledger).
        movements = defaultdict(Decimal)
        for month, category, balance in execute(
            SQL(
                """SELECT GREATEST(date_trunc('month', aml.date)::date, %(first)s), %(category)s, SUM(aml.balance)
                 FROM account_move_line aml
                 JOIN account_account account ON account.id = aml.account_id
            LEFT JOIN res_partner line_partner ON line_partner.id = aml.partner_id
            LEFT JOIN res_partner partner ON partner.id = line_partner.commercial_partner_id
                WHERE %(receivable)s AND aml.date <= %(last)s
             GROUP BY 1, 2""",
                first=first,
                last=last,
                category=self._category_sql(),
                receivable=self.env['account.relance.installment']._receivable_sql(company),
            )
        ):
            movements[month, category] += Decimal(str(balance))
        categories = {category for _month, category in movements}
        for category in categories:
            running = Decimal(0)
            for start, _stop in periods:
                running += movements.get((start, category), Decimal(0))
                if running:
                    figures[start, category]['receivables'] = running

        # Sales of the month, taxes included, net of credit notes; from the year before the
        # first month too, for the sales window of the DSO (core.kpi.dso_window).
        window_first = dso_window(periods[0][1])[0]
        [(first_sale,)] = execute(
            SQL(
                """SELECT MIN(move.date) FROM account_move move
                WHERE move.company_id = %(company)s AND move.state = 'posted'
                  AND move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')""",
                company=company.id,
            )
        )
        monthly_sales = defaultdict(Decimal)
        for month, category, amount in execute(
            SQL(
                """SELECT date_trunc('month', move.date)::date, %(category)s, SUM(move.amount_total_signed)
                 FROM account_move move
                 JOIN res_partner partner ON partner.id = move.commercial_partner_id
                WHERE move.company_id = %(company)s AND move.state = 'posted'
                  AND move.move_type IN ('out_invoice', 'out_refund', 'out_receipt')
                  AND move.date BETWEEN %(first)s AND %(last)s
             GROUP BY 1, 2""",
                first=window_first,
                last=last,
                company=company.id,
                category=self._category_sql(),
            )
        ):
            monthly_sales[month, category] += Decimal(str(amount))
            if month >= first:
                figures[month, category]['sales'] += Decimal(str(amount))
        self._add_dso_windows(figures, periods, monthly_sales, first_sale)

        # Relances sent, by channel; and those whose letter's real cost the postal provider
        # told (recorded as a fee): they are not counted again at the company's flat cost.
        for month, category, count, email, phone, letter, registered, *priced in execute(
            SQL(
                """SELECT date_trunc('month', relance.date)::date, %(category)s, COUNT(*),
                      COUNT(*) FILTER (WHERE relance.channel_email),
                      COUNT(*) FILTER (WHERE relance.channel_phone),
                      COUNT(*) FILTER (WHERE relance.channel_letter),
                      COUNT(*) FILTER (WHERE relance.channel_registered_letter),
                      COUNT(*) FILTER (WHERE relance.channel_letter AND NOT relance.channel_registered_letter
                                         AND EXISTS (%(priced)s)),
                      COUNT(*) FILTER (WHERE relance.channel_registered_letter AND EXISTS (%(priced)s))
                 FROM account_relance relance
                 JOIN res_partner partner ON partner.id = relance.partner_id
                WHERE relance.company_id = %(company)s AND relance.state IN ('sent', 'done')
                  AND relance.date BETWEEN %(first)s AND %(last)s
             GROUP BY 1, 2""",
                first=first,
                last=last,
                company=company.id,
                category=self._category_sql(),
                priced=SQL(
                    "SELECT 1 FROM account_relance_postal_sending sending"
                    " WHERE sending.relance_id = relance.id AND sending.fee_id IS NOT NULL"
                ),
            )
        ):
            row = figures[month, category]
            row['relances'] += count
            for channel, number in zip(CHANNELS, (email, phone, letter, registered)):
                row[channel] += number
            for channel, number in zip(PRICED_CHANNELS, priced):
                row[f'{channel}_priced'] += number

        # Fees of agencies and commissaires de justice.
        for month, category, amount in execute(
            SQL(
                """SELECT date_trunc('month', fee.date)::date, %(category)s, SUM(fee.amount)
                 FROM account_relance_fee fee
                 JOIN res_partner member ON member.id = fee.partner_id
                 JOIN res_partner partner ON partner.id = member.commercial_partner_id
                WHERE fee.company_id = %(company)s AND fee.date BETWEEN %(first)s AND %(last)s
             GROUP BY 1, 2""",
                first=first,
                last=last,
                company=company.id,
                category=self._category_sql(),
            )
        ):
            figures[month, category]['fees'] += Decimal(str(amount))
        return dict(figures)

    @api.model
    def _add_dso_windows(self, figures, periods, monthly_sales, first_sale):
        """The sales of the DSO window of each month (core.kpi.dso_window) and its days, in
        ``figures``, from the sales by (month, category) ``monthly_sales``."""
        for start, stop in periods:
            window_start, window_days = dso_window(stop, first_sale)
            for (month, category), amount in monthly_sales.items():
                if window_start.replace(day=1) <= month <= start:
                    figures[start, category]['window_sales'] += amount
            for (month, _category), row in figures.items():
                if month == start:
                    row['window_days'] = window_days

    def _kpis(self, raw, days):
        """The KPIs of one cell from its raw totals."""
        company = self.company_id
        units = {
            'letter': company.relance_cost_letter,
            'registered_letter': company.relance_cost_registered_letter,
            'phone': company.relance_cost_phone_minute,
        }
        # Letters the provider priced are in the fees at their real cost.
        counts = {c: raw[c] - raw.get(f'{c}_priced', 0) for c in CHANNELS}
        relance_cost = collection_cost(counts, units, phone_minutes=company.relance_phone_call_minutes)
        cost = relance_cost + raw['fees']
        return {
            'overdue_at_start': raw['overdue'],
            'under_procedure_at_start': raw['under_procedure'],
            'recovered': raw['recovered'],
            'recovery_rate': recovery_rate(raw['recovered'], raw['overdue']),
            'paid_late_amount': sum((Decimal(str(a)) for _d, a in raw['settlements']), Decimal(0)),
            'paid_late_count': len(raw['settlements']),
            'average_delay': average_delay(raw['settlements']),
            'receivables': raw['receivables'],
            'sales': raw['sales'],
            'window_sales': raw['window_sales'],
            'window_days': raw['window_days'],
            'dso': dso(raw['receivables'], raw['window_sales'], raw['window_days']),
            'relance_count': raw['relances'],
            'email_count': raw['email'],
            'phone_count': raw['phone'],
            'letter_count': raw['letter'],
            'registered_letter_count': raw['registered_letter'],
            'relance_cost': relance_cost,
            'fees': raw['fees'],
            'collection_cost': cost,
            'cost_ratio': cost_ratio(cost, raw['recovered']),
        }

    @api.model
    def _merge(self, raws):
        """Raw totals of several categories added up (the "all categories" rows)."""
        total = {
            'overdue': Decimal(0),
            'under_procedure': Decimal(0),
            'recovered': Decimal(0),
            'settlements': [],
            'receivables': Decimal(0),
            'sales': Decimal(0),
            'fees': Decimal(0),
            'relances': 0,
            **{c: 0 for c in CHANNELS},
            **{f'{c}_priced': 0 for c in PRICED_CHANNELS},
        }
        for raw in raws:
            for key, value in raw.items():
                # the days of the DSO window are the month's, not added up over categories
                total[key] = max(total.get(key, 0), value) if key == 'window_days' else total.get(key, 0) + value
        return total

    def _compute_rows(self):
        figures = self._figures()
        self.line_ids.unlink()
        vals_list = []
        for start, stop in months(self.date_from, self.date_to):
            days = period_days(start, stop)
            for (month, category), raw in sorted(figures.items(), key=lambda item: item[0][1] or ''):
                if month != start:
                    continue
                kpis = self._kpis(raw, days)
                vals_list.append(
                    {
                        'report_id': self.id,
                        'company_id': self.company_id.id,
                        'month': start,
                        'risk_category': category,
                        'period_days': days,
                        'delay_amount_days': float(
                            sum(Decimal(str(d)) * Decimal(str(a)) for d, a in raw['settlements'] if d > 0)
                        ),
                        **{k: float(v or 0) for k, v in kpis.items()},
                    }
                )
        self.env['account.relance.kpi.line'].create(vals_list)
        return figures

    def action_show(self):
        self.ensure_one()
        self._compute_rows()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_kpi_line')
        action['domain'] = [('report_id', '=', self.id)]
        action['context'] = {'relance_kpi_report_id': self.id}
        return action

    def action_show_relances(self):
        """The relances sent over the period, by month, level and channel (native pivot)."""
        self._check_request()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_kpi_relances')
        action['domain'] = [
            ('company_id', '=', self.company_id.id),
            ('state', 'in', ('sent', 'done')),
            ('date', '>=', self.date_from),
            ('date', '<=', self.date_to),
        ]
        return action

    # ------------------------------------------------------------------ export

    def action_export_xlsx(self):
        self.ensure_one()
        self.write(
            {
                # A Binary field holds base64: /web/content decodes it for the browser.
                'xlsx_file': base64.b64encode(self._xlsx_content()),
                'xlsx_filename': f"Indicateurs_recouvrement_{month_label(self.date_from)}_"
                f"{month_label(self.date_to)}.xlsx",
            }
        )
        return {
            'type': 'ir.actions.act_url',
            'url': f"/web/content/{self._name}/{self.id}/xlsx_file/{self.xlsx_filename}?download=true",
            'target': 'download',
        }

    def _xlsx_content(self):
        """KPIs by month, then by month and category, then relances by level: in French."""
        figures = self._figures()
        lang = 'fr_FR' if self.env['res.lang']._lang_get('fr_FR') else self.env.lang
        french = self.with_context(lang=lang)
        categories = dict(french.env['res.partner']._fields['relance_risk_category']._description_selection(french.env))
        company = self.company_id

        def money(amount):
            return self.currency_id._relance_money(amount)

        with tempfile.TemporaryFile() as stream:
            workbook = new_workbook(stream)
            formats = Formats(workbook, self.currency_id.symbol or self.currency_id.name)
            titles = [
                f"Indicateurs de recouvrement de {month_label(self.date_from)} à {month_label(self.date_to)}",
                f"Société : {company.name} — montants en {self.currency_id.name}",
                "Taux de recouvrement = recouvré dans le mois / échu au 1er du mois ; délai moyen de "
                "paiement des factures réglées en retard, pondéré par les montants ; "
                "DSO = encours fin de mois / CA TTC des douze mois qui finissent avec lui (depuis la "
                "première facture si plus tard) x jours de ces mois",
                f"Coûts unitaires : courrier {money(company.relance_cost_letter)}, "
                f"LRAR {money(company.relance_cost_registered_letter)}, "
                f"minute d'appel {money(company.relance_cost_phone_minute)} "
                f"x {company.relance_phone_call_minutes} min par appel",
            ]
            periods = months(self.date_from, self.date_to)
            by_month = Table(workbook, formats, "Indicateurs", self._xlsx_columns(), titles=titles)
            for start, stop in periods:
                raw = self._merge(raw for (month, _c), raw in figures.items() if month == start)
                by_month.add([month_label(start), "Toutes", *self._xlsx_values(raw, start, stop)])
            by_month.close()
            by_category = Table(workbook, formats, "Par catégorie", self._xlsx_columns(), titles=titles[:2])
            for start, stop in periods:
                cells = sorted(
                    ((c, raw) for (month, c), raw in figures.items() if month == start), key=lambda cell: cell[0] or ''
                )
                for category, raw in cells:
                    by_category.add(
                        [
                            month_label(start),
                            categories.get(category, "(sans client)"),
                            *self._xlsx_values(raw, start, stop),
                        ]
                    )
            by_category.close()
            self._xlsx_relances_by_level(workbook, formats)
            workbook.close()
            stream.seek(0)
            return stream.read()

    @api.model
    def _xlsx_columns(self):
        return [
            ("Mois", 10, TEXT),
            ("Catégorie", 22, TEXT),
            ("Échu au début du mois", 15, STOCK),
            ("Recouvré", 14, MONEY),
            ("Taux de recouvrement", 13, PERCENT),
            ("Payé en retard", 14, MONEY),
            ("Délai moyen (j)", 11, DAYS),
            ("Encours fin de mois", 15, STOCK),
            ("CA TTC du mois", 15, MONEY),
            ("CA TTC sur 12 mois", 15, STOCK),
            ("DSO (j)", 9, DAYS),
            ("Relances", 9, INTEGER),
            ("E-mails", 9, INTEGER),
            ("Appels", 9, INTEGER),
            ("Courriers", 9, INTEGER),
            ("LRAR", 9, INTEGER),
            ("Coût des relances", 14, MONEY),
            ("Frais agence / commissaire", 15, MONEY),
            ("Coût du recouvrement", 15, MONEY),
            ("Coût / recouvré", 12, PERCENT),
            ("Sous procédure collective au début du mois", 18, STOCK),
        ]

    def _xlsx_values(self, raw, start, stop):
        kpis = self._kpis(raw, period_days(start, stop))
        return [
            kpis[key]
            for key in (
                'overdue_at_start',
                'recovered',
                'recovery_rate',
                'paid_late_amount',
                'average_delay',
                'receivables',
                'sales',
                'window_sales',
                'dso',
                'relance_count',
                'email_count',
                'phone_count',
                'letter_count',
                'registered_letter_count',
                'relance_cost',
                'fees',
                'collection_cost',
                'cost_ratio',
                'under_procedure_at_start',
            )
        ]

    def _xlsx_relances_by_level(self, workbook, formats):
        table = Table(
            workbook,
            formats,
            "Relances par niveau",
            [
                ("Mois", 10, TEXT),
                ("Scénario", 24, TEXT),
                ("Niveau", 34, TEXT),
                ("Relances", 9, INTEGER),
                ("E-mails", 9, INTEGER),
                ("Appels", 9, INTEGER),
                ("Courriers", 9, INTEGER),
                ("LRAR", 9, INTEGER),
            ],
        )
        groups = self.env['account.relance']._read_group(
            [
                ('company_id', '=', self.company_id.id),
                ('state', 'in', ('sent', 'done')),
                ('date', '>=', self.date_from),
                ('date', '<=', self.date_to),
            ],
            ['date:month', 'level_id', 'channel_email', 'channel_phone', 'channel_letter', 'channel_registered_letter'],
            ['__count'],
            order='date:month, level_id',
        )
        counts = defaultdict(lambda: [0] * 5)
        for month, level, email, phone, letter, registered, count in groups:
            row = counts[month, level]
            row[0] += count
            for index, flag in enumerate((email, phone, letter, registered), start=1):
                row[index] += count if flag else 0
        for (month, level), row in counts.items():
            # levels of different scenarios may share a name: the scenario tells them apart
            table.add([month_label(month), level.scenario_id.name or "", level.name, *row])
        table.close()
