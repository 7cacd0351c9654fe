"""What a late invoice costs, checked by hand: every expected figure is worked out in the comments.

Penalty = base x rate % x days / 365, days from the day after the due date to the payment
date inclusive; the total is rounded to the cent once, half up.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from core.penalties import (
    Assessment,
    ContractRate,
    Debt,
    InstallmentDue,
    MissingRate,
    Period,
    RateBelowFloor,
    assess_consumer,
    assess_professional,
    assessment_text,
    b2b_rate_for_half_year,
    b2b_rate_lookup,
    check_contract_rate,
    consumer_interest,
    contract_rate_floor,
    debt_on,
    describe_rates,
    late_penalties,
    legal_rate,
    periods_of,
    recovery_indemnity,
    semester_label,
)

# ECB MRO changes since 2014 (shared/legal/ecb_mro_rates.csv).
ECB = [
    (date(2014, 6, 11), "0.15"),
    (date(2014, 9, 10), "0.05"),
    (date(2016, 3, 16), "0.00"),
    (date(2022, 7, 27), "0.50"),
    (date(2022, 9, 14), "1.25"),
    (date(2022, 11, 2), "2.00"),
    (date(2022, 12, 21), "2.50"),
    (date(2023, 2, 8), "3.00"),
    (date(2023, 3, 22), "3.50"),
    (date(2023, 5, 10), "3.75"),
    (date(2023, 6, 21), "4.00"),
    (date(2023, 8, 2), "4.25"),
    (date(2023, 9, 20), "4.50"),
    (date(2024, 6, 12), "4.25"),
    (date(2024, 9, 18), "3.65"),
    (date(2024, 10, 23), "3.40"),
    (date(2024, 12, 18), "3.15"),
    (date(2025, 2, 5), "2.90"),
    (date(2025, 3, 12), "2.65"),
    (date(2025, 4, 23), "2.40"),
    (date(2025, 6, 11), "2.15"),
]
KNOWN_UNTIL = date(2026, 6, 30)  # the user confirmed the table up to the end of 2026 H1
B2B = b2b_rate_lookup(ECB, KNOWN_UNTIL)

# Legal interest rates (shared/legal/taux_interet_legal.csv), with its gaps left as they are.
LEGAL = [
    (date(2015, 7, 1), "4.29", "0.99"),
    (date(2016, 1, 1), "4.54", "1.01"),
    (date(2017, 7, 1), "3.94", "0.90"),
    (date(2018, 7, 1), "3.60", "0.88"),
    (date(2021, 1, 1), "3.14", "0.79"),
    (date(2021, 7, 1), "3.12", "0.76"),
    (date(2022, 1, 1), "3.13", "0.76"),
    (date(2022, 7, 1), "3.15", "0.77"),
    (date(2023, 1, 1), "4.47", "2.06"),
    (date(2023, 7, 1), "6.82", "4.22"),
    (date(2024, 1, 1), "8.01", "5.07"),
    (date(2024, 7, 1), "8.16", "4.92"),
    (date(2025, 1, 1), "7.21", "3.71"),
    (date(2025, 7, 1), "6.65", "2.76"),
    (date(2026, 1, 1), "6.67", "2.62"),
]


def shape(breakdown):
    return [(s.start, s.end, s.days, s.base, s.rate) for s in breakdown.segments]


@pytest.mark.parametrize(
    "year, half, expected",
    [
        (2022, 2, "10.00"),  # 1 July 2022: still 0.00 (the first rise came on 27 July) + 10
        (2023, 1, "12.50"),  # 1 January 2023: 2.50 since 21 December 2022
        (2023, 2, "14.00"),  # 1 July 2023: 4.00 since 21 June 2023 (not 4.25, from 2 August)
        (2024, 1, "14.50"),  # 1 January 2024: 4.50 since 20 September 2023
        (2024, 2, "14.25"),  # 1 July 2024: 4.25 since 12 June 2024
        (2025, 1, "13.15"),  # 1 January 2025: 3.15 since 18 December 2024
        (2025, 2, "12.15"),  # 1 July 2025: 2.15 since 11 June 2025
        (2026, 1, "12.15"),  # 1 January 2026: unchanged, 2.15
    ],
)
def test_the_default_b2b_rate_is_the_ecb_rate_in_force_on_1_january_or_1_july_plus_ten_points(year, half, expected):
    assert b2b_rate_for_half_year(ECB, year, half, KNOWN_UNTIL) == D(expected)


def test_an_invoice_paid_a_month_late_within_one_half_year():
    # 10 000 € due 15 February 2024, paid 16 March: 14 days of February (16..29, leap year)
    # + 16 of March = 30 days at 14.50 % (2024 H1).
    # 10 000 x 14.50 x 30 / 36 500 = 4 350 000 / 36 500 = 119.178... -> 119.18
    result = late_penalties(Debt(D("10000")), date(2024, 2, 15), date(2024, 3, 16), B2B)
    assert shape(result) == [(date(2024, 2, 16), date(2024, 3, 16), 30, D("10000"), D("14.50"))]
    assert result.total == D("119.18")


def test_a_long_delay_is_split_at_1_july_and_1_january_each_part_at_its_half_years_rate():
    # 10 000 € due 15 June 2023, paid 15 January 2024: 214 days, in three parts:
    #   16..30 June 2023      15 days at 12.50 %: 10 000 x 12.50 x  15 / 36 500 =  51.369...
    #   1 July..31 Dec 2023  184 days at 14.00 %: 10 000 x 14.00 x 184 / 36 500 = 705.753...
    #   1..15 January 2024    15 days at 14.50 %: 10 000 x 14.50 x  15 / 36 500 =  59.589...
    # total 298 100 / 365 = 816.712... -> 816.71
    result = late_penalties(Debt(D("10000")), date(2023, 6, 15), date(2024, 1, 15), B2B)
    assert [(s.days, s.rate) for s in result.segments] == [(15, D("12.50")), (184, D("14.00")), (15, D("14.50"))]
    assert result.days == 214
    assert result.total == D("816.71")


def test_a_partial_payment_reduces_the_base_from_the_day_after_it_is_received():
    # 10 000 € due 15 February 2024; 4 000 € received 1 March, the rest on 16 March.
    #   16 Feb..1 March  15 days on 10 000 at 14.50 %: 10 000 x 14.50 x 15 / 36 500 = 59.589...
    #   2..16 March      15 days on  6 000 at 14.50 %:  6 000 x 14.50 x 15 / 36 500 = 35.753...
    # total 3 480 000 / 36 500 = 95.342... -> 95.34
    # (as a check: 4 000 € late 15 days and 6 000 € late 30 days, each up to its payment day)
    debt = Debt(D("10000"), ((date(2024, 3, 1), D("4000")),))
    result = late_penalties(debt, date(2024, 2, 15), date(2024, 3, 16), B2B)
    assert shape(result) == [
        (date(2024, 2, 16), date(2024, 3, 1), 15, D("10000"), D("14.50")),
        (date(2024, 3, 2), date(2024, 3, 16), 15, D("6000"), D("14.50")),
    ]
    assert result.total == D("95.34")
    # The final payment listed too changes nothing: the payment day still bears interest.
    paid = Debt(D("10000"), ((date(2024, 3, 1), D("4000")), (date(2024, 3, 16), D("6000"))))
    assert late_penalties(paid, date(2024, 2, 15), date(2024, 3, 16), B2B) == result


def test_the_frozen_rate_option_keeps_the_rate_of_the_half_year_lateness_began_in():
    # Same invoice as the three-part one, rate frozen at 2023 H1 (lateness began 16 June):
    # 10 000 x 12.50 x 214 / 36 500 = 26 750 000 / 36 500 = 732.876... -> 732.88
    result = late_penalties(Debt(D("10000")), date(2023, 6, 15), date(2024, 1, 15), B2B, freeze_rate=True)
    assert {s.rate for s in result.segments} == {D("12.50")}
    assert result.total == D("732.88")


def test_lateness_begins_the_day_after_the_due_date_even_across_1_july():
    # Due 30 June 2023, paid 30 July: lateness begins 1 July, so the frozen rate is 2023 H2's.
    # 10 000 x 14.00 x 30 / 36 500 = 4 200 000 / 36 500 = 115.068... -> 115.07
    result = late_penalties(Debt(D("10000")), date(2023, 6, 30), date(2023, 7, 30), B2B, freeze_rate=True)
    assert shape(result) == [(date(2023, 7, 1), date(2023, 7, 30), 30, D("10000"), D("14.00"))]
    assert result.total == D("115.07")


def test_an_invoice_paid_on_its_due_date_costs_nothing():
    result = late_penalties(Debt(D("10000")), date(2024, 2, 15), date(2024, 2, 15), B2B)
    assert (result.segments, result.total) == ((), D("0.00"))


def test_a_professional_owes_40_euros_per_late_invoice_a_consumer_nothing():
    assert recovery_indemnity(True) == D("40.00")
    assert recovery_indemnity(False) == D("0.00")


def test_a_consumer_owes_legal_interest_only_from_the_day_after_the_mise_en_demeure():
    # 1 200 € invoice to a private client, LRAR sent 10 February 2026, paid 12 March:
    # 11 February..12 March = 30 days at the 'autres cas' legal rate of 2026 H1, 2.62 %.
    # 1 200 x 2.62 x 30 / 36 500 = 94 320 / 36 500 = 2.584... -> 2.58
    result = consumer_interest(Debt(D("1200")), date(2026, 2, 10), date(2026, 3, 12), LEGAL)
    assert shape(result) == [(date(2026, 2, 11), date(2026, 3, 12), 30, D("1200"), D("2.62"))]
    assert result.total == D("2.58")


def test_consumer_interest_changes_with_the_legal_rate_of_each_semester():
    # LRAR 20 June 2025, paid 20 July:
    #   21..30 June   10 days at 3.71 % (2025 H1): 1 200 x 3.71 x 10 / 36 500 = 1.219...
    #   1..20 July    20 days at 2.76 % (2025 H2): 1 200 x 2.76 x 20 / 36 500 = 1.814...
    # total 110 760 / 36 500 = 3.034... -> 3.03
    result = consumer_interest(Debt(D("1200")), date(2025, 6, 20), date(2025, 7, 20), LEGAL)
    assert [(s.days, s.rate) for s in result.segments] == [(10, D("3.71")), (20, D("2.76"))]
    assert result.total == D("3.03")


def test_legal_rate_autres_cas_by_default_particuliers_for_a_private_creditor():
    assert legal_rate(LEGAL, date(2026, 3, 1)) == D("2.62")
    assert legal_rate(LEGAL, date(2026, 3, 1), creditor_is_private=True) == D("6.67")


def test_a_contract_rate_applies_to_every_day_whatever_the_half_year():
    # 12 % in the terms of sale; 10 000 € due 15 June 2025, paid 15 July: 15 + 15 days, both 12 %.
    # 10 000 x 12 x 30 / 36 500 = 3 600 000 / 36 500 = 98.630... -> 98.63
    result = late_penalties(Debt(D("10000")), date(2025, 6, 15), date(2025, 7, 15), D("12"))
    assert [(s.days, s.rate) for s in result.segments] == [(15, D("12")), (15, D("12"))]
    assert result.total == D("98.63")


def test_a_contract_rate_below_three_times_the_legal_rate_is_refused():
    # 2025 H1 legal rate 'autres cas' 3.71 % -> floor 3 x 3.71 = 11.13 %.
    assert contract_rate_floor(LEGAL, date(2025, 3, 1)) == D("11.13")
    with pytest.raises(RateBelowFloor, match="11.13"):
        check_contract_rate(D("10"), LEGAL, date(2025, 3, 1))
    assert check_contract_rate(12, LEGAL, date(2025, 3, 1)) == D("12")


def test_no_ecb_rate_is_guessed_beyond_what_the_user_confirmed():
    with pytest.raises(MissingRate, match="2e semestre 2026") as error:
        b2b_rate_for_half_year(ECB, 2026, 2, date(2026, 6, 30))
    assert error.value.semester == "2e semestre 2026"
    assert (error.value.year, error.value.half) == (2026, 2)
    # Before the first change of the table: unknown too, not 0.
    with pytest.raises(MissingRate, match="1er semestre 2014"):
        b2b_rate_for_half_year(ECB, 2014, 1, KNOWN_UNTIL)
    # A delay running into 2026 H2 is not computed at all, not computed up to 30 June.
    with pytest.raises(MissingRate, match="2e semestre 2026"):
        late_penalties(Debt(D("10000")), date(2026, 6, 15), date(2026, 7, 15), B2B)
    with pytest.raises(MissingRate, match="2e semestre 2024"):
        late_penalties(Debt(D("10000")), date(2024, 6, 15), date(2024, 7, 15), {(2024, 1): "14.50"})


@pytest.mark.parametrize(
    "day",
    [
        date(2016, 9, 1),
        date(2017, 3, 1),
        date(2018, 3, 1),
        date(2019, 3, 1),
        date(2020, 10, 1),
    ],
)
def test_a_semester_missing_from_the_legal_rate_table_is_never_carried_forward(day):
    with pytest.raises(MissingRate):
        legal_rate(LEGAL, day)


def test_an_overpaid_or_credited_invoice_bears_no_penalty_and_never_a_negative_one():
    due, paid = date(2024, 2, 15), date(2024, 3, 16)
    # Credit note of 1 200 € before the due date on a 1 000 € invoice: nothing.
    credited = late_penalties(Debt(D("1000"), ((date(2024, 1, 10), D("1200")),)), due, paid, B2B)
    assert (credited.segments, credited.total) == ((), D("0.00"))
    # 1 500 € paid on 20 February on a 1 000 € invoice: 16..20 February only, 5 days.
    # 1 000 x 14.50 x 5 / 36 500 = 72 500 / 36 500 = 1.986... -> 1.99, the excess takes nothing off.
    overpaid = late_penalties(Debt(D("1000"), ((date(2024, 2, 20), D("1500")),)), due, paid, B2B)
    assert shape(overpaid) == [(date(2024, 2, 16), date(2024, 2, 20), 5, D("1000"), D("14.50"))]
    assert overpaid.total == D("1.99")


def test_a_leap_year_is_still_counted_on_a_365_day_basis():
    # 3 650 € late all of 2024 (366 days) at a 10 % contract rate:
    # 3 650 x 10 x 366 / 36 500 = 366.00 (a year and a day's worth, not 365.00).
    result = late_penalties(Debt(D("3650")), date(2023, 12, 31), date(2024, 12, 31), D("10"))
    assert result.days == 366
    assert result.total == D("366.00")


def test_half_years_read_as_french_letters_write_them():
    assert semester_label(2026, 1) == "1er semestre 2026"
    assert semester_label(2026, 2) == "2e semestre 2026"


def test_a_credit_note_corrects_the_principal_from_the_due_date():
    # 10 000 € due 15 February 2024, a 4 000 € credit note issued on 1 March, claimed 16 March:
    # the debt was 6 000 € from the start: 6 000 x 14.50 % x 30 / 365 = 71.506... -> 71.51 €
    # (as a payment on 1 March it would have been 95.34 €).
    debt = Debt(D("10000"), credit_notes=(D("4000"),))
    assert late_penalties(debt, date(2024, 2, 15), date(2024, 3, 16), {(2024, 1): "14.50"}).total == D("71.51")
    assert late_penalties(
        Debt(D("10000"), payments=((date(2024, 3, 1), D("4000")),)),
        date(2024, 2, 15),
        date(2024, 3, 16),
        {(2024, 1): "14.50"},
    ).total == D("95.34")
    # Fully reversed: nothing at all.
    reversed_debt = Debt(D("10000"), credit_notes=(D("10000"),))
    assert late_penalties(reversed_debt, date(2024, 2, 15), date(2024, 3, 16), {(2024, 1): "14.50"}).segments == ()


def test_the_debt_of_a_day_counts_only_what_was_reconciled_by_then():
    # 10 000 € installment: a 4 000 € credit note on 1 March, 1 000 € paid on 10 March, 2 000 €
    # paid on 20 March. Seen on 16 March: principal 6 000 €, one payment; on 20 March, both.
    partials = [
        (date(2024, 3, 1), 4000.0, True),
        (date(2024, 3, 10), 1000.0, False),
        (date(2024, 3, 20), 2000.0, False),
    ]
    on_16 = debt_on(10000.0, partials, date(2024, 3, 16))
    assert on_16 == Debt(D("10000.0"), payments=((date(2024, 3, 10), D("1000.0")),), credit_notes=(D("4000.0"),))
    assert on_16.corrected_principal == D("6000")
    assert debt_on(10000.0, partials, date(2024, 3, 20)).payments == (
        (date(2024, 3, 10), D("1000.0")),
        (date(2024, 3, 20), D("2000.0")),
    )
    # A float amount (as the database gives it) becomes the decimal it prints as.
    assert debt_on(1234.56, [], date(2024, 3, 16)).principal == D("1234.56")


def test_a_contract_rate_is_checked_for_each_half_year_it_is_used_for():
    # 12 % agreed. Floor 3 x legal rate 'autres cas': 2024 H2 3 x 4.92 = 14.76 % (12 % below:
    # statutory ECB 4.25 + 10 = 14.25 % applies), 2025 H1 3 x 3.71 = 11.13 % (12 % applies).
    # 10 000 € due 30 November 2024, claimed on 31 January 2025:
    #   1-31 December 2024: 31 days at 14.25 % -> 10 000 x 0.1425 x 31 / 365 = 121.027397
    #   1-31 January 2025:  31 days at 12.00 % -> 10 000 x 0.12   x 31 / 365 = 101.917808
    #   total 222.945205 -> 222.95 €
    rate = ContractRate(12, LEGAL, {(2024, 2): D("14.25"), (2025, 1): D("13.15")})
    breakdown = late_penalties(Debt(D("10000")), date(2024, 11, 30), date(2025, 1, 31), rate)
    assert breakdown.total == D("222.95")
    assert rate.below_floor == {(2024, 2)}
    assert breakdown.rates_by_half_year() == [
        (2024, 2, D("14.25"), date(2024, 12, 1), date(2024, 12, 31)),
        (2025, 1, D("12"), date(2025, 1, 1), date(2025, 1, 31)),
    ]
    text = describe_rates([breakdown], D("12"), rate.below_floor)
    assert text.startswith(
        "du 1er décembre 2024 au 31 janvier 2025, au taux annuel de 14,25 % (taux BCE + 10 points "
        "du 2e semestre 2024 : le taux contractuel de 12,00 % est inférieur à trois fois"
    )
    assert "12,00 % (taux contractuel) du 1er janvier 2025 au 31 janvier 2025" in text


def test_the_rates_of_a_letter_name_their_half_years():
    breakdown = late_penalties(Debt(D("1000")), date(2026, 3, 10), date(2026, 5, 9), {(2026, 1): D("12.15")})
    assert describe_rates([breakdown]) == (
        "du 11 mars 2026 au 9 mai 2026, au taux annuel de 12,15 % (taux BCE + 10 points du 1er semestre 2026)"
    )


# ------------------------------------------------------------------ one invoice, assessed
# 2026 H1: ECB 2.15 % in force on 1 January + 10 points = 12.15 %; legal rate 'autres cas' 2.62 %.


def test_a_client_who_paid_3000_in_two_parts_owes_penalties_on_each_part_and_the_indemnity():
    # 3 000 € due 31 January 2026; 1 000 € received 2 March, the 2 000 € left on 1 April.
    #   1 Feb..2 March   30 days (28 of February + 2) on 3 000 at 12.15 %:
    #                    3 000 x 12.15 x 30 / 36 500 = 1 093 500 / 36 500 = 29.958...
    #   3 March..1 April 30 days (29 of March + 1) on 2 000 at 12.15 %:
    #                    2 000 x 12.15 x 30 / 36 500 =   729 000 / 36 500 = 19.972...
    # total 1 822 500 / 36 500 = 49.931... -> 49.93, and 40 € since the invoice was paid late.
    installment = InstallmentDue(
        due=date(2026, 1, 31),
        amount=D("3000"),
        partials=((date(2026, 3, 2), D("1000"), False), (date(2026, 4, 1), D("2000"), False)),
        reconciled=True,
    )
    result = assess_professional([installment], date(2026, 4, 30), B2B, LEGAL)
    assert [shape(b) for b in result.breakdowns] == [
        [
            (date(2026, 2, 1), date(2026, 3, 2), 30, D("3000"), D("12.15")),
            (date(2026, 3, 3), date(2026, 4, 1), 30, D("2000"), D("12.15")),
        ]
    ]
    assert result.accrued == D("49.93")
    assert (result.kind, result.late_since, result.indemnity) == ("penalty", date(2026, 1, 31), D("40.00"))
    assert result.ecb_half_years == {(2026, 1)} and not result.legal_half_years
    assert assessment_text(result) == (
        "Pénalités de retard (article L441-10 du Code de commerce), du 1er février 2026 au 1er avril 2026, "
        "au taux annuel de 12,15 % (taux BCE + 10 points du 1er semestre 2026).\n"
        "Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce) : 40 €."
    )


def test_before_the_second_payment_the_2000_left_bear_penalties_until_the_day_of_the_letter():
    # The same invoice seen on 20 March: the 1 000 € came in, the 2 000 € have not.
    #   1 Feb..2 March   30 days on 3 000: 1 093 500 / 36 500
    #   3..20 March      18 days on 2 000: 2 000 x 12.15 x 18 / 36 500 = 437 400 / 36 500 = 11.983...
    # total 1 530 900 / 36 500 = 41.942... -> 41.94
    installment = InstallmentDue(
        date(2026, 1, 31),
        D("3000"),
        ((date(2026, 3, 2), D("1000"), False), (date(2026, 4, 1), D("2000"), False)),
        reconciled=True,
    )
    result = assess_professional([installment], date(2026, 3, 20), B2B, LEGAL)
    assert [s.days for s in result.breakdowns[0].segments] == [30, 18]
    assert result.accrued == D("41.94")


def test_an_invoice_paid_on_its_due_date_owes_nothing_and_says_nothing():
    paid = InstallmentDue(date(2026, 1, 31), D("3000"), ((date(2026, 1, 31), D("3000"), False),), reconciled=True)
    result = assess_professional([paid], date(2026, 4, 30), B2B, LEGAL)
    assert result == Assessment()
    assert (result.indemnity, assessment_text(result)) == (D("0.00"), "")


def test_an_invoice_cancelled_by_a_credit_note_owes_no_indemnity_even_when_the_note_came_late():
    credited = InstallmentDue(date(2026, 1, 31), D("3000"), ((date(2026, 3, 2), D("3000"), True),), reconciled=True)
    assert assess_professional([credited], date(2026, 4, 30), B2B, LEGAL).late_since is None


def test_a_contract_rate_below_three_times_the_legal_rate_gives_way_to_the_statutory_rate():
    # 5 % agreed; the floor of 2026 H1 is 3 x 2.62 = 7.86 %: the clause cannot apply, 12.15 % does.
    # 1 000 € due 31 January 2026, unpaid on 2 March: 30 days, 1 000 x 12.15 x 30 / 36 500 = 9.986... -> 9.99
    unpaid = InstallmentDue(date(2026, 1, 31), D("1000"))
    result = assess_professional([unpaid], date(2026, 3, 2), B2B, LEGAL, contract_rate=D("5"))
    assert result.accrued == D("9.99")
    assert result.below_floor == {(2026, 1)}
    # The ECB table served for the half-year below the floor, the legal rates for the floor.
    assert result.ecb_half_years == {(2026, 1)} and result.legal_half_years == {(2026, 1)}
    assert "le taux contractuel de 5,00 % est inférieur à trois fois" in assessment_text(result)


def test_a_missing_ecb_rate_stops_the_penalties_not_the_indemnity():
    # Due 15 June 2026, seen on 15 July: 2026 H2 is past the table the user confirmed.
    unpaid = InstallmentDue(date(2026, 6, 15), D("1000"))
    result = assess_professional([unpaid], date(2026, 7, 15), B2B, LEGAL)
    assert (result.missing.year, result.missing.half, result.accrued, result.indemnity) == (2026, 2, 0, D("40.00"))
    assert assessment_text(result).splitlines()[0] == (
        "Pénalités de retard non calculées : le taux BCE du 2e semestre 2026 n'est pas encore connu."
    )


def test_the_indemnity_of_an_invoice_in_another_currency_says_its_converted_amount():
    unpaid = InstallmentDue(date(2026, 1, 31), D("1000"))
    text = assessment_text(assess_professional([unpaid], date(2026, 3, 2), B2B, LEGAL), indemnity_converted="34,40 £")
    assert text.splitlines()[-1] == (
        "Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce) : 40 €, "
        "soit 34,40 £ au cours du 31 janvier 2026, date d'échéance."
    )


def test_a_consumer_owes_legal_interest_from_the_mise_en_demeure_only():
    # 1 000 € unpaid; mise en demeure received 1 March 2026; seen on 31 March:
    # 2..31 March = 30 days at 2.62 %: 1 000 x 2.62 x 30 / 36 500 = 78 600 / 36 500 = 2.153... -> 2.15
    unpaid = InstallmentDue(date(2026, 1, 31), D("1000"))
    result = assess_consumer([unpaid], date(2026, 3, 1), date(2026, 3, 31), LEGAL)
    assert (result.kind, result.accrued, result.indemnity) == ("legal_interest", D("2.15"), D("0.00"))
    assert result.legal_half_years == {(2026, 1)}
    assert assessment_text(result, already_invoiced=("FAC/2026/00007", "1,00 €")) == (
        "Intérêts au taux légal (articles 1231-6 et 1344-1 du Code civil), du 2 mars 2026 au 31 mars 2026, "
        "au taux annuel de 2,62 % (taux de l'intérêt légal du 1er semestre 2026).\n"
        "Déjà facturé par FAC/2026/00007 : 1,00 €, déduit ci-dessus."
    )
    assert assess_consumer([unpaid], None, date(2026, 3, 31), LEGAL).accrued == 0


def test_each_period_shows_its_base_and_the_periods_add_up_to_the_total():
    # 3 000 € due on 20 October 2026 at 12,40 %, 1 000 € paid on 14 November, counted to
    # 4 December: 21 Oct-14 Nov = 25 days on 3 000 € = 3000 x 0.124 x 25 / 365 = 25.479 -> 25,48;
    # 15 Nov-4 Dec = 20 days on 2 000 € = 2000 x 0.124 x 20 / 365 = 13.589 -> 13,59;
    # total 39.068 -> 39,07 = 25,48 + 13,59.
    debt = Debt(D("3000"), payments=((date(2026, 11, 14), D("1000")),))
    breakdown = late_penalties(debt, date(2026, 10, 20), date(2026, 12, 4), D("12.40"))
    assert periods_of([breakdown]) == [
        Period(date(2026, 10, 21), date(2026, 11, 14), 25, D("3000"), D("12.40"), D("25.48")),
        Period(date(2026, 11, 15), date(2026, 12, 4), 20, D("2000"), D("12.40"), D("13.59")),
    ]
    assert breakdown.total == D("39.07")


def test_the_cent_the_rounding_leaves_goes_to_the_period_that_lost_most():
    # 1 000 € due on 28 February 2026 at 10 %, 1 € paid on 6 and on 12 March, counted to
    # 18 March: three periods of 6 days on 1 000, 999 and 998 € = 1.6438, 1.6422 and 1.6405;
    # each rounds down to 1,64 (sum 4,92) but the exact total 4.9265 rounds to 4,93: the cent
    # left goes to the first period, which lost the most (0.0038).
    debt = Debt(D("1000"), payments=((date(2026, 3, 6), D("1")), (date(2026, 3, 12), D("1"))))
    breakdown = late_penalties(debt, date(2026, 2, 28), date(2026, 3, 18), D("10"))
    periods = periods_of([breakdown])
    assert [p.days for p in periods] == [6, 6, 6]
    assert [p.base for p in periods] == [D("1000"), D("999"), D("998")]
    assert [p.amount for p in periods] == [D("1.65"), D("1.64"), D("1.64")]
    assert sum(p.amount for p in periods) == breakdown.total == D("4.93")
