"""What a client types on its page, read strictly, without the ORM.

Every value of a public form arrives as text. Python's ``float()`` accepts "nan", "inf",
"1e308" and "1_000": none of them is an amount a client means. An amount here is what a
French person types ("1 200,50", "1200.50", "1.200,50", "1 200 €"), at most two decimals,
finite, positive and bounded; a date is ISO (what ``<input type="date">`` posts) within a
window; a count an integer in range; a text stripped and bounded. Each parser returns the
value or raises ``PortalInputError`` with a reason code the controller turns into French.
"""

import re
from datetime import date
from decimal import Decimal

# Separators of thousands a French keyboard or a copy-paste produces.
_SPACES = ' \u00a0\u202f\u2009'
_PLAIN = re.compile(r'^(?P<units>\d+)(?:[.,](?P<decimals>\d+))?$', re.ASCII)
_SPACED = re.compile(r'^(?P<units>\d{1,3}(?: \d{3})+)(?:[.,](?P<decimals>\d+))?$', re.ASCII)
_FRENCH_DOTS = re.compile(r'^(?P<units>\d{1,3}(?:\.\d{3})+),(?P<decimals>\d+)$', re.ASCII)
_ENGLISH_COMMAS = re.compile(r'^(?P<units>\d{1,3}(?:,\d{3})+)\.(?P<decimals>\d+)$', re.ASCII)
_DATE = re.compile(r'^\d{4}-\d{2}-\d{2}$', re.ASCII)
_INTEGER = re.compile(r'^\d{1,3}$', re.ASCII)

# No real debt of an SME client reaches this (a hundred billion): anything larger is a typo.
AMOUNT_CEILING = Decimal('99999999999.99')
TEXT_LIMIT = 2000


class PortalInputError(ValueError):
    """A value of the client's page refused: ``code`` says why, ``limit`` what bounded it."""

    def __init__(self, code, limit=None):
        super().__init__(code)
        self.code = code
        self.limit = limit


def parse_amount(text, ceiling=None):
    """The amount typed, as a Decimal with two decimals, or None when nothing was typed.

    Refuses (code): 'not_a_number' (letters, nan, inf, exponents, misplaced separators),
    'decimals' (more than two: "1.200" is refused, not read as 1.20 or 1200), 'not_positive'
    (zero or negative), 'too_large' (above ``ceiling`` or the absolute ceiling)."""
    raw = str(text if text is not None else '').strip()
    if not raw:
        return None
    raw = re.sub(f'[{_SPACES}]+', ' ', raw.removesuffix('€').removeprefix('€').strip())
    negative = raw[:1] in ('-', '\u2212')
    if negative or raw[:1] == '+':
        raw = raw[1:].strip()
    match = _PLAIN.match(raw) or _SPACED.match(raw) or _FRENCH_DOTS.match(raw) or _ENGLISH_COMMAS.match(raw)
    if len(raw) > 40 or not match:
        raise PortalInputError('not_a_number')
    units, decimals = match.group('units'), match.group('decimals') or ''
    if len(decimals) > 2:
        raise PortalInputError('decimals')
    units = re.sub(r'[ .,]', '', units)
    if len(units) > 12:
        raise PortalInputError('too_large', ceiling)
    value = Decimal(f"{units}.{decimals or '0'}").quantize(Decimal('0.01'))
    if negative or value <= 0:
        raise PortalInputError('not_positive')
    if value > AMOUNT_CEILING or (ceiling is not None and value > Decimal(str(ceiling)).quantize(Decimal('0.01'))):
        raise PortalInputError('too_large', ceiling)
    return value


def parse_date(text, first: date, last: date | None = None):
    """The ISO date posted, within [first, last]; None when nothing was posted.

    Refuses: 'not_a_date', 'past' (before ``first``), 'too_far' (after ``last``)."""
    raw = str(text if text is not None else '').strip()
    if not raw:
        return None
    if not _DATE.match(raw):
        raise PortalInputError('not_a_date')
    try:
        day = date.fromisoformat(raw)
    except ValueError as error:
        raise PortalInputError('not_a_date') from error
    if day < first:
        raise PortalInputError('past', first)
    if last is not None and day > last:
        raise PortalInputError('too_far', last)
    return day


def parse_count(text, low: int, high: int, default: int | None = None):
    """A whole number typed in [low, high]; ``default`` when nothing was posted.

    Refuses: 'not_a_count' (letters, decimals, signs), 'out_of_range'."""
    raw = str(text if text is not None else '').strip()
    if not raw:
        if default is None:
            raise PortalInputError('not_a_count')
        return default
    if not _INTEGER.match(raw):
        raise PortalInputError('not_a_count')
    value = int(raw)
    if not low <= value <= high:
        raise PortalInputError('out_of_range', (low, high))
    return value


def clean_text(text, limit: int = TEXT_LIMIT, required: bool = False):
    """The text typed, stripped, with its control characters removed; '' when empty.

    Refuses: 'required' (empty and required), 'too_long' (more than ``limit`` characters)."""
    raw = str(text if text is not None else '')
    raw = re.sub(r'[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]', '', raw).strip()
    if not raw and required:
        raise PortalInputError('required')
    if len(raw) > limit:
        raise PortalInputError('too_long', limit)
    return raw
