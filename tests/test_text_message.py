from datetime import date, datetime

import pytest
from core.text_message import french_public_holidays, is_mobile_number, quiet_reason


def test_holidays_of_2026_with_easter_on_5_april():
    # Easter Sunday 2026 is 5 April: Easter Monday 6 April, Ascension 14 May, Whit Monday 25 May.
    assert french_public_holidays(2026) == {
        date(2026, 1, 1),
        date(2026, 4, 6),
        date(2026, 5, 1),
        date(2026, 5, 8),
        date(2026, 5, 14),
        date(2026, 5, 25),
        date(2026, 7, 14),
        date(2026, 8, 15),
        date(2026, 11, 1),
        date(2026, 11, 11),
        date(2026, 12, 25),
    }


@pytest.mark.parametrize(
    ('moment', 'reason'),
    [
        (datetime(2026, 5, 12, 7, 59), 'night'),  # a Tuesday, before 8:00
        (datetime(2026, 5, 12, 8, 0), None),
        (datetime(2026, 5, 12, 19, 59), None),
        (datetime(2026, 5, 12, 20, 0), 'night'),
        (datetime(2026, 5, 10, 11, 0), 'sunday'),
        (datetime(2026, 5, 14, 11, 0), 'holiday'),  # Ascension
        (datetime(2026, 7, 14, 11, 0), 'holiday'),
    ],
)
def test_quiet_reason(moment, reason):
    assert quiet_reason(moment) == reason


@pytest.mark.parametrize(
    ('number', 'mobile'),
    [('+33612345678', True), ('+33712345678', True), ('+33145678901', False), ('0612345678', False), ('', False)],
)
def test_only_mobiles_receive_texts(number, mobile):
    assert is_mobile_number(number) is mobile
