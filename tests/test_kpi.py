"""Collection KPIs on figures a credit manager can check by hand."""

from datetime import date
from decimal import Decimal

from core.kpi import (
    average_delay,
    collection_cost,
    cost_ratio,
    dso,
    dso_window,
    month_label,
    months,
    period_days,
    recovery_rate,
)


def test_recovery_rate_is_recovered_over_overdue_at_the_start():
    # 1 700 € overdue on 1 March, 800 € collected on it in March.
    assert recovery_rate(800, 1700) == Decimal("0.4706")


def test_no_backlog_means_no_rate_rather_than_zero():
    assert recovery_rate(0, 0) is None


def test_average_delay_is_weighted_by_amount():
    # 400 € paid 20 days late, 200 € paid 38 days late: (20 x 400 + 38 x 200) / 600 = 26.
    settlements = [(20, 400), (38, 200), (-3, 1000)]  # the invoice paid early is ignored
    assert average_delay(settlements) == Decimal("26.0")
    assert average_delay(settlements, weighted=False) == Decimal("29.0")
    assert average_delay([(0, 500)]) is None


def test_dso_is_receivables_over_sales_times_days():
    # 2 400 € open on 31 March, 1 500 € invoiced in March net of credit notes: 2400/1500 x 31.
    assert dso(2400, 1500, 31) == Decimal("49.6")
    assert dso(2400, 0, 31) is None
    assert dso(2400, -100, 31) is None


def test_cost_of_collection_counts_channels_at_their_unit_cost_and_the_fees():
    # one e-mail (free), one 5 minute call at 0.60 €/min, one letter 1.80 €, one LRAR 7.50 €,
    # an agency invoice of 120 €.
    counts = {'email': 1, 'phone': 1, 'letter': 1, 'registered_letter': 1}
    units = {'phone': 0.60, 'letter': 1.80, 'registered_letter': 7.50}
    cost = collection_cost(counts, units, phone_minutes=5, fees=120)
    assert cost == Decimal("132.30")
    assert cost_ratio(cost, 800) == Decimal("0.1654")
    assert cost_ratio(cost, 0) is None


def test_months_cover_the_period_whole_months():
    assert months(date(2026, 1, 15), date(2026, 3, 2)) == [
        (date(2026, 1, 1), date(2026, 1, 31)),
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2026, 3, 31)),
    ]
    assert months(date(2026, 3, 1), date(2026, 2, 1)) == []
    assert period_days(date(2024, 2, 1), date(2024, 2, 29)) == 29
    assert month_label(date(2026, 3, 1)) == "2026-03"


def test_the_dso_window_is_the_twelve_months_ending_with_the_month():
    assert dso_window(date(2026, 3, 31)) == (date(2025, 4, 1), 365)
    assert dso_window(date(2024, 2, 29)) == (date(2023, 3, 1), 366)
    # a company that invoiced from 1 January: its window starts then
    assert dso_window(date(2026, 3, 31), date(2026, 1, 1)) == (date(2026, 1, 1), 90)
    # 2 400 € owed, 3 600 € invoiced in those 90 days: 60 days of sales, not one month's worth
    assert dso(2400, 3600, 90) == Decimal("60.0")
