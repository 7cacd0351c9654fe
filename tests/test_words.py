"""Totals of a mise en demeure written in words."""

import pytest
from core.words import amount_in_words, date_in_words


@pytest.mark.parametrize(
    "amount, words",
    [
        (1234.56, "mille deux cent trente-quatre euros et cinquante-six centimes"),
        (1000, "mille euros"),
        (80.01, "quatre-vingts euros et un centime"),
        (5440.00, "cinq mille quatre cent quarante euros"),
        (0.5, "zéro euros et cinquante centimes"),
    ],
)
def test_euro_amounts_in_french_words(amount, words):
    assert amount_in_words(amount) == words


def test_another_currency_is_named():
    assert amount_in_words(1234.56, 'USD') == "mille deux cent trente-quatre dollars et cinquante-six cents"


def test_a_negative_claim_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(-1)


@pytest.mark.parametrize(
    "amount, currency, words",
    [
        (1000000, 'EUR', "un million d'euros"),
        (2000000, 'EUR', "deux millions d'euros"),
        (1000, 'EUR', "mille euros"),
        (1200000, 'EUR', "un million deux cent mille euros"),
        (1000000.5, 'EUR', "un million d'euros et cinquante centimes"),
        (3000000000, 'EUR', "trois milliards d'euros"),
        (2000000, 'USD', "deux millions de dollars"),
    ],
)
def test_round_millions_take_de(amount, currency, words):
    assert amount_in_words(amount, currency) == words


def test_dates_in_words():
    from datetime import date

    assert date_in_words(date(2026, 3, 20)) == "20 mars 2026"
    assert date_in_words(date(2026, 7, 1)) == "1er juillet 2026"
    assert date_in_words(date(2026, 8, 15)) == "15 août 2026"
