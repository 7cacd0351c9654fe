import logging
from datetime import date
from decimal import Decimal

import requests

from odoo import api, fields, models

from ..core.ecb import ECB_MRO_URL, EcbFormatError, parse_mro_csv, rate_in_force
from ..core.penalties import half_year_of, half_year_start

_logger = logging.getLogger(__name__)

ORIGINS = [
    ('shipped', "Shipped with the addon"),
    ('fetched', "Fetched from the ECB"),
    ('manual', "Entered by a user"),
]


class AccountRelanceEcbRate(models.Model):
    """ECB main refinancing rate in force on the first day of a half-year.

    Code de commerce L441-10: the default late-payment penalty rate is this rate + 10 points,
    the rate in force on 1 January applying to the first half-year and the one on 1 July to the
    second. One line a half-year: a half-year without a line cannot be computed (never guessed).

    Where a line comes from decides who may change it: the daily fetch from the ECB Data Portal
    adds the missing half-years and confirms or replaces a line marked "to verify", but never
    touches a line a person entered or corrected; updating the addon never overwrites a line
    fetched or entered either.
    """

    _name = 'account.relance.ecb.rate'
    _description = "ECB rate by half-year"
    _inherit = ['account.relance.half.year']

    ecb_rate = fields.Float(
        "ECB rate (%)",
        required=True,
        digits=(5, 2),
        help="Rate of the most recent main refinancing operation of the ECB in force on that day.",
    )
    penalty_rate = fields.Float(
        "Penalty rate (%)",
        compute='_compute_penalty_rate',
        store=True,
        digits=(5, 2),
        help="ECB rate + 10 points (Code de commerce L441-10).",
    )
    origin = fields.Selection(ORIGINS, required=True, default='manual', readonly=True)
    to_verify = fields.Boolean(
        "To verify",
        readonly=True,
        help="The value was shipped from secondary sources: the daily fetch from the ECB confirms "
        "or replaces it. Relances using it say so on screen (not in the letters).",
    )
    fetched_on = fields.Date("Fetched on", readonly=True)

    _date_start_uniq = models.UniqueIndex('(date_start)', "There is already a rate for this half-year.")

    @api.depends('ecb_rate')
    def _compute_penalty_rate(self):
        for rate in self:
            rate.penalty_rate = rate.ecb_rate + 10.0

    def write(self, vals):
        # A person who corrects a value owns the line: the fetch leaves it alone from then on.
        if 'ecb_rate' in vals and not self.env.context.get('relance_rate_origin'):
            vals = dict(vals, origin='manual', to_verify=False)
        return super().write(vals)

    def _load_records_write(self, values):
        # Updating the addon reloads the shipped rows: a line fetched or corrected since stays.
        # A line still holding the shipped value is the shipped one (lines created before the
        # origin existed were marked "entered by a user" by default).
        if self.origin == 'fetched':
            return
        if (
            self.origin == 'manual'
            and 'ecb_rate' in values
            and round(self.ecb_rate, 2) != round(float(values['ecb_rate']), 2)
        ):
            return
        super(AccountRelanceEcbRate, self.with_context(relance_rate_origin=True))._load_records_write(
            dict(values, origin='shipped')
        )

    @api.model
    def _penalty_rates(self):
        """{(year, half): penalty rate} for the engine: a half-year without a line is missing."""
        return {
            (rate.date_start.year, 1 if rate.date_start.month == 1 else 2): Decimal(str(round(rate.penalty_rate, 2)))
            for rate in self.search([])
        }

    @api.model
    def _to_verify_half_years(self):
        """{(year, half)} of the lines still to verify."""
        return {half_year_of(rate.date_start) for rate in self.search([('to_verify', '=', True)])}

    # ------------------------------------------------------------------ ECB Data Portal

    @api.model
    def _cron_fetch_ecb_rate(self):
        """Scheduled daily: read the MRO series from the ECB Data Portal and complete the table.

        A network or format failure is logged and left for tomorrow's run; it never raises.
        """
        try:
            response = requests.get(ECB_MRO_URL, timeout=30)
            response.raise_for_status()
            observations = parse_mro_csv(response.text)
        except (requests.RequestException, EcbFormatError) as error:
            _logger.warning("ECB rate: could not read %s (%s); the next run tries again.", ECB_MRO_URL, error)
            return self.browse()
        return self._update_from_ecb(observations, fields.Date.context_today(self))

    @api.model
    def _update_from_ecb(self, observations, today):
        """Add or confirm the line of every half-year begun by ``today`` from the ECB series
        ``[(date, percent)]``. Returns the lines written."""
        lines = {rate.date_start: rate for rate in self.with_context(active_test=False).search([])}
        first = min(lines) if lines else half_year_start(*half_year_of(observations[0][0]))
        written = self.browse()
        start = first
        while start <= today:
            value = rate_in_force(observations, start)
            line = lines.get(start)
            values = {
                'ecb_rate': float(value) if value is not None else 0.0,
                'origin': 'fetched',
                'to_verify': False,
                'fetched_on': today,
                'note': self.env._("ECB Data Portal, series FM/D.U2.EUR.4F.KR.MRR_FR.LEV, read on %s", today),
            }
            if value is None or (line and (line.origin == 'manual' or not line.to_verify)):
                pass
            elif line:
                if Decimal(str(round(line.ecb_rate, 2))) != value:
                    _logger.warning(
                        "ECB rate of %s: %s %% shipped to verify, %s %% fetched: replaced.", start, line.ecb_rate, value
                    )
                line.with_context(relance_rate_origin=True).write(values)
                written |= line
            else:
                written |= self.with_context(relance_rate_origin=True).create(dict(values, date_start=start))
            start = date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)
        if written:
            _logger.info("ECB rate: %s half-year line(s) written from the ECB Data Portal.", len(written))
        return written
