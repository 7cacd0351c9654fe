from odoo import api, fields, models
from odoo.exceptions import UserError

from .batch_sql import insert_rows


class AccountRelanceLine(models.Model):
    """An invoice installment (or an unreconciled credit) as a relance listed it that day.

    Amounts are a snapshot taken when the relance was prepared: history does not change when
    the invoice is paid later.
    """

    _name = 'account.relance.line'
    _description = "Relance line"
    _order = 'relance_id, date_maturity, id'

    relance_id = fields.Many2one('account.relance', required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one(related='relance_id.company_id', store=True, index=True)
    relance_state = fields.Selection(related='relance_id.state', store=True)
    relance_date = fields.Date(related='relance_id.date', store=True)
    partner_id = fields.Many2one(related='relance_id.partner_id', store=True)
    kind = fields.Selection(
        [('invoice', "Overdue"), ('upcoming', "Not yet due"), ('credit', "Credit")],
        required=True,
        default='invoice',
        help="Overdue installments are claimed; installments not yet due (à échoir) are listed "
        "apart; credits are unreconciled credit notes and payments that reduce the claim.",
    )
    move_id = fields.Many2one('account.move', "Document", required=True, index=True, ondelete='restrict')
    move_line_id = fields.Many2one('account.move.line', "Installment", required=True, index=True, ondelete='restrict')
    level_id = fields.Many2one(
        'account.relance.level', ondelete='restrict', help="Level of this installment after the relance."
    )
    escalated = fields.Boolean(help="The relance brought this installment to its level (otherwise it was only listed).")
    date_maturity = fields.Date("Due date")
    days_overdue = fields.Integer("Days overdue", aggregator=False)
    currency_id = fields.Many2one('res.currency', required=True)
    amount_residual_currency = fields.Monetary(
        "Amount due",
        currency_field='currency_id',
        aggregator=False,
        help="Residual amount in the currency of the document when the relance was prepared.",
    )
    penalty_amount = fields.Monetary(
        "Penalties",
        currency_field='currency_id',
        help="Late-payment penalties of the invoice accrued on the relance date (L441-10).",
    )
    indemnity_amount = fields.Monetary(
        "Indemnity",
        currency_field='currency_id',
        help="Fixed recovery indemnity of the invoice (D441-5), once per invoice.",
    )
    penalty_kind = fields.Selection(
        [('penalty', "Late-payment penalties"), ('legal_interest', "Legal interest")],
        "Kind of interest",
        help="Penalties of L441-10 for a professional, legal interest (Code civil 1231-6) for a consumer.",
    )
    penalty_detail = fields.Text(
        "Penalty detail", help="Period, rates by half-year and indemnity of the invoice, as the letters state them."
    )
    penalty_periods = fields.Json(
        "Penalty periods",
        help="The periods of the penalties of the invoice, each with its days, base still unpaid, "
        "rate and amount, as the letters print them so that the client can recompute them.",
    )
    penalty_to_verify = fields.Char(
        "Rates to verify",
        help="Rates used for the penalties that are still marked to verify (shown on screen, not in the letters).",
    )
    company_currency_id = fields.Many2one(related='relance_id.company_currency_id')
    amount_residual = fields.Monetary("Amount due (company currency)", currency_field='company_currency_id')

    # Whether a preventive reminder already listed an installment (the run asks it of every
    # installment it reads): found in this small index, never by reading its relance history.
    _previewed_idx = models.Index("(move_line_id) WHERE kind = 'upcoming' AND relance_state IN ('sent', 'done')")
    _installment_once = models.UniqueIndex('(relance_id, move_line_id)', "A relance lists an installment once.")

    @api.model
    def _insert_for(self, relances, lines_of):
        """Create the lines of relances just created or brought up to date (``lines_of``: for
        each relance, the values of its lines, or ``(0, 0, values)`` commands) for the whole
        batch at once: in one INSERT with the rows ``create`` would write (``batch_sql.insert_rows``,
        the daily run's one fast path), or through ``create`` when another module extends the
        lines."""
        self._check_relances_pending(relances)
        return insert_rows(
            self,
            [
                {**(line[2] if isinstance(line, (tuple, list)) else line), 'relance_id': relance.id}
                for relance, lines in zip(relances, lines_of)
                for line in lines
            ],
        )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._check_relance_pending()
        return lines

    def write(self, vals):
        self._check_relance_pending()
        result = super().write(vals)
        if 'relance_id' in vals:
            self._check_relance_pending()
        return result

    def _check_relance_pending(self):
        self._check_relances_pending(self.relance_id)

    @api.model
    def _check_relances_pending(self, relances):
        if not self.env.su and any(relance.state not in ('to_validate', 'failed') for relance in relances):
            raise UserError(self.env._("The lines of a relance that went out stay in the history."))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_lines_not_sent(self):
        """A relance that did not go out is brought up to date by replacing its lines; the lines
        of a relance that went out are history."""
        if any(line.relance_id.state not in ('to_validate', 'failed') for line in self):
            raise UserError(self.env._("The lines of a relance that went out stay in the history."))
