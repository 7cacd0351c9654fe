from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..core.penalties import MissingRate, RateBelowFloor, check_contract_rate

RISK_CATEGORIES = [
    ('punctual', "Punctual payer"),
    ('occasional', "Occasional late payer"),
    ('chronic', "Chronic late payer"),
]


class ResPartner(models.Model):
    _inherit = 'res.partner'

    relance_contact_id = fields.Many2one(
        'res.partner', "Relance contact",
        domain="[('commercial_partner_id', '=', commercial_partner_id)]",
        help="The person who can unblock the payment; relances are addressed to them. "
             "Empty: the client itself.")
    relance_suspended = fields.Boolean(
        "Relances suspended", tracking=True,
        help="No relance is prepared for this client while checked.")
    relance_suspension_reason = fields.Char("Suspension reason", tracking=True)
    relance_ids = fields.One2many('account.relance', 'partner_id', "Relance history")
    relance_fee_ids = fields.One2many(
        'account.relance.fee', 'partner_id', "Collection fees",
        help="Invoices of collection agencies and commissaires de justice about this client.")
    relance_litigation = fields.Boolean(
        "In litigation", tracking=True,
        help="Handed over to litigation (contentieux): no more ordinary relances.")
    relance_litigation_date = fields.Date("In litigation since", tracking=True)
    # Payment behaviour is judged per company (each has its own ledger); an ir.default makes
    # every client punctual until its history says otherwise.
    relance_risk_category = fields.Selection(
        RISK_CATEGORIES, "Risk category", company_dependent=True, tracking=True,
        help="Computed every night from the payment history, unless a manager forced it.")
    relance_is_consumer = fields.Boolean(
        "Consumer", compute='_compute_relance_is_consumer', store=True, readonly=False,
        help="A consumer owes neither the late-payment penalties of L441-10 nor the 40 € "
             "recovery indemnity. Individuals are consumers unless unchecked.")
    relance_contract_rate = fields.Float(
        "Contract penalty rate (%)", digits=(5, 2),
        help="Penalty rate agreed with this client. Empty: the company's rate, else the legal one.")
    relance_count = fields.Integer("Relances", compute='_compute_relance_count')
    relance_currency_id = fields.Many2one('res.currency', "Relance currency", compute='_compute_relance_amounts')
    relance_amount_due = fields.Monetary(
        "Amount due", compute='_compute_relance_amounts', currency_field='relance_currency_id')
    relance_amount_overdue = fields.Monetary(
        "Amount overdue", compute='_compute_relance_amounts', currency_field='relance_currency_id')
    relance_max_level_id = fields.Many2one(
        'account.relance.level', "Highest relance level", compute='_compute_relance_amounts',
        help="Highest level reached by the client's open invoices.")

    @api.depends('is_company', 'parent_id')
    def _compute_relance_is_consumer(self):
        for partner in self:
            partner.relance_is_consumer = not partner.is_company and not partner.parent_id

    @api.constrains('relance_contract_rate')
    def _check_relance_contract_rate(self):
        self._relance_check_contract_rates(self.filtered('relance_contract_rate'), 'relance_contract_rate')

    @api.model
    def _relance_check_contract_rates(self, records, field):
        """A contract rate below 3 times the legal interest rate of today is refused (L441-10)."""
        if not records:
            return
        today = fields.Date.context_today(self)
        table = self.env['account.relance.legal.rate']._rates_table()
        for record in records:
            try:
                check_contract_rate(record[field], table, today)
            except MissingRate as missing:
                raise ValidationError(self.env._(
                    "The legal interest rate of %s is unknown: add it under Configuration > "
                    "Legal interest rates before setting a contract rate.", missing.semester)) from None
            except RateBelowFloor as low:
                raise ValidationError(self.env._(
                    "A contract penalty rate of %(rate)s %% is below the legal floor of %(floor)s %% "
                    "(3 times the legal interest rate of %(semester)s, Code de commerce L441-10).",
                    rate=record[field], floor=low.floor, semester=low.semester)) from None

    def _relance_missing_address_parts(self, recipient=None):
        """Parts of the postal address a registered letter to ``recipient`` (the relance
        contact by default, the client when the contact has no address of its own) lacks."""
        self.ensure_one()
        recipient = recipient or self._relance_recipient()
        address = recipient if recipient.street else self
        labels = {'street': self.env._("street"), 'zip': self.env._("zip code"), 'city': self.env._("city")}
        return [label for field, label in labels.items() if not address[field]]

    def _relance_recipient(self):
        self.ensure_one()
        return self.relance_contact_id or self

    def _compute_relance_count(self):
        counts = dict(self.env['account.relance']._read_group(
            [('partner_id', 'in', self.commercial_partner_id.ids)], ['partner_id'], ['__count']))
        for partner in self:
            partner.relance_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends_context('company')
    def _compute_relance_amounts(self):
        company = self.env.company
        commercial = self.commercial_partner_id
        today = self.env['account.relance.run']._company_today(company)
        base = [
            ('partner_id', 'child_of', commercial.ids), ('company_id', 'child_of', company.root_id.id),
            ('parent_state', '=', 'posted'), ('account_type', '=', 'asset_receivable'),
            ('reconciled', '=', False),
        ]
        due = dict(self.env['account.move.line']._read_group(
            base, ['partner_id'], ['amount_residual:sum']))
        overdue = dict(self.env['account.move.line']._read_group(
            base + [('date_maturity', '<', today)], ['partner_id'], ['amount_residual:sum']))
        levels = self.env['account.move']._read_group(
            [('commercial_partner_id', 'in', commercial.ids), ('state', '=', 'posted'),
             ('payment_state', 'in', ('not_paid', 'partial')), ('relance_level_id', '!=', False)],
            ['commercial_partner_id', 'relance_level_id'])
        max_level = {}
        for partner, level in levels:
            if partner not in max_level or level.sequence > max_level[partner].sequence:
                max_level[partner] = level
        for partner in self:
            members = partner.commercial_partner_id | partner.commercial_partner_id.child_ids
            partner.relance_currency_id = company.currency_id
            partner.relance_amount_due = sum(due.get(p, 0.0) for p in members)
            partner.relance_amount_overdue = sum(overdue.get(p, 0.0) for p in members)
            partner.relance_max_level_id = max_level.get(partner.commercial_partner_id, False)

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
        self.commercial_partner_id.write({
            'relance_suspended': False, 'relance_suspension_reason': False})

    @api.model
    def _commercial_fields(self):
        # Suspension and the relance contact are decided for the company as a whole.
        return super()._commercial_fields() + [
            'relance_suspended', 'relance_suspension_reason', 'relance_contact_id',
            'relance_litigation', 'relance_litigation_date']
