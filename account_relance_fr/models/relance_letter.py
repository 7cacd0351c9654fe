from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date
from odoo.tools.misc import get_lang

from ..core.calendar import claims_penalties
from ..core.words import amount_in_words, date_in_words

# The dates the tables of a letter print, by (language, its date format, day): a batch of
# e-mails prints the same few hundred dates thousands of times. Bounded, dropped when full.
_DAY_TEXTS = {}
_DAY_TEXTS_MAX = 4096


def is_technical_user(user):
    """OdooBot / __system__, portal or public users, archived users: nobody who can sign."""
    return not user or user._is_superuser() or user.share or not user.active


class AccountRelance(models.Model):
    """What a relance says to the client: the amounts by currency, the figures of the
    penalties, the greeting, the signatory. Kept apart from the preparation and the sending
    of relances (``relance.py``, ``relance_run.py``): letters and e-mails read these."""

    _inherit = 'account.relance'

    signatory_id = fields.Many2one(
        'res.users',
        compute='_compute_signatory_id',
        store=True,
        readonly=False,
        help="Who signs the mise en demeure: the collector by default, never a technical user. "
        "Choose it before validating; the user who validates signs when nobody else can.",
    )
    signatory_function = fields.Char(
        "Signatory's function",
        compute='_compute_signatory_function',
        store=True,
        readonly=False,
        help="Printed under the signatory's name, e.g. Responsable du recouvrement.",
    )
    rates_to_verify = fields.Char(
        "Rates to verify",
        compute='_compute_rates_to_verify',
        help="Rates used in the figures of this relance that are still marked to verify. Shown here "
        "only, never in the letter.",
    )
    amount_by_currency = fields.Char(
        "Total due by currency",
        compute='_compute_amount_by_currency',
        help="What the relance claims in each currency of its invoices, penalties and indemnities "
        "included: the letters claim these amounts, not their equivalent in the company currency.",
    )
    claims_penalties = fields.Boolean(
        "Claims penalties",
        compute='_compute_amount_letter_total',
        help="The letter and the e-mail of this relance claim the penalties and the indemnities on "
        "top of the principal (a professional from the severe reminder on, a mise en demeure).",
    )
    amount_letter_total = fields.Monetary(
        "Total claimed",
        currency_field='company_currency_id',
        compute='_compute_amount_letter_total',
        help="What the letter and the e-mail of this relance ask the client to pay: the amount "
        "claimed, plus the penalties and indemnities when the relance claims them.",
    )
    figures_html = fields.Html(
        "Penalty figures",
        compute='_compute_figures_html',
        sanitize=False,
        help="Per invoice: penalties, rates by half-year with their period, and the indemnity, as "
        "the severe reminders and the mise en demeure print them.",
    )

    @api.depends('user_id', 'company_id.relance_collector_id')
    def _compute_signatory_id(self):
        chosen = self.env['res.users'].browse(self.env.context.get('relance_signatory_id') or [])
        for relance in self:
            candidates = (chosen, relance.company_id.relance_collector_id, relance.user_id)
            relance.signatory_id = next((user for user in candidates if not is_technical_user(user)), False)

    @api.depends('signatory_id')
    def _compute_signatory_function(self):
        for relance in self:
            relance.signatory_function = (
                self.env.context.get('relance_signatory_function') or relance.signatory_id.partner_id.function or False
            )

    @api.depends('line_ids.penalty_to_verify')
    def _compute_rates_to_verify(self):
        for relance in self:
            to_verify = sorted(set(filter(None, relance.line_ids.mapped('penalty_to_verify'))))
            relance.rates_to_verify = "; ".join(to_verify) or False

    @api.depends('line_ids.amount_residual_currency', 'line_ids.penalty_amount', 'line_ids.indemnity_amount', 'tone')
    def _compute_amount_by_currency(self):
        for relance in self:
            relance.amount_by_currency = relance._amounts_text(relance._claimed_key()) if relance.line_ids else False

    @api.depends('tone', 'partner_is_consumer', 'amount_claimed', 'amount_total_due')
    def _compute_amount_letter_total(self):
        for relance in self:
            relance.claims_penalties = relance._claimed_key() == 'total'
            relance.amount_letter_total = (
                relance.amount_total_due if relance.claims_penalties else relance.amount_claimed
            )

    def _claimed_key(self):
        """Which total of ``_amounts_by_currency`` the relance claims: 'total' (penalties and
        indemnities included) or 'claimed' (the principal less the credits), by its tone
        (``core.calendar.claims_penalties``). The one definition the letter, the e-mail and the
        form read."""
        self.ensure_one()
        return 'total' if self.tone and claims_penalties(self.tone, self.partner_is_consumer) else 'claimed'

    @api.depends('line_ids')
    def _compute_figures_html(self):
        for relance in self:
            # The e-mails and the form: the periods line by line (``relance_penalty_periods``).
            relance.figures_html = self.env['ir.qweb']._render(
                'account_relance_fr.relance_figures', {'relance': relance, 'period_lines': True}
            )

    @api.model
    def _penalty_line_values(self, amounts):
        """The values of the relance line that carries an invoice's penalties (its first
        installment listed), from ``account.move._relance_penalties``."""
        return {
            'penalty_amount': amounts['penalties'],
            'indemnity_amount': amounts['indemnity'],
            'penalty_kind': amounts.get('kind') or 'penalty',
            'penalty_detail': amounts.get('detail') or False,
            'penalty_periods': amounts.get('periods') or False,
            'penalty_to_verify': amounts.get('to_verify') or False,
        }

    def action_download_letter(self):
        """The letter the relance printed, downloaded as the PDF (or the page) it is, never the
        form of its technical attachment."""
        self.ensure_one()
        letter = self.letter_attachment_id
        if not letter:
            raise UserError(self.env._("The relance %s has no letter.", self.name))
        letter.check_access('read')
        return {
            'type': 'ir.actions.act_url',
            'url': f"/web/content/{letter.id}?download=true",
            'target': 'download',
        }

    def action_send(self):
        # The signatory is chosen when a mise en demeure is validated: never a technical user.
        for relance in self.filtered(lambda r: r.is_formal_notice and r.state in ('to_validate', 'failed')):
            if is_technical_user(relance.signatory_id):
                if is_technical_user(self.env.user):
                    raise UserError(
                        self.env._("Choose who signs the mise en demeure %s before sending it.", relance.name)
                    )
                relance.signatory_id = self.env.user
        return super().action_send()

    # ------------------------------------------------------------------ amounts by currency

    def _amounts_by_currency(self):
        """What the relance claims in each currency of its documents, company currency first:
        [{'currency', 'principal', 'credits', 'claimed', 'penalties', 'indemnity', 'total',
        'total_company', 'upcoming'}]. ``claimed`` is the overdue principal less the credits of that
        currency (installments not yet due are only listed, in ``upcoming``),
        ``total`` adds the penalties and indemnities; ``total_company`` is its equivalent in the
        company currency, for information only."""
        self.ensure_one()
        groups = {}
        for line in self.line_ids:
            group = groups.setdefault(
                line.currency_id,
                {
                    'currency': line.currency_id,
                    'principal': 0.0,
                    'credits': 0.0,
                    'penalties': 0.0,
                    'indemnity': 0.0,
                    'upcoming': 0.0,
                },
            )
            if line.kind == 'invoice':
                group['principal'] += line.amount_residual_currency
                group['penalties'] += line.penalty_amount
                group['indemnity'] += line.indemnity_amount
            elif line.kind == 'upcoming':  # listed, not claimed: not due yet
                group['upcoming'] += line.amount_residual_currency
            else:
                group['credits'] -= line.amount_residual_currency
        company_currency = self.company_currency_id
        result = []
        for currency, group in groups.items():
            group['claimed'] = currency.round(group['principal'] - group['credits'])
            group['total'] = currency.round(group['claimed'] + group['penalties'] + group['indemnity'])
            group['total_company'] = currency._convert(group['total'], company_currency, self.company_id, self.date)
            result.append(group)
        return sorted(result, key=lambda g: (g['currency'] != company_currency, g['currency'].name))

    def _amounts_text(self, key='claimed'):
        """The amounts of ``key`` in each currency, in words a sentence can hold:
        "1 000,00 € et 1 100,00 $"."""
        self.ensure_one()
        lang = self._letter_lang_data()
        amounts = [
            self._format_amount(group[key], group['currency'], lang=lang)
            for group in self._amounts_by_currency()
            if not group['currency'].is_zero(group[key])
        ]
        if len(amounts) > 1:
            return ", ".join(amounts[:-1]) + " et " + amounts[-1]
        return amounts[0] if amounts else self._format_amount(0.0, lang=lang)

    def _amounts_in_words_text(self):
        """The totals of each currency in words and in figures, as the mise en demeure states
        its claim: "mille euros (1 000,00 €) et de mille dollars ($ 1 000,00)"."""
        self.ensure_one()
        lang = self._letter_lang_data()
        parts = [
            f"{amount_in_words(group['total'], group['currency'].name)} "
            f"({self._format_amount(group['total'], group['currency'], lang=lang)})"
            for group in self._amounts_by_currency()
            if group['currency'].compare_amounts(group['total'], 0.0) > 0
        ]
        return " et de ".join(parts) or amount_in_words(0)

    def _letter_lang_data(self):
        """Letters and e-mails are French: the data of the language their amounts and dates are
        written in (French when installed, else the environment's; cached, no record)."""
        french = self.env['res.lang']._get_data(code='fr_FR')
        return french if french.id else get_lang(self.env)

    def _is_multi_currency(self):
        self.ensure_one()
        return len(self.line_ids.currency_id) > 1 or self.line_ids.currency_id[:1] not in (
            self.company_currency_id,
            self.env['res.currency'],
        )

    def _format_amount(self, amount, currency=None, lang=None):
        """An amount as plain text in the language of the environment (``lang``: the data of
        another one), the company's currency when none is given: the chatter, the activities,
        the sentences and the tables of a relance write amounts this way
        (``res.currency._relance_money``, the one formatter: no invisible mark after a minus)."""
        return (currency or self.company_currency_id)._relance_money(amount, lang or get_lang(self.env))

    @api.model
    def _penalty_period_rows(self, periods, currency, lang=None, in_words=False):
        """The periods of an invoice's penalties (``account.move._relance_period_values``) as
        the letters, e-mails, forms and the client's page print them, in French: [{'start',
        'end', 'days', 'base', 'rate', 'amount'}] as text, each amount being base x rate x days /
        365 rounded to the cent; and their sum, as text. Dates as the tables write them, or
        ``in_words`` as a mise en demeure does ("9 février 2026")."""
        lang = lang or self._letter_lang_data()

        def day(text):
            value = fields.Date.to_date(text)
            return date_in_words(value) if in_words else self._day(value, lang)

        rows = [
            {
                'start': day(period['start']),
                'end': day(period['end']),
                'days': period['days'],
                'base': self._money(period['base'], currency, lang),
                'rate': f"{period['rate']:.2f}".replace('.', lang.decimal_point) + "\N{NO-BREAK SPACE}%",
                'amount': self._money(period['amount'], currency, lang),
            }
            for period in periods or ()
        ]
        total = self._money(sum(period['amount'] for period in periods or ()), currency, lang)
        return rows, total

    def _money(self, amount, currency, lang=None):
        """An amount of the tables of the e-mails and letters, the French way
        (``_letter_lang_data``, or ``lang`` when a table looked it up already)."""
        return self._format_amount(amount, currency, lang=lang or self._letter_lang_data())

    @api.model
    def _day(self, day, lang=None):
        """A date of the tables of the e-mails and letters, as the date widget writes it, the
        French way (``_letter_lang_data``, or ``lang`` when a table looked it up already)."""
        if not day:
            return ''
        lang = lang or self._letter_lang_data()
        key = (lang.code, lang.date_format, day)
        text = _DAY_TEXTS.get(key)
        if text is None:
            if len(_DAY_TEXTS) >= _DAY_TEXTS_MAX:
                _DAY_TEXTS.clear()
            text = _DAY_TEXTS[key] = format_date(self.env, day, lang_code=lang.code)
        return text

    def _amount_in_words(self, amount, currency):
        return amount_in_words(amount, currency.name)

    @api.model
    def _date_in_words(self, day):
        return date_in_words(day)

    def _has_penalty_figures(self):
        self.ensure_one()
        return any(self.invoice_line_ids.mapped('penalty_detail'))

    # ------------------------------------------------------------------ how the client is addressed

    def _civility(self):
        """ "Madame" or "Monsieur" for a person whose civility is known, else empty."""
        self.ensure_one()
        return self.contact_id._relance_civility_word()

    def _addressee_name(self):
        self.ensure_one()
        return self.contact_id._relance_addressee_name()

    def _letter_salutation(self):
        """ "Madame," when the person is known, "Madame, Monsieur," otherwise (without the comma)."""
        self.ensure_one()
        return self._civility() or "Madame, Monsieur"

    def _email_greeting(self):
        """ "Bonjour Madame Jeanne Petit," to a person, "Bonjour," to a company: never
        "Bonjour Agence Horizon SARL,"."""
        self.ensure_one()
        if self.contact_id.is_company or not self.contact_id.name:
            return "Bonjour,"
        return f"Bonjour {self._addressee_name()},"

    def _is_repeat_reminder(self):
        """True when the client was already reminded of one of these installments (apart from
        the preventive reminder): the second courteous reminder does not say "simple oubli" again.
        A batch of e-mails looks it up once for all its relances (``_repeat_reminder_ids``,
        in the context key ``relance_repeats``)."""
        self.ensure_one()
        checked, repeats = self.env.context.get('relance_repeats') or ((), ())
        if self.id not in checked:
            repeats = self._repeat_reminder_ids()
        return self.id in repeats

    def _repeat_reminder_ids(self):
        """The ids of the relances of ``self`` that are repeat reminders (``_is_repeat_reminder``),
        in one search for all of them."""
        earlier = defaultdict(list)  # journal item -> [(relance, date)] of what went out
        for line in self.env['account.relance.line'].search_fetch(
            [
                ('move_line_id', 'in', self.invoice_line_ids.move_line_id.ids),
                ('relance_state', 'in', ('sent', 'done')),
                ('relance_id.tone', '!=', 'preventive'),
            ],
            ['move_line_id', 'relance_id', 'relance_date'],
        ):
            earlier[line.move_line_id.id].append((line.relance_id.id, line.relance_date))
        return frozenset(
            relance.id
            for relance in self
            if any(
                other != relance.id and day <= relance.date
                for item in relance.invoice_line_ids.move_line_id.ids
                for other, day in earlier[item]
            )
        )

    def _bank_account(self):
        self.ensure_one()
        return self.company_id._relance_bank_account()
