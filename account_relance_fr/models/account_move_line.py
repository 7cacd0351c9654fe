from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    relance_line_ids = fields.One2many('account.relance.line', 'move_line_id', "Relances")
    relance_penalty_origin_id = fields.Many2one(
        'account.move', "Penalties of", index='btree_not_null', copy=False, readonly=True,
        help="The late invoice whose penalties or indemnity this line invoices: they are never "
             "invoiced twice.")
    relance_penalty_kind = fields.Selection(
        [('penalty', "Late-payment penalties"), ('indemnity', "Recovery indemnity")],
        "Penalty kind", copy=False, readonly=True)
