from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

OUTCOMES = [
    ('promise', "Reached: promises to pay"),
    ('dispute', "Reached: contests an invoice"),
    ('wrong_contact', "Wrong contact"),
    ('no_answer', "No answer"),
]


class AccountRelanceCallOutcomeWizard(models.TransientModel):
    """The outcome of a relance call: it completes the call activity and has the same effect as
    the client's own answer on its page (promise to pay, dispute), or fixes the relance contact,
    or plans the call again."""

    _name = 'account.relance.call.outcome.wizard'
    _description = "Outcome of a relance call"

    relance_id = fields.Many2one('account.relance')
    file_id = fields.Many2one('account.relance.file', "Relance file", required=True)
    partner_id = fields.Many2one(related='file_id.partner_id', string="Client")
    company_currency_id = fields.Many2one(related='file_id.company_currency_id')
    outcome = fields.Selection(OUTCOMES, required=True, default='promise')
    promise_date = fields.Date("Pays by")
    promise_amount = fields.Monetary(
        "Amount promised", currency_field='company_currency_id', help="Empty: everything overdue."
    )
    move_id = fields.Many2one(
        'account.move',
        "Contested invoice",
        domain="[('commercial_partner_id', '=', partner_id), ('relance_open', '=', True)]",
    )
    reason = fields.Char("Reason of the dispute")
    contact_id = fields.Many2one(
        'res.partner',
        "Right contact",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="Becomes the relance contact of the client.",
    )
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get('active_model') == 'account.relance' and self.env.context.get('active_id'):
            relance = self.env['account.relance'].browse(self.env.context['active_id'])
            values.update(relance_id=relance.id, file_id=relance.file_id.id)
        return values

    def _call_activities(self):
        call = self.env.ref('mail.mail_activity_data_call')
        relances = self.relance_id or self.file_id.relance_ids
        return relances.activity_ids.filtered(lambda a: a.activity_type_id == call)

    def action_apply(self):
        self.ensure_one()
        file = self.file_id
        # The label in the user's language (the selection's translation), not the source text.
        label = dict(self._fields['outcome']._description_selection(self.env))[self.outcome]
        activities = self._call_activities()
        if self.outcome == 'promise':
            if not self.promise_date:
                raise UserError(self.env._("Give the date the client promised to pay by."))
            self.env['account.relance.promise']._make(file, self.promise_date, self.promise_amount, 'call', self.note)
            feedback = self.env._(
                "%(outcome)s by %(date)s.", outcome=label, date=format_date(self.env, self.promise_date)
            )
        elif self.outcome == 'dispute':
            if not (self.move_id and (self.reason or '').strip()):
                raise UserError(self.env._("Give the contested invoice and the reason."))
            file._relance_dispute(self.move_id, self.reason, source='call')
            feedback = self.env._(
                "%(outcome)s: %(invoice)s, %(reason)s.", outcome=label, invoice=self.move_id.name, reason=self.reason
            )
        elif self.outcome == 'wrong_contact':
            if not self.contact_id:
                raise UserError(self.env._("Give the right contact: relances will be addressed to them."))
            file.partner_id.relance_contact_id = self.contact_id
            feedback = self.env._(
                "%(outcome)s: the relance contact is now %(contact)s.",
                outcome=label,
                contact=self.contact_id.display_name,
            )
            file._relance_post_client_action(feedback)
        else:
            days = file.company_id.relance_call_retry_days or 1
            today = file.company_id._relance_today()
            target = self.relance_id or file.last_relance_id
            target.activity_schedule(
                'mail.mail_activity_data_call',
                date_deadline=today + timedelta(days=days),
                summary=self.env._("Call again: no answer on %s", format_date(self.env, today)),
                user_id=(target.user_id or self.env.user).id,
            )
            feedback = self.env._("%(outcome)s: call again in %(days)s days.", outcome=label, days=days)
            file._relance_post_client_action(feedback)
        if self.note:
            # The collector's note goes with every outcome (a promise keeps it on its record too).
            feedback = f"{feedback} {self.note}"
        # The call made is done (its feedback stays in the history); a call planned again stays.
        activities.action_feedback(feedback=feedback)
        return {'type': 'ir.actions.act_window_close'}
