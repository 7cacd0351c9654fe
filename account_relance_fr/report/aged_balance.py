import base64
import tempfile
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date, split_every

from ..core.aging import bucket_count, bucket_of, format_bounds, french_labels
from ..core.workbook import DATE, MONEY, NUMBER, TEXT, Formats, Table, new_workbook
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
        'res.company', default=lambda self: self.env.company,
        domain=lambda self: [('id', 'in', self.env.companies.ids)])
    currency_id = fields.Many2one(related='company_id.currency_id')
    risk_category = fields.Selection(
        RISK_CATEGORIES, "Risk category", help="Only the clients of this category. Empty: all.")
    user_ids = fields.Many2many(
        'res.users', string="Salespersons",
        help="Only the documents of these salespersons (the invoice's, else the client's). Empty: all.")
    level_ids = fields.Many2many(
        'account.relance.level', string="Relance levels",
        domain="[('company_id', '=', company_id)]",
        help="Only the invoices that reached these relance levels. Empty: all documents.")
    partner_ids = fields.Many2many(
        'res.partner', string="Clients", domain="[('is_company', '=', True)]",
        help="Only these clients. Empty: all.")
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
            raise UserError(self.env._(
                "An aged balance at %(date)s is more than a year ahead: choose a date before %(limit)s.",
                date=format_date(self.env, self.date), limit=format_date(self.env, limit)))

    # ------------------------------------------------------------------ selection

    @api.model
    def _select_open_items(self, company, on_date, partner_ids=None, risk_category=None,
                           user_ids=None, level_ids=None):
        """Receivable items open at ``on_date`` in ``company`` (one query): a list of dicts with
        the item, its document, client, dates, salesperson, level, risk category and the amount
        still open at that date in company currency (negative for credits)."""
        self.env.flush_all()  # moves, reconciliations, partners and levels are read in SQL below
        Partner = self.env['res.partner'].with_company(company)
        category = Partner._fields['relance_risk_category'].to_sql(Partner, 'partner')
        installments = self.env['account.relance.installment']
        conditions = [
            installments._receivable_sql(company),
            SQL("aml.date <= %s", on_date),
            # An item reconciled for good before the date has nothing open at that date: this
            # skips most of a ledger without computing anything.
            SQL("""(NOT aml.reconciled
                    OR EXISTS(SELECT 1 FROM account_partial_reconcile p
                               WHERE p.debit_move_id = aml.id AND p.max_date > %(d)s)
                    OR EXISTS(SELECT 1 FROM account_partial_reconcile p
                               WHERE p.credit_move_id = aml.id AND p.max_date > %(d)s))""", d=on_date),
        ]
        if partner_ids:
            conditions.append(SQL("partner.id = ANY(%s)", list(partner_ids)))
        if risk_category:
            conditions.append(SQL("partner.id IS NOT NULL AND %s = %s", category, risk_category))
        if user_ids:
            conditions.append(SQL("COALESCE(move.invoice_user_id, partner.user_id) = ANY(%s)", list(user_ids)))
        if level_ids:
            conditions.append(SQL("relance_file.level_id = ANY(%s)", list(level_ids)))
        return self.env.execute_query_dict(SQL(
            """
            SELECT * FROM (
                SELECT aml.id AS move_line_id, aml.move_id, partner.id AS partner_id,
                       aml.date, COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                       COALESCE(move.invoice_user_id, partner.user_id) AS user_id,
                       relance_file.level_id AS level_id,
                       CASE WHEN partner.id IS NULL THEN NULL ELSE %(category)s END AS risk_category,
                       CASE WHEN move.move_type IN %(invoice_types)s THEN 'invoice'
                            WHEN move.move_type = 'out_refund' THEN 'credit_note'
                            WHEN move.origin_payment_id IS NOT NULL OR move.statement_line_id IS NOT NULL
                                 THEN 'payment'
                            ELSE 'other' END AS document_kind,
                       aml.balance AS original_amount,
                       aml.balance
                         - COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                      WHERE p.debit_move_id = aml.id AND p.max_date <= %(d)s), 0)
                         + COALESCE((SELECT SUM(p.amount) FROM account_partial_reconcile p
                                      WHERE p.credit_move_id = aml.id AND p.max_date <= %(d)s), 0)
                         AS amount
                  FROM %(tables)s
             LEFT JOIN res_partner line_partner ON line_partner.id = aml.partner_id
             LEFT JOIN res_partner partner ON partner.id = line_partner.commercial_partner_id
             -- The level of a client is the level of its open relance file.
             LEFT JOIN account_relance_file relance_file
                    ON relance_file.partner_id = partner.id AND relance_file.company_id = aml.company_id
                   AND relance_file.state = 'open'
                 WHERE %(where)s
            ) item
             WHERE item.amount != 0
          ORDER BY item.partner_id, item.date_maturity, item.move_line_id
            """,
            category=category, d=on_date, where=SQL(" AND ").join(conditions),
            tables=installments._from_sql(), invoice_types=INVOICE_TYPES,
        ))

    def _filters(self):
        return dict(
            partner_ids=self.partner_ids.ids, risk_category=self.risk_category,
            user_ids=self.user_ids.ids, level_ids=self.level_ids.ids)

    # ------------------------------------------------------------------ computation

    def _compute_rows(self):
        """Replace the rows of the request by those of its date and filters."""
        self._check_request()
        bounds = self.company_id._relance_aging_bounds()
        self.line_ids.unlink()
        self.bounds = format_bounds(bounds)
        items = self._select_open_items(self.company_id, self.date, **self._filters())
        keys = BUCKET_KEYS[:bucket_count(bounds)]
        vals_list = []
        for item in items:
            days = (self.date - item['date_maturity']).days
            bucket = keys[bucket_of(days, bounds)]
            vals = {name: value for name, value in item.items() if name != 'original_amount'}
            vals.update(report_id=self.id, company_id=self.company_id.id, days_overdue=days, bucket=bucket)
            vals.update({f'amount_{key}': item['amount'] if key == bucket else 0.0 for key in keys})
            vals_list.append(vals)
        Line = self.env['account.relance.aged.balance.line'].with_context(relance_aging_bounds=self.bounds)
        for batch in split_every(5000, vals_list):
            Line.create(list(batch))
        return bounds

    def action_show(self):
        self.ensure_one()
        self._compute_rows()
        action = self.env['ir.actions.act_window']._for_xml_id(
            'account_relance_fr.action_relance_aged_balance_line')
        action['domain'] = [('report_id', '=', self.id)]
        action['context'] = self._rows_context()
        action['name'] = self.env._("Aged balance at %s", format_date(self.env, self.date))
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
        self.write({
            # A Binary field holds base64: /web/content decodes it for the browser.
            'xlsx_file': base64.b64encode(self._xlsx_content()),
            'xlsx_filename': f"Balance_agee_{fields.Date.to_string(self.date)}.xlsx",
        })
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
        keys = BUCKET_KEYS[:bucket_count(bounds)]
        labels = french_labels(bounds)
        categories = dict(self.env['res.partner']._fields['relance_risk_category']._description_selection(self.env))
        kinds = dict(self.env['account.relance.aged.balance.line']._fields['document_kind']
                     ._description_selection(self.env))
        titles = self._xlsx_titles()
        Line = self.env['account.relance.aged.balance.line']
        with tempfile.TemporaryFile() as stream:
            workbook = new_workbook(stream)
            formats = Formats(workbook, self.currency_id.symbol or self.currency_id.name)
            summary = Table(workbook, formats, "Synthèse", [
                ("Client", 36, TEXT), ("Catégorie de risque", 20, TEXT),
                *((label, 14, MONEY) for label in labels), ("Total", 15, MONEY),
            ], titles=titles)
            groups = Line._read_group(
                [('report_id', '=', self.id)], ['partner_id', 'risk_category'],
                [f'amount_{k}:sum' for k in keys] + ['amount:sum'], order='partner_id')
            for partner, category, *amounts in groups:
                summary.add([partner.display_name or "(sans client)", categories.get(category, ""), *amounts])
            summary.close()
            detail = Table(workbook, formats, "Détail des factures", [
                ("Client", 36, TEXT), ("Pièce", 20, TEXT), ("Type", 14, TEXT), ("Date", 11, DATE),
                ("Échéance", 11, DATE), ("Retard (j)", 9, NUMBER), ("Tranche", 12, TEXT),
                ("Commercial", 20, TEXT), ("Niveau de relance", 24, TEXT), ("Montant ouvert", 15, MONEY),
            ], titles=titles)
            ids = Line._search([('report_id', '=', self.id)], order='partner_id, date_maturity, id')
            for batch in split_every(1000, list(ids)):
                lines = Line.browse(batch)
                for line in lines:
                    detail.add([
                        line.partner_id.display_name or "(sans client)", line.move_id.name,
                        kinds.get(line.document_kind, ""), line.date, line.date_maturity,
                        line.days_overdue, labels[keys.index(line.bucket)], line.user_id.name or "",
                        line.level_id.name or "", line.amount,
                    ])
                lines.invalidate_recordset()
            detail.close()
            workbook.close()
            stream.seek(0)
            return stream.read()

    def _xlsx_titles(self):
        titles = [
            f"Balance âgée au {self.date.strftime('%d/%m/%Y')}",
            f"Société : {self.company_id.name} — montants en {self.currency_id.name}",
        ]
        filters = []
        if self.risk_category:
            filters.append("catégorie de risque : {}".format(dict(
                self._fields['risk_category']._description_selection(self.env))[self.risk_category]))
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
