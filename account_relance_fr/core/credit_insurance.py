"""Deadlines of a credit insurance policy (assurance-crédit), counted from due dates.

A policy covers a client's invoices up to a maximum credit duration; when an invoice stays
unpaid, the insured must declare a menace de sinistre (or ask for a prorogation) within a number
of days after the due date of the oldest unpaid invoice, or lose the cover. Every figure is the
policy's: this module holds none.
"""

from datetime import timedelta


def declaration_deadline(oldest_due, declaration_days, prorogation_days=0):
    """Last day to declare the menace de sinistre: the oldest unpaid due date plus the policy's
    days to declare, plus its prorogation days when a prorogation was asked."""
    if oldest_due is None:
        return None
    return oldest_due + timedelta(days=declaration_days + (prorogation_days or 0))


def alert_date(deadline, alert_days):
    """The day the collector is told: ``alert_days`` before the deadline."""
    if deadline is None:
        return None
    return deadline - timedelta(days=max(alert_days or 0, 0))


def over_max_credit(invoice_date, due_date, max_credit_days):
    """The invoice grants more credit than the policy covers (0: no maximum)."""
    if not (max_credit_days and invoice_date and due_date):
        return False
    return (due_date - invoice_date).days > max_credit_days


def must_declare(overdue, threshold):
    """The overdue amount reaches the policy's declaration threshold (0: any amount)."""
    return overdue > 0 and overdue >= (threshold or 0)
