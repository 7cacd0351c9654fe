from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class AccountRelanceRunWizard(models.TransientModel):
    """Run the daily relance now, as of a chosen date (manager)."""

    _name = 'account.relance.run.wizard'
    _description = "Run the relances now"

    date = fields.Date("Run as of", required=True, default=fields.Date.context_today)
    company_ids = fields.Many2many(
        'res.company', string="Companies", required=True, default=lambda self: self.env.companies
    )

    @api.constrains('date')
    def _check_date(self):
        for wizard in self:
            if wizard.date > fields.Date.context_today(wizard):
                raise ValidationError(
                    self.env._(
                        "The relance cannot be run for a future date (%s): it would remind clients "
                        "of lateness that does not exist yet.",
                        format_date(self.env, wizard.date),
                    )
                )

    def _summary(self, relances):
        """What a run prepared, by state ("3 sent, 2 to validate"); sent e-mails are only
        queued (Odoo's mail queue sends them), and the text says so."""
        labels = dict(relances._fields['state']._description_selection(self.env))
        parts = []
        for state, group in relances.grouped('state').items():
            if state == 'sent' and any(group.mapped('channel_email')):
                parts.append(self.env._("%(count)s sent (e-mails queued)", count=len(group)))
            else:
                parts.append(f"{len(group)} {labels[state].lower()}")
        return ", ".join(parts)

    def action_run(self):
        self.ensure_one()
        relances = self.env['account.relance.run']._run(on_date=self.date, companies=self.company_ids)
        day = format_date(self.env, self.date)
        if not relances:
            # No empty list over sample rows: the manager reads that the run found nothing new,
            # then lands on the worklist.
            worklist = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_file_worklist')
            return {
                'type': 'ir.actions.client',
                'tag': 'display_notification',
                'params': {
                    'title': self.env._("Run of %s", day),
                    'message': self.env._("No relance prepared: no client reached a new step."),
                    'type': 'info',
                    'sticky': False,
                    'next': worklist,
                },
            }
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('id', 'in', relances.ids)]
        action['context'] = {'search_default_group_state': 1}
        action['name'] = self.env._("Run of %(day)s: %(summary)s", day=day, summary=self._summary(relances))
        return action
