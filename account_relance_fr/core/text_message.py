"""Text messages (SMS) to a client: only to a mobile number, not at night, not on Sundays nor
public holidays.

Times are local to the company (the caller converts). The public holidays are the eleven of
metropolitan France (Code du travail L3133-1); the Alsace-Moselle and overseas extra days are
not included.
"""

from datetime import date, datetime, time, timedelta

from dateutil.easter import easter

#: Texts go out between these hours, local time (8:00 included, 20:00 excluded).
DAY_START = time(8, 0)
DAY_END = time(20, 0)

FIXED_HOLIDAYS = ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25))


def french_public_holidays(year):
    """The public holidays of ``year`` in metropolitan France: the fixed ones, Easter Monday,
    Ascension Thursday and Whit Monday."""
    sunday = easter(year)
    movable = (sunday + timedelta(days=1), sunday + timedelta(days=39), sunday + timedelta(days=50))
    return frozenset([date(year, month, day) for month, day in FIXED_HOLIDAYS] + list(movable))


def quiet_reason(moment):
    """Why no text message may go out at ``moment`` (a local naive datetime), or None."""
    if not isinstance(moment, datetime):
        raise TypeError("quiet_reason expects a datetime")
    day = moment.date()
    if day in french_public_holidays(day.year):
        return 'holiday'
    if day.weekday() == 6:
        return 'sunday'
    if not DAY_START <= moment.time() < DAY_END:
        return 'night'
    return None


#: French mobile numbers (06 and 07) in international format.
FRENCH_MOBILE_PREFIXES = ('+336', '+337')


def is_mobile_number(number):
    """Whether ``number`` (E.164, e.g. +33612345678) reaches a mobile phone. French numbers by
    their prefix; others through the ``phonenumbers`` library when it is installed (Odoo's
    phone_validation uses it), else they are not taken for mobiles."""
    if not number or not isinstance(number, str) or not number.startswith('+'):
        return False
    if number.startswith('+33'):
        return number.startswith(FRENCH_MOBILE_PREFIXES) and len(number) == 12 and number[1:].isdigit()
    try:
        import phonenumbers  # noqa: PLC0415 - optional, as in Odoo's phone_validation
    except ImportError:
        return False
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return False
    kinds = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    return phonenumbers.number_type(parsed) in kinds
