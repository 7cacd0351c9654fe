"""Promises to pay: the date a client may promise, the pause, and kept or broken."""

from datetime import date

from core.promise import BROKEN, KEPT, OPEN, check_promise_date, is_paused, pause_until, settle

TODAY = date(2026, 4, 1)


def test_a_client_may_promise_within_the_company_limit():
    assert check_promise_date(date(2026, 4, 15), TODAY, 30) is None
    assert check_promise_date(TODAY, TODAY, 30) is None
    assert check_promise_date(date(2026, 5, 1), TODAY, 30) is None  # exactly 30 days
    assert check_promise_date(date(2026, 5, 2), TODAY, 30) == 'too_far'
    assert check_promise_date(date(2026, 3, 31), TODAY, 30) == 'past'


def test_relances_pause_until_the_promised_date_plus_grace():
    # Promised for the 15th, 3 days of grace: nothing goes out until the 18th included.
    assert pause_until(date(2026, 4, 15), 3) == date(2026, 4, 18)
    assert is_paused(date(2026, 4, 15), 3, date(2026, 4, 18))
    assert not is_paused(date(2026, 4, 15), 3, date(2026, 4, 19))
    assert pause_until(date(2026, 4, 15), -2) == date(2026, 4, 15)


def test_a_promise_of_everything_is_kept_once_everything_is_paid():
    promised = date(2026, 4, 15)
    assert settle(promised, 3, date(2026, 4, 10), 1200.0, 1200.0) == OPEN
    assert settle(promised, 3, date(2026, 4, 10), 1200.0, 0.0) == KEPT
    # Half paid by the end of the grace: broken.
    assert settle(promised, 3, date(2026, 4, 19), 1200.0, 600.0) == BROKEN


def test_a_promise_of_an_amount_is_kept_when_that_amount_is_paid():
    promised = date(2026, 4, 15)
    # 500 promised out of 1 200: 500 paid keeps it, 499.99 does not after the grace.
    assert settle(promised, 3, date(2026, 4, 19), 1200.0, 700.0, amount=500.0) == KEPT
    assert settle(promised, 3, date(2026, 4, 19), 1200.0, 700.01, amount=500.0) == BROKEN
    # Promising more than is owed means everything.
    assert settle(promised, 3, date(2026, 4, 19), 1200.0, 0.0, amount=5000.0) == KEPT
