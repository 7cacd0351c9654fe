from odoo import fields, models


class AccountRelanceRemindWizard(models.TransientModel):
    """Confirm "Remind now" for clients who received a relance less than the minimum gap ago."""

    _name = 'account.relance.remind.wizard'
    _description = "Confirm a relance inside the minimum gap"

    partner_ids = fields.Many2many('res.partner', string="Clients", readonly=True)
    move_ids = fields.Many2many('account.move', string="Invoices", readonly=True)
    recent_partner_ids = fields.Many2many(
        'res.partner', 'account_relance_remind_wizard_recent_rel', string="Reminded recently", readonly=True
    )
    message = fields.Text(readonly=True)

    def action_confirm(self):
        self.ensure_one()
        return (
            self.env['account.relance.run']
            .with_context(relance_gap_confirmed=True)
            ._action_remind_now(partners=self.partner_ids or None, moves=self.move_ids or None)
        )
