from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'  # pylint: disable=consider-merging-classes-inherited

    relance_small_claims_threshold = fields.Monetary(
        related='company_id.relance_small_claims_threshold', readonly=False
    )
    relance_court_reminder_days = fields.Integer(related='company_id.relance_court_reminder_days', readonly=False)
