from odoo import api, fields, models
from odoo.exceptions import UserError

from .batch_sql import LOG_ACCESS, insert_rows


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
        """Insert the lines of relances just created (``lines_of``: for each relance, the values
        of its lines) in one statement for the whole batch: the run lists thousands of them a
        day. The ORM's ``create`` does the same row by row with its checks; these relances are
        waiting for validation, so their lines may be written."""
        if any(relance.state != 'to_validate' for relance in relances):
            raise UserError(self.env._("The lines of a relance that went out stay in the history."))
        rows = self._rows_for(relances, lines_of)
        if not rows:
            return self.browse()
        lines = self.browse(sorted(line_id for [line_id] in insert_rows(self, rows)))
        self._inserted(relances, rows, lines)
        return lines

    @api.model
    def _rows_for(self, relances, lines_of):
        """The rows to insert: the values of each line with those it takes from its relance,
        monetary amounts rounded to their currency as the ORM stores them."""
        rows = []
        for relance, lines in zip(relances, lines_of):
            related = {
                'relance_id': relance.id,
                'company_id': relance.company_id.id,
                'relance_state': relance.state,
                'relance_date': relance.date,
                'partner_id': relance.partner_id.id,
            }
            rows += [{**related, **(line[2] if isinstance(line, (tuple, list)) else line)} for line in lines]
        currencies = {
            currency.id: currency
            for currency in self.env['res.currency'].browse(
                {row['currency_id'] for row in rows} | set(relances.company_id.currency_id.ids)
            )
        }
        company_currency = {relance.id: relance.company_id.currency_id for relance in relances}
        for row in rows:
            for fname in ('amount_residual_currency', 'penalty_amount', 'indemnity_amount'):
                if row.get(fname):
                    row[fname] = currencies[row['currency_id']].round(row[fname])
            if row.get('amount_residual'):
                row['amount_residual'] = company_currency[row['relance_id']].round(row['amount_residual'])
        return rows

    @api.model
    def _inserted(self, relances, rows, lines):
        """What the ORM's create would have told the cache and the fields that depend on the
        ``lines`` inserted from ``rows``."""
        fnames = sorted({fname for row in rows for fname in row}) + list(LOG_ACCESS)
        relances.invalidate_recordset(['line_ids', 'invoice_line_ids', 'credit_line_ids', 'upcoming_line_ids'])
        self.env['account.move'].browse({row['move_id'] for row in rows}).invalidate_recordset(['relance_line_ids'])
        self.env['account.move.line'].browse({row['move_line_id'] for row in rows}).invalidate_recordset(
            ['relance_line_ids']
        )
        # The last relance date of an invoice counts the relances that went out: lines of
        # relances waiting for validation do not change it, no need to recompute it.
        last_date = self.env['account.move']._fields['relance_last_date']
        moves = self.env['account.move'].browse({row['move_id'] for row in rows})
        already = moves & self.env.records_to_compute(last_date)
        lines.modified([fname for fname in fnames if fname in self._fields], create=True)
        self.env.remove_to_compute(last_date, moves - already)
        # The stored related fields of the lines were inserted with them, from their relance.
        for fname in ('company_id', 'relance_state', 'relance_date', 'partner_id'):
            self.env.remove_to_compute(self._fields[fname], lines)

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
        if not self.env.su and any(line.relance_id.state not in ('to_validate', 'failed') for line in self):
            raise UserError(self.env._("The lines of a relance that went out stay in the history."))

    @api.ondelete(at_uninstall=False)
    def _unlink_only_lines_not_sent(self):
        """A relance that did not go out is brought up to date by replacing its lines; the lines
        of a relance that went out are history."""
        if any(line.relance_id.state not in ('to_validate', 'failed') for line in self):
            raise UserError(self.env._("The lines of a relance that went out stay in the history."))
