import logging
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from typing import NamedTuple

import pytz
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, split_every

from ..core.calendar import (
    WRITTEN_CHANNELS,
    ClientPlan,
    FileState,
    Installment,
    days_overdue,
    equivalent_level,
    escalation_step,
    plan_client,
    tone_rank,
)
from ..core.claims import claim
from .batch_sql import update_rows
from .relance import PENDING

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # clients per transaction of the scheduled run


class ScenarioCalendar(NamedTuple):
    """The relance levels of a company as the calendar of each client's scenario sees them."""

    level_by_id: dict  # level id -> level record (archived ones included)
    scenario_of: dict  # commercial partner id -> scenario
    levels_of: dict  # scenario -> its active levels (core.calendar.Level)
    all_levels_of: dict  # scenario -> all its levels, archived ones included
    core_by_id: dict  # level id -> core.calendar.Level

    def levels(self, partner_id):
        return self.levels_of[self.scenario_of[partner_id]]

    def seen_from(self, partner_id, level_id):
        """The level an installment of the client reached, seen from the client's scenario: a
        level of another risk category's scenario (the client changed category) stands for its
        equivalent step, so the invoice continues from there instead of starting over."""
        reached = self.level_by_id.get(level_id)
        scenario = self.scenario_of[partner_id]
        if not reached or reached.scenario_id == scenario:
            return level_id
        equivalent = equivalent_level(
            self.core_by_id[level_id], self.all_levels_of[reached.scenario_id], self.levels_of[scenario]
        )
        return equivalent and equivalent.id


class RelanceBatch(NamedTuple):
    """What the relances of one batch of clients share while their values are built."""

    company: object
    on_date: object
    level_by_id: dict  # level id -> level record
    credits: dict  # partner id -> rows of its credits
    penalties: dict  # move id -> its penalties (``_penalties_of``)
    unchanged: set  # partner ids whose pending relance stays as it is


class AccountRelanceRun(models.AbstractModel):
    """The daily relance: which clients are due for a reminder today, and preparing it.

    Set-based: one query selects the open installments of every candidate client with the
    level each one reached, one query reads their unreconciled credits, and the relances of a
    batch are created in one call. Idempotent: a client has at most one relance a day
    (unique index), and installments already brought to a level are not due again until the
    next one, so running twice, or again after a crash, sends nothing twice.
    """

    _name = 'account.relance.run'
    _description = "Daily relance run"

    @api.model
    def _company_today(self, company):
        # A backfill (the demo's history) works as of a past day: the relances it sends carry it.
        if self.env.context.get('relance_today'):
            return fields.Date.to_date(self.env.context['relance_today'])
        tz = pytz.timezone(company.partner_id.tz or 'Europe/Paris')
        return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()

    # ------------------------------------------------------------------ entry points

    @api.model
    def _cron_daily_relance(self):
        cron = self.env['ir.cron']
        work, unchanged = [], defaultdict(set)
        for company in self.env['res.company'].search([]):
            on_date = self._company_today(company)
            work += [
                (company, on_date, *batch) for batch in self._batches(company, on_date, unchanged=unchanged[company.id])
            ]
        cron._commit_progress(remaining=sum(len(batch) for *_x, batch, _lines in work))
        for company, on_date, partner_ids, line_ids in work:
            self._prepare_isolated(company, on_date, partner_ids, line_ids=line_ids)
            if not cron._commit_progress(len(partner_ids)):
                return
            self.env.invalidate_all()  # memory stays that of one batch, whatever the ledger
        for company in self.env['res.company'].search([]):
            on_date = self._company_today(company)
            try:
                with self.env.cr.savepoint():
                    self._close_files(company, on_date, unchanged=unchanged[company.id])
                    self._follow_up_formal_notices(company, on_date)
                    self._warn_prescriptions(company, on_date)
            except Exception as error:  # noqa: BLE001 - the other companies go on; noted, retried tomorrow
                _logger.warning(
                    "Relance run of %s: closing the files of company %s failed", on_date, company.id, exc_info=True
                )
                self.env['account.relance.run.log']._record(
                    company, on_date, [False], 'failure', self._failure_message(error)
                )

    @api.model
    def _run(self, on_date=None, companies=None, partners=None, moves=None, force=False):
        """Run the relance in the current transaction (wizard, "remind now", tests).

        ``force`` advances the next level of the selected clients or invoices even if it is
        not due yet and sends it at once: the "remind now" action, where an error is shown to
        the person who asked. Otherwise a client that fails is noted in the run log and the
        others go on, as in the scheduled run.
        Returns the relances created or updated (a pending relance brought up to date).
        """
        relances = self.env['account.relance']
        Installment = self.env['account.relance.installment']
        companies = companies or self.env.companies
        for company in companies:
            day = on_date or self._company_today(company)
            targets = (partners.commercial_partner_id if partners else self.env['res.partner']) | (
                moves.commercial_partner_id if moves else self.env['res.partner']
            )
            partner_ids = targets.ids or None
            # The unit is the client: "remind now" on an invoice reminds its client's file.
            rows = (
                Installment._select_installments(company, day, partner_ids=partner_ids, force=True) if force else None
            )
            unchanged = set()
            batches = (
                ((batch, None) for batch in split_every(BATCH_SIZE, list(rows)))
                if force
                else self._batches(company, day, partner_ids=partner_ids, unchanged=unchanged)
            )
            for batch, line_ids in batches:
                if force:
                    relances |= self._prepare_relances(company, day, {pid: rows[pid] for pid in batch}, force=True)
                else:
                    relances |= self._prepare_isolated(company, day, batch, line_ids=line_ids)
                # As the scheduled run does between its transactions: what the batch wrote is in
                # the database, the cache starts afresh, memory does not grow with the ledger.
                self.env.flush_all()
                self.env.invalidate_all()
            self._close_files(company, day, partner_ids=partner_ids or None, unchanged=unchanged)
            if not (partners or moves):
                self._follow_up_formal_notices(company, day)
                self._warn_prescriptions(company, day)
        return relances

    # ------------------------------------------------------------------ responsible

    @api.model
    def _responsible(self, company, *candidates, assigned=None):
        """Who receives an activity of the relances of ``company``: the person ``assigned`` to
        it (the relance's responsible), else the company's collector, else the first of
        ``candidates`` (the salesperson...), else the first relance manager of the company;
        never a technical user (OdooBot, ``__system__``, portal or archived users): a call or a
        deadline must reach a person."""

        def person(user):
            return user and user.active and not user.share and user.id != SUPERUSER_ID and company in user.company_ids

        for user in (assigned, company.relance_collector_id, *candidates):
            if person(user):
                return user
        managers = self.env.ref('account_relance_fr.group_relance_manager').sudo().all_user_ids
        return next((user for user in managers.sorted('id') if person(user)), self.env['res.users'])

    # ------------------------------------------------------------------ isolation

    @api.model
    def _lock_clients(self, company, partner_ids):
        """The clients of ``partner_ids`` this transaction now holds for ``company``, until it
        ends (PostgreSQL advisory locks): a client another run is processing is left to it."""
        if not partner_ids:
            return set()
        return {
            pid
            for [pid] in self.env.execute_query(
                SQL(
                    "SELECT pid FROM unnest(%s::int[]) AS pid"
                    " WHERE pg_try_advisory_xact_lock(hashtext('account_relance_fr:' || %s), pid)",
                    list(partner_ids),
                    company.id,
                )
            )
        }

    @api.model
    def _batches(self, company, on_date, partner_ids=None, unchanged=None):
        """The clients due for the run, in batches: [(client ids, ids of the items the selection
        listed for them)]. ``unchanged``: a set that receives the clients left out because a
        run of the day already prepared them as they are (``_unchanged_since_run``)."""
        items = self.env['account.relance.installment']._select_client_items(company, on_date, partner_ids=partner_ids)
        left_out = self._unchanged_since_run(company, on_date, items)
        for partner_id in left_out:
            del items[partner_id]
        if unchanged is not None:
            unchanged.update(left_out)
        return [
            (batch, [line for pid in batch for line in items[pid].line_ids])
            for batch in split_every(BATCH_SIZE, list(items))
        ]

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
                    to_flush=self.env['account.relance.file']._fields['run_stamp'],
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
            self.env['account.relance.file'].browse([file.id for file in files.values()]),
            [{'run_date': on_date, 'run_stamp': stamps.get(pid)} for pid in files],
        )

    @api.model
    def _prepare_isolated(self, company, on_date, partner_ids, line_ids=None):
        """Prepare (and send) the relances of a batch of clients so that one client cannot stop
        the others: the batch runs in a savepoint; if it fails, each client is run again on its
        own and the one that fails is noted in the run log (the next day's run retries it).
        Clients held by another run at the same moment are left to it, and noted.
        ``line_ids``: the installments of these clients the selection listed
        (``_select_client_items``): only they are read again, and checked."""
        Log = self.env['account.relance.run.log']
        held = self._lock_clients(company, partner_ids)
        busy = [pid for pid in partner_ids if pid not in held]
        if busy:
            Log._record(company, on_date, busy, 'busy', self.env._("Another relance run was processing this client."))
        if not held:
            return self.env['account.relance']
        try:
            with self.env.cr.savepoint():
                rows = self.env['account.relance.installment']._select_installments(
                    company, on_date, partner_ids=sorted(held), line_ids=line_ids
                )
                return self._prepare_relances(company, on_date, rows, line_ids=line_ids)
        except Exception as error:  # noqa: BLE001 - whatever one client breaks, the others go on
            if len(held) == 1:
                _logger.warning("Relance run of %s: client %s failed", on_date, next(iter(held)), exc_info=True)
                Log._record(company, on_date, held, 'failure', self._failure_message(error))
                return self.env['account.relance']
        relances = self.env['account.relance']
        for partner_id in sorted(held):
            relances |= self._prepare_isolated(company, on_date, [partner_id], line_ids=line_ids)
        return relances

    @api.model
    def _failure_message(self, error):
        if isinstance(error, IntegrityError):
            return self.env._("Another relance run reminded this client at the same moment: nothing was doubled.")
        detail = error.args[0] if getattr(error, 'args', None) else repr(error)
        return self.env._(
            "The relance could not be prepared: %(error)s. It is tried again at the next run.", error=str(detail)
        )

    @api.model
    def _action_remind_now(self, partners=None, moves=None):
        """ "Remind now" from the client or invoice lists: create and send the next relance of
        the selection today, even when its date has not come yet."""
        if moves:
            bad = moves.filtered(lambda m: not self.env['account.relance.installment']._is_customer_invoice(m))
            if bad:
                raise UserError(
                    self.env._(
                        "Only posted customer invoices can be reminded: %s", ", ".join(bad.mapped('display_name'))
                    )
                )
        if not self.env.context.get('relance_gap_confirmed'):
            recent = self._reminded_within_gap(partners=partners, moves=moves)
            if recent:
                wizard = self.env['account.relance.remind.wizard'].create(
                    {
                        'partner_ids': [fields.Command.set(partners.ids if partners else [])],
                        'move_ids': [fields.Command.set(moves.ids if moves else [])],
                        'recent_partner_ids': [fields.Command.set(recent.ids)],
                        'message': self.env._(
                            "These clients received a relance less than the minimum gap of their scenario "
                            "ago. Remind them again today anyway?"
                        ),
                    }
                )
                return {
                    'type': 'ir.actions.act_window',
                    'name': self.env._("Remind now"),
                    'res_model': wizard._name,
                    'res_id': wizard.id,
                    'view_mode': 'form',
                    'target': 'new',
                }
        relances = self.env['account.relance']
        targets = moves or partners
        for company in targets.company_id if moves else self.env.companies:
            relances |= self._run(
                companies=company,
                partners=partners,
                moves=moves and moves.filtered(lambda m, c=company: m.company_id == c),
                force=True,
            )
        if not relances:
            raise UserError(
                self.env._(
                    "Nothing to remind: the selection has no open invoice with a next relance level, "
                    "or it is excluded, suspended or covered by credits."
                )
            )
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('id', 'in', relances.ids)]
        action['context'] = {}
        return action

    @api.model
    def _reminded_within_gap(self, partners=None, moves=None):
        """The clients of the selection who saw a relance less than their scenario's minimum gap ago."""
        clients = (partners.commercial_partner_id if partners else self.env['res.partner']) | (
            moves.commercial_partner_id if moves else self.env['res.partner']
        )
        recent = self.env['res.partner']
        for company in moves.company_id if moves else self.env.companies:
            today = self._company_today(company)
            scenario_of = self.env['account.relance.scenario']._for_partners(company, clients)
            for partner_id, day in self._last_seen(company, clients.ids, today).items():
                if (today - day).days < scenario_of[partner_id].min_gap_days:
                    recent |= recent.browse(partner_id)
        return recent

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

    # ------------------------------------------------------------------ selection

    @api.model
    def _select_installments(self, company, on_date, **options):
        """The installments a run selects (``account.relance.installment._select_installments``)."""
        return self.env['account.relance.installment']._select_installments(company, on_date, **options)

    @api.model
    def _penalties_of(self, company, on_date, move_ids):
        """Penalties and indemnity of invoices, in their currency and in the company's:
        {move id: {'penalties', 'indemnity', 'warning', 'penalties_company', 'indemnity_company'}}."""
        moves = self.env['account.move'].browse(sorted(move_ids))
        result = {}
        rates = {}
        for move, amounts in moves._relance_penalties(on_date).items():
            key = move.currency_id
            if key not in rates:
                rates[key] = key._get_conversion_rate(key, company.currency_id, company, on_date)
            result[move.id] = dict(
                amounts,
                penalties_company=company.currency_id.round(amounts['penalties'] * rates[key]),
                indemnity_company=company.currency_id.round(amounts['indemnity'] * rates[key]),
            )
        return result

    @api.model
    def _warn_prescriptions(self, company, on_date, within_days=90):
        """An activity on each open invoice that will be prescribed within 90 days, once."""
        moves = self.env['account.move'].search(
            [
                ('company_id', '=', company.id),
                ('relance_open', '=', True),
                ('relance_prescription_date', '<=', on_date + timedelta(days=within_days)),
                ('relance_prescription_warned', '=', False),
            ]
        )
        for move in moves:
            # mail_activity_quick_update: no "assigned to you" e-mail per activity of the run.
            move.with_context(mail_activity_quick_update=True).activity_schedule(
                'mail.mail_activity_data_warning',
                date_deadline=on_date,
                summary=self.env._("Prescribed on %s: act in court before", move.relance_prescription_date),
                user_id=self._responsible(company, move.invoice_user_id, move.commercial_partner_id.user_id).id,
            )
        moves.write({'relance_prescription_warned': True})
        return moves

    @api.model
    def _follow_up_formal_notices(self, company, on_date):
        """A mise en demeure whose deadline passed unpaid: propose the hand-over to litigation,
        once the oldest invoice it claims is as late as the client's scenario says (60 to 90
        days by default, depending on the risk category)."""
        # with_company: "in litigation" is the client's flag in this company.
        overdue = (
            self.env['account.relance']
            .with_company(company)
            .search(
                [
                    ('company_id', '=', company.id),
                    ('tone', '=', 'formal_notice'),
                    ('state', '=', 'sent'),
                    ('deadline', '<', on_date),
                    ('litigation_proposed', '=', False),
                    ('partner_id.relance_litigation', '=', False),
                ]
            )
        )
        scenario_of = self.env['account.relance.scenario']._for_partners(company, overdue.partner_id)
        settled, unpaid = self.env['account.relance'], self.env['account.relance']
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
                user_id=self._responsible(company, relance.salesperson_id, assigned=relance.user_id).id,
            )
        (settled | unpaid).write({'litigation_proposed': True})
        return unpaid

    # ------------------------------------------------------------------ preparation

    @api.model
    def _scenario_calendar(self, company, partners):
        """What planning the installments of ``partners`` in their own scenario needs, read once:
        the company's levels by id (archived ones too: an installment may have reached one),
        their calendar view, the scenario of each client and the active levels of each scenario."""
        levels = (
            self.env['account.relance.level'].with_context(active_test=False).search([('company_id', '=', company.id)])
        )
        core_by_id = {core.id: core for core in levels._as_core()}
        scenario_of = self.env['account.relance.scenario']._for_partners(company, partners)
        return ScenarioCalendar(
            level_by_id={level.id: level for level in levels},
            scenario_of=scenario_of,
            levels_of={
                scenario: [core_by_id[level.id] for level in levels if level.scenario_id == scenario and level.active]
                for scenario in {*scenario_of.values(), *levels.scenario_id}
            },
            all_levels_of={
                scenario: [core_by_id[level.id] for level in levels if level.scenario_id == scenario]
                for scenario in levels.scenario_id
            },
            core_by_id=core_by_id,
        )

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
    def _prepare_relances(self, company, on_date, rows_by_partner, force=False, target_level=None, line_ids=None):
        """Plan, then create (or update) and send, the relances of one batch of clients.

        Each client has one relance file; a relance waiting for validation is updated rather
        than doubled, a failed one holds the file. ``target_level`` (a mise en demeure, say)
        brings the file straight to that level, as a person decided. ``line_ids``: what the
        selection listed for these clients (their credits are read among them).
        Returns the relances created or updated.
        """
        Relance = self.env['account.relance']
        File = self.env['account.relance.file']
        if not rows_by_partner:
            return Relance
        partner_ids = list(rows_by_partner)
        calendar = self._scenario_calendar(company, self.env['res.partner'].browse(partner_ids))
        # A client with something overdue has an open file (a file closed on hold reopens here).
        files = File._files_for(
            company,
            [pid for pid, rows in rows_by_partner.items() if any(row['due_date'] < on_date for row in rows)],
            on_date,
        )
        states = self._file_states(company, partner_ids, files, calendar, on_date)
        # A client reminded that day gets nothing new.
        already = self._reminded_on(company, on_date, partner_ids)
        pending = {
            relance.partner_id.id: relance
            for relance in Relance.search(
                [('company_id', '=', company.id), ('partner_id', 'in', partner_ids), ('state', 'in', PENDING)],
                order='date, id',
            )
        }
        # A client who promised to pay is not reminded until the promised date plus grace.
        paused = (
            set()
            if force or target_level
            else self.env['account.relance.promise']._paused_partner_ids(company, on_date, partner_ids)
        )
        plans, next_steps = self._plan_batch(
            on_date,
            {pid: rows for pid, rows in rows_by_partner.items() if pid not in paused},
            calendar,
            files,
            states,
            pending,
            already,
            force,
            target_level,
        )

        if not plans:
            self._update_files(company, on_date, rows_by_partner, files, next_steps)
            self._stamp_files(company, on_date, files, line_ids=line_ids)
            return Relance

        built = self._relance_values(
            company,
            on_date,
            {pid: (plan, rows_by_partner[pid]) for pid, plan in plans.items()},
            calendar.level_by_id,
            pending={pid: relance for pid, relance in pending.items() if relance and not force},
            line_ids=line_ids,
        )
        created_vals, updated = self._update_pending(on_date, built, plans, files, pending, already, force)
        created = self._create_relances(company, created_vals)
        self._send_prepared(created, updated, force)
        next_steps.update(
            self._steps_after(company, on_date, rows_by_partner, plans, files, calendar, created | updated)
        )
        self._update_files(company, on_date, rows_by_partner, files, next_steps)
        self._stamp_files(company, on_date, files, line_ids=line_ids)
        return created | updated

    @api.model
    def _plan_batch(self, on_date, rows_by_partner, calendar, files, states, pending, already, force, target_level):
        """What each client of a batch is due today: ({partner id: plan with a level},
        {partner id: plan of the next step}). A failed relance holds its file; a client already
        reminded that day (or later) gets nothing new, unless a pending relance is updated."""
        gap_of = {scenario: scenario.min_gap_days for scenario in set(calendar.scenario_of.values())}
        plans, next_steps = {}, {}
        for partner_id, rows in rows_by_partner.items():
            waiting = pending.get(partner_id)
            if waiting and waiting.state == 'failed':
                if waiting.file_id or partner_id not in files:
                    continue  # a failed relance holds the file until it is resent or cancelled
                # A preventive reminder that failed is superseded once the invoices are overdue.
                waiting._cancel_with_reason(
                    self.env._("Superseded: the invoices are overdue now, the relance file takes over.")
                )
                waiting = pending[partner_id] = None
            installments = [
                Installment(id=row['line_id'], due_date=row['due_date'], previewed=row['previewed']) for row in rows
            ]
            if target_level:
                overdue = tuple(
                    i.id for i in sorted(installments, key=lambda i: (i.due_date, i.id)) if i.due_date < on_date
                )
                plan = ClientPlan(target_level.id, 'file', listed=overdue) if overdue else None
            else:
                state = states[partner_id]
                if waiting:
                    # The pending relance did not reach the client: it does not count for the gap.
                    state = replace(state, last_seen=None)
                plan = plan_client(
                    calendar.levels(partner_id),
                    state,
                    installments,
                    on_date,
                    min_gap=gap_of[calendar.scenario_of[partner_id]],
                    force=force,
                )
                next_steps[partner_id] = plan
            if plan and plan.level_id:
                if force and partner_id in already and not waiting:
                    name = self.env['res.partner'].browse(partner_id).display_name
                    raise UserError(
                        self.env._("Already reminded today, a client receives at most one relance a day: %s", name)
                    )
                if waiting or partner_id not in already:
                    plans[partner_id] = plan

        return plans, next_steps

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
        File = self.env['account.relance.file']
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
            File.browse([file.id for file in changes]),
            [
                {
                    fname: changed.get(fname, file[fname].id if fname == 'next_level_id' else file[fname])
                    for fname in fnames
                }
                for file, changed in changes.items()
            ],
        )

    @api.model
    def _close_files(self, company, on_date, partner_ids=None, unchanged=()):
        """Close the open files of the clients that have nothing overdue left to chase.

        A client whose overdue invoices are all held (dispute, payment schedule, suspension,
        litigation, exclusion) has its file closed *on hold*: when it is chased again, the file
        continues where it stood. Otherwise nothing is overdue any more: the file is done, and the
        next lateness starts a new one at the first reminder.
        """
        File = self.env['account.relance.file']
        domain = [('company_id', '=', company.id), ('state', '=', 'open')]
        if partner_ids is not None:
            domain.append(('partner_id', 'in', list(partner_ids)))
        # A client left ``unchanged`` by the run (``_batches``) still has the overdue items its
        # file was stamped with: its file stays open, without looking again (nor reading it).
        if unchanged:
            domain.append(('partner_id', 'not in', list(unchanged)))
        open_files = File.search(domain)
        if not open_files:
            return File
        Installment = self.env['account.relance.installment']
        overdue = set(
            Installment._select_partner_ids(
                company, on_date, partner_ids=open_files.partner_id.ids, force=True, overdue=True
            )
        )
        candidates = open_files.filtered(lambda f: f.partner_id.id not in overdue)
        if not candidates:
            return File
        # A run as of a past date never closes a file that later relances went on with.
        went_on = {
            file.id
            for [file] in self.env['account.relance']._read_group(
                [('file_id', 'in', candidates.ids), ('date', '>', on_date), ('state', '!=', 'cancelled')], ['file_id']
            )
        }
        to_close = candidates.filtered(lambda f: f.id not in went_on)
        if not to_close:
            return File
        held = set(
            Installment._select_partner_ids(
                company, on_date, partner_ids=to_close.partner_id.ids, force=True, held=True, overdue=True
            )
        )
        on_hold = to_close.filtered(lambda f: f.partner_id.id in held)
        on_hold._close(on_date, 'hold')
        (to_close - on_hold)._close(on_date, 'paid')
        return to_close

    @api.model
    def _recipient_of(self, partner, rows):
        """Who receives the relance: the client's relance contact; else, when the oldest invoice
        listed is made out to a contact of the client with an e-mail of its own (its invoicing
        address), that contact; else the client."""
        if partner.relance_contact_id:
            return partner.relance_contact_id
        for row in rows:
            contact = self.env['res.partner'].browse(row['invoice_partner_id'])
            if contact != partner and contact.email_normalized:
                return contact
        return partner

    @api.model
    def _update_pending(self, on_date, built, plans, files, pending, already, force):
        """Brings the pending relances of the clients up to date with the values ``built``:
        (values of the relances to create, relances updated or to send)."""
        created_vals, updated = [], self.env['account.relance']
        for partner_id, vals in built.items():
            if vals.get('_nothing'):
                continue
            plan = plans[partner_id]
            vals['file_id'] = files[partner_id].id if plan.kind == 'file' and partner_id in files else False
            waiting = pending.get(partner_id)
            if not waiting:
                created_vals.append(vals)
            elif waiting._differs_from(vals):
                if partner_id in already and waiting.date != on_date:
                    vals.pop('date')
                waiting._update_pending(vals)
                updated |= waiting
            elif force:
                updated |= waiting  # "remind now" sends the pending relance
        return created_vals, updated

    @api.model
    def _create_relances(self, company, created_vals):
        """One INSERT for the relances of the batch and one for their lines: no chatter work per
        record (a relance is born waiting, nobody follows it yet); its responsible then follows
        it as mail.thread's create would make them, one insert per person, and without a "you
        have been assigned" e-mail for each of the dozens of relances a collector gets a day."""
        lines_of = [vals.pop('line_ids') for vals in created_vals]
        created = self.env['account.relance']._create_batch(company, created_vals)
        self.env['account.relance.line']._insert_for(created, lines_of)
        created._subscribe_responsibles()
        return created

    @api.model
    def _send_prepared(self, created, updated, force):
        """Sends what goes out without a person: the relances of levels sent automatically, or
        all of them (and the pending ones, validated now) when a person reminds now."""
        to_send = created if force else created.filtered(lambda r: r.level_id.auto_send)
        if force and updated:
            updated.write({'validated_by_id': self.env.uid, 'validated_on': fields.Datetime.now()})
            to_send |= updated
        to_send._send()

    @api.model
    def _relance_values(self, company, on_date, plans, level_by_id, pending=None, line_ids=None):
        """{partner id: values of account.relance}, lines included, for plans
        {partner id: (ClientPlan, rows)}; a key ``_nothing`` marks a client owing nothing
        once its credits are deducted.

        ``pending``: {partner id: relance waiting for validation or failed}. A pending relance
        that lists the same installments at the same level is left as it is (``_differs_from``):
        its penalties are not computed (they are brought up to date when it goes out), except
        for a mise en demeure, which is never prepared with penalties missing. ``line_ids``: what
        the selection listed for these clients (``_select_credits``)."""
        credits = self.env['account.relance.installment']._select_credits(
            company, on_date, list(plans), line_ids=line_ids
        )
        unchanged = self._unchanged_pending(plans, pending or {}, credits, level_by_id)
        batch = RelanceBatch(
            company=company,
            on_date=on_date,
            level_by_id=level_by_id,
            credits=credits,
            penalties=self._penalties_of_plans(company, on_date, plans, unchanged),
            unchanged=unchanged,
        )
        partners = self.env['res.partner'].browse(list(plans))
        # The invoicing contacts the recipient may be (``_recipient_of``), read together.
        self.env['res.partner'].browse(
            {row['invoice_partner_id'] for _plan, rows in plans.values() for row in rows}
        ).fetch(['email_normalized'])
        return {partner.id: self._client_relance_values(batch, partner, *plans[partner.id]) for partner in partners}

    @api.model
    def _lines_planned(self, plan, all_rows, credits):
        """[(row, kind)] of the lines a relance of ``plan`` lists: the installments it claims
        (or previews), those "à échoir" apart, then the credits deducted."""
        rows = {row['line_id']: row for row in all_rows}
        # A preventive reminder lists installments not due yet: "à échoir", never overdue ones.
        kind = 'upcoming' if plan.kind == 'preventive' else 'invoice'
        return (
            [(rows[line_id], kind) for line_id in plan.listed]
            + [(rows[line_id], 'upcoming') for line_id in plan.upcoming if line_id not in plan.listed]
            + [(row, 'credit') for row in credits]
        )

    @api.model
    def _unchanged_pending(self, plans, pending, credits, level_by_id):
        """{partner ids} whose pending relance would list the same installments at the same
        level (a mise en demeure apart): it stays as it is."""
        unchanged = set()
        for partner_id, (plan, all_rows) in plans.items():
            waiting = pending.get(partner_id)
            if not waiting or level_by_id[plan.level_id].tone == 'formal_notice':
                continue
            commands = [
                (
                    0,
                    0,
                    {
                        'move_line_id': row['line_id'],
                        'kind': kind,
                        'amount_residual_currency': row['amount_residual_currency'],
                    },
                )
                for row, kind in self._lines_planned(plan, all_rows, credits[partner_id])
            ]
            if not waiting._differs_from({'level_id': plan.level_id, 'line_ids': commands}):
                unchanged.add(partner_id)
        return unchanged

    @api.model
    def _penalties_of_plans(self, company, on_date, plans, unchanged):
        """``_penalties_of`` the invoices the plans claim; nothing for those of the clients
        whose pending relance stays as it is (what they would be is not needed)."""
        listed_moves = {
            row['move_id']
            for partner_id, (plan, rows) in plans.items()
            if partner_id not in unchanged
            for row in rows
            if row['line_id'] in plan.listed
        }
        penalties = self._penalties_of(company, on_date, listed_moves)
        nothing = {
            'penalties': 0.0,
            'indemnity': 0.0,
            'warning': False,
            'penalties_company': 0.0,
            'indemnity_company': 0.0,
        }
        for partner_id in unchanged:
            penalties.update(
                dict.fromkeys(
                    (row['move_id'] for row in plans[partner_id][1] if row['move_id'] not in penalties), nothing
                )
            )
        return penalties

    @api.model
    def _client_relance_values(self, batch, partner, plan, all_rows):
        """The values of the relance of one client (``{'_nothing': True}`` when its credits
        cover what it owes)."""
        company = batch.company
        rows = {row['line_id']: row for row in all_rows}
        listed = [rows[line_id] for line_id in plan.listed]
        amounts = claim(
            [row['amount_residual'] for row in listed],
            [row['amount_residual'] for row in batch.credits[partner.id]],
            company.currency_id.decimal_places,
        )
        if not amounts.worth_claiming:
            _logger.info("Relance: nothing to claim from partner %s once credits are deducted", partner.id)
            return {'_nothing': True}
        level = batch.level_by_id[plan.level_id]
        salesperson = (
            next((row['invoice_user_id'] for row in listed if row['invoice_user_id']), False) or partner.user_id.id
        )
        penalty, indemnity, warnings = self._penalty_totals(batch.penalties, {row['move_id'] for row in listed}, level)
        return {
            'company_id': company.id,
            'partner_id': partner.id,
            'contact_id': self._recipient_of(partner, listed).id,
            'date': batch.on_date,
            'level_id': level.id,
            'channel_email': level.channel_email,
            'channel_phone': level.channel_phone,
            'channel_letter': level.channel_letter,
            'channel_registered_letter': level.channel_registered_letter,
            'salesperson_id': salesperson,
            # The person in charge (and the signatory of the letters): the collector, else the
            # salesperson; activities fall back on a relance manager (_responsible), never OdooBot.
            'user_id': company.relance_collector_id.id or salesperson or (not self.env.su and self.env.uid),
            'amount_invoiced': amounts.invoiced,
            'amount_credits': amounts.credits,
            'amount_claimed': amounts.net,
            'amount_penalties': penalty,
            'penalty_warning': "\n".join(warnings) or False,
            'amount_indemnities': indemnity,
            'amount_total_due': company.currency_id.round(amounts.net + penalty + indemnity),
            'deadline': level.tone == 'formal_notice'
            and batch.on_date + timedelta(days=company.relance_formal_notice_days),
            'line_ids': self._relance_line_commands(batch, partner.id, plan, all_rows),
        }

    @api.model
    def _penalty_totals(self, penalties, move_ids, level):
        """(penalties, indemnities, warnings) of the invoices ``move_ids`` in the company's
        currency. A mise en demeure states exact amounts: it is never prepared with penalties
        missing."""
        warnings = sorted({penalties[m]['warning'] for m in move_ids if penalties[m]['warning']})
        if warnings and level.tone == 'formal_notice':
            raise UserError("\n".join(warnings))
        return (
            sum(penalties[move_id]['penalties_company'] for move_id in move_ids),
            sum(penalties[move_id]['indemnity_company'] for move_id in move_ids),
            warnings,
        )

    @api.model
    def _relance_line_commands(self, batch, partner_id, plan, all_rows):
        """The commands creating the lines of a client's relance. An invoice's penalties and
        indemnity go on its first installment listed (not on a pending relance that stays)."""
        rows = {row['line_id']: row for row in all_rows}
        first_of_move = {}
        for line_id in plan.listed:
            first_of_move.setdefault(rows[line_id]['move_id'], line_id)
        with_penalties = set() if partner_id in batch.unchanged else set(first_of_move.values())
        commands = []
        for row, kind in self._lines_planned(plan, all_rows, batch.credits[partner_id]):
            values = {'kind': kind}
            if row['line_id'] in with_penalties and kind != 'credit':
                values.update(self.env['account.relance']._penalty_line_values(batch.penalties[row['move_id']]))
            values.update(move_id=row['move_id'], move_line_id=row['line_id'])
            if kind != 'credit':
                values.update(
                    level_id=plan.level_id,
                    escalated=row['line_id'] in plan.listed,
                    days_overdue=days_overdue(row['due_date'], batch.on_date),
                )
            values.update(
                date_maturity=row['due_date'],
                currency_id=row['currency_id'],
                amount_residual_currency=row['amount_residual_currency'],
                amount_residual=row['amount_residual'],
            )
            commands.append(fields.Command.create(values))
        return commands
