"""Prescription of unpaid invoices."""

from datetime import date

from core.prescription import prescription_date


def test_five_years_between_merchants():
    assert prescription_date(date(2026, 3, 10), is_consumer=False) == date(2031, 3, 10)


def test_two_years_against_a_consumer():
    assert prescription_date(date(2026, 3, 10), is_consumer=True) == date(2028, 3, 10)


def test_a_29_february_due_date_ends_on_28_february():
    assert prescription_date(date(2024, 2, 29), is_consumer=True) == date(2026, 2, 28)
