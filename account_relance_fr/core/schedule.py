"""Payment schedules (échéanciers) agreed with a client in difficulty, without the ORM.

A schedule spreads what a client owes on some invoices over installments. These rules are
written once here and used by the Odoo layer:

- Amounts are ``Decimal`` quantized to the cent. A total split in N installments gives each
  installment the total divided by N rounded DOWN to the cent, and the last installment takes
  what is left: 1 000 € in 3 is 333.33 + 333.33 + 333.34. The sum is exact and the last
  installment is never smaller than the others.
- A down payment (acompte) is due on the agreement date; the rest is split.
- Due dates: weekly adds 7 days; monthly keeps the day of the month of the first due date,
  clamped to the end of shorter months (31 January, 28 February, 31 March...), and a first
  due date on the last day of its month keeps every installment on a month end
  (30 April, 31 May, 30 June). Custom dates are the collector's own.
- Interest (none by default):
  - ``lump_interest``: a lump sum (the late-payment interest accrued on the invoices up to
    the agreement date, which the Odoo layer computes with ``penalties.py``) added to the
    amount to split; each installment shows its share of it (split the same way).
  - ``annual_rate``: simple interest, on 365 days as ``penalties.py`` does, on the principal
    still unpaid during each period: from the agreement date (or the previous due date) to
    the installment's due date. The principal is split evenly and each installment adds the
    interest of its period, rounded to the cent (ROUND_HALF_UP) on its own: the total
    interest is the sum of those rounded figures. The down payment bears no interest.
- Allocation: what the client paid on the covered invoices since the agreement goes to the
  installments in due-date order, each one filled before the next.
- Missed: an installment is missed when something is still unpaid on it after its due date
  plus the grace days: due on 10 April with 5 grace days, it is on time until 15 April and
  missed on 16 April.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
YEAR_DAYS = 365
FREQUENCIES = ('weekly', 'monthly', 'custom')


def _dec(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def add_months(day, months, month_end=False):
    """``day`` moved by ``months`` months, on the same day of the month or the last day of a
    shorter month; on the last day of the month whenever ``month_end``."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, last if month_end else min(day.day, last))


def is_month_end(day):
    return day.day == calendar.monthrange(day.year, day.month)[1]


def due_dates(first, count, frequency):
    """Due dates of ``count`` installments from ``first``, weekly or monthly."""
    if count < 1:
        raise ValueError("a schedule has at least one installment")
    if frequency == 'weekly':
        return [first + timedelta(weeks=k) for k in range(count)]
    if frequency == 'monthly':
        month_end = is_month_end(first)
        return [add_months(first, k, month_end) for k in range(count)]
    raise ValueError(f"no date series for frequency {frequency!r}: give the dates")


def split_evenly(total, count):
    """``total`` in ``count`` amounts to the cent, the last one taking the rounding."""
    if count < 1:
        raise ValueError("a schedule has at least one installment")
    total = _dec(total).quantize(CENT, ROUND_HALF_UP)
    share = (total / count).quantize(CENT, ROUND_DOWN)
    return [share] * (count - 1) + [total - share * (count - 1)]


@dataclass(frozen=True)
class Proposal:
    due_date: date
    principal: Decimal
    interest: Decimal
    down_payment: bool = False

    @property
    def amount(self):
        return self.principal + self.interest


def period_interest(base, annual_rate, start, end):
    """Simple interest of ``base`` at ``annual_rate`` percent from ``start`` to ``end``
    (``(end - start).days`` days on 365), rounded to the cent."""
    days = max((end - start).days, 0)
    return (_dec(base) * _dec(annual_rate) * days / (100 * YEAR_DAYS)).quantize(CENT, ROUND_HALF_UP)


def propose(principal, dates, start, down_payment=0, lump_interest=0, annual_rate=0):
    """The installments of a schedule of ``principal`` agreed on ``start``, due on ``dates``.

    Returns a list of ``Proposal``, the down payment first when there is one.
    """
    if not dates:
        raise ValueError("a schedule has at least one installment")
    principal, down = _dec(principal), _dec(down_payment).quantize(CENT, ROUND_HALF_UP)
    if down < 0 or down >= principal:
        raise ValueError("the down payment must be below the amount due")
    dates = sorted(dates)
    proposals = [Proposal(start, down, Decimal("0.00"), down_payment=True)] if down else []
    rest = principal - down
    lump = _dec(lump_interest).quantize(CENT, ROUND_HALF_UP)
    amounts = split_evenly(rest + lump, len(dates))
    lump_shares = split_evenly(lump, len(dates))
    remaining, previous = rest, start
    for due, amount, lump_share in zip(dates, amounts, lump_shares):
        part = amount - lump_share
        interest = lump_share
        if annual_rate:
            interest += period_interest(remaining, annual_rate, previous, due)
        proposals.append(Proposal(due, part, interest))
        remaining -= part
        previous = due
    return proposals


def allocate(amounts, paid):
    """What ``paid`` covers of each installment, installments given in due-date order:
    each one is filled before the next. Anything paid beyond the total is not allocated."""
    left = max(_dec(paid), Decimal(0))
    allocated = []
    for amount in amounts:
        part = min(_dec(amount), left)
        allocated.append(part)
        left -= part
    return allocated


@dataclass(frozen=True)
class Installment:
    due_date: date
    amount: Decimal
    paid: Decimal = Decimal(0)

    @property
    def remaining(self):
        return max(_dec(self.amount) - _dec(self.paid), Decimal(0))


def is_missed(installment, on_date, grace_days):
    """Something is still unpaid on the installment after its due date plus the grace days."""
    return installment.remaining > 0 and on_date > installment.due_date + timedelta(days=grace_days)


def status(installments, on_date, grace_days):
    """Where a schedule stands on ``on_date``: 'done' (all paid), 'broken' (an installment
    missed), 'kept' (at least one installment fully paid, none missed) or 'agreed'."""
    if all(inst.remaining == 0 for inst in installments):
        return 'done'
    if any(is_missed(inst, on_date, grace_days) for inst in installments):
        return 'broken'
    if any(inst.remaining == 0 for inst in installments):
        return 'kept'
    return 'agreed'


def reminder_due(installment, on_date, days_before):
    """The preventive reminder of an installment goes from ``days_before`` days before its
    due date until the day before, while something is unpaid on it."""
    return (
        installment.remaining > 0
        and installment.due_date - timedelta(days=days_before) <= on_date < installment.due_date
    )


def plan_problems(dates, amounts, expected_total, today):
    """What prevents agreeing a plan, as (kind, detail) tuples:
    ('no_installment', None), ('past_date', date), ('not_positive', index),
    ('total_mismatch', (planned, expected))."""
    problems = []
    if not dates:
        problems.append(('no_installment', None))
    for day in sorted(d for d in dates if d < today):
        problems.append(('past_date', day))
    for index, amount in enumerate(amounts):
        if _dec(amount) <= 0:
            problems.append(('not_positive', index))
    planned = sum((_dec(a) for a in amounts), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    expected = _dec(expected_total).quantize(CENT, ROUND_HALF_UP)
    if dates and planned != expected:
        problems.append(('total_mismatch', (planned, expected)))
    return problems
