from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import get_lang

from ..core.penalties import MissingRate, RateBelowFloor, check_contract_rate
from .batch_sql import update_rows
from .relance_file import NEXT_ACTIONS

RISK_CATEGORIES = [
    ('punctual', "Punctual payer"),
    ('occasional', "Occasional late payer"),
    ('chronic', "Chronic late payer"),
]


class ResPartner(models.Model):
    _inherit = 'res.partner'

    relance_contact_id = fields.Many2one(
        'res.partner',
        "Relance contact",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The person who can unblock the payment; relances are addressed to them. Empty: the client itself.",
    )
    # Suspension, litigation and the contract rate are decided by each company for its own
    # ledger (company-dependent, like the risk category): litigation in one company neither
    # stops the relances nor blocks the invoicing of another.
    relance_suspended = fields.Boolean(
        "Relances suspended",
        company_dependent=True,
        tracking=True,
        help="No relance is prepared for this client in this company while checked.",
    )
    relance_suspension_reason = fields.Char("Suspension reason", company_dependent=True, tracking=True)
    relance_ids = fields.One2many('account.relance', 'partner_id', "Relance history")
    relance_fee_ids = fields.One2many(
        'account.relance.fee',
        'partner_id',
        "Collection fees",
        help="Invoices of collection agencies and commissaires de justice about this client.",
    )
    relance_litigation = fields.Boolean(
        "In litigation",
        company_dependent=True,
        tracking=True,
        help="Handed over to litigation (contentieux) by this company: no more ordinary relances, "
        "no new invoice on credit.",
    )
    relance_litigation_date = fields.Date("In litigation since", company_dependent=True, tracking=True)
    # Payment behaviour is judged per company (each has its own ledger); an ir.default makes
    # every client punctual until its history says otherwise.
    relance_risk_category = fields.Selection(
        RISK_CATEGORIES,
        "Risk category",
        company_dependent=True,
        readonly=True,
        help="Computed every night from the payment history, unless a manager forced it. It "
        "chooses the relance scenario of the client and its suggested credit limit.",
    )
    relance_risk_computed = fields.Selection(
        RISK_CATEGORIES, "Computed risk category", company_dependent=True, readonly=True
    )
    relance_risk_forced = fields.Boolean("Risk category forced", company_dependent=True, readonly=True)
    relance_risk_forced_reason = fields.Char("Reason for forcing", company_dependent=True, readonly=True)
    relance_risk_figures = fields.Text("Payment history figures", company_dependent=True, readonly=True)
    relance_risk_date = fields.Date("Risk computed on", company_dependent=True, readonly=True)
    relance_guarantee_ids = fields.One2many('account.relance.guarantee', 'partner_id', "Guarantees")
    relance_guarantee_amount = fields.Monetary(
        "Valid guarantees", compute='_compute_relance_credit', currency_field='relance_currency_id'
    )
    relance_guarantee_expired = fields.Boolean("Expired guarantee", compute='_compute_relance_credit')
    relance_suggested_credit_limit = fields.Monetary(
        "Suggested credit limit",
        compute='_compute_relance_credit',
        currency_field='relance_currency_id',
        help="What the scenario of the client's risk category suggests, with its valid guarantees. 0: no limit.",
    )
    relance_suggested_credit_text = fields.Char(
        "Suggested credit",
        compute='_compute_relance_credit',
        help="The suggested credit limit in words: an amount, no limit, or no credit at all (Odoo's "
        "limit is then one cent, so that any new invoice goes over it).",
    )
    relance_dispute_move_ids = fields.Many2many(
        'account.move', string="Disputed invoices", compute='_compute_relance_dispute_move_ids'
    )
    relance_consumer_choice = fields.Selection(
        [('consumer', "Consumer"), ('professional', "Professional")],
        "Consumer or professional",
        company_dependent=True,
        help="Set in this company when the default rule is wrong for the client. Empty: the default rule.",
    )
    relance_is_consumer = fields.Boolean(
        "Consumer",
        compute='_compute_relance_is_consumer',
        inverse='_inverse_relance_is_consumer',
        help="A consumer owes neither the late-payment penalties of L441-10 nor the 40 € "
        "recovery indemnity, only legal interest from a mise en demeure. Default: an individual "
        "without SIRET nor VAT number is a consumer; a company, a contact of a company, or an "
        "individual with a SIRET or VAT number (sole trader) is a professional. You may change it "
        "in each company.",
    )
    relance_civility = fields.Selection(
        [('madame', "Mrs"), ('monsieur', "Mr")],
        "Civility",
        help="How letters and e-mails address this person (Madame, Monsieur). Empty: \"Madame, Monsieur\".",
    )
    relance_contract_rate = fields.Float(
        "Contract penalty rate (%)",
        digits=(5, 2),
        company_dependent=True,
        help="Penalty rate agreed with this client. Empty: the company's rate, else the legal one.",
    )
    relance_count = fields.Integer("Relances", compute='_compute_relance_count')
    relance_currency_id = fields.Many2one('res.currency', "Relance currency", compute='_compute_relance_amounts')
    relance_amount_due = fields.Monetary(
        "Amount due", compute='_compute_relance_amounts', currency_field='relance_currency_id'
    )
    relance_amount_overdue = fields.Monetary(
        "Amount overdue", compute='_compute_relance_amounts', currency_field='relance_currency_id'
    )
    relance_max_level_id = fields.Many2one(
        'account.relance.level',
        "Relance level",
        compute='_compute_relance_amounts',
        help="Level reached by the client's open relance file: the level of its last relance that went out.",
    )
    relance_file_ids = fields.One2many('account.relance.file', 'partner_id', "Relance files")
    relance_file_id = fields.Many2one(
        'account.relance.file',
        "Open relance file",
        compute='_compute_relance_amounts',
        help="The client's open relance file in the current company.",
    )
    relance_next_action = fields.Selection(
        NEXT_ACTIONS, string="Next relance action", compute='_compute_relance_amounts'
    )
    relance_next_date = fields.Date("Next relance on", compute='_compute_relance_amounts')

    @api.depends('is_company', 'parent_id', 'company_registry', 'vat', 'relance_consumer_choice')
    @api.depends_context('company')
    def _compute_relance_is_consumer(self):
        for partner in self:
            partner.relance_is_consumer = partner._relance_consumer_in(partner.env.company)

    def _inverse_relance_is_consumer(self):
        for partner in self:
            partner.relance_consumer_choice = 'consumer' if partner.relance_is_consumer else 'professional'

    def _relance_consumer_in(self, company):
        """Whether the client is a consumer for ``company``: the company's choice when it made
        one, else the default rule (an individual without SIRET nor VAT number)."""
        self.ensure_one()
        choice = self.with_company(company).relance_consumer_choice
        if choice:
            return choice == 'consumer'
        return not (self.is_company or self.parent_id or self.company_registry or self.vat)

    @api.constrains('relance_contract_rate')
    def _check_relance_contract_rate(self):
        self._relance_check_contract_rates(self.filtered('relance_contract_rate'), 'relance_contract_rate')

    @api.model
    def _relance_check_contract_rates(self, records, field):
        """A contract rate below 3 times the legal interest rate of today is refused (L441-10).

        Only a first check: the floor moves every half-year, so the penalties check the rate
        again for each half-year they use it for. Today's legal rate not known yet: accepted."""
        if not records:
            return
        today = fields.Date.context_today(self)
        table = self.env['account.relance.legal.rate']._rates_table()
        for record in records:
            try:
                check_contract_rate(record[field], table, today)
            except MissingRate:
                continue
            except RateBelowFloor as low:
                raise ValidationError(
                    self.env._(
                        "A contract penalty rate of %(rate)s %% is below the legal floor of %(floor)s %% "
                        "(3 times the legal interest rate of %(semester)s, Code de commerce L441-10).",
                        rate=record[field],
                        floor=low.floor,
                        semester=self.env['account.relance.half.year']._half_year_label(low.year, low.half),
                    )
                ) from None

    def _relance_missing_address_parts(self, recipient=None):
        """Parts of the postal address a registered letter to ``recipient`` (the relance
        contact by default, the client when the contact has no address of its own) lacks."""
        self.ensure_one()
        recipient = recipient or self._relance_recipient()
        address = recipient if recipient.street else self
        labels = {'street': self.env._("street"), 'zip': self.env._("zip code"), 'city': self.env._("city")}
        return [label for field, label in labels.items() if not address[field]]

    def _relance_civility_word(self):
        """ "Madame" or "Monsieur" for a person whose civility is known, else empty (letters are French)."""
        self.ensure_one()
        return "" if self.is_company else {'madame': "Madame", 'monsieur': "Monsieur"}.get(self.relance_civility, "")

    def _relance_addressee_name(self):
        """The name on a letter's address block: "Madame Jeanne Petit" for a person, else the name."""
        self.ensure_one()
        civility = self._relance_civility_word()
        return f"{civility} {self.name}" if civility else (self.name or "")

    def _relance_recipient(self):
        self.ensure_one()
        return self.relance_contact_id or self

    def _compute_relance_count(self):
        counts = dict(
            self.env['account.relance']._read_group(
                [('partner_id', 'in', self.commercial_partner_id.ids)], ['partner_id'], ['__count']
            )
        )
        for partner in self:
            partner.relance_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends_context('company')
    def _compute_relance_amounts(self):
        company = self.env.company
        commercial = self.commercial_partner_id
        today = company._relance_today()
        # What the client owes in this company, every contact of it counted (the commercial
        # partner of each item): its open receivable items net of its credits, and its open
        # installments already due.
        installments = self.env['account.relance.installment']
        due, overdue = defaultdict(float), defaultdict(float)
        if commercial.ids:
            self.env.flush_all()
            for partner_id, owed, late in self.env.execute_query(
                SQL(
                    """
                    SELECT partner.commercial_partner_id,
                           SUM(aml.amount_residual),
                           SUM(aml.amount_residual) FILTER (WHERE %(installment)s AND %(due)s < %(today)s)
                      FROM %(tables)s
                      JOIN res_partner partner ON partner.id = aml.partner_id
                     WHERE %(receivable)s AND NOT aml.reconciled
                       AND partner.commercial_partner_id = ANY(%(partners)s)
                  GROUP BY partner.commercial_partner_id
                    """,
                    tables=installments._from_sql(),
                    receivable=installments._receivable_sql(company),
                    installment=installments._open_installments_sql(company),
                    due=installments._due_sql(),
                    today=today,
                    partners=commercial.ids,
                )
            ):
                due[partner_id] = owed or 0.0
                overdue[partner_id] = late or 0.0
        files = self.env['account.relance.file'].search(
            [('partner_id', 'in', commercial.ids), ('company_id', '=', company.id), ('state', '=', 'open')]
        )
        file_of = {file.partner_id: file for file in files}
        for partner in self:
            partner.relance_currency_id = company.currency_id
            partner.relance_amount_due = due[partner.commercial_partner_id.id]
            partner.relance_amount_overdue = overdue[partner.commercial_partner_id.id]
            file = file_of.get(partner.commercial_partner_id, files.browse())
            partner.relance_file_id = file
            partner.relance_max_level_id = file.level_id
            partner.relance_next_action = file.next_action
            partner.relance_next_date = file.next_date

    @api.depends_context('company')
    def _compute_relance_credit(self):
        company = self.env.company
        today = company._relance_today()
        valid = dict(
            self.env['account.relance.guarantee']._read_group(
                [
                    ('partner_id', 'in', self.commercial_partner_id.ids),
                    ('company_id', '=', company.id),
                    ('date_start', '<=', today),
                    '|',
                    ('date_end', '=', False),
                    ('date_end', '>=', today),
                ],
                ['partner_id'],
                ['amount:sum'],
            )
        )
        expired = {
            partner
            for [partner] in self.env['account.relance.guarantee']._read_group(
                [
                    ('partner_id', 'in', self.commercial_partner_id.ids),
                    ('company_id', '=', company.id),
                    ('date_end', '<', today),
                ],
                ['partner_id'],
            )
        }
        scenario_of = self.env['account.relance.scenario']._for_partners(company, self.commercial_partner_id)
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.relance_guarantee_amount = valid.get(commercial, 0.0)
            partner.relance_guarantee_expired = commercial in expired
            scenario = scenario_of.get(commercial.id)
            limit = scenario and scenario._suggested_credit_limit(partner.relance_guarantee_amount)
            partner.relance_suggested_credit_limit = limit
            partner.relance_suggested_credit_text = partner._relance_credit_words(limit, company.currency_id)

    def _compute_relance_dispute_move_ids(self):
        disputed = self.env['account.move'].search(
            [
                ('commercial_partner_id', 'in', self.commercial_partner_id.ids),
                ('relance_dispute', '=', True),
                ('relance_open', '=', True),
            ]
        )
        for partner in self:
            partner.relance_dispute_move_ids = disputed.filtered(
                lambda m, partner=partner: m.commercial_partner_id == partner.commercial_partner_id
            )

    # ------------------------------------------------------------------ risk category

    def _relance_record_risks(self, verdicts, on_date):
        """Record tonight's verdicts {partner id: (computed category, figures)} of ``self`` (in the
        company of the computation), in bulk: the computed category, figures and date of every
        client in one statement; the category in force, and a chatter note with its figures,
        only for the clients whose category changed (one statement, one batch of notes).

        The category is no commercial field and nothing stored depends on it: written through
        ``write``, each client would walk its contacts to sync nothing (a query per client)."""
        if not self:
            return
        self.flush_recordset(
            [
                'relance_risk_computed',
                'relance_risk_figures',
                'relance_risk_date',
                'relance_risk_category',
                'relance_risk_forced',
            ]
        )
        previous = {partner.id: partner.relance_risk_category or 'punctual' for partner in self}
        changed = self.filtered(
            lambda partner: not partner.relance_risk_forced and verdicts[partner.id][0] != previous[partner.id]
        )
        # Company-dependent columns: this company's value of each, the others' kept.
        update_rows(
            self.browse(list(verdicts)),
            [
                {'relance_risk_computed': computed, 'relance_risk_figures': figures or "", 'relance_risk_date': on_date}
                for computed, figures in verdicts.values()
            ],
        )
        update_rows(changed, [{'relance_risk_category': verdicts[partner.id][0]} for partner in changed])
        if changed:
            # Notes on the clients the run is computing (access granted by the caller).
            changed._message_log_batch(
                bodies={
                    partner.id: self._relance_risk_change_body(
                        previous[partner.id], verdicts[partner.id][0], self.env._("computed"), verdicts[partner.id][1]
                    )
                    for partner in changed
                }
            )

    #: Fields that change what the relances (and invoicing) do for a client, and the group
    #: that may change them.
    _RELANCE_GUARDED_FIELDS = {
        'relance_suspended': 'account_relance_fr.group_relance_user',
        'relance_suspension_reason': 'account_relance_fr.group_relance_user',
        'relance_litigation': 'account_relance_fr.group_relance_manager',
        'relance_litigation_date': 'account_relance_fr.group_relance_manager',
        'relance_contract_rate': 'account_relance_fr.group_relance_manager',
    }

    def write(self, vals):
        if not self.env.su:
            self._relance_check_guarded_fields(vals)
        return super().write(vals)

    def _relance_check_guarded_fields(self, vals):
        """Litigation blocks invoicing, suspension stops the relances: only their groups change
        them. Writing to a contact the value of its commercial entity (Odoo's sync of commercial
        fields) is no change."""
        for field, group in self._RELANCE_GUARDED_FIELDS.items():
            if field not in vals or self.env.user.has_group(group):
                continue
            value = self._fields[field].convert_to_cache(vals[field], self)
            if any(partner.commercial_partner_id[field] != value for partner in self):
                raise AccessError(
                    self.env._(
                        "Only the group %(group)s may change “%(field)s” of a client.",
                        group=self.env.ref(group).display_name,
                        field=self._fields[field].string,
                    )
                )

    def _relance_as_manager(self):
        """The commercial partners of self, writable by a relance manager (see _relance_sudo)."""
        return self._relance_sudo(
            'account_relance_fr.group_relance_manager',
            self.env._("Only a relance manager may do this for a client (risk category, credit limit, litigation)."),
        )

    def _relance_sudo(self, group, message):
        """The commercial partners of self in sudo, for a member of ``group``.

        Relance users and managers act on a client's relances (suspend them, hand the client
        over to litigation, force its risk category) without necessarily holding the right to
        edit contacts: the group is checked here, the user proves they may see these clients
        (the record rules of their companies), and only then is anything written in sudo. The
        user stays the author of the chatter messages.
        """
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(message)
        partners = self.commercial_partner_id
        partners.check_access('read')
        return partners.sudo()

    def _relance_force_risk(self, category, reason):
        for partner in self._relance_as_manager():
            previous = partner.relance_risk_category or 'punctual'
            partner.write(
                {'relance_risk_category': category, 'relance_risk_forced': True, 'relance_risk_forced_reason': reason}
            )
            partner._relance_post_risk_change(
                previous,
                category,
                self.env._("forced by %(user)s: %(reason)s", user=self.env.user.name, reason=reason),
                partner.relance_risk_figures or "",
            )

    def action_relance_unforce_risk(self):
        """Back to the category the history gives (recomputed now)."""
        company = self.env.company
        partners = self._relance_as_manager().with_company(company).filtered('relance_risk_forced')
        for partner in partners:
            previous = partner.relance_risk_category or 'punctual'
            partner.write({'relance_risk_forced': False, 'relance_risk_forced_reason': False})
            partner.message_post(
                body=self.env._(
                    "Risk category no longer forced (was %s): the payment history decides again.",
                    self._relance_risk_label(previous),
                )
            )
        self.env['account.relance.risk']._compute(company, company._relance_today(), partners)

    @api.model
    def _relance_risk_label(self, category):
        return dict(self._fields['relance_risk_category']._description_selection(self.env))[category or 'punctual']

    def _relance_post_risk_change(self, previous, new, how, figures):
        self.message_post(
            body=self._relance_risk_change_body(previous, new, how, figures), subtype_xmlid='mail.mt_note'
        )

    @api.model
    def _relance_risk_change_body(self, previous, new, how, figures):
        body = Markup("<p>%s</p>") % self.env._(
            "Risk category: %(previous)s → %(new)s (%(how)s).",
            previous=self._relance_risk_label(previous),
            new=self._relance_risk_label(new),
            how=how,
        )
        if figures:
            body += Markup("<p>%s</p>") % Markup("<br/>").join(figures.split("\n"))
        return body

    @api.model
    def _relance_no_credit(self, limit, currency):
        """Whether ``limit`` is the one-cent credit limit that stands for "no credit" (Odoo reads
        0 as no limit): the one definition the words, the block and Odoo's banner use."""
        return bool(limit) and currency.compare_amounts(limit, currency.rounding) <= 0

    def _relance_credit_words(self, limit, currency):
        """A credit limit as a person reads it: "no credit" for the one-cent limit that stands
        for it (never "0,01 €"), "no limit" for 0."""
        if not limit:
            return self.env._("No limit")
        if self._relance_no_credit(limit, currency):
            return self.env._("No credit: payment before delivery")
        return currency._relance_money(limit, get_lang(self.env))

    def action_relance_apply_credit_limit(self):
        """Set Odoo's credit limit of the client to the suggested one."""
        company = self.env.company
        for partner in self._relance_as_manager().with_company(company):
            limit = partner.relance_suggested_credit_limit
            partner.credit_limit = limit
            partner.message_post(
                body=self.env._(
                    "Credit limit set as suggested: %(limit)s (%(category)s, valid guarantees %(guarantees)s).",
                    limit=partner._relance_credit_words(limit, company.currency_id),
                    category=self._relance_risk_label(partner.relance_risk_category),
                    guarantees=company.currency_id._relance_money(partner.relance_guarantee_amount, get_lang(self.env)),
                )
            )

    def action_relance_force_risk(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_risk_force_wizard')
        action['context'] = {'active_model': 'res.partner', 'active_id': self.commercial_partner_id.id}
        return action

    def action_view_relances(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('partner_id', '=', self.commercial_partner_id.id)]
        action['context'] = {'default_partner_id': self.commercial_partner_id.id}
        return action

    def action_relance_litigation_file(self):
        """Download the file a collection agency or a commissaire de justice needs (zip)."""
        self.ensure_one()
        if not self.env.user.has_group('account_relance_fr.group_relance_user'):
            raise AccessError(self.env._("Only relance users may prepare a litigation file."))
        return self.env['account.relance.litigation.file']._action_download(self)

    def action_relance_resume(self):
        self._relance_sudo(
            'account_relance_fr.group_relance_user',
            self.env._("Only relance users may resume the relances of a client."),
        ).write({'relance_suspended': False, 'relance_suspension_reason': False})

    @api.model
    def _commercial_fields(self):
        # Suspension and the relance contact are decided for the company as a whole.
        return super()._commercial_fields() + [
            'relance_suspended',
            'relance_suspension_reason',
            'relance_contact_id',
            'relance_litigation',
            'relance_litigation_date',
        ]

    # ------------------------------------------------------------------ payment schedules

    relance_schedule_ids = fields.One2many('account.relance.schedule', 'partner_id', "Payment schedules")
    relance_schedule_count = fields.Integer("Payment schedule count", compute='_compute_relance_schedule_count')

    def _compute_relance_schedule_count(self):
        counts = dict(
            self.env['account.relance.schedule']._read_group(
                [('partner_id', 'in', self.commercial_partner_id.ids)], ['partner_id'], ['__count']
            )
        )
        for partner in self:
            partner.relance_schedule_count = counts.get(partner.commercial_partner_id, 0)

    def action_view_relance_schedules(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_schedule')
        action['domain'] = [('partner_id', '=', self.commercial_partner_id.id)]
        action['context'] = {'create': False}
        return action

    # ------------------------------------------------------------------ customer statement

    def action_relance_print_statement(self):
        """The customer statement of the client in the current company (PDF)."""
        return self.env.ref('account_relance_fr.action_report_relance_statement_partner').report_action(
            self.commercial_partner_id
        )

    def action_relance_send_statement(self):
        """E-mail the customer statement to the client's relance contact (composer opened with
        the PDF attached, to read before it goes)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        company = self.env.company
        content, kind = (
            self.env['ir.actions.report']
            .with_company(company)
            ._render_qweb_pdf('account_relance_fr.action_report_relance_statement_partner', partner.ids)
        )
        attachment = self.env['ir.attachment'].create(
            {
                'name': f"Relevé de compte {partner.name}.{kind}",
                'raw': content,
                'res_model': 'res.partner',
                'res_id': partner.id,
                'mimetype': 'application/pdf' if kind == 'pdf' else 'text/html',
            }
        )
        recipient = partner._relance_recipient()
        body = self.env['ir.qweb']._render(
            'account_relance_fr.relance_statement_mail_body',
            {'partner': partner, 'recipient': recipient, 'company': company},
        )
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'mail.compose.message',
            'view_mode': 'form',
            'target': 'new',
            'name': self.env._("Send the customer statement"),
            'context': {
                'default_model': 'res.partner',
                'default_res_ids': partner.ids,
                'default_composition_mode': 'comment',
                'default_partner_ids': recipient.ids,
                'default_subject': f"Relevé de compte – {company.name}",
                'default_body': body,
                'default_attachment_ids': attachment.ids,
                'default_email_layout_xmlid': 'mail.mail_notification_light',
            },
        }
