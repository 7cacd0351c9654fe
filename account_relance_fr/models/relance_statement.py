from collections import defaultdict

from odoo import api, models

from ..core.calendar import days_overdue
from .relance_installment import RECEIVABLE_ACCOUNT_TYPE

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
    def _statement(self, partner, company, on_date=None):
        """{'date', 'partner', 'company', 'currencies': [{currency, lines, totals}], 'total_company',
        'moves', 'banks'}; each line a dict (kind, label, reference, date, due_date, days_overdue,
        amount, residual, balance, penalties, indemnity, move)."""
        partner = partner.commercial_partner_id
        on_date = on_date or self.env['account.relance.run']._company_today(company)
        lines = self.env['account.move.line'].sudo().search(self._open_items_domain(partner, company))
        lines = lines.sorted(lambda aml: (aml.currency_id.id, aml.date_maturity or aml.date, aml.date, aml.id))
        invoices = lines.move_id.filtered(lambda m: m.move_type in ('out_invoice', 'out_receipt'))
        penalties = (
            self.env['account.relance.run'].sudo()._penalties_of(company, on_date, invoices.ids) if invoices else {}
        )
        installments_of = defaultdict(int)
        for line in lines:
            installments_of[line.move_id] += 1
        by_currency = {}
        seen_moves = set()
        for line in lines:
            move = line.move_id
            block = by_currency.setdefault(
                line.currency_id,
                {
                    'currency': line.currency_id,
                    'lines': [],
                    'balance': 0.0,
                    'totals': {'residual': 0.0, 'overdue': 0.0, 'penalties': 0.0, 'indemnity': 0.0, 'due': 0.0},
                },
            )
            if move.move_type in ('out_invoice', 'out_receipt'):
                kind = (
                    'installment'
                    if len(move.line_ids.filtered(lambda aml: aml.display_type == 'payment_term')) > 1
                    else 'invoice'
                )
            elif move.move_type == 'out_refund':
                kind = 'refund'
            elif move.origin_payment_id or line.amount_residual < 0:
                kind = 'payment'
            else:
                kind = 'other'
            first = move.id not in seen_moves
            seen_moves.add(move.id)
            amounts = penalties.get(move.id, {}) if first else {}
            due = line.date_maturity if line.balance > 0 else False
            late = days_overdue(due, on_date) if due else 0
            residual = line.amount_residual_currency
            block['balance'] += residual
            totals = block['totals']
            totals['residual'] += residual
            if due and late > 0:
                totals['overdue'] += residual
            totals['penalties'] += amounts.get('penalties', 0.0)
            totals['indemnity'] += amounts.get('indemnity', 0.0)
            block['lines'].append(
                {
                    'kind': kind,
                    'label': KIND_LABELS[kind],
                    'move': move,
                    'reference': move.name,
                    'payment_reference': move.payment_reference or '',
                    'date': move.invoice_date or move.date,
                    'due_date': due,
                    'days_overdue': max(late, 0),
                    'amount': line.amount_currency,
                    'residual': residual,
                    'balance': block['balance'],
                    'penalties': amounts.get('penalties', 0.0),
                    'indemnity': amounts.get('indemnity', 0.0),
                }
            )
        for block in by_currency.values():
            totals = block['totals']
            currency = block['currency']
            for key in totals:
                totals[key] = currency.round(totals[key])
            totals['due'] = currency.round(totals['residual'] + totals['penalties'] + totals['indemnity'])
        return {
            'date': on_date,
            'partner': partner,
            'company': company,
            'currencies': list(by_currency.values()),
            'total_company': company.currency_id.round(sum(lines.mapped('amount_residual'))),
            'moves': invoices,
            'banks': company.partner_id.bank_ids,
            # Penalties that could not be computed (a missing rate) are said, never shown as 0.
            'warnings': sorted({amounts['warning'] for amounts in penalties.values() if amounts.get('warning')}),
        }
