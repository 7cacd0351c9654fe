from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountRelanceDisputeWizard(models.TransientModel):
    """Mark invoices in dispute (litige): they are not reminded until the dispute is resolved."""

    _name = 'account.relance.dispute.wizard'
    _description = "Mark invoices in dispute"

    move_ids = fields.Many2many('account.move', string="Invoices", required=True)
    reason = fields.Char(required=True)
    date = fields.Date("Disputed since", required=True, default=fields.Date.context_today)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get('active_model') == 'account.move' and 'move_ids' in fields_list:
            values['move_ids'] = [fields.Command.set(self.env.context.get('active_ids') or [])]
        return values

    def action_apply(self):
        self.ensure_one()
        if not (self.reason or '').strip():
            raise UserError(self.env._("Give the reason of the dispute."))
        bad = self.move_ids.filtered(lambda m: not self.env['account.relance.installment']._is_customer_invoice(m))
        if bad:
            raise UserError(
                self.env._("Only posted customer invoices can be disputed: %s", ", ".join(bad.mapped('display_name')))
            )
        self.move_ids.write(
            {'relance_dispute': True, 'relance_dispute_reason': self.reason, 'relance_dispute_date': self.date}
        )
        self.env['account.relance.file']._refresh_clients(self.move_ids)
        return {'type': 'ir.actions.act_window_close'}
