from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from .batch_sql import create_quietly
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
    # What the daily run last saw of the client (account.relance.run._client_stamps): a rerun
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
        return self.env['account.relance.run']._company_today(self.company_id[:1] or self.env.company)

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
        Run = self.env['account.relance.run']
        for file in self:
            today = Run._company_today(file.company_id)
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
