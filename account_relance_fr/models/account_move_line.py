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

    def _relance_debt(self, day, partials=None):
        """The installment as the penalty engine sees it on ``day``: its amount in the invoice
        currency, the credit notes reconciled with it (they correct the principal from the due
        date) and the payments reconciled with it until then (they reduce it from the day after
        they are received). ``partials``: its partial reconciliations when already read (its
        ``matched_credit_ids``)."""
        self.ensure_one()
        if partials is None:
            partials = self.matched_credit_ids
        partials = partials.filtered(lambda partial: partial.max_date <= day)
        refunds = partials.filtered(lambda partial: partial.credit_move_id.move_id.move_type == 'out_refund')
        return Debt(
            principal=Decimal(str(self.amount_currency)),
            payments=tuple((partial.max_date, Decimal(str(partial.debit_amount_currency)))
                           for partial in partials - refunds),
            credit_notes=tuple(Decimal(str(partial.debit_amount_currency)) for partial in refunds))
