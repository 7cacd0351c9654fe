"""When is which reminder due: the relance calendar of a client, without the ORM.

A scenario is a list of levels ordered by sequence; each level has a delay in days relative
to a due date (negative for a preventive reminder). The unit of escalation is the client's
*relance file*: it reaches a level when a relance at that level actually goes out, and it
moves at most one step per relance. Which step is due is driven by the client's oldest
unpaid overdue installment, measured against the delays of the scenario, once the gap of
the scenario since the last relance that went out has passed. Installments keep their own
due dates only for the listing and the penalties: an invoice falling due while a file is
open joins it and never starts a calendar of its own.

Rules (each is tested in tests/test_calendar.py):

* A new file (first lateness, or an old debt when the addon is installed) starts at the
  highest *written* reminder whose delay the lateness has passed: never directly at a phone
  call, at the mise en demeure or at litigation.
* A file moves one step after the level reached, never to a milder tone than the last
  relance that went out, and a mise en demeure always follows a written reminder that went
  out.
* The client never receives two relances it sees (e-mail, letter, registered letter) less
  than ``min_gap`` days apart, preventive reminders included.
* Preventive reminders are their own track: only a client with nothing overdue gets one, for
  the installments about to fall due that had none yet; a client with an open file sees those
  installments listed "à échoir" in its next relance instead.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# The tones of the relances, from the mildest to the most severe: the order of escalation.
TONE_ORDER = ('preventive', 'cordial', 'firm', 'severe', 'last_notice', 'formal_notice')

# The channels a client reads, unlike a phone call: they count for the minimum gap between
# relances, and one of them must have gone out before a mise en demeure.
WRITTEN_CHANNELS = ('email', 'letter', 'registered_letter')


def tone_rank(tone):
    """Severity of a tone: 0 preventive … 5 mise en demeure."""
    return TONE_ORDER.index(tone)


# The first tone whose letters claim late-payment penalties and the recovery indemnity.
PENALTY_TONE = 'severe'


def claims_penalties(tone, consumer):
    """Whether a relance of ``tone`` claims the penalties and the indemnity on top of the
    principal: a professional from the severe reminder on, anybody in a mise en demeure (a
    consumer then owes the legal interest it starts). What the letter, the e-mail and the
    relance form call the total claimed follows from it."""
    return tone == 'formal_notice' or (not consumer and tone_rank(tone) >= tone_rank(PENALTY_TONE))


def is_written(record):
    """Whether the client reads what goes out on the channels of ``record`` (a relance or a
    level: anything with ``channel_email``, ``channel_letter``, ``channel_registered_letter``)."""
    return any(getattr(record, f'channel_{channel}') for channel in WRITTEN_CHANNELS)


@dataclass(frozen=True)
class Level:
    id: int
    sequence: int
    delay: int
    rank: int = 0  # severity of its tone (tone_rank)
    written: bool = True  # goes out on a channel the client reads (e-mail, letter, LRAR)

    @property
    def preventive(self):
        return self.delay < 0

    @property
    def formal_notice(self):
        return self.rank == FORMAL_NOTICE_RANK


FORMAL_NOTICE_RANK = tone_rank('formal_notice')


@dataclass(frozen=True)
class Installment:
    """One open receivable installment of a customer invoice, as the calendar sees it."""

    id: int
    due_date: date
    previewed: bool = False  # already listed by a preventive reminder or "à échoir"


@dataclass(frozen=True)
class FileState:
    """Where a client's relance file stands: only relances that went out count."""

    level_id: int | None = None  # level of the last relance that went out (seen from the scenario)
    last_date: date | None = None  # date of that relance
    last_rank: int = -1  # tone of that relance (never go below it)
    written_sent: bool = False  # a written reminder of this file went out
    last_seen: date | None = None  # last relance the client saw, whatever the file (min gap)


@dataclass(frozen=True)
class ClientPlan:
    """What the client is due today (``level_id``, None when nothing), and the next step."""

    level_id: int | None
    kind: str  # 'file' (escalation of an open file) or 'preventive'
    listed: tuple = ()  # overdue installment ids the relance claims, oldest first
    upcoming: tuple = ()  # installment ids "à échoir" it lists apart
    next_level_id: int | None = None
    next_date: date | None = None


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


def _written_reminders(levels):
    """The written reminders among ``levels``, the mise en demeure apart."""
    return [lv for lv in levels if lv.written and not lv.formal_notice]


def _first_step(ordered, oldest_due, on_date):
    """(level, date) of a new file: the highest written reminder the lateness has passed, or
    the first one; None when the scenario has none."""
    written = _written_reminders(ordered)
    if not written:
        return None
    passed = [lv for lv in written if oldest_due + timedelta(days=lv.delay) <= on_date]
    level = passed[-1] if passed else written[0]
    return level, oldest_due + timedelta(days=level.delay)


def _level_after(ordered, current, state):
    """The level after the one the file reached (``current``, None when it left the
    scenario), never milder than the last relance that went out; a mise en demeure only once a
    written reminder went out. None when the scenario is over."""
    if current is not None:
        after = ordered[ordered.index(current) + 1 :]
    else:
        # The level reached left the scenario: go on with what is not milder than it was.
        after = [lv for lv in ordered if lv.rank > state.last_rank]
    after = [lv for lv in after if lv.rank >= state.last_rank]
    if not after:
        return None
    if after[0].formal_notice and not state.written_sent:
        written = _written_reminders(after)
        return written[0] if written else None
    return after[0]


def _next_step(ordered, current, state, oldest_due, min_gap):
    """(level, date) of the step after the one an open file reached, or None: at the delay of
    the level, and not before the gap between the two levels since the last relance."""
    level = _level_after(ordered, current, state)
    if level is None:
        return None
    when = oldest_due + timedelta(days=level.delay)
    if state.last_date:
        gap = level.delay - current.delay if current is not None else min_gap
        when = max(when, state.last_date + timedelta(days=max(gap, 0)))
    return level, when


def escalation_step(levels, state, oldest_due, on_date, min_gap=0):
    """(level, date) of the next relance of an open file, or None when the scenario is over.

    ``oldest_due`` is the due date of the client's oldest unpaid overdue installment.
    """
    ordered = [lv for lv in order_levels(levels) if not lv.preventive]
    current = next((lv for lv in ordered if lv.id == state.level_id), None)
    if current is None and state.level_id is None and state.last_rank < 0:
        step = _first_step(ordered, oldest_due, on_date)
    else:
        step = _next_step(ordered, current, state, oldest_due, min_gap)
    if step is None:
        return None
    level, when = step
    if level.written and state.last_seen:
        when = max(when, state.last_seen + timedelta(days=min_gap))
    return level, when


def preventive_step(levels, installments, on_date, last_seen=None, min_gap=0):
    """(level, installments) of the preventive reminder due today, or None.

    Each installment gets one preventive reminder, between the delay of the preventive level
    and its due date; the minimum gap may make the client wait, and an installment whose due
    date passes meanwhile simply leaves the preventive track.
    """
    preventive = [lv for lv in order_levels(levels) if lv.preventive]
    if not preventive:
        return None
    level = preventive[0]
    due = [
        inst
        for inst in installments
        if not inst.previewed and on_date <= inst.due_date <= on_date - timedelta(days=level.delay)
    ]
    if not due:
        return None
    if last_seen and on_date < last_seen + timedelta(days=min_gap):
        return None
    return level, sorted(due, key=lambda inst: (inst.due_date, inst.id))


def _by_due_date(installments):
    return sorted(installments, key=lambda inst: (inst.due_date, inst.id))


def _file_plan(levels, state, overdue, upcoming, on_date, min_gap, force):
    """The ClientPlan of a client with ``overdue`` installments (oldest first): the next step
    of its file, today when it is due (or forced), else only when it will be."""
    step = escalation_step(levels, state, overdue[0].due_date, on_date, 0 if force else min_gap)
    if step is None:
        return ClientPlan(None, 'file')
    level, when = step
    if when > on_date and not force:
        return ClientPlan(None, 'file', next_level_id=level.id, next_date=when)
    return ClientPlan(
        level.id,
        'file',
        listed=tuple(inst.id for inst in overdue),
        upcoming=upcoming,
        next_level_id=level.id,
        next_date=on_date,
    )


def _forced_preventive_plan(preventive, installments, on_date):
    """The ClientPlan of "remind now" for a client with nothing overdue: the preventive
    reminder, today, of every installment to come that had none yet."""
    candidates = [inst for inst in installments if inst.due_date >= on_date and not inst.previewed]
    if preventive and candidates:
        return ClientPlan(preventive[0].id, 'preventive', listed=tuple(inst.id for inst in _by_due_date(candidates)))
    return ClientPlan(None, 'preventive')


def plan_client(levels, state, installments, on_date, min_gap=0, force=False):
    """What to send one client on ``on_date``: one relance at most, as a ClientPlan.

    ``force`` is "remind now" by a person: the next step goes out today whatever its date and
    the minimum gap (the person confirmed it).
    """
    overdue = _by_due_date(inst for inst in installments if inst.due_date < on_date)
    preventive = [lv for lv in order_levels(levels) if lv.preventive]
    if overdue:
        horizon = on_date - timedelta(days=preventive[0].delay) if preventive else on_date
        upcoming = tuple(inst.id for inst in _by_due_date(installments) if on_date <= inst.due_date <= horizon)
        return _file_plan(levels, state, overdue, upcoming, on_date, min_gap, force)
    if force:
        return _forced_preventive_plan(preventive, installments, on_date)
    step = preventive_step(levels, installments, on_date, state.last_seen, min_gap)
    if step is None:
        return ClientPlan(None, 'preventive')
    level, due = step
    return ClientPlan(
        level.id, 'preventive', listed=tuple(inst.id for inst in due), next_level_id=level.id, next_date=on_date
    )


def days_overdue(due_date, on_date):
    """Days of lateness (0 when not yet due)."""
    return max((on_date - due_date).days, 0)
