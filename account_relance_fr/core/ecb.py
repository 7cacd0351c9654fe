"""The ECB main refinancing operations (MRO) rate, read from the ECB Data Portal.

Series FM/D.U2.EUR.4F.KR.MRR_FR.LEV, format ``csvdata``: one row per observation, the date in
the ``TIME_PERIOD`` column and the rate (percent) in ``OBS_VALUE``. Pure functions: the Odoo
layer downloads the text and decides what to write.
"""

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

ECB_MRO_URL = "https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV?format=csvdata"


class EcbFormatError(ValueError):
    """The answer is not the series expected: nothing is written from it."""


def parse_mro_csv(text):
    """[(date, percent)] sorted by date, from a ``csvdata`` answer; EcbFormatError otherwise."""
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {'TIME_PERIOD', 'OBS_VALUE'} <= set(reader.fieldnames):
        raise EcbFormatError("no TIME_PERIOD and OBS_VALUE columns")
    observations = {}
    for row in reader:
        if not row.get('TIME_PERIOD') or row.get('OBS_VALUE') in (None, ''):
            continue
        try:
            day = date.fromisoformat(row['TIME_PERIOD'][:10])
            value = Decimal(row['OBS_VALUE'])
        except (ValueError, InvalidOperation) as error:
            raise EcbFormatError(f"unreadable row {row['TIME_PERIOD']!r}: {error}") from None
        observations[day] = value
    if not observations:
        raise EcbFormatError("no observation")
    return sorted(observations.items())


def rate_in_force(observations, day):
    """The MRO rate in force on ``day``: the value of the last observation on or before it
    (the series carries a row at each change at least), None before the first one. The caller
    asks only about days already past when the answer was given."""
    known = [value for when, value in observations if when <= day]
    return known[-1].quantize(Decimal("0.01")) if known else None
