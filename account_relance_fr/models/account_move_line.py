from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL

from ..core.penalties import debt_on
from .batch_sql import rows_by_key


class AccountMoveLine(models.Model):
    _inherit = 'account.move.line'

    relance_line_ids = fields.One2many('account.relance.line', 'move_line_id', "Relances")
    relance_penalty_origin_id = fields.Many2one(
        'account.move',
        "Penalties of",
        index='btree_not_null',
        copy=False,
        readonly=True,
        help="The late invoice whose penalties or indemnity this line invoices: they are never invoiced twice.",
    )
    relance_penalty_kind = fields.Selection(
        [('penalty', "Late-payment penalties"), ('indemnity', "Recovery indemnity")],
        "Penalty kind",
        copy=False,
        readonly=True,
    )

    # The open receivable installments and credits, a small part of the journal items: the
    # run's selection reads them through these, not through every line of the company (the
    # planner picks them even without statistics). Their predicates are implied by the
    # fragments of account.relance.installment (open installment, open credit).
    _relance_open_installment_idx = models.Index("(company_id) WHERE display_type = 'payment_term' AND NOT reconciled")
    _relance_open_credit_idx = models.Index("(company_id) WHERE amount_residual < 0 AND NOT reconciled")

    def _relance_debt(self, day):
        """The installment as the penalty engine sees it on ``day``: its amount in the invoice
        currency, the credit notes reconciled with it (they correct the principal from the due
        date) and the payments reconciled with it until then (they reduce it from the day after
        they are received)."""
        self.ensure_one()
        return debt_on(self.amount_currency, self._relance_partials(), day)

    # What pays or corrects an installment, as ``core.penalties.debt_on`` reads it:
    # (date, amount in the invoice currency, whether the other side is a credit note).
    # The same rule twice, next to each other: in memory (an invoice being edited) and in SQL.

    def _relance_partials(self):
        """[(date, amount, is_credit_note)] of this installment's reconciliations, from memory."""
        self.ensure_one()
        return [
            (partial.max_date, partial.debit_amount_currency, partial.credit_move_id.move_id.move_type == 'out_refund')
            for partial in self.matched_credit_ids.sorted('id')
        ]

    def _relance_partials_of(self, line_ids):
        """{installment id: [(date, amount, is_credit_note)]} of saved installments, in one query
        (in the order they were reconciled)."""
        if not line_ids:
            return {}
        partials_of = defaultdict(list)
        for _partial, line_id, on, amount, credit_note in sorted(
            rows_by_key(
                self.env,
                line_ids,
                SQL(
                    """
            SELECT partial.id, partial.debit_move_id, partial.max_date, partial.debit_amount_currency,
                   credit_move.move_type = 'out_refund'
              FROM account_partial_reconcile partial
              JOIN account_move_line credit ON credit.id = partial.credit_move_id
              JOIN account_move credit_move ON credit_move.id = credit.move_id
             WHERE partial.debit_move_id = key.id
            """
                ),
                to_flush=[
                    self.env['account.partial.reconcile']._fields[name]
                    for name in ('debit_move_id', 'credit_move_id', 'max_date', 'debit_amount_currency')
                ]
                + [self._fields['move_id'], self.env['account.move']._fields['move_type']],
            )
        ):
            partials_of[line_id].append((on, amount, credit_note))
        return partials_of
