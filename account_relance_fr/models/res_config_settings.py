from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = 'res.config.settings'

    relance_collector_id = fields.Many2one(related='company_id.relance_collector_id', readonly=False)
    relance_aging_bounds = fields.Char(related='company_id.relance_aging_bounds', readonly=False)
    relance_cost_letter = fields.Monetary(related='company_id.relance_cost_letter', readonly=False)
    relance_cost_registered_letter = fields.Monetary(
        related='company_id.relance_cost_registered_letter', readonly=False
    )
    relance_cost_phone_minute = fields.Monetary(related='company_id.relance_cost_phone_minute', readonly=False)
    relance_phone_call_minutes = fields.Float(related='company_id.relance_phone_call_minutes', readonly=False)
    relance_attach_invoices = fields.Boolean(related='company_id.relance_attach_invoices', readonly=False)
    relance_retention_of_title = fields.Boolean(related='company_id.relance_retention_of_title', readonly=False)
    relance_contract_rate = fields.Float(related='company_id.relance_contract_rate', readonly=False)
    relance_formal_notice_days = fields.Integer(related='company_id.relance_formal_notice_days', readonly=False)
    relance_invoice_mentions = fields.Boolean(related='company_id.relance_invoice_mentions', readonly=False)
    relance_discount_terms = fields.Char(related='company_id.relance_discount_terms', readonly=False)
    relance_penalty_account_id = fields.Many2one(related='company_id.relance_penalty_account_id', readonly=False)
    relance_freeze_penalty_rate = fields.Boolean(related='company_id.relance_freeze_penalty_rate', readonly=False)
    relance_risk_window_months = fields.Integer(related='company_id.relance_risk_window_months', readonly=False)
    relance_risk_late_share_occasional = fields.Float(
        related='company_id.relance_risk_late_share_occasional', readonly=False
    )
    relance_risk_late_share_chronic = fields.Float(related='company_id.relance_risk_late_share_chronic', readonly=False)
    relance_risk_average_days_occasional = fields.Float(
        related='company_id.relance_risk_average_days_occasional', readonly=False
    )
    relance_risk_average_days_chronic = fields.Float(
        related='company_id.relance_risk_average_days_chronic', readonly=False
    )
    relance_risk_max_days_occasional = fields.Float(
        related='company_id.relance_risk_max_days_occasional', readonly=False
    )
    relance_risk_max_days_chronic = fields.Float(related='company_id.relance_risk_max_days_chronic', readonly=False)
    relance_risk_severe_relances_occasional = fields.Float(
        related='company_id.relance_risk_severe_relances_occasional', readonly=False
    )
    relance_risk_severe_relances_chronic = fields.Float(
        related='company_id.relance_risk_severe_relances_chronic', readonly=False
    )
    relance_risk_min_installments = fields.Integer(related='company_id.relance_risk_min_installments', readonly=False)
    relance_schedule_grace_days = fields.Integer(related='company_id.relance_schedule_grace_days', readonly=False)
    relance_schedule_reminder_days = fields.Integer(related='company_id.relance_schedule_reminder_days', readonly=False)

    # The client's side: statement, portal page, promises to pay, call outcomes.
    relance_statement_from_tone = fields.Selection(related='company_id.relance_statement_from_tone', readonly=False)
    relance_promise_limit_days = fields.Integer(related='company_id.relance_promise_limit_days', readonly=False)
    relance_promise_grace_days = fields.Integer(related='company_id.relance_promise_grace_days', readonly=False)
    relance_portal_answer_limit = fields.Integer(related='company_id.relance_portal_answer_limit', readonly=False)
    relance_portal_penalties_always = fields.Boolean(
        related='company_id.relance_portal_penalties_always', readonly=False
    )
    relance_call_retry_days = fields.Integer(related='company_id.relance_call_retry_days', readonly=False)
