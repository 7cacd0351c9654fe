"""Collection KPIs: does the collection effort pay?

Every figure is computed for one period (a calendar month in the dashboard) from totals the
Odoo layer reads in SQL. Amounts are in the company currency; ratios are fractions
(0.4706 for 47.06 %), rounded to 4 places; day counts are rounded to 0.1 day. A ratio whose
denominator is zero is ``None`` (shown empty): 0 % would claim a failure that did not happen.

Definitions (written once, used everywhere):

- **Recovery rate** = amount recovered during the period on the installments already overdue
  when it began / amount of those installments still open at its start. Recovered means
  settled by a payment (or any entry) other than a credit note: a credit note cancels a
  claim, it does not collect it. Invoices falling due during the period are left out of both
  terms, so the rate measures the work on the existing backlog.
- **Average collection delay** = days from the due date to the date an installment was
  settled in full, over the installments settled late during the period, **weighted by their
  amount** (a 10 000 € invoice paid 60 days late weighs more than a 50 € one paid 5 days
  late: the cash tied up is what matters). ``average_delay(..., weighted=False)`` gives the
  simple mean, for comparison.
- **DSO** (days sales outstanding, "délai moyen de paiement clients") = receivables at the
  end of the month / sales of the twelve months ending with it (invoices incl. taxes, net of
  credit notes) x number of days of those months; the window starts at the company's first
  invoice when it invoiced for less than a year (``dso_window``). One month's sales alone
  make a quiet month read as years of credit. No sale in the window: ``None``.
- **Cost of collection** = letters, registered letters and phone calls at the company's unit
  costs (a call costs its average length in minutes times the cost of a minute), plus the
  agency and commissaire de justice fees entered on the clients' files. E-mails cost nothing.
  Compared with the amount recovered: cost / recovered.
"""

import calendar
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
RATIO = Decimal("0.0001")
TENTH = Decimal("0.1")
CHANNELS = ('email', 'phone', 'letter', 'registered_letter')


def _dec(value):
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


def _ratio(numerator, denominator):
    numerator, denominator = _dec(numerator), _dec(denominator)
    if denominator <= 0:
        return None
    return (numerator / denominator).quantize(RATIO, ROUND_HALF_UP)


def recovery_rate(recovered, overdue_at_start):
    return _ratio(recovered, overdue_at_start)


def average_delay(settlements, weighted=True):
    """Mean days late of ``(days_late, amount)`` settlements; those on time are ignored."""
    late = [(_dec(days), _dec(amount)) for days, amount in settlements if days > 0]
    if not late:
        return None
    if weighted:
        total = sum(amount for _days, amount in late)
        if total <= 0:
            return None
        mean = sum(days * amount for days, amount in late) / total
    else:
        mean = sum(days for days, _amount in late) / len(late)
    return mean.quantize(TENTH, ROUND_HALF_UP)


def dso(receivables, sales, days):
    sales = _dec(sales)
    if sales <= 0:
        return None
    return (_dec(receivables) / sales * days).quantize(TENTH, ROUND_HALF_UP)


def dso_window(stop, first_sale=None):
    """``(start, days)``: the sales window of the DSO of the month ending on ``stop``: the
    twelve months ending with it, from ``first_sale`` (the first invoice) when later."""
    start = date(stop.year - 1, stop.month, 1) + timedelta(days=calendar.monthrange(stop.year - 1, stop.month)[1])
    if first_sale and first_sale > start:
        start = min(first_sale, stop)
    return start, period_days(start, stop)


def collection_cost(counts, unit_costs, phone_minutes=0, fees=0):
    """Cost of the relances sent and the fees paid: ``counts`` and ``unit_costs`` map a channel
    of ``CHANNELS`` to a number of relances and to the cost of one (for the phone, of one
    minute of call; ``phone_minutes`` is the average length of a call)."""
    cost = Decimal(0)
    for channel in CHANNELS:
        unit = _dec(unit_costs.get(channel, 0))
        if channel == 'phone':
            unit *= _dec(phone_minutes)
        cost += unit * _dec(counts.get(channel, 0))
    return (cost + _dec(fees)).quantize(CENT, ROUND_HALF_UP)


def cost_ratio(cost, recovered):
    return _ratio(cost, recovered)


def months(date_from, date_to):
    """``[(first day, last day)]`` of every calendar month from the one of ``date_from`` to the
    one of ``date_to``, both included."""
    if date_to < date_from:
        return []
    periods = []
    start = date_from.replace(day=1)
    while start <= date_to:
        stop = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        periods.append((start, stop))
        start = stop + timedelta(days=1)
    return periods


def period_days(start, stop):
    return (stop - start).days + 1


def month_label(start):
    """'2026-03': sorts and reads the same in every language."""
    return f"{start.year:04d}-{start.month:02d}"


def month_start(day):
    return date(day.year, day.month, 1)
