import math
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import format_date, get_lang

from ..core.promise import BROKEN, KEPT, OPEN, check_promise_date, pause_until, settle

SOURCES = [('portal', "Client page"), ('call', "Phone call")]


class AccountRelancePromise(models.Model):
    """A promise to pay of a client, made on its page or on the phone with the collector.

    While it is open the relances of the file pause (until the promised date plus the grace
    days of the company). The run settles it the first day after: kept when what was promised
    has been paid, broken otherwise. A broken promise resumes the file at its next level, is
    said in the next relance and counts in the client's risk figures.
    """

    _name = 'account.relance.promise'
    _description = "Promise to pay"
    _order = 'date desc, id desc'
    _check_company_auto = True
    _rec_name = 'promise_date'

    file_id = fields.Many2one(
        'account.relance.file',
        "Relance file",
        required=True,
        readonly=True,
        index=True,
        ondelete='cascade',
        check_company=True,
    )
    company_id = fields.Many2one(related='file_id.company_id', store=True, index=True)
    company_currency_id = fields.Many2one(related='company_id.currency_id', string="Company currency")
    partner_id = fields.Many2one(related='file_id.partner_id', store=True, index=True, string="Client")
    date = fields.Date("Promised on", required=True, readonly=True)
    promise_date = fields.Date("Pay by", required=True, readonly=True)
    amount = fields.Monetary(
        "Amount promised",
        currency_field='company_currency_id',
        readonly=True,
        help="Empty: everything overdue when the client promised.",
    )
    owed_at_promise = fields.Monetary("Owed when promised", currency_field='company_currency_id', readonly=True)
    move_line_ids = fields.Many2many(
        'account.move.line',
        string="Installments",
        readonly=True,
        help="The overdue installments of the file when the client promised.",
    )
    paused_until = fields.Date("Relances paused until", readonly=True)
    source = fields.Selection(SOURCES, required=True, readonly=True)
    note = fields.Text(readonly=True)
    state = fields.Selection(
        [(OPEN, "In progress"), (KEPT, "Kept"), (BROKEN, "Broken"), ('cancelled', "Cancelled")],
        required=True,
        default=OPEN,
        readonly=True,
        index=True,
    )
    settled_on = fields.Date(readonly=True)
    recorded_by_id = fields.Many2one('res.users', "Recorded by", readonly=True)

    # ------------------------------------------------------------------ making one

    # PostgreSQL's numeric takes 'NaN' (and sorts it above every number): refused by name.
    _amount_is_a_number = models.Constraint(
        "CHECK (amount >= 0 AND amount <> 'NaN' AND owed_at_promise <> 'NaN')",
        "The amount of a promise to pay is a positive number.",
    )

    @api.constrains('amount', 'owed_at_promise')
    def _check_amounts(self):
        """A stored amount is a real one: NaN or infinity (which PostgreSQL's numeric accepts)
        would break every page and report that shows the promise."""
        for promise in self:
            for amount in (promise.amount, promise.owed_at_promise):
                if not math.isfinite(amount or 0.0) or (amount or 0.0) < 0:
                    raise ValidationError(self.env._("The amount of a promise to pay is a positive number."))

    @api.model
    def _checked_amount(self, file, promise_date, amount, today):
        """The amount promised, rounded, once the date and the amount are found acceptable:
        UserError when the date is past or too far, or the amount negative, not a number or
        more than what the client owes."""
        company = file.company_id
        currency = company.currency_id
        problem = check_promise_date(promise_date, today, company.relance_promise_limit_days)
        if problem == 'past':
            raise UserError(self.env._("The date of payment cannot be in the past."))
        if problem == 'too_far':
            raise UserError(
                self.env._("The date of payment may be at most %s days from today.", company.relance_promise_limit_days)
            )
        amount = float(amount or 0.0)
        if not math.isfinite(amount) or amount < 0:
            raise UserError(self.env._("The amount promised must be a positive number."))
        amount = currency.round(amount)
        # What the client owes: the balance of its statement (credits deducted), as its page says.
        owed = self.env['account.relance.statement']._statement(file.partner_id, company, today, penalties=False)[
            'total_company'
        ]
        if amount and currency.compare_amounts(amount, owed) > 0:
            raise UserError(
                self.env._(
                    "The amount promised is more than what you owe (%s).",
                    currency._relance_money(owed, get_lang(self.env)),
                )
            )
        return amount

    @api.model
    def _make(self, file, promise_date, amount=0.0, source='portal', note=False, author=None):
        """Record a promise to pay on ``file`` and pause its relances. Raises UserError when
        the date is not acceptable (past, or beyond the company's limit) or the amount is not
        (negative, not a number, more than what is owed). The same promise posted again is
        the open one, returned as it is; a different one replaces it."""
        file.ensure_one()
        company = file.company_id
        currency = company.currency_id
        today = company._relance_today()
        promise_date = fields.Date.to_date(promise_date)
        amount = self._checked_amount(file, promise_date, amount, today)
        rows = (
            self.env['account.relance.installment']
            ._select_installments(company, today, partner_ids=file.partner_id.ids, force=True)
            .get(file.partner_id.id, [])
        )
        overdue = [row for row in rows if row['due_date'] < today] or rows
        previous = file.promise_ids.filtered(lambda p: p.state == OPEN)
        if (
            previous[:1].promise_date == promise_date
            and not currency.compare_amounts(previous[:1].amount, amount)
            and (previous[:1].note or '') == (note or '')
        ):
            return previous[:1]
        if source == 'portal':
            file._relance_count_client_answer()
        if file.pending_relance_id:
            file.pending_relance_id.sudo()._cancel_with_reason(
                self.env._(
                    "The client promised to pay by %s: the relance is not sent.", format_date(self.env, promise_date)
                )
            )
        previous.sudo().write({'state': 'cancelled', 'settled_on': today})
        until = pause_until(promise_date, company.relance_promise_grace_days)
        promise = (
            file._relance_recorder()
            .env[self._name]
            .create(
                {
                    'file_id': file.id,
                    'date': today,
                    'promise_date': promise_date,
                    'amount': amount,
                    'owed_at_promise': sum(row['amount_residual'] for row in overdue),
                    'move_line_ids': [fields.Command.set([row['line_id'] for row in overdue])],
                    'paused_until': until,
                    'source': source,
                    'note': note or False,
                    'recorded_by_id': self.env.uid if source != 'portal' else False,
                }
            )
        )
        file.sudo().write({'next_date': until + timedelta(days=1)})
        money = currency._relance_money(promise.amount or promise.owed_at_promise, get_lang(self.env))
        values = {
            'amount': money if promise.amount else self.env._("everything overdue (%s)", money),
            'date': format_date(self.env, promise_date),
            'until': format_date(self.env, until),
            'channel': dict(self._fields['source']._description_selection(self.env))[source],
        }
        body = self.env._(
            "Promise to pay %(amount)s by %(date)s (%(channel)s): relances paused until %(until)s.", **values
        )
        if note:
            body = Markup("%s<br/>%s") % (body, note)
        collector = file._relance_collector().partner_id
        file._relance_post_client_action(body, notify=collector, author=author)
        return self.browse(promise.id)

    # ------------------------------------------------------------------ settling

    def _owed_now(self):
        self.ensure_one()
        return sum(self.move_line_ids.mapped('amount_residual'))

    @api.model
    def _settle_due(self, company, on_date, partner_ids=None):
        """Settle the open promises of ``company`` that are kept (paid) or broken (grace over).
        Returns the promises still open on ``on_date``: their files are paused."""
        domain = [('company_id', '=', company.id), ('state', '=', OPEN), ('date', '<=', on_date)]
        if partner_ids is not None:
            domain.append(('partner_id', 'in', list(partner_ids)))
        promises = self.sudo().search(domain)
        still_open = self.browse()
        rounding = company.currency_id.rounding
        for promise in promises:
            verdict = settle(
                promise.promise_date,
                (promise.paused_until - promise.promise_date).days,
                on_date,
                promise.owed_at_promise,
                promise._owed_now(),
                promise.amount,
                rounding,
            )
            if verdict == OPEN:
                still_open |= promise
                continue
            promise.write({'state': verdict, 'settled_on': on_date})
            if verdict == KEPT:
                body = self.env._(
                    "Promise to pay by %s kept: the payment came in.", format_date(self.env, promise.promise_date)
                )
            else:
                body = self.env._(
                    "Promise to pay by %s broken: the relances resume at the next level.",
                    format_date(self.env, promise.promise_date),
                )
            promise.file_id._relance_post_client_action(body, notify=promise.file_id.user_id.partner_id)
        return still_open

    @api.model
    def _paused_partner_ids(self, company, on_date, partner_ids):
        """The clients among ``partner_ids`` not to remind on ``on_date``: an open promise to pay."""
        self._settle_due(company, on_date, partner_ids)
        # A promise kept before its date keeps the pause it was given: the client said when.
        paused = self.sudo().search(
            [
                ('company_id', '=', company.id),
                ('partner_id', 'in', list(partner_ids)),
                ('state', 'in', (OPEN, KEPT)),
                ('date', '<=', on_date),
                ('paused_until', '>=', on_date),
            ]
        )
        return set(paused.partner_id.ids)

    @api.model
    def _broken_to_tell(self, relance):
        """The broken promise the relance must tell the client about: broken before its date and
        not yet told by an earlier relance of the file that went out."""
        file = relance.file_id
        if not file:
            return self.browse()
        broken = file.sudo().promise_ids.filtered(
            lambda p: p.state == BROKEN and p.settled_on and p.settled_on <= relance.date
        )[:1]
        if not broken:
            return self.browse()
        told = file.relance_ids.filtered(
            lambda r: r != relance and r.state in ('sent', 'done') and broken.settled_on <= r.date < relance.date
        )
        return self.browse() if told else broken
