"""When is which reminder due: the relance calendar, without the ORM.

A scenario is a list of levels ordered by sequence; each level has a delay in days relative
to the due date of an installment (negative for a preventive reminder). An installment moves
one level at a time: a client never skips from "cordial" to "sévère" because the run found
its invoice late for the first time. When an installment is caught late (first seen at J+35),
the spacing of the scenario is kept from the last reminder, so the client is not reminded on
consecutive days while the calendar catches up.
"""
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Level:
    id: int
    sequence: int
    delay: int
    rank: int = 0   # severity of its tone: 0 preventive … 5 mise en demeure

    @property
    def preventive(self):
        return self.delay < 0


@dataclass(frozen=True)
class Installment:
    """One open receivable line of a customer invoice, as the calendar sees it."""
    id: int
    due_date: date
    level_id: int | None = None       # level reached so far (None: never reminded)
    last_date: date | None = None     # date of the reminder that reached it


@dataclass(frozen=True)
class PartnerPlan:
    level_id: int                       # the level of the relance sent to the client
    escalations: dict                   # installment id -> level id reached today
    listed: tuple                       # installment ids the relance lists, oldest first


def order_levels(levels):
    return sorted(levels, key=lambda lv: (lv.sequence, lv.delay, lv.id))


def level_problems(levels):
    """Inconsistencies of a scenario, as (kind, first level, second level) tuples.

    Levels ordered by sequence must have strictly increasing delays: two levels at the same
    delay would remind twice the same day, and a later level with a shorter delay would be
    a negative gap that can never be reached in order.
    """
    problems = []
    ordered = order_levels(levels)
    for previous, current in zip(ordered, ordered[1:]):
        if current.delay == previous.delay:
            problems.append(("same_delay", previous, current))
        elif current.delay < previous.delay:
            problems.append(("negative_gap", previous, current))
    return problems


def next_step(levels, installment, on_date):
    """(level, date) of the next reminder of an installment, or None when the scenario is over.

    ``levels`` are the scenario's levels; ``on_date`` matters only for preventive levels,
    which make sense strictly before lateness: an installment already overdue skips them.
    """
    ordered = order_levels(levels)
    by_id = {lv.id: lv for lv in ordered}
    current = by_id.get(installment.level_id)
    if installment.level_id is not None and current is None:
        # The level reached was removed from the scenario: nothing more is planned for it
        # rather than starting the client over at the first reminder.
        return None
    candidates = ordered[ordered.index(current) + 1:] if current else ordered
    overdue = on_date > installment.due_date
    for level in candidates:
        if level.preventive and overdue:
            continue
        when = installment.due_date + timedelta(days=level.delay)
        if current and installment.last_date:
            when = max(when, installment.last_date + timedelta(days=level.delay - current.delay))
        return level, when
    return None


def equivalent_level(reached, old_levels, new_levels):
    """The level of another scenario that stands for ``reached`` (a level of ``old_levels``),
    or None.

    When a client changes risk category its invoices continue in the scenario of the new
    category from the step of the same tone and the same rank among the steps of that tone
    (the first firm reminder stands for the first firm reminder, the second for the second,
    the last one of the tone when the new scenario has fewer). When the new scenario has no
    step of that tone, the last milder step stands for it. Never back at the first reminder,
    never a jump of tone. None when the new scenario has nothing as mild: the installment
    then goes on with the first reminder of that scenario.
    """
    same_tone = [lv for lv in order_levels(old_levels) if lv.rank == reached.rank]
    position = same_tone.index(reached) if reached in same_tone else 0
    candidates = [lv for lv in order_levels(new_levels) if lv.rank == reached.rank]
    if candidates:
        return candidates[min(position, len(candidates) - 1)]
    milder = [lv for lv in order_levels(new_levels) if lv.rank < reached.rank]
    return milder[-1] if milder else None


def plan_partner(levels, installments, on_date, force=False):
    """What to send one client on ``on_date``: one relance at most.

    Every installment whose next level is due moves to it; the relance takes the highest of
    those levels and lists the escalated installments and every overdue one (each keeping its
    own level). ``force`` advances every installment that has a next level, due or not
    (the "remind now" action), except preventive levels of installments already late.
    Returns None when nothing is due.
    """
    ordered = order_levels(levels)
    rank = {lv.id: i for i, lv in enumerate(ordered)}
    escalations = {}
    for inst in installments:
        step = next_step(ordered, inst, on_date)
        if step is None:
            continue
        level, when = step
        if when <= on_date or (force and (not level.preventive or on_date <= inst.due_date)):
            escalations[inst.id] = level.id
    if not escalations:
        return None
    top = max(escalations.values(), key=rank.__getitem__)
    listed = [
        inst for inst in installments
        if inst.id in escalations or inst.due_date < on_date
    ]
    listed.sort(key=lambda inst: (inst.due_date, inst.id))
    return PartnerPlan(level_id=top, escalations=escalations, listed=tuple(i.id for i in listed))


def days_overdue(due_date, on_date):
    """Days of lateness (0 when not yet due)."""
    return max((on_date - due_date).days, 0)
