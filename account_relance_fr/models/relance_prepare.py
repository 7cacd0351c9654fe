"""The values of a relance, built from what the selection read: one ``_prepare_*`` method per
part (the recipient, the amounts, the lines), for a whole batch of clients at once.

Another module changes what a relance says by extending one of them, the way
``account_move_send`` exposes its ``_prepare_*`` methods: the daily run, "remind now", the
mise en demeure wizard and the bulk send all build their relances here.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..core.calendar import ClientPlan, days_overdue
from ..core.claims import claim
from ..core.penalties import NO_PENALTIES, penalty_totals

_logger = logging.getLogger(__name__)

#: Who and how a relance goes out were decided when it was prepared, or by a person: bringing it
#: up to date before it goes out leaves them as they are.
DECIDED_WHEN_PREPARED = (
    'contact_id',
    'salesperson_id',
    'user_id',
    'channel_email',
    'channel_phone',
    'channel_letter',
    'channel_registered_letter',
    'level_id',
    'company_id',
    'partner_id',
)


@dataclass(frozen=True)
class BatchContext:
    """What one batch of a run is about, decided once: the company, its day (computed once per
    run, so that a run crossing midnight keeps one date), and how the run was asked for."""

    company: object  # res.company
    on_date: date
    force: bool = False  # "remind now": the next level at once, whatever its date
    target_level: object = None  # account.relance.level a person chose (the mise en demeure)


@dataclass(frozen=True)
class BatchReads:
    """What the relances of one batch of clients share while their values are built, read once
    for the batch (``_prepare_batch_reads``)."""

    context: BatchContext
    level_by_id: dict  # level id -> level record
    credits: dict  # partner id -> rows of its unreconciled credits
    penalties: dict  # move id -> its penalties (``account.move._relance_penalties_in``)
    unchanged: frozenset = field(default_factory=frozenset)  # clients whose pending relance stays


class AccountRelance(models.Model):
    _inherit = 'account.relance'  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ bring up to date

    def _bring_up_to_date(self):
        """Recompute the relances as of today (in their company's timezone) before they go out,
        as one batch per company (one selection, one credit read, one penalty computation for
        the batch), with the ``_prepare_*`` methods the run uses. Returns those still worth
        sending; the others are cancelled with the reason."""
        keep = self.browse()
        for company, relances in self.grouped('company_id').items():
            for batch in relances._one_per_client():
                keep |= batch._bring_up_to_date_in(company)
        return keep

    def _one_per_client(self):
        """self in batches that hold one relance per client (values are built per client)."""
        batches, count = defaultdict(list), defaultdict(int)
        for relance in self:
            batches[count[relance.partner_id.id]].append(relance.id)
            count[relance.partner_id.id] += 1
        return [self.browse(ids) for _rank, ids in sorted(batches.items())]

    def _bring_up_to_date_in(self, company):
        """``_bring_up_to_date`` of relances of ``company``, one per client."""
        today = company._relance_today()
        Installment = self.env['account.relance.installment']
        rows_of = Installment._select_installments(company, today, partner_ids=self.partner_id.ids, force=True)
        horizon = today - timedelta(days=Installment._earliest_delay(company) or 0)
        plans, relance_of = {}, {}
        for relance in self:
            rows = rows_of.get(relance.partner_id.id, [])
            plan = relance._plan_as_of(rows, today, horizon)
            if plan is None:
                relance._cancel_with_reason(self.env._("Nothing is owed any more on %s.", today))
                continue
            plans[relance.partner_id.id] = (plan, rows)
            relance_of[relance.partner_id.id] = relance
        built = self._prepare_values_batch(
            BatchContext(company, today), plans, {relance.level_id.id: relance.level_id for relance in self}
        )
        for partner_id in relance_of.keys() - built.keys():
            relance_of[partner_id]._cancel_with_reason(
                self.env._("Nothing is owed any more on %s once credits are deducted.", today)
            )
        current = self.browse([relance.id for partner_id, relance in relance_of.items() if partner_id in built])
        current._check_one_a_day(today)
        current._replace_values([built[relance.partner_id.id] for relance in current])
        return current

    def _plan_as_of(self, rows, today, horizon):
        """The ClientPlan of this relance as of ``today`` from the client's ``rows``: its level,
        the installments still owed (those it previewed for a preventive reminder), and those
        falling due by ``horizon``; None when nothing is owed any more."""
        self.ensure_one()
        if self.file_id or self.tone != 'preventive':
            listed = [row for row in rows if row['due_date'] < today]
            kind = 'file'
        else:
            wanted = set(self.line_ids.move_line_id.ids)
            listed = [row for row in rows if row['line_id'] in wanted and row['due_date'] >= today]
            kind = 'preventive'
        if not listed:
            return None
        upcoming = [row for row in rows if today <= row['due_date'] <= horizon] if kind == 'file' else []
        return ClientPlan(
            self.level_id.id,
            kind,
            listed=tuple(row['line_id'] for row in listed),
            upcoming=tuple(row['line_id'] for row in upcoming),
        )

    def _check_one_a_day(self, today):
        """A client receives at most one relance a day: refuse to send one dated earlier when
        another went out (or was prepared) today."""
        others = self.search(
            [
                ('company_id', 'in', self.company_id.ids),
                ('partner_id', 'in', self.partner_id.ids),
                ('date', '=', today),
                ('id', 'not in', self.ids),
            ]
        )
        for relance in self.filtered(lambda r: r.date != today and r.partner_id in others.partner_id):
            raise UserError(
                self.env._(
                    "%(client)s already received a relance today: send %(relance)s tomorrow.",
                    client=relance.partner_id.display_name,
                    relance=relance.name,
                )
            )

    def _replace_values(self, vals_list):
        """Write on each pending relance of self its values (``_prepare_values``), its lines
        replaced: the old lines deleted and the new ones created for the batch at once."""
        # sudo below: the access to the relances of self is checked here once for the batch
        # (one query per record otherwise); write still runs every override and the tracking.
        self.check_access('write')
        lines_of = [vals.pop('line_ids') for vals in vals_list]
        self.line_ids.unlink()
        for relance, vals in zip(self.sudo(), vals_list):
            relance.write({key: value for key, value in vals.items() if key not in DECIDED_WHEN_PREPARED})
        self.env['account.relance.line']._insert_for(self, lines_of)

    @api.model
    def _prepare_values_batch(self, context, plans, level_by_id, pending=None, line_ids=None):
        """{partner id: values of account.relance}, lines included, for ``plans`` {partner id:
        (core.calendar.ClientPlan, rows of ``_select_installments``)}. A client owing nothing
        once its credits are deducted has no entry.

        ``pending``: {partner id: relance waiting for validation or failed}. A pending relance
        that lists the same installments at the same level is left as it is (``_differs_from``):
        its penalties are not computed (they are brought up to date when it goes out), except
        for a mise en demeure, which is never prepared with penalties missing. ``line_ids``: what
        the selection listed for these clients (``_select_credits``)."""
        reads = self._prepare_batch_reads(context, plans, level_by_id, pending or {}, line_ids)
        partners = self.env['res.partner'].browse(list(plans))
        # The invoicing contacts the recipient may be (``_prepare_recipient``), read together.
        self.env['res.partner'].browse(
            {row['invoice_partner_id'] for _plan, rows in plans.values() for row in rows}
        ).fetch(['email_normalized'])
        built = {}
        for partner in partners:
            vals = self._prepare_values(reads, partner, *plans[partner.id])
            if vals is not None:
                built[partner.id] = vals
        return built

    @api.model
    def _prepare_batch_reads(self, context, plans, level_by_id, pending, line_ids=None):
        """What the clients of ``plans`` share, read once (BatchReads): their credits and the
        penalties of the invoices they are reminded of."""
        credits = self.env['account.relance.installment']._select_credits(
            context.company, context.on_date, list(plans), line_ids=line_ids
        )
        unchanged = self._unchanged_pending(plans, pending, credits, level_by_id)
        return BatchReads(
            context=context,
            level_by_id=level_by_id,
            credits=credits,
            penalties=self._prepare_penalties(context, plans, unchanged),
            unchanged=frozenset(unchanged),
        )

    @api.model
    def _prepare_values(self, reads, partner, plan, all_rows):
        """The values of the relance of one client; None when its credits cover what it owes."""
        company, on_date = reads.context.company, reads.context.on_date
        rows = {row['line_id']: row for row in all_rows}
        listed = [rows[line_id] for line_id in plan.listed]
        amounts = claim(
            [row['amount_residual'] for row in listed],
            [row['amount_residual'] for row in reads.credits[partner.id]],
            company.currency_id.decimal_places,
        )
        if not amounts.worth_claiming:
            _logger.info("Relance: nothing to claim from partner %s once credits are deducted", partner.id)
            return None
        level = reads.level_by_id[plan.level_id]
        salesperson = (
            next((row['invoice_user_id'] for row in listed if row['invoice_user_id']), False) or partner.user_id.id
        )
        penalty, indemnity, warnings = penalty_totals(reads.penalties, {row['move_id'] for row in listed})
        if warnings and level.tone == 'formal_notice':
            # A mise en demeure states exact amounts: never prepared with penalties missing.
            raise UserError("\n".join(warnings))
        return {
            'company_id': company.id,
            'partner_id': partner.id,
            'contact_id': self._prepare_recipient(partner, listed).id,
            'date': on_date,
            'level_id': level.id,
            'channel_email': level.channel_email,
            'channel_phone': level.channel_phone,
            'channel_letter': level.channel_letter,
            'channel_registered_letter': level.channel_registered_letter,
            'salesperson_id': salesperson,
            # The person in charge (and the signatory of the letters): the collector, else the
            # salesperson; activities fall back on a relance manager (_relance_responsible).
            'user_id': company.relance_collector_id.id or salesperson or (not self.env.su and self.env.uid),
            'amount_invoiced': amounts.invoiced,
            'amount_credits': amounts.credits,
            'amount_claimed': amounts.net,
            'amount_penalties': penalty,
            'penalty_warning': "\n".join(warnings) or False,
            'amount_indemnities': indemnity,
            'amount_total_due': company.currency_id.round(amounts.net + penalty + indemnity),
            'deadline': level.tone == 'formal_notice' and on_date + timedelta(days=company.relance_formal_notice_days),
            'line_ids': self._prepare_line_commands(reads, partner.id, plan, all_rows),
        }

    @api.model
    def _prepare_recipient(self, partner, rows):
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
    def _prepare_lines_planned(self, plan, all_rows, credits):
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
    def _prepare_line_commands(self, reads, partner_id, plan, all_rows):
        """The commands creating the lines of a client's relance. An invoice's penalties and
        indemnity go on its first installment listed (not on a pending relance that stays)."""
        rows = {row['line_id']: row for row in all_rows}
        first_of_move = {}
        for line_id in plan.listed:
            first_of_move.setdefault(rows[line_id]['move_id'], line_id)
        with_penalties = set() if partner_id in reads.unchanged else set(first_of_move.values())
        commands = []
        for row, kind in self._prepare_lines_planned(plan, all_rows, reads.credits[partner_id]):
            values = {'kind': kind}
            if row['line_id'] in with_penalties and kind != 'credit':
                values.update(self._penalty_line_values(reads.penalties[row['move_id']]))
            values.update(move_id=row['move_id'], move_line_id=row['line_id'])
            if kind != 'credit':
                values.update(
                    level_id=plan.level_id,
                    escalated=row['line_id'] in plan.listed,
                    days_overdue=days_overdue(row['due_date'], reads.context.on_date),
                )
            values.update(
                date_maturity=row['due_date'],
                currency_id=row['currency_id'],
                amount_residual_currency=row['amount_residual_currency'],
                amount_residual=row['amount_residual'],
            )
            commands.append(fields.Command.create(values))
        return commands

    @api.model
    def _prepare_penalties(self, context, plans, unchanged):
        """{move id: penalties} of the invoices the plans claim; nothing computed for those of
        the clients whose pending relance stays as it is (what they would be is not needed)."""
        listed_moves = {
            row['move_id']
            for partner_id, (plan, rows) in plans.items()
            if partner_id not in unchanged
            for row in rows
            if row['line_id'] in plan.listed
        }
        moves = self.env['account.move'].browse(listed_moves)
        penalties = moves._relance_penalties_in(context.company, context.on_date)
        for partner_id in unchanged:
            for row in plans[partner_id][1]:
                penalties.setdefault(row['move_id'], dict(NO_PENALTIES))
        return penalties

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
                fields.Command.create(
                    {
                        'move_line_id': row['line_id'],
                        'kind': kind,
                        'amount_residual_currency': row['amount_residual_currency'],
                    }
                )
                for row, kind in self._prepare_lines_planned(plan, all_rows, credits[partner_id])
            ]
            if not waiting._differs_from({'level_id': plan.level_id, 'line_ids': commands}):
                unchanged.add(partner_id)
        return unchanged
