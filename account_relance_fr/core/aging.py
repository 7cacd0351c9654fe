"""Aged balance (balance âgée): bucket bounds and the bucket an open amount falls in.

Bounds are the upper limits, in days overdue, of the overdue buckets: ``(30, 60, 90, 120)``
gives "1-30", "31-60", "61-90", "91-120" and "more than 120" days, plus "not yet due" in
front. Bucket 0 is "not yet due" (due today or later), bucket ``i`` (1 based) holds the
amounts ``bounds[i-2] < days <= bounds[i-1]``, the last one everything beyond the last bound.

Credits (credit notes, payments not reconciled yet) are negative amounts placed like any
other item, by the days since their own due date (their date for a payment): the buckets
then add up to what the receivable account says, and an old unapplied payment shows where it
is old.
"""

from decimal import Decimal

DEFAULT_BOUNDS = (30, 60, 90, 120)
MAX_BOUNDS = 5
CENT = Decimal("0.01")


class BoundsError(ValueError):
    """Bucket bounds the report cannot use. ``reason`` says why, ``value`` what was read:

    - ``empty``: no bound at all;
    - ``not_integer``: ``value`` is not a whole number of days;
    - ``not_positive``: ``value`` is zero or negative;
    - ``not_increasing``: ``value`` is not above the bound before it;
    - ``too_many``: more than ``MAX_BOUNDS`` bounds (``value`` is their number).
    """

    def __init__(self, reason, value=None):
        self.reason, self.value = reason, value
        super().__init__(f"Invalid aging bucket bounds ({reason}: {value!r})")


def parse_bounds(text):
    """Bounds written as "30,60,90,120" (spaces and semicolons tolerated) -> (30, 60, 90, 120)."""
    parts = [part.strip() for part in (text or "").replace(";", ",").split(",")]
    parts = [part for part in parts if part]
    if not parts:
        raise BoundsError('empty')
    bounds = []
    for part in parts:
        if not part.isdigit():
            if part.startswith("-") and part[1:].isdigit():
                raise BoundsError('not_positive', part)
            raise BoundsError('not_integer', part)
        value = int(part)
        if value <= 0:
            raise BoundsError('not_positive', part)
        if bounds and value <= bounds[-1]:
            raise BoundsError('not_increasing', part)
        bounds.append(value)
    if len(bounds) > MAX_BOUNDS:
        raise BoundsError('too_many', len(bounds))
    return tuple(bounds)


def format_bounds(bounds):
    return ",".join(str(bound) for bound in bounds)


def bucket_count(bounds):
    """Number of buckets, "not yet due" included."""
    return len(bounds) + 2


def bucket_of(days_overdue, bounds):
    """Index of the bucket of an item ``days_overdue`` days past its due date."""
    if days_overdue <= 0:
        return 0
    return 1 + sum(1 for bound in bounds if bound < days_overdue)


def bucket_ranges(bounds):
    """``[(first day, last day)]`` of each bucket: ``(None, 0)`` for "not yet due", ``(121, None)``
    for the open-ended last one."""
    ranges = [(None, 0)]
    low = 1
    for bound in bounds:
        ranges.append((low, bound))
        low = bound + 1
    ranges.append((low, None))
    return ranges


def age(items, bounds):
    """Totals by bucket of ``(days_overdue, amount)`` items, rounded to the cent: a list of
    ``bucket_count(bounds)`` Decimals."""
    totals = [Decimal(0)] * bucket_count(bounds)
    for days, amount in items:
        totals[bucket_of(days, bounds)] += Decimal(str(amount))
    return [total.quantize(CENT) for total in totals]


def french_labels(bounds):
    """Column titles of the buckets in the French workbooks: "Non échu", "1 à 30 j", "> 120 j"."""
    labels = []
    for low, high in bucket_ranges(bounds):
        if low is None:
            labels.append("Non échu")
        elif high is None:
            labels.append(f"> {low - 1} j")
        else:
            labels.append(f"{low} à {high} j")
    return labels
