from decimal import Decimal

from odoo import api, fields, models


class AccountRelanceEcbRate(models.Model):
    """ECB main refinancing rate in force on the first day of a half-year.

    Code de commerce L441-10: the default late-payment penalty rate is this rate + 10 points,
    the rate in force on 1 January applying to the first half-year and the one on 1 July to the
    second. One line a half-year: a half-year without a line cannot be computed (never guessed).
    """
    _name = 'account.relance.ecb.rate'
    _description = "ECB rate by half-year"
    _inherit = ['account.relance.half.year']

    ecb_rate = fields.Float(
        "ECB rate (%)", required=True, digits=(5, 2),
        help="Rate of the most recent main refinancing operation of the ECB in force on that day.")
    penalty_rate = fields.Float(
        "Penalty rate (%)", compute='_compute_penalty_rate', store=True, digits=(5, 2),
        help="ECB rate + 10 points (Code de commerce L441-10).")

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
