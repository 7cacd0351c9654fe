from decimal import Decimal

from odoo import fields, models

from ..core.penalties import Debt


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

    def _relance_debt(self, day):
        """The installment as the penalty engine sees it on ``day``: its amount in the invoice
        currency and the payments reconciled with it until then."""
        self.ensure_one()
        return Debt(
            principal=Decimal(str(self.amount_currency)),
            payments=tuple(
                (partial.max_date, Decimal(str(partial.debit_amount_currency)))
                for partial in self.matched_credit_ids if partial.max_date <= day))
