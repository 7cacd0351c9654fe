from datetime import date
from decimal import Decimal

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import split_every
from odoo.tools.misc import get_lang

from ..core import schedule as rules
from ..core.penalties import LEGAL_INTEREST_LABEL, PENALTY_LABEL
from ..core.words import amount_in_words
from .relance_installment import SCHEDULE_COVERING_STATES

BATCH_SIZE = 100  # schedules per transaction of the daily check


def _installment_order(line):
    # Lines being typed in a form may have no date or id yet.
    return (line.due_date or date.max, line.sequence, line._origin.id or 0)


class AccountRelanceSchedule(models.Model):
    """A payment schedule (échéancier) agreed with a client: some of its invoices are paid in
    installments instead of being reminded.

    While it is agreed or kept, the covered invoices get no ordinary relance (the daily run
    skips them) but a preventive e-mail before each installment. When an installment is
    missed after the grace days, the schedule is broken and the invoices go back into the
    relance scenario at the level after the one they had reached.
    """

    _name = 'account.relance.schedule'
    _description = "Payment schedule (échéancier)"
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'date desc, id desc'
    _check_company_auto = True

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        'res.company', required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        'res.partner',
        "Client",
        required=True,
        index=True,
        readonly=True,
        check_company=True,
        help="The commercial entity that agreed the schedule.",
    )
    contact_id = fields.Many2one(
        'res.partner',
        "Recipient",
        required=True,
        check_company=True,
        help="Who signs the agreement and receives the reminders before each installment.",
    )
    user_id = fields.Many2one(
        'res.users', "Collector", tracking=True, help="Follows the schedule and gets an activity when it is broken."
    )
    currency_id = fields.Many2one('res.currency', required=True, readonly=True)
    date = fields.Date(
        "Agreement date",
        required=True,
        tracking=True,
        default=fields.Date.context_today,
        help="A down payment is due on that day; interest at an agreed rate runs from it.",
    )
    state = fields.Selection(
        [
            ('draft', "Draft"),
            ('agreed', "Agreed"),
            ('kept', "Kept"),
            ('broken', "Broken"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
        ],
        required=True,
        default='draft',
        tracking=True,
        index=True,
        copy=False,
        help="Agreed: signed, no installment paid yet. Kept: the installments due are paid. "
        "Broken: an installment was missed, the relances resumed. Done: everything was paid.",
    )
    covering = fields.Boolean(
        "Running",
        compute='_compute_covering',
        search='_search_covering',
        help="Agreed or kept: the invoices it covers are not reminded.",
    )
    move_ids = fields.Many2many(
        'account.move',
        'account_relance_schedule_move_rel',
        'schedule_id',
        'move_id',
        "Invoices",
        check_company=True,
        tracking=True,
        help="The invoices the schedule covers: they are not reminded while it is agreed or kept.",
    )
    interest_move_id = fields.Many2one(
        'account.move',
        "Interest invoice",
        readonly=True,
        copy=False,
        check_company=True,
        help="The invoice of the interest of the schedule, created when it is agreed.",
    )
    installment_count = fields.Integer("Number of installments", default=3)
    frequency = fields.Selection(
        [('weekly', "Weekly"), ('monthly', "Monthly"), ('custom', "Custom dates")],
        default='monthly',
        required=True,
        help="Custom dates: type the date of each installment, then propose the amounts again.",
    )
    first_due_date = fields.Date("First installment")
    down_payment = fields.Monetary("Down payment", help="Paid on the agreement date, before the installments.")
    interest_mode = fields.Selection(
        [
            ('none', "No interest"),
            ('legal', "Late-payment interest until the agreement"),
            ('rate', "Agreed annual rate"),
        ],
        "Interest",
        default='none',
        required=True,
        help="Late-payment interest: the penalties (or, for a consumer, the legal interest) accrued "
        "on the invoices up to the agreement date, spread over the installments. Agreed rate: "
        "simple interest on the principal still unpaid over each period.",
    )
    interest_rate = fields.Float("Annual rate (%)", digits=(5, 2))
    amount_invoices = fields.Monetary(
        "Invoices due", readonly=True, help="What the covered invoices still owed when the schedule was proposed."
    )
    amount_interest = fields.Monetary("Interest amount", readonly=True)
    amount_total = fields.Monetary(
        "Total", compute='_compute_amount_total', store=True, help="Invoices due and interest."
    )
    amount_scheduled = fields.Monetary("Total of the installments", compute='_compute_amounts')
    amount_paid = fields.Monetary("Paid", compute='_compute_amounts')
    amount_remaining = fields.Monetary("Remaining", compute='_compute_amounts')
    line_ids = fields.One2many('account.relance.schedule.line', 'schedule_id', "Installments", copy=False)
    next_installment_id = fields.Many2one(
        'account.relance.schedule.line', "Next installment", compute='_compute_amounts'
    )
    broken_on = fields.Date("Broken on", readonly=True, copy=False, tracking=True)
    agreement_attachment_id = fields.Many2one('ir.attachment', "Agreement", readonly=True, copy=False)
    note = fields.Text("Notes")

    _positive_count = models.Constraint(
        'CHECK (installment_count > 0)', "A payment schedule has at least one installment."
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get('name', '/') == '/':
                vals['name'] = (
                    self.env['ir.sequence']
                    .with_company(vals.get('company_id') or self.env.company.id)
                    .next_by_code('account.relance.schedule')
                    or '/'
                )
        return super().create(vals_list)

    @api.depends('state')
    def _compute_covering(self):
        for schedule in self:
            schedule.covering = schedule.state in SCHEDULE_COVERING_STATES

    def _search_covering(self, operator, value):
        if operator != 'in':
            return NotImplemented
        return Domain.OR([Domain('state', 'in' if wanted else 'not in', SCHEDULE_COVERING_STATES) for wanted in value])

    @api.depends('amount_invoices', 'amount_interest')
    def _compute_amount_total(self):
        for schedule in self:
            schedule.amount_total = schedule.amount_invoices + schedule.amount_interest

    @api.depends('line_ids.amount', 'amount_total', 'move_ids.amount_residual')
    def _compute_amounts(self):
        for schedule in self:
            lines = schedule.line_ids.sorted(_installment_order)
            schedule.amount_scheduled = sum(lines.mapped('amount'))
            schedule.amount_paid = schedule._paid()
            schedule.amount_remaining = schedule.currency_id.round(schedule.amount_total - schedule.amount_paid)
            schedule.next_installment_id = lines.filtered(lambda item: item.amount_remaining)[:1]

    def _paid(self):
        """What the client paid on the covered invoices since the schedule was agreed: payments
        and credit notes reconciled with them reduced their amount due."""
        self.ensure_one()
        if self.state in ('draft', 'cancelled'):
            return 0.0
        residual = sum(self.move_ids.mapped('amount_residual'))
        return max(self.currency_id.round(self.amount_total - residual), 0.0)

    def _core_installments(self):
        """{line: core Installment} in due-date order, with what the payments cover of each."""
        self.ensure_one()
        lines = self.line_ids.sorted(_installment_order)
        paid = rules.allocate([Decimal(str(a)) for a in lines.mapped('amount')], Decimal(str(self._paid())))
        return {
            line: rules.Installment(line.due_date, Decimal(str(line.amount)), part) for line, part in zip(lines, paid)
        }

    @api.constrains('state', 'move_ids')
    def _check_one_active_schedule_per_invoice(self):
        active = self.filtered(lambda s: s.state in SCHEDULE_COVERING_STATES)
        if not active:
            return
        others = self.search(
            [
                ('id', 'not in', active.ids),
                ('state', 'in', SCHEDULE_COVERING_STATES),
                ('move_ids', 'in', active.move_ids.ids),
            ]
        )
        for schedule in active:
            taken = schedule.move_ids & others.move_ids
            if taken:
                raise ValidationError(
                    self.env._(
                        "%(invoices)s already in another active payment schedule: an invoice is in one "
                        "schedule at a time.",
                        invoices=", ".join(taken.mapped('display_name')),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if any(schedule.state not in ('draft', 'cancelled') for schedule in self):
            raise UserError(self.env._("Only draft or cancelled payment schedules can be deleted: cancel it instead."))

    # ------------------------------------------------------------------ proposal

    @api.model
    def _check_invoices(self, moves):
        """Refuse what cannot be put in a schedule: the invoices of several clients or
        currencies, invoices not posted or paid, invoices in another active schedule."""
        if not moves:
            raise UserError(self.env._("Select the invoices the payment schedule covers."))
        wrong = moves.filtered(lambda m: not self.env['account.relance.installment']._is_customer_invoice(m))
        if wrong:
            raise UserError(
                self.env._(
                    "Only posted customer invoices can be put in a payment schedule: %s",
                    ", ".join(wrong.mapped('display_name')),
                )
            )
        paid = moves.filtered(lambda m: m.currency_id.is_zero(m.amount_residual))
        if paid:
            raise UserError(
                self.env._(
                    "Nothing is due on %s: leave it out of the payment schedule.",
                    ", ".join(paid.mapped('display_name')),
                )
            )
        if len(moves.commercial_partner_id) > 1:
            raise UserError(
                self.env._("A payment schedule is agreed with one client: select the invoices of one client.")
            )
        if len(moves.company_id) > 1:
            raise UserError(self.env._("A payment schedule covers the invoices of one company."))
        if len(moves.currency_id) > 1:
            raise UserError(
                self.env._(
                    "The invoices are in several currencies (%s): a payment schedule is agreed in one currency.",
                    ", ".join(moves.currency_id.mapped('name')),
                )
            )
        taken = self.search([('state', 'in', SCHEDULE_COVERING_STATES), ('move_ids', 'in', moves.ids)])
        if taken:
            clash = moves & taken.move_ids
            raise UserError(
                self.env._(
                    "%(invoices)s already in the active payment schedule %(schedule)s.",
                    invoices=", ".join(clash.mapped('display_name')),
                    schedule=", ".join(taken.mapped('name')),
                )
            )

    def _legal_interest(self):
        """Penalties accrued on the covered invoices up to the agreement date (L441-10, or the
        legal interest of a consumer after a mise en demeure), less what was invoiced already."""
        self.ensure_one()
        amounts = {}
        for move, result in self.move_ids._relance_penalties(self.date).items():
            if result['warning']:
                raise UserError(result['warning'])
            amounts[move] = result['penalties']  # already net of what was invoiced
        return amounts

    def _propose(self):
        """(Re)write the installments of draft schedules from their parameters.

        Custom dates keep the dates the collector typed; the amounts are proposed again.
        """
        for schedule in self:
            if schedule.state != 'draft':
                raise UserError(self.env._("Only a draft payment schedule can be proposed again."))
            self._check_invoices(schedule.move_ids)
            currency = schedule.currency_id
            today = schedule.company_id._relance_today()
            if schedule.date < today:
                raise UserError(self.env._("The agreement date cannot be before today."))
            if schedule.frequency == 'custom':
                dates = sorted(schedule.line_ids.filtered(lambda item: not item.down_payment).mapped('due_date'))
                if not dates:
                    raise UserError(self.env._("Type the date of each installment first."))
            else:
                if schedule.installment_count < 1:
                    raise UserError(self.env._("A payment schedule has at least one installment."))
                if not schedule.first_due_date:
                    raise UserError(self.env._("Give the date of the first installment."))
                dates = rules.due_dates(schedule.first_due_date, schedule.installment_count, schedule.frequency)
            if past := [d for d in dates if d < today]:
                raise UserError(
                    self.env._("An installment cannot be due before today (%s).", fields.Date.to_string(past[0]))
                )
            due = sum(schedule.move_ids.mapped('amount_residual'))
            if (
                currency.compare_amounts(schedule.down_payment, 0.0) < 0
                or currency.compare_amounts(schedule.down_payment, due) >= 0
            ):
                raise UserError(
                    self.env._(
                        "The down payment must be positive and below the amount due (%s).",
                        currency._relance_money(due, get_lang(self.env)),
                    )
                )
            if schedule.interest_mode == 'rate' and schedule.interest_rate <= 0:
                raise UserError(self.env._("Give the agreed annual interest rate, or choose no interest."))
            lump = sum(schedule._legal_interest().values()) if schedule.interest_mode == 'legal' else 0.0
            proposals = rules.propose(
                Decimal(str(due)),
                dates,
                schedule.date,
                down_payment=Decimal(str(schedule.down_payment)),
                lump_interest=Decimal(str(lump)),
                annual_rate=Decimal(str(schedule.interest_rate)) if schedule.interest_mode == 'rate' else 0,
            )
            schedule.write(
                {
                    'amount_invoices': due,
                    'amount_interest': float(sum(p.interest for p in proposals)),
                    'installment_count': len(dates),
                    'line_ids': [Command.clear()]
                    + [
                        Command.create(
                            {
                                'sequence': index,
                                'due_date': proposal.due_date,
                                'amount': float(proposal.amount),
                                'interest_amount': float(proposal.interest),
                                'down_payment': proposal.down_payment,
                            }
                        )
                        for index, proposal in enumerate(proposals, start=1)
                    ],
                }
            )

    def action_propose(self):
        self._propose()
        return True

    # ------------------------------------------------------------------ agreement

    def _plan_problems(self):
        """Translated reasons why a draft cannot be agreed."""
        self.ensure_one()
        today = self.company_id._relance_today()
        lines = self.line_ids
        messages = []
        for kind, detail in rules.plan_problems(
            lines.mapped('due_date'),
            [Decimal(str(a)) for a in lines.mapped('amount')],
            Decimal(str(self.amount_total)),
            today,
        ):
            if kind == 'no_installment':
                messages.append(self.env._("A payment schedule has at least one installment."))
            elif kind == 'past_date':
                messages.append(
                    self.env._("An installment cannot be due before today (%s).", fields.Date.to_string(detail))
                )
            elif kind == 'not_positive':
                messages.append(self.env._("Every installment must have an amount above zero."))
            elif kind == 'total_mismatch':
                messages.append(
                    self.env._(
                        "The installments add up to %(planned)s but the invoices and interest come to "
                        "%(expected)s: correct the amounts or propose them again.",
                        planned=self.currency_id._relance_money(float(detail[0]), get_lang(self.env)),
                        expected=self.currency_id._relance_money(float(detail[1]), get_lang(self.env)),
                    )
                )
        due = sum(self.move_ids.mapped('amount_residual'))
        if self.currency_id.compare_amounts(due, self.amount_invoices):
            messages.append(
                self.env._(
                    "The invoices now owe %(due)s, not %(proposed)s as when the schedule was proposed: "
                    "propose it again.",
                    due=self.currency_id._relance_money(due, get_lang(self.env)),
                    proposed=self.currency_id._relance_money(self.amount_invoices, get_lang(self.env)),
                )
            )
        return messages

    def action_agree(self):
        """The client agreed: the invoices stop being reminded and the agreement letter is made."""
        for schedule in self:
            if schedule.state != 'draft':
                raise UserError(self.env._("Only a draft payment schedule can be agreed."))
            self._check_invoices(schedule.move_ids)
            if problems := schedule._plan_problems():
                raise UserError("\n".join(problems))
        for schedule in self:
            interest = schedule._create_interest_invoice()
            # The interest invoice is covered like the others: paid through the installments,
            # not reminded while the schedule is kept.
            schedule.write(
                {'interest_move_id': interest.id, 'move_ids': [Command.link(m.id) for m in interest], 'state': 'agreed'}
            )
            schedule._make_agreement()
            schedule.message_post(
                body=self.env._(
                    "Payment schedule agreed: %(count)s installments, %(total)s. The invoices are not "
                    "reminded while it is kept.",
                    count=len(schedule.line_ids),
                    total=schedule._format_amount(schedule.amount_total),
                )
            )
        # The invoices it covers are no longer chased: the worklist says so at once.
        self.env['account.relance.file']._refresh_clients(self)
        return True

    def _create_interest_invoice(self):
        """The interest becomes a customer invoice (no VAT: it is not the price of a supply),
        covered by the schedule like the others, so that its payment is tracked the same way.
        Penalties point to the invoice they charge: the penalty invoicing never charges them twice."""
        self.ensure_one()
        if self.currency_id.is_zero(self.amount_interest):
            return self.env['account.move']
        account = self.company_id.relance_penalty_account_id
        extra = {'account_id': account.id} if account else {}
        day = self.date.strftime('%d/%m/%Y')
        if self.interest_mode == 'legal':
            consumer = self.partner_id._relance_consumer_in(self.company_id)
            label = LEGAL_INTEREST_LABEL if consumer else PENALTY_LABEL
            lines = [
                {
                    'name': f"{label} – facture {move.name}, au {day}, échéancier {self.name}",
                    'quantity': 1,
                    'price_unit': amount,
                    'tax_ids': [Command.clear()],
                    'relance_penalty_origin_id': move.id,
                    'relance_penalty_kind': 'penalty',
                    **extra,
                }
                for move, amount in self._legal_interest().items()
                if not self.currency_id.is_zero(amount)
            ]
        else:
            lines = [
                {
                    'name': f"Intérêts de l'échéancier {self.name} au taux annuel de "
                    f"{self.interest_rate:.2f} %".replace('.', ','),
                    'quantity': 1,
                    'price_unit': self.amount_interest,
                    'tax_ids': [Command.clear()],
                    **extra,
                }
            ]
        move = self.env['account.move'].create(
            {
                'move_type': 'out_invoice',
                'partner_id': self.partner_id.id,
                'currency_id': self.currency_id.id,
                'company_id': self.company_id.id,
                'invoice_date': self.date,
                'invoice_payment_term_id': False,
                'invoice_date_due': max(self.line_ids.mapped('due_date')),
                'invoice_user_id': self.user_id.id,
                'invoice_line_ids': [Command.create(vals) for vals in lines],
            }
        )
        # Posted by code, not by a person at the Confirm button: the credit block does not apply.
        move._post(soft=False)
        return move

    def _make_agreement(self):
        report = self.env.ref('account_relance_fr.action_report_relance_schedule')
        content, kind = self.env['ir.actions.report']._render_qweb_pdf(report.report_name, self.ids)
        attachment = self.env['ir.attachment'].create(
            {
                'name': f"Échéancier {self.name.replace('/', '-')}.{kind}",
                'raw': content,
                'res_model': self._name,
                'res_id': self.id,
                'mimetype': 'application/pdf' if kind == 'pdf' else 'text/html',
            }
        )
        self.agreement_attachment_id = attachment
        self.message_post(body=self.env._("Agreement ready to print and have signed."), attachment_ids=attachment.ids)

    def action_cancel(self):
        """Withdraw a schedule: its invoices are reminded again. An interest invoice left
        unpaid is reversed."""
        for schedule in self:
            if schedule.state not in ('draft', *SCHEDULE_COVERING_STATES):
                raise UserError(self.env._("Only a draft or running payment schedule can be cancelled."))
            interest = schedule.interest_move_id
            if interest and interest.state == 'posted' and interest.payment_state == 'not_paid':
                interest._reverse_moves(
                    [
                        {
                            'ref': self.env._("Cancellation of payment schedule %s", schedule.name),
                            'invoice_date': fields.Date.context_today(self),
                        }
                    ],
                    cancel=True,
                )
        self.write({'state': 'cancelled'})
        self.env['account.relance.file']._refresh_clients(self, reopen=True)
        return True

    def action_draft(self):
        if any(schedule.state != 'cancelled' or schedule.interest_move_id for schedule in self):
            raise UserError(
                self.env._("Only a cancelled payment schedule without interest invoice can be reset to draft.")
            )
        self.write({'state': 'draft'})
        return True

    def action_print_agreement(self):
        return self.env.ref('account_relance_fr.action_report_relance_schedule').report_action(self)

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account.action_move_out_invoice')
        action['domain'] = [('id', 'in', self.move_ids.ids)]
        action['context'] = {'create': False}
        return action

    # ------------------------------------------------------------------ daily check

    @api.model
    def _cron_check_schedules(self):
        """Scheduled action: the daily check of every running schedule, committed in batches."""
        cron = self.env['ir.cron']
        schedules = self.search([('state', 'in', SCHEDULE_COVERING_STATES)])
        cron._commit_progress(remaining=len(schedules))
        for batch in split_every(BATCH_SIZE, schedules.ids, self.browse):
            batch._check()
            if not cron._commit_progress(len(batch)):
                return

    @api.model
    def _run_check(self, on_date=None, companies=None):
        """The daily check in the current transaction (tests, a manual run). Returns the
        schedules it looked at."""
        domain = [('state', 'in', SCHEDULE_COVERING_STATES)]
        if companies:
            domain.append(('company_id', 'in', companies.ids))
        schedules = self.search(domain)
        schedules._check(on_date)
        return schedules

    def _check(self, on_date=None):
        """Allocate the payments, mark missed installments, break, keep or close each schedule,
        and send the reminders due. Idempotent: a reminder is sent once per installment, an
        installment is marked missed once, and a broken schedule is not checked again."""
        broken = self.browse()
        for schedule in self.filtered(lambda s: s.state in SCHEDULE_COVERING_STATES):
            day = on_date or schedule.company_id._relance_today()
            grace = schedule.company_id.relance_schedule_grace_days
            installments = schedule._core_installments()
            new_state = rules.status(list(installments.values()), day, grace)
            if new_state == 'broken':
                missed = self.env['account.relance.schedule.line'].browse(
                    [line.id for line, inst in installments.items() if rules.is_missed(inst, day, grace)]
                )
                schedule._break(missed, day)
                broken |= schedule
                continue
            if new_state == 'done':
                schedule.state = 'done'
                schedule.message_post(body=self.env._("Payment schedule fully paid."))
                continue
            if new_state == 'kept' and schedule.state == 'agreed':
                schedule.state = 'kept'
            days_before = schedule.company_id.relance_schedule_reminder_days
            due = self.env['account.relance.schedule.line'].browse(
                [
                    line.id
                    for line, inst in installments.items()
                    if not line.reminder_sent and rules.reminder_due(inst, day, days_before)
                ]
            )
            due._send_reminder()
        # The invoices are chased again from this morning: the worklist shows the clients at once.
        self.env['account.relance.file']._refresh_clients(broken, reopen=True)

    def _break(self, missed, on_date):
        self.ensure_one()
        missed.write({'missed': True})
        self.write({'state': 'broken', 'broken_on': on_date})
        first = missed.sorted('due_date')[:1]
        summary = self.env._(
            "Payment schedule %(name)s broken: installment of %(date)s missed",
            name=self.name,
            date=first.due_date.strftime('%d/%m/%Y'),
        )
        self.activity_schedule(
            'mail.mail_activity_data_todo',
            date_deadline=on_date,
            summary=summary,
            note=Markup("<p>%s</p>")
            % self.env._(
                "%(remaining)s remain unpaid on the installment. The invoices are reminded again, "
                "at the level after the one they had reached.",
                remaining=self._format_amount(first.amount_remaining),
            ),
            user_id=self._collector().id,
        )
        self.message_post(body=summary)

    def _collector(self):
        """Who follows the schedule: its collector, else the company's, else the client's
        salesperson, else the current user (never OdooBot: an activity must reach a person)."""
        self.ensure_one()
        return (
            self.user_id
            or self.company_id.relance_collector_id
            or self.partner_id.user_id
            or (self.env.user if not self.env.su else self.create_uid)
        )

    def _format_amount(self, amount):
        return self.currency_id._relance_money(amount, get_lang(self.env))

    def amount_in_words(self, amount=None):
        """The total of the schedule written in French words, for the agreement letter."""
        self.ensure_one()
        return amount_in_words(self.amount_total if amount is None else amount, self.currency_id.name)

    def _reminder_installment(self):
        """The installment a reminder e-mail is about: the one being reminded (context), else
        the next one not fully paid (template preview)."""
        self.ensure_one()
        line_id = self.env.context.get('relance_schedule_line_id')
        return self.line_ids.filtered(lambda item: item.id == line_id) if line_id else self.next_installment_id

    def _letter_lang(self):
        self.ensure_one()
        if self.env['res.lang']._lang_get('fr_FR'):
            return 'fr_FR'
        return self.contact_id.lang or self.env.lang
