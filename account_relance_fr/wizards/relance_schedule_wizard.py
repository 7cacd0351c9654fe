from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.relance_installment import SCHEDULE_COVERING_STATES


class AccountRelanceScheduleWizard(models.TransientModel):
    """“Agree a payment schedule”: the terms discussed with the client. It proposes the
    installments in a draft schedule, which the collector may still edit before agreeing it."""

    _name = 'account.relance.schedule.wizard'
    _description = "Propose a payment schedule"

    partner_id = fields.Many2one('res.partner', "Client", required=True)
    move_ids = fields.Many2many(
        'account.move',
        string="Invoices",
        required=True,
        domain="[('commercial_partner_id', '=', partner_id), ('relance_open', '=', True)]",
    )
    currency_id = fields.Many2one('res.currency', compute='_compute_amount_due')
    amount_due = fields.Monetary("Amount due", compute='_compute_amount_due')
    date = fields.Date("Agreement date", required=True, default=fields.Date.context_today)
    installment_count = fields.Integer("Installments", required=True, default=3)
    frequency = fields.Selection(
        [('weekly', "Weekly"), ('monthly', "Monthly"), ('custom', "Custom dates")],
        required=True,
        default='monthly',
        help="Custom dates: monthly dates are proposed, then type the date of each installment "
        "in the schedule and propose the amounts again.",
    )
    first_due_date = fields.Date(
        "First installment",
        required=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=1),
    )
    down_payment = fields.Monetary("Down payment")
    interest_mode = fields.Selection(
        [
            ('none', "No interest"),
            ('legal', "Late-payment interest until the agreement"),
            ('rate', "Agreed annual rate"),
        ],
        "Interest",
        required=True,
        default='none',
    )
    interest_rate = fields.Float("Annual rate (%)", digits=(5, 2))

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        model, ids = self.env.context.get('active_model'), self.env.context.get('active_ids') or []
        if model == 'res.partner' and ids:
            partner = self.env['res.partner'].browse(ids[0]).commercial_partner_id
            overdue = self.env['account.move'].search(
                [
                    ('commercial_partner_id', '=', partner.id),
                    ('company_id', '=', self.env.company.id),
                    ('relance_open', '=', True),
                    ('invoice_date_due', '<', fields.Date.context_today(self)),
                    ('relance_schedule_ids', 'not any', [('state', 'in', SCHEDULE_COVERING_STATES)]),
                ]
            )
            values.update(partner_id=partner.id, move_ids=[Command.set(overdue.ids)])
        elif model == 'account.move' and ids:
            moves = self.env['account.move'].browse(ids)
            values.update(partner_id=moves.commercial_partner_id[:1].id, move_ids=[Command.set(moves.ids)])
        return values

    @api.depends('move_ids')
    def _compute_amount_due(self):
        for wizard in self:
            wizard.currency_id = wizard.move_ids.currency_id[:1] or self.env.company.currency_id
            wizard.amount_due = (
                sum(wizard.move_ids.mapped('amount_residual')) if len(wizard.move_ids.currency_id) <= 1 else 0.0
            )

    def action_propose(self):
        """Create the draft schedule with the proposed installments and open it."""
        self.ensure_one()
        Schedule = self.env['account.relance.schedule']
        moves = self.move_ids
        Schedule._check_invoices(moves)
        if self.installment_count < 1:
            raise UserError(self.env._("A payment schedule has at least one installment."))
        company = moves.company_id
        partner = moves.commercial_partner_id
        schedule = Schedule.create(
            {
                'company_id': company.id,
                'partner_id': partner.id,
                'contact_id': partner._relance_recipient().id,
                'user_id': (company.relance_collector_id or partner.user_id or self.env.user).id,
                'currency_id': moves.currency_id.id,
                'date': self.date,
                'move_ids': [Command.set(moves.ids)],
                'installment_count': self.installment_count,
                'frequency': self.frequency,
                'first_due_date': self.first_due_date,
                'down_payment': self.down_payment,
                'interest_mode': self.interest_mode,
                'interest_rate': self.interest_rate if self.interest_mode == 'rate' else 0.0,
            }
        )
        if self.frequency == 'custom':
            # Monthly dates to start from; the collector types the agreed ones in the schedule.
            schedule.frequency = 'monthly'
            schedule._propose()
            schedule.frequency = 'custom'
        else:
            schedule._propose()
        return {
            'type': 'ir.actions.act_window',
            'res_model': schedule._name,
            'res_id': schedule.id,
            'view_mode': 'form',
            'views': [(False, 'form')],
        }
