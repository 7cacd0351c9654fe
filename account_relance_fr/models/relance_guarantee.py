from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountRelanceGuarantee(models.Model):
    """A guarantee a client gave for its credit: it raises the credit limit suggested for a
    risky client while it is valid."""

    _name = 'account.relance.guarantee'
    _description = "Client guarantee"
    _inherit = ['mail.thread']
    _order = 'date_end desc, id desc'
    _check_company_auto = True

    partner_id = fields.Many2one(
        'res.partner', "Client", required=True, index=True, tracking=True, domain="[('parent_id', '=', False)]"
    )
    company_id = fields.Many2one('res.company', required=True, index=True, default=lambda self: self.env.company)
    guarantee_type = fields.Selection(
        [
            ('caution', "Personal guarantee (caution)"),
            ('bank_guarantee', "Bank guarantee (garantie bancaire)"),
            ('letter_of_credit', "Letter of credit (lettre de crédit)"),
            ('deposit', "Deposit required (acompte exigé)"),
        ],
        "Type",
        required=True,
        default='caution',
        tracking=True,
    )
    amount = fields.Monetary(required=True, tracking=True, currency_field='currency_id')
    currency_id = fields.Many2one(related='company_id.currency_id')
    guarantor = fields.Char(help="Bank, insurer or person who gives the guarantee.")
    date_start = fields.Date("Valid from", required=True, default=fields.Date.context_today, tracking=True)
    date_end = fields.Date("Valid until", tracking=True, help="Empty: until further notice.")
    state = fields.Selection(
        [
            ('future', "Not yet valid"),
            ('valid', "Valid"),
            ('expired', "Expired"),
        ],
        compute='_compute_state',
        search='_search_state',
    )
    note = fields.Text()

    _positive_amount = models.Constraint('CHECK (amount >= 0)', "A guarantee amount cannot be negative.")

    @api.depends('date_start', 'date_end')
    @api.depends_context('company')
    def _compute_state(self):
        for guarantee in self:
            today = (guarantee.company_id or self.env.company)._relance_today()
            if guarantee.date_end and guarantee.date_end < today:
                guarantee.state = 'expired'
            elif guarantee.date_start and guarantee.date_start > today:
                guarantee.state = 'future'
            else:
                guarantee.state = 'valid'

    def _search_state(self, operator, value):
        if operator not in ('in', 'not in'):
            return NotImplemented
        today = self.env.company._relance_today()
        domains = {
            'expired': [('date_end', '<', today)],
            'future': [('date_start', '>', today)],
            'valid': [('date_start', '<=', today), '|', ('date_end', '=', False), ('date_end', '>=', today)],
        }
        domain = fields.Domain.OR(fields.Domain(domains[state]) for state in value)
        return domain if operator == 'in' else ~domain

    @api.constrains('amount', 'guarantor', 'guarantee_type')
    def _check_not_empty(self):
        # An empty line (0 €, nobody behind it) would count as a valid guarantee in the limit.
        for guarantee in self:
            if guarantee.currency_id.compare_amounts(guarantee.amount, 0.0) <= 0:
                raise ValidationError(
                    self.env._(
                        "The guarantee of %s has no amount: give what it covers.", guarantee.partner_id.display_name
                    )
                )
            if guarantee.guarantee_type != 'deposit' and not (guarantee.guarantor or '').strip():
                raise ValidationError(
                    self.env._(
                        "The guarantee of %s has no guarantor: give the bank, insurer or person who gives it.",
                        guarantee.partner_id.display_name,
                    )
                )

    @api.constrains('date_start', 'date_end')
    def _check_dates(self):
        for guarantee in self:
            if guarantee.date_end and guarantee.date_end < guarantee.date_start:
                raise ValidationError(
                    self.env._("The guarantee of %s ends before it starts.", guarantee.partner_id.display_name)
                )
