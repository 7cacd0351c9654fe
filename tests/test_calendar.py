"""The relance calendar of the default French scenario, checked by hand."""
from datetime import date

import pytest

from core.calendar import Installment, Level, days_overdue, level_problems, next_step, plan_partner

# J-5 preventive, J+1 cordial, J+10 firm, J+20 phone, J+30 severe, J+45 last reminder.
PREVENTIVE, CORDIAL, FIRM, PHONE, SEVERE, LAST = (
    Level(1, 10, -5), Level(2, 20, 1), Level(3, 30, 10),
    Level(4, 40, 20), Level(5, 50, 30), Level(6, 60, 45),
)
SCENARIO = [LAST, PHONE, PREVENTIVE, CORDIAL, SEVERE, FIRM]  # order given does not matter
DUE = date(2026, 3, 10)


def test_a_new_invoice_gets_the_preventive_reminder_five_days_before_its_due_date():
    assert next_step(SCENARIO, Installment(1, DUE), date(2026, 3, 1)) == (PREVENTIVE, date(2026, 3, 5))


def test_after_the_preventive_reminder_the_cordial_one_comes_the_day_after_the_due_date():
    inst = Installment(1, DUE, PREVENTIVE.id, date(2026, 3, 5))
    assert next_step(SCENARIO, inst, date(2026, 3, 6)) == (CORDIAL, date(2026, 3, 11))


def test_an_invoice_first_seen_late_skips_the_preventive_reminder_but_no_other_level():
    inst = Installment(1, DUE)
    assert next_step(SCENARIO, inst, date(2026, 4, 14)) == (CORDIAL, date(2026, 3, 11))


def test_catching_up_keeps_the_scenario_spacing_from_the_last_reminder():
    # Cordial sent at J+35 (14 April): the firm one (9 days later in the scenario) on 23 April,
    # not the next morning although J+10 is long past.
    inst = Installment(1, DUE, CORDIAL.id, date(2026, 4, 14))
    assert next_step(SCENARIO, inst, date(2026, 4, 15)) == (FIRM, date(2026, 4, 23))


def test_on_schedule_the_next_level_falls_on_its_own_delay():
    inst = Installment(1, DUE, FIRM.id, date(2026, 3, 20))
    assert next_step(SCENARIO, inst, date(2026, 3, 21)) == (PHONE, date(2026, 3, 30))


def test_after_the_last_level_nothing_more_is_planned():
    assert next_step(SCENARIO, Installment(1, DUE, LAST.id, date(2026, 4, 24)), date(2026, 6, 1)) is None


def test_a_level_removed_from_the_scenario_does_not_restart_the_client_at_the_first_reminder():
    assert next_step(SCENARIO, Installment(1, DUE, 99, date(2026, 4, 24)), date(2026, 6, 1)) is None


def test_one_relance_at_the_highest_level_due_listing_every_overdue_invoice():
    on = date(2026, 4, 9)  # J+30 of DUE
    late = Installment(1, DUE, PHONE.id, date(2026, 3, 30))          # severe due today
    fresh = Installment(2, date(2026, 4, 8), None, None)             # cordial due today (J+1)
    calm = Installment(3, date(2026, 4, 1), CORDIAL.id, date(2026, 4, 2))  # firm due 11 April
    future = Installment(4, date(2026, 5, 30))                       # not due, not listed
    plan = plan_partner(SCENARIO, [future, calm, fresh, late], on)
    assert plan.level_id == SEVERE.id
    assert plan.escalations == {1: SEVERE.id, 2: CORDIAL.id}
    assert plan.listed == (1, 3, 2)  # oldest due date first


def test_nothing_due_means_no_relance():
    calm = Installment(3, date(2026, 4, 1), CORDIAL.id, date(2026, 4, 2))
    assert plan_partner(SCENARIO, [calm], date(2026, 4, 5)) is None


def test_remind_now_advances_the_next_level_before_its_date():
    calm = Installment(3, date(2026, 4, 1), CORDIAL.id, date(2026, 4, 2))
    plan = plan_partner(SCENARIO, [calm], date(2026, 4, 5), force=True)
    assert plan.escalations == {3: FIRM.id}


def test_remind_now_never_sends_a_preventive_reminder_for_a_late_invoice():
    inst = Installment(1, DUE)
    plan = plan_partner(SCENARIO, [inst], date(2026, 3, 12), force=True)
    assert plan.escalations == {1: CORDIAL.id}


def test_a_preventive_reminder_lists_the_invoice_not_yet_due():
    inst = Installment(1, DUE)
    plan = plan_partner(SCENARIO, [inst], date(2026, 3, 5))
    assert (plan.level_id, plan.listed) == (PREVENTIVE.id, (1,))


@pytest.mark.parametrize("levels, kinds", [
    (SCENARIO, []),
    ([Level(1, 10, 1), Level(2, 20, 1)], ["same_delay"]),
    ([Level(1, 10, 10), Level(2, 20, 5)], ["negative_gap"]),
    ([Level(1, 10, 10), Level(2, 20, 5), Level(3, 30, 5)], ["negative_gap", "same_delay"]),
])
def test_inconsistent_scenarios_are_reported(levels, kinds):
    assert [kind for kind, _a, _b in level_problems(levels)] == kinds


def test_days_overdue():
    assert days_overdue(DUE, date(2026, 3, 9)) == 0
    assert days_overdue(DUE, date(2026, 4, 9)) == 30


# A client changing risk category: levels with the severity of their tone (rank).
# Occasional: J+1 cordial (1), J+10 firm (2), J+20 phone firm (2), J+30 severe (3).
OCC_CORDIAL, OCC_FIRM, OCC_PHONE, OCC_SEVERE = (
    Level(11, 20, 1, 1), Level(12, 30, 10, 2), Level(13, 40, 20, 2), Level(14, 50, 30, 3))
OCCASIONAL = [OCC_CORDIAL, OCC_FIRM, OCC_PHONE, OCC_SEVERE]
# Chronic: J+1 firm (2), J+8 phone firm (2), J+15 severe (3), J+22 last reminder (4).
CHR_FIRM, CHR_PHONE, CHR_SEVERE, CHR_LAST = (
    Level(21, 10, 1, 2), Level(22, 20, 8, 2), Level(23, 30, 15, 3), Level(24, 40, 22, 4))
CHRONIC = [CHR_FIRM, CHR_PHONE, CHR_SEVERE, CHR_LAST]
# Punctual: J-5 preventive (0), J+5 cordial (1), J+20 cordial (1), J+35 phone firm (2), J+50 severe (3).
PUN_PREVENTIVE, PUN_CORDIAL, PUN_CORDIAL_2, PUN_PHONE, PUN_SEVERE = (
    Level(30, 5, -5, 0), Level(31, 10, 5, 1), Level(32, 20, 20, 1), Level(33, 30, 35, 2), Level(34, 40, 50, 3))
PUNCTUAL = [PUN_SEVERE, PUN_PHONE, PUN_CORDIAL, PUN_CORDIAL_2, PUN_PREVENTIVE]


def test_a_client_turning_chronic_continues_from_the_step_of_the_same_tone_and_rank():
    from core.calendar import equivalent_level
    # First firm reminder (J+10) reached: the chronic first firm reminder (J+1) stands for it,
    # the phone call for the phone call.
    assert equivalent_level(OCC_FIRM, OCCASIONAL, CHRONIC) == CHR_FIRM
    assert equivalent_level(OCC_PHONE, OCCASIONAL, CHRONIC) == CHR_PHONE
    # ... so the next one is the chronic call, a week after the last reminder (J+10 + 7).
    inst = Installment(1, DUE, CHR_FIRM.id, date(2026, 3, 20))
    assert next_step(CHRONIC, inst, date(2026, 3, 21)) == (CHR_PHONE, date(2026, 3, 27))


def test_a_client_turning_punctual_keeps_its_tone_and_does_not_start_over():
    from core.calendar import equivalent_level
    assert equivalent_level(OCC_CORDIAL, OCCASIONAL, PUNCTUAL) == PUN_CORDIAL
    assert equivalent_level(OCC_PHONE, OCCASIONAL, PUNCTUAL) == PUN_PHONE, "second firm step, only one there"
    # First reminder reached on 11 March: the friendly second reminder at J+20, not a new first one.
    inst = Installment(1, DUE, PUN_CORDIAL.id, date(2026, 3, 11))
    assert next_step(PUNCTUAL, inst, date(2026, 3, 12)) == (PUN_CORDIAL_2, date(2026, 3, 30))


def test_a_tone_the_new_scenario_lacks_maps_to_its_last_milder_step():
    from core.calendar import equivalent_level
    # Chronic scenario without a cordial reminder: the cordial reminder reached stands as
    # nothing milder than firm; without a preventive step either, nothing at all.
    assert equivalent_level(OCC_CORDIAL, OCCASIONAL, CHRONIC) is None
    assert equivalent_level(OCC_CORDIAL, OCCASIONAL, CHRONIC + [Level(20, 5, -5, 0)]) == Level(20, 5, -5, 0)
