from datetime import date
from decimal import Decimal

from odoo import api, fields, models


class AccountRelanceLegalRate(models.Model):
    """French legal interest rate of a half-year (code monétaire et financier L313-2).

    Two values: for creditors who are private persons, and for all other cases. A company
    claims the second one from consumers (Code civil 1231-6) and a contract penalty rate may
    not be below three times it (Code de commerce L441-10). Reference data of the law, the
    same for every company: no company field, no company rule.

    The rate is fixed by an arrêté published in the last days of the half-year before: from
    20 June and 20 December, relance managers get an activity when the coming line is missing.
    """

    _name = 'account.relance.legal.rate'
    _description = "Legal interest rate by half-year"
    _inherit = ['account.relance.half.year', 'mail.thread', 'mail.activity.mixin']

    rate_private = fields.Float(
        "Creditor private person (%)",
        required=True,
        digits=(5, 2),
        help="For creditors who are private persons not acting for professional needs.",
    )
    rate_other = fields.Float(
        "Other cases (%)", required=True, digits=(5, 2), help="For every other creditor: the rate a company claims."
    )
    verified = fields.Boolean(help="The value was checked against the published arrêté.")

    _date_start_uniq = models.UniqueIndex('(date_start)', "There is already a rate for this half-year.")

    @api.model
    def _rates_table(self):
        """[(half-year start, private, other cases)] for the engine."""
        return [
            (rate.date_start, Decimal(str(round(rate.rate_private, 2))), Decimal(str(round(rate.rate_other, 2))))
            for rate in self.search([], order='date_start')
        ]

    @api.model
    def _to_verify_half_years(self):
        """{(year, half)} of the lines not checked against the arrêté."""
        return {
            (rate.date_start.year, 1 if rate.date_start.month == 1 else 2)
            for rate in self.search([('verified', '=', False)])
        }

    @api.model
    def _cron_check_next_legal_rate(self, today=None):
        """From 20 June (20 December), the line of 1 July (1 January) must be added: each relance
        manager gets an activity saying so, once. Returns the activities created."""
        today = today or fields.Date.context_today(self)
        if (today.month, today.day) >= (12, 20):
            coming = date(today.year + 1, 1, 1)
        elif (6, 20) <= (today.month, today.day) <= (6, 30):
            coming = date(today.year, 7, 1)
        else:
            return self.env['mail.activity']
        if self.search_count([('date_start', '=', coming)]):
            return self.env['mail.activity']
        anchor = self.search([('date_start', '<', coming)], order='date_start desc', limit=1)
        if not anchor:
            return self.env['mail.activity']
        label = self.env['account.relance.half.year']._half_year_label(coming.year, 1 if coming.month == 1 else 2)
        summary = self.env._("Add the legal interest rate of %s", label)
        managers = self.env.ref('account_relance_fr.group_relance_manager').user_ids.filtered(
            lambda user: not user.share and user.active and not user._is_superuser()
        )
        already = set(
            self.env['mail.activity'].search([('res_model', '=', self._name), ('summary', '=', summary)]).user_id.ids
        )
        activities = self.env['mail.activity']
        for user in managers.filtered(lambda u: u.id not in already):
            activities |= anchor.activity_schedule(
                'mail.mail_activity_data_todo',
                date_deadline=coming,
                summary=summary,
                user_id=user.id,
                note=self.env._(
                    "The arrêté fixing the legal interest rate of %(label)s is published at the end of the "
                    "half-year before. Add the line starting on %(start)s under Configuration > Relances > "
                    "Legal interest rates: until then, contract rates cannot be checked and consumers' "
                    "legal interest cannot be computed for that half-year.",
                    label=label,
                    start=coming,
                ),
            )
        return activities
