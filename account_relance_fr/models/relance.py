import logging
from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, modules, tools
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, clean_context

from odoo.addons.base.models.ir_actions_report import _wkhtml

from ..core.calendar import is_written
from ..core.words import amount_in_words
from .batch_sql import create_quietly, update_rows

_logger = logging.getLogger(__name__)

#: States of a relance that did not reach the client: it may still be changed or cancelled.
PENDING = ('to_validate', 'failed')
#: What a person fills in on a relance once it went out (or was cancelled): the rest is history.
FILLED_AFTERWARDS = frozenset({'registered_number', 'acknowledged_on', 'note', 'user_id', 'litigation_proposed'})
#: The background sending's bookkeeping: a relance cancelled or sent while queued leaves the queue.
QUEUE_FIELDS = frozenset({'send_queue_state'})

STATES = [
    ('to_validate', "To validate"),
    ('sent', "Sent"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ('failed', "Failed"),
]


class AccountRelance(models.Model):
    """One reminder sent (or to send) to one client on one day, at one level.

    Amounts are not added up in grouped lists: successive relances of a client claim the same
    invoices again.

    Records are history: the daily run never deletes or rewrites them; cancelling keeps them.
    """

    _name = 'account.relance'
    _description = "Relance"
    _inherit = ['mail.thread', 'mail.activity.mixin']
    _order = 'date desc, id desc'
    _check_company_auto = True

    name = fields.Char("Reference", required=True, readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        'res.company', required=True, index=True, readonly=True, default=lambda self: self.env.company
    )
    company_currency_id = fields.Many2one(related='company_id.currency_id', string="Company currency")
    partner_id = fields.Many2one(
        'res.partner',
        "Client",
        required=True,
        index=True,
        readonly=True,
        check_company=True,
        help="The commercial entity reminded.",
    )
    contact_id = fields.Many2one(
        'res.partner',
        "Recipient",
        required=True,
        check_company=True,
        help="Relance contact of the client when the relance was prepared.",
    )
    date = fields.Date(required=True, readonly=True, index=True, default=fields.Date.context_today)
    level_id = fields.Many2one(
        'account.relance.level', required=True, readonly=True, ondelete='restrict', check_company=True
    )
    tone = fields.Selection(related='level_id.tone', store=True)
    channel_email = fields.Boolean("E-mail", readonly=True)
    channel_phone = fields.Boolean("Phone call", readonly=True)
    channel_letter = fields.Boolean("Postal letter", readonly=True)
    channel_registered_letter = fields.Boolean("Registered letter", readonly=True)
    state = fields.Selection(STATES, required=True, default='to_validate', tracking=True, index=True)
    failure_reason = fields.Char(readonly=True, tracking=True)
    user_id = fields.Many2one(
        'res.users',
        "Responsible",
        tracking=True,
        help="Collector in charge of the relance: receives its phone-call activity.",
    )
    salesperson_id = fields.Many2one('res.users', readonly=True)
    validated_by_id = fields.Many2one('res.users', "Validated by", readonly=True, copy=False)
    validated_on = fields.Datetime("Validated on", readonly=True, copy=False)
    sent_on = fields.Datetime("Sent on", readonly=True, copy=False)
    email_sent = fields.Boolean(
        "E-mail sent",
        readonly=True,
        copy=False,
        help="The e-mail of the relance went out: a retry (of its letter) does not send it again.",
    )
    line_ids = fields.One2many('account.relance.line', 'relance_id', "Lines", readonly=True)
    invoice_line_ids = fields.One2many(
        'account.relance.line', 'relance_id', "Invoices", readonly=True, domain=[('kind', '=', 'invoice')]
    )
    credit_line_ids = fields.One2many(
        'account.relance.line', 'relance_id', "Credits", readonly=True, domain=[('kind', '=', 'credit')]
    )
    upcoming_line_ids = fields.One2many(
        'account.relance.line', 'relance_id', "Not yet due", readonly=True, domain=[('kind', '=', 'upcoming')]
    )
    file_id = fields.Many2one(
        'account.relance.file',
        "Relance file",
        readonly=True,
        index='btree_not_null',
        check_company=True,
        help="The client's relance file this relance belongs to (none for a preventive reminder).",
    )
    cancel_reason = fields.Char("Cancellation reason", readonly=True)
    preview_html = fields.Html(
        "E-mail preview",
        compute='_compute_preview_html',
        sanitize=False,
        help="The e-mail exactly as it will be sent, rendered for the relance as it stands.",
    )
    amount_invoiced = fields.Monetary(
        "Overdue and due", currency_field='company_currency_id', readonly=True, aggregator=False
    )
    amount_credits = fields.Monetary(
        "Unreconciled credits", currency_field='company_currency_id', readonly=True, aggregator=False
    )
    amount_claimed = fields.Monetary(
        "Amount claimed", currency_field='company_currency_id', readonly=True, aggregator=False
    )
    amount_penalties = fields.Monetary(
        "Late-payment penalties", currency_field='company_currency_id', readonly=True, aggregator=False
    )
    amount_indemnities = fields.Monetary(
        "Recovery indemnities", currency_field='company_currency_id', readonly=True, aggregator=False
    )
    amount_total_due = fields.Monetary(
        "Total due",
        currency_field='company_currency_id',
        readonly=True,
        aggregator=False,
        help="Amount claimed, penalties and indemnities on the relance date.",
    )
    penalty_warning = fields.Char(
        "Penalty warning",
        readonly=True,
        help="Why penalties could not be computed on the relance date (a missing rate).",
    )
    is_formal_notice = fields.Boolean("Formal notice", compute='_compute_is_formal_notice')
    partner_is_consumer = fields.Boolean(
        "Consumer client",
        compute='_compute_partner_is_consumer',
        help="Whether the client is a consumer for the company of the relance.",
    )
    deadline = fields.Date(
        "Payment deadline", tracking=True, help="Date by which the mise en demeure asks for payment."
    )
    registered_number = fields.Char(
        "Registered letter number", tracking=True, help="Number of the lettre recommandée avec accusé de réception."
    )
    acknowledged_on = fields.Date("Acknowledged on", tracking=True, help="Date on the acknowledgement of receipt.")
    litigation_proposed = fields.Boolean("Litigation proposed", readonly=True, copy=False)
    call_planned = fields.Boolean("Call planned", readonly=True, copy=False)
    note = fields.Text("Notes", help="What the collector learnt about this relance (a call, an answer).")
    subject = fields.Char(readonly=True)
    body_html = fields.Html("Message", readonly=True, sanitize_style=True)
    letter_attachment_id = fields.Many2one('ir.attachment', "Letter", readonly=True, copy=False)
    invoice_count = fields.Integer(compute='_compute_invoice_count')
    lines_table_html = fields.Html(
        "Invoices table",
        compute='_compute_lines_table_html',
        sanitize=False,
        help="The invoices listed and the credits deducted, as e-mails and letters show them.",
    )

    schedule_ids = fields.Many2many(
        'account.relance.schedule',
        string="Payment schedules",
        compute='_compute_schedule_ids',
        help="The payment schedules of the client, and where they stand.",
    )

    _partner_day_uniq = models.UniqueIndex(
        '(company_id, partner_id, date)', "A client receives at most one relance a day."
    )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get('state', 'to_validate') != 'to_validate' for vals in vals_list):
            # A relance goes out by being sent, never by being written as sent.
            raise AccessError(self.env._("A relance is created waiting for validation, then sent."))
        unnamed = defaultdict(list)
        for vals in vals_list:
            if vals.get('name', '/') == '/':
                unnamed[vals.get('company_id') or self.env.company.id].append(vals)
        for company_id, company_vals in unnamed.items():
            for vals, name in zip(company_vals, self._next_names(company_id, len(company_vals))):
                vals['name'] = name
        return super().create(vals_list)

    @api.model
    def _create_batch(self, company, vals_list):
        """Create the relances of a batch of the daily run for ``company`` through ``create``,
        their lines given as commands in ``line_ids``: a "prepared" note each, without
        mail.thread's work record by record (a relance is born waiting for validation, nobody
        follows it yet); its responsible then follows it, one insert per person, without a
        "you have been assigned" e-mail for each of the dozens of relances a collector gets."""
        lines_of = [vals.pop('line_ids') for vals in vals_list]
        created = create_quietly(self, [{'company_id': company.id, **vals} for vals in vals_list])
        self.env['account.relance.line']._insert_for(created, lines_of)
        created._subscribe_responsibles()
        return created

    @api.model
    def _next_names(self, company_id, count):
        """``count`` references of the relance sequence of the company, reserved in one query
        (the run names a whole batch at once); the same numbers and format as ``next_by_code``."""
        Sequence = self.env['ir.sequence'].with_company(company_id)
        Sequence.browse().check_access('read')
        sequence = Sequence.search(
            [('code', '=', 'account.relance'), ('company_id', 'in', [company_id, False])], order='company_id', limit=1
        )
        if not sequence:
            return ['/'] * count
        if sequence.use_date_range:
            return [sequence._next() for _i in range(count)]
        if sequence.implementation == 'standard':
            numbers = sorted(
                number
                for [number] in self.env.execute_query(
                    SQL("SELECT nextval(%s) FROM generate_series(1, %s)", f'ir_sequence_{sequence.id:03d}', count)
                )
            )
        else:
            # No gap: the numbers are taken under the row lock of the sequence, all at once.
            step = sequence.number_increment
            sequence.flush_recordset(['number_next'])
            [[last]] = self.env.execute_query(
                SQL(
                    "UPDATE ir_sequence SET number_next = number_next + %s WHERE id = %s RETURNING number_next",
                    step * count,
                    sequence.id,
                )
            )
            sequence.invalidate_recordset(['number_next'])
            first = last - step * count
            numbers = [first + step * i for i in range(count)]
        # get_next_char's text, its prefix and suffix interpolated once for the batch (each call
        # would format the date fourteen ways three times again).
        prefix, suffix = sequence._get_prefix_suffix()
        return [f"{prefix}{number:0{sequence.padding}d}{suffix}" for number in numbers]

    def _subscribe_responsibles(self):
        """The responsible of each relance follows it (mail.thread's auto-subscription of a
        tracked ``user_id``), in one insert per person, without an assignment notification."""
        for user, relances in self.grouped('user_id').items():
            if user:
                relances.with_context(mail_auto_subscribe_no_notify=True)._message_auto_subscribe({'user_id': user.id})

    def write(self, vals):
        """History is append-only: once a relance went out (or was cancelled) only what a person
        fills in afterwards may change, and a sent relance may only be marked done."""
        if not self.env.su:
            frozen = self.filtered(lambda r: r.state not in PENDING)
            if frozen:
                changed = set(vals) - FILLED_AFTERWARDS - QUEUE_FIELDS
                if (
                    changed == {'state'}
                    and vals['state'] == 'done'
                    and all(r.state in ('sent', 'done') for r in frozen)
                ):
                    changed = set()
                if changed:
                    raise UserError(
                        self.env._(
                            "%(relances)s went out or was cancelled: it is history and cannot be changed "
                            "(%(fields)s). Only the registered-letter number, the acknowledgement date, "
                            "the notes and the person responsible can still be filled in.",
                            relances=", ".join(frozen.mapped('name')),
                            fields=", ".join(sorted(self._fields[f].string for f in changed if f in self._fields)),
                        )
                    )
        return super().write(vals)

    def _creation_message(self):
        # Mail's "%s created" makes "Relance créé" in French (the noun is feminine).
        return self.env._("Relance prepared")

    def _mail_get_partner_fields(self, introspect_fields=False):
        """A relance is read by its contact (the client's contact for relances), not by the
        client company: the default recipient of its e-mails, as its templates say."""
        return ['contact_id']

    def _get_model_description(self, model_name):
        # The heading of the e-mail layout reads "Your <model>": the client reads "Votre rappel
        # de paiement", not the technical name of the model.
        if model_name == self._name:
            return self.env._("payment reminder")
        return super()._get_model_description(model_name)

    def _check_relance_group(self, group='account_relance_fr.group_relance_user'):
        """State-changing buttons check their group themselves: they are callable over RPC."""
        if not self.env.su and not self.env.user.has_group(group):
            raise AccessError(
                self.env._(
                    "You are not allowed to do this: it is reserved to the group %s.", self.env.ref(group).display_name
                )
            )
        self.check_access('write')

    @api.depends('level_id.mail_template_id', 'line_ids', 'amount_total_due', 'contact_id', 'state')
    def _compute_preview_html(self):
        for relance in self:
            template = relance.level_id.mail_template_id
            pending = relance.state in ('to_validate', 'failed')
            if not (template and relance.channel_email and relance.id and pending):
                relance.preview_html = relance.body_html
                continue
            relance.preview_html = template._render_field('body_html', relance.ids, compute_lang=True)[relance.id]

    def _is_written(self):
        """The client reads this relance: it goes out by e-mail, letter or registered letter."""
        self.ensure_one()
        return is_written(self)

    @api.depends('level_id.tone')
    def _compute_is_formal_notice(self):
        for relance in self:
            relance.is_formal_notice = relance.level_id.tone == 'formal_notice'

    def _compute_partner_is_consumer(self):
        for relance in self:
            relance.partner_is_consumer = relance.partner_id._relance_consumer_in(relance.company_id)

    def _compute_schedule_ids(self):
        schedules = self.env['account.relance.schedule'].search(
            [('partner_id', 'in', self.partner_id.ids), ('company_id', 'in', self.company_id.ids)]
        )
        for relance in self:
            relance.schedule_ids = schedules.filtered(
                lambda s, relance=relance: s.partner_id == relance.partner_id and s.company_id == relance.company_id
            )

    def _letter_lang(self):
        """Letters are written in French: dates and amounts follow, when French is installed."""
        self.ensure_one()
        if self.env['res.lang']._lang_get('fr_FR'):
            return 'fr_FR'
        return self.contact_id.lang or self.env.lang

    def amount_in_words(self, amount=None):
        """The total due written in French words, for the mise en demeure."""
        self.ensure_one()
        return amount_in_words(self.amount_total_due if amount is None else amount, self.company_currency_id.name)

    def action_hand_over_to_litigation(self):
        """The deadline passed unpaid: the client goes to contentieux, ordinary relances stop."""
        self._check_relance_group('account_relance_fr.group_relance_manager')
        today = fields.Date.context_today(self)
        for relance in self:
            client = relance.partner_id._relance_as_manager().with_company(relance.company_id)
            client.write({'relance_litigation': True, 'relance_litigation_date': today})
            client.message_post(
                body=self.env._("Handed over to litigation after the mise en demeure %s.", relance.name)
            )
            relance.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref('mail.mail_activity_data_todo')
            ).action_done()
        return True

    @api.model
    def _follow_up_formal_notices(self, company, on_date):
        """A mise en demeure whose deadline passed unpaid: propose the hand-over to litigation,
        once the oldest invoice it claims is as late as the client's scenario says (60 to 90
        days by default, depending on the risk category)."""
        # with_company: "in litigation" is the client's flag in this company.
        overdue = self.with_company(company).search(
            [
                ('company_id', '=', company.id),
                ('tone', '=', 'formal_notice'),
                ('state', '=', 'sent'),
                ('deadline', '<', on_date),
                ('litigation_proposed', '=', False),
                ('partner_id.relance_litigation', '=', False),
            ]
        )
        scenario_of = self.env['account.relance.scenario']._for_partners(company, overdue.partner_id)
        settled, unpaid = self.browse(), self.browse()
        for relance in overdue:
            dues = [line.date_maturity for line in relance.invoice_line_ids if not line.move_line_id.reconciled]
            if not dues:
                settled |= relance
            elif min(dues) + timedelta(days=scenario_of[relance.partner_id.id].litigation_delay) <= on_date:
                unpaid |= relance
        for relance in unpaid:
            relance.with_context(mail_activity_quick_update=True).activity_schedule(
                'mail.mail_activity_data_todo',
                date_deadline=on_date,
                summary=self.env._("Mise en demeure unanswered: hand over to litigation?"),
                user_id=company._relance_responsible(relance.salesperson_id, assigned=relance.user_id).id,
            )
        (settled | unpaid).write({'litigation_proposed': True})
        return unpaid

    def _compute_invoice_count(self):
        counts = dict(
            self.env['account.relance.line']._read_group(
                [('relance_id', 'in', self.ids), ('kind', '=', 'invoice')], ['relance_id'], ['move_id:count_distinct']
            )
        )
        for relance in self:
            relance.invoice_count = counts.get(relance, 0)

    @api.depends('line_ids', 'amount_claimed')
    def _compute_lines_table_html(self):
        for relance in self:
            relance.lines_table_html = self.env['ir.qweb']._render(
                'account_relance_fr.relance_lines_table', {'relance': relance}
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_cancelled(self):
        if any(relance.state not in ('to_validate', 'cancelled') for relance in self):
            raise UserError(
                self.env._("Only relances to validate or cancelled can be deleted: the others stay in the history.")
            )

    # ------------------------------------------------------------------ buttons

    def action_send(self):
        """Validate and send the relances waiting for validation, or retry failed ones (button
        and bulk action).

        Each one is first brought up to the day it goes out: its date, the residual of every
        installment, the penalties and indemnities, and the deadline of a mise en demeure.
        Installments paid since are dropped; a relance with nothing owed any more is cancelled
        with that reason instead of being sent. A failed relance is retried on every channel of
        its level, registered letter included (its phone call, if already planned, is not
        planned twice); what still cannot go out stays failed with the reason.

        A selection larger than ``_background_send_threshold`` is validated in the user's name
        and sent in the background (``relance_send_queue``): the action returns a notification.
        """
        self._check_relance_group()
        pending = self.filtered(lambda r: r.state in PENDING)
        if not pending:
            raise UserError(self.env._("None of the selected relances is waiting to be sent."))
        if pending._sends_in_background():
            # Thousands at once would hold the request for minutes: a scheduled action sends them.
            return pending._queue_for_sending()
        pending._validate_and_send()
        return True

    def _validate_and_send(self, validated_on=None):
        """Validate self in the current user's name, bring it up to date and send it (the work of
        ``action_send``, without its checks). Returns the relances that went out (or failed)."""
        current = self._bring_up_to_date()
        current.write(
            {
                'validated_by_id': self.env.uid,
                'validated_on': validated_on or fields.Datetime.now(),
                'failure_reason': False,
            }
        )
        current._send()
        # The worklist says at once what comes next, as the run would the next morning.
        current.file_id._refresh_next_step()
        return current

    def _differs_from(self, vals):
        """Whether ``vals`` (a relance as the run would prepare it now) says something else than
        this pending relance: another level, other installments or other amounts due."""
        self.ensure_one()
        listed = {
            (cmd[2]['move_line_id'], cmd[2]['kind'], round(cmd[2]['amount_residual_currency'], 6))
            for cmd in vals.get('line_ids', [])
        }
        mine = {(line.move_line_id.id, line.kind, round(line.amount_residual_currency, 6)) for line in self.line_ids}
        # Penalties accrue every day: they are brought up to date when the relance goes out.
        return listed != mine or ('level_id' in vals and vals['level_id'] != self.level_id.id)

    def _update_pending(self, vals, note=True):
        """Bring a relance that did not go out up to date; the chatter keeps what it was."""
        self.ensure_one()
        if self.state not in ('to_validate', 'failed'):
            raise UserError(self.env._("Relance %s went out: it cannot be changed.", self.name))
        if note:
            self.message_post(
                body=self.env._(
                    "Updated on %(date)s. Before: %(level)s of %(day)s, %(count)s invoice(s), total due %(total)s.",
                    date=vals.get('date', self.date),
                    level=self.level_id.name,
                    day=self.date,
                    count=len(self.invoice_line_ids.move_id),
                    total=self._format_amount(self.amount_total_due),
                )
            )
        self.line_ids.unlink()
        self.write(vals)

    def _cancel_with_reason(self, reason):
        if any(relance.state not in PENDING for relance in self):
            raise UserError(self.env._("Only relances that were not sent can be cancelled."))
        for relance in self:
            relance.write({'state': 'cancelled', 'cancel_reason': reason})
            relance.message_post(body=reason)

    def action_cancel(self):
        self._check_relance_group()
        if any(relance.state not in ('to_validate', 'failed') for relance in self):
            raise UserError(self.env._("Only relances that were not sent can be cancelled."))
        # Cancelled relances no longer count for the levels of their invoices.
        self.write({'state': 'cancelled'})
        self.file_id._refresh_next_step()

    def action_mark_done(self):
        self._check_relance_group()
        if any(relance.state != 'sent' for relance in self):
            raise UserError(self.env._("Only sent relances can be marked as done."))
        self.write({'state': 'done'})

    def action_send_letter_instead(self):
        """The client has no e-mail address: send the same relance as a postal letter."""
        self._check_relance_group()
        for relance in self:
            if relance.state != 'failed':
                raise UserError(self.env._("Relance %s did not fail: nothing to replace by a letter.", relance.name))
        self.write({'channel_email': False, 'channel_letter': True})
        return self.action_send()

    def action_preview_letter(self):
        """The letter of the relance as it would be printed now (PDF), before anyone sends it."""
        self.ensure_one()
        report = self.level_id.letter_report_id or self.env.ref('account_relance_fr.action_report_relance_letter')
        # config=False: the letter itself, never Odoo's document layout configurator first.
        return report.report_action(self, config=False)

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account.action_move_out_invoice')
        action['domain'] = [('id', 'in', self.invoice_line_ids.move_id.ids)]
        action['context'] = {'create': False}
        return action

    # ------------------------------------------------------------------ sending

    def _send(self):
        """Dispatch each relance on every channel of its level; a relance that cannot go out
        stays failed with the reason, and the others go out all the same.

        Works on a batch: templates and invoice PDFs are rendered once per relance at most. When
        something breaks in the batch (a template error, a report that does not render), each
        relance is sent again on its own, so that only the culprit fails.
        """
        self._each_isolated(lambda relances: relances._dispatch())

    def _each_isolated(self, send, logger=_logger):
        """``send(self)`` in a savepoint; when it breaks, ``send`` again for each relance on its own,
        so that only the culprit fails, with the reason, logged by ``logger`` (the one rule of the
        run's sending and of the background sending)."""
        if not self:
            return
        try:
            with self.env.cr.savepoint():
                send(self)
        except Exception as error:  # noqa: BLE001 - whatever breaks, the relance stays failed, visibly
            if len(self) == 1:
                logger.warning("Relance %s could not be sent", self.name, exc_info=True)
                self._mark_failed(self._error_reason(error))
                return
            for relance in self:
                relance._each_isolated(send, logger)

    @api.model
    def _error_reason(self, error):
        message = getattr(error, 'args', None) and str(error.args[0]) or repr(error)
        return self.env._("Could not be sent: %s", message)[:500]

    def _mark_failed(self, reason):
        for relance in self:
            relance.write({'state': 'failed', 'failure_reason': reason})
            relance.message_post(body=reason)

    def _mail_not_delivered(self, reason):
        """The e-mail of a relance that went out was not delivered (the mail queue could not send
        it, or it bounced): the relance did not reach the client, it fails with the reason and
        may be resent or sent by letter."""
        went_out = self.filtered(lambda r: r.state == 'sent' and r.channel_email)
        # sudo: the mail queue or a bounce reports it, not a relance user; a retry e-mails it again.
        went_out.sudo().email_sent = False
        went_out.sudo()._mark_failed(self.env._("The e-mail could not be delivered: %s", reason)[:500])
        # The file stands where it was before this relance: its row says so at once.
        went_out.file_id.sudo()._refresh_next_step()

    def _message_receive_bounce(self, email, partner):
        self._mail_not_delivered(self.env._("%s bounced", email))
        return super()._message_receive_bounce(email, partner)

    def _dispatch(self):
        """Every channel of the level: the e-mail, the letter and the registered letter, and the
        call (planned once, even when the relance is retried)."""
        no_postal = self.filtered(lambda r: r.is_formal_notice and r._missing_address_parts())
        for relance in no_postal:
            relance.write(
                {
                    'state': 'failed',
                    'failure_reason': self.env._(
                        "A mise en demeure needs the postal address of %(client)s: %(missing)s missing.",
                        client=relance.contact_id.display_name,
                        missing=", ".join(relance._missing_address_parts()),
                    ),
                }
            )
        relances = self - no_postal

        def on(channel):
            return relances.filtered(channel)

        # An e-mail that went out on a first attempt is not sent again when the relance is retried
        # (its letter was refused or got no answer from the postal provider).
        emails = on('channel_email').filtered(lambda r: not r.email_sent)
        no_address = emails.filtered(lambda r: not r.contact_id.email_normalized)
        letters = on('channel_letter') | on('channel_registered_letter')
        (emails - no_address)._send_emails()
        (emails - no_address).write({'email_sent': True})
        letters._make_letters()
        on('channel_phone').filtered(lambda r: not r.call_planned)._schedule_calls()
        failed = no_address - letters
        for relance in no_address:
            relance.message_post(
                body=self.env._(
                    "The e-mail could not be sent: %(contact)s has no e-mail address.",
                    contact=relance.contact_id.display_name,
                )
            )
        for relance in failed:
            relance.failure_reason = self.env._(
                "No e-mail address for %s: send it by letter instead, or add the address and retry.",
                relance.contact_id.display_name,
            )
        # Letters handed to a postal provider once this transaction is committed: their relances
        # go out (or fail) with the provider's answer, not now.
        awaiting = relances._dispatch_by_providers(letters)  # postal provider, text messages
        failed.write({'state': 'failed'})
        (relances - failed - awaiting).write({'state': 'sent', 'sent_on': fields.Datetime.now()})

    def _missing_address_parts(self):
        self.ensure_one()
        return self.partner_id._relance_missing_address_parts(self.contact_id)

    def _render_template_fields(self, template):
        subjects = template._render_field('subject', self.ids, compute_lang=True)
        bodies = template.with_context(**self._render_batch_context())._render_field(
            'body_html', self.ids, compute_lang=True
        )
        return subjects, bodies

    def _render_batch_context(self):
        """The context rendering the e-mails of self in one pass (mail_template.py): the
        template compiled once, the earlier reminders of the batch looked up once."""
        return {'relance_render_batch': True, 'relance_repeats': (frozenset(self.ids), self._repeat_reminder_ids())}

    def _invoice_attachments(self):
        """Attachments of the invoices listed by self: {move: attachment}."""
        return self.invoice_line_ids.move_id._relance_invoice_pdfs()

    def _mail_attachment_ids(self):
        """{relance id: ids of the attachments of its e-mail}: the PDFs of its invoices when its
        company attaches them, and the customer statement from the tone the company set."""
        attach = self.filtered(lambda r: r.company_id.relance_attach_invoices)
        pdfs = attach._invoice_attachments() if attach else {}
        return {
            relance.id: [pdfs[move].id for move in relance.invoice_line_ids.move_id if relance in attach]
            + relance.file_id._relance_statement_attachment_ids(relance)
            for relance in self
        }

    def _send_emails(self):
        """Queue the e-mail of each relance to its contact (``_queue_emails``) and keep on the
        relance what went out: the message's subject and body, sanitized once."""
        messages = self.env['mail.message']
        by_template = self.grouped(lambda r: (r.level_id.mail_template_id, r.company_id))
        for (template, _company), relances in by_template.items():
            messages |= relances._queue_emails(template)
        by_relance = {message.res_id: message for message in messages}
        sent = self.filtered(lambda r: r.id in by_relance)
        update_rows(
            sent,
            [
                {'subject': by_relance[relance.id].subject or False, 'body_html': by_relance[relance.id].body}
                for relance in sent
            ],
        )

    def _queue_emails(self, template):
        """Queue the e-mails of self, rendered with ``template``, through Odoo's mail composer in
        mass-mail mode: the batch rendered at once, its e-mails and their notifications created by
        hundreds. Each is posted as ``message_post`` would post it (``mail.compose.message``,
        ``relance_mail_attachments``): a comment to the relance's contact in the light layout,
        kept in the chatter with the notification that shows whether it was sent, bounced or
        failed, with the relance's own attachments. The followers of a relance get no copy of
        what the client receives. Odoo's mail queue sends them after the run, in batches.
        Their author is the company (as ``message_post`` finds it from the company's address),
        whoever sends them; their sender is the template's (the company's address), and a reply
        goes where Odoo routes the replies of the relance. Returns the messages of the e-mails."""
        if not self:
            return self.env['mail.message']
        company = self.company_id.ensure_one()
        composer = (
            self.env['mail.compose.message']
            .with_context(
                clean_context(self.env.context),
                relance_mail_attachments=self._mail_attachment_ids(),
                **self._render_batch_context(),
            )
            .create(
                {
                    'composition_mode': 'mass_mail',
                    'model': self._name,
                    'res_ids': self.ids,
                    'template_id': template.id,
                    'email_layout_xmlid': 'mail.mail_notification_light',
                    'auto_delete': True,
                    'auto_delete_keep_log': True,
                    'force_send': False,
                    # Given with the author, or the composer leaves the sender empty (both come
                    # from one compute): the template's sender, rendered for each relance.
                    'author_id': company.partner_id.id,
                    'email_from': template.email_from or company.partner_id.email_formatted,
                }
            )
        )
        mails, _messages = composer._action_send_mail()
        return mails.mail_message_id.with_env(self.env)

    def _make_letters(self):
        default = self.env.ref('account_relance_fr.action_report_relance_letter')
        for report, relances in self.grouped(lambda r: r.level_id.letter_report_id or default).items():
            rendered = self._render_each(report.report_name, relances)
            attachments = self.env['ir.attachment'].create(
                [
                    {
                        'name': f"{relance.name.replace('/', '-')}.{rendered[relance.id][1]}",
                        'raw': rendered[relance.id][0],
                        'res_model': relance._name,
                        'res_id': relance.id,
                        'mimetype': 'application/pdf' if rendered[relance.id][1] == 'pdf' else 'text/html',
                    }
                    for relance in relances
                ]
            )
            for relance, attachment in zip(relances, attachments):
                relance.letter_attachment_id = attachment
                relance.message_post(body=self.env._("Letter ready to print and post."), attachment_ids=attachment.ids)

    @api.model
    def _render_each(self, report_ref, records):
        """{record id: (content, 'pdf' or 'html')}. One wkhtmltopdf call for the whole batch when
        the installed wkhtmltopdf renders several documents at once (built with patched Qt, as
        Odoo recommends): Odoo splits the PDF per record. Otherwise (Debian's wkhtmltopdf,
        unpatched Qt), or when the split fails, one rendering per record."""
        report = self.env['ir.actions.report']
        if len(records) > 1 and _wkhtml().is_patched_qt and self._relance_pdf_rendering():
            try:
                with self.env.cr.savepoint():
                    streams = report._render_qweb_pdf_prepare_streams(report_ref, {}, res_ids=records.ids)
            except UserError:
                _logger.info("The PDFs of %s were rendered one by one: wkhtmltopdf refused the batch", report_ref)
            else:
                if all(streams.get(record.id, {}).get('stream') for record in records):
                    return {record.id: (streams[record.id]['stream'].getvalue(), 'pdf') for record in records}
        return {record.id: report._render_qweb_pdf(report_ref, record.ids) for record in records}

    @api.model
    def _relance_pdf_rendering(self):
        """Reports are rendered as PDF (in tests Odoo renders HTML unless told otherwise, as in
        ``ir.actions.report._render_qweb_pdf``)."""
        return not (modules.module.current_test or tools.config['test_enable']) or self.env.context.get(
            'force_report_rendering'
        )

    def _schedule_calls(self):
        self.write({'call_planned': True})
        for relance in self:
            # mail_activity_quick_update: no "assigned to you" e-mail per call (hundreds a run).
            relance.with_context(mail_activity_quick_update=True).activity_schedule(
                'mail.mail_activity_data_call',
                date_deadline=relance.date,
                summary=self.env._(
                    "Relance call: %(amount)s overdue", amount=relance._format_amount(relance.amount_claimed)
                ),
                note=Markup("<p>%s</p>")
                % self.env._(
                    "Call %(contact)s about the unpaid invoices listed in %(relance)s.",
                    contact=relance.contact_id.display_name,
                    relance=relance.name,
                ),
                user_id=relance.company_id._relance_responsible(relance.salesperson_id, assigned=relance.user_id).id,
            )
