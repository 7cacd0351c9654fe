"""Reading the ECB main refinancing rate from an answer of the ECB Data Portal (recorded)."""

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import pytest
from core.ecb import EcbFormatError, parse_mro_csv, rate_in_force

RECORDED = Path(__file__).parents[1] / "account_relance_fr" / "tests" / "data" / "ecb_mro_rates_recorded.csv"


def test_the_rate_in_force_on_the_first_day_of_each_half_year():
    observations = parse_mro_csv(RECORDED.read_text())
    assert observations[0] == (date(2024, 6, 12), D("4.25"))
    assert rate_in_force(observations, date(2025, 1, 1)) == D("3.15")
    assert rate_in_force(observations, date(2025, 7, 1)) == D("2.15")
    assert rate_in_force(observations, date(2026, 1, 1)) == D("2.15")
    # The rise of 17 June 2026 is in force on 1 July 2026.
    assert rate_in_force(observations, date(2026, 7, 1)) == D("2.40")
    assert rate_in_force(observations, date(2024, 1, 1)) is None, "before the first observation: unknown"


@pytest.mark.parametrize("text", ["", "<html>Service unavailable</html>", "TIME_PERIOD,OBS_VALUE\n2026-01-01,abc\n"])
def test_an_answer_that_is_not_the_series_is_refused(text):
    with pytest.raises(EcbFormatError):
        parse_mro_csv(text)
