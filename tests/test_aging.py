"""Balance âgée: which bucket an open amount falls in, and bounds a manager may set."""

from decimal import Decimal

import pytest
from core.aging import (
    BoundsError,
    age,
    bucket_count,
    bucket_of,
    bucket_ranges,
    format_bounds,
    french_labels,
    parse_bounds,
)

BOUNDS = (30, 60, 90, 120)


def test_the_usual_french_buckets():
    assert parse_bounds("30,60,90,120") == BOUNDS
    assert bucket_ranges(BOUNDS) == [(None, 0), (1, 30), (31, 60), (61, 90), (91, 120), (121, None)]
    assert bucket_count(BOUNDS) == 6


@pytest.mark.parametrize(
    "days, bucket",
    [
        (-10, 0),
        (0, 0),  # due today is not late yet
        (1, 1),
        (30, 1),  # the bound belongs to its bucket
        (31, 2),
        (60, 2),
        (61, 3),
        (90, 3),
        (91, 4),
        (120, 4),
        (121, 5),
        (2000, 5),
    ],
)
def test_an_amount_goes_to_the_bucket_of_its_days_overdue(days, bucket):
    assert bucket_of(days, BOUNDS) == bucket


def test_bounds_may_be_written_loosely():
    assert parse_bounds(" 15 ; 45,") == (15, 45)
    assert format_bounds((15, 45)) == "15,45"
    assert bucket_of(46, (15, 45)) == 3


@pytest.mark.parametrize(
    "text, reason, value",
    [
        ("", 'empty', None),
        (" , ", 'empty', None),
        ("30,soixante", 'not_integer', "soixante"),
        ("30,60.5", 'not_integer', "60.5"),
        ("0,30", 'not_positive', "0"),
        ("-5,30", 'not_positive', "-5"),
        ("30,30,60", 'not_increasing', "30"),
        ("60,30", 'not_increasing', "30"),
        ("10,20,30,40,50,60", 'too_many', 6),
    ],
)
def test_bounds_the_report_cannot_use_are_refused_with_the_reason(text, reason, value):
    with pytest.raises(BoundsError) as error:
        parse_bounds(text)
    assert (error.value.reason, error.value.value) == (reason, value)


def test_credits_are_aged_like_the_invoices_and_totals_keep_the_cents():
    # A 1 000 € invoice 45 days late partly paid (600 € left), a 200 € credit note 5 days old,
    # 0.1 + 0.2 not yet due.
    totals = age([(45, 600.0), (5, -200.0), (-3, 0.1), (-1, 0.2)], BOUNDS)
    assert totals == [Decimal("0.30"), Decimal("-200.00"), Decimal("600.00"), 0, 0, 0]


def test_the_workbook_titles_its_buckets_in_french():
    assert french_labels((30, 60)) == ["Non échu", "1 à 30 j", "31 à 60 j", "> 60 j"]
