from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    relance_collector_id = fields.Many2one(
        related='company_id.relance_collector_id', readonly=False)
    relance_attach_invoices = fields.Boolean(
        related='company_id.relance_attach_invoices', readonly=False)
