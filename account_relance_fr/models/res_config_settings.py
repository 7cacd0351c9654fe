from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    relance_collector_id = fields.Many2one(
        related='company_id.relance_collector_id', readonly=False)
    relance_aging_bounds = fields.Char(
        related='company_id.relance_aging_bounds', readonly=False)
    relance_cost_letter = fields.Monetary(
        related='company_id.relance_cost_letter', readonly=False)
    relance_cost_registered_letter = fields.Monetary(
        related='company_id.relance_cost_registered_letter', readonly=False)
    relance_cost_phone_minute = fields.Monetary(
        related='company_id.relance_cost_phone_minute', readonly=False)
    relance_phone_call_minutes = fields.Float(
        related='company_id.relance_phone_call_minutes', readonly=False)
    relance_attach_invoices = fields.Boolean(
        related='company_id.relance_attach_invoices', readonly=False)
    relance_contract_rate = fields.Float(
        related='company_id.relance_contract_rate', readonly=False)
    relance_formal_notice_days = fields.Integer(
        related='company_id.relance_formal_notice_days', readonly=False)
    relance_invoice_mentions = fields.Boolean(
        related='company_id.relance_invoice_mentions', readonly=False)
    relance_discount_terms = fields.Char(
        related='company_id.relance_discount_terms', readonly=False)
    relance_penalty_account_id = fields.Many2one(
        related='company_id.relance_penalty_account_id', readonly=False)
    relance_freeze_penalty_rate = fields.Boolean(
        related='company_id.relance_freeze_penalty_rate', readonly=False)
