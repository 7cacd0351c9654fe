"""Promises to pay, without the ORM.

A client (on the portal, or on the phone with the collector) promises to pay by a date, and
optionally how much. Relances of the client's file pause until that date plus the company's
grace days (a transfer takes a day or two to show on the bank statement). On the first day
after the grace the promise is settled: *kept* when what was promised has been paid, *broken*
otherwise, and the file resumes where it stood, at its next level.
"""

from datetime import date, timedelta

KEPT, BROKEN, OPEN = 'kept', 'broken', 'open'


def check_promise_date(promised: date, today: date, limit_days: int) -> str | None:
    """Why a promise to pay by ``promised`` made on ``today`` cannot be accepted, or None."""
    if promised < today:
        return 'past'
    if promised > today + timedelta(days=limit_days):
        return 'too_far'
    return None


def pause_until(promised: date, grace_days: int) -> date:
    """The last day the relances of the file stay paused."""
    return promised + timedelta(days=max(grace_days, 0))


def is_paused(promised: date, grace_days: int, on_date: date) -> bool:
    return on_date <= pause_until(promised, grace_days)


def settle(
    promised: date,
    grace_days: int,
    on_date: date,
    owed_at_promise: float,
    owed_now: float,
    amount: float = 0.0,
    rounding: float = 0.01,
) -> str:
    """Where a promise stands on ``on_date``.

    ``owed_at_promise`` is what the installments of the file still owed when the client
    promised, ``owed_now`` what they owe today (both in company currency); ``amount`` the
    amount promised (0: everything owed). Kept as soon as the amount promised is paid; broken
    once the grace is over without it; open in between.
    """
    target = min(amount, owed_at_promise) if amount and amount > 0 else owed_at_promise
    paid = owed_at_promise - owed_now
    if paid >= target - rounding / 2 or owed_now <= rounding / 2:
        return KEPT
    if on_date > pause_until(promised, grace_days):
        return BROKEN
    return OPEN
