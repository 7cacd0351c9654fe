"""The relance calendar of a client's file in the default French scenario, checked by hand."""

from datetime import date, timedelta

import pytest
from core.calendar import (
    ClientPlan,
    FileState,
    Installment,
    Level,
    days_overdue,
    escalation_step,
    level_problems,
    plan_client,
)

# The standard scenario: J-5 preventive (0), J+1 cordial (1), J+10 firm (2), J+20 phone (firm, not
# written), J+30 severe (3), J+45 last reminder (4), J+60 mise en demeure (5).
PREVENTIVE, CORDIAL, FIRM, PHONE, SEVERE, LAST, FORMAL = (
    Level(1, 10, -5, 0),
    Level(2, 20, 1, 1),
    Level(3, 30, 10, 2),
    Level(4, 40, 20, 2, written=False),
    Level(5, 50, 30, 3),
    Level(6, 60, 45, 4),
    Level(7, 70, 60, 5),
)
SCENARIO = [LAST, PHONE, PREVENTIVE, FORMAL, CORDIAL, SEVERE, FIRM]  # order given does not matter
DUE = date(2026, 3, 10)
GAP = 5


def day(n):
    """J+n of DUE."""
    return DUE + timedelta(days=n)


def sent(level, on, written=True, seen=None):
    return FileState(level.id, on, last_rank=level.rank, written_sent=written, last_seen=seen or on)


def test_a_client_with_nothing_overdue_gets_the_preventive_reminder_five_days_before():
    plan = plan_client(SCENARIO, FileState(), [Installment(1, DUE)], day(-5), GAP)
    assert (plan.level_id, plan.kind, plan.listed) == (PREVENTIVE.id, 'preventive', (1,))
    assert plan_client(SCENARIO, FileState(), [Installment(1, DUE)], day(-6), GAP).level_id is None


def test_an_installment_gets_one_preventive_reminder_only():
    plan = plan_client(SCENARIO, FileState(last_seen=day(-5)), [Installment(1, DUE, previewed=True)], day(-2), GAP)
    assert plan.level_id is None


def test_the_minimum_gap_holds_the_preventive_reminder():
    # A relance went out two days ago: the preventive reminder waits three more days.
    state = FileState(last_seen=day(-7))
    assert plan_client(SCENARIO, state, [Installment(1, DUE)], day(-4), GAP).level_id is None
    assert plan_client(SCENARIO, state, [Installment(1, DUE)], day(-2), GAP).level_id == PREVENTIVE.id


def test_a_new_file_starts_at_the_first_reminder_the_day_after_the_due_date():
    plan = plan_client(SCENARIO, FileState(last_seen=day(-5)), [Installment(1, DUE, previewed=True)], day(1), GAP)
    assert (plan.level_id, plan.kind, plan.listed) == (CORDIAL.id, 'file', (1,))


def test_an_old_debt_starts_at_the_highest_written_reminder_it_passed():
    # 65 days late when first seen: the last reminder (J+45), never the call or the mise en demeure.
    plan = plan_client(SCENARIO, FileState(), [Installment(1, DUE)], day(65), GAP)
    assert plan.level_id == LAST.id
    # 25 days late: the firm reminder, not the phone call of J+20.
    assert plan_client(SCENARIO, FileState(), [Installment(1, DUE)], day(25), GAP).level_id == FIRM.id


def test_after_a_late_start_the_mise_en_demeure_keeps_the_scenario_gap():
    # Last reminder sent at J+65: the mise en demeure 15 days later (60 - 45), at J+80.
    state = sent(LAST, day(65))
    assert escalation_step(SCENARIO, state, DUE, day(66), GAP) == (FORMAL, day(80))


def test_the_file_moves_one_step_per_relance_however_late_the_oldest_invoice():
    # Cordial sent at J+35: the firm reminder 9 days later (scenario gap), not the severe one.
    state = sent(CORDIAL, day(35))
    assert escalation_step(SCENARIO, state, DUE, day(36), GAP) == (FIRM, day(44))


def test_on_schedule_the_next_level_falls_on_its_own_delay():
    assert escalation_step(SCENARIO, sent(FIRM, day(10)), DUE, day(11), GAP) == (PHONE, day(20))


def test_a_phone_call_is_not_held_by_the_minimum_gap_but_the_next_letter_is():
    # A tight scenario: firm e-mail at J+10, call at J+12, severe letter at J+14.
    call, severe = Level(41, 40, 12, 2, written=False), Level(51, 50, 14, 3)
    tight = [CORDIAL, FIRM, call, severe]
    assert escalation_step(tight, sent(FIRM, day(10)), DUE, day(11), GAP) == (call, day(12))
    after_call = FileState(call.id, day(12), last_rank=2, written_sent=True, last_seen=day(10))
    assert escalation_step(tight, after_call, DUE, day(13), GAP) == (severe, day(15)), "5 days after the e-mail"


def test_new_invoices_falling_due_join_the_open_file():
    state = sent(FIRM, day(10))
    old, fresh, soon, later = (
        Installment(1, DUE),
        Installment(2, day(18)),
        Installment(3, day(22)),
        Installment(4, day(60)),
    )
    plan = plan_client(SCENARIO, state, [later, soon, fresh, old], day(20), GAP)
    assert plan.level_id == PHONE.id, "driven by the oldest invoice: no calendar of its own for the new one"
    assert plan.listed == (1, 2)
    assert plan.upcoming == (3,), "due within the preventive window: listed apart, à échoir"


def test_a_client_with_an_open_file_gets_no_separate_preventive_reminder():
    state = sent(CORDIAL, day(1))
    plan = plan_client(SCENARIO, state, [Installment(1, DUE), Installment(2, day(8))], day(4), GAP)
    assert plan.level_id is None and plan.kind == 'file'
    assert (plan.next_level_id, plan.next_date) == (FIRM.id, day(10))


def test_the_tone_never_goes_down():
    # The level reached left the scenario: the next step is not milder than what went out.
    state = FileState(99, day(30), last_rank=3, written_sent=True, last_seen=day(30))
    level, _when = escalation_step(SCENARIO, state, DUE, day(31), GAP)
    assert level.rank >= 3


def test_the_mise_en_demeure_follows_a_written_reminder_that_went_out():
    # Only a call went out (the written reminders failed or were cancelled): a written one first.
    state = FileState(PHONE.id, day(50), last_rank=2, written_sent=False, last_seen=None)
    assert escalation_step(SCENARIO, state, DUE, day(70), GAP)[0] == SEVERE
    assert escalation_step([PHONE, FORMAL], state, DUE, day(70), GAP) is None, "never straight to it"


def test_after_the_mise_en_demeure_nothing_more_is_planned():
    plan = plan_client(SCENARIO, sent(FORMAL, day(60)), [Installment(1, DUE)], day(90), GAP)
    assert plan == ClientPlan(None, 'file')


def test_remind_now_sends_the_next_step_before_its_date_and_inside_the_gap():
    plan = plan_client(SCENARIO, sent(CORDIAL, day(1)), [Installment(1, DUE)], day(3), GAP, force=True)
    assert plan.level_id == FIRM.id


def test_remind_now_never_sends_a_preventive_reminder_for_a_late_invoice():
    plan = plan_client(SCENARIO, FileState(), [Installment(1, DUE)], day(2), GAP, force=True)
    assert plan.level_id == CORDIAL.id


@pytest.mark.parametrize(
    "levels, kinds",
    [
        (SCENARIO, []),
        ([Level(1, 10, 1), Level(2, 20, 1)], ["same_delay"]),
        ([Level(1, 10, 10), Level(2, 20, 5)], ["negative_gap"]),
        ([Level(1, 10, 10), Level(2, 20, 5), Level(3, 30, 5)], ["negative_gap", "same_delay"]),
    ],
)
def test_inconsistent_scenarios_are_reported(levels, kinds):
    assert [kind for kind, _a, _b in level_problems(levels)] == kinds


def test_days_overdue():
    assert days_overdue(DUE, date(2026, 3, 9)) == 0
    assert days_overdue(DUE, date(2026, 4, 9)) == 30


# A client changing risk category: levels with the severity of their tone (rank).
# Occasional: J+1 cordial (1), J+10 firm (2), J+20 phone firm (2), J+30 severe (3).
OCC_CORDIAL, OCC_FIRM, OCC_PHONE, OCC_SEVERE = (
    Level(11, 20, 1, 1),
    Level(12, 30, 10, 2),
    Level(13, 40, 20, 2, written=False),
    Level(14, 50, 30, 3),
)
OCCASIONAL = [OCC_CORDIAL, OCC_FIRM, OCC_PHONE, OCC_SEVERE]
# Chronic: J+1 firm (2), J+8 phone firm (2), J+15 severe (3), J+22 last reminder (4).
CHR_FIRM, CHR_PHONE, CHR_SEVERE, CHR_LAST = (
    Level(21, 10, 1, 2),
    Level(22, 20, 8, 2, written=False),
    Level(23, 30, 15, 3),
    Level(24, 40, 22, 4),
)
CHRONIC = [CHR_FIRM, CHR_PHONE, CHR_SEVERE, CHR_LAST]
# Punctual: J-5 preventive (0), J+5 cordial (1), J+20 cordial (1), J+35 phone firm (2), J+50 severe (3).
PUN_PREVENTIVE, PUN_CORDIAL, PUN_CORDIAL_2, PUN_PHONE, PUN_SEVERE = (
    Level(30, 5, -5, 0),
    Level(31, 10, 5, 1),
    Level(32, 20, 20, 1),
    Level(33, 30, 35, 2, written=False),
    Level(34, 40, 50, 3),
)
PUNCTUAL = [PUN_SEVERE, PUN_PHONE, PUN_CORDIAL, PUN_CORDIAL_2, PUN_PREVENTIVE]


def test_a_client_turning_chronic_continues_from_the_step_of_the_same_tone_and_rank():
    from core.calendar import equivalent_level

    # First firm reminder (J+10) reached: the chronic first firm reminder (J+1) stands for it,
    # the phone call for the phone call.
    assert equivalent_level(OCC_FIRM, OCCASIONAL, CHRONIC) == CHR_FIRM
    assert equivalent_level(OCC_PHONE, OCCASIONAL, CHRONIC) == CHR_PHONE
    # ... so the next one is the chronic call, a week after the last reminder (J+10 + 7).
    state = FileState(CHR_FIRM.id, date(2026, 3, 20), last_rank=2, written_sent=True, last_seen=date(2026, 3, 20))
    assert escalation_step(CHRONIC, state, DUE, date(2026, 3, 21), 5) == (CHR_PHONE, date(2026, 3, 27))


def test_a_client_turning_punctual_keeps_its_tone_and_does_not_start_over():
    from core.calendar import equivalent_level

    assert equivalent_level(OCC_CORDIAL, OCCASIONAL, PUNCTUAL) == PUN_CORDIAL
    assert equivalent_level(OCC_PHONE, OCCASIONAL, PUNCTUAL) == PUN_PHONE, "second firm step, only one there"
    # First reminder reached on 11 March: the friendly second reminder at J+20, not a new first one.
    state = FileState(PUN_CORDIAL.id, date(2026, 3, 11), last_rank=1, written_sent=True, last_seen=date(2026, 3, 11))
    assert escalation_step(PUNCTUAL, state, DUE, date(2026, 3, 12), 5) == (PUN_CORDIAL_2, date(2026, 3, 30))


def test_a_tone_the_new_scenario_lacks_maps_to_its_last_milder_step():
    from core.calendar import equivalent_level

    # Chronic scenario without a cordial reminder: the cordial reminder reached stands as
    # nothing milder than firm; without a preventive step either, nothing at all.
    assert equivalent_level(OCC_CORDIAL, OCCASIONAL, CHRONIC) is None
    assert equivalent_level(OCC_CORDIAL, OCCASIONAL, CHRONIC + [Level(20, 5, -5, 0)]) == Level(20, 5, -5, 0)
