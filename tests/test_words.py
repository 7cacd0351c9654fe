"""Totals of a mise en demeure written in words."""
import pytest

from core.words import amount_in_words


@pytest.mark.parametrize("amount, words", [
    (1234.56, "mille deux cent trente-quatre euros et cinquante-six centimes"),
    (1000, "mille euros"),
    (80.01, "quatre-vingts euros et un centime"),
    (5440.00, "cinq mille quatre cent quarante euros"),
    (0.5, "zéro euros et cinquante centimes"),
])
def test_euro_amounts_in_french_words(amount, words):
    assert amount_in_words(amount) == words


def test_another_currency_is_named():
    assert amount_in_words(1234.56, 'USD') == "mille deux cent trente-quatre dollars et cinquante-six cents"


def test_a_negative_claim_is_refused():
    with pytest.raises(ValueError):
        amount_in_words(-1)
