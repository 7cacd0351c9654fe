"""Payment schedules (échéanciers): splitting, dates, interest, allocation, missed, by hand."""

from datetime import date
from decimal import Decimal as D

import pytest
from core.schedule import (
    Installment,
    add_months,
    allocate,
    due_dates,
    is_missed,
    plan_problems,
    propose,
    reminder_due,
    split_evenly,
    status,
)

START = date(2026, 4, 1)


def test_a_thousand_euros_in_three_leaves_the_odd_cent_to_the_last_installment():
    assert split_evenly(D("1000"), 3) == [D("333.33"), D("333.33"), D("333.34")]


def test_the_last_installment_is_never_smaller_than_the_others():
    # 200 / 3 = 66.666...: 66.66 + 66.66 + 66.68, not 66.67 + 66.67 + 66.66
    assert split_evenly(D("200"), 3) == [D("66.66"), D("66.66"), D("66.68")]
    assert sum(split_evenly(D("1019.97"), 7)) == D("1019.97")


def test_one_installment_takes_everything():
    assert split_evenly(D("12.34"), 1) == [D("12.34")]


def test_zero_installments_is_refused():
    with pytest.raises(ValueError):
        split_evenly(D("100"), 0)
    with pytest.raises(ValueError):
        due_dates(START, 0, 'monthly')


def test_weekly_installments_come_every_seven_days():
    assert due_dates(date(2026, 4, 15), 3, 'weekly') == [date(2026, 4, 15), date(2026, 4, 22), date(2026, 4, 29)]


def test_monthly_installments_keep_their_day_and_shrink_in_short_months():
    assert due_dates(date(2026, 1, 30), 4, 'monthly') == [
        date(2026, 1, 30),
        date(2026, 2, 28),
        date(2026, 3, 30),
        date(2026, 4, 30),
    ]


def test_a_first_installment_at_month_end_keeps_every_installment_at_month_end():
    assert due_dates(date(2026, 4, 30), 3, 'monthly') == [date(2026, 4, 30), date(2026, 5, 31), date(2026, 6, 30)]
    assert due_dates(date(2027, 12, 31), 3, 'monthly') == [date(2027, 12, 31), date(2028, 1, 31), date(2028, 2, 29)]


def test_add_months_crosses_years():
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_custom_dates_have_no_series():
    with pytest.raises(ValueError):
        due_dates(START, 3, 'custom')


def test_a_plan_without_interest_splits_the_amount_due():
    plan = propose(D("1000"), due_dates(date(2026, 5, 1), 3, 'monthly'), START)
    assert [(p.due_date, p.amount, p.interest) for p in plan] == [
        (date(2026, 5, 1), D("333.33"), D("0")),
        (date(2026, 6, 1), D("333.33"), D("0")),
        (date(2026, 7, 1), D("333.34"), D("0")),
    ]


def test_a_down_payment_is_due_on_the_agreement_date_and_the_rest_is_split():
    plan = propose(D("1000"), due_dates(date(2026, 5, 1), 3, 'monthly'), START, down_payment=D("100"))
    assert [(p.due_date, p.amount, p.down_payment) for p in plan] == [
        (START, D("100.00"), True),
        (date(2026, 5, 1), D("300.00"), False),
        (date(2026, 6, 1), D("300.00"), False),
        (date(2026, 7, 1), D("300.00"), False),
    ]


def test_a_down_payment_covering_everything_is_no_schedule():
    with pytest.raises(ValueError):
        propose(D("1000"), [date(2026, 5, 1)], START, down_payment=D("1000"))


def test_late_payment_interest_up_to_the_agreement_is_spread_with_the_principal():
    # 1 000 € of invoices and 19.97 € of penalties: 1 019.97 in three = 339.99 x 3,
    # of which 6.65, 6.65 and 6.67 of interest.
    plan = propose(D("1000"), due_dates(date(2026, 5, 1), 3, 'monthly'), START, lump_interest=D("19.97"))
    assert [p.amount for p in plan] == [D("339.99")] * 3
    assert [p.interest for p in plan] == [D("6.65"), D("6.65"), D("6.67")]
    assert sum(p.principal for p in plan) == D("1000")


def test_an_agreed_rate_bears_simple_interest_on_the_principal_still_unpaid():
    # 1 200 € at 6 % a year, 400 € of principal on 1 May, 1 June and 1 July, agreed 1 April:
    # 1 200 x 6 % x 30 / 365 = 5.917... -> 5.92; 800 x 6 % x 31 / 365 = 4.076... -> 4.08;
    # 400 x 6 % x 30 / 365 = 1.972... -> 1.97.
    plan = propose(D("1200"), due_dates(date(2026, 5, 1), 3, 'monthly'), START, annual_rate=D("6"))
    assert [(p.principal, p.interest, p.amount) for p in plan] == [
        (D("400.00"), D("5.92"), D("405.92")),
        (D("400.00"), D("4.08"), D("404.08")),
        (D("400.00"), D("1.97"), D("401.97")),
    ]


def test_the_down_payment_bears_no_interest():
    # 1 300 € with 100 € down: 1 200 € bear interest from the agreement, as above.
    plan = propose(
        D("1300"), due_dates(date(2026, 5, 1), 3, 'monthly'), START, down_payment=D("100"), annual_rate=D("6")
    )
    assert [p.interest for p in plan] == [D("0.00"), D("5.92"), D("4.08"), D("1.97")]


def test_payments_fill_the_installments_in_due_date_order():
    assert allocate([D("333.33"), D("333.33"), D("333.34")], D("500")) == [D("333.33"), D("166.67"), D("0")]


def test_an_overpayment_is_not_allocated_beyond_the_plan():
    assert allocate([D("100"), D("100")], D("250")) == [D("100"), D("100")]
    assert allocate([D("100")], D("-5")) == [D("0")]


def test_an_installment_is_missed_the_day_after_the_grace_period():
    unpaid = Installment(date(2026, 4, 10), D("100"), D("40"))
    assert not is_missed(unpaid, date(2026, 4, 15), grace_days=5)
    assert is_missed(unpaid, date(2026, 4, 16), grace_days=5)
    assert not is_missed(Installment(date(2026, 4, 10), D("100"), D("100")), date(2026, 5, 1), 5)


def test_a_schedule_is_agreed_then_kept_then_done_or_broken():
    first, second = date(2026, 4, 10), date(2026, 5, 10)
    assert status([Installment(first, D("50")), Installment(second, D("50"))], date(2026, 4, 1), 5) == 'agreed'
    kept = [Installment(first, D("50"), D("50")), Installment(second, D("50"))]
    assert status(kept, date(2026, 4, 20), 5) == 'kept'
    assert status(kept, date(2026, 5, 16), 5) == 'broken'
    assert (
        status([Installment(first, D("50"), D("50")), Installment(second, D("50"), D("50"))], date(2026, 4, 20), 5)
        == 'done'
    )


def test_the_reminder_goes_in_the_days_before_the_due_date_only():
    inst = Installment(date(2026, 4, 10), D("100"))
    assert not reminder_due(inst, date(2026, 4, 4), 5)
    assert reminder_due(inst, date(2026, 4, 5), 5)
    assert reminder_due(inst, date(2026, 4, 9), 5)
    assert not reminder_due(inst, date(2026, 4, 10), 5)
    assert not reminder_due(Installment(date(2026, 4, 10), D("100"), D("100")), date(2026, 4, 6), 5)


def test_plan_problems_name_each_bad_input():
    today = date(2026, 4, 1)
    assert plan_problems([], [], D("100"), today) == [('no_installment', None)]
    assert plan_problems([date(2026, 3, 31), date(2026, 5, 1)], [D("50"), D("50")], D("100"), today) == [
        ('past_date', date(2026, 3, 31))
    ]
    assert plan_problems([date(2026, 5, 1)], [D("90")], D("100"), today) == [
        ('total_mismatch', (D("90.00"), D("100.00")))
    ]
    assert plan_problems([date(2026, 5, 1), date(2026, 6, 1)], [D("100"), D("0")], D("100"), today) == [
        ('not_positive', 1)
    ]
    assert plan_problems([today], [D("100")], D("100"), today) == []
