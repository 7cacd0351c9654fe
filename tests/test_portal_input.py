"""What a client types on its page is read strictly: the forms a French person types are
understood, anything else (nan, infinity, exponents, negative, three decimals, far dates,
oversized text) is refused with a reason."""

from datetime import date
from decimal import Decimal

import pytest
from core.portal_input import (
    AMOUNT_CEILING,
    PortalInputError,
    clean_text,
    parse_amount,
    parse_count,
    parse_date,
)


@pytest.mark.parametrize(
    'typed, amount',
    [
        ("1 200,50", '1200.50'),
        ("1\u202f200,50", '1200.50'),
        ("1\u00a0200,5", '1200.50'),
        ("1200.50", '1200.50'),
        ("1200,50", '1200.50'),
        ("1.200,50", '1200.50'),
        ("1,200.50", '1200.50'),
        ("1 200 €", '1200.00'),
        ("  42 ", '42.00'),
        ("0,01", '0.01'),
        ("+15", '15.00'),
    ],
)
def test_the_forms_a_french_client_types_are_understood(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    'typed, code',
    [
        ("nan", 'not_a_number'),
        ("NaN", 'not_a_number'),
        ("inf", 'not_a_number'),
        ("Infinity", 'not_a_number'),
        ("-Infinity", 'not_a_number'),
        ("1e5", 'not_a_number'),
        ("1_000", 'not_a_number'),
        ("0x10", 'not_a_number'),
        ("douze", 'not_a_number'),
        ("1 2 3", 'not_a_number'),
        ("1,2,3", 'not_a_number'),
        ("\u0661\u0662", 'not_a_number'),
        ("12,345", 'decimals'),
        ("1.200", 'decimals'),
        ("10.001", 'decimals'),
        ("-5", 'not_positive'),
        ("\u22125,00", 'not_positive'),
        ("0", 'not_positive'),
        ("0,00", 'not_positive'),
        ("1" * 20, 'too_large'),
        ("100000000000", 'too_large'),
    ],
)
def test_anything_else_is_refused_with_its_reason(typed, code):
    with pytest.raises(PortalInputError) as refused:
        parse_amount(typed)
    assert refused.value.code == code


def test_nothing_typed_is_no_amount_and_the_ceiling_is_the_debt():
    assert parse_amount("") is None
    assert parse_amount(None) is None
    assert parse_amount("2 100,00", ceiling=2100.0) == Decimal('2100.00')
    with pytest.raises(PortalInputError) as refused:
        parse_amount("2 100,01", ceiling=2100.0)
    assert refused.value.code == 'too_large'
    assert parse_amount(str(AMOUNT_CEILING)) == AMOUNT_CEILING


def test_dates_are_iso_and_within_the_window():
    first, last = date(2026, 4, 1), date(2026, 5, 1)
    assert parse_date("2026-04-15", first, last) == date(2026, 4, 15)
    assert parse_date("", first, last) is None
    for typed, code in [
        ("2026-03-31", 'past'),
        ("2026-05-02", 'too_far'),
        ("9999-12-31", 'too_far'),
        ("2026-02-30", 'not_a_date'),
        ("15/04/2026", 'not_a_date'),
        ("2026-04-15T00:00", 'not_a_date'),
        ("0001-01-01", 'past'),
    ]:
        with pytest.raises(PortalInputError) as refused:
            parse_date(typed, first, last)
        assert refused.value.code == code, typed


def test_counts_are_whole_and_in_range():
    assert parse_count("3", 2, 12) == 3
    assert parse_count("", 2, 12, default=3) == 3
    for typed, code in [("1", 'out_of_range'), ("13", 'out_of_range'), ("2.5", 'not_a_count'), ("-3", 'not_a_count')]:
        with pytest.raises(PortalInputError) as refused:
            parse_count(typed, 2, 12)
        assert refused.value.code == code, typed


def test_texts_are_stripped_of_control_characters_and_bounded():
    assert clean_text("  bonjour\x00\x07 ") == "bonjour"
    assert clean_text(None) == ""
    with pytest.raises(PortalInputError) as refused:
        clean_text("", required=True)
    assert refused.value.code == 'required'
    with pytest.raises(PortalInputError) as refused:
        clean_text("x" * 2001)
    assert refused.value.code == 'too_long'
    assert clean_text("<script>alert(1)</script>") == "<script>alert(1)</script>", "escaped at display, kept as typed"
