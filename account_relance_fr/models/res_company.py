import pytz

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError

from ..core.aging import DEFAULT_BOUNDS, MAX_BOUNDS, BoundsError, format_bounds, parse_bounds
from ..core.risk import CRITERIA, DEFAULT_THRESHOLDS, threshold_problems


class ResCompany(models.Model):
    _inherit = 'res.company'

    relance_level_ids = fields.One2many('account.relance.level', 'company_id', "Relance levels")
    relance_aging_bounds = fields.Char(
        "Aged balance buckets",
        required=True,
        default=format_bounds(DEFAULT_BOUNDS),
        help="Upper limits in days overdue of the buckets of the aged balance, separated by "
        "commas: 30,60,90,120 gives 1-30, 31-60, 61-90, 91-120 and more than 120 days.",
    )
    relance_cost_letter = fields.Monetary(
        "Cost of a postal letter",
        currency_field='currency_id',
        default=1.80,
        help="Printing, envelope and stamp: used by the collection KPIs.",
    )
    relance_cost_registered_letter = fields.Monetary(
        "Cost of a registered letter",
        currency_field='currency_id',
        default=7.50,
        help="Lettre recommandée avec accusé de réception: used by the collection KPIs.",
    )
    relance_cost_phone_minute = fields.Monetary(
        "Cost of a minute of call",
        currency_field='currency_id',
        default=0.60,
        help="Time of the collector on the phone: used by the collection KPIs.",
    )
    relance_phone_call_minutes = fields.Float("Average call length (minutes)", default=5.0, digits=(5, 1))
    relance_scenario_ids = fields.One2many('account.relance.scenario', 'company_id', "Relance scenarios")
    relance_collector_id = fields.Many2one(
        'res.users',
        "Collector",
        help="Responsible for the relances and receives their phone-call activities. Empty: "
        "the salesperson of the invoice, else of the client, else the user running the relance.",
    )
    relance_retention_of_title = fields.Boolean(
        "Terms of sale with réserve de propriété",
        help="The goods remain the company's until paid: in a procédure collective of a client they "
        "are claimed back (revendication) within 3 months of the publication (L624-9).",
    )
    relance_attach_invoices = fields.Boolean("Attach invoices to relance e-mails", default=True)
    relance_contract_rate = fields.Float(
        "Contract penalty rate (%)",
        digits=(5, 2),
        help="Late-payment penalty rate of your terms of sale. Empty: the legal rate, ECB rate "
        "+ 10 points. It may not be below 3 times the legal interest rate (L441-10).",
    )
    # Code de commerce R123-237: the letters of a registered company state its legal form,
    # share capital and RCS registration (SIREN + "RCS" + city of the registry).
    relance_legal_form = fields.Char(
        "Legal form", help="Printed on relance letters, e.g. SARL, SAS, SA (Code de commerce R123-237)."
    )
    relance_share_capital = fields.Monetary(
        "Share capital", currency_field='currency_id', help="Printed on relance letters (R123-237)."
    )
    relance_rcs_city = fields.Char(
        "RCS city",
        help="City of the trade and companies register (greffe), printed with the SIREN: \"RCS Lyon 812 345 678\".",
    )
    relance_formal_notice_days = fields.Integer(
        "Days to pay after a mise en demeure",
        default=8,
        help="Deadline given by the mise en demeure, counted from its date.",
    )
    relance_invoice_mentions = fields.Boolean(
        "Late-payment mentions on invoices",
        default=True,
        help="Print on customer invoices the mentions of Code de commerce L441-9: due date, "
        "early-payment discount, penalty rate and, for professionals, the 40 € indemnity.",
    )
    relance_discount_terms = fields.Char(
        "Early-payment discount",
        translate=True,
        default="Pas d'escompte pour paiement anticipé.",
        help="Conditions of early-payment discount printed on invoices.",
    )
    relance_penalty_account_id = fields.Many2one(
        'account.account',
        "Penalty income account",
        check_company=True,
        help="Income account of the invoices of late-payment penalties and indemnities "
        "(PCG 763 or 758 for instance). Empty: the default income account of the sales journal.",
    )
    relance_freeze_penalty_rate = fields.Boolean(
        "Freeze the penalty rate",
        help="Apply to the whole lateness the rate of the half-year in which it began, instead "
        "of each half-year's own rate.",
    )
    relance_schedule_grace_days = fields.Integer(
        "Grace days of payment schedules",
        default=5,
        help="Days after the due date of an installment before it counts as missed and the payment schedule is broken.",
    )
    relance_schedule_reminder_days = fields.Integer(
        "Reminder before an installment (days)",
        default=5,
        help="Days before the due date of each installment of a payment schedule when the "
        "client gets a reminder e-mail.",
    )

    # The client's side: statement, portal page, promises to pay, call outcomes.
    relance_statement_from_tone = fields.Selection(
        [
            ('never', "Never"),
            ('preventive', "Every relance"),
            ('cordial', "From the cordial reminder"),
            ('firm', "From the firm reminder"),
            ('severe', "From the severe reminder"),
            ('last_notice', "From the last reminder"),
            ('formal_notice', "Mise en demeure only"),
        ],
        "Attach the statement to relance e-mails",
        required=True,
        default='severe',
        help="The customer statement (relevé de compte) goes with the relance e-mails of this tone and above.",
    )
    relance_promise_limit_days = fields.Integer(
        "Longest promise to pay (days)",
        default=30,
        help="A client may promise to pay at the latest this many days after the day of the promise.",
    )
    relance_promise_grace_days = fields.Integer(
        "Grace days of promises to pay",
        default=3,
        help="Days after the promised date during which the relances stay paused, the time for "
        "the payment to show on the bank statement.",
    )
    relance_portal_answer_limit = fields.Integer(
        "Answers per day on a client page",
        default=10,
        help="How many answers (promise, dispute, schedule request) the page of a client's file "
        "takes in one day; beyond, the client is asked to wait until the next day. 0: no limit.",
    )
    relance_portal_penalties_always = fields.Boolean(
        "Show penalties on the client page from the first relance",
        help="By default the client's page and statement show late-payment penalties and the "
        "recovery indemnity once the relances claim them (severe tone and above).",
    )
    relance_call_retry_days = fields.Integer(
        "Call again after no answer (days)",
        default=2,
        help="A relance call that got no answer is planned again this many days later.",
    )

    relance_risk_window_months = fields.Integer(
        "Payment history window (months)",
        default=12,
        help="The risk category of a client is computed from the installments due in these last months.",
    )
    relance_risk_min_installments = fields.Integer(
        "Minimum history (installments)",
        default=3,
        help="The share paid late and the average lateness only count once the window holds at "
        "least this many installments; the longest lateness and the severe relances always count.",
    )
    relance_risk_late_share_occasional = fields.Float(
        "Occasional from: share paid late (%)",
        default=20.0,
        help="A client whose share of installments paid late (%) reaches this value is an occasional late payer.",
    )
    relance_risk_late_share_chronic = fields.Float(
        "Chronic from: share paid late (%)",
        default=50.0,
        help="A client whose share of installments paid late (%) reaches this value is a chronic late payer.",
    )
    relance_risk_average_days_occasional = fields.Float(
        "Occasional from: average lateness (days)",
        default=5.0,
        help="A client whose average lateness weighted by amount (days) reaches this value "
        "is an occasional late payer.",
    )
    relance_risk_average_days_chronic = fields.Float(
        "Chronic from: average lateness (days)",
        default=15.0,
        help="A client whose average lateness weighted by amount (days) reaches this value is a chronic late payer.",
    )
    relance_risk_max_days_occasional = fields.Float(
        "Occasional from: longest lateness (days)",
        default=30.0,
        help="A client whose longest lateness (days) reaches this value is an occasional late payer.",
    )
    relance_risk_max_days_chronic = fields.Float(
        "Chronic from: longest lateness (days)",
        default=60.0,
        help="A client whose longest lateness (days) reaches this value is a chronic late payer.",
    )
    relance_risk_severe_relances_occasional = fields.Float(
        "Occasional from: severe relances",
        default=1.0,
        help="A client whose number of severe relances or above in the window reaches this value "
        "is an occasional late payer.",
    )
    relance_risk_severe_relances_chronic = fields.Float(
        "Chronic from: severe relances",
        default=3.0,
        help="A client whose number of severe relances or above in the window reaches this value "
        "is a chronic late payer.",
    )

    @api.constrains(
        'relance_risk_window_months',
        'relance_risk_min_installments',
        *(f'relance_risk_{criterion}_{category}' for criterion in CRITERIA for category in ('occasional', 'chronic')),
    )
    def _check_relance_risk_thresholds(self):
        labels = {
            'late_share': self.env._("share of installments paid late"),
            'average_days': self.env._("average lateness"),
            'max_days': self.env._("longest lateness"),
            'severe_relances': self.env._("severe relances"),
        }
        for company in self:
            if company.relance_risk_window_months < 1:
                raise ValidationError(self.env._("The payment history window must be at least one month."))
            if company.relance_risk_min_installments < 1:
                raise ValidationError(self.env._("The minimum history is at least one installment."))
            for criterion, problem in threshold_problems(company._relance_risk_thresholds()):
                if problem == 'negative':
                    raise ValidationError(self.env._("Risk thresholds cannot be negative (%s).", labels[criterion]))
                if problem == 'overlap':
                    raise ValidationError(
                        self.env._(
                            "The occasional threshold of the %s must be below its chronic threshold, "
                            "otherwise the two categories overlap.",
                            labels[criterion],
                        )
                    )
                raise ValidationError(self.env._("A share of installments paid late cannot exceed 100 %%."))

    def _relance_siren(self):
        """The SIREN: the first 9 digits of the SIRET (company registry)."""
        self.ensure_one()
        digits = "".join(ch for ch in (self.company_registry or "") if ch.isdigit())
        return digits[:9] if len(digits) >= 9 else ""

    def _relance_legal_identification(self):
        """The identification line of the letterhead, in French: "SARL au capital de 10 000,00 € –
        RCS Lyon 812 345 678 – TVA FR12812345678"."""
        self.ensure_one()
        parts = []
        if self.relance_legal_form:
            parts.append(
                self.relance_legal_form
                + (
                    f" au capital de {self.currency_id._relance_money(self.relance_share_capital)}"
                    if self.relance_share_capital
                    else ""
                )
            )
        siren = self._relance_siren()
        if siren:
            spaced = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
            parts.append(f"RCS {self.relance_rcs_city} {spaced}" if self.relance_rcs_city else f"SIREN {spaced}")
        if self.vat:
            parts.append(f"TVA intracommunautaire {self.vat}")
        return " – ".join(parts)

    def _relance_bank_account(self):
        """The bank account a mise en demeure gives to pay: the one of the company's first bank
        journal that has one."""
        self.ensure_one()
        journal = self.env['account.journal'].search(
            [('company_id', '=', self.id), ('type', '=', 'bank'), ('bank_account_id', '!=', False)],
            order='sequence, id',
            limit=1,
        )
        return journal.bank_account_id

    def _relance_risk_thresholds(self):
        self.ensure_one()
        return {
            criterion: (self[f'relance_risk_{criterion}_occasional'], self[f'relance_risk_{criterion}_chronic'])
            for criterion in DEFAULT_THRESHOLDS
        }

    @api.constrains('relance_contract_rate')
    def _check_relance_contract_rate(self):
        self.env['res.partner']._relance_check_contract_rates(
            self.filtered('relance_contract_rate'), 'relance_contract_rate'
        )

    @api.constrains('relance_aging_bounds')
    def _check_relance_aging_bounds(self):
        for company in self:
            company._relance_aging_bounds()

    def _relance_aging_bounds(self):
        """The bucket bounds of the company as a tuple of days, or a clear ValidationError."""
        self.ensure_one()
        try:
            return parse_bounds(self.relance_aging_bounds)
        except BoundsError as error:
            messages = {
                'empty': self.env._("Give at least one bound, e.g. 30,60,90,120."),
                'not_integer': self.env._("“%s” is not a whole number of days.", error.value),
                'not_positive': self.env._("“%s” is not a positive number of days.", error.value),
                'not_increasing': self.env._(
                    "“%s” is not above the bound before it: bounds must increase strictly.", error.value
                ),
                'too_many': self.env._("%(count)s bounds given, %(max)s at most.", count=error.value, max=MAX_BOUNDS),
            }
            raise ValidationError(
                self.env._(
                    "Aged balance buckets “%(bounds)s” of %(company)s: %(reason)s",
                    bounds=self.relance_aging_bounds or "",
                    company=self.name,
                    reason=messages[error.reason],
                )
            ) from None

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._relance_ensure_default_scenarios()
        return companies

    def _relance_ensure_default_scenarios(self):
        """Give every company without scenarios a copy of the default French ones."""
        # sudo: the default scenarios are read from the main company, to which the user creating
        # a company may not belong, and copied into a company they may not be a member of yet.
        Scenario = self.env['account.relance.scenario'].sudo().with_context(active_test=False)
        defaults = (
            Scenario.browse(
                [
                    data.res_id
                    for data in self.env['ir.model.data']
                    .sudo()
                    .search([('module', '=', 'account_relance_fr'), ('model', '=', 'account.relance.scenario')])
                ]
            )
            .exists()
            .sorted('sequence')
        )
        equipped = {company for [company] in Scenario._read_group([('company_id', 'in', self.ids)], ['company_id'])}
        for company in self:
            if company not in equipped:
                for scenario in defaults:
                    scenario.copy({'company_id': company.id})

    def _relance_today(self):
        """The day it is for the relances of the company, in its timezone (Paris by default).
        A backfill (the demo's history) works as of a past day: the relances it sends carry it."""
        if self.env.context.get('relance_today'):
            return fields.Date.to_date(self.env.context['relance_today'])
        tz = pytz.timezone(self.partner_id.tz or 'Europe/Paris')
        return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()

    def _relance_responsible(self, *candidates, assigned=None):
        """Who receives an activity of the relances of the company: the person ``assigned`` to
        it (the relance's responsible), else the company's collector, else the first of
        ``candidates`` (the salesperson...), else the first relance manager of the company;
        never a technical user (OdooBot, ``__system__``, portal or archived users): a call or a
        deadline must reach a person."""
        self.ensure_one()

        def person(user):
            return user and user.active and not user.share and user.id != SUPERUSER_ID and self in user.company_ids

        for user in (assigned, self.relance_collector_id, *candidates):
            if person(user):
                return user
        managers = self.env.ref('account_relance_fr.group_relance_manager').sudo().all_user_ids
        return next((user for user in managers.sorted('id') if person(user)), self.env['res.users'])
