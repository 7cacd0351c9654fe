from odoo import fields, models

FEE_KINDS = [
    ('agency', "Collection agency"),
    ('commissaire', "Commissaire de justice"),
    ('postal', "Postal provider"),
    ('other', "Other"),
]


class AccountRelanceFee(models.Model):
    """What collecting a client's debt cost outside the office: the invoice of a collection
    agency, of a commissaire de justice. Counted in the cost of collection of the KPIs."""

    _name = 'account.relance.fee'
    _description = "Collection fee"
    _order = 'date desc, id desc'
    _check_company_auto = True

    partner_id = fields.Many2one(
        'res.partner',
        "Client",
        required=True,
        index=True,
        ondelete='cascade',
        check_company=True,
        domain="[('is_company', '=', True)]",
    )
    company_id = fields.Many2one('res.company', required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related='company_id.currency_id')
    date = fields.Date(required=True, default=fields.Date.context_today)
    kind = fields.Selection(FEE_KINDS, required=True, default='agency')
    amount = fields.Monetary("Amount (excl. tax)", required=True, currency_field='currency_id')
    note = fields.Char()

    _amount_positive = models.Constraint('CHECK (amount >= 0)', "A collection fee cannot be negative.")
