"""The daily relance run: it orchestrates, the models it calls do the work (from the cron to
the e-mail queued: docs/how-it-works.md). Selection: ``account.relance.installment``; plan:
``core.calendar``; values: ``account.relance._prepare_*``; files, stamps and closing:
``account.relance.file``; sending: ``account.relance._send``."""

import logging
from dataclasses import replace
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..core.calendar import ClientPlan, Installment, plan_client
from .relance import PENDING
from .relance_prepare import BatchContext

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # clients per transaction of the scheduled run


class DueClients(NamedTuple):
    """The clients a run is due to prepare, and those a run of the day left as they are."""

    items: dict  # client id -> ClientItems (account.relance.installment._select_client_items)
    unchanged: frozenset  # client ids: a run of the day already prepared them as they are


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

    # ------------------------------------------------------------------ entry points

    @api.model
    def _cron_daily_relance(self):
        cron = self.env['ir.cron']
        # Each company's day is taken once: a run that crosses midnight keeps it to the end.
        days = {company: company._relance_today() for company in self.env['res.company'].search([])}
        work, unchanged = [], {}
        for company, on_date in days.items():
            due = self._due_clients(company, on_date)
            unchanged[company] = due.unchanged
            work += [(company, on_date, *batch) for batch in self._split(due.items)]
        cron._commit_progress(remaining=sum(len(batch) for *_x, batch, _lines in work))
        for company, on_date, partner_ids, line_ids in work:
            self._in_company_lang(company)._prepare_isolated(company, on_date, partner_ids, line_ids=line_ids)
            if not cron._commit_progress(len(partner_ids)):
                return
            self.env.invalidate_all()  # memory stays that of one batch, whatever the ledger
        for company, on_date in days.items():
            try:
                with self.env.cr.savepoint():
                    self._in_company_lang(company)._finish_day(company, on_date, unchanged=unchanged[company])
            except Exception as error:  # noqa: BLE001 - the other companies go on; noted, retried tomorrow
                _logger.warning(
                    "Relance run of %s: closing the files of company %s failed", on_date, company.id, exc_info=True
                )
                Log = self.env['account.relance.run.log']
                Log._record(company, on_date, [False], 'failure', Log._failure_message(error))

    @api.model
    def _in_company_lang(self, company):
        """The scheduled run writes what the collectors read (chatter notes, activities) in
        the company's language, not in that of the technical user running the cron: a French
        company's chatter reads "Relance préparée" whoever the cron runs as. The letters and
        e-mails keep their recipient's language (their templates say so)."""
        lang = company.partner_id.lang
        return self.with_context(lang=lang) if lang and lang != self.env.lang else self

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
        targets = (partners.commercial_partner_id if partners else self.env['res.partner']) | (
            moves.commercial_partner_id if moves else self.env['res.partner']
        )
        # The unit is the client: "remind now" on an invoice reminds its client's file.
        partner_ids = targets.ids or None
        for company in companies or self.env.companies:
            day = on_date or company.with_env(self.env)._relance_today()
            if force:
                rows = self.env['account.relance.installment']._select_installments(
                    company, day, partner_ids=partner_ids, force=True
                )
                batches, unchanged = [(batch, None) for batch in split_every(BATCH_SIZE, list(rows))], set()
            else:
                due = self._due_clients(company, day, partner_ids=partner_ids)
                batches, unchanged = self._split(due.items), due.unchanged
            for batch, line_ids in batches:
                if force:
                    relances |= self._prepare_relances(company, day, {pid: rows[pid] for pid in batch}, force=True)
                else:
                    relances |= self._prepare_isolated(company, day, batch, line_ids=line_ids)
                # As the scheduled run does between its transactions: what the batch wrote is in
                # the database, the cache starts afresh, memory does not grow with the ledger.
                self.env.flush_all()
                self.env.invalidate_all()
            if partners or moves:
                self.env['account.relance.file']._close_files(company, day, partner_ids, unchanged=unchanged)
            else:
                self._finish_day(company, day, unchanged=unchanged)
        return relances

    @api.model
    def _finish_day(self, company, on_date, unchanged=()):
        """After the batches of a company: close the files with nothing overdue left, propose
        the litigation of the unanswered mises en demeure, warn of the coming prescriptions."""
        self.env['account.relance.file']._close_files(company, on_date, unchanged=unchanged)
        self.env['account.relance']._follow_up_formal_notices(company, on_date)
        self.env['account.move']._relance_warn_prescriptions(company, on_date)

    # ------------------------------------------------------------------ batches and isolation

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
    def _due_clients(self, company, on_date, partner_ids=None):
        """The clients due for the run of ``on_date``: DueClients({client id: ClientItems},
        the clients left out because a run of the day already prepared them as they are)."""
        items = self.env['account.relance.installment']._select_client_items(company, on_date, partner_ids=partner_ids)
        unchanged = self.env['account.relance.file']._unchanged_since_run(company, on_date, items)
        return DueClients({pid: item for pid, item in items.items() if pid not in unchanged}, frozenset(unchanged))

    @api.model
    def _split(self, items):
        """[(client ids, ids of the items the selection listed for them)], BATCH_SIZE clients each."""
        return [
            (batch, [line for pid in batch for line in items[pid].line_ids])
            for batch in split_every(BATCH_SIZE, list(items))
        ]

    @api.model
    def _batches(self, company, on_date, partner_ids=None):
        """The batches of the clients due for the run of ``on_date`` (``_due_clients``)."""
        return self._split(self._due_clients(company, on_date, partner_ids=partner_ids).items)

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
                Log._record(company, on_date, held, 'failure', Log._failure_message(error))
                return self.env['account.relance']
        relances = self.env['account.relance']
        for partner_id in sorted(held):
            relances |= self._prepare_isolated(company, on_date, [partner_id], line_ids=line_ids)
        return relances

    # ------------------------------------------------------------------ "remind now"

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
            confirm = self.env['account.relance.remind.wizard']._confirm_if_recent(partners=partners, moves=moves)
            if confirm:
                return confirm
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

    # ------------------------------------------------------------------ one batch

    @api.model
    def _prepare_relances(self, company, on_date, rows_by_partner, force=False, target_level=None, line_ids=None):
        """Plan, then create (or update) and send, the relances of one batch of clients.

        Each client has one relance file; a relance waiting for validation is updated rather
        than doubled, a failed one holds the file. ``target_level`` (a mise en demeure, say)
        brings the file straight to that level, as a person decided. ``line_ids``: what the
        selection listed for these clients (their credits are read among them).
        Returns the relances created or updated.
        """
        if not rows_by_partner:
            return self.env['account.relance']
        context = BatchContext(company, on_date, force=force, target_level=target_level)
        File = self.env['account.relance.file']
        partner_ids = list(rows_by_partner)
        calendar = self.env['account.relance.scenario']._calendar(company, self.env['res.partner'].browse(partner_ids))
        # A client with something overdue has an open file (a file closed on hold reopens here).
        files = File._files_for(
            company,
            [pid for pid, rows in rows_by_partner.items() if any(row['due_date'] < on_date for row in rows)],
            on_date,
        )
        pending = {
            relance.partner_id.id: relance
            for relance in self.env['account.relance'].search(
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
        # A client reminded that day gets nothing new.
        already = File._reminded_on(company, on_date, partner_ids)
        plans, next_steps = self._plan_batch(
            context,
            {pid: rows for pid, rows in rows_by_partner.items() if pid not in paused},
            calendar,
            files,
            pending,
            already,
        )
        relances = self.env['account.relance']
        if plans:
            built = self.env['account.relance']._prepare_values_batch(
                context,
                {pid: (plan, rows_by_partner[pid]) for pid, plan in plans.items()},
                calendar.level_by_id,
                pending={pid: relance for pid, relance in pending.items() if relance and not force},
                line_ids=line_ids,
            )
            created, updated = self._create_or_update(context, built, plans, files, pending, already)
            self._send_prepared(context, created, updated)
            relances = created | updated
            next_steps.update(File._steps_after(company, on_date, rows_by_partner, plans, files, calendar, relances))
        File._update_files(company, on_date, rows_by_partner, files, next_steps)
        File._stamp_files(company, on_date, files, line_ids=line_ids)
        return relances

    @api.model
    def _plan_batch(self, context, rows_by_partner, calendar, files, pending, already):
        """What each client of a batch is due today: ({partner id: plan with a level},
        {partner id: plan of the next step}). A failed relance holds its file; a client already
        reminded that day (or later) gets nothing new, unless a pending relance is updated.
        ``pending`` loses the failed preventive reminders superseded here."""
        on_date, force, target_level = context.on_date, context.force, context.target_level
        states = self.env['account.relance.file']._file_states(
            context.company, list(rows_by_partner), files, calendar, on_date
        )
        gap_of = {scenario: scenario.min_gap_days for scenario in set(calendar.scenario_of.values())}
        plans, next_steps = {}, {}
        for partner_id, rows in rows_by_partner.items():
            if self._held_by_failure(pending, partner_id, files):
                continue
            waiting = pending.get(partner_id)
            installments = [
                Installment(id=row['line_id'], due_date=row['due_date'], previewed=row['previewed']) for row in rows
            ]
            if target_level:
                overdue = tuple(
                    i.id for i in sorted(installments, key=lambda i: (i.due_date, i.id)) if i.due_date < on_date
                )
                plan = ClientPlan(target_level.id, 'file', listed=overdue) if overdue else None
            else:
                # A pending relance did not reach the client: it does not count for the gap.
                state = replace(states[partner_id], last_seen=None) if waiting else states[partner_id]
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
    def _held_by_failure(self, pending, partner_id, files):
        """Whether a failed relance of the client holds its file until it is resent or cancelled.
        A preventive reminder that failed is superseded once the invoices are overdue: cancelled,
        and no longer in ``pending``."""
        waiting = pending.get(partner_id)
        if not waiting or waiting.state != 'failed':
            return False
        if waiting.file_id or partner_id not in files:
            return True
        waiting._cancel_with_reason(
            self.env._("Superseded: the invoices are overdue now, the relance file takes over.")
        )
        pending[partner_id] = None
        return False

    @api.model
    def _create_or_update(self, context, built, plans, files, pending, already):
        """Create the relances ``built`` {partner id: values} of the clients with no pending
        relance, bring the pending ones up to date: (relances created, relances updated or to
        send)."""
        created_vals, updated = [], self.env['account.relance']
        for partner_id, vals in built.items():
            plan = plans[partner_id]
            vals['file_id'] = files[partner_id].id if plan.kind == 'file' and partner_id in files else False
            waiting = pending.get(partner_id)
            if not waiting:
                created_vals.append(vals)
            elif waiting._differs_from(vals):
                if partner_id in already and waiting.date != context.on_date:
                    vals.pop('date')
                waiting._update_pending(vals)
                updated |= waiting
            elif context.force:
                updated |= waiting  # "remind now" sends the pending relance
        return self.env['account.relance']._create_batch(context.company, created_vals), updated

    @api.model
    def _send_prepared(self, context, created, updated):
        """Sends what goes out without a person: the relances of levels sent automatically, or
        all of them (and the pending ones, validated now) when a person reminds now."""
        to_send = created if context.force else created.filtered(lambda r: r.level_id.auto_send)
        if context.force and updated:
            updated.write({'validated_by_id': self.env.uid, 'validated_on': fields.Datetime.now()})
            to_send |= updated
        to_send._send()

    # ------------------------------------------------------------------ former names

    @api.model
    def _company_today(self, company):
        """Today for ``company`` (``res.company._relance_today``)."""
        return company.with_env(self.env)._relance_today()

    @api.model
    def _select_installments(self, company, on_date, **options):
        """The installments a run selects (``account.relance.installment._select_installments``)."""
        return self.env['account.relance.installment']._select_installments(company, on_date, **options)

    @api.model
    def _close_files(self, company, on_date, partner_ids=None, unchanged=()):
        """Close the files with nothing overdue left (``account.relance.file._close_files``)."""
        return self.env['account.relance.file']._close_files(company, on_date, partner_ids, unchanged=unchanged)

    @api.model
    def _warn_prescriptions(self, company, on_date, within_days=90):
        """Warn of the coming prescriptions (``account.move._relance_warn_prescriptions``)."""
        return self.env['account.move']._relance_warn_prescriptions(company, on_date, within_days=within_days)
