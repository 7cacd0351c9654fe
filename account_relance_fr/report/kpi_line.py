from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..models.res_partner import RISK_CATEGORIES


class AccountRelanceKpiLine(models.TransientModel):
    """The collection KPIs of one month and one risk category of clients.

    Ratios are not added up when the pivot or the graph groups several rows: they are computed
    again from the sums of their terms (``_read_group_select``), so that the total of a quarter
    is the recovery rate of the quarter, not the mean of three rates.
    """

    _name = 'account.relance.kpi.line'
    _description = "Collection KPIs row"
    _order = 'month, risk_category'

    report_id = fields.Many2one(
        'account.relance.kpi.report', "Collection KPIs", required=True, ondelete='cascade', index=True
    )
    company_id = fields.Many2one('res.company', required=True, readonly=True)
    currency_id = fields.Many2one(related='company_id.currency_id', string="Currency")
    month = fields.Date(readonly=True, help="First day of the month.")
    month_label = fields.Char("Month", compute='_compute_month_label', help="The month with its year.")
    risk_category = fields.Selection(RISK_CATEGORIES, "Risk category", readonly=True)
    period_days = fields.Integer("Days", readonly=True)
    # A stock, not a flow: a group of months shows the figure of its first month (overdue at
    # start) or of its last one (receivables), see _read_group_select; never a sum over months.
    overdue_at_start = fields.Monetary(
        "Overdue at start",
        readonly=True,
        help="Installments overdue and still open on the first day of the month (for several months: of the first).",
    )
    under_procedure_at_start = fields.Monetary(
        "Under procédure collective at start",
        readonly=True,
        help="Claims of clients under a procédure collective judged by the first day of the month: declared "
        "to the mandataire, not counted in the overdue nor in the recovery rate.",
    )
    recovered = fields.Monetary(
        "Recovered in the month",
        readonly=True,
        help="Paid or credited during the month on the installments overdue at its start (payments "
        "and credit notes; write-offs and exchange differences excluded).",
    )
    recovery_rate = fields.Float("Recovery rate", readonly=True, aggregator='avg', digits=(16, 4))
    paid_late_amount = fields.Monetary(
        "Paid late", readonly=True, help="Installments settled in full during the month after their due date."
    )
    paid_late_count = fields.Integer("Installments paid late", readonly=True)
    delay_amount_days = fields.Float("Days x amount paid late", readonly=True)
    average_delay = fields.Float(
        "Average delay (days)",
        readonly=True,
        aggregator='avg',
        digits=(16, 1),
        help="Days from the due date to the payment of the installments paid late, weighted by their amount.",
    )
    receivables = fields.Monetary(
        "Receivables at month end", readonly=True, help="For several months: at the end of the last one."
    )
    sales = fields.Monetary("Sales incl. taxes", readonly=True, help="Invoices of the month, net of credit notes.")
    window_sales = fields.Monetary(
        "Sales of the last 12 months",
        readonly=True,
        help="Invoices of the twelve months ending with this one (from the first invoice if later), "
        "net of credit notes: the sales the DSO is computed on.",
    )
    window_days = fields.Integer("Days of the DSO window", readonly=True, aggregator='max')
    dso = fields.Float(
        "DSO (days)",
        readonly=True,
        aggregator='avg',
        digits=(16, 1),
        help="Days of sales outstanding: receivables at month end / sales of the twelve months ending "
        "with it (from the first invoice if later) x the days of those months.",
    )
    relance_count = fields.Integer("Relances sent", readonly=True)
    email_count = fields.Integer("E-mails", readonly=True)
    phone_count = fields.Integer("Phone calls", readonly=True)
    letter_count = fields.Integer("Postal letters", readonly=True)
    registered_letter_count = fields.Integer("Registered letters", readonly=True)
    relance_cost = fields.Monetary("Cost of relances", readonly=True)
    fees = fields.Monetary("Agency and commissaire fees", readonly=True)
    collection_cost = fields.Monetary("Cost of collection", readonly=True)
    cost_ratio = fields.Float(
        "Cost / recovered",
        readonly=True,
        aggregator='avg',
        digits=(16, 4),
        help="Cost of collection over the amount recovered.",
    )

    # ratio field: (numerator, denominator, factor) summed over the rows of a group
    _RATIOS = {
        'recovery_rate': ('recovered', 'overdue_at_start', None),
        'average_delay': ('delay_amount_days', 'paid_late_amount', None),
        'dso': ('receivables', 'window_sales', 'window_days'),
        'cost_ratio': ('collection_cost', 'recovered', None),
    }

    # stock field: the month of a group whose value it shows
    _STOCKS = {'overdue_at_start': 'MIN', 'under_procedure_at_start': 'MIN', 'receivables': 'MAX'}

    def _at_month(self, fname, which, query):
        """SQL: the sum of ``fname`` over the rows of the first (MIN) or last (MAX) month of
        the group. The aggregates inside the subqueries are the group's (they reference only
        its columns)."""
        month = self._field_to_sql(self._table, 'month', query)
        value = self._field_to_sql(self._table, fname, query)
        return SQL(
            "(SELECT COALESCE(SUM(t.v), 0) FROM unnest(array_agg(%s), array_agg(%s)) AS t(m, v)"
            " WHERE t.m = (SELECT %s(u.m) FROM unnest(array_agg(%s)) AS u(m)))",
            month,
            value,
            SQL(which),
            month,
        )

    def _read_group_select(self, aggregate_spec, query):
        field_name, _sep, function = aggregate_spec.partition(':')
        if function == 'sum' and field_name in self._STOCKS:
            return self._at_month(field_name, self._STOCKS[field_name], query)
        if function != 'avg' or field_name not in self._RATIOS:
            return super()._read_group_select(aggregate_spec, query)
        if field_name == 'dso':
            # receivables at the end of the group's last month over the sales of its window
            return SQL(
                "%s * MAX(%s) / NULLIF(%s, 0)",
                self._at_month('receivables', 'MAX', query),
                self._field_to_sql(self._table, 'window_days', query),
                self._at_month('window_sales', 'MAX', query),
            )
        numerator, denominator, factor = self._RATIOS[field_name]
        term = self._field_to_sql(self._table, numerator, query)
        if factor:
            term = SQL("%s * %s", term, self._field_to_sql(self._table, factor, query))
        return SQL("SUM(%s) / NULLIF(SUM(%s), 0)", term, self._field_to_sql(self._table, denominator, query))

    @api.depends('month')
    @api.depends_context('lang')
    def _compute_month_label(self):
        for line in self:
            line.month_label = format_date(self.env, line.month, date_format='MMMM yyyy') if line.month else False

    def action_export_xlsx(self):
        """From the rows (list header): the workbook of their request."""
        report = self.report_id[:1] or self.env['account.relance.kpi.report'].browse(
            self.env.context.get('relance_kpi_report_id')
        )
        report = report.exists()
        if not report:
            raise UserError(self.env._("These KPIs are no longer available: compute them again."))
        return report.action_export_xlsx()
