from odoo import api, fields, models
from odoo.exceptions import ValidationError


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
                        wizard.date,
                    )
                )

    def action_run(self):
        self.ensure_one()
        relances = self.env['account.relance.run']._run(on_date=self.date, companies=self.company_ids)
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('id', 'in', relances.ids)]
        action['context'] = {}
        action['name'] = self.env._("Relances prepared on %s", self.date)
        return action
