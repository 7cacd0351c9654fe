"""What a late invoice costs the debtor: L441-10 penalties, the 40 € indemnity, legal interest.

Rates are percents per year, rate tables are plain lists the Odoo layer builds from records:
ECB MRO changes ``[(effective_date, percent)]`` and legal interest rates
``[(semester_start, particuliers_percent, autres_cas_percent)]``. Nothing is ever guessed:
a half-year with no known rate raises ``MissingRate`` rather than carrying a value forward,
because a penalty claimed at a wrong rate in a mise en demeure is worse than no penalty.

Conventions (the usual practice of French creditors and courts; written once, used everywhere):
- Amounts are ``Decimal``, computed exactly and rounded to the cent (ROUND_HALF_UP) once, on
  the total of each invoice, so that splitting a period never adds or loses a cent.
- Year basis: always 365 days, leap years included (days / 365, as L441-10 practice does).
- Day count: interest runs from the day after the due date to the payment date inclusive,
  i.e. ``(payment_date - due_date).days`` days: an invoice due on 15 February and paid on
  16 March is 30 days late. Each euro bears interest until the day it is paid, that day
  included, so a partial payment reduces the base from the day AFTER it is received. A full
  payment is just the last partial one: listing it among the payments changes nothing.
- Credit notes are not payments: an avoir corrects the invoice, the debt was smaller from the
  start, so it reduces the principal from the due date (``Debt.credit_notes``). An invoice
  fully reversed bears no penalty and no indemnity, whenever the credit note was issued.

Readings of L441-10 I applied here (interpretations, also stated in the README):
- A contract rate may not be below 3 x the legal interest rate. That floor moves every
  half-year, so the contract rate is checked for each half-year it is used for, against the
  'autres cas' legal rate of that half-year (``ContractRate``). Where it falls below, the
  clause cannot be applied for that half-year and the statutory rate (ECB + 10 points)
  applies instead; the half-years concerned are kept so that the letter can say so.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
YEAR_DAYS = 365
B2B_MARGIN = Decimal("10")  # L441-10 I: ECB MRO rate + 10 points
FLOOR_FACTOR = Decimal("3")  # L441-10 I: a contract rate >= 3 x the legal rate
RECOVERY_INDEMNITY = Decimal("40.00")  # D441-5

# What a letter, an invoice line or a schedule calls each charge, with the article that grounds it.
PENALTY_LABEL = "Pénalités de retard (article L441-10 du Code de commerce)"
LEGAL_INTEREST_LABEL = "Intérêts au taux légal (articles 1231-6 et 1344-1 du Code civil)"
INDEMNITY_LABEL = "Indemnité forfaitaire pour frais de recouvrement (article D441-5 du Code de commerce)"


class MissingRate(LookupError):
    """No known rate for a half-year: the user must enter it before anything is computed.

    ``year`` and ``half`` name the half-year, so that each layer words it in its language;
    ``semester`` is the French label letters use ("2e semestre 2026")."""

    def __init__(self, year, half, what="rate"):
        self.year, self.half, self.what = year, half, what
        self.semester = semester_label(year, half)
        super().__init__(f"No {what} known for {self.semester}: enter it before computing.")


class RateBelowFloor(ValueError):
    """A contract rate below 3 x the legal rate (L441-10 I): the clause cannot be applied."""

    def __init__(self, rate, floor, year, half):
        self.rate, self.floor, self.year, self.half = rate, floor, year, half
        semester = self.semester = semester_label(year, half)
        super().__init__(
            f"Contract rate {rate} % is below the legal floor of {floor} % "
            f"(3 x the legal interest rate of {semester}, L441-10)."
        )


def _dec(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


def half_year_of(day):
    """(year, half) of a date, half being 1 (January-June) or 2 (July-December)."""
    return day.year, 1 if day.month <= 6 else 2


def half_year_start(year, half):
    if half not in (1, 2):
        raise ValueError(f"half must be 1 or 2, not {half!r}")
    return date(year, 1 if half == 1 else 7, 1)


def half_year_end(year, half):
    return date(year, 6, 30) if half == 1 else date(year, 12, 31)


def semester_label(year, half):
    """The half-year as French letters write it: "1er semestre 2026", "2e semestre 2026"."""
    return f"{'1er' if half == 1 else '2e'} semestre {year}"


def b2b_rate_for_half_year(ecb_changes, year, half, known_until):
    """L441-10 default rate of a half-year: ECB MRO rate in force on 1 January (H1) or
    1 July (H2) + 10 points, i.e. the last change effective on or before that day.

    ``known_until`` is required: the ECB table lists changes only, so the absence of a
    change after the last row does not prove the rate stayed the same (a meeting may have
    been missed when the table was filled in). A user confirms each new half-year by moving
    ``known_until`` forward; a half-year starting after it raises ``MissingRate``.
    """
    start = half_year_start(year, half)
    in_force = [(d, r) for d, r in sorted(ecb_changes) if d <= start]
    if start > known_until or not in_force:
        raise MissingRate(year, half, "ECB rate")
    return _dec(in_force[-1][1]) + B2B_MARGIN


def b2b_rate_lookup(ecb_changes, known_until):
    """The default L441-10 rate as a ``rate_for_day`` callable for ``late_penalties``."""
    return lambda day: b2b_rate_for_half_year(ecb_changes, *half_year_of(day), known_until)


def legal_rate(legal_rates, on_date, creditor_is_private=False):
    """Legal interest rate (CMF L313-2) of the semester containing ``on_date``.

    'autres_cas' unless the creditor is a private person not acting for professional needs.
    A semester absent from the table raises ``MissingRate``: the rate changes every
    half-year, a previous value is never carried forward.
    """
    year, half = half_year_of(on_date)
    start = half_year_start(year, half)
    for semester_start, particuliers, autres_cas in legal_rates:
        if semester_start == start:
            return _dec(particuliers if creditor_is_private else autres_cas)
    raise MissingRate(year, half, "legal interest rate")


def contract_rate_floor(legal_rates, on_date):
    """Lowest contract penalty rate allowed (L441-10 I): 3 x the 'autres cas' legal rate."""
    return FLOOR_FACTOR * legal_rate(legal_rates, on_date)


def check_contract_rate(rate, legal_rates, on_date):
    """The contract rate as a Decimal, or ``RateBelowFloor`` when under 3 x the legal rate."""
    rate, floor = _dec(rate), contract_rate_floor(legal_rates, on_date)
    if rate < floor:
        raise RateBelowFloor(rate, floor, *half_year_of(on_date))
    return rate


def recovery_indemnity(is_professional):
    """Fixed recovery indemnity (L441-10 II, D441-5): 40 € per invoice paid late by a
    professional, once per invoice whatever the lateness; never owed by a consumer."""
    return RECOVERY_INDEMNITY if is_professional else Decimal("0.00")


@dataclass(frozen=True)
class Debt:
    """The principal of one invoice (amount including VAT) and what reduced it:
    ``payments`` are ``(date, amount)``, positive, each reducing the base from the day after it
    was received; ``credit_notes`` are amounts, positive, reducing the principal itself (from
    the due date: a credit note corrects the invoice, it does not pay it)."""

    principal: Decimal
    payments: tuple = ()
    credit_notes: tuple = ()

    @property
    def corrected_principal(self):
        return _dec(self.principal) - sum((_dec(a) for a in self.credit_notes), Decimal(0))


def debt_on(principal, partials, day):
    """The ``Debt`` of one installment on ``day``: ``principal`` in the invoice currency and
    ``partials``, the reconciliations of its debit as ``(date, amount, is_credit_note)``; those
    after ``day`` do not count yet. A credit note corrects the principal, anything else (a
    payment, another entry) pays it on its date."""
    known = [partial for partial in partials if partial[0] <= day]
    return Debt(
        principal=_dec(principal),
        payments=tuple((on, _dec(amount)) for on, amount, credit_note in known if not credit_note),
        credit_notes=tuple(_dec(amount) for _on, amount, credit_note in known if credit_note),
    )


class ContractRate:
    """A contract penalty rate, as a ``rate_for_day`` callable checked half-year by half-year.

    For each half-year it is used for, the rate is compared with 3 x the 'autres cas' legal
    rate of that half-year (L441-10 I). Below it, the clause cannot be applied: the statutory
    rate (``statutory``, ECB + 10 points, any ``rate_for_day`` form) applies for that half-year,
    and the half-year is added to ``below_floor`` so that the letter can say so. A half-year
    without a legal rate raises ``MissingRate``: the floor cannot be checked.
    """

    def __init__(self, rate, legal_rates, statutory):
        self.rate = _dec(rate)
        self.legal_rates = legal_rates
        self.statutory = _rate_getter(statutory)
        self.below_floor = set()

    def __call__(self, day):
        if self.rate < contract_rate_floor(self.legal_rates, day):
            self.below_floor.add(half_year_of(day))
            return _dec(self.statutory(day))
        return self.rate


@dataclass(frozen=True)
class Segment:
    start: date  # first day bearing interest, inclusive
    end: date  # last day bearing interest, inclusive
    days: int
    base: Decimal  # principal still unpaid over the segment
    rate: Decimal  # annual percent
    amount: Decimal  # exact, not rounded: only the total is rounded


@dataclass(frozen=True)
class Breakdown:
    segments: tuple
    total: Decimal  # rounded to the cent

    @property
    def days(self):
        return sum(s.days for s in self.segments)

    @property
    def start(self):
        return self.segments[0].start if self.segments else None

    @property
    def end(self):
        return self.segments[-1].end if self.segments else None

    def rates_by_half_year(self):
        """[(year, half, rate, first day, last day)]: the rate applied in each half-year of the
        period, in order, as a letter states it."""
        periods = []
        for segment in self.segments:
            key = half_year_of(segment.start)
            if periods and periods[-1][:3] == (*key, segment.rate):
                periods[-1] = (*periods[-1][:4], segment.end)
            else:
                periods.append((*key, segment.rate, segment.start, segment.end))
        return periods


def _rate_getter(rate_for_day):
    if callable(rate_for_day):
        return rate_for_day
    if isinstance(rate_for_day, dict):

        def by_half_year(day):
            key = half_year_of(day)
            if key not in rate_for_day:
                raise MissingRate(*key)
            return rate_for_day[key]

        return by_half_year
    return lambda day: rate_for_day  # one contract rate for every day


def late_penalties(debt, due_date, until_date, rate_for_day, freeze_rate=False):
    """L441-10 penalties of one invoice, owed without any reminder from the day after the
    due date to ``until_date`` inclusive: base still unpaid x rate x days / 365.

    ``rate_for_day`` is a percent (a contract rate, every day), a mapping
    ``{(year, half): percent}`` or a callable ``day -> percent`` (see ``b2b_rate_lookup``).
    The period is cut at each 1 January and 1 July (the rate in force on those days applies
    to the half-year, L441-10 I) and after each payment. With ``freeze_rate`` (company
    option, the public-contract rule) every day takes the rate of the half-year in which
    lateness began (the one containing due_date + 1 day). A base at or below zero
    (overpayment, credit note) bears nothing: the result is never negative.
    """
    rate_of = _rate_getter(rate_for_day)
    first = due_date + timedelta(days=1)
    frozen = _dec(rate_of(first)) if freeze_rate and first <= until_date else None
    # A payment received on day P reduces the base from P + 1 (P itself bears interest).
    cuts = {p + timedelta(days=1) for p, _amount in debt.payments if first < p + timedelta(days=1) <= until_date}
    segments, day = [], first
    while day <= until_date:
        half_end = half_year_end(*half_year_of(day))
        next_cut = min([c for c in cuts if c > day] + [half_end + timedelta(days=1)])
        end = min(next_cut - timedelta(days=1), until_date)
        base = debt.corrected_principal - sum((_dec(a) for p, a in debt.payments if p < day), Decimal(0))
        if base > 0:
            rate = frozen if frozen is not None else _dec(rate_of(day))
            days = (end - day).days + 1
            amount = base * rate * days / (100 * YEAR_DAYS)
            segments.append(Segment(day, end, days, base, rate, amount))
        day = end + timedelta(days=1)
    total = sum((s.amount for s in segments), Decimal(0)).quantize(CENT, ROUND_HALF_UP)
    return Breakdown(tuple(segments), total)


def consumer_interest(debt, mise_en_demeure_date, until_date, legal_rates):
    """Late interest owed by a consumer (Code civil 1231-6, 1344-1): legal interest, the
    'autres cas' value since the creditor is a company, running only from the mise en
    demeure: from the day after it to ``until_date`` inclusive (same day count and payment
    rule as ``late_penalties``), each half-year at its own legal rate. No L441-10 penalties
    and no 40 € indemnity for a consumer. The caller passes the date of a mise en demeure
    sent once the invoice was due.
    """
    return late_penalties(debt, mise_en_demeure_date, until_date, lambda day: legal_rate(legal_rates, day))


def _percent(rate):
    return f"{_dec(rate):.2f}".replace(".", ",") + " %"


def merged_rate_periods(breakdowns):
    """[(year, half, rate, first day, last day)] over the breakdowns of an invoice's
    installments: one entry per half-year and rate, from the earliest to the latest day."""
    periods = {}
    for breakdown in breakdowns:
        for year, half, rate, start, end in breakdown.rates_by_half_year():
            key = (year, half, rate)
            first, last = periods.get(key, (start, end))
            periods[key] = (min(first, start), max(last, end))
    return sorted(((*key, first, last) for key, (first, last) in periods.items()), key=lambda p: p[3])


def describe_rates(breakdowns, contract_rate=None, below_floor=(), legal_interest=False):
    """The period and the rates of an invoice's penalties, as a French letter states them:
    "du 11 mars 2026 au 9 mai 2026, au taux annuel de 12,15 % (taux BCE + 10 points du 1er
    semestre 2026)". Empty when nothing accrued."""
    from .words import date_in_words

    periods = merged_rate_periods(breakdowns)
    if not periods:
        return ""
    parts = []
    for year, half, rate, start, end in periods:
        semester = semester_label(year, half)
        if legal_interest:
            why = f"taux de l'intérêt légal du {semester}"
        elif contract_rate and (year, half) in below_floor:
            why = (
                f"taux BCE + 10 points du {semester} : le taux contractuel de {_percent(contract_rate)} "
                f"est inférieur à trois fois le taux de l'intérêt légal de ce semestre (article L441-10 "
                f"du Code de commerce) et ne peut s'appliquer"
            )
        elif contract_rate:
            why = "taux contractuel"
        else:
            why = f"taux BCE + 10 points du {semester}"
        span = "" if len(periods) == 1 else f" du {date_in_words(start)} au {date_in_words(end)}"
        parts.append(f"{_percent(rate)} ({why}){span}")
    first, last = periods[0][3], periods[-1][4]
    return f"du {date_in_words(first)} au {date_in_words(last)}, au taux annuel de " + " ; puis ".join(parts)


@dataclass(frozen=True)
class Period:
    """One period of an invoice's penalties as a letter prints it, so that a reader recomputes
    it: ``base`` x ``rate`` % x ``days`` / 365 = ``amount``, rounded to the cent."""

    start: date
    end: date
    days: int
    base: Decimal
    rate: Decimal
    amount: Decimal


def periods_of(breakdowns):
    """The periods of the penalties of an invoice's installments, in order, each amount rounded
    to the cent so that they add up to the invoice's total to the cent.

    Each period rounded on its own could add up to a cent more or less than the total, which
    is rounded once (see the conventions above); the cents the rounding leaves are given to
    the periods whose exact amount lost the most (largest remainder), so no printed period
    is ever more than a cent from its own product and the sum a reader makes is the total."""
    periods = []
    for breakdown in breakdowns:
        floors = [segment.amount.quantize(CENT, rounding=ROUND_FLOOR) for segment in breakdown.segments]
        left = int((breakdown.total - sum(floors, Decimal(0))) / CENT)
        by_loss = sorted(range(len(floors)), key=lambda i: (breakdown.segments[i].amount - floors[i], -i), reverse=True)
        for i in by_loss[:left]:
            floors[i] += CENT
        periods += [
            Period(segment.start, segment.end, segment.days, segment.base, segment.rate, amount)
            for segment, amount in zip(breakdown.segments, floors)
        ]
    return sorted(periods, key=lambda period: (period.start, period.end))


# ------------------------------------------------------------------ one invoice, assessed


@dataclass(frozen=True)
class InstallmentDue:
    """One installment of an invoice as the assessment reads it: its due date, its amount in
    the invoice currency, its reconciliations ``(date, amount, is_credit_note)`` and whether
    it is fully paid."""

    due: date
    amount: Decimal
    partials: tuple = ()
    reconciled: bool = False


@dataclass(frozen=True)
class Assessment:
    """What one invoice owes beyond its principal on a day, before what was invoiced already.

    ``kind`` is 'penalty' (a professional: L441-10 penalties and the D441-5 indemnity) or
    'legal_interest' (a consumer, Code civil 1231-6). ``late_since`` is the due date of the
    first installment paid late or still unpaid, when there is one: the 40 € indemnity is then
    owed (converted at that day's rate when the invoice is not in euros). ``missing`` is the
    rate that could not be found: nothing accrued, the indemnity is still owed.
    ``ecb_half_years`` and ``legal_half_years`` are the half-years whose rates were used."""

    kind: str = 'penalty'
    breakdowns: tuple = ()
    accrued: Decimal = Decimal(0)
    late_since: date | None = None
    missing: MissingRate | None = None
    contract_rate: Decimal | None = None
    below_floor: frozenset = frozenset()
    ecb_half_years: frozenset = frozenset()
    legal_half_years: frozenset = frozenset()

    @property
    def indemnity(self):
        return recovery_indemnity(self.late_since is not None)


def late_debts(installments, on_date):
    """[(due date, Debt)] of the installments late on ``on_date``: unpaid after their due date,
    or paid after it. An installment fully corrected by credit notes never was a debt."""
    late = []
    for installment in installments:
        debt = debt_on(installment.amount, installment.partials, on_date)
        if debt.corrected_principal <= 0:
            continue
        paid_on = max((day for day, _amount in debt.payments), default=None) if installment.reconciled else None
        if (paid_on or on_date) > installment.due:
            late.append((installment.due, debt))
    return late


def assess_professional(installments, on_date, statutory, legal_rates, contract_rate=None, freeze_rate=False):
    """The L441-10 penalties of a professional's invoice on ``on_date``: each late installment
    at the statutory rate (ECB + 10 points, a ``rate_for_day``) or at ``contract_rate`` where it
    is not below its floor, and the 40 € indemnity once for the invoice."""
    late = late_debts(installments, on_date)
    if not late:
        return Assessment()
    first_due = min(due for due, _debt in late)
    rate = ContractRate(contract_rate, legal_rates, statutory) if contract_rate else statutory
    try:
        breakdowns = tuple(late_penalties(debt, due, on_date, rate, freeze_rate=freeze_rate) for due, debt in late)
    except MissingRate as missing:
        return Assessment(late_since=first_due, missing=missing, contract_rate=contract_rate)
    used = {period[:2] for period in merged_rate_periods(breakdowns)}
    below = frozenset(rate.below_floor) if contract_rate else frozenset()
    return Assessment(
        breakdowns=breakdowns,
        accrued=sum((breakdown.total for breakdown in breakdowns), Decimal(0)),
        late_since=first_due,
        contract_rate=contract_rate,
        below_floor=below,
        # A contract rate uses the ECB table only where it falls below its floor, and the
        # legal rates for that floor in every half-year.
        ecb_half_years=frozenset(used & below if contract_rate else used),
        legal_half_years=frozenset(used if contract_rate else ()),
    )


def assess_consumer(installments, notice_date, on_date, legal_rates):
    """The legal interest of a consumer's invoice on ``on_date``: nothing before a mise en
    demeure (``notice_date``, None when none went out), then ``consumer_interest`` on each
    installment. No penalties, no indemnity."""
    if notice_date is None or on_date <= notice_date:
        return Assessment(kind='legal_interest')
    try:
        breakdowns = tuple(
            consumer_interest(debt_on(inst.amount, inst.partials, on_date), notice_date, on_date, legal_rates)
            for inst in installments
        )
    except MissingRate as missing:
        return Assessment(kind='legal_interest', missing=missing)
    return Assessment(
        kind='legal_interest',
        breakdowns=breakdowns,
        accrued=sum((breakdown.total for breakdown in breakdowns), Decimal(0)),
        legal_half_years=frozenset(period[:2] for period in merged_rate_periods(breakdowns)),
    )


def assessment_text(assessment, indemnity_converted=None, already_invoiced=None):
    """The French text a letter prints under the invoice: how its penalties or interest were
    computed (or why they could not be), the indemnity, and what was invoiced already.

    ``indemnity_converted``: the 40 € in the invoice currency, formatted, when it is not the
    euro; ``already_invoiced``: (the names of the invoices that charged the penalties, the
    amount they charged, formatted), deducted from what is claimed."""
    if assessment.kind == 'penalty' and assessment.late_since is None:
        return ""  # nothing late: nothing to say
    missing, lines = assessment.missing, []
    if assessment.kind == 'legal_interest':
        if missing:
            lines.append(
                f"Intérêts au taux légal non calculés : le taux de l'intérêt légal du {missing.semester} "
                "n'est pas encore connu."
            )
        elif assessment.breakdowns and assessment.accrued:
            lines.append(f"{LEGAL_INTEREST_LABEL}, {describe_rates(assessment.breakdowns, legal_interest=True)}.")
    else:
        if missing:
            which = "taux de l'intérêt légal" if missing.what == "legal interest rate" else "taux BCE"
            lines.append(
                f"Pénalités de retard non calculées : le {which} du {missing.semester} n'est pas encore connu."
            )
        elif rates := describe_rates(assessment.breakdowns, assessment.contract_rate, assessment.below_floor):
            lines.append(f"{PENALTY_LABEL}, {rates}.")
        indemnity = f"{INDEMNITY_LABEL} : 40 €"
        if indemnity_converted:
            from .words import date_in_words

            indemnity += (
                f", soit {indemnity_converted} au cours du {date_in_words(assessment.late_since)}, date d'échéance"
            )
        lines.append(indemnity + ".")
    if already_invoiced:
        lines.append("Déjà facturé par {} : {}, déduit ci-dessus.".format(*already_invoiced))
    return "\n".join(lines)


#: The penalties of an invoice whose pending relance stays as it is: not computed, not needed.
NO_PENALTIES = {
    'penalties': 0.0,
    'indemnity': 0.0,
    'warning': False,
    'penalties_company': 0.0,
    'indemnity_company': 0.0,
}


def penalty_totals(penalties, move_ids):
    """(penalties, indemnities, warnings) of the invoices ``move_ids`` in the company's
    currency, from ``penalties`` {move id: amounts with ``penalties_company``,
    ``indemnity_company`` and ``warning``}; the warnings sorted, each once."""
    return (
        sum(penalties[move_id]['penalties_company'] for move_id in move_ids),
        sum(penalties[move_id]['indemnity_company'] for move_id in move_ids),
        sorted({penalties[move_id]['warning'] for move_id in move_ids if penalties[move_id]['warning']}),
    )
