from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountRelanceScheduleLine(models.Model):
    """One installment of a payment schedule: what the client pays on which day, and how much
    of it the payments received so far cover (allocated in due-date order)."""

    _name = 'account.relance.schedule.line'
    _description = "Payment schedule installment"
    _order = 'schedule_id, due_date, sequence, id'

    schedule_id = fields.Many2one('account.relance.schedule', required=True, ondelete='cascade', index=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related='schedule_id.company_id', store=True, index=True)
    currency_id = fields.Many2one(related='schedule_id.currency_id')
    schedule_state = fields.Selection(related='schedule_id.state', string="Schedule status")
    due_date = fields.Date("Due date", required=True)
    amount = fields.Monetary(required=True)
    interest_amount = fields.Monetary("Of which interest")
    down_payment = fields.Boolean("Down payment", readonly=True)
    amount_paid = fields.Monetary("Paid", compute='_compute_paid')
    amount_remaining = fields.Monetary("Remaining", compute='_compute_paid')
    status = fields.Selection(
        [
            ('to_come', "To come"),
            ('partial', "Partially paid"),
            ('paid', "Paid"),
            ('late', "Late"),
            ('missed', "Missed"),
        ],
        compute='_compute_paid',
    )
    missed = fields.Boolean(readonly=True, copy=False, help="Unpaid after the grace days: the schedule broke.")
    reminder_sent = fields.Boolean(
        "Reminder sent",
        readonly=True,
        copy=False,
        help="The e-mail before the due date went out (once per installment).",
    )

    @api.depends('amount', 'due_date', 'schedule_id.move_ids.amount_residual', 'missed')
    def _compute_paid(self):
        for schedule in self.schedule_id:
            installments = schedule._core_installments()
            today = schedule.company_id._relance_today()
            for line, inst in installments.items():
                line.amount_paid = float(inst.paid)
                line.amount_remaining = float(inst.remaining)
                if not inst.remaining:
                    line.status = 'paid'
                elif line.missed:
                    line.status = 'missed'
                elif line.due_date and line.due_date < today:
                    line.status = 'late'
                else:
                    line.status = 'partial' if inst.paid else 'to_come'
        for line in self.filtered(lambda item: not item.schedule_id):
            line.update({'amount_paid': 0.0, 'amount_remaining': line.amount, 'status': 'to_come'})

    @api.ondelete(at_uninstall=False)
    def _unlink_only_in_draft(self):
        if any(line.schedule_id.state != 'draft' for line in self):
            raise UserError(self.env._("The installments of an agreed payment schedule cannot be deleted."))

    def write(self, vals):
        if set(vals) & {'due_date', 'amount', 'interest_amount'} and any(
            line.schedule_id.state != 'draft' for line in self
        ):
            raise UserError(self.env._("The installments of an agreed payment schedule cannot be changed."))
        return super().write(vals)

    def _send_reminder(self):
        """The preventive e-mail before the due date, once per installment."""
        template = self.env.ref('account_relance_fr.mail_template_relance_schedule_reminder')
        for line in self:
            schedule = line.schedule_id
            # The template names the installment it reminds through the context.
            rendering = template.with_context(relance_schedule_line_id=line.id)
            subject = rendering._render_field('subject', schedule.ids, compute_lang=True)[schedule.id]
            body = rendering._render_field('body_html', schedule.ids, compute_lang=True)[schedule.id]
            schedule.message_post(
                body=body,
                subject=subject,
                partner_ids=schedule.contact_id.ids,
                message_type='comment',
                subtype_xmlid='mail.mt_comment',
                email_layout_xmlid='mail.mail_notification_light',
                email_from=schedule.company_id.email_formatted or None,
            )
        self.write({'reminder_sent': True})
