from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.aging import DEFAULT_BOUNDS, MAX_BOUNDS, BoundsError, bucket_ranges, parse_bounds
from ..models.res_partner import RISK_CATEGORIES

BUCKET_KEYS = ['not_due'] + [f'b{i}' for i in range(1, MAX_BOUNDS + 2)]
DOCUMENT_KINDS = [
    ('invoice', "Invoice"),
    ('credit_note', "Credit note"),
    ('payment', "Payment"),
    ('other', "Other entry"),
]


class AccountRelanceAgedBalanceLine(models.TransientModel):
    """One receivable item open at the date of an aged balance, with its amount in the column
    of its bucket: grouped by client, the list shows the balance âgée with its totals; the
    pivot cells open the items behind them, and each item its invoice.

    The bucket columns are titled from the bounds of the request (``relance_aging_bounds`` in
    the context, else those of the company): "1-30 days" is only true for 30,60,90,120.
    """
    _name = 'account.relance.aged.balance.line'
    _description = "Aged balance row"
    _order = 'partner_id, date_maturity, id'

    report_id = fields.Many2one(
        'account.relance.aged.balance', "Aged balance", required=True, ondelete='cascade', index=True)
    company_id = fields.Many2one('res.company', required=True, readonly=True)
    currency_id = fields.Many2one(related='company_id.currency_id', string="Currency")
    partner_id = fields.Many2one('res.partner', "Client", readonly=True)
    risk_category = fields.Selection(RISK_CATEGORIES, "Risk category", readonly=True)
    user_id = fields.Many2one('res.users', "Salesperson", readonly=True)
    level_id = fields.Many2one('account.relance.level', "Relance level", readonly=True)
    move_id = fields.Many2one('account.move', "Document", readonly=True)
    move_line_id = fields.Many2one('account.move.line', "Journal item", readonly=True)
    document_kind = fields.Selection(DOCUMENT_KINDS, "Type", readonly=True)
    date = fields.Date(readonly=True)
    date_maturity = fields.Date("Due date", readonly=True)
    days_overdue = fields.Integer("Days overdue", readonly=True, aggregator=False)
    bucket = fields.Selection(selection='_selection_bucket', readonly=True)
    amount = fields.Monetary("Total", readonly=True, help="Amount open at the date, in company currency.")
    amount_not_due = fields.Monetary("Not due", readonly=True)
    amount_b1 = fields.Monetary("Bucket 1", readonly=True)
    amount_b2 = fields.Monetary("Bucket 2", readonly=True)
    amount_b3 = fields.Monetary("Bucket 3", readonly=True)
    amount_b4 = fields.Monetary("Bucket 4", readonly=True)
    amount_b5 = fields.Monetary("Bucket 5", readonly=True)
    amount_b6 = fields.Monetary("Bucket 6", readonly=True)

    @api.model
    def _bounds(self):
        try:
            return parse_bounds(self.env.context.get('relance_aging_bounds') or self.env.company.relance_aging_bounds)
        except BoundsError:
            return DEFAULT_BOUNDS

    @api.model
    def _bucket_labels(self, bounds=None):
        """{bucket key: title} of the buckets of ``bounds``, in the user's language."""
        bounds = bounds or self._bounds()
        labels = {}
        for key, (low, high) in zip(BUCKET_KEYS, bucket_ranges(bounds)):
            if low is None:
                labels[key] = self.env._("Not due")
            elif high is None:
                labels[key] = self.env._("> %s days", low - 1)
            else:
                labels[key] = self.env._("%(low)s-%(high)s days", low=low, high=high)
        return labels

    @api.model
    def _selection_bucket(self):
        return list(self._bucket_labels().items())

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        result = super().fields_get(allfields, attributes)
        labels = self._bucket_labels()
        for key in BUCKET_KEYS:
            name = f'amount_{key}'
            if name in result and 'string' in result[name] and key in labels:
                result[name]['string'] = labels[key]
        return result

    def action_open_document(self):
        self.ensure_one()
        return self.move_id._get_records_action()

    def action_open_documents(self):
        """The invoices, credit notes and payments behind the selected rows (a drill-down)."""
        moves = self.move_id
        if len(moves) == 1:
            return moves._get_records_action()
        action = self.env['ir.actions.act_window']._for_xml_id('account.action_move_journal_line')
        name = self.env._("Documents of the aged balance")
        action.update({
            'name': name,
            'domain': [('id', 'in', moves.ids)],
            'context': {'create': False},
            'views': [(False, 'list'), (False, 'form')],
        })
        return action

    def action_export_xlsx(self):
        """From the rows (list header): the workbook of their aged balance."""
        report = self.report_id[:1] or self.env['account.relance.aged.balance'].browse(
            self.env.context.get('relance_aged_balance_id'))
        report = report.exists()
        if not report:
            raise UserError(self.env._("This aged balance is no longer available: compute it again."))
        if not report.bounds:
            report._compute_rows()
        return report._export_xlsx()
