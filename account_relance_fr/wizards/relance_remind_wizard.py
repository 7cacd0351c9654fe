from odoo import api, fields, models


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

    @api.model
    def _confirm_if_recent(self, partners=None, moves=None):
        """The action asking to confirm "Remind now" when clients of the selection saw a relance
        less than their scenario's minimum gap ago; None when none did."""
        recent = self._reminded_within_gap(partners=partners, moves=moves)
        if not recent:
            return None
        wizard = self.create(
            {
                'partner_ids': [fields.Command.set(partners.ids if partners else [])],
                'move_ids': [fields.Command.set(moves.ids if moves else [])],
                'recent_partner_ids': [fields.Command.set(recent.ids)],
                'message': self.env._(
                    "These clients received a relance less than the minimum gap of their scenario "
                    "ago. Remind them again today anyway?"
                ),
            }
        )
        return {
            'type': 'ir.actions.act_window',
            'name': self.env._("Remind now"),
            'res_model': wizard._name,
            'res_id': wizard.id,
            'view_mode': 'form',
            'target': 'new',
        }

    @api.model
    def _reminded_within_gap(self, partners=None, moves=None):
        """The clients of the selection who saw a relance less than their scenario's minimum gap ago."""
        clients = (partners.commercial_partner_id if partners else self.env['res.partner']) | (
            moves.commercial_partner_id if moves else self.env['res.partner']
        )
        recent = self.env['res.partner']
        for company in moves.company_id if moves else self.env.companies:
            today = company._relance_today()
            scenario_of = self.env['account.relance.scenario']._for_partners(company, clients)
            for partner_id, day in self.env['account.relance.file']._last_seen(company, clients.ids, today).items():
                if (today - day).days < scenario_of[partner_id].min_gap_days:
                    recent |= recent.browse(partner_id)
        return recent
