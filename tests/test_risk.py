"""Risk categories from payment histories worked out by hand."""

from datetime import date

import pytest
from core.risk import (
    CHRONIC,
    DEFAULT_THRESHOLDS,
    OCCASIONAL,
    PUNCTUAL,
    HistoryItem,
    categorize,
    history_figures,
    threshold_problems,
)

TODAY = date(2026, 11, 23)


def test_a_new_client_without_history_is_punctual():
    verdict = categorize(history_figures([], TODAY))
    assert verdict.category == PUNCTUAL and verdict.reasons == ()


def test_a_client_who_always_pays_on_the_due_date_is_punctual():
    items = [HistoryItem(1000.0, date(2026, m, 10), date(2026, m, 10)) for m in (2, 4, 6, 8)]
    figures = history_figures(items, TODAY)
    assert (figures.installments, figures.late, figures.late_share, figures.average_days) == (4, 0, 0.0, 0.0)
    assert categorize(figures).category == PUNCTUAL


def test_one_large_invoice_paid_twelve_days_late_makes_an_occasional_late_payer():
    # 1 of 4 late = 25 % (>= 20); 3000 x 12 / 6000 = 6.0 days on average (>= 5); longest 12 (< 30).
    items = [HistoryItem(1000.0, date(2026, m, 10), date(2026, m, 10)) for m in (2, 4, 6)]
    items.append(HistoryItem(3000.0, date(2026, 8, 10), date(2026, 8, 22)))
    figures = history_figures(items, TODAY)
    assert (figures.late_share, figures.average_days, figures.max_days) == (25.0, 6.0, 12)
    verdict = categorize(figures)
    assert verdict.category == OCCASIONAL
    assert [r[:3] for r in verdict.reasons] == [('late_share', 25.0, 20.0), ('average_days', 6.0, 5.0)]


def test_always_late_and_an_invoice_still_open_make_a_chronic_late_payer():
    # 60, 40 and (open since 10 September) 74 days late: 100 %, average 58.0, longest 74.
    items = [
        HistoryItem(2000.0, date(2026, 3, 10), date(2026, 5, 9)),
        HistoryItem(2000.0, date(2026, 6, 10), date(2026, 7, 20)),
        HistoryItem(2000.0, date(2026, 9, 10)),
    ]
    figures = history_figures(items, TODAY)
    assert (figures.late, figures.late_share, figures.average_days, figures.max_days) == (3, 100.0, 58.0, 74)
    assert figures.overdue_amount == 2000.0
    verdict = categorize(figures)
    assert verdict.category == CHRONIC
    assert [r[0] for r in verdict.reasons] == ['late_share', 'average_days', 'max_days']


def test_installments_not_yet_due_do_not_count():
    figures = history_figures([HistoryItem(500.0, date(2026, 12, 1))], TODAY)
    assert figures.installments == 0


def test_severe_relances_alone_make_a_client_occasional_then_chronic():
    assert categorize(history_figures([], TODAY, severe_relances=1)).category == OCCASIONAL
    assert categorize(history_figures([], TODAY, severe_relances=3)).category == CHRONIC


def test_the_default_thresholds_are_consistent():
    assert threshold_problems(DEFAULT_THRESHOLDS) == []


@pytest.mark.parametrize(
    "change, problem",
    [
        ({'late_share': (-1.0, 50.0)}, 'negative'),
        ({'max_days': (60.0, 60.0)}, 'overlap'),
        ({'average_days': (20.0, 10.0)}, 'overlap'),
        ({'late_share': (20.0, 120.0)}, 'above_100'),
    ],
)
def test_thresholds_that_overlap_or_are_negative_are_refused(change, problem):
    thresholds = dict(DEFAULT_THRESHOLDS, **change)
    assert threshold_problems(thresholds) == [(next(iter(change)), problem)]


def test_a_single_invoice_paid_a_few_days_late_is_not_enough_to_judge():
    # One invoice, 10 days late: 100 % late and 10 days on average, but one installment is
    # no statistic; 10 days is below the longest-lateness thresholds: still punctual.
    figures = history_figures([HistoryItem(2400.0, date(2026, 11, 1), date(2026, 11, 11))], TODAY)
    assert (figures.late_share, figures.average_days) == (100.0, 10.0)
    assert categorize(figures).category == PUNCTUAL
    # From three installments on, the share counts.
    assert categorize(figures, min_history=1).category == CHRONIC


def test_the_verdict_says_when_the_minimum_history_changed_it():
    # Same single invoice 10 days late: both statistics would make a chronic late payer
    # (100 % >= 50 %, 10 days >= 5 days only occasional); they were set aside.
    figures = history_figures([HistoryItem(2400.0, date(2026, 11, 1), date(2026, 11, 11))], TODAY)
    verdict = categorize(figures)
    assert [(r[0], r[3]) for r in verdict.set_aside] == [('late_share', CHRONIC), ('average_days', OCCASIONAL)]
    assert verdict.min_history == 3
    # Counted, nothing is set aside.
    assert categorize(figures, min_history=1).set_aside == ()


def test_statistics_set_aside_that_would_not_change_the_category_are_not_reported():
    # 114 days late makes the client chronic by itself: the statistics change nothing.
    figures = history_figures([HistoryItem(2400.0, date(2026, 8, 1))], TODAY)
    verdict = categorize(figures)
    assert verdict.category == CHRONIC and verdict.set_aside == ()


def test_a_single_invoice_very_late_is_a_fact_that_counts_at_once():
    figures = history_figures([HistoryItem(2400.0, date(2026, 8, 1))], TODAY)  # 114 days
    verdict = categorize(figures)
    assert verdict.category == CHRONIC and [r[0] for r in verdict.reasons] == ['max_days']


def test_a_partly_paid_installment_is_overdue_for_what_is_left():
    # 3 000 € due on 21 October, 1 000 € paid on 14 November: 2 000 € overdue on 4 December,
    # the figure of the aged balance, not the 3 000 € of the invoice.
    items = [HistoryItem(3000.0, date(2026, 10, 21), None, open_amount=2000.0)]
    assert history_figures(items, date(2026, 12, 4)).overdue_amount == 2000.0
    assert history_figures([HistoryItem(500.0, date(2026, 10, 21))], date(2026, 12, 4)).overdue_amount == 500.0
