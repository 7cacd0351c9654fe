"""Amounts written in French words, as a mise en demeure states its total."""
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words


def amount_in_words(amount, currency_code='EUR'):
    """'mille deux cent trente-quatre euros et cinquante-six centimes' for 1234.56 EUR.

    Whole amounts say no cents ('mille euros', not 'mille euros et zéro centimes').
    Currencies num2words does not name in French fall back to the ISO code.
    """
    value = Decimal(str(amount)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("a claim is never negative")
    try:
        words = num2words(value, lang='fr', to='currency', currency=currency_code)
    except NotImplementedError:
        units, cents = divmod(int(value * 100), 100)
        words = f"{num2words(units, lang='fr')} {currency_code}"
        if cents:
            words += f" et {num2words(cents, lang='fr')} centième{'s' if cents > 1 else ''}"
        return words
    return words.replace(" et zéro centimes", "").replace(" et zéro cents", "")
