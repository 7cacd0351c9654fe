"""What a receivable item, an installment and an open installment are: the one definition.

The run, the risk computation, the KPIs, the aged balance, the partner totals, the credit
limit and the invoice computes all ask the same questions of the ledger. They ask them here,
in SQL for the queries and as domains (with the same rule as a predicate, for records in
memory) for the ORM, so that the answers cannot drift apart.

Every SQL fragment reads the aliases of ``_from_sql``: ``aml`` (the journal item), ``move``
(its entry) and ``account`` (its account).
"""

from collections import defaultdict
from typing import NamedTuple

from odoo import api, models
from odoo.fields import Domain
from odoo.tools import SQL

# The accounts of what clients owe and are owed.
RECEIVABLE_ACCOUNT_TYPE = 'asset_receivable'
# The documents that open an installment a client owes.
INVOICE_TYPES = ('out_invoice', 'out_receipt')
# Payment schedules in these states pay their invoices by installments: they are not reminded.
SCHEDULE_COVERING_STATES = ('agreed', 'kept')


class ClientItems(NamedTuple):
    """What the selection lists of one client: the ids of its installments then of its
    unreconciled credits, and a digest of each (ids and residuals) for the rerun stamp."""

    line_ids: list
    items_digest: str
    credits_digest: str | None


class AccountRelanceInstallment(models.AbstractModel):
    _name = 'account.relance.installment'
    _description = "Receivable installments of customer invoices (the shared definition)"

    # ------------------------------------------------------------------ SQL

    @api.model
    def _read_fields(self, chased=False):
        """The fields the fragments read: pending changes to them are flushed before a query
        that uses the fragments runs (``SQL(to_flush=...)``)."""
        read = {
            'account.move.line': [
                'company_id',
                'parent_state',
                'account_id',
                'display_type',
                'balance',
                'reconciled',
                'amount_residual',
                'amount_residual_currency',
                'date_maturity',
                'move_id',
                'partner_id',
                'date',
            ],
            'account.move': ['state', 'move_type', 'invoice_date', 'date', 'commercial_partner_id', 'company_id'],
            'account.account': ['account_type'],
        }
        if chased:
            read['account.move.line'] += ['no_followup']
            read['account.move'] += ['relance_excluded', 'relance_dispute', 'payment_state']
            read['account.relance.schedule'] = ['state', 'move_ids']
            read['res.partner'] = ['relance_suspended', 'relance_litigation']
        return [self.env[model]._fields[name] for model, names in read.items() for name in names]

    @api.model
    def _from_sql(self, line_ids=None, open_at=None):
        """The tables of the fragments. ``line_ids`` restricts the journal items to those ids,
        read first by their primary key in a subquery the planner cannot flatten: a batch then
        costs what its own items cost, whatever the planner's statistics (without them it
        would rather walk every receivable item of the company for each batch).
        ``open_at``: only the items that may be open at that date, those not reconciled and
        those reconciled by a reconciliation dated after it (``max_date``), read without
        looking at the reconciliations of every item a ledger closed long ago."""
        if line_ids is not None:
            lines = SQL("(SELECT * FROM account_move_line WHERE id = ANY(%s) OFFSET 0)", sorted(line_ids))
        elif open_at is not None:
            # Receivable accounts only, there already: Odoo's index of the unreconciled items
            # is by account, and other accounts hold most of a ledger's unreconciled items.
            lines = SQL(
                """(SELECT * FROM account_move_line WHERE reconciled IS NOT TRUE
                              AND account_id IN (SELECT id FROM account_account WHERE account_type = %(receivable)s)
                            UNION ALL
                            SELECT * FROM account_move_line WHERE reconciled AND id IN (
                                SELECT debit_move_id FROM account_partial_reconcile WHERE max_date > %(d)s
                                UNION SELECT credit_move_id FROM account_partial_reconcile WHERE max_date > %(d)s))""",
                d=open_at,
                receivable=RECEIVABLE_ACCOUNT_TYPE,
            )
        else:
            lines = SQL("account_move_line")
        return SQL(
            """%s aml
                 JOIN account_move move ON move.id = aml.move_id
                 JOIN account_account account ON account.id = aml.account_id""",
            lines,
            to_flush=self._read_fields(),
        )

    @api.model
    def _due_sql(self):
        """The due date of an installment: its own, else the invoice date, else the accounting
        date (``_due_date`` in memory)."""
        return SQL("COALESCE(aml.date_maturity, move.invoice_date, move.date)")

    @api.model
    def _receivable_sql(self, companies=None):
        """A posted journal item on a receivable account (of ``companies`` when given):
        invoices, credit notes, payments and miscellaneous entries alike, what a client owes
        or is owed."""
        condition = SQL("aml.parent_state = 'posted' AND account.account_type = %s", RECEIVABLE_ACCOUNT_TYPE)
        if companies is not None:
            condition = SQL("aml.company_id = ANY(%s) AND %s", list(companies.ids), condition)
        return condition

    @api.model
    def _installment_sql(self, companies=None):
        """An installment of a posted customer invoice: a receivable payment-term line, with
        something to pay."""
        return SQL(
            "%s AND move.move_type IN %s AND aml.display_type = 'payment_term' AND aml.balance > 0",
            self._receivable_sql(companies),
            INVOICE_TYPES,
        )

    @api.model
    def _open_sql(self):
        """Something is still to be paid on it today (in its currency or the company's)."""
        return SQL("NOT aml.reconciled AND (aml.amount_residual > 0 OR aml.amount_residual_currency > 0)")

    @api.model
    def _open_credit_sql(self, companies=None):
        """A credit of the client not reconciled yet (credit note, payment, refund)."""
        return SQL("%s AND NOT aml.reconciled AND aml.amount_residual < 0", self._receivable_sql(companies))

    @api.model
    def _chased_sql(self):
        """The installment may be reminded: neither its invoice (excluded, in dispute, covered
        by a payment schedule, payment blocked, no follow-up on the line) nor its client in
        the invoice's company (suspended, in litigation) holds it."""
        return SQL(
            """NOT COALESCE(move.relance_excluded, FALSE)
               AND NOT COALESCE(move.relance_dispute, FALSE)
               AND move.payment_state IS DISTINCT FROM 'blocked'
               AND NOT COALESCE(aml.no_followup, FALSE)
               AND NOT EXISTS (SELECT 1 FROM account_relance_schedule_move_rel covered
                                 JOIN account_relance_schedule schedule ON schedule.id = covered.schedule_id
                                WHERE covered.move_id = move.id AND schedule.state IN %(covering)s)
               AND NOT EXISTS (SELECT 1 FROM res_partner client
                                WHERE client.id = move.commercial_partner_id
                                  -- company-dependent flags: the value of the invoice's company
                                  AND (COALESCE((client.relance_suspended ->> move.company_id::text)::boolean, FALSE)
                                       OR COALESCE((client.relance_litigation ->> move.company_id::text)::boolean,
                                                   FALSE)))
               AND NOT %(procedure)s""",
            covering=SCHEDULE_COVERING_STATES,
            procedure=self._held_by_procedure_sql(),
            to_flush=self._read_fields(chased=True),
        )

    @api.model
    def _held_by_procedure_sql(self):
        """The invoice (``move``) is a claim of a procédure collective of its client: born
        before the judgment, it may no longer be paid nor chased (L622-7, L622-21)."""
        return self.env['account.relance.insolvency']._hold_sql()

    @api.model
    def _open_installments_sql(self, companies=None, chased=False):
        """The WHERE clause of the open installments of ``companies`` (only those the run may
        remind with ``chased``)."""
        conditions = [self._installment_sql(companies), self._open_sql()]
        if chased:
            conditions.append(self._chased_sql())
        return SQL(" AND ").join(conditions)

    # ------------------------------------------------------------------ selection of a run

    @api.model
    def _earliest_delay(self, company):
        """The delay of the company's earliest level (the preventive one is negative), over
        the scenarios of every category; None when the company has no level: nothing to run."""
        levels = self.env['account.relance.level'].search([('company_id', '=', company.id)])
        return min(levels.mapped('delay')) if levels else None

    @api.model
    def _selection_conditions(
        self, company, on_date, earliest, partner_ids=None, move_ids=None, force=False, held=False
    ):
        """[SQL]: the conditions an installment meets to be selected by a run of ``company`` on
        ``on_date``, joined with AND. The one place to extend the selection: a module that holds
        more installments adds its condition here (when ``held`` is false, as the rule of
        ``_chased_sql`` does). Without ``force``, only the installments some level may concern
        on ``on_date`` (``earliest``: the delay of the earliest level, ``_earliest_delay``);
        ``held`` also selects the installments the run does not chase."""
        conditions = [
            self._open_installments_sql(company, chased=not held),
            # Running as of a past date must not remind an invoice issued after it.
            SQL("COALESCE(move.invoice_date, move.date) <= %s", on_date),
        ]
        if not force:
            # The earliest level is the preventive one: its delay is negative.
            conditions.append(SQL("%s <= %s::date - %s", self._due_sql(), on_date, earliest))
        if partner_ids:
            conditions.append(SQL("move.commercial_partner_id = ANY(%s)", list(partner_ids)))
        if move_ids:
            conditions.append(SQL("move.id = ANY(%s)", list(move_ids)))
        return conditions

    @api.model
    def _selection_sql(self, company, on_date, **options):
        """The WHERE clause of the selection (``_selection_conditions``); None when the company
        has no level."""
        earliest = self._earliest_delay(company)
        if earliest is None:
            return None
        return SQL(" AND ").join(self._selection_conditions(company, on_date, earliest, **options))

    @api.model
    def _select_installments(
        self, company, on_date, partner_ids=None, move_ids=None, force=False, held=False, line_ids=None
    ):
        """Open receivable installments of customer invoices that may concern a relance,
        grouped by client: {partner id: [row, ...]}, oldest due date first.

        A row says the installment, its due date (the invoice date when it has none), its
        residual amounts, the contact the invoice is made out to, and whether a preventive
        reminder (or an "à échoir" section) already listed it. Without ``force`` only the
        installments due by the end of the preventive window are read. ``held`` also returns
        the installments the run does not chase (dispute, schedule, suspension, exclusion...).
        ``line_ids`` restricts the rows to these journal items (see ``_from_sql``).
        """
        where = self._selection_sql(
            company, on_date, partner_ids=partner_ids, move_ids=move_ids, force=force, held=held
        )
        if where is None:
            return {}
        self.env.flush_all()  # invoices, partners and relances are read in SQL below
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT aml.id AS line_id, aml.move_id, move.commercial_partner_id AS partner_id,
                   move.partner_id AS invoice_partner_id, %(due)s AS due_date,
                   aml.amount_residual, aml.amount_residual_currency, aml.currency_id,
                   move.invoice_user_id,
                   EXISTS (SELECT 1 FROM account_relance_line previewed
                            WHERE previewed.move_line_id = aml.id AND previewed.kind = 'upcoming'
                              AND previewed.relance_state IN ('sent', 'done')) AS previewed
              FROM %(tables)s
             WHERE %(where)s
          ORDER BY move.commercial_partner_id, due_date, aml.id
            """,
                due=self._due_sql(),
                where=where,
                tables=self._from_sql(line_ids),
            )
        )
        by_partner = defaultdict(list)
        for row in rows:
            by_partner[row['partner_id']].append(row)
        return dict(by_partner)

    @api.model
    def _select_partner_ids(self, company, on_date, partner_ids=None, force=False, held=False, overdue=False):
        """The clients ``_select_installments`` would return, in order, without reading their
        installments. ``overdue``: only the clients with an installment overdue on ``on_date``."""
        where = self._selection_sql(company, on_date, partner_ids=partner_ids, force=force, held=held)
        if where is None:
            return []
        if overdue:
            where = SQL("%s AND %s < %s", where, self._due_sql(), on_date)
        self.env.flush_all()
        return [
            pid
            for [pid] in self.env.execute_query(
                SQL(
                    "SELECT DISTINCT move.commercial_partner_id FROM %s WHERE %s ORDER BY 1",
                    self._from_sql(),
                    where,
                )
            )
        ]

    @api.model
    def _select_client_items(self, company, on_date, partner_ids=None):
        """{client id: ClientItems} of the clients a run of ``on_date`` selects, in order: what
        the run splits into batches, each batch reading back only its own items (``line_ids``
        of ``_select_installments`` and ``_select_credits``)."""
        where = self._selection_sql(company, on_date, partner_ids=partner_ids)
        if where is None:
            return {}
        self.env.flush_all()
        digest = self._items_digest_sql()
        rows = self.env.execute_query(
            SQL(
                "SELECT move.commercial_partner_id, array_agg(aml.id ORDER BY aml.id), %s FROM %s WHERE %s"
                " GROUP BY move.commercial_partner_id ORDER BY 1",
                digest,
                self._from_sql(),
                where,
            )
        )
        credits = {
            pid: (credit_ids, value)
            for pid, credit_ids, value in self.env.execute_query(
                SQL(
                    "SELECT partner.commercial_partner_id, array_agg(aml.id), %s FROM %s GROUP BY 1",
                    digest,
                    self._credits_sql(company, on_date),
                )
            )
        }
        return {
            pid: ClientItems(
                line_ids=lines + credits.get(pid, ([], None))[0],
                items_digest=value,
                credits_digest=credits.get(pid, ([], None))[1],
            )
            for pid, lines, value in rows
        }

    @api.model
    def _items_digest_sql(self):
        """What the stamp of a client keeps of its journal items (``aml``): ids and residuals."""
        return SQL(
            "md5(string_agg(aml.id || ':' || aml.amount_residual || ':' || aml.amount_residual_currency,"
            " ',' ORDER BY aml.id))"
        )

    @api.model
    def _credits_sql(self, company, on_date, line_ids=None):
        """FROM and WHERE of the unreconciled credits (credit notes, payments) of the clients of
        ``company`` on ``on_date``; ``partner`` is the partner of the journal item."""
        return SQL(
            "%s JOIN res_partner partner ON partner.id = aml.partner_id WHERE %s AND aml.date <= %s",
            self._from_sql(line_ids),
            self._open_credit_sql(company),
            on_date,
        )

    @api.model
    def _select_credits(self, company, on_date, partner_ids, line_ids=None):
        """Unreconciled credit notes and payments of the clients: {partner id: [row, ...]}.
        ``line_ids``: what the selection listed (``_select_client_items``)."""
        if not partner_ids:
            return {}
        rows = self.env.execute_query_dict(
            SQL(
                """
            SELECT aml.id AS line_id, aml.move_id, partner.commercial_partner_id AS partner_id,
                   COALESCE(aml.date_maturity, aml.date) AS due_date,
                   aml.amount_residual, aml.amount_residual_currency, aml.currency_id
              FROM %(credits)s
               AND partner.commercial_partner_id = ANY(%(partners)s)
          ORDER BY aml.date, aml.id
            """,
                credits=self._credits_sql(company, on_date, line_ids),
                partners=list(partner_ids),
            )
        )
        by_partner = defaultdict(list)
        for row in rows:
            by_partner[row['partner_id']].append(row)
        return by_partner

    # ------------------------------------------------------------------ domains

    @api.model
    def _line_domain(self, chased=False):
        """Domain of account.move.line: the open installments (of any company), the same rule
        in SQL for ``search`` and in Python for ``filtered_domain``."""

        def to_sql(model, alias, query):
            return SQL(
                "%s IN (SELECT aml.id FROM %s WHERE %s)",
                SQL.identifier(alias, 'id'),
                self._from_sql(),
                self._open_installments_sql(chased=chased),
            )

        def predicate(line):
            return self._is_open_installment(line) and (not chased or self._is_chased(line))

        return Domain.custom(to_sql=to_sql, predicate=predicate)

    @api.model
    def _move_domain(self, chased=False):
        """Domain of account.move: the invoices with an open installment (that the run may
        remind with ``chased``)."""

        def to_sql(model, alias, query):
            return SQL(
                "%s IN (SELECT aml.move_id FROM %s WHERE %s)",
                SQL.identifier(alias, 'id'),
                self._from_sql(),
                self._open_installments_sql(chased=chased),
            )

        def predicate(move):
            return any(
                self._is_open_installment(line) and (not chased or self._is_chased(line)) for line in move.line_ids
            )

        return Domain.custom(to_sql=to_sql, predicate=predicate)

    # The same rules on records in memory (an invoice being computed, before any flush).

    @api.model
    def _is_open_installment(self, line):
        move = line.move_id
        return (
            move.state == 'posted'
            and move.move_type in INVOICE_TYPES
            and line.display_type == 'payment_term'
            and line.account_type == RECEIVABLE_ACCOUNT_TYPE
            and line.balance > 0
            and not line.reconciled
            and (line.amount_residual > 0 or line.amount_residual_currency > 0)
        )

    @api.model
    def _is_customer_invoice(self, move):
        """A posted customer invoice: what opens installments (``_installment_sql``)."""
        return move.state == 'posted' and move.move_type in INVOICE_TYPES

    @api.model
    def _due_date(self, line):
        """The due date of an installment in memory, the rule of ``_due_sql``."""
        return line.date_maturity or line.move_id.invoice_date or line.move_id.date

    @api.model
    def _is_chased(self, line):
        move = line.move_id
        # sudo: the flags of the client decide for everyone, whoever computes the invoice.
        client = move.commercial_partner_id.sudo().with_company(move.company_id)
        return not (
            move.relance_excluded
            or move.relance_dispute
            or move.payment_state == 'blocked'
            or line.no_followup
            or move.sudo().relance_schedule_ids.filtered(lambda s: s.state in SCHEDULE_COVERING_STATES)
            or client.relance_suspended
            or client.relance_litigation
            or self.env['account.relance.insolvency']._holding(move)
        )
