from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountRelanceDeclarationWizard(models.TransientModel):
    """Prepare the déclaration de créance of a procédure collective: who signs it, when it is
    sent and under which registered-letter number. The figures are the procedure's."""

    _name = 'account.relance.declaration.wizard'
    _description = "Déclaration de créance"

    insolvency_id = fields.Many2one('account.relance.insolvency', "Procédure collective", required=True)
    company_id = fields.Many2one(related='insolvency_id.company_id')
    currency_id = fields.Many2one(related='insolvency_id.currency_id')
    mandataire_id = fields.Many2one(related='insolvency_id.mandataire_id')
    declaration_deadline = fields.Date(related='insolvency_id.declaration_deadline')
    sent_on = fields.Date("Sent on", required=True, default=fields.Date.context_today)
    registered_number = fields.Char("Registered letter number")
    signatory_id = fields.Many2one('res.users', "Signed by", required=True, default=lambda self: self.env.user)
    signatory_function = fields.Char("Function")
    amount = fields.Monetary("Amount declared", compute='_compute_amount', currency_field='currency_id')

    @api.onchange('signatory_id')
    def _onchange_signatory_id(self):
        self.signatory_function = self.signatory_id.function

    @api.depends('insolvency_id')
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.insolvency_id._declaration().total if wizard.insolvency_id else 0.0

    def action_declare(self):
        """Record the declaration on the procedure and download its PDF."""
        self.ensure_one()
        if not self.env.user.has_group('account_relance_fr.group_relance_user'):
            raise UserError(self.env._("Only the collectors declare a claim."))
        attachment = self.insolvency_id._record_declaration(
            self.sent_on, self.registered_number, self.signatory_id, self.signatory_function
        )
        return {
            'type': 'ir.actions.act_url',
            'url': f"/web/content/{attachment.id}?download=true",
            'target': 'download',
        }
