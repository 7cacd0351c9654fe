from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountRelanceEcbRate(models.Model):
    """ECB main refinancing rate in force on the first day of a half-year.

    Code de commerce L441-10: the default late-payment penalty rate is this rate + 10 points,
    the rate in force on 1 January applying to the first half-year and the one on 1 July to the
    second. One line a half-year: a half-year without a line cannot be computed (never guessed).
    Reference data of the law, the same for every company: no company field, no company rule.
    """
    _name = 'account.relance.ecb.rate'
    _description = "ECB rate by half-year"
    _order = 'date_start desc'
    _rec_name = 'date_start'

    date_start = fields.Date("Half-year", required=True, help="1 January or 1 July.")
    ecb_rate = fields.Float(
        "ECB rate (%)", required=True, digits=(5, 2),
        help="Rate of the most recent main refinancing operation of the ECB in force on that day.")
    penalty_rate = fields.Float(
        "Penalty rate (%)", compute='_compute_penalty_rate', store=True, digits=(5, 2),
        help="ECB rate + 10 points (Code de commerce L441-10).")
    note = fields.Char("Source")

    _date_start_uniq = models.UniqueIndex('(date_start)', "There is already a rate for this half-year.")

    @api.depends('ecb_rate')
    def _compute_penalty_rate(self):
        for rate in self:
            rate.penalty_rate = rate.ecb_rate + 10.0

    @api.model
    def _penalty_rates(self):
        """{(year, half): penalty rate} for the engine: a half-year without a line is missing."""
        return {
            (rate.date_start.year, 1 if rate.date_start.month == 1 else 2):
                Decimal(str(round(rate.penalty_rate, 2)))
            for rate in self.search([])
        }

    @api.constrains('date_start')
    def _check_half_year(self):
        for rate in self:
            if (rate.date_start.month, rate.date_start.day) not in ((1, 1), (7, 1)):
                raise ValidationError(self.env._(
                    "A half-year starts on 1 January or 1 July, not on %s.", rate.date_start))
