"""When an unpaid invoice can no longer be claimed in court (prescription)."""

from dateutil.relativedelta import relativedelta

BETWEEN_MERCHANTS_YEARS = 5  # Code de commerce L110-4 (Code civil 2224 as well)
AGAINST_CONSUMER_YEARS = 2  # Code de la consommation L218-2


def prescription_date(due_date, is_consumer):
    """Last day to act, counted from the due date.

    The due date is a conservative starting point: courts look at when the creditor knew
    the facts, which is never before the invoice fell due.
    """
    years = AGAINST_CONSUMER_YEARS if is_consumer else BETWEEN_MERCHANTS_YEARS
    return due_date + relativedelta(years=years)
