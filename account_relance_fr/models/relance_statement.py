from collections import defaultdict

from odoo import api, models

from ..core.calendar import days_overdue
from .relance_installment import INVOICE_TYPES, RECEIVABLE_ACCOUNT_TYPE

KIND_LABELS = {
    'installment': "Échéance",
    'invoice': "Facture",
    'refund': "Avoir",
    'payment': "Règlement non lettré",
    'other': "Écriture",
}


class AccountRelanceStatement(models.AbstractModel):
    """The customer statement (relevé de compte) of a client in a company, as of a day.

    Every open item of the client's receivable: invoices (one line per installment), credit
    notes, payments not reconciled yet, with the penalties and the recovery indemnity owed on
    the day; a running balance and totals per currency. The page of the client and the PDF
    read it from here, so both always say the same.
    """

    _name = 'account.relance.statement'
    _description = "Customer statement"

    @api.model
    def _open_items_domain(self, partner, company):
        return [
            ('company_id', '=', company.id),
            ('parent_state', '=', 'posted'),
            ('account_type', '=', RECEIVABLE_ACCOUNT_TYPE),
            ('reconciled', '=', False),
            ('partner_id', 'child_of', partner.commercial_partner_id.id),
            '|',
            ('amount_residual', '!=', 0.0),
            ('amount_residual_currency', '!=', 0.0),
        ]

    @api.model
    def _line_kind(self, line):
        """What a line of the statement is: a key of KIND_LABELS."""
        move = line.move_id
        if move.move_type in INVOICE_TYPES:
            several = len(move.line_ids.filtered(lambda aml: aml.display_type == 'payment_term')) > 1
            return 'installment' if several else 'invoice'
        if move.move_type == 'out_refund':
            return 'refund'
        if move.origin_payment_id or line.amount_residual < 0:
            return 'payment'
        return 'other'

    @api.model
    def _statement_line(self, line, amounts, on_date, balance):
        """The statement line of the journal item ``line``, with the penalties ``amounts`` of its
        invoice and the running ``balance`` of its currency after it."""
        kind, move = self._line_kind(line), line.move_id
        due = line.date_maturity if line.balance > 0 else False
        return {
            'kind': kind,
            'label': KIND_LABELS[kind],
            'move': move,
            'reference': move.name,
            'payment_reference': move.payment_reference or '',
            'date': move.invoice_date or move.date,
            'due_date': due,
            'days_overdue': days_overdue(due, on_date) if due else 0,
            'amount': line.amount_currency,
            'residual': line.amount_residual_currency,
            'balance': balance,
            'penalties': amounts.get('penalties', 0.0),
            'indemnity': amounts.get('indemnity', 0.0),
            'periods': amounts.get('periods') or [],
        }

    @api.model
    def _currency_totals(self, currency, entries):
        """The totals of the statement lines of a currency, rounded."""
        totals = {
            'overdue': sum(e['residual'] for e in entries if e['residual'] > 0 and e['days_overdue'] > 0),
            'not_due': sum(e['residual'] for e in entries if e['residual'] > 0 and e['days_overdue'] <= 0),
            'credits': -sum(e['residual'] for e in entries if e['residual'] < 0),
            'penalties': sum(entry['penalties'] for entry in entries),
            'indemnity': sum(entry['indemnity'] for entry in entries),
        }
        totals = {key: currency.round(amount) for key, amount in totals.items()}
        # What is owed is the sum of its rounded parts, to the cent, as the page and letters say.
        totals['residual'] = currency.round(totals['overdue'] + totals['not_due'] - totals['credits'])
        totals['due'] = currency.round(totals['residual'] + totals['penalties'] + totals['indemnity'])
        return totals

    @api.model
    def _statement(self, partner, company, on_date=None, penalties=True):
        """{'date', 'partner', 'company', 'currencies': [{currency, lines, totals}], 'total_company',
        'moves', 'banks'}; each line a dict (kind, label, reference, date, due_date, days_overdue,
        amount, residual, balance, penalties, indemnity, move).

        Totals of a currency: ``residual`` (what is owed) = ``overdue`` + ``not_due`` - ``credits``
        (credit notes and payments not reconciled yet, a positive number). ``penalties``: False
        when the relances of the client do not claim them yet (``_claims_penalties``); an invoice
        in dispute carries none."""
        partner = partner.commercial_partner_id
        on_date = on_date or company._relance_today()
        lines = self.env['account.move.line'].sudo().search(self._open_items_domain(partner, company))
        lines = lines.sorted(lambda aml: (aml.currency_id.id, aml.date_maturity or aml.date, aml.date, aml.id))
        invoices = lines.move_id.filtered(lambda m: m.move_type in INVOICE_TYPES)
        claimed = invoices.filtered(lambda m: not m.relance_dispute) if penalties else invoices.browse()
        penalties = claimed.sudo()._relance_penalties_in(company, on_date) if claimed else {}
        entries, balances, seen_moves = defaultdict(list), defaultdict(float), set()
        for line in lines:
            # The penalties of an invoice go with its first line.
            amounts = penalties.get(line.move_id.id, {}) if line.move_id.id not in seen_moves else {}
            seen_moves.add(line.move_id.id)
            balances[line.currency_id] += line.amount_residual_currency
            entries[line.currency_id].append(self._statement_line(line, amounts, on_date, balances[line.currency_id]))
        blocks = [
            {
                'currency': currency,
                'lines': lines_of,
                'balance': balances[currency],
                'totals': self._currency_totals(currency, lines_of),
            }
            for currency, lines_of in entries.items()
        ]
        return {
            'date': on_date,
            'partner': partner,
            'company': company,
            'currencies': blocks,
            'total_company': company.currency_id.round(sum(lines.mapped('amount_residual'))),
            'moves': invoices,
            'banks': company.partner_id.bank_ids,
            # Penalties that could not be computed (a missing rate) are said, never shown as 0.
            'warnings': sorted({amounts['warning'] for amounts in penalties.values() if amounts.get('warning')}),
        }

    @api.model
    def _claims_penalties(self, partner, company):
        """Whether the statement of ``partner`` in ``company`` shows penalties and the indemnity:
        as its open relance file says (``_relance_claims_penalties``); without a file, only when
        the company chose to show them always."""
        file = (
            self.env['account.relance.file']
            .sudo()
            .search(
                [
                    ('partner_id', '=', partner.commercial_partner_id.id),
                    ('company_id', '=', company.id),
                    ('state', '=', 'open'),
                ],
                limit=1,
            )
        )
        return file._relance_claims_penalties() if file else company.relance_portal_penalties_always
