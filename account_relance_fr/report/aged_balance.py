import base64
import tempfile
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from ..core.aging import bucket_count, bucket_ranges, format_bounds, french_labels
from ..core.workbook import DATE, MONEY, NUMBER, TEXT, Formats, Table, new_workbook
from ..models.batch_sql import without_jit
from ..models.relance_installment import INVOICE_TYPES
from ..models.res_partner import RISK_CATEGORIES
from .aged_balance_line import BUCKET_KEYS

MAX_DAYS_AHEAD = 366  # an aged balance a year ahead still makes sense (planning), not beyond


class AccountRelanceAgedBalance(models.TransientModel):
    """Balance âgée at a date: the open receivables of each client by lateness bucket.

    Filling the form and clicking *Show* computes the rows (one per open journal item) of this
    request; they live as long as the request (transient, vacuumed after a while).

    "Open at date D" = the balance of a receivable item dated D or before, less the
    reconciliations dated D or before (``max_date`` of each partial). Credit notes and payments
    not reconciled at D are negative items, aged from their own due date (their date for a
    payment), so that the total equals the balance of the receivable accounts at D.
    Amounts are in the company currency, whatever the currency of the invoice.
    """

    _name = 'account.relance.aged.balance'
    _description = "Aged balance"

    date = fields.Date("At date", required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        'res.company', default=lambda self: self.env.company, domain=lambda self: [('id', 'in', self.env.companies.ids)]
    )
    currency_id = fields.Many2one(related='company_id.currency_id')
    risk_category = fields.Selection(
        RISK_CATEGORIES, "Risk category", help="Only the clients of this category. Empty: all."
    )
    user_ids = fields.Many2many(
        'res.users',
        string="Salespersons",
        help="Only the documents of these salespersons (the invoice's, else the client's). Empty: all.",
    )
    level_ids = fields.Many2many(
        'account.relance.level',
        string="Relance levels",
        domain="[('company_id', '=', company_id)]",
        help="Only the invoices that reached these relance levels. Empty: all documents.",
    )
    partner_ids = fields.Many2many(
        'res.partner', string="Clients", domain="[('is_company', '=', True)]", help="Only these clients. Empty: all."
    )
    bounds = fields.Char("Buckets", readonly=True, help="Bucket bounds used by the last computation.")
    line_ids = fields.One2many('account.relance.aged.balance.line', 'report_id', "Rows", readonly=True)
    xlsx_file = fields.Binary("Workbook", readonly=True, attachment=False)
    xlsx_filename = fields.Char("Workbook name", readonly=True)

    # ------------------------------------------------------------------ checks

    def _check_request(self):
        self.ensure_one()
        if not self.company_id:
            raise UserError(self.env._("Choose the company whose aged balance you want."))
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(self.env._("You have no access to the company %s.", self.company_id.name))
        if not self.date:
            raise UserError(self.env._("Choose the date of the aged balance."))
        limit = fields.Date.context_today(self) + timedelta(days=MAX_DAYS_AHEAD)
        if self.date > limit:
            raise UserError(
                self.env._(
                    "An aged balance at %(date)s is more than a year ahead: choose a date before %(limit)s.",
                    date=format_date(self.env, self.date),
                    limit=format_date(self.env, limit),
                )
            )

    # ------------------------------------------------------------------ selection

    @api.model
    def _select_open_items(self, company, on_date, partner_ids=None, risk_category=None, user_ids=None, level_ids=None):
        """Receivable items open at ``on_date`` in ``company`` (one query): a list of dicts with
        the item, its document, client, dates, salesperson, level, risk category and the amount
        still open at that date in company currency (negative for credits)."""
        return self.env.execute_query_dict(
            SQL(
                "%s ORDER BY item.partner_id, item.date_maturity, item.move_line_id",
                self._open_items_sql(
                    company,
                    on_date,
                    partner_ids=partner_ids,
                    risk_category=risk_category,
                    user_ids=user_ids,
                    level_ids=level_ids,
                ),
            )
        )

    @api.model
    def _open_items_sql(self, company, on_date, partner_ids=None, risk_category=None, user_ids=None, level_ids=None):
        """The query of ``_select_open_items`` (rows aliased ``item``), unordered."""
        Partner = self.env['res.partner'].with_company(company)
        category = Partner._fields['relance_risk_category'].to_sql(Partner, 'partner')
        conditions = []
        if partner_ids:
            conditions.append(SQL("partner.id = ANY(%s)", list(partner_ids)))
        if risk_category:
            conditions.append(SQL("partner.id IS NOT NULL AND %s = %s", category, risk_category))
        if user_ids:
            conditions.append(SQL("COALESCE(move.invoice_user_id, partner.user_id) = ANY(%s)", list(user_ids)))
        outer = [SQL("item.amount != 0")]
        if level_ids:
            outer.append(SQL("item.level_id = ANY(%s)", list(level_ids)))
        # The amount open at a date is the item's balance less the reconciliations dated that
        # day or before (``max_date`` of each partial). An item reconciled for good before the
        # date has nothing open at that date: the items read are those that may be open
        # (``_from_sql(open_at=...)``), most of a ledger is never looked at.
        installments = self.env['account.relance.installment']
        conditions = [
            installments._receivable_sql(company),
            SQL("aml.date <= %s", on_date),
            *conditions,
        ]
        return SQL(
            """
            SELECT * FROM (
                SELECT aml.id AS move_line_id, aml.move_id, partner.id AS partner_id,
                       aml.date, COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       COALESCE(move.invoice_user_id, partner.user_id) AS user_id,
                       -- The level of a client is the level of its open relance file, looked up
                       -- in a map {client: level} of the company's open files built once for the
                       -- query: not a look-up in the files' index per item (100,000 of them for a
                       -- few thousand clients), nor a join, which a planner that believes the
                       -- files' table empty (analyzed before the day's run) would make read every
                       -- open file for every item.
                       ((SELECT jsonb_object_agg(relance_file.partner_id, relance_file.level_id)
                           FROM account_relance_file relance_file
                          WHERE relance_file.company_id = %(company)s AND relance_file.state = 'open')
                        ->> partner.id::text)::int AS level_id,
                       CASE WHEN partner.id IS NULL THEN NULL ELSE %(category)s END AS risk_category,
                       CASE WHEN move.move_type IN %(invoice_types)s THEN 'invoice'
                            WHEN move.move_type = 'out_refund' THEN 'credit_note'
                            WHEN move.origin_payment_id IS NOT NULL OR move.statement_line_id IS NOT NULL
                                 THEN 'payment'
                            ELSE 'other' END AS document_kind,
                       aml.balance AS original_amount,
                       -- A claim of a procédure collective judged by that date: reported apart.
                       COALESCE(%(held_since)s <= %(d)s, FALSE) AS under_procedure,
                       -- Nothing reconciled on the item (most open items): its balance. Else its
                       -- balance less the partials dated D or before, which is what Odoo keeps
                       -- as its residual (balance less all its partials) plus the partials dated
                       -- after D: there are none in the aged balance of today, and the first
                       -- test, run once, spares a look-up per item.
                       CASE WHEN aml.amount_residual = aml.balance THEN aml.balance ELSE
                       aml.amount_residual
                         + CASE WHEN EXISTS (SELECT FROM account_partial_reconcile WHERE max_date > %(d)s) THEN
                             COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                        WHERE p.debit_move_id = aml.id AND p.max_date > %(d)s), 0)
                             - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                          WHERE p.credit_move_id = aml.id AND p.max_date > %(d)s), 0)
                           ELSE 0 END
                       END AS amount
                  FROM %(tables)s
             LEFT JOIN res_partner line_partner ON line_partner.id = aml.partner_id
             LEFT JOIN res_partner partner ON partner.id = line_partner.commercial_partner_id
                 WHERE %(where)s
                -- A fence (OFFSET 0): the columns are computed once per item, not once per
                -- use of them above (the amount's partials, the level, the procedure's date).
                OFFSET 0
            ) item
             WHERE %(outer)s
            """,
            category=category,
            d=on_date,
            where=SQL(" AND ").join(conditions),
            company=company.id,
            outer=SQL(" AND ").join(outer),
            tables=SQL("%s", installments._from_sql(open_at=on_date), to_flush=self._read_fields()),
            invoice_types=INVOICE_TYPES,
            held_since=self.env['account.relance.insolvency']._held_since_sql(),
        )

    @api.model
    def _read_fields(self):
        """What the query reads besides the installment definition's fields: flushed first."""
        read = {
            'account.partial.reconcile': ['debit_move_id', 'credit_move_id', 'max_date', 'amount'],
            'account.move': ['invoice_user_id', 'origin_payment_id', 'statement_line_id'],
            'account.move.line': ['amount_residual', 'balance'],
            'res.partner': ['commercial_partner_id', 'user_id', 'relance_risk_category'],
            'account.relance.file': ['partner_id', 'company_id', 'state', 'level_id'],
        }
        return [self.env[model]._fields[name] for model, names in read.items() for name in names]

    def _filters(self):
        return dict(
            partner_ids=self.partner_ids.ids,
            risk_category=self.risk_category,
            user_ids=self.user_ids.ids,
            level_ids=self.level_ids.ids,
        )

    # ------------------------------------------------------------------ computation

    def _compute_rows(self):
        """Replace the rows of the request by those of its date and filters: one INSERT of the
        open items with their bucket, whatever the size of the ledger."""
        self._check_request()
        bounds = self.company_id._relance_aging_bounds()
        self.bounds = format_bounds(bounds)
        self._delete_rows()
        keys = BUCKET_KEYS[: bucket_count(bounds)]
        days = SQL("(%s::date - item.date_maturity)", self.date)
        # The buckets of core.aging (bucket_ranges), as SQL: "not due", then each range.
        bucket = SQL(
            "CASE WHEN item.under_procedure THEN 'insolvency' %s ELSE %s END",
            SQL(" ").join(
                SQL("WHEN %s <= %s THEN %s", days, high, key)
                for key, (_low, high) in zip(keys, bucket_ranges(bounds))
                if high is not None
            ),
            keys[-1],
        )
        columns = [
            'id',
            'report_id',
            'company_id',
            'partner_id',
            'risk_category',
            'user_id',
            'level_id',
            'move_id',
            'move_line_id',
            'document_kind',
            'date',
            'date_maturity',
            'days_overdue',
            'bucket',
            'amount',
            'create_uid',
            'create_date',
            'write_uid',
            'write_date',
        ]
        # The fence (OFFSET 0) under the bucket: computed once per item, whatever reads it.
        insert = SQL(
            """
            INSERT INTO account_relance_aged_balance_row (%(columns)s)
            SELECT (%(report)s::bigint << 32) | item.move_line_id, %(report)s, %(company)s, item.partner_id,
                   item.risk_category, item.user_id, item.level_id, item.move_id, item.move_line_id,
                   item.document_kind, item.date, item.date_maturity, %(days)s, item.bucket, item.amount,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM (SELECT item.*, %(bucket)s AS bucket FROM (%(items)s) item OFFSET 0) item
            """,
            columns=SQL(", ").join(SQL.identifier(column) for column in columns),
            report=self.id,
            company=self.company_id.id,
            days=days,
            uid=self.env.uid,
            bucket=bucket,
            items=self._open_items_sql(self.company_id, self.date, **self._filters()),
        )
        with without_jit(self.env):
            self.env.execute_query(insert)
        return bounds

    def _delete_rows(self):
        self.env.execute_query(SQL("DELETE FROM account_relance_aged_balance_row WHERE report_id = ANY(%s)", self.ids))
        self.env['account.relance.aged.balance.line'].invalidate_model()
        self.invalidate_recordset(['line_ids'])

    def unlink(self):
        self._delete_rows()
        return super().unlink()

    def action_show(self):
        self.ensure_one()
        self._compute_rows()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_aged_balance_line')
        action['domain'] = [('report_id', '=', self.id)]
        action['context'] = self._rows_context()
        # The breadcrumb reads the display name: the date must be in both.
        action['name'] = action['display_name'] = self.env._("Aged balance at %s", format_date(self.env, self.date))
        return action

    def _rows_context(self):
        return {
            'relance_aged_balance_id': self.id,
            'relance_aging_bounds': self.bounds,
            'relance_aging_columns': bucket_count(self.company_id._relance_aging_bounds()),
            'search_default_group_partner': 1,
        }

    # ------------------------------------------------------------------ export

    def action_export_xlsx(self):
        """From the form: compute the rows of the date and filters, then download them."""
        self.ensure_one()
        self._compute_rows()
        return self._export_xlsx()

    def _export_xlsx(self):
        """Download the rows computed last, as a workbook."""
        self.ensure_one()
        self.write(
            {
                # A Binary field holds base64: /web/content decodes it for the browser.
                'xlsx_file': base64.b64encode(self._xlsx_content()),
                'xlsx_filename': f"Balance_agee_{fields.Date.to_string(self.date)}.xlsx",
            }
        )
        return {
            'type': 'ir.actions.act_url',
            'url': f"/web/content/{self._name}/{self.id}/xlsx_file/{self.xlsx_filename}?download=true",
            'target': 'download',
        }

    def _french(self):
        """Labels of selections and records for the French workbook."""
        lang = 'fr_FR' if self.env['res.lang']._lang_get('fr_FR') else self.env.lang
        return self.with_context(lang=lang)

    def _xlsx_content(self):
        """The workbook: a summary by client and the detail of the documents, in French.

        Rows are read in batches and written one by one (constant memory): the workbook of a
        large ledger does not hold the ledger in memory.
        """
        self = self._french()
        bounds = tuple(int(b) for b in self.bounds.split(','))
        keys = BUCKET_KEYS[: bucket_count(bounds)]
        labels = french_labels(bounds)
        categories = dict(self.env['res.partner']._fields['relance_risk_category']._description_selection(self.env))
        kinds = dict(
            self.env['account.relance.aged.balance.line']._fields['document_kind']._description_selection(self.env)
        )
        titles = self._xlsx_titles()
        Line = self.env['account.relance.aged.balance.line']
        # The column of the claims under procédure collective, when there are any.
        apart = (
            ['amount_insolvency']
            if Line.search_count([('report_id', '=', self.id), ('bucket', '=', 'insolvency')])
            else []
        )
        with tempfile.TemporaryFile() as stream:
            workbook = new_workbook(stream)
            formats = Formats(workbook, self.currency_id.symbol or self.currency_id.name)
            summary = Table(
                workbook,
                formats,
                "Synthèse",
                [
                    ("Client", 36, TEXT),
                    ("Catégorie de risque", 20, TEXT),
                    *((label, 14, MONEY) for label in labels),
                    *(("Procédure collective", 14, MONEY) for _name in apart),
                    ("Total", 15, MONEY),
                ],
                titles=titles,
            )
            groups = Line._read_group(
                [('report_id', '=', self.id)],
                ['partner_id', 'risk_category'],
                [f'amount_{k}:sum' for k in keys] + [f'{name}:sum' for name in apart] + ['amount:sum'],
                order='partner_id',
            )
            for partner, category, *amounts in groups:
                summary.add([partner.display_name or "(sans client)", categories.get(category, ""), *amounts])
            summary.close()
            detail = Table(
                workbook,
                formats,
                "Détail des factures",
                [
                    ("Client", 36, TEXT),
                    ("Pièce", 20, TEXT),
                    ("Type", 14, TEXT),
                    ("Date", 11, DATE),
                    ("Échéance", 11, DATE),
                    ("Retard (j)", 9, NUMBER),
                    ("Tranche", 12, TEXT),
                    ("Commercial", 20, TEXT),
                    ("Niveau de relance", 24, TEXT),
                    ("Montant ouvert", 15, MONEY),
                ],
                titles=titles,
            )
            for row in self._xlsx_detail_rows():
                partner_name, move_name, kind, date, due, days, bucket, user_name, level_name, amount = row
                detail.add(
                    [
                        partner_name or "(sans client)",
                        move_name,
                        kinds.get(kind, ""),
                        date,
                        due,
                        days,
                        "Procédure collective" if bucket == 'insolvency' else labels[keys.index(bucket)],
                        user_name or "",
                        level_name or "",
                        amount,
                    ]
                )
            detail.close()
            workbook.close()
            stream.seek(0)
            return stream.read()

    def _xlsx_detail_rows(self, batch_size=5000):
        """The rows of the request in the order of the list, with the names the workbook
        prints, streamed from one query through a server-side cursor (``batch_size`` rows at
        a time): the workbook of 100,000 items never holds them in memory."""
        Line = self.env['account.relance.aged.balance.line']
        query = Line._search([('report_id', '=', self.id)], order='partner_id, date_maturity, id')
        line = SQL.identifier(query.table)
        ordered = query.select(
            *(
                SQL("%s.%s", line, SQL.identifier(column))
                for column in (
                    'partner_id',
                    'move_id',
                    'document_kind',
                    'date',
                    'date_maturity',
                    'days_overdue',
                    'bucket',
                    'user_id',
                    'level_id',
                    'amount',
                )
            ),
            SQL("ROW_NUMBER() OVER (ORDER BY %s) AS position", query.order),
        )
        sql = SQL(
            """
            SELECT partner.complete_name, move.name, line.document_kind, line.date, line.date_maturity,
                   line.days_overdue, line.bucket, salesperson.name,
                   COALESCE(level.name->>%(lang)s, level.name->>'en_US'), line.amount
              FROM (%(ordered)s) line
         LEFT JOIN res_partner partner ON partner.id = line.partner_id
         LEFT JOIN account_move move ON move.id = line.move_id
         LEFT JOIN res_users users ON users.id = line.user_id
         LEFT JOIN res_partner salesperson ON salesperson.id = users.partner_id
         LEFT JOIN account_relance_level level ON level.id = line.level_id
          ORDER BY line.position
            """,
            ordered=ordered,
            lang=self.env.lang or 'en_US',
        )
        self.env.flush_all()
        # A named (server-side) cursor of the same connection: same transaction, rows fetched
        # batch_size at a time.
        with self.env.cr._cnx.cursor(name=f'relance_aged_balance_{self.id}') as stream:
            stream.itersize = batch_size
            stream.execute(sql.code, sql.params)
            yield from stream

    def _xlsx_titles(self):
        titles = [
            f"Balance âgée au {self.date.strftime('%d/%m/%Y')}",
            f"Société : {self.company_id.name} — montants en {self.currency_id.name}",
        ]
        filters = []
        if self.risk_category:
            filters.append(
                "catégorie de risque : {}".format(
                    dict(self._fields['risk_category']._description_selection(self.env))[self.risk_category]
                )
            )
        if self.user_ids:
            filters.append("commerciaux : {}".format(", ".join(self.user_ids.mapped('name'))))
        if self.level_ids:
            filters.append("niveaux de relance : {}".format(", ".join(self.level_ids.mapped('name'))))
        if self.partner_ids:
            filters.append("clients : {}".format(", ".join(self.partner_ids.mapped('name'))))
        titles.append("Filtres : " + ("; ".join(filters) if filters else "aucun"))
        bounds = tuple(int(b) for b in self.bounds.split(','))
        titles.append("Tranches : " + ", ".join(french_labels(bounds)))
        return titles
