from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.res_partner import RISK_CATEGORIES


class AccountRelanceRiskForceWizard(models.TransientModel):
    """A manager decides the risk category of a client, whatever its history says."""

    _name = 'account.relance.risk.force.wizard'
    _description = "Force a risk category"

    partner_id = fields.Many2one('res.partner', "Client", required=True)
    risk_category = fields.Selection(RISK_CATEGORIES, "Risk category", required=True)
    reason = fields.Char(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get('active_model') == 'res.partner' and self.env.context.get('active_id'):
            partner = self.env['res.partner'].browse(self.env.context['active_id']).commercial_partner_id
            values.setdefault('partner_id', partner.id)
            values.setdefault('risk_category', partner.relance_risk_category or 'punctual')
        return values

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group('account_relance_fr.group_relance_manager'):
            raise UserError(self.env._("Only a relance manager may force a risk category."))
        if not (self.reason or '').strip():
            raise UserError(self.env._("Give the reason for forcing the risk category."))
        self.partner_id.commercial_partner_id._relance_force_risk(self.risk_category, self.reason)
        return {'type': 'ir.actions.act_window_close'}
