from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..core.aging import DEFAULT_BOUNDS, MAX_BOUNDS, BoundsError, bucket_ranges, parse_bounds
from ..models.batch_sql import planner_setting
from ..models.res_partner import RISK_CATEGORIES

BUCKET_KEYS = ['not_due'] + [f'b{i}' for i in range(1, MAX_BOUNDS + 2)]
DOCUMENT_KINDS = [
    ('invoice', "Invoice"),
    ('credit_note', "Credit note"),
    ('payment', "Payment"),
    ('other', "Other entry"),
]


class AccountRelanceAgedBalanceLine(models.Model):
    """One receivable item open at the date of an aged balance, with its amount in the column
    of its bucket: grouped by client, the list shows the balance âgée with its totals; the
    pivot cells open the items behind them, and each item its invoice.

    The rows of a request are written by its *Show* (one INSERT of its open items, see
    ``init``) and read through ``_table_query``. A row's id is made of its request and its
    journal item.

    The bucket columns are titled from the bounds of the request (``relance_aging_bounds`` in
    the context, else those of the company): "1-30 days" is only true for 30,60,90,120.
    """

    _name = 'account.relance.aged.balance.line'
    _description = "Aged balance row"
    _order = 'partner_id, date_maturity, id'
    _auto = False
    _log_access = True  # the rows carry the author and dates of their request (record rules)

    report_id = fields.Many2one('account.relance.aged.balance', "Aged balance", readonly=True)
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
    amount_insolvency = fields.Monetary(
        "Under procédure collective",
        readonly=True,
        help="Claims born before the judgment of a procédure collective of the client: declared to the "
        "mandataire, not overdue in the ordinary sense.",
    )

    # The amount of each bucket column is the row's amount in the column of its bucket, else 0:
    # derived when read rather than written, a row has 19 columns to write and to scan, not 27.
    _table_query = SQL(
        "SELECT aged_row.*, %s FROM account_relance_aged_balance_row aged_row",
        SQL(", ").join(
            SQL(
                "CASE WHEN aged_row.bucket = %s THEN aged_row.amount ELSE 0 END AS %s",
                key,
                SQL.identifier(f"amount_{key}"),
            )
            for key in [*BUCKET_KEYS, 'insolvency']
        ),
    )

    def init(self):
        """The rows of the requests live in a plain table of their own, without foreign keys:
        an aged balance of 100,000 items is one INSERT, with no check per row of references
        that the same statement just read from the ledger. UNLOGGED: they are recomputed on
        request and worth nothing after a crash. Deleted with their request (its unlink)."""
        self.env.cr.execute(
            """
            CREATE UNLOGGED TABLE IF NOT EXISTS account_relance_aged_balance_row (
                id bigint PRIMARY KEY, report_id int NOT NULL, company_id int NOT NULL,
                create_uid int, create_date timestamp, write_uid int, write_date timestamp,
                partner_id int, risk_category varchar, user_id int, level_id int, move_id int, move_line_id int,
                document_kind varchar, date date, date_maturity date, days_overdue int, bucket varchar,
                amount numeric)
        """
        )
        # The bucket columns of the table's first versions, now derived from the bucket.
        self.env.cr.execute(
            SQL(
                "ALTER TABLE account_relance_aged_balance_row %s",
                SQL(", ").join(
                    SQL("DROP COLUMN IF EXISTS %s", SQL.identifier(f"amount_{key}"))
                    for key in [*BUCKET_KEYS, 'insolvency']
                ),
            )
        )
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS account_relance_aged_balance_row_report_idx"
            " ON account_relance_aged_balance_row (report_id, partner_id)"
        )

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
        labels['insolvency'] = self.env._("Under procédure collective")
        return labels

    @api.model
    def _selection_bucket(self):
        return list(self._bucket_labels().items())

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Grouped reads (the list grouped by client, the pivot, the graph) without nested loops.

        They read the whole of a request's rows, but the planner has no statistics of a request
        computed a moment ago: with the record rule's conditions it expects one row where there
        are 100,000, and would look up the client, the company and the currency rate of each
        row one by one (0.50 s for the list's first read at 100,000 rows, 0.21 s with hash
        joins)."""
        with planner_setting(self.env, 'enable_nestloop', 'off'):
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    def _read_group_orderby(self, order, groupby_terms, query):
        """Buckets in the order of their ages (not due, 1-30, 31-60...), not of their keys
        (where "not_due" would come after "b1"), in the pivot, the graph and grouped lists."""
        if 'bucket' not in groupby_terms:
            return super()._read_group_orderby(order, groupby_terms, query)
        column = groupby_terms['bucket']
        terms = dict(
            groupby_terms,
            bucket=SQL(
                "(CASE WHEN %s = 'not_due' THEN 0 WHEN %s = 'insolvency' THEN 99 ELSE substring(%s FROM 2)::int END)",
                column,
                column,
                column,
            ),
        )
        orderby = super()._read_group_orderby(order, terms, query)
        groupby_terms.update({key: value for key, value in terms.items() if key != 'bucket'})
        return orderby

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
        action.update(
            {
                'name': name,
                'domain': [('id', 'in', moves.ids)],
                'context': {'create': False},
                'views': [(False, 'list'), (False, 'form')],
            }
        )
        return action

    def action_export_xlsx(self):
        """From the rows (list header): the workbook of their aged balance."""
        report = self.report_id[:1] or self.env['account.relance.aged.balance'].browse(
            self.env.context.get('relance_aged_balance_id')
        )
        report = report.exists()
        if not report:
            raise UserError(self.env._("This aged balance is no longer available: compute it again."))
        if not report.bounds:
            report._compute_rows()
        return report._export_xlsx()
