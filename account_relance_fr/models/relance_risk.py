from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL, split_every
from odoo.tools.misc import get_lang

from ..core.calendar import TONE_ORDER, tone_rank
from ..core.risk import CATEGORIES, CRITERIA, HistoryItem, categorize, history_figures

BATCH_SIZE = 500  # clients per transaction of the nightly computation
SEVERE_TONES = TONE_ORDER[tone_rank('severe') :]  # a severe reminder or beyond


class AccountRelanceRisk(models.AbstractModel):
    """The nightly risk category of every client, from its payment history.

    One query reads the installments that fell due in the window, one groups the relances;
    the rules are in ``core/risk.py``. A forced category is kept (the computed one is still
    recorded beside it); every change of the category in force is posted in the client's
    chatter with the figures behind it.
    """

    _name = 'account.relance.risk'
    _description = "Client risk categories"

    @api.model
    def _cron_compute_risk(self):
        cron = self.env['ir.cron']
        companies = self.env['res.company'].search([])
        work = []
        for company in companies:
            on_date = company._relance_today()
            partners = self._candidates(company, on_date)
            work += [(company, on_date, partners, batch) for batch in split_every(BATCH_SIZE, partners.ids)]
        cron._commit_progress(remaining=sum(len(batch) for *_x, batch in work))
        histories = {}
        for company, on_date, candidates, partner_ids in work:
            # The history of the window is read once for all the clients of the company: read
            # by batch, each read would walk every installment of the window again.
            if company not in histories:
                histories = {company: self._history(company, on_date, candidates)}
            self._compute(company, on_date, self.env['res.partner'].browse(partner_ids), histories[company])
            if not cron._commit_progress(len(partner_ids)):
                return

    @api.model
    def _candidates(self, company, on_date):
        """Clients with invoices due or relances in the window, and those not punctual today
        (so that they can become punctual again)."""
        start = self._window_start(company, on_date)
        self.env.flush_all()
        installments = self.env['account.relance.installment']
        ids = {
            partner_id
            for [partner_id] in self.env.execute_query(
                SQL(
                    """
            SELECT DISTINCT move.commercial_partner_id
              FROM %(tables)s
             WHERE %(installment)s AND %(due)s >= %(start)s AND %(due)s < %(today)s
             UNION
            SELECT DISTINCT relance.partner_id
              FROM account_relance relance
             WHERE relance.company_id = %(company)s AND relance.date >= %(start)s
            """,
                    tables=installments._from_sql(),
                    installment=installments._installment_sql(company),
                    due=installments._due_sql(),
                    company=company.id,
                    start=start,
                    today=on_date,
                )
            )
        }
        risky = (
            self.env['res.partner']
            .with_company(company)
            .search([('relance_risk_category', 'in', ('occasional', 'chronic'))])
        )
        return self.env['res.partner'].browse(sorted(ids | set(risky.ids)))

    @api.model
    def _window_start(self, company, on_date):
        return on_date - relativedelta(months=company.relance_risk_window_months or 12)

    @api.model
    def _history(self, company, on_date, partners):
        """{partner id: [HistoryItem]}: the installments of the window, in company currency."""
        self.env.flush_all()
        installments = self.env['account.relance.installment']
        rows = self.env.execute_query(
            SQL(
                """
            SELECT move.commercial_partner_id, aml.balance, %(due)s,
                   CASE WHEN aml.reconciled THEN (
                        SELECT MAX(part.max_date) FROM account_partial_reconcile part
                         WHERE part.debit_move_id = aml.id) END,
                   aml.balance - COALESCE((
                        SELECT SUM(part.amount) FROM account_partial_reconcile part
                         WHERE part.debit_move_id = aml.id AND part.max_date <= %(today)s), 0)
              FROM %(tables)s
             WHERE %(installment)s
               AND %(due)s >= %(start)s AND %(due)s < %(today)s
               AND move.commercial_partner_id = ANY(%(partners)s)
            """,
                tables=installments._from_sql(),
                installment=installments._installment_sql(company),
                due=installments._due_sql(),
                start=self._window_start(company, on_date),
                today=on_date,
                partners=partners.ids,
            )
        )
        history = defaultdict(list)
        for partner_id, amount, due, paid, left in rows:
            # A line reconciled later than today (a run as of a past date) is open that day.
            history[partner_id].append(
                HistoryItem(amount, due, paid if paid and paid <= on_date else None, open_amount=float(left))
            )
        return history

    @api.model
    def _relances_reached(self, company, on_date, partners):
        """{partner: {level: count}} of the relances sent in the window."""
        counts = defaultdict(dict)
        for partner, level, count in self.env['account.relance']._read_group(
            [
                ('company_id', '=', company.id),
                ('partner_id', 'in', partners.ids),
                ('date', '>=', self._window_start(company, on_date)),
                ('date', '<=', on_date),
                ('state', 'in', ('sent', 'done')),
            ],
            ['partner_id', 'level_id'],
            ['__count'],
        ):
            counts[partner][level] = count
        return counts

    @api.model
    def _broken_promises(self, company, on_date, partners):
        """{partner id: count} of the promises to pay broken in the window."""
        return {
            partner.id: count
            for partner, count in self.env['account.relance.promise']
            .sudo()
            ._read_group(
                [
                    ('company_id', '=', company.id),
                    ('partner_id', 'in', partners.ids),
                    ('state', '=', 'broken'),
                    ('settled_on', '>=', self._window_start(company, on_date)),
                    ('settled_on', '<=', on_date),
                ],
                ['partner_id'],
                ['__count'],
            )
        }

    @api.model
    def _compute(self, company, on_date, partners, history=None):
        """Compute the category of ``partners`` in ``company`` as of ``on_date`` and record it
        (``history``: what ``_history`` returns for them, or for more clients, when already read)."""
        partners = partners.commercial_partner_id.with_company(company)
        thresholds = company._relance_risk_thresholds()
        if history is None:
            history = self._history(company, on_date, partners)
        relances = self._relances_reached(company, on_date, partners)
        broken = self._broken_promises(company, on_date, partners)
        verdicts, notes = {}, []
        for partner in partners:
            reached = relances.get(partner, {})
            # A broken promise to pay weighs like a severe relance.
            severe = sum(count for level, count in reached.items() if level.tone in SEVERE_TONES) + broken.get(
                partner.id, 0
            )
            figures = history_figures(history.get(partner.id, []), on_date, severe_relances=severe)
            verdict = categorize(figures, thresholds, company.relance_risk_min_installments)
            previous = (partner.relance_risk_category or 'punctual', partner.relance_risk_figures or "")
            description = self._describe(company, verdict, reached)
            if broken.get(partner.id):
                description += "\n" + self.env._("Broken promises to pay: %s.", broken[partner.id])
            verdicts[partner.id] = (verdict.category, description)
            notes.append((partner, verdict, description, previous))
        partners._relance_record_risks(verdicts, on_date)
        bodies = {note[0].id: body for note in notes if (body := self._min_history_note(*note))}
        if bodies:
            # Notes on the clients the computation is recording (access granted by the caller).
            partners.browse(list(bodies))._message_log_batch(bodies=bodies)
        return partners

    @api.model
    def _min_history_note(self, partner, verdict, description, previous):
        """The chatter note saying that the minimum-history rule changed the decision, if due.

        A change of category is posted with its figures, this sentence included; a category
        that stays only because of the rule is noted once, the night the rule starts to
        decide, not every night after.
        """
        if not verdict.set_aside or partner.relance_risk_forced:
            return None
        sentence = self._min_history_sentence(verdict)
        category, figures = previous
        if category != verdict.category or sentence.split(":")[0] in figures:
            return None
        return Markup("<p>%s</p>") % Markup("<br/>").join(description.split("\n"))

    @api.model
    def _min_history_sentence(self, verdict):
        f = verdict.figures
        labels = self._criterion_labels()
        worst = max(verdict.set_aside, key=lambda r: CATEGORIES.index(r[3]))[3]
        return self.env._(
            "Too few installments to judge (%(count)s, at least %(minimum)s needed): %(figures)s "
            "point to \"%(category)s\" but only count once the history is long enough.",
            count=f.installments,
            minimum=verdict.min_history,
            figures=", ".join(
                f"{labels[criterion]} {self._num(value, criterion)}"
                for criterion, value, _threshold, _category in verdict.set_aside
            ),
            category=self.env['res.partner']._relance_risk_label(worst),
        )

    @api.model
    def _criterion_labels(self):
        _ = self.env._
        return {
            'late_share': _("share paid late"),
            'average_days': _("average lateness"),
            'max_days': _("longest lateness"),
            'severe_relances': _("severe relances"),
        }

    @api.model
    def _num(self, value, criterion='late_share'):
        # Days and counts are whole numbers; shares and averages have one decimal. Written with
        # the separators of the user's language, as formatLang would, without its cost per
        # number (thousands of figures a night).
        lang = self.env['res.lang']._get_data(code=self.env.lang or 'en_US')
        digits = 0 if criterion in ('max_days', 'severe_relances') else 1
        text = f"{value:,.{digits}f}"
        return text.translate({ord(','): lang.thousands_sep or '', ord('.'): lang.decimal_point or '.'})

    @api.model
    def _describe(self, company, verdict, reached):
        """The figures and the reason of a verdict, in words, for the chatter."""
        f = verdict.figures
        _ = self.env._
        money = company.currency_id._relance_money(f.overdue_amount, get_lang(self.env))

        num = self._num
        lines = [
            _(
                "Installments due in the last %(months)s months: %(count)s, paid late: %(late)s (%(share)s %%).",
                count=f.installments,
                months=company.relance_risk_window_months,
                late=f.late,
                share=num(f.late_share),
            ),
            _(
                "Average lateness weighted by amount: %(average)s days; longest: %(max)s days.",
                average=num(f.average_days),
                max=f.max_days,
            ),
            _(
                "Severe relances or above: %(severe)s; overdue today: %(overdue)s.",
                severe=f.severe_relances,
                overdue=money,
            ),
        ]
        if reached:
            lines.append(
                _(
                    "Relances by level: %s.",
                    ", ".join(
                        f"{level.name} {count}" for level, count in sorted(reached.items(), key=lambda i: i[0].delay)
                    ),
                )
            )
        labels = self._criterion_labels()
        if verdict.reasons:
            lines.append(
                _(
                    "Decided by: %s.",
                    "; ".join(
                        f"{labels[criterion]} {num(value, criterion)} ≥ {num(threshold, criterion)}"
                        for criterion, value, threshold, _category in sorted(
                            verdict.reasons, key=lambda r: CRITERIA.index(r[0])
                        )
                    ),
                )
            )
        elif not f.installments:
            lines.append(_("No payment history: punctual until proven otherwise."))
        if verdict.set_aside:
            lines.append(self._min_history_sentence(verdict))
        return "\n".join(lines)
