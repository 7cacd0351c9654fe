import math
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.date_utils import parse_date
from odoo.tools.misc import get_lang

from ..core.calendar import days_overdue
from ..core.penalties import (
    InstallmentDue,
    assess_consumer,
    assess_professional,
    assessment_text,
    half_year_of,
    periods_of,
    recovery_indemnity,
    semester_label,
)
from ..core.prescription import prescription_date
from .batch_sql import rows_by_key


@dataclass
class PenaltyLoad:
    """What the penalties of a set of invoices read, once for all of them, and what is the same
    for many of them, kept as it is worked out."""

    statutory: dict  # ECB + 10 points by half-year, the engine's ``rate_for_day``
    legal_rates: list
    ecb_to_verify: set
    legal_to_verify: set
    invoiced: dict  # account.move._relance_invoiced_penalties
    installments_of: dict  # {move id: [core.penalties.InstallmentDue]}
    penalty_moves: set  # ids of the penalty invoices themselves: no penalties on penalties
    days: dict  # {company: the day of the penalties}
    clients: dict = field(default_factory=dict)  # {(client, company): (consumer, contract rate)}
    indemnities: dict = field(default_factory=dict)  # {(currency, company, day): (amount, text)}
    conversions: dict = field(default_factory=dict)  # {(currency, company): day -> rate}
    to_verify: dict = field(default_factory=dict)  # {half-years used: text}


class AccountMove(models.Model):
    _inherit = 'account.move'

    relance_line_ids = fields.One2many('account.relance.line', 'move_id', "Relance lines")
    relance_file_id = fields.Many2one(
        'account.relance.file',
        "Relance file",
        compute='_compute_relance_file',
        help="The open relance file of the client in the company of the invoice.",
    )
    relance_level_id = fields.Many2one(
        'account.relance.level',
        "Relance level",
        compute='_compute_relance_file',
        search='_search_relance_level_id',
        help="Level reached by the relance file of the client: the level of its last relance that went out.",
    )
    relance_last_date = fields.Date(
        "Last relance",
        compute='_compute_relance_last_date',
        store=True,
        help="Date of the last relance that went out listing this invoice.",
    )
    relance_next_date = fields.Date(
        "Next relance",
        compute='_compute_relance_file',
        search='_search_relance_next_date',
        help="When the daily run plans the next relance of the client's file.",
    )
    relance_days_overdue = fields.Integer("Days overdue", compute='_compute_relance_days_overdue')
    relance_open = fields.Boolean(
        "Still to be paid",
        compute='_compute_relance_open',
        search='_search_relance_open',
        help="A posted customer invoice with an installment still to be paid: the rule the relances follow.",
    )
    relance_excluded = fields.Boolean(
        "Excluded from relances",
        copy=False,
        tracking=True,
        help="The invoice is never reminded, whatever its lateness.",
    )
    relance_exclusion_reason = fields.Char("Exclusion reason", copy=False, tracking=True)
    relance_dispute = fields.Boolean(
        "In dispute",
        copy=False,
        tracking=True,
        help="The client disputes the invoice (litige): it is not reminded until the dispute is "
        "resolved, then continues from the level it had reached.",
    )
    relance_dispute_reason = fields.Char("Dispute reason", copy=False, tracking=True)
    relance_dispute_date = fields.Date("Disputed since", copy=False, tracking=True)
    relance_risk_category = fields.Selection(related='commercial_partner_id.relance_risk_category')
    relance_count = fields.Integer("Relance count", compute='_compute_relance_count')
    relance_prescription_date = fields.Date(
        "Prescription date",
        compute='_compute_relance_prescription_date',
        store=True,
        help="Last day to claim the oldest open installment in court: 5 years between merchants "
        "(Code de commerce L110-4), 2 years against a consumer (Code de la consommation "
        "L218-2), from the due date.",
    )
    relance_prescription_warned = fields.Boolean(copy=False, readonly=True)
    relance_penalty_amount = fields.Monetary(
        "Late-payment penalties",
        compute='_compute_relance_penalties',
        help="Penalties accrued at the date of the relance (today by default) and not invoiced yet, "
        "Code de commerce L441-10: ECB rate + 10 points by half-year, or the contract rate. For a "
        "consumer: legal interest from the mise en demeure.",
    )
    relance_indemnity_amount = fields.Monetary(
        "Recovery indemnity",
        compute='_compute_relance_penalties',
        help="Fixed indemnity of 40 € per late invoice owed by professionals (D441-5).",
    )
    relance_penalty_invoiced_amount = fields.Monetary(
        "Penalties already invoiced",
        compute='_compute_relance_penalties',
        help="Penalties, indemnity or interest of this invoice already charged by a penalty invoice or "
        "the interest invoice of a payment schedule: relances list that invoice and do not claim "
        "them again.",
    )
    relance_total_claimed = fields.Monetary(
        "Total claimed",
        compute='_compute_relance_penalties',
        help="Amount due, penalties and indemnity not invoiced yet.",
    )
    relance_penalty_warning = fields.Char(
        "Penalty warning",
        compute='_compute_relance_penalties',
        help="Why the penalties could not be computed (a missing rate), or a rate used that is still to verify.",
    )
    relance_schedule_ids = fields.Many2many(
        'account.relance.schedule',
        'account_relance_schedule_move_rel',
        'move_id',
        'schedule_id',
        "Payment schedules",
        readonly=True,
        copy=False,
    )
    relance_schedule_id = fields.Many2one(
        'account.relance.schedule',
        "Payment schedule",
        compute='_compute_relance_schedule_id',
        help="The payment schedule agreed or kept that covers the invoice: it is not reminded meanwhile.",
    )

    @api.depends('relance_line_ids.relance_state', 'relance_line_ids.relance_date')
    def _compute_relance_last_date(self):
        # Saved invoices: one grouped read for all of them, not the whole relance history of
        # each loaded into memory (a day's sending recomputes it for thousands of invoices).
        saved = self.filtered(lambda move: isinstance(move.id, int))
        last = (
            dict(
                self.env['account.relance.line']._read_group(
                    [('move_id', 'in', saved.ids), ('relance_state', 'in', ('sent', 'done'))],
                    ['move_id'],
                    ['relance_date:max'],
                )
            )
            if saved
            else {}
        )
        for move in self:
            if isinstance(move.id, int):  # a dict lookup, not a search of ``saved`` per invoice
                move.relance_last_date = last.get(move, False)
                continue
            went_out = move.relance_line_ids.filtered(lambda line: line.relance_state in ('sent', 'done'))
            move.relance_last_date = max(went_out.mapped('relance_date'), default=False)

    @api.depends(
        'commercial_partner_id.relance_file_ids.level_id',
        'commercial_partner_id.relance_file_ids.state',
        'commercial_partner_id.relance_file_ids.next_date',
        'company_id',
        'payment_state',
        'relance_excluded',
        'relance_dispute',
    )
    def _compute_relance_file(self):
        files = self.env['account.relance.file'].search(
            [
                ('state', '=', 'open'),
                ('partner_id', 'in', self.commercial_partner_id.ids),
                ('company_id', 'in', self.company_id.ids),
            ]
        )
        by_key = {(file.partner_id.id, file.company_id.id): file for file in files}
        for move in self:
            file = by_key.get((move.commercial_partner_id.id, move.company_id.id), files.browse())
            move.relance_file_id = file
            move.relance_level_id = file.level_id
            chased = bool(file) and bool(move._relance_open_installments(chased=True))
            move.relance_next_date = file.next_date if chased else False

    def _search_relance_level_id(self, operator, value):
        return self.env['account.relance.file']._search_level_of_partners(operator, value)

    @api.depends('relance_schedule_ids.state')
    def _compute_relance_schedule_id(self):
        for move in self:
            move.relance_schedule_id = move.relance_schedule_ids.filtered('covering')[:1]

    def _compute_relance_count(self):
        counts = dict(
            self.env['account.relance.line']._read_group(
                [('move_id', 'in', self.ids), ('kind', '=', 'invoice')], ['move_id'], ['relance_id:count_distinct']
            )
        )
        for move in self:
            move.relance_count = counts.get(move, 0)

    def _relance_open_installments(self, chased=False):
        """Open receivable installments of the customer invoices of self (only those the run
        may remind with ``chased``), read from memory: the rule of account.relance.installment."""
        return self.line_ids.filtered_domain(self.env['account.relance.installment']._line_domain(chased))

    @api.depends('state', 'move_type', 'line_ids.reconciled', 'line_ids.amount_residual')
    def _compute_relance_open(self):
        open_moves = self._relance_open_installments().move_id
        for move in self:
            move.relance_open = move in open_moves

    def _search_relance_open(self, operator, value):
        if operator != 'in':
            return NotImplemented
        domain = self.env['account.relance.installment']._move_domain()
        return Domain.OR([domain if wanted else ~domain for wanted in value])

    def _search_relance_next_date(self, operator, value):
        if operator not in ('<', '<=', '>', '>=', '=', '!=', 'in', 'not in'):
            return NotImplemented
        if isinstance(value, str):  # 'today', 'today +7d' or an ISO date from a filter
            value = parse_date(value, self.env)
        files = self.env['account.relance.file'].search([('state', '=', 'open'), ('next_date', operator, value)])
        return Domain.AND(
            [
                Domain('commercial_partner_id', 'in', files.partner_id.ids),
                Domain('company_id', 'in', files.company_id.ids),
                self.env['account.relance.installment']._move_domain(chased=True),
            ]
        )

    @api.depends('line_ids.date_maturity', 'line_ids.reconciled')
    def _compute_relance_days_overdue(self):
        due_date = self.env['account.relance.installment']._due_date
        dues = defaultdict(list)
        for line in self._relance_open_installments():
            dues[line.move_id].append(due_date(line))
        today = {company: company._relance_today() for company in self.company_id}
        for move in self:
            move.relance_days_overdue = days_overdue(min(dues[move]), today[move.company_id]) if dues[move] else 0

    @api.depends(
        'line_ids.date_maturity',
        'line_ids.reconciled',
        'state',
        'move_type',
        'commercial_partner_id.is_company',
        'commercial_partner_id.company_registry',
        'commercial_partner_id.vat',
        'commercial_partner_id.relance_consumer_choice',
    )
    def _compute_relance_prescription_date(self):
        due_date = self.env['account.relance.installment']._due_date
        dues = defaultdict(list)
        for line in self._relance_open_installments():
            dues[line.move_id].append(due_date(line))
        for move in self:
            dues_of = dues[move]
            move.relance_prescription_date = (
                prescription_date(min(dues_of), move.commercial_partner_id._relance_consumer_in(move.company_id))
                if dues_of
                else False
            )

    @api.depends(
        'line_ids.matched_credit_ids', 'amount_residual', 'commercial_partner_id', 'relance_line_ids.relance_state'
    )
    @api.depends_context('relance_date')
    def _compute_relance_penalties(self):
        for move, result in self._relance_penalties().items():
            move.relance_penalty_amount = result['penalties']
            move.relance_indemnity_amount = result['indemnity']
            move.relance_penalty_invoiced_amount = result['penalties_invoiced'] + result['indemnity_invoiced']
            move.relance_total_claimed = move.amount_residual + result['penalties'] + result['indemnity']
            move.relance_penalty_warning = "\n".join(filter(None, [result['warning'], result['to_verify']])) or False

    def _relance_invoiced_penalties(self):
        """What was invoiced already for each late invoice (penalty invoices of the wizard and
        interest invoices of payment schedules, not cancelled):
        {move: {'penalty': amount, 'indemnity': amount, 'invoices': account.move}}."""
        invoiced = defaultdict(lambda: {'penalty': 0.0, 'indemnity': 0.0, 'invoices': self.browse()})
        saved = [move_id for move_id in self.ids if isinstance(move_id, int)]
        Line = self.env['account.move.line']
        # Looked up by late invoice (batch_sql.rows_by_key): few invoices have penalty invoices.
        for _line, origin_id, kind, amount, move_id in sorted(
            rows_by_key(
                self.env,
                saved,
                SQL(
                    """
                SELECT id, relance_penalty_origin_id, relance_penalty_kind, price_subtotal, move_id
                  FROM account_move_line
                 WHERE relance_penalty_origin_id = key.id AND parent_state != 'cancel'
                """
                ),
                to_flush=[
                    Line._fields[name]
                    for name in (
                        'relance_penalty_origin_id',
                        'relance_penalty_kind',
                        'price_subtotal',
                        'move_id',
                        'parent_state',
                    )
                ],
            )
        ):
            origin = self.browse(origin_id)
            invoiced[origin][kind or 'penalty'] += amount or 0.0
            invoiced[origin]['invoices'] |= self.browse(move_id)
        return invoiced

    def _relance_penalties(self, on_date=None):
        """What each invoice owes beyond its principal at ``on_date`` (context key
        ``relance_date``, else today in the company's timezone), in the invoice currency:
        {move: {'penalties', 'indemnity': still to claim, i.e. accrued less already invoiced;
        'penalties_accrued', 'indemnity_accrued', 'penalties_invoiced', 'indemnity_invoiced',
        'kind': 'penalty' or 'legal_interest', 'detail': the French text a letter prints,
        'warning': a missing rate, 'to_verify': the rates used still to verify (screen only)}}.

        Three steps: ``_relance_penalty_load`` reads the rates, the installments with their
        reconciliations and what was invoiced already, for all the invoices at once;
        ``core.penalties`` assesses each invoice (the law, see there: L441-10 penalties and the
        D441-5 indemnity for a professional, legal interest after a mise en demeure for a
        consumer); ``core.penalties.assessment_text`` writes what the letter says. What penalty
        or interest invoices already charged is not claimed again.
        """
        load = self._relance_penalty_load(on_date)
        return {move: move._relance_penalty_result(load) for move in self}

    @api.model
    def _relance_warn_prescriptions(self, company, on_date, within_days=90):
        """An activity on each open invoice that will be prescribed within 90 days, once."""
        moves = self.search(
            [
                ('company_id', '=', company.id),
                ('relance_open', '=', True),
                ('relance_prescription_date', '<=', on_date + timedelta(days=within_days)),
                ('relance_prescription_warned', '=', False),
            ]
        )
        for move in moves:
            # mail_activity_quick_update: no "assigned to you" e-mail per activity of the run.
            move.with_context(mail_activity_quick_update=True).activity_schedule(
                'mail.mail_activity_data_warning',
                date_deadline=on_date,
                summary=self.env._("Prescribed on %s: act in court before", move.relance_prescription_date),
                user_id=company._relance_responsible(move.invoice_user_id, move.commercial_partner_id.user_id).id,
            )
        moves.write({'relance_prescription_warned': True})
        return moves

    def _relance_penalties_in(self, company, on_date):
        """Penalties and indemnity of the invoices of self at ``on_date``, in their currency and
        in ``company``'s: {move id: {'penalties', 'indemnity', 'warning', 'penalties_company',
        'indemnity_company'} and the rest of ``_relance_penalties``}. Each currency is converted
        once."""
        rates, result = {}, {}
        for move, amounts in self.sorted('id')._relance_penalties(on_date).items():
            currency = move.currency_id
            if currency not in rates:
                rates[currency] = currency._get_conversion_rate(currency, company.currency_id, company, on_date)
            result[move.id] = dict(
                amounts,
                penalties_company=company.currency_id.round(amounts['penalties'] * rates[currency]),
                indemnity_company=company.currency_id.round(amounts['indemnity'] * rates[currency]),
            )
        return result

    def _relance_penalty_load(self, on_date=None):
        """What the penalties of the invoices of self read, once for all of them (PenaltyLoad)."""
        installments_of, penalty_moves = self._relance_penalty_inputs()
        return PenaltyLoad(
            statutory=self.env['account.relance.ecb.rate']._penalty_rates(),
            legal_rates=self.env['account.relance.legal.rate']._rates_table(),
            ecb_to_verify=self.env['account.relance.ecb.rate']._to_verify_half_years(),
            legal_to_verify=self.env['account.relance.legal.rate']._to_verify_half_years(),
            invoiced=self._relance_invoiced_penalties(),
            installments_of=installments_of,
            penalty_moves=penalty_moves,
            days={
                company: fields.Date.to_date(
                    on_date or self.env.context.get('relance_date') or company._relance_today()
                )
                for company in self.company_id
            },
        )

    def _relance_penalty_assessment(self, load):
        """The ``core.penalties.Assessment`` of the invoice, from what ``load`` read."""
        self.ensure_one()
        client, company = self.commercial_partner_id, self.company_id
        if (client, company) not in load.clients:  # the same for every invoice of the client
            load.clients[client, company] = (
                client._relance_consumer_in(company),
                client.with_company(company).relance_contract_rate or company.relance_contract_rate,
            )
        consumer, contract_rate = load.clients[client, company]
        installments = load.installments_of.get(self.id, ())
        day = self._relance_penalty_day(load.days[company])
        if consumer:
            return assess_consumer(installments, self._relance_notice_start(), day, load.legal_rates)
        return assess_professional(
            installments,
            day,
            load.statutory,
            load.legal_rates,
            contract_rate=contract_rate,
            freeze_rate=company.relance_freeze_penalty_rate,
        )

    def _relance_penalty_day(self, day):
        """The day penalties and interest are counted to: ``day``, or the judgment of a
        procédure collective of the client when the invoice was born before it (interest stops
        running, L622-28; the indemnity already owed stays)."""
        self.ensure_one()
        procedure = self.env['account.relance.insolvency']._holding(self)
        return min(day, procedure.judgment_date) if procedure else day

    def _relance_penalty_result(self, load):
        """The entry of the invoice in ``_relance_penalties``."""
        self.ensure_one()
        invoiced = load.invoiced[self] if self in load.invoiced else None
        result = {
            'penalties': 0.0,
            'indemnity': 0.0,
            'penalties_accrued': 0.0,
            'indemnity_accrued': 0.0,
            'penalties_invoiced': invoiced['penalty'] if invoiced else 0.0,
            'indemnity_invoiced': invoiced['indemnity'] if invoiced else 0.0,
            'kind': 'penalty',
            'detail': False,
            'warning': False,
            'to_verify': False,
            'periods': [],
        }
        if not self.env['account.relance.installment']._is_customer_invoice(self) or self.id in load.penalty_moves:
            return result  # no penalties on penalties
        assessment = self._relance_penalty_assessment(load)
        if assessment.kind == 'penalty' and assessment.late_since is None:
            return result  # paid in time
        round_ = self.currency_id.round
        indemnity, converted = self._relance_indemnity(load, assessment.late_since)
        result.update(
            kind=assessment.kind,
            penalties_accrued=round_(float(assessment.accrued)),
            indemnity_accrued=indemnity,
            warning=self._relance_penalty_warning(assessment),
            to_verify=self._relance_rates_to_verify(load, assessment),
        )
        result['penalties'] = max(round_(result['penalties_accrued'] - result['penalties_invoiced']), 0.0)
        result['indemnity'] = max(round_(result['indemnity_accrued'] - result['indemnity_invoiced']), 0.0)
        already = None
        if result['penalties_invoiced'] or result['indemnity_invoiced']:
            charged = result['penalties_invoiced'] + result['indemnity_invoiced']
            already = (
                ", ".join(invoiced['invoices'].mapped('display_name')),
                self.currency_id._relance_money(charged),
            )
        result['detail'] = assessment_text(assessment, converted, already) or False
        result['periods'] = self._relance_period_values(assessment)
        return result

    @api.model
    def _relance_period_values(self, assessment):
        """The periods of an assessment as a relance line keeps them (JSON): [{'start', 'end'
        (ISO dates), 'days', 'base', 'rate', 'amount'}], amounts in the invoice currency rounded
        to the cent and adding up to the penalties accrued."""
        return [
            {
                'start': period.start.isoformat(),
                'end': period.end.isoformat(),
                'days': period.days,
                'base': float(period.base),
                'rate': float(period.rate),
                'amount': float(period.amount),
            }
            for period in periods_of(assessment.breakdowns)
        ]

    def _relance_indemnity(self, load, late_since):
        """(amount, the amount as a letter writes it when the invoice is not in euros) of the
        D441-5 indemnity of the invoice, converted at the rate of ``late_since``; (0, None)
        when nothing is late."""
        if late_since is None:
            return 0.0, None
        key = (self.currency_id, self.company_id, late_since)
        if key not in load.indemnities:  # the same for every invoice of that currency and due date
            amount = float(recovery_indemnity(True))
            # By its ISO code: env.ref would check the record exists, one query per invoice.
            if self.currency_id.name == 'EUR':
                load.indemnities[key] = (amount, None)
            else:
                pair = (self.currency_id, self.company_id)
                if pair not in load.conversions:
                    load.conversions[pair] = self._relance_conversion(self.env.ref('base.EUR'), *pair)
                amount = self.currency_id.round(amount * load.conversions[pair](late_since))
                load.indemnities[key] = (amount, self.currency_id._relance_money(amount))
        return load.indemnities[key]

    @api.model
    def _relance_rates_to_verify(self, load, assessment):
        """The rates an assessment used that are still to verify, for the screen, or False."""
        verify = (
            tuple(sorted(assessment.ecb_half_years & load.ecb_to_verify)),
            tuple(sorted(assessment.legal_half_years & load.legal_to_verify)),
        )
        if verify not in load.to_verify:  # the same few half-years for most invoices
            label = self.env['account.relance.half.year']._half_year_label
            to_verify = [self.env._("ECB rate of %s", label(*key)) for key in verify[0]]
            to_verify += [self.env._("legal interest rate of %s", label(*key)) for key in verify[1]]
            load.to_verify[verify] = bool(to_verify) and self.env._("Rate to verify: %s", ", ".join(to_verify))
        return load.to_verify[verify]

    @api.model
    def _relance_penalty_warning(self, assessment):
        """Why the penalties or the interest of an assessment could not be computed, for the
        screen: the rate to enter under Configuration."""
        missing = assessment.missing
        if missing is None:
            return False
        half_year = self.env['account.relance.half.year']._half_year_label(missing.year, missing.half)
        if assessment.kind == 'legal_interest':
            return self.env._("No legal interest rate for %s: add it under Configuration.", half_year)
        # The legal rate is missing when a contract rate's floor cannot be checked; any other
        # missing rate is the ECB table's.
        legal = missing.what == "legal interest rate"
        return self.env._(
            "No %(what)s for %(half_year)s: add it under Configuration.",
            what=self.env._("legal interest rate") if legal else self.env._("ECB rate"),
            half_year=half_year,
        )

    @api.model
    def _relance_conversion(self, from_currency, to_currency, company):
        """day -> the rate ``res.currency._convert`` applies from ``from_currency`` into
        ``to_currency`` in ``company`` on that day, from the rates read once (Odoo reads them
        again for every day): the company's last rate on or before the day, else the shared
        one; before any rate, the company's first, else the shared first; else 1."""
        rates = (
            self.env['res.currency.rate']
            .sudo()
            .search_fetch(  # sudo: rates are public figures
                [
                    ('currency_id', 'in', (from_currency | to_currency).ids),
                    ('company_id', 'in', (False, company.root_id.id)),
                ],
                ['currency_id', 'company_id', 'name', 'rate'],
            )
        )
        tables = {
            currency: [
                sorted(
                    (rate.name, rate.rate)
                    for rate in rates
                    if rate.currency_id == currency and bool(rate.company_id) == own
                )
                for own in (True, False)
            ]
            for currency in (from_currency, to_currency)
        }

        def rate_of(currency, day):
            for table in tables[currency]:
                before = bisect_right(table, (day, math.inf))
                if before:
                    return table[before - 1][1]
            return next((table[0][1] for table in tables[currency] if table), 1.0)

        # As Odoo computes it (the inverse of the rate of one into the other): the same float.
        return lambda day: 1 / (rate_of(from_currency, day) / rate_of(to_currency, day))

    def _relance_penalty_inputs(self):
        """The installments of the invoices of self as the penalties read them, in a few
        queries for all of them: ({move id: [core.penalties.InstallmentDue]}, {ids of the
        penalty invoices}). Invoices being edited (not saved yet) are read from memory."""
        Installment = self.env['account.relance.installment']
        if not all(isinstance(move_id, int) for move_id in self.ids):
            return (
                {
                    move.id: [
                        InstallmentDue(
                            Installment._due_date(line),
                            line.amount_currency,
                            tuple(line._relance_partials()),
                            line.reconciled,
                        )
                        for line in move.line_ids.filtered(lambda aml: aml.display_type == 'payment_term')
                    ]
                    for move in self
                },
                {move.id for move in self if move.line_ids.relance_penalty_origin_id},
            )
        rows, penalty_moves = [], set()
        # Every line of the invoices, looked up by invoice: their installments, and whether they
        # are penalty invoices themselves.
        for line_id, move_id, display_type, due, reconciled, amount, penalty in sorted(
            rows_by_key(
                self.env,
                self.ids,
                SQL(
                    """
                    SELECT aml.id, aml.move_id, aml.display_type, %s, aml.reconciled, aml.amount_currency,
                           aml.relance_penalty_origin_id IS NOT NULL
                      FROM account_move_line aml JOIN account_move move ON move.id = aml.move_id
                     WHERE aml.move_id = key.id
                    """,
                    Installment._due_sql(),
                ),
                to_flush=[
                    *(
                        self.env['account.move.line']._fields[name]
                        for name in (
                            'move_id',
                            'display_type',
                            'date_maturity',
                            'reconciled',
                            'amount_currency',
                            'relance_penalty_origin_id',
                        )
                    ),
                    self._fields['invoice_date'],
                    self._fields['date'],
                ],
            )
        ):
            if display_type == 'payment_term':
                rows.append((move_id, line_id, due, amount, reconciled))
            if penalty:
                penalty_moves.add(move_id)
        partials_of = self.env['account.move.line']._relance_partials_of([row[1] for row in rows])
        installments_of = defaultdict(list)
        for move_id, line_id, due, amount, reconciled in rows:
            installments_of[move_id].append(
                InstallmentDue(due, amount, tuple(partials_of.get(line_id, ())), reconciled)
            )
        return installments_of, penalty_moves

    def _relance_notice_start(self):
        """The day legal interest starts running for a consumer (Code civil 1231-6, 1344-1):
        the first mise en demeure that went out (its acknowledgement of receipt when entered),
        None before any."""
        self.ensure_one()
        notices = self.relance_line_ids.filtered(
            lambda rl: rl.relance_id.tone == 'formal_notice' and rl.relance_state in ('sent', 'done')
        )
        if not notices:
            return None
        notice = notices.relance_id.sorted('date')[:1]
        return notice.acknowledged_on or notice.date

    def _relance_penalty_rate_label(self):
        """How the invoice states its penalty rate (Code de commerce L441-9), in French."""
        self.ensure_one()
        rate = (
            self.commercial_partner_id.with_company(self.company_id).relance_contract_rate
            or self.company_id.relance_contract_rate
        )
        if rate:
            return "de {} %".format(f"{rate:.2f}".replace('.', ','))
        label = "de refinancement de la Banque centrale européenne majoré de 10 points"
        day = self.invoice_date or fields.Date.context_today(self)
        semester = self.env['account.relance.ecb.rate'].search(
            [('date_start', '<=', day)], order='date_start desc', limit=1
        )
        if semester and (day - semester.date_start).days < 184:
            label += " (soit {} % au {})".format(
                f"{semester.penalty_rate:.2f}".replace('.', ','), semester_label(*half_year_of(semester.date_start))
            )
        return label

    def action_view_relances(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('line_ids.move_id', 'in', self.ids)]
        action['context'] = {}
        return action

    _RELANCE_GUARDED_FIELDS = (
        'relance_excluded',
        'relance_exclusion_reason',
        'relance_dispute',
        'relance_dispute_reason',
        'relance_dispute_date',
    )

    def write(self, vals):
        if (
            not self.env.su
            and any(field in vals for field in self._RELANCE_GUARDED_FIELDS)
            and not self.env.user.has_group('account_relance_fr.group_relance_user')
        ):
            changed = [
                field
                for field in self._RELANCE_GUARDED_FIELDS
                if field in vals
                and any(move[field] != self._fields[field].convert_to_cache(vals[field], move) for move in self)
            ]
            if changed:
                raise AccessError(
                    self.env._("Only relance users may exclude an invoice from the relances or mark it in dispute.")
                )
        return super().write(vals)

    def _relance_check_user(self):
        """Relance buttons on invoices are callable over RPC by any Invoicing user: they check
        the relance group themselves."""
        if not self.env.su and not self.env.user.has_group('account_relance_fr.group_relance_user'):
            raise AccessError(self.env._("Only relance users may change how an invoice is reminded."))
        self.check_access('write')

    def action_relance_reinstate(self):
        self._relance_check_user()
        self.write({'relance_excluded': False, 'relance_exclusion_reason': False})

    def _relance_invoice_pdfs(self):
        """The PDF of each invoice, {move: attachment}: the invoice's own PDF, the one Odoo keeps
        on the invoice (``invoice_pdf_report_id``, sent with it); when there is none yet it is
        rendered once, one rendering per invoice (Debian's wkhtmltopdf cannot render several
        documents at once), and becomes the invoice's own PDF, as Odoo does when it sends an
        invoice: every later relance and litigation file attaches that same document."""
        attachments = {move: move.invoice_pdf_report_id for move in self if move.invoice_pdf_report_id}
        missing = self.filtered(lambda m: m not in attachments and m.state == 'posted')
        if missing:
            rendered = self.env['account.relance']._render_each('account.account_invoices', missing)
            # sudo: the invoice PDF is a protected Binary field that account writes in sudo too
            # (account.move.send._link_invoice_documents); the user reads these invoices.
            missing.check_access('read')
            created = (
                self.env['ir.attachment']
                .sudo()
                .create(
                    [
                        {
                            'name': move._get_invoice_report_filename(extension=rendered[move.id][1]),
                            'raw': rendered[move.id][0],
                            'res_model': 'account.move',
                            'res_id': move.id,
                            'res_field': 'invoice_pdf_report_file',
                            'mimetype': 'application/pdf' if rendered[move.id][1] == 'pdf' else 'text/html',
                        }
                        for move in missing
                    ]
                )
            )
            for move, attachment in zip(missing, created):
                if not move.message_main_attachment_id:
                    move.sudo().message_main_attachment_id = attachment
            missing.invalidate_recordset(['invoice_pdf_report_id', 'invoice_pdf_report_file'])
            attachments.update(zip(missing, created.with_env(self.env)))
        return attachments

    # ------------------------------------------------------------------ disputes

    def action_relance_dispute(self):
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_dispute_wizard')
        action['context'] = {'active_model': 'account.move', 'active_ids': self.ids}
        return action

    def action_relance_resolve_dispute(self):
        self._relance_check_user()
        disputed = self.filtered('relance_dispute')
        disputed.write({'relance_dispute': False, 'relance_dispute_reason': False, 'relance_dispute_date': False})
        for move in disputed:
            move.message_post(
                body=self.env._(
                    "Dispute resolved: the relances resume from the level reached (%s).",
                    move.relance_level_id.name or self.env._("none yet"),
                )
            )
        self.env['account.relance.file']._refresh_clients(disputed, reopen=True)

    # ------------------------------------------------------------------ credit limit

    def _relance_credit_blocks(self):
        """Why posting these customer invoices is refused: {move: reason}.

        A client handed over to litigation gets no new credit; nor does one whose receivable,
        with the invoices being posted, would exceed its credit limit (Odoo's own
        ``credit_limit``, when the company uses credit limits; 0 means no limit, as in Odoo).
        """
        blocks = {}
        # Invoicing the penalties of a late client is claiming, not granting credit.
        invoices = self.filtered(
            lambda m: (
                m.move_type == 'out_invoice' and m.amount_total_signed > 0 and not m.line_ids.relance_penalty_origin_id
            )
        )
        limited = {}
        for (company, partner), moves in invoices.grouped(lambda m: (m.company_id, m.commercial_partner_id)).items():
            partner = partner.with_company(company)
            liquidation = self.env['account.relance.insolvency']._in_liquidation(company, partner)
            if liquidation:
                for move in moves:
                    blocks[move] = self.env._(
                        "%(client)s is in liquidation judiciaire since %(date)s: no new invoice on credit.",
                        client=partner.display_name,
                        date=liquidation.judgment_date,
                    )
            elif partner.relance_litigation:
                for move in moves:
                    blocks[move] = self.env._(
                        "%s is handed over to litigation (contentieux): no new invoice on credit.", partner.display_name
                    )
            elif company.account_use_credit_limit and partner.credit_limit:
                limited[company, partner] = moves
        owed = self._relance_receivables(
            {company for company, _partner in limited}, {partner for _company, partner in limited}
        )
        for (company, partner), moves in limited.items():
            total = owed.get((company.root_id.id, partner.id), 0.0) + sum(moves.mapped('amount_total_signed'))
            if company.currency_id.compare_amounts(total, partner.credit_limit) > 0:
                for move in moves:
                    blocks[move] = self._relance_over_limit_words(partner, company.currency_id, total)
        return blocks

    def _relance_over_limit_words(self, partner, currency, total):
        """Why a client may not owe ``total``, in words: over its credit limit, or no credit at
        all (the one-cent limit that stands for it is never written "0,01 €")."""
        lang = get_lang(self.env)
        if partner._relance_no_credit(partner.credit_limit, currency):
            return self.env._(
                "%(client)s has no credit (payment before delivery) and would owe %(total)s.",
                client=partner.display_name,
                total=currency._relance_money(total, lang),
            )
        return self.env._(
            "%(client)s would owe %(total)s, over its credit limit of %(limit)s.",
            client=partner.display_name,
            total=currency._relance_money(total, lang),
            limit=currency._relance_money(partner.credit_limit, lang),
        )

    def _build_credit_warning_message(self, record, current_amount=0.0, exclude_current=False, exclude_amount=0.0):
        """Odoo's banner reads "has reached its credit limit of: 0,01 €" for a client without
        credit: it says so in words, as the block does."""
        message = super()._build_credit_warning_message(
            record, current_amount=current_amount, exclude_current=exclude_current, exclude_amount=exclude_amount
        )
        partner = record.partner_id.commercial_partner_id
        currency = record.company_id.currency_id
        if message and partner._relance_no_credit(partner.credit_limit, currency):
            _first, newline, rest = message.partition('\n')
            message = self.env._("%s has no credit: payment before delivery.", partner.name) + newline + rest
        return message

    @api.model
    def _relance_receivables(self, companies, partners):
        """What each client owes today in each company group (posted, unreconciled receivables),
        the total Odoo compares with the credit limit, read afresh in one query:
        {(root company id, commercial partner id): amount}."""
        if not partners:
            return {}
        self.env['account.move.line'].flush_model()
        installments = self.env['account.relance.installment']
        return {
            (root_id, partner_id): owed
            for root_id, partner_id, owed in self.env.execute_query(
                SQL(
                    """
                SELECT split_part(company.parent_path, '/', 1)::int AS root_id,
                       partner.commercial_partner_id, SUM(aml.amount_residual)
                  FROM %(tables)s
                  JOIN res_partner partner ON partner.id = aml.partner_id
                  JOIN res_company company ON company.id = aml.company_id
                 WHERE partner.commercial_partner_id = ANY(%(partners)s)
                   AND split_part(company.parent_path, '/', 1)::int = ANY(%(roots)s)
                   AND %(receivable)s AND NOT aml.reconciled
              GROUP BY 1, 2
                """,
                    tables=installments._from_sql(),
                    receivable=installments._receivable_sql(),
                    partners=[p.id for p in partners],
                    roots=list({c.root_id.id for c in companies}),
                )
            )
        }

    def action_post(self):
        """The Confirm button of the invoice form (context ``relance_credit_check``, set by the
        button as Odoo sets ``disable_abnormal_invoice_detection``) refuses a client over its
        credit limit or in litigation, or offers a relance manager to post anyway with a reason.

        The rule is for people: code that posts (an online payment confirming its invoice, the
        interest invoice of a payment schedule, ``_post`` from other modules) is never blocked
        nor turned into a wizard.
        """
        if self.env.context.get('relance_credit_check'):
            blocks = self._relance_credit_blocks()
            if blocks:
                if self.env.user.has_group('account_relance_fr.group_relance_manager'):
                    return {
                        'type': 'ir.actions.act_window',
                        'res_model': 'account.relance.credit.override.wizard',
                        'name': self.env._("Post over the credit limit"),
                        'view_mode': 'form',
                        'target': 'new',
                        'context': {'default_move_ids': self.ids},
                    }
                raise UserError(
                    "\n".join(sorted(set(blocks.values())))
                    + "\n"
                    + self.env._("A relance manager may post it anyway, giving a reason.")
                )
        return super().action_post()
