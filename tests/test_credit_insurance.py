"""Pure rules of a credit insurance policy's deadlines (pytest, no database)."""

from datetime import date

from core.credit_insurance import alert_date, declaration_deadline, must_declare, over_max_credit


def test_the_deadline_counts_from_the_oldest_unpaid_due_date():
    # Due 10 March, 60 days to declare: 9 May; with 30 days of prorogation asked: 8 June.
    assert declaration_deadline(date(2026, 3, 10), 60) == date(2026, 5, 9)
    assert declaration_deadline(date(2026, 3, 10), 60, 30) == date(2026, 6, 8)
    assert declaration_deadline(None, 60) is None


def test_the_collector_is_told_ahead_of_the_deadline():
    assert alert_date(date(2026, 5, 9), 10) == date(2026, 4, 29)
    assert alert_date(date(2026, 5, 9), 0) == date(2026, 5, 9)


def test_credit_beyond_the_policys_maximum_is_flagged():
    assert over_max_credit(date(2026, 1, 1), date(2026, 4, 1), 60)  # 90 days
    assert not over_max_credit(date(2026, 1, 1), date(2026, 3, 1), 60)  # 59 days
    assert not over_max_credit(date(2026, 1, 1), date(2026, 4, 1), 0)


def test_a_declaration_is_due_from_the_threshold():
    assert must_declare(500.0, 500.0)
    assert not must_declare(499.99, 500.0)
    assert must_declare(0.01, 0)
    assert not must_declare(0.0, 0)
