from decimal import Decimal

from odoo import api, fields, models


class AccountRelanceLegalRate(models.Model):
    """French legal interest rate of a half-year (code monétaire et financier L313-2).

    Two values: for creditors who are private persons, and for all other cases. A company
    claims the second one from consumers (Code civil 1231-6) and a contract penalty rate may
    not be below three times it (Code de commerce L441-10). Reference data of the law, the
    same for every company: no company field, no company rule.
    """
    _name = 'account.relance.legal.rate'
    _description = "Legal interest rate by half-year"
    _inherit = ['account.relance.half.year']

    rate_private = fields.Float(
        "Creditor private person (%)", required=True, digits=(5, 2),
        help="For creditors who are private persons not acting for professional needs.")
    rate_other = fields.Float(
        "Other cases (%)", required=True, digits=(5, 2),
        help="For every other creditor: the rate a company claims.")
    verified = fields.Boolean(help="The value was checked against the published arrêté.")

    _date_start_uniq = models.UniqueIndex('(date_start)', "There is already a rate for this half-year.")

    @api.model
    def _rates_table(self):
        """[(half-year start, private, other cases)] for the engine."""
        return [(rate.date_start, Decimal(str(round(rate.rate_private, 2))),
                 Decimal(str(round(rate.rate_other, 2)))) for rate in self.search([], order='date_start')]
