"""Amounts and dates written in French words, as a mise en demeure states them."""

from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

# French puts "de" between a noun of number ending the amount and what it counts: "un
# million d'euros", "deux milliards de dollars", but "mille euros", "un million deux cents euros".
_NOUNS_OF_NUMBER = ("million", "millions", "milliard", "milliards")


def _with_de(number, rest):
    """``number`` (the units in words) followed by ``rest`` (the currency and cents)."""
    if number.split()[-1] in _NOUNS_OF_NUMBER:
        return f"{number} {'d' + chr(39) if rest[:1].lower() in 'aeiouyéèh' else 'de '}{rest}"
    return f"{number} {rest}"


def amount_in_words(amount, currency_code='EUR'):
    """'mille deux cent trente-quatre euros et cinquante-six centimes' for 1234.56 EUR.

    Whole amounts say no cents ('mille euros', not 'mille euros et zéro centimes'); round
    millions take "de" ('un million d'euros'). Currencies num2words does not name in French
    fall back to the ISO code.
    """
    value = Decimal(str(amount)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("a claim is never negative")
    units, cents = divmod(int(value * 100), 100)
    number = num2words(units, lang='fr')
    try:
        words = num2words(value, lang='fr', to='currency', currency=currency_code)
    except NotImplementedError:
        rest = currency_code
        if cents:
            rest += f" et {num2words(cents, lang='fr')} centième{'s' if cents > 1 else ''}"
        return _with_de(number, rest)
    words = words.replace(" et zéro centimes", "").replace(" et zéro cents", "")
    if words.startswith(number + " "):
        words = _with_de(number, words[len(number) + 1 :])
    return words


def date_in_words(day):
    """'20 mars 2026', '1er juillet 2026': the date as a French letter writes it."""
    if not day:
        return ""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"
