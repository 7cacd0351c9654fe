from dataclasses import replace

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from ..core.calendar import (
    WRITTEN_CHANNELS,
    ClientPlan,
    FileState,
    Installment,
    escalation_step,
    plan_client,
    tone_rank,
)
from .batch_sql import create_quietly, update_rows
from .relance import PENDING
from .relance_installment import SCHEDULE_COVERING_STATES
from .relance_level import TONES

NEXT_ACTIONS = [
    ('validate', "Validate the relance"),
    ('resend', "Failed: resend or send by letter"),
    ('email', "E-mail"),
    ('call', "Phone call"),
    ('letter', "Letter to print"),
    ('formal_notice', "Mise en demeure"),
    ('litigation', "Litigation to decide"),
    ('wait', "Nothing planned"),
]

# The groups of the worklist, most urgent first (their keys sort in that order, so that the
# list grouped by them shows them in that order).
WORKLIST_GROUPS = [
    ('1_validate', "To validate"),
    ('2_failed', "Failed"),
    ('3_today', "Due today"),
    ('4_later', "Later"),
]


class AccountRelanceFile(models.Model):
    """The relance file of one client in one company: the unit of escalation.

    A file opens with the client's first lateness and closes when nothing is overdue any more.
    Its level is the level of the last relance of the file that actually went out (sent or
    done): relances waiting for validation, failed or cancelled never count. It holds at most
    one pending relance (to validate, or failed). Everything that says "the level of a client"
    (run, partner form, worklists, reports) reads it from here.
    """

    _name = 'account.relance.file'
    _description = "Relance file"
    _inherit = ['mail.thread']
    _order = 'next_date, oldest_due_date, id'
    _check_company_auto = True
    _rec_name = 'partner_id'

    company_id = fields.Many2one('res.company', required=True, index=True, readonly=True)
    company_currency_id = fields.Many2one(related='company_id.currency_id', string="Company currency")
    partner_id = fields.Many2one('res.partner', "Client", required=True, index=True, readonly=True, check_company=True)
    state = fields.Selection(
        [('open', "In progress"), ('closed', "Closed")],
        required=True,
        default='open',
        readonly=True,
        index=True,
        tracking=True,
    )
    close_reason = fields.Selection(
        [
            ('paid', "Nothing overdue any more"),
            ('hold', "On hold (dispute, payment schedule, suspension)"),
            ('insolvency', "Procédure collective"),
        ],
        readonly=True,
        help="A file closed on hold continues where it stood when the client is "
        "chased again; a paid file is never reopened.",
    )
    opened_on = fields.Date(required=True, readonly=True)
    closed_on = fields.Date(readonly=True)
    relance_ids = fields.One2many('account.relance', 'file_id', "Relances", readonly=True)
    last_relance_id = fields.Many2one(
        'account.relance',
        "Last relance sent",
        compute='_compute_from_relances',
        store=True,
        help="The last relance of the file that actually went out.",
    )
    level_id = fields.Many2one(
        'account.relance.level',
        "Level reached",
        compute='_compute_from_relances',
        store=True,
        index='btree_not_null',
        help="Level of the last relance of the file that actually went out.",
    )
    tone = fields.Selection(TONES, "Tone reached", compute='_compute_from_relances', store=True)
    last_relance_date = fields.Date("Last relance on", compute='_compute_from_relances', store=True)
    written_sent = fields.Boolean(
        "Written reminder sent",
        compute='_compute_from_relances',
        store=True,
        help="A written reminder (e-mail or letter) of this file went out: the mise en demeure may follow.",
    )
    pending_relance_id = fields.Many2one(
        'account.relance',
        "Pending relance",
        compute='_compute_from_relances',
        store=True,
        help="The relance waiting for validation, or failed, of this file.",
    )
    pending_state = fields.Selection(related='pending_relance_id.state', string="Pending relance state")
    next_level_id = fields.Many2one(
        'account.relance.level', "Next level", readonly=True, help="The step the daily run plans next for this client."
    )
    next_date = fields.Date("Next relance on", readonly=True, index=True)
    next_action = fields.Selection(NEXT_ACTIONS, "Next action", compute='_compute_next_action', store=True)
    amount_overdue = fields.Monetary(
        "Amount overdue",
        currency_field='company_currency_id',
        readonly=True,
        help="Overdue residual of the client's invoices chased in this file, in company currency, "
        "as of the last daily run.",
    )
    oldest_due_date = fields.Date("Oldest due date", readonly=True)
    # What the daily run last saw of the client (_client_stamps): a rerun
    # the same day leaves alone the clients whose stamp did not change.
    run_date = fields.Date("Last run on", readonly=True, help="Day of the last daily run that prepared this file.")
    run_stamp = fields.Char(
        "State at the last run",
        readonly=True,
        help="Digest of the client's open items, credits, relances, promises and settings at the last run.",
    )
    days_overdue = fields.Integer("Days overdue", compute='_compute_days_overdue')
    risk_category = fields.Selection(related='partner_id.relance_risk_category', string="Risk category")
    user_id = fields.Many2one('res.users', "Collector", compute='_compute_user_id', store=True)
    salesperson_id = fields.Many2one(related='partner_id.user_id', string="Salesperson")
    has_dispute = fields.Boolean("In dispute", compute='_compute_flags')
    has_schedule = fields.Boolean("In a payment schedule", compute='_compute_flags')
    # The client's flags in the company of the file (they are company-dependent).
    suspended = fields.Boolean(compute='_compute_client_flags')
    litigation = fields.Boolean("In litigation", compute='_compute_client_flags')
    schedule_next_date = fields.Date("Next installment of the schedule", compute='_compute_flags')
    relance_count = fields.Integer("Relances of the file", compute='_compute_relance_count')
    # What the collector reads in the worklist: computed for today (not stored), grouped and
    # searched in SQL (_field_to_sql) with the same rule as the label.
    worklist_group = fields.Selection(
        WORKLIST_GROUPS, "Urgency", compute='_compute_worklist', search='_search_worklist_group'
    )
    next_action_label = fields.Char("To do", compute='_compute_worklist')
    worklist_date = fields.Date(
        "When",
        compute='_compute_worklist',
        help="When what is to do is due: the day of the relance waiting, of the call, of the letter "
        "to post (today), or of the next relance.",
    )
    call_due_date = fields.Date(
        "Call due since",
        compute='_compute_worklist',
        search='_search_call_due_date',
        help="Deadline of the oldest open call activity of the file's relances.",
    )
    flags_label = fields.Char(
        "Flags",
        compute='_compute_flags_label',
        help="Procédure collective, dispute, payment schedule, suspension, litigation.",
    )
    letter_to_post = fields.Boolean(
        "Letter to post", compute='_compute_worklist', help="The last relance went out as a letter not yet posted."
    )

    _one_open_file = models.UniqueIndex(
        "(company_id, partner_id) WHERE state = 'open'", "A client has one open relance file per company."
    )

    @api.depends('relance_ids.state', 'relance_ids.date', 'relance_ids.level_id')
    def _compute_from_relances(self):
        for file in self:
            relances = file.relance_ids.sorted(lambda r: (r.date, r.id))
            went_out = relances.filtered(lambda r: r.state in ('sent', 'done'))
            last = went_out[-1:]
            file.last_relance_id = last
            file.level_id = last.level_id
            file.tone = last.tone
            file.last_relance_date = last.date
            file.written_sent = any(r._is_written() and r.tone != 'formal_notice' for r in went_out)
            file.pending_relance_id = relances.filtered(lambda r: r.state in ('to_validate', 'failed'))[-1:]

    @api.depends('partner_id.relance_suspended', 'partner_id.relance_litigation', 'company_id')
    def _compute_client_flags(self):
        for file in self:
            client = file.partner_id.with_company(file.company_id)
            file.suspended = client.relance_suspended
            file.litigation = client.relance_litigation

    @api.depends('pending_relance_id.state', 'next_level_id', 'state', 'level_id', 'partner_id.relance_litigation')
    def _compute_next_action(self):
        for file in self:
            pending, level = file.pending_relance_id, file.next_level_id
            if file.state != 'open':
                action = 'wait'
            elif pending:
                action = 'resend' if pending.state == 'failed' else 'validate'
            elif file.tone == 'formal_notice' and not level:
                action = 'litigation'
            elif not level:
                action = 'wait'
            elif level.tone == 'formal_notice':
                action = 'formal_notice'
            elif level.channel_phone and not level.channel_email:
                action = 'call'
            elif level.channel_letter or level.channel_registered_letter:
                action = 'letter'
            else:
                action = 'email'
            file.next_action = action

    def _call_activity_type(self):
        return self.env.ref('mail.mail_activity_data_call', raise_if_not_found=False)

    def _call_due_dates(self):
        """{file id: deadline of the oldest open call activity on the file's relances}."""
        call = self._call_activity_type()
        if not call or not self.ids:
            return {}
        # A call just done or planned again (call outcome) is read as it now stands.
        self.env['mail.activity'].flush_model(['active', 'date_deadline', 'activity_type_id', 'res_id', 'res_model'])
        self.env['account.relance'].flush_model(['file_id'])
        rows = self.env.execute_query(
            SQL(
                """SELECT relance.file_id, MIN(activity.date_deadline)
                     FROM mail_activity activity
                     JOIN account_relance relance ON relance.id = activity.res_id
                    WHERE activity.res_model = 'account.relance' AND activity.active
                      AND activity.activity_type_id = %s AND relance.file_id = ANY(%s)
                 GROUP BY relance.file_id""",
                call.id,
                self.ids,
            )
        )
        return dict(rows)

    def _worklist_today(self):
        return (self.company_id[:1] or self.env.company)._relance_today()

    @api.depends_context('lang', 'company')
    @api.depends(
        'state', 'pending_relance_id.state', 'next_date', 'next_level_id', 'last_relance_id.state', 'next_action'
    )
    def _compute_worklist(self):
        calls = self._call_due_dates()
        for file in self:
            today = file._worklist_today()
            last = file.last_relance_id
            file.call_due_date = calls.get(file.id, False)
            file.letter_to_post = bool(last.state == 'sent' and (last.channel_letter or last.channel_registered_letter))
            file.worklist_group = file._worklist_group_of(today)
            file.next_action_label = file._next_action_words(today)
            file.worklist_date = file._worklist_date_of(today)

    def _worklist_date_of(self, today):
        """The day of what ``_next_action_words`` says is to do (the "When" of the row): the
        relance waiting for validation or to send again, the call due, the letter to post
        today, the next relance; none when nothing is planned or litigation is to decide."""
        self.ensure_one()
        if self.state != 'open':
            return False
        if self.pending_state in ('to_validate', 'failed'):
            return self.pending_relance_id.date
        if self.call_due_date and self.call_due_date <= today:
            return self.call_due_date
        if self.letter_to_post:
            return today
        if self.next_action == 'litigation' or not self.next_level_id:
            return False
        return self.next_date

    def _worklist_group_of(self, today):
        """The urgency group of the file, the rule of ``_worklist_group_sql``."""
        self.ensure_one()
        if self.pending_state == 'to_validate':
            return '1_validate'
        if self.pending_state == 'failed':
            return '2_failed'
        if self.state == 'open' and (
            (self.next_date and self.next_date <= today)
            or (self.call_due_date and self.call_due_date <= today)
            or self.letter_to_post
        ):
            return '3_today'
        return '4_later'

    def _next_action_words(self, today):
        """What is due and when, as a collector says it: "Call", "Validate the mise en
        demeure", "Letter to post", "Nothing before 19 Dec."."""
        self.ensure_one()
        _ = self.env._
        pending = self.pending_relance_id
        if self.state != 'open':
            return _("Nothing: file closed")
        if pending.state == 'to_validate':
            if pending.tone == 'formal_notice':
                return _("Validate the mise en demeure")
            return _("Validate the relance")
        if pending.state == 'failed':
            return _("Failed: send again or by letter")
        if self.call_due_date and self.call_due_date <= today:
            if self.call_due_date < today:
                return _("Call (due since %s)", self._short_day(self.call_due_date))
            return _("Call")
        if self.letter_to_post:
            return _("Letter to post")
        if self.next_action == 'litigation':
            return self._handover_words(today)
        if not self.next_level_id or not self.next_date:
            return _("Nothing planned")
        if self.next_date <= today:
            step = dict(self._fields['next_action']._description_selection(self.env)).get(self.next_action)
            return _("Due today: %s", step)
        return _("Nothing before %s", self._short_day(self.next_date))

    def _short_day(self, day):
        """'19 Dec.', '19 déc.': a near date as a person writes it; the year only when it is
        not this one."""
        today = self._worklist_today()
        return format_date(self.env, day, date_format='d MMM' if day.year == today.year else 'd MMM y')

    def _worklist_group_sql(self, alias, query):
        """SQL of the urgency group of a file, the rule of ``_worklist_group_of``."""
        today = self._worklist_today()
        call = self._call_activity_type()
        file_id = SQL.identifier(alias, 'id')
        pending = SQL(
            "(SELECT pending.state FROM account_relance pending WHERE pending.id = %s)",
            SQL.identifier(alias, 'pending_relance_id'),
        )
        letter = SQL(
            """EXISTS(SELECT 1 FROM account_relance last WHERE last.id = %s AND last.state = 'sent'
                       AND (last.channel_letter OR last.channel_registered_letter))""",
            SQL.identifier(alias, 'last_relance_id'),
        )
        calls = SQL(
            """EXISTS(SELECT 1 FROM mail_activity activity
                       JOIN account_relance relance ON relance.id = activity.res_id
                      WHERE activity.res_model = 'account.relance' AND activity.active
                        AND activity.activity_type_id = %s AND relance.file_id = %s
                        AND activity.date_deadline <= %s)""",
            call.id if call else 0,
            file_id,
            today,
        )
        return SQL(
            """(CASE WHEN %(pending)s = 'to_validate' THEN '1_validate'
                       WHEN %(pending)s = 'failed' THEN '2_failed'
                       WHEN %(state)s = 'open' AND (%(next_date)s <= %(today)s OR %(calls)s OR %(letter)s)
                       THEN '3_today'
                       ELSE '4_later' END)""",
            pending=pending,
            state=SQL.identifier(alias, 'state'),
            next_date=SQL.identifier(alias, 'next_date'),
            today=today,
            calls=calls,
            letter=letter,
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        # The urgency is grouped and sorted in SQL, computed for today (never stored: it changes
        # with the date without any write).
        if field_expr == 'worklist_group':
            return self._worklist_group_sql(alias, query)
        return super()._field_to_sql(alias, field_expr, query)

    def _search_worklist_group(self, operator, value):
        if operator in ('=', '!='):
            operator, value = ('in' if operator == '=' else 'not in'), [value]
        if operator not in ('in', 'not in'):
            return NotImplemented
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM account_relance_file WHERE %s = ANY(%s)",
                self._worklist_group_sql('account_relance_file', None),
                [v for v in value if v],
            )
        )
        domain = Domain('id', 'in', [row[0] for row in rows])
        return domain if operator == 'in' else ~domain

    def _search_call_due_date(self, operator, value):
        call = self._call_activity_type()
        if not call:
            return Domain.FALSE
        activities = self.env['mail.activity'].search(
            [
                ('res_model', '=', 'account.relance'),
                ('activity_type_id', '=', call.id),
                ('date_deadline', operator, value),
            ]
        )
        relances = self.env['account.relance'].browse(activities.mapped('res_id')).exists()
        return Domain('id', 'in', relances.file_id.ids)

    @api.depends('oldest_due_date')
    def _compute_days_overdue(self):
        for file in self:
            today = file.company_id._relance_today()
            file.days_overdue = max((today - file.oldest_due_date).days, 0) if file.oldest_due_date else 0

    @api.depends('company_id.relance_collector_id', 'partner_id.user_id')
    def _compute_user_id(self):
        for file in self:
            file.user_id = file.company_id.relance_collector_id or file.partner_id.user_id

    def _compute_flags(self):
        disputed = {
            (move.commercial_partner_id.id, move.company_id.id)
            for move in self.env['account.move'].search(
                [
                    ('commercial_partner_id', 'in', self.partner_id.ids),
                    ('relance_dispute', '=', True),
                    ('relance_open', '=', True),
                ]
            )
        }
        schedules = self.env['account.relance.schedule'].search(
            [('partner_id', 'in', self.partner_id.ids), ('state', 'in', SCHEDULE_COVERING_STATES)]
        )
        for file in self:
            mine = schedules.filtered(lambda s, f=file: s.partner_id == f.partner_id and s.company_id == f.company_id)
            file.has_dispute = (file.partner_id.id, file.company_id.id) in disputed
            file.has_schedule = bool(mine)
            dates = [line.due_date for line in mine.line_ids if line.amount_remaining > 0]
            file.schedule_next_date = min(dates) if dates else False

    @api.depends_context('lang', 'company')
    def _compute_flags_label(self):
        """The flags that stop or shape the relances of the client, in one short column."""
        _ = self.env._
        procedures = self.env['account.relance.insolvency'].search(
            [('partner_id', 'in', self.partner_id.ids), ('company_id', 'in', self.company_id.ids)]
        )
        under_procedure = {(p.partner_id.id, p.company_id.id) for p in procedures}
        for file in self:
            flags = []
            if (file.partner_id.id, file.company_id.id) in under_procedure:
                flags.append(_("Procédure collective"))
            if file.has_dispute:
                flags.append(_("Dispute"))
            if file.has_schedule:
                flags.append(
                    _("Schedule, next %s", file._short_day(file.schedule_next_date))
                    if file.schedule_next_date
                    else _("Schedule")
                )
            if file.suspended:
                flags.append(_("Suspended"))
            if file.litigation:
                flags.append(_("Litigation"))
            file.flags_label = " · ".join(flags)

    def _compute_relance_count(self):
        counts = dict(self.env['account.relance']._read_group([('file_id', 'in', self.ids)], ['file_id'], ['__count']))
        for file in self:
            file.relance_count = counts.get(file, 0)

    @api.model
    def _open_files(self, company, partner_ids):
        """{partner id: file} of the clients' open files in ``company``."""
        files = self.search(
            [('company_id', '=', company.id), ('state', '=', 'open'), ('partner_id', 'in', list(partner_ids))]
        )
        return {file.partner_id.id: file for file in files}

    @api.model
    def _files_for(self, company, partner_ids, on_date):
        """{partner id: file}: the open file of each client, reopening a file closed on hold
        (the client is chased again after a dispute, a broken schedule or a suspension: the file
        continues where it stood) or opening a new one."""
        files = self._open_files(company, partner_ids)
        missing = [pid for pid in partner_ids if pid not in files]
        if missing:
            held = self.search(
                [('company_id', '=', company.id), ('partner_id', 'in', missing), ('state', '=', 'closed')],
                order='id desc',
            )
            latest = {}
            for file in held:
                latest.setdefault(file.partner_id.id, file)
            reopen = self.browse([file.id for file in latest.values() if file.close_reason == 'hold'])
            reopen.write({'state': 'open', 'close_reason': False, 'closed_on': False})
            files.update({file.partner_id.id: file for file in reopen})
            new = [pid for pid in missing if pid not in files]
            created = self._create_batch(
                company, [{'company_id': company.id, 'partner_id': pid, 'opened_on': on_date} for pid in new]
            )
            files.update({file.partner_id.id: file for file in created})
        return files

    @api.model
    def _create_batch(self, company, vals_list):
        """Open the files of a batch of clients of ``company`` through ``create``, their chatter
        saying so, without mail.thread's work record by record."""
        return create_quietly(self, [{'company_id': company.id, **vals} for vals in vals_list])

    def _close(self, on_date, reason):
        """Close files with nothing overdue any more; a pending relance of theirs is cancelled."""
        if not self:
            return
        pending = self.pending_relance_id
        if pending:
            pending._cancel_with_reason(self.env._("Nothing is overdue any more: the relance file closed."))
        self.write(
            {
                'state': 'closed',
                'closed_on': on_date,
                'close_reason': reason,
                'next_level_id': False,
                'next_date': False,
                'amount_overdue': 0.0,
                'oldest_due_date': False,
            }
        )

    def _search_level_of_partners(self, operator, value):
        """Domain on a partner field (``commercial_partner_id``) matching clients whose open file
        has a level ``operator value``: the level of a client, as everyone sees it."""
        files = self.search([('state', '=', 'open'), ('level_id', operator, value)])
        return Domain('commercial_partner_id', 'in', files.partner_id.ids)

    # ------------------------------------------------------------------ buttons

    def action_view_relances(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('file_id', '=', self.id)]
        action['context'] = {'create': False}
        return action

    def action_open_pending(self):
        self.ensure_one()
        return {
            'type': 'ir.actions.act_window',
            'res_model': 'account.relance',
            'res_id': self.pending_relance_id.id,
            'view_mode': 'form',
        }

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance_overdue_invoices')
        action['domain'] = [('commercial_partner_id', '=', self.partner_id.id), ('company_id', '=', self.company_id.id)]
        return action

    def action_remind_now(self):
        return self.env['account.relance.run']._action_remind_now(partners=self.partner_id)

    # ------------------------------------------------------------------ the daily run

    @api.model
    def _unchanged_since_run(self, company, on_date, items):
        """The clients of ``items`` ({client id: ClientItems}, ``_select_client_items``) that a
        run of ``on_date`` already prepared and
        whose stamp has not changed since (``_client_stamps``): the same
        items with the same residuals, the same credits, no relance, promise, client or setting
        written since. Running them again would do exactly what it did: a same-day rerun, or a
        run resumed after a crash, leaves them alone.

        A client with nothing overdue has no file to carry a stamp (its installments are not
        yet due: a preventive reminder at most): left alone too when it was reminded that day
        and has no relance waiting, since a client reminded that day gets nothing new
        (``_reminded_on``) and nothing is waiting to be brought up to date."""
        stored = dict(
            self.env.execute_query(
                SQL(
                    "SELECT partner_id, run_stamp FROM account_relance_file"
                    " WHERE company_id = %s AND state = 'open' AND run_date = %s AND partner_id = ANY(%s)",
                    company.id,
                    on_date,
                    list(items),
                    to_flush=self._fields['run_stamp'],
                )
            )
        )
        unchanged = set()
        if stored:
            digests = {pid: (items[pid].items_digest, items[pid].credits_digest) for pid in stored}
            current = self._client_stamps(company, on_date, list(stored), digests=digests)
            unchanged = {pid for pid, stamp in current.items() if stamp and stamp == stored[pid]}
        others = [pid for pid in items if pid not in stored]
        reminded = self._reminded_on(company, on_date, others)
        quiet = reminded - self._pending_partner_ids(company, reminded)
        if quiet:
            unchanged |= quiet - {
                pid
                for [pid] in self.env.execute_query(
                    SQL(
                        "SELECT DISTINCT move.commercial_partner_id FROM %s WHERE aml.id = ANY(%s) AND %s < %s",
                        self.env['account.relance.installment']._from_sql(),
                        [line for pid in quiet for line in items[pid].line_ids],
                        self.env['account.relance.installment']._due_sql(),
                        on_date,
                    )
                )
            }
        return unchanged

    @api.model
    def _reminded_on(self, company, on_date, partner_ids):
        """The clients of ``partner_ids`` reminded on ``on_date``, or later (a run as of a past
        date: history cannot be rewritten): the run of that day gives them nothing new."""
        if not partner_ids:
            return set()
        return {
            partner.id
            for [partner] in self.env['account.relance']._read_group(
                [
                    ('company_id', '=', company.id),
                    ('partner_id', 'in', list(partner_ids)),
                    '|',
                    ('date', '=', on_date),
                    '&',
                    ('date', '>', on_date),
                    ('state', '!=', 'cancelled'),
                ],
                ['partner_id'],
            )
        }

    @api.model
    def _pending_partner_ids(self, company, partner_ids):
        """The clients of ``partner_ids`` with a relance waiting for validation or failed."""
        if not partner_ids:
            return set()
        return {
            partner.id
            for [partner] in self.env['account.relance']._read_group(
                [('company_id', '=', company.id), ('partner_id', 'in', list(partner_ids)), ('state', 'in', PENDING)],
                ['partner_id'],
            )
        }

    @api.model
    def _client_stamps(self, company, on_date, partner_ids, line_ids=None, digests=None):
        """{client id: stamp}: a digest of what the run of ``on_date`` reads of each client: the
        installments it lists (ids and residuals), the unreconciled credits, the client's risk
        category (its scenario) and last write, the state of its relances of the day or pending
        and of its promises, the last write of its relances and of the company's levels,
        scenarios and settings. ``line_ids``: what the selection listed for these clients
        (``_from_sql``); ``digests``: {client id: (digest of its items, of its credits)} when
        the selection computed them (``_select_client_items``), not to read the items again."""
        if not partner_ids:
            return {}
        self.env.flush_all()  # journal items, clients, relances and promises are read in SQL below
        Partner = self.env['res.partner'].with_company(company)
        installments = self.env['account.relance.installment']
        if digests is not None:
            pids = [pid for pid in partner_ids if pid in digests]
            parts = SQL(
                "given AS (SELECT * FROM unnest(%s::int[], %s::text[], %s::text[]) AS given(pid, items, credits)),"
                " items AS (SELECT pid, items AS digest FROM given),"
                " credits AS (SELECT pid, credits AS digest FROM given)",
                pids,
                [digests[pid][0] for pid in pids],
                [digests[pid][1] for pid in pids],
            )
        else:
            conditions = installments._selection_sql(company, on_date, partner_ids=partner_ids)
            if conditions is None:
                return {}
            parts = SQL(
                """items AS (SELECT move.commercial_partner_id AS pid, %(digest)s AS digest
                               FROM %(installments)s WHERE %(conditions)s GROUP BY 1),
                   credits AS (SELECT partner.commercial_partner_id AS pid, %(digest)s AS digest
                                 FROM %(credits)s AND partner.commercial_partner_id = ANY(%(partners)s) GROUP BY 1)""",
                digest=installments._items_digest_sql(),
                installments=installments._from_sql(line_ids),
                conditions=conditions,
                credits=installments._credits_sql(company, on_date, line_ids),
                partners=list(partner_ids),
            )
        return dict(
            self.env.execute_query(
                SQL(
                    """
            WITH %(parts)s,
                 settings AS (SELECT concat_ws('|', company.write_date,
                                     (SELECT max(write_date) FROM account_relance_level WHERE company_id = company.id),
                                     (SELECT max(write_date) FROM account_relance_scenario
                                       WHERE company_id = company.id)) AS digest
                                FROM res_company company WHERE company.id = %(company)s)
            SELECT client.id, md5(concat_ws('|', items.digest, credits.digest, client.write_date, settings.digest,
                   %(category)s,  -- company-dependent: the scenario of the client
                   (SELECT max(write_date) FROM account_relance
                     WHERE company_id = %(company)s AND partner_id = client.id),
                   -- The state of the relances the run looks at (of the day, or pending), of the
                   -- promises: a change in the same transaction leaves write_date as it was.
                   (SELECT string_agg(id || ':' || state, ',' ORDER BY id) FROM account_relance
                     WHERE company_id = %(company)s AND partner_id = client.id
                       AND (date >= %(date)s OR state IN ('to_validate', 'failed'))),
                   (SELECT string_agg(id || ':' || state || ':' || write_date, ',' ORDER BY id)
                      FROM account_relance_promise WHERE company_id = %(company)s AND partner_id = client.id)))
              FROM res_partner client CROSS JOIN settings
         LEFT JOIN items ON items.pid = client.id
         LEFT JOIN credits ON credits.pid = client.id
             WHERE client.id = ANY(%(partners)s)
            """,
                    parts=parts,
                    partners=list(partner_ids),
                    company=company.id,
                    date=on_date,
                    category=Partner._fields['relance_risk_category'].to_sql(Partner, 'client'),
                )
            )
        )

    @api.model
    def _stamp_files(self, company, on_date, files, line_ids=None):
        """Write on the files {client id: file} of a batch the stamp of their client as the
        batch leaves them (``_unchanged_since_run``)."""
        if not files:
            return
        stamps = self._client_stamps(company, on_date, list(files), line_ids=line_ids)
        update_rows(
            self.browse([file.id for file in files.values()]),
            [{'run_date': on_date, 'run_stamp': stamps.get(pid)} for pid in files],
        )

    @api.model
    def _last_seen(self, company, partner_ids, on_date):
        """{partner id: date of the last relance the client read} (e-mail, letter or registered
        letter that went out, any file, preventive reminders included): the minimum gap counts
        from it."""
        groups = self.env['account.relance']._read_group(
            [
                ('company_id', '=', company.id),
                ('partner_id', 'in', list(partner_ids)),
                ('state', 'in', ('sent', 'done')),
                ('date', '<=', on_date),
                Domain.OR([Domain(f'channel_{channel}', '=', True) for channel in WRITTEN_CHANNELS]),
            ],
            ['partner_id'],
            ['date:max'],
        )
        return {partner.id: day for partner, day in groups}

    @api.model
    def _file_states(self, company, partner_ids, files, calendar, on_date):
        """{partner id: core.calendar.FileState}: where each client's open file stands, seen from
        the client's scenario, and when the client last saw a relance (any file, preventive too)."""
        seen = self._last_seen(company, partner_ids, on_date)
        states = {}
        for partner_id in partner_ids:
            file = files.get(partner_id)
            if file and file.level_id:
                states[partner_id] = FileState(
                    level_id=calendar.seen_from(partner_id, file.level_id.id),
                    last_date=file.last_relance_date,
                    last_rank=tone_rank(file.tone),
                    written_sent=file.written_sent,
                    last_seen=seen.get(partner_id),
                )
            else:
                states[partner_id] = FileState(last_seen=seen.get(partner_id))
        return states

    @api.model
    def _steps_after(self, company, on_date, rows_by_partner, plans, files, calendar, relances):
        """{partner id: plan of the next step} of the files whose relance went out today."""
        gap_of = {scenario: scenario.min_gap_days for scenario in set(calendar.scenario_of.values())}
        next_steps = {}
        # What comes next, now that today's relances went out (or wait for validation).
        went_out = {relance.partner_id.id for relance in relances if relance.state == 'sent'}
        states = self._file_states(company, list(went_out), files, calendar, on_date)
        for partner_id, plan in plans.items():
            if plan.kind != 'file' or partner_id not in went_out:
                continue
            rows = rows_by_partner[partner_id]
            overdue = min((row['due_date'] for row in rows if row['due_date'] < on_date), default=None)
            step = overdue and escalation_step(
                calendar.levels(partner_id),
                states[partner_id],
                overdue,
                on_date,
                gap_of[calendar.scenario_of[partner_id]],
            )
            next_steps[partner_id] = ClientPlan(
                None, 'file', next_level_id=step and step[0].id, next_date=step and step[1]
            )
        return next_steps

    @api.model
    def _update_files(self, company, on_date, rows_by_partner, files, next_steps):
        """What the worklist shows of each file: amount overdue, oldest due date, next step;
        written in one UPDATE for the files of the batch whose figures changed."""
        digits = company.currency_id
        changes = {}  # file -> values that differ from the stored ones
        for partner_id, file in files.items():
            rows = [row for row in rows_by_partner.get(partner_id, ()) if row['due_date'] < on_date]
            plan = next_steps.get(partner_id)
            values = {
                'amount_overdue': digits.round(sum(row['amount_residual'] for row in rows)),
                'oldest_due_date': min((row['due_date'] for row in rows), default=False),
            }
            if plan is not None:
                values.update(next_level_id=plan.next_level_id or False, next_date=plan.next_date or False)
            changed = {
                key: value
                for key, value in values.items()
                if (file[key].id if key == 'next_level_id' else file[key]) != value
            }
            if changed:
                changes[file] = changed
        if not changes:
            return
        # Each column keeps its value where the file did not change it.
        fnames = ['amount_overdue', 'oldest_due_date', 'next_level_id', 'next_date']
        update_rows(
            self.browse([file.id for file in changes]),
            [
                {
                    fname: changed.get(fname, file[fname].id if fname == 'next_level_id' else file[fname])
                    for fname in fnames
                }
                for file, changed in changes.items()
            ],
        )

    @api.model
    def _refresh_clients(self, records, reopen=False, close=False):
        """``_refresh_next_step`` of the open files of the clients of ``records`` (anything with
        a ``company_id`` and a ``partner_id``: invoices, journal items, schedules), once per
        company.

        ``reopen``: these clients are chased again (a payment schedule broken or withdrawn, a
        dispute resolved, a payment taken back). Those with something overdue to chase get their
        file at once, as the run would give it the same morning (``_files_for``: the file closed
        on hold continues), so that the worklist shows them without waiting for the run.

        ``close``: these clients paid. Their files with nothing overdue left close at once, as the
        run would close them the next morning (``_close_files``, same reasons). Clients without
        an open file cost nothing more than looking for it."""
        for company, of_company in records.grouped('company_id').items():
            partner_ids = of_company.partner_id.commercial_partner_id.ids
            files = self._open_files(company, partner_ids)
            on_date = company._relance_today() if close or reopen else None
            if close and files:
                done = self._close_files(company, on_date, partner_ids=list(files))
                files = {pid: file for pid, file in files.items() if file not in done}
            closed = [pid for pid in partner_ids if pid not in files]
            if reopen and closed:
                chased = self.env['account.relance.installment']._select_partner_ids(
                    company, on_date, partner_ids=closed, force=True, overdue=True
                )
                if chased:
                    files.update(self._files_for(company, chased, on_date))
            self.browse([file.id for file in files.values()])._refresh_next_step()

    @api.model
    def _refresh_after_payment(self, lines, taken_back=False):
        """A payment was reconciled with receivable journal items ``lines``, or ``taken_back``:
        the worklist rows of their clients say at once what is still overdue and what comes
        next. A file with nothing overdue left closes at once; a payment taken back brings its
        client back (a file closed on hold continues, one closed as paid is not reopened: the
        client starts a new file). Only the clients with an open file cost more than one query
        per company on a payment."""
        receivable = lines.filtered(lambda line: line.account_type == 'asset_receivable' and line.partner_id)
        if receivable:
            # sudo: whoever reconciles (an accountant, the payment provider's callback as the
            # public user) need not be a relance user; only what the run would write is written.
            self.sudo()._refresh_clients(receivable.sudo(), reopen=taken_back, close=True)

    def _refresh_next_step(self):
        """Bring the worklist rows of these files up to date at once, after a person acted on
        them (a relance sent, sent by letter instead or cancelled; a promise, a dispute, a
        schedule, a call outcome): their amount overdue and their next step by the rule of the
        daily run (``core.calendar.plan_client`` from where each file stands, the pending relance
        not counting for the gap, as ``account.relance.run._plan_batch`` plans), nothing created
        nor sent. A client whose promise pauses the relances is left as the run leaves it."""
        for company, files in self.filtered(lambda f: f.state == 'open').grouped('company_id').items():
            on_date = company._relance_today()
            partners = files.partner_id
            rows = self.env['account.relance.installment']._select_installments(
                company, on_date, partner_ids=partners.ids
            )
            calendar = self.env['account.relance.scenario']._calendar(company, partners)
            by_partner = {file.partner_id.id: file for file in files}
            states = self._file_states(company, partners.ids, by_partner, calendar, on_date)
            paused = self.env['account.relance.promise']._paused_partner_ids(company, on_date, partners.ids)
            next_steps = {}
            for partner_id, file in by_partner.items():
                if partner_id in paused:
                    continue
                state = replace(states[partner_id], last_seen=None) if file.pending_relance_id else states[partner_id]
                next_steps[partner_id] = plan_client(
                    calendar.levels(partner_id),
                    state,
                    [
                        Installment(id=row['line_id'], due_date=row['due_date'], previewed=row['previewed'])
                        for row in rows.get(partner_id, ())
                    ],
                    on_date,
                    min_gap=calendar.scenario_of[partner_id].min_gap_days,
                )
            self._update_files(company, on_date, rows, by_partner, next_steps)

    @api.model
    def _close_files(self, company, on_date, partner_ids=None, unchanged=()):
        """Close the open files of the clients that have nothing overdue left to chase.

        A client whose overdue invoices are all held (dispute, payment schedule, suspension,
        litigation, exclusion) has its file closed *on hold*: when it is chased again, the file
        continues where it stood. Otherwise nothing is overdue any more: the file is done, and the
        next lateness starts a new one at the first reminder.
        """
        domain = [('company_id', '=', company.id), ('state', '=', 'open')]
        if partner_ids is not None:
            domain.append(('partner_id', 'in', list(partner_ids)))
        # A client left ``unchanged`` by the run (``_batches``) still has the overdue items its
        # file was stamped with: its file stays open, without looking again (nor reading it).
        if unchanged:
            domain.append(('partner_id', 'not in', list(unchanged)))
        open_files = self.search(domain)
        if not open_files:
            return self.browse()
        Installment = self.env['account.relance.installment']
        overdue = set(
            Installment._select_partner_ids(
                company, on_date, partner_ids=open_files.partner_id.ids, force=True, overdue=True
            )
        )
        candidates = open_files.filtered(lambda f: f.partner_id.id not in overdue)
        if not candidates:
            return self.browse()
        # A run as of a past date never closes a file that later relances went on with.
        went_on = {
            file.id
            for [file] in self.env['account.relance']._read_group(
                [('file_id', 'in', candidates.ids), ('date', '>', on_date), ('state', '!=', 'cancelled')], ['file_id']
            )
        }
        to_close = candidates.filtered(lambda f: f.id not in went_on)
        if not to_close:
            return self.browse()
        held = set(
            Installment._select_partner_ids(
                company, on_date, partner_ids=to_close.partner_id.ids, force=True, held=True, overdue=True
            )
        )
        on_hold = to_close.filtered(lambda f: f.partner_id.id in held)
        on_hold._close(on_date, 'hold')
        (to_close - on_hold)._close(on_date, 'paid')
        return to_close
