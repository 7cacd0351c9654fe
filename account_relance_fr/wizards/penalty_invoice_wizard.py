from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..core.penalties import INDEMNITY_LABEL, LEGAL_INTEREST_LABEL, PENALTY_LABEL


class AccountRelancePenaltyInvoiceWizard(models.TransientModel):
    """“Facturer les pénalités”: invoice the penalties and indemnities of late invoices.

    One customer invoice per client and currency, without VAT (penalties and the indemnity are
    damages, outside the scope of VAT). Each line points back to the late invoice it charges,
    so what was invoiced once is deducted the next time, here and in the relances: nothing is
    claimed twice. A consumer's line is legal interest (Code civil), not L441-10 penalties. The
    invoices of one company at a time: each company invoices its own clients.
    """

    _name = 'account.relance.penalty.invoice.wizard'
    _description = "Invoice late-payment penalties"

    move_ids = fields.Many2many('account.move', string="Late invoices", required=True)
    date = fields.Date("Penalties until", required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get('active_model') == 'account.move':
            values['move_ids'] = [Command.set(self.env.context.get('active_ids') or [])]
        return values

    def _penalty_lines(self):
        """{(client, currency): [line values]} of what is still to invoice at the date."""
        self.ensure_one()
        invoices = self.move_ids.filtered(self.env['account.relance.installment']._is_customer_invoice)
        if invoices != self.move_ids:
            raise UserError(self.env._("Only posted customer invoices bear late-payment penalties."))
        if len(invoices.company_id) > 1:
            raise UserError(
                self.env._(
                    "The selected invoices belong to several companies (%s): invoice the penalties of one "
                    "company at a time.",
                    ", ".join(invoices.company_id.mapped('name')),
                )
            )
        labels = {
            'penalty': PENALTY_LABEL,
            'legal_interest': LEGAL_INTEREST_LABEL,
            'indemnity': INDEMNITY_LABEL,
        }
        lines = defaultdict(list)
        for move, amounts in invoices._relance_penalties(self.date).items():
            if amounts['warning']:
                raise UserError(amounts['warning'])
            for kind, key in (('penalty', 'penalties'), ('indemnity', 'indemnity')):
                amount = amounts[key]  # accrued, less what was invoiced already
                if move.currency_id.compare_amounts(amount, 0.0) > 0:
                    label = labels[amounts['kind'] if kind == 'penalty' else kind]
                    lines[move.commercial_partner_id, move.currency_id].append(
                        {
                            'name': f"{label} – facture {move.name}, au {self.date.strftime('%d/%m/%Y')}",
                            'quantity': 1,
                            'price_unit': amount,
                            'tax_ids': [Command.clear()],
                            'relance_penalty_origin_id': move.id,
                            'relance_penalty_kind': kind,
                        }
                    )
        return lines

    def action_create_invoices(self):
        lines = self._penalty_lines()
        if not lines:
            raise UserError(
                self.env._(
                    "Nothing to invoice: no penalty or indemnity is due on these invoices at that date, "
                    "or it was invoiced already."
                )
            )
        company = self.move_ids.company_id[:1]
        account = company.relance_penalty_account_id
        invoices = self.env['account.move'].create(
            [
                {
                    'move_type': 'out_invoice',
                    'partner_id': client.id,
                    'currency_id': currency.id,
                    # Penalties and the indemnity are owed at once: due on the invoice date.
                    'invoice_date': self.date,
                    'invoice_payment_term_id': False,
                    'invoice_date_due': self.date,
                    'company_id': company.id,
                    'invoice_line_ids': [
                        Command.create(dict(vals, **({'account_id': account.id} if account else {}))) for vals in values
                    ],
                }
                for (client, currency), values in lines.items()
            ]
        )
        action = self.env['ir.actions.act_window']._for_xml_id('account.action_move_out_invoice')
        action['domain'] = [('id', 'in', invoices.ids)]
        return action
