from markupsafe import Markup

from odoo import Command, api, fields, models

from .relance_installment import SCHEDULE_COVERING_STATES


class AccountRelanceScheduleRequest(models.Model):
    """A client asked, on its page, to pay in installments: the collector gets an activity,
    and the schedule wizard opens prefilled with what the client asked."""

    _name = 'account.relance.schedule.request'
    _description = "Payment schedule request"
    _order = 'date desc, id desc'
    _check_company_auto = True

    file_id = fields.Many2one(
        'account.relance.file',
        "Relance file",
        required=True,
        readonly=True,
        index=True,
        ondelete='cascade',
        check_company=True,
    )
    company_id = fields.Many2one(related='file_id.company_id', store=True)
    partner_id = fields.Many2one(related='file_id.partner_id', store=True, string="Client")
    date = fields.Date("Asked on", required=True, readonly=True)
    installment_count = fields.Integer("Installments asked", readonly=True, default=3)
    first_due_date = fields.Date("First installment asked", readonly=True)
    message = fields.Text(readonly=True)
    move_ids = fields.Many2many('account.move', string="Invoices", readonly=True)
    state = fields.Selection([('new', "To answer"), ('done', "Answered")], default='new', required=True, readonly=True)

    @api.model
    def _make(self, file, installment_count, first_due_date=False, message=False):
        file.ensure_one()
        today = self.env['account.relance.run']._company_today(file.company_id)
        moves = (
            self.env['account.move']
            .sudo()
            .search(
                [
                    ('commercial_partner_id', '=', file.partner_id.id),
                    ('company_id', '=', file.company_id.id),
                    ('relance_open', '=', True),
                    ('relance_schedule_ids', 'not any', [('state', 'in', SCHEDULE_COVERING_STATES)]),
                ]
            )
        )
        count = max(min(int(installment_count or 3), 12), 1)
        request = self.sudo().create(
            {
                'file_id': file.id,
                'date': today,
                'installment_count': count,
                'first_due_date': first_due_date or False,
                'message': message or False,
                'move_ids': [Command.set(moves.ids)],
            }
        )
        body = self.env._(
            "The client asks for a payment schedule in %(count)s installments%(first)s.",
            count=count,
            first=self.env._(" from %s", first_due_date) if first_due_date else "",
        )
        if message:
            body = Markup("%s<br/>%s") % (body, message)
        file._relance_post_client_action(body)
        file.sudo().activity_schedule(
            'mail.mail_activity_data_todo',
            date_deadline=today,
            summary=self.env._("Payment schedule asked: %s installments", count),
            note=Markup("<p>%s</p>") % (message or ""),
            user_id=file._relance_collector().id,
        )
        return request

    def action_open_wizard(self):
        """The schedule wizard, prefilled with what the client asked."""
        self.ensure_one()
        self.state = 'done'
        context = {
            'default_partner_id': self.partner_id.id,
            'default_move_ids': [Command.set(self.move_ids.filtered('relance_open').ids)],
            'default_installment_count': self.installment_count,
        }
        if self.first_due_date:
            context['default_first_due_date'] = fields.Date.to_string(self.first_due_date)
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.relance.schedule.wizard',
            'name': self.env._("Propose a payment schedule"),
            'view_mode': 'form',
            'target': 'new',
            'context': context,
        }
