from psycopg2 import IntegrityError

from odoo import api, fields, models


class AccountRelanceRunLog(models.Model):
    """What the daily run could not do for a client, and why: the run goes on with the others,
    and the next day's run tries the client again (its invoices are still due)."""

    _name = 'account.relance.run.log'
    _description = "Relance run log"
    _order = 'create_date desc, id desc'

    company_id = fields.Many2one('res.company', required=True, readonly=True, index=True)
    date = fields.Date("Run of", required=True, readonly=True, index=True)
    partner_id = fields.Many2one('res.partner', "Client", readonly=True, index=True)
    kind = fields.Selection(
        [('failure', "Failed"), ('busy', "Left to another run")],
        required=True,
        readonly=True,
        help="Failed: an error stopped the relance of this client today; it is tried again tomorrow. "
        "Left to another run: another run was processing the client at the same moment.",
    )
    message = fields.Text(readonly=True)

    @api.model
    def _record(self, company, on_date, partner_ids, kind, message):
        # A technical trace written by the run whoever triggered it (the cron, a manager's
        # "run now"): nobody edits it, relance users read it.
        return self.sudo().create(
            [
                {
                    'company_id': company.id,
                    'date': on_date,
                    'partner_id': partner_id,
                    'kind': kind,
                    'message': message,
                }
                for partner_id in partner_ids
            ]
        )

    @api.model
    def _failure_message(self, error):
        if isinstance(error, IntegrityError):
            return self.env._("Another relance run reminded this client at the same moment: nothing was doubled.")
        detail = error.args[0] if getattr(error, 'args', None) else repr(error)
        return self.env._(
            "The relance could not be prepared: %(error)s. It is tried again at the next run.", error=str(detail)
        )
