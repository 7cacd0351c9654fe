from odoo import api, fields, models
from odoo.exceptions import ValidationError


class AccountRelanceHalfYear(models.AbstractModel):
    """A value fixed for a half-year (1 January or 1 July), as French rates are.

    Reference data of the law, the same for every company: no company field, no company rule.
    """

    _name = 'account.relance.half.year'
    _description = "Half-year rate"
    _order = 'date_start desc'
    _rec_name = 'date_start'

    date_start = fields.Date("Half-year", required=True, help="1 January or 1 July.")
    note = fields.Char("Source")

    @api.constrains('date_start')
    def _check_half_year(self):
        for rate in self:
            if (rate.date_start.month, rate.date_start.day) not in ((1, 1), (7, 1)):
                raise ValidationError(
                    self.env._("A half-year starts on 1 January or 1 July, not on %s.", rate.date_start)
                )

    @api.model
    def _half_year_label(self, year, half):
        """The half-year in the user's language: "1st half of 2026", "1er semestre 2026" in French."""
        if half == 1:
            return self.env._("1st half of %s", year)
        return self.env._("2nd half of %s", year)
