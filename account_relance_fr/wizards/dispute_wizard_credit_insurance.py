from odoo import api, fields, models


class AccountRelanceDisputeWizard(models.TransientModel):
    _inherit = 'account.relance.dispute.wizard'  # pylint: disable=consider-merging-classes-inherited

    insurance_warning = fields.Text(compute='_compute_insurance_warning')

    @api.depends('move_ids')
    def _compute_insurance_warning(self):
        for wizard in self:
            wizard.insurance_warning = (
                self.env['account.move']._relance_dispute_cover_warnings(wizard.move_ids) or False
            )
