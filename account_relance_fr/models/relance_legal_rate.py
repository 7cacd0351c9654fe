from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountRelanceLegalRate(models.Model):
    """French legal interest rate of a half-year (code monétaire et financier L313-2).

    Two values: for creditors who are private persons, and for all other cases. A company
    claims the second one from consumers (Code civil 1231-6) and a contract penalty rate may
    not be below three times it (Code de commerce L441-10). Reference data of the law, the
    same for every company: no company field, no company rule.
    """
    _name = 'account.relance.legal.rate'
    _description = "Legal interest rate by half-year"
    _order = 'date_start desc'
    _rec_name = 'date_start'

    date_start = fields.Date("Half-year", required=True, help="1 January or 1 July.")
    rate_private = fields.Float(
        "Creditor private person (%)", required=True, digits=(5, 2),
        help="For creditors who are private persons not acting for professional needs.")
    rate_other = fields.Float(
        "Other cases (%)", required=True, digits=(5, 2),
        help="For every other creditor: the rate a company claims.")
    verified = fields.Boolean(help="The value was checked against the published arrêté.")
    note = fields.Char("Source")

    _date_start_uniq = models.UniqueIndex('(date_start)', "There is already a rate for this half-year.")

    @api.model
    def _rates_table(self):
        """[(half-year start, private, other cases)] for the engine."""
        return [(rate.date_start, Decimal(str(round(rate.rate_private, 2))),
                 Decimal(str(round(rate.rate_other, 2)))) for rate in self.search([], order='date_start')]

    @api.constrains('date_start')
    def _check_half_year(self):
        for rate in self:
            if (rate.date_start.month, rate.date_start.day) not in ((1, 1), (7, 1)):
                raise ValidationError(self.env._(
                    "A half-year starts on 1 January or 1 July, not on %s.", rate.date_start))
