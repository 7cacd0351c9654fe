from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class AccountRelancePenaltyInvoiceWizard(models.TransientModel):
    """“Facturer les pénalités”: invoice the penalties and indemnities of late invoices.

    One customer invoice per client and currency, without VAT (penalties and the indemnity are
    damages, outside the scope of VAT). Each line points back to the late invoice it charges,
    so what was invoiced once is deducted the next time: nothing is claimed twice.
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

    def _already_invoiced(self):
        """{(late invoice, kind): amount} on penalty invoices not cancelled."""
        rows = self.env['account.move.line']._read_group(
            [('relance_penalty_origin_id', 'in', self.move_ids.ids), ('parent_state', '!=', 'cancel')],
            ['relance_penalty_origin_id', 'relance_penalty_kind'], ['price_subtotal:sum'])
        return {(move, kind): amount for move, kind, amount in rows}

    def _penalty_lines(self):
        """{(client, currency): [line values]} of what is still to invoice at the date."""
        self.ensure_one()
        invoices = self.move_ids.filtered(lambda m: m.move_type in ('out_invoice', 'out_receipt') and m.state == 'posted')
        if invoices != self.move_ids:
            raise UserError(self.env._("Only posted customer invoices bear late-payment penalties."))
        done = self._already_invoiced()
        lines = defaultdict(list)
        for move, amounts in invoices._relance_penalties(self.date).items():
            if amounts['warning']:
                raise UserError(amounts['warning'])
            for kind, label in (('penalty', "Pénalités de retard (article L441-10 du Code de commerce)"),
                                ('indemnity', "Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce)")):
                amount = move.currency_id.round(
                    amounts['penalties' if kind == 'penalty' else 'indemnity'] - done.get((move, kind), 0.0))
                if move.currency_id.compare_amounts(amount, 0.0) > 0:
                    lines[move.commercial_partner_id, move.currency_id].append({
                        'name': f"{label} – facture {move.name}, au {self.date.strftime('%d/%m/%Y')}",
                        'quantity': 1, 'price_unit': amount, 'tax_ids': [Command.clear()],
                        'relance_penalty_origin_id': move.id, 'relance_penalty_kind': kind,
                    })
        return lines

    def action_create_invoices(self):
        lines = self._penalty_lines()
        if not lines:
            raise UserError(self.env._(
                "Nothing to invoice: no penalty or indemnity is due on these invoices at that date, "
                "or it was invoiced already."))
        company = self.move_ids.company_id[:1]
        account = company.relance_penalty_account_id
        invoices = self.env['account.move'].create([{
            'move_type': 'out_invoice', 'partner_id': client.id, 'currency_id': currency.id,
            'invoice_date': self.date, 'company_id': company.id,
            'invoice_line_ids': [Command.create(dict(vals, **({'account_id': account.id} if account else {})))
                                 for vals in values],
        } for (client, currency), values in lines.items()])
        action = self.env['ir.actions.act_window']._for_xml_id('account.action_move_out_invoice')
        action['domain'] = [('id', 'in', invoices.ids)]
        return action
