"""Credit insurance (assurance-crédit): the company's policies, each client's cover (the
insurer's agreed limit, agrément) and the declarations of menace de sinistre.

The policy's deadlines run from the due date of the client's oldest unpaid invoice; a claim not
declared in time loses the cover, a disputed claim is generally not covered, and a declared
client gets no new credit until settled. Every figure is the policy's (``core.credit_insurance``).
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..core.credit_insurance import alert_date, declaration_deadline, must_declare, over_max_credit

_logger = logging.getLogger(__name__)


class AccountRelanceCreditPolicy(models.Model):
    _name = 'account.relance.credit.policy'
    _description = "Credit insurance policy"
    _order = 'name'
    _check_company_auto = True

    name = fields.Char("Policy number", required=True)
    insurer_id = fields.Many2one('res.partner', required=True, domain=[('is_company', '=', True)])
    company_id = fields.Many2one('res.company', required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related='company_id.currency_id')
    max_credit_days = fields.Integer(
        "Maximum credit duration (days)", help="Longest payment term the policy covers, from the invoice date."
    )
    declaration_days = fields.Integer(
        "Days to declare after the due date",
        required=True,
        help="A menace de sinistre is declared within these days after the due date of the oldest unpaid invoice.",
    )
    prorogation_days = fields.Integer(
        "Prorogation (days)", help="Days the deadline moves when a prorogation is asked for a client."
    )
    declaration_threshold = fields.Monetary(
        "Declaration threshold", help="Overdue amount from which a declaration is due (0: any amount)."
    )
    alert_days = fields.Integer(
        "Alert the collector (days before)", default=10, help="The activity comes this many days before the deadline."
    )
    cover_ids = fields.One2many('account.relance.credit.cover', 'policy_id', "Clients covered")
    active = fields.Boolean(default=True)

    _days_positive = models.Constraint(
        "CHECK (declaration_days >= 0 AND COALESCE(prorogation_days, 0) >= 0 AND COALESCE(max_credit_days, 0) >= 0)",
        "The days of a credit insurance policy are positive.",
    )


class AccountRelanceCreditCover(models.Model):
    """The insurer's agreement on one client (agrément): the limit it covers and its dates. The
    scheduled action keeps the client's declaration deadline and the collector's activity."""

    _name = 'account.relance.credit.cover'
    _description = "Credit insurance cover of a client"
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'declaration_deadline, id'
    _check_company_auto = True
    _rec_name = 'partner_id'

    policy_id = fields.Many2one(
        'account.relance.credit.policy', required=True, index=True, ondelete='cascade', check_company=True
    )
    company_id = fields.Many2one(related='policy_id.company_id', store=True, index=True)
    currency_id = fields.Many2one(related='company_id.currency_id')
    partner_id = fields.Many2one('res.partner', "Client", required=True, index=True)
    agreed_limit = fields.Monetary("Agreed limit (agrément)", tracking=True)
    date_start = fields.Date("Agreed from", required=True, tracking=True)
    date_end = fields.Date("Agreed until", tracking=True)
    prorogation = fields.Boolean("Prorogation asked", tracking=True)
    oldest_due_date = fields.Date("Oldest unpaid due date", readonly=True)
    amount_overdue = fields.Monetary("Overdue", readonly=True)
    amount_uncovered = fields.Monetary(
        "Overdue beyond the maximum credit",
        readonly=True,
        help="Overdue on invoices whose payment term is longer than the policy's maximum credit duration: "
        "not covered, not counted for the declaration.",
    )
    declaration_deadline = fields.Date("Declare by", readonly=True, index=True)
    alert_date = fields.Date("Alert on", readonly=True, index=True)
    declaration_ids = fields.One2many('account.relance.credit.declaration', 'cover_id', "Declarations")
    declared = fields.Boolean("Declared, not settled", compute='_compute_declared', store=True)

    _one_cover_per_policy = models.UniqueIndex("(policy_id, partner_id)", "A client is covered once per policy.")

    @api.depends('declaration_ids.state')
    def _compute_declared(self):
        for cover in self:
            cover.declared = any(d.state == 'declared' for d in cover.declaration_ids)

    @api.constrains('date_start', 'date_end')
    def _check_dates(self):
        for cover in self:
            if cover.date_end and cover.date_end < cover.date_start:
                raise ValidationError(self.env._("The agreement of %s ends before it starts.", cover.partner_id.name))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get('partner_id'):
                # The insurer agrees on the legal entity, never on one of its contacts.
                vals['partner_id'] = self.env['res.partner'].browse(vals['partner_id']).commercial_partner_id.id
        return super().create(vals_list)

    def _valid_on(self, day):
        self.ensure_one()
        return self.policy_id.active and self.date_start <= day and (not self.date_end or day <= self.date_end)

    @api.model
    def _covering(self, company, partner, day):
        """The cover of ``partner`` in ``company`` valid on ``day``, empty when none."""
        covers = self.sudo().search(
            [('company_id', '=', company.id), ('partner_id', '=', partner.commercial_partner_id.id)]
        )
        return covers.filtered(lambda c: c._valid_on(day))[:1].with_env(self.env)

    # ------------------------------------------------------------------ deadlines

    @api.model
    def _cron_declaration_deadlines(self):
        """Scheduled action: each company's covered clients, as of today in its timezone, one
        commit per company (a run stopped halfway starts again from the deadlines: each
        activity is made once)."""
        cron = self.env['ir.cron']
        companies = self.search([]).company_id
        cron._commit_progress(remaining=len(companies))
        for company in companies:
            self.with_company(company)._check_declaration_deadlines(company, company._relance_today())
            if not cron._commit_progress(1):
                break

    @api.model
    def _check_declaration_deadlines(self, company, on_date):
        """For each client covered on ``on_date`` with something overdue: the deadline to declare
        from its oldest unpaid due date and an activity ahead of it (each once; one that is no
        longer wanted goes). One client's failure does not stop the others. Returns the covers
        whose alert date has come and that are not declared yet: the clients approaching it."""
        covers = self.search([('company_id', '=', company.id)]).filtered(lambda c: c._valid_on(on_date))
        overdue = self._overdue_by_client(company, covers, on_date)
        approaching = self.browse()
        for cover in covers:
            try:
                with self.env.cr.savepoint():
                    cover._update_deadline(*overdue.get(cover.partner_id.id, (None, 0.0, 0.0)))
            except Exception:
                _logger.exception("Credit insurance deadline of %s not updated", cover.partner_id.display_name)
                continue
            if cover.alert_date and cover.alert_date <= on_date and not cover.declared:
                approaching |= cover
        return approaching

    @api.model
    def _overdue_by_client(self, company, covers, on_date):
        """{partner id: (oldest unpaid due date, overdue amount covered, overdue amount beyond
        the policy's maximum credit duration)} in company currency: the open installments due
        before ``on_date``; disputed ones left out, and those granted more credit than the
        policy covers counted apart (neither is covered)."""
        partners = covers.partner_id
        if not partners:
            return {}
        max_days = {cover.partner_id.id: cover.policy_id.max_credit_days for cover in covers}
        lines = self.env['account.move.line'].search(
            [
                ('company_id', '=', company.id),
                ('move_id.commercial_partner_id', 'in', partners.ids),
                ('date_maturity', '<', on_date),
                ('move_id.relance_dispute', '=', False),
                self.env['account.relance.installment']._line_domain(),
            ]
        )
        result = {}
        for line in lines:
            client = line.move_id.commercial_partner_id.id
            oldest, amount, uncovered = result.get(client, (None, 0.0, 0.0))
            due = line.date_maturity
            if over_max_credit(line.move_id.invoice_date, due, max_days.get(client)):
                result[client] = (oldest, amount, uncovered + line.amount_residual)
            else:
                result[client] = (min(oldest, due) if oldest else due, amount + line.amount_residual, uncovered)
        return result

    def _update_deadline(self, oldest_due, overdue, uncovered=0.0):
        self.ensure_one()
        policy = self.policy_id
        declare = must_declare(overdue, policy.declaration_threshold) and not self.declared
        deadline = (
            declaration_deadline(
                oldest_due, policy.declaration_days, policy.prorogation_days if self.prorogation else 0
            )
            if declare
            else None
        )
        self.write(
            {
                'oldest_due_date': oldest_due or False,
                'amount_overdue': overdue,
                'amount_uncovered': uncovered,
                'declaration_deadline': deadline or False,
                'alert_date': alert_date(deadline, policy.alert_days) or False,
            }
        )
        self._schedule_declaration_activity()

    def _activity_summary(self):
        self.ensure_one()
        return self.env._(
            "Declare the menace de sinistre to %(insurer)s by %(deadline)s (policy %(policy)s)",
            insurer=self.policy_id.insurer_id.name,
            deadline=self.declaration_deadline,
            policy=self.policy_id.name,
        )

    def _schedule_declaration_activity(self):
        """One open activity per cover, due on the alert date: moved when the deadline moves,
        gone when nothing is to declare any more."""
        todo = self.env.ref('mail.mail_activity_data_todo')
        for cover in self:
            existing = cover.activity_ids.filtered(lambda a: a.activity_type_id == todo)
            if not cover.declaration_deadline:
                existing.unlink()
                continue
            summary = cover._activity_summary()
            keep = existing.filtered(lambda a, s=summary: a.summary == s)[:1]
            (existing - keep).unlink()
            if keep:
                if keep.date_deadline != cover.alert_date:
                    keep.date_deadline = cover.alert_date
                continue
            cover.with_context(mail_activity_quick_update=True).activity_schedule(
                'mail.mail_activity_data_todo',
                date_deadline=cover.alert_date,
                summary=summary,
                user_id=cover._collector().id,
            )

    def _collector(self):
        self.ensure_one()
        file = self.env['account.relance.file'].search(
            [('company_id', '=', self.company_id.id), ('partner_id', '=', self.partner_id.id)], limit=1
        )
        return file.user_id or self.company_id.relance_collector_id or self.env.user

    def _schedule_declaration_activity_done(self):
        """The declaration is made: the reminder is done, the deadline no longer runs."""
        todo = self.env.ref('mail.mail_activity_data_todo')
        for cover in self:
            cover.write({'declaration_deadline': False, 'alert_date': False})
            cover.activity_ids.filtered(lambda a: a.activity_type_id == todo).action_feedback(
                feedback=self.env._("Declared.")
            )

    def action_declare(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.relance.credit.declaration',
            'name': self.env._("Declare a menace de sinistre"),
            'view_mode': 'form',
            'target': 'new',
            'context': {'default_cover_id': self.id, 'default_amount': self.amount_overdue},
        }


class AccountRelanceCreditDeclaration(models.Model):
    """A menace de sinistre declared to the insurer: the client's credit stops until settled."""

    _name = 'account.relance.credit.declaration'
    _description = "Declaration of a menace de sinistre"
    _order = 'date desc, id desc'
    _check_company_auto = True

    cover_id = fields.Many2one(
        'account.relance.credit.cover', required=True, index=True, ondelete='cascade', check_company=True
    )
    company_id = fields.Many2one(related='cover_id.company_id', store=True, index=True)
    currency_id = fields.Many2one(related='company_id.currency_id')
    partner_id = fields.Many2one(related='cover_id.partner_id', store=True, index=True, string="Client")
    policy_id = fields.Many2one(related='cover_id.policy_id')
    date = fields.Date("Declared on", required=True, default=fields.Date.context_today)
    amount = fields.Monetary("Amount declared", required=True)
    reference = fields.Char("Insurer's reference")
    state = fields.Selection([('declared', "Declared"), ('settled', "Settled")], default='declared', readonly=True)
    settled_on = fields.Date(readonly=True)
    previous_credit_limit = fields.Float("Credit limit before", readonly=True)

    @api.constrains('amount')
    def _check_amount(self):
        for declaration in self:
            if declaration.amount <= 0:
                raise ValidationError(self.env._("The amount declared to the insurer is positive."))

    @api.model_create_multi
    def create(self, vals_list):
        declarations = super().create(vals_list)
        declarations._stop_credit()
        return declarations

    def _stop_credit(self):
        """The client's credit limit goes to "no credit" (one cent: Odoo reads 0 as no limit),
        the previous one kept to come back to; the history says it."""
        for declaration in self:
            client = declaration.partner_id.with_company(declaration.company_id)
            currency = declaration.currency_id
            declaration.previous_credit_limit = client.credit_limit
            # sudo: the declaration decides the limit, whoever records it (the field is an
            # accountant's; a relance user records declarations).
            client.sudo().credit_limit = currency.rounding
            client.message_post(
                body=self.env._(
                    "Menace de sinistre declared to %(insurer)s on %(date)s: %(amount)s (reference %(ref)s). "
                    "No new credit until settled.",
                    insurer=declaration.policy_id.insurer_id.name,
                    date=declaration.date,
                    amount=self.env['account.relance.court.claim']._format_money(
                        declaration.company_id, declaration.amount
                    ),
                    ref=declaration.reference or "-",
                )
            )
            declaration.cover_id._schedule_declaration_activity_done()

    def action_settle(self):
        """The insurer settled or the client paid: the previous credit limit comes back."""
        self.env['account.relance']._check_relance_group('account_relance_fr.group_relance_manager')
        for declaration in self.filtered(lambda d: d.state == 'declared'):
            client = declaration.partner_id.with_company(declaration.company_id)
            # sudo: see _stop_credit.
            client.sudo().credit_limit = declaration.previous_credit_limit
            declaration.write({'state': 'settled', 'settled_on': fields.Date.context_today(declaration)})
            client.message_post(
                body=self.env._(
                    "Declaration to %(insurer)s settled: the credit limit is back to %(limit)s.",
                    insurer=declaration.policy_id.insurer_id.name,
                    limit=client._relance_credit_words(declaration.previous_credit_limit, declaration.currency_id),
                )
            )

    @api.model
    def _open_for(self, company, partner):
        """The declarations of ``partner`` in ``company`` not settled yet."""
        return self.sudo().search(
            [
                ('company_id', '=', company.id),
                ('partner_id', '=', partner.commercial_partner_id.id),
                ('state', '=', 'declared'),
            ]
        )

    def _litigation_text(self):
        """The declarations as the litigation file lists them, in French."""
        lines = []
        for declaration in self.sorted('date'):
            lines.append(
                f"{declaration.date.strftime('%d/%m/%Y')} : menace de sinistre déclarée à "
                f"{declaration.policy_id.insurer_id.name} (police {declaration.policy_id.name}), "
                f"{declaration.amount:.2f} {declaration.currency_id.name}"
                + (f", référence {declaration.reference}" if declaration.reference else "")
                + (f" ; réglée le {declaration.settled_on.strftime('%d/%m/%Y')}" if declaration.settled_on else "")
            )
        return "\n".join(lines)
