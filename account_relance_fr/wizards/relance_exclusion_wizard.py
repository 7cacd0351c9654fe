from odoo import fields, models
from odoo.exceptions import UserError


class AccountRelanceExclusionWizard(models.TransientModel):
    """Exclude invoices, or suspend clients, with a reason the chatter keeps."""

    _name = 'account.relance.exclusion.wizard'
    _description = "Exclude from relances"

    res_model = fields.Char("Model", required=True)
    res_ids = fields.Json("Records", required=True)
    reason = fields.Char(required=True)

    def action_apply(self):
        self.ensure_one()
        if not (self.reason or '').strip():
            raise UserError(self.env._("Give the reason for the exclusion."))
        records = self.env[self.res_model].browse(self.res_ids).exists()
        if self.res_model == 'account.move':
            records.write({'relance_excluded': True, 'relance_exclusion_reason': self.reason})
        elif self.res_model == 'res.partner':
            records.commercial_partner_id.write({'relance_suspended': True, 'relance_suspension_reason': self.reason})
        else:
            raise UserError(self.env._("Only invoices and clients can be excluded from relances."))
        return {'type': 'ir.actions.act_window_close'}

    def _action_open(self, records):
        """Open the wizard for invoices or clients selected in a list."""
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Suspend relances")
            if records._name == 'res.partner'
            else self.env._("Exclude from relances"),
            'res_model': self._name,
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_res_model': records._name, 'default_res_ids': records.ids},
        }
