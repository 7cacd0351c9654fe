import logging
from collections import defaultdict
from datetime import timedelta
from typing import NamedTuple

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from ..core.calendar import Installment, PartnerPlan, days_overdue, equivalent_level, plan_partner
from ..core.claims import claim

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # clients per transaction of the scheduled run


class ScenarioCalendar(NamedTuple):
    """The relance levels of a company as the calendar of each client's scenario sees them."""
    level_by_id: dict       # level id -> level record (archived ones included)
    scenario_of: dict       # commercial partner id -> scenario
    levels_of: dict         # scenario -> its active levels (core.calendar.Level)
    all_levels_of: dict     # scenario -> all its levels, archived ones included
    core_by_id: dict        # level id -> core.calendar.Level

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
            self.core_by_id[level_id], self.all_levels_of[reached.scenario_id], self.levels_of[scenario])
        return equivalent and equivalent.id


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
        tz = pytz.timezone(company.partner_id.tz or 'Europe/Paris')
        return pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()

    # ------------------------------------------------------------------ entry points

    @api.model
    def _cron_daily_relance(self):
        cron = self.env['ir.cron']
        work = []
        for company in self.env['res.company'].search([]):
            on_date = self._company_today(company)
            by_partner = self._select_installments(company, on_date)
            work += [(company, on_date, batch) for batch in split_every(BATCH_SIZE, list(by_partner))]
        cron._commit_progress(remaining=sum(len(batch) for *_x, batch in work))
        for company, on_date, partner_ids in work:
            rows = self._select_installments(company, on_date, partner_ids=partner_ids)
            self._prepare_relances(company, on_date, rows)
            if not cron._commit_progress(len(partner_ids)):
                return
        for company in self.env['res.company'].search([]):
            self._follow_up_formal_notices(company, self._company_today(company))
            self._warn_prescriptions(company, self._company_today(company))

    @api.model
    def _run(self, on_date=None, companies=None, partners=None, moves=None, force=False):
        """Run the relance in the current transaction (wizard, "remind now", tests).

        ``force`` advances the next level of the selected clients or invoices even if it is
        not due yet and sends it at once: the "remind now" action.
        Returns the relances created.
        """
        relances = self.env['account.relance']
        companies = companies or self.env.companies
        for company in companies:
            day = on_date or self._company_today(company)
            rows = self._select_installments(
                company, day, partner_ids=partners and partners.commercial_partner_id.ids,
                move_ids=moves and moves.ids, force=force)
            relances |= self._prepare_relances(company, day, rows, force=force)
            if not (partners or moves):
                self._follow_up_formal_notices(company, day)
                self._warn_prescriptions(company, day)
        return relances

    @api.model
    def _action_remind_now(self, partners=None, moves=None):
        """"Remind now" from the client or invoice lists: create and send the next relance of
        the selection today, even when its date has not come yet."""
        if moves:
            bad = moves.filtered(lambda m: m.move_type not in ('out_invoice', 'out_receipt') or m.state != 'posted')
            if bad:
                raise UserError(self.env._(
                    "Only posted customer invoices can be reminded: %s", ", ".join(bad.mapped('display_name'))))
        relances = self.env['account.relance']
        targets = moves or partners
        for company in targets.company_id if moves else self.env.companies:
            relances |= self._run(companies=company, partners=partners,
                                  moves=moves and moves.filtered(lambda m: m.company_id == company), force=True)
        if not relances:
            raise UserError(self.env._(
                "Nothing to remind: the selection has no open invoice with a next relance level, "
                "or it is excluded, suspended or covered by credits."))
        action = self.env['ir.actions.act_window']._for_xml_id('account_relance_fr.action_relance')
        action['domain'] = [('id', 'in', relances.ids)]
        action['context'] = {}
        return action

    # ------------------------------------------------------------------ selection

    @api.model
    def _select_installments(self, company, on_date, partner_ids=None, move_ids=None, force=False):
        """Open receivable installments of customer invoices that may be due for a reminder,
        grouped by client: {partner id: [row, ...]}.

        A row says the installment, its due date (the invoice date when it has none), its
        residual amounts and the level it reached so far (from the relances not cancelled).
        """
        levels = self.env['account.relance.level'].search([('company_id', '=', company.id)])
        if not levels:
            return {}
        earliest = min(levels.mapped('delay'))  # over the scenarios of every category
        conditions = [
            SQL("aml.company_id = %s", company.id),
            SQL("move.state = 'posted'"),
            SQL("move.move_type IN ('out_invoice', 'out_receipt')"),
            SQL("aml.display_type = 'payment_term'"),
            SQL("account.account_type = 'asset_receivable'"),
            SQL("NOT aml.reconciled"),
            SQL("(aml.amount_residual > 0 OR aml.amount_residual_currency > 0)"),
            SQL("NOT COALESCE(move.relance_excluded, FALSE)"),
            SQL("NOT COALESCE(move.relance_dispute, FALSE)"),
            # Invoices of a payment schedule agreed or kept are paid by installments, not reminded.
            SQL("NOT EXISTS (SELECT 1 FROM account_relance_schedule_move_rel covered"
                " JOIN account_relance_schedule schedule ON schedule.id = covered.schedule_id"
                " WHERE covered.move_id = move.id AND schedule.state IN ('agreed', 'kept'))"),
            SQL("move.payment_state != 'blocked'"),
            SQL("NOT COALESCE(aml.no_followup, FALSE)"),
            SQL("NOT COALESCE(partner.relance_suspended, FALSE)"),
            SQL("NOT COALESCE(partner.relance_litigation, FALSE)"),
            # Running as of a past date must not remind an invoice issued after it.
            SQL("COALESCE(move.invoice_date, move.date) <= %s", on_date),
        ]
        if not force:
            # Only installments that some level may concern today (the earliest level is the
            # preventive one: its delay is negative).
            conditions.append(SQL(
                "COALESCE(aml.date_maturity, move.invoice_date, move.date) <= %s::date - %s",
                on_date, earliest))
        if partner_ids:
            conditions.append(SQL("move.commercial_partner_id = ANY(%s)", list(partner_ids)))
        if move_ids:
            conditions.append(SQL("move.id = ANY(%s)", list(move_ids)))
        self.env.flush_all()  # invoices, partners and relances are read in SQL below
        rows = self.env.execute_query_dict(SQL(
            """
            SELECT aml.id AS line_id, aml.move_id, move.commercial_partner_id AS partner_id,
                   COALESCE(aml.date_maturity, move.invoice_date, move.date) AS due_date,
                   aml.amount_residual, aml.amount_residual_currency, aml.currency_id,
                   move.invoice_user_id, reached.level_id, reached.date AS last_date
              FROM account_move_line aml
              JOIN account_move move ON move.id = aml.move_id
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = move.commercial_partner_id
              LEFT JOIN LATERAL (
                    SELECT line.level_id, relance.date
                      FROM account_relance_line line
                      JOIN account_relance relance ON relance.id = line.relance_id
                     WHERE line.move_line_id = aml.id
                       AND line.escalated
                       AND relance.state != 'cancelled'
                  ORDER BY relance.date DESC, line.id DESC
                     LIMIT 1
              ) reached ON TRUE
             WHERE %s
          ORDER BY move.commercial_partner_id, due_date, aml.id
            """,
            SQL(" AND ").join(conditions),
        ))
        by_partner = defaultdict(list)
        for row in rows:
            by_partner[row['partner_id']].append(row)
        return dict(by_partner)

    @api.model
    def _select_credits(self, company, on_date, partner_ids):
        """Unreconciled credit notes and payments of the clients: {partner id: [row, ...]}."""
        if not partner_ids:
            return {}
        rows = self.env.execute_query_dict(SQL(
            """
            SELECT aml.id AS line_id, aml.move_id, partner.commercial_partner_id AS partner_id,
                   COALESCE(aml.date_maturity, aml.date) AS due_date,
                   aml.amount_residual, aml.amount_residual_currency, aml.currency_id
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE aml.company_id = %s
               AND aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND NOT aml.reconciled
               AND aml.amount_residual < 0
               AND aml.date <= %s
               AND partner.commercial_partner_id = ANY(%s)
          ORDER BY aml.date, aml.id
            """,
            company.id, on_date, list(partner_ids),
        ))
        by_partner = defaultdict(list)
        for row in rows:
            by_partner[row['partner_id']].append(row)
        return by_partner

    @api.model
    def _penalties_of(self, company, on_date, rows_by_partner, plans):
        """Penalties and indemnity of every invoice a batch lists, in its currency and in the
        company's: {move id: {'penalties', 'indemnity', 'penalties_company', 'indemnity_company'}}."""
        move_ids = {row['move_id'] for partner_id in plans for row in rows_by_partner[partner_id]}
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
        moves = self.env['account.move'].search([
            ('company_id', '=', company.id), ('state', '=', 'posted'),
            ('move_type', 'in', ('out_invoice', 'out_receipt')),
            ('payment_state', 'in', ('not_paid', 'partial')),
            ('relance_prescription_date', '<=', on_date + timedelta(days=within_days)),
            ('relance_prescription_warned', '=', False)])
        for move in moves:
            move.activity_schedule(
                'mail.mail_activity_data_warning', date_deadline=on_date,
                summary=self.env._("Prescribed on %s: act in court before", move.relance_prescription_date),
                user_id=(company.relance_collector_id or move.invoice_user_id or self.env.user).id)
        moves.write({'relance_prescription_warned': True})
        return moves

    @api.model
    def _follow_up_formal_notices(self, company, on_date):
        """A mise en demeure whose deadline passed unpaid: propose the hand-over to litigation,
        once the oldest invoice it claims is as late as the client's scenario says (60 to 90
        days by default, depending on the risk category)."""
        overdue = self.env['account.relance'].search([
            ('company_id', '=', company.id), ('tone', '=', 'formal_notice'), ('state', '=', 'sent'),
            ('deadline', '<', on_date), ('litigation_proposed', '=', False),
            ('partner_id.relance_litigation', '=', False)])
        scenario_of = self.env['account.relance.scenario']._for_partners(company, overdue.partner_id)
        settled, unpaid = self.env['account.relance'], self.env['account.relance']
        for relance in overdue:
            dues = [line.date_maturity for line in relance.invoice_line_ids if not line.move_line_id.reconciled]
            if not dues:
                settled |= relance
            elif min(dues) + timedelta(days=scenario_of[relance.partner_id.id].litigation_delay) <= on_date:
                unpaid |= relance
        for relance in unpaid:
            relance.activity_schedule(
                'mail.mail_activity_data_todo', date_deadline=on_date,
                summary=self.env._("Mise en demeure unanswered: hand over to litigation?"),
                user_id=(relance.user_id or self.env.user).id)
        (settled | unpaid).write({'litigation_proposed': True})
        return unpaid

    # ------------------------------------------------------------------ preparation

    @api.model
    def _scenario_calendar(self, company, partners):
        """What planning the installments of ``partners`` in their own scenario needs, read once:
        the company's levels by id (archived ones too: an installment may have reached one),
        their calendar view, the scenario of each client and the active levels of each scenario."""
        levels = self.env['account.relance.level'].with_context(active_test=False).search(
            [('company_id', '=', company.id)])
        core_by_id = {core.id: core for core in levels._as_core()}
        scenario_of = self.env['account.relance.scenario']._for_partners(company, partners)
        return ScenarioCalendar(
            level_by_id={level.id: level for level in levels},
            scenario_of=scenario_of,
            levels_of={scenario: [core_by_id[level.id] for level in levels
                                  if level.scenario_id == scenario and level.active]
                       for scenario in {*scenario_of.values(), *levels.scenario_id}},
            all_levels_of={scenario: [core_by_id[level.id] for level in levels if level.scenario_id == scenario]
                           for scenario in levels.scenario_id},
            core_by_id=core_by_id,
        )

    @api.model
    def _prepare_relances(self, company, on_date, rows_by_partner, force=False, target_level=None):
        """Create (and send, when their level says so) the relances of one batch of clients.

        ``target_level`` (a mise en demeure, say) brings every overdue installment listed straight to
        that level instead of following the calendar.
        """
        Relance = self.env['account.relance']
        if not rows_by_partner:
            return Relance
        calendar = self._scenario_calendar(company, self.env['res.partner'].browse(list(rows_by_partner)))
        already = {partner.id for [partner] in Relance._read_group(
            [('company_id', '=', company.id), ('date', '=', on_date),
             ('partner_id', 'in', list(rows_by_partner))], ['partner_id'])}
        if force and already:
            names = self.env['res.partner'].browse(sorted(already)).mapped('display_name')
            raise UserError(self.env._(
                "Already reminded today, a client receives at most one relance a day: %s",
                ", ".join(names)))

        plans = {}
        for partner_id, rows in rows_by_partner.items():
            if partner_id in already:
                continue
            installments = [
                Installment(id=row['line_id'], due_date=row['due_date'], last_date=row['last_date'],
                            level_id=calendar.seen_from(partner_id, row['level_id']))
                for row in rows
            ]
            if target_level:
                overdue = tuple(i.id for i in sorted(installments, key=lambda i: (i.due_date, i.id))
                                if i.due_date < on_date)
                plan = overdue and PartnerPlan(level_id=target_level.id, listed=overdue,
                                               escalations=dict.fromkeys(overdue, target_level.id))
            else:
                plan = plan_partner(calendar.levels(partner_id), installments, on_date, force=force)
            if plan:
                plans[partner_id] = plan
        if not plans:
            return Relance

        credits = self._select_credits(company, on_date, plans)
        penalties = self._penalties_of(company, on_date, rows_by_partner, plans)
        partners = self.env['res.partner'].browse(list(plans))
        digits = company.currency_id.decimal_places
        vals_list = []
        for partner in partners:
            plan = plans[partner.id]
            rows = {row['line_id']: row for row in rows_by_partner[partner.id]}
            listed = [rows[line_id] for line_id in plan.listed]
            amounts = claim([row['amount_residual'] for row in listed],
                            [row['amount_residual'] for row in credits[partner.id]], digits)
            if not amounts.worth_claiming:
                _logger.info("Relance: nothing to claim from partner %s once credits are deducted", partner.id)
                continue
            level = calendar.level_by_id[plan.level_id]
            top_rows = [rows[line_id] for line_id, lv in plan.escalations.items() if lv == plan.level_id]
            salesperson = next((row['invoice_user_id'] for row in top_rows if row['invoice_user_id']), False) \
                or partner.user_id.id
            listed_moves = {row['move_id'] for row in listed}
            warnings = sorted({penalties[m]['warning'] for m in listed_moves if penalties[m]['warning']})
            if warnings and target_level:
                # A mise en demeure states exact amounts: it is never sent with penalties missing.
                raise UserError("\n".join(warnings))
            penalty = sum(penalties[move_id]['penalties_company'] for move_id in listed_moves)
            indemnity = sum(penalties[move_id]['indemnity_company'] for move_id in listed_moves)
            first_of_move = {}
            for row in listed:
                first_of_move.setdefault(row['move_id'], row['line_id'])
            lines = [
                fields.Command.create({
                    'kind': 'invoice',
                    # An invoice's penalties and indemnity go on its first installment listed.
                    **(Relance._penalty_line_values(penalties[row['move_id']])
                       if first_of_move[row['move_id']] == row['line_id'] else {}),
                    'move_id': row['move_id'],
                    'move_line_id': row['line_id'],
                    'level_id': plan.escalations.get(row['line_id'], row['level_id']),
                    'escalated': row['line_id'] in plan.escalations,
                    'date_maturity': row['due_date'],
                    'days_overdue': days_overdue(row['due_date'], on_date),
                    'currency_id': row['currency_id'],
                    'amount_residual_currency': row['amount_residual_currency'],
                    'amount_residual': row['amount_residual'],
                }) for row in listed
            ] + [
                fields.Command.create({
                    'kind': 'credit',
                    'move_id': row['move_id'],
                    'move_line_id': row['line_id'],
                    'date_maturity': row['due_date'],
                    'currency_id': row['currency_id'],
                    'amount_residual_currency': row['amount_residual_currency'],
                    'amount_residual': row['amount_residual'],
                }) for row in credits[partner.id]
            ]
            vals_list.append({
                'company_id': company.id,
                'partner_id': partner.id,
                'contact_id': partner._relance_recipient().id,
                'date': on_date,
                'level_id': level.id,
                'channel_email': level.channel_email,
                'channel_phone': level.channel_phone,
                'channel_letter': level.channel_letter,
                'channel_registered_letter': level.channel_registered_letter,
                'state': 'to_validate',
                'salesperson_id': salesperson,
                # Never OdooBot: a call activity must reach a person.
                'user_id': company.relance_collector_id.id or salesperson or (not self.env.su and self.env.uid),
                'amount_invoiced': amounts.invoiced,
                'amount_credits': amounts.credits,
                'amount_claimed': amounts.net,
                'amount_penalties': penalty,
                'penalty_warning': "\n".join(warnings) or False,
                'amount_indemnities': indemnity,
                'amount_total_due': company.currency_id.round(amounts.net + penalty + indemnity),
                'deadline': level.tone == 'formal_notice'
                and on_date + timedelta(days=company.relance_formal_notice_days),
                'line_ids': lines,
            })
        relances = Relance.with_context(mail_create_nosubscribe=True, mail_create_nolog=True) \
            .create(vals_list).with_context(self.env.context)
        to_send = relances if force else relances.filtered(lambda r: r.level_id.auto_send)
        to_send._send()
        return relances
