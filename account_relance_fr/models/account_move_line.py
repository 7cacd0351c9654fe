from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    relance_line_ids = fields.One2many('account.relance.line', 'move_line_id', "Relances")
