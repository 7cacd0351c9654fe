from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from .relance_installment import SCHEDULE_COVERING_STATES

# What the client's page lets a client ask for (the collector may propose otherwise).
MIN_INSTALLMENTS, MAX_INSTALLMENTS = 2, 12


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

    _installment_count_range = models.Constraint(
        'CHECK (installment_count BETWEEN 1 AND 12)', "A payment schedule has 1 to 12 installments."
    )

    @api.model
    def _make(self, file, installment_count, first_due_date=False, message=False, author=None):
        """The client's request on ``file``. While one is open (not answered yet) the same
        request posted again is that one; a different one updates it and says so in the
        chatter: one open request and one activity of the collector per file."""
        file.ensure_one()
        company = file.company_id
        today = company._relance_today()
        count = int(installment_count or 3)
        if not MIN_INSTALLMENTS <= count <= MAX_INSTALLMENTS:
            raise UserError(
                self.env._(
                    "A payment schedule has %(low)s to %(high)s installments.",
                    low=MIN_INSTALLMENTS,
                    high=MAX_INSTALLMENTS,
                )
            )
        first_due_date = fields.Date.to_date(first_due_date) if first_due_date else False
        message = message or False
        pending = file.schedule_request_ids.filtered(lambda r: r.state == 'new')[:1]
        asked = {'installment_count': count, 'first_due_date': first_due_date, 'message': message}
        if pending and all(pending[key] == value for key, value in asked.items()):
            return pending
        file._relance_count_client_answer()
        moves = (
            self.env['account.move']
            .sudo()
            .search(
                [
                    ('commercial_partner_id', '=', file.partner_id.id),
                    ('company_id', '=', company.id),
                    ('relance_open', '=', True),
                    ('relance_schedule_ids', 'not any', [('state', 'in', SCHEDULE_COVERING_STATES)]),
                ]
            )
        )
        values = {**asked, 'date': today, 'move_ids': [Command.set(moves.ids)]}
        if pending:
            pending.sudo().write(values)
            request = pending
        else:
            request = file._relance_recorder().env[self._name].create({'file_id': file.id, **values})
        first = self.env._(" from %s", format_date(self.env, first_due_date)) if first_due_date else ""
        if pending:
            body = self.env._(
                "The client changes its payment schedule request: %(count)s installments%(first)s.",
                count=count,
                first=first,
            )
        else:
            body = self.env._(
                "The client asks for a payment schedule in %(count)s installments%(first)s.", count=count, first=first
            )
        if message:
            body = Markup("%s<br/>%s") % (body, message)
        file._relance_post_client_action(body, notify=file._relance_collector().partner_id, author=author)
        if not pending:
            file._relance_schedule_activity(self.env._("Payment schedule asked: %s installments", count), message or "")
        return self.browse(request.id)

    @api.model
    def _first_due_date_limit(self, company, today):
        """The latest first installment a client may ask for: the company's longest promise."""
        return today + timedelta(days=company.relance_promise_limit_days)

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
