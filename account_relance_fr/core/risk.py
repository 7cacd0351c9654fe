"""Client risk categories from payment history, without the ORM.

A client is *ponctuel* until its history says otherwise. The history is every installment of
its invoices that fell due in the window (12 months by default) before the day of the
computation: paid ones count with the days between due date and payment, open ones with the
days they are late today. Each figure is compared with two thresholds (occasional, chronic);
the category is the worst one any figure reaches, so the reason can always be told.

Conventions:
- an installment is late when it was paid (or is still open) at least one day after its due
  date; the share of late installments counts installments, not amounts;
- the average lateness is weighted by amount over *all* the installments of the window (an
  installment paid on time weighs with 0 days): a client who pays one small invoice very late
  and all the rest on time stays close to 0;
- the relances that count are those of a severe tone or above (severe, last reminder,
  mise en demeure) sent in the window;
- the share paid late and the average lateness are statistics: they only count once the
  window holds a minimum number of installments (3 by default). A client whose only
  invoice was paid one day late is not a chronic late payer; the longest lateness and the
  severe relances, which are facts, count from the first installment.
"""

from dataclasses import dataclass
from datetime import date

PUNCTUAL, OCCASIONAL, CHRONIC = 'punctual', 'occasional', 'chronic'
CATEGORIES = (PUNCTUAL, OCCASIONAL, CHRONIC)

# Criteria in the order they are reported, with the figure they read.
CRITERIA = ('late_share', 'average_days', 'max_days', 'severe_relances')
STATISTICS = ('late_share', 'average_days')
DEFAULT_MIN_HISTORY = 3

DEFAULT_THRESHOLDS = {
    'late_share': (20.0, 50.0),  # % of installments paid late
    'average_days': (5.0, 15.0),  # days late, weighted by amount
    'max_days': (30.0, 60.0),  # longest lateness
    'severe_relances': (1.0, 3.0),  # relances of a severe tone or above
}


@dataclass(frozen=True)
class HistoryItem:
    """One installment of the window: amount in company currency, when it was due and paid."""

    amount: float
    due_date: date
    paid_date: date | None = None  # None: still open
    open_amount: float | None = None  # what is left to pay that day (None: the whole amount)


@dataclass(frozen=True)
class Figures:
    installments: int
    late: int
    late_share: float  # percent, one decimal
    average_days: float  # one decimal
    max_days: int
    severe_relances: int
    overdue_amount: float  # still open and late today

    def value(self, criterion):
        return getattr(self, criterion)


@dataclass(frozen=True)
class Verdict:
    category: str
    figures: Figures
    reasons: tuple  # (criterion, figure, threshold, category) that set the category
    # Statistics that reached a worse category but were not counted for lack of history,
    # as (criterion, figure, threshold, category): the minimum-history rule changed the
    # decision exactly when this is not empty.
    set_aside: tuple = ()
    min_history: int = DEFAULT_MIN_HISTORY


def threshold_problems(thresholds):
    """What is wrong with a set of thresholds, as (criterion, problem) pairs.

    ``thresholds`` maps each criterion to its (occasional, chronic) pair. Negative values,
    an occasional threshold not strictly below the chronic one (the categories would
    overlap), or a share above 100 % are refused.
    """
    problems = []
    for criterion in CRITERIA:
        occasional, chronic = thresholds[criterion]
        if occasional < 0 or chronic < 0:
            problems.append((criterion, 'negative'))
        elif occasional >= chronic:
            problems.append((criterion, 'overlap'))
        elif criterion == 'late_share' and chronic > 100:
            problems.append((criterion, 'above_100'))
    return problems


def history_figures(items, on_date, severe_relances=0):
    """The figures of a payment history as of ``on_date``."""
    considered = [item for item in items if item.due_date < on_date]
    weights = total = 0.0
    late = max_days = 0
    overdue = 0.0
    for item in considered:
        end = item.paid_date or on_date
        days = max((end - item.due_date).days, 0)
        if days > 0:
            late += 1
        if item.paid_date is None:
            # a partly paid installment is overdue for what is left, as in the aged balance
            overdue += item.amount if item.open_amount is None else item.open_amount
        max_days = max(max_days, days)
        weights += item.amount * days
        total += item.amount
    count = len(considered)
    return Figures(
        installments=count,
        late=late,
        late_share=round(100.0 * late / count, 1) if count else 0.0,
        average_days=round(weights / total, 1) if total > 0 else 0.0,
        max_days=max_days,
        severe_relances=severe_relances,
        overdue_amount=round(overdue, 2),
    )


def categorize(figures, thresholds=None, min_history=DEFAULT_MIN_HISTORY):
    """The category the figures deserve, and the thresholds that decided it.

    A client without any installment in the window is punctual.
    """
    thresholds = thresholds or DEFAULT_THRESHOLDS
    if not figures.installments and not figures.severe_relances:
        return Verdict(PUNCTUAL, figures, (), min_history=min_history)
    reasons, ignored = [], []
    for criterion in CRITERIA:
        occasional, chronic = thresholds[criterion]
        value = figures.value(criterion)
        if value >= chronic:
            reason = (criterion, value, chronic, CHRONIC)
        elif value >= occasional:
            reason = (criterion, value, occasional, OCCASIONAL)
        else:
            continue
        if criterion in STATISTICS and figures.installments < min_history:
            ignored.append(reason)
        else:
            reasons.append(reason)
    worst = max((CATEGORIES.index(r[3]) for r in reasons), default=0)
    category = CATEGORIES[worst]
    set_aside = tuple(r for r in ignored if CATEGORIES.index(r[3]) > worst)
    return Verdict(
        category, figures, tuple(r for r in reasons if r[3] == category), set_aside=set_aside, min_history=min_history
    )
