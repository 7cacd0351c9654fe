from odoo import fields, models
from odoo.exceptions import UserError


class AccountRelanceCreditOverrideWizard(models.TransientModel):
    """A relance manager posts invoices that the credit limit or the litigation would block,
    giving a reason that the chatter of the invoices and of the client keeps."""

    _name = 'account.relance.credit.override.wizard'
    _description = "Post over the credit limit"

    move_ids = fields.Many2many('account.move', string="Invoices", required=True)
    blocking_reasons = fields.Text("Blocked because", compute='_compute_blocking_reasons')
    reason = fields.Char("Reason for posting anyway", required=True)

    def _compute_blocking_reasons(self):
        for wizard in self:
            wizard.blocking_reasons = "\n".join(sorted(set(wizard.move_ids._relance_credit_blocks().values())))

    def action_post_anyway(self):
        self.ensure_one()
        if not self.env.user.has_group('account_relance_fr.group_relance_manager'):
            raise UserError(self.env._("Only a relance manager may post over the credit limit."))
        if not (self.reason or '').strip():
            raise UserError(self.env._("Give the reason for posting over the credit limit."))
        blocks = self.move_ids._relance_credit_blocks()
        self.move_ids.with_context(relance_credit_check=False).action_post()
        for move, why in blocks.items():
            note = self.env._(
                "Posted by %(user)s despite the credit block (%(why)s). Reason: %(reason)s",
                user=self.env.user.name,
                why=why,
                reason=self.reason,
            )
            move.message_post(body=note)
            # sudo: the manager may not have the right to edit contacts; the note goes on the
            # client's file all the same, under the manager's name.
            move.commercial_partner_id.sudo().message_post(body=note)
        return {'type': 'ir.actions.act_window_close'}
