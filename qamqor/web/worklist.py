"""My tasks: what the cases a user works on need next, computed by queries from the case
files (no stored flag that could drift from them). docs/tasks.md describes each kind.

A kind of task is one function `(cases, on) -> iterable of Task` registered in
TASK_KINDS, in the order the home page shows them. `cases` are the open cases the user
acts on (`task_cases`); `on` is the day to compute for. A kind returns either a plain
iterable (sorted and cut here) or `TaskRows`, a query sorted by urgency in SQL, of which
only the most urgent rows and the total are fetched, in one query.

Tasks name cases by their code only: a task says what is due and when, never who the
person is.
"""

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from heapq import merge
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    When,
    Window,
)
from django.db.models.functions import Coalesce
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from qamqor.accounts.access import agencies_where
from qamqor.accounts.models import Capability, User
from qamqor.assessments.models import (
    Assessment,
    AssessmentStatus,
    Eligibility,
    EligibilityDecision,
    Instrument,
    InstrumentKind,
    TraffickingDecision,
    TraffickingStatus,
)
from qamqor.assessments.scoring import reflection_period_end
from qamqor.cases.access import agency_identity_cases, case_access, live_break_glass
from qamqor.cases.models import CLOSED_STATUSES, Case, Grounds
from qamqor.clock import today
from qamqor.facilities.models import Placement
from qamqor.facilities.queries import standard_category
from qamqor.plans.queries import reviews_due, services_overdue
from qamqor.protection.models import MeasureKind
from qamqor.protection.queries import EXPIRY_WARNING_DAYS, expiring_within
from qamqor.services.models import Standard, StandardTimeLimit

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType

TASKS_PER_KIND = 10
ORDER_WARNING_DAYS = EXPIRY_WARNING_DAYS  # as the case and protection pages warn
REFLECTION_WARNING_DAYS = 7
STAY_WARNING_DAYS = 14
NEEDS_ASSESSMENT = "needs_assessment"  # the time limit's code in the standards catalogue


@dataclass(frozen=True)
class Task:
    """One thing to do in one case. `due_on` is when it is (or was) due; for work that is
    waiting already (a draft, a missing decision) the day it has been waiting since."""

    kind: str
    case_code: str
    due_on: datetime.date
    detail: str
    url: str


TaskSource = Callable[[QuerySet[Case], datetime.date], Iterable[Task]]


@dataclass(frozen=True)
class TaskKind:
    code: str
    title: str | Promise
    find: TaskSource


@dataclass(frozen=True)
class TaskGroup:
    """The most urgent tasks of one kind (at most the limit) and how many there are."""

    kind: TaskKind
    tasks: list[Task]
    total: int
    on: datetime.date

    @property
    def rows(self) -> list["DatedTask"]:
        return [DatedTask(task, (task.due_on - self.on).days) for task in self.tasks]

    @property
    def more(self) -> int:
        return self.total - len(self.tasks)


@dataclass(frozen=True)
class DatedTask:
    """A task with the days from the day of the list to its date (negative: past)."""

    task: Task
    days: int

    @property
    def days_ago(self) -> int:
        return -self.days


class TaskRows:
    """Tasks from a query already ordered by urgency: `make` turns a row (a dict of
    `values()`, or a model instance) into a Task.

    Iterating runs the whole query; `most_urgent(limit)` fetches only the first rows and
    counts all of them in the same query (a window count).
    """

    def __init__(self, rows: QuerySet[Any, Any], make: Callable[[Any], Task]):
        self.rows = rows
        self.make = make

    def __iter__(self) -> Iterator[Task]:
        return (self.make(row) for row in self.rows)

    def most_urgent(self, limit: int) -> tuple[list[Task], int]:
        fetched = list(self.rows.annotate(task_total=Window(Count("*")))[:limit])
        if not fetched:
            return [], 0
        first = fetched[0]
        total = first["task_total"] if isinstance(first, dict) else first.task_total
        return [self.make(row) for row in fetched], total


def from_query(
    query: Callable[[QuerySet[Case], datetime.date], QuerySet[Any]],
    *,
    kind: str,
    date: str,
    detail: str | Promise | Callable[[Any], str],
    url: str,
) -> TaskSource:
    """A kind of task from another app's query `(cases, on) -> QuerySet`, ordered by
    urgency, whose rows carry `case_code` and the task's date in the attribute `date`;
    `detail` is a text or makes one from a row, `url` names the page taking the case code.
    """

    def make(row: Any) -> Task:
        text = detail(row) if callable(detail) else str(detail)
        return Task(
            kind=kind,
            case_code=row.case_code,
            due_on=getattr(row, date),
            detail=text,
            url=reverse(url, args=[row.case_code]),
        )

    return lambda cases, on: TaskRows(query(cases, on), make)


class MergedTaskRows:
    """Tasks of several sorted queries, merged in order of urgency."""

    def __init__(self, *parts: TaskRows) -> None:
        self.parts = parts

    def __iter__(self) -> Iterator[Task]:
        return merge(*self.parts, key=urgency)

    def most_urgent(self, limit: int) -> tuple[list[Task], int]:
        firsts = [part.most_urgent(limit) for part in self.parts]
        tasks = list(islice(merge(*(tasks for tasks, _total in firsts), key=urgency), limit))
        return tasks, sum(total for _tasks, total in firsts)


def urgency(task: Task) -> tuple[datetime.date, str]:
    """Earliest date first, so overdue tasks come before those due later."""
    return task.due_on, task.case_code


# ---- which cases ----------------------------------------------------------------------


def task_cases(user: User) -> QuerySet[Case] | None:
    """The open cases whose tasks `user` sees, or None for a user who acts on no case.

    Tasks are for those who act on a case: cases the user sees with identity through their
    agency or an assignment, in an agency where their role lets them change cases (a case
    worker's own cases, a supervisor's agency). A de-identified reach (regional
    coordinator), statistics, administration and read-only break-glass give none.
    """
    editing = [agency.pk for agency in agencies_where(user, Capability.EDIT_CASE)]
    if not editing:
        return None
    cases = agency_identity_cases(user).filter(owner_agency_id__in=editing)
    granted = live_break_glass(user)
    if granted:
        # A grant adds read-only cases to the identity reach; leave out those it alone opens.
        read_only = [
            case.pk
            for case in Case.objects.filter(pk__in=list(granted), owner_agency_id__in=editing)
            if not case_access(user, case).edit
        ]
        cases = cases.exclude(pk__in=read_only)
    return cases.exclude(status__in=CLOSED_STATUSES)


@dataclass(frozen=True)
class Worklist:
    groups: list[TaskGroup]

    @property
    def total(self) -> int:
        return sum(group.total for group in self.groups)

    @property
    def busy(self) -> list[TaskGroup]:
        return [group for group in self.groups if group.total]

    @property
    def quiet(self) -> list[TaskGroup]:
        return [group for group in self.groups if not group.total]


def my_tasks(
    user: User, on: datetime.date | None = None, limit: int = TASKS_PER_KIND
) -> Worklist | None:
    """Every kind of task for the user's open cases, most urgent first, at most `limit`
    of each with their total; None for a user who acts on no case."""
    cases = task_cases(user)
    if cases is None:
        return None
    day = on or today()
    return Worklist([collect(kind, cases, day, limit) for kind in TASK_KINDS])


def collect(
    kind: TaskKind, cases: QuerySet[Case], on: datetime.date, limit: int = TASKS_PER_KIND
) -> TaskGroup:
    """The most urgent tasks of one kind in `cases`, at most `limit`, and their total."""
    found = kind.find(cases, on)
    if isinstance(found, TaskRows | MergedTaskRows):
        tasks, total = found.most_urgent(limit)
    else:
        everything = sorted(found, key=urgency)
        tasks, total = everything[:limit], len(everything)
    return TaskGroup(kind=kind, tasks=tasks, total=total, on=on)


# ---- helpers --------------------------------------------------------------------------


def _grounds_by_category() -> dict[str, list[str]]:
    """Standard category code -> the grounds of cases it governs (facilities' rule)."""
    found: dict[str, list[str]] = {}
    for grounds in Grounds.values:
        found.setdefault(standard_category(Case(grounds=grounds)), []).append(grounds)
    return found


def _in_span(field: str, starts: datetime.date, ends: datetime.date | None) -> Q:
    span = Q(**{f"{field}__gte": starts})
    return span & Q(**{f"{field}__lte": ends}) if ends is not None else span


class PlusDays(Func):
    """A date plus a whole number of days, both SQL expressions, as a date.

    Django has no portable form of it: PostgreSQL adds an integer to a date, SQLite
    shifts a date with a modifier ('+3 days').
    """

    output_field = DateField()
    arity = 2

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> "_AsSqlType":
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
            **extra,
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> "_AsSqlType":
        return self.as_sql(
            compiler, connection, template="(%(expressions)s)", arg_joiner=" + ", **extra
        )


def _localised(row: Mapping[str, Any], prefix: str) -> str:
    language = (get_language() or "ru")[:2]
    return str(row.get(f"{prefix}_{language}") or row[f"{prefix}_ru"])


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


# ---- assessments due ------------------------------------------------------------------


def assessments_due(cases: QuerySet[Case], on: datetime.date) -> MergedTaskRows:
    """The first needs assessment not yet completed, due the standard's number of days
    after admission (the first placement of the case, or its opening when the person was
    never placed); and drafts left unfinished."""
    return MergedTaskRows(_first_needs_assessments(cases), _unfinished_drafts(cases, on))


def _first_needs_assessments(cases: QuerySet[Case]) -> TaskRows:
    """Cases without a completed need assessment, due the days of the time limit of the
    standard in force on the day the clock started; cases no standard's time limit
    applies to are left out (nothing is due)."""
    grounds = _grounds_by_category()
    limits = StandardTimeLimit.objects.filter(time_limit__code=NEEDS_ASSESSMENT).values_list(
        "days", "standard__category__code", "standard__effective_from", "standard__effective_to"
    )
    days = [
        When(Q(grounds__in=grounds[category]) & _in_span("started", starts, ends), then=count)
        for count, category, starts, ends in limits
        if category in grounds
    ]
    assessed = Assessment.objects.filter(
        case=OuterRef("pk"),
        # A list of a few ids, read once, rather than a join for every assessment.
        instrument_id__in=Instrument.objects.filter(kind=InstrumentKind.ELIGIBILITY).values("pk"),
        status__in=[AssessmentStatus.COMPLETED, AssessmentStatus.SUPERSEDED],
    )
    rows = (
        cases.filter(~Exists(assessed))
        # The first admission by a join and MIN, read once per case however often used.
        .annotate(first_admission=Min("placements__admitted_on"))
        .annotate(started=Coalesce("first_admission", "opened_on"))
        .annotate(days=models.Case(*days, default=None, output_field=IntegerField()))
        .filter(days__isnull=False)
        .annotate(due=PlusDays("started", "days"))
        .order_by(F("due"), "code")
        .values("code", "due", "first_admission")
    )

    def make(row: Mapping[str, Any]) -> Task:
        if row["first_admission"] is None:
            detail = _("First needs assessment, counted from the opening of the case")
        else:
            detail = _("First needs assessment, counted from the admission")
        return Task(
            kind="assessment",
            case_code=row["code"],
            due_on=row["due"],
            detail=detail,
            url=reverse("assessments:page", args=[row["code"]]),
        )

    return TaskRows(rows, make)


def _unfinished_drafts(cases: QuerySet[Case], on: datetime.date) -> TaskRows:
    rows = (
        Assessment.objects.filter(case__in=cases, status=AssessmentStatus.DRAFT)
        .order_by("assessed_on", "id")
        .values(
            "pk",
            "case__code",
            "assessed_on",
            "instrument__name_kk",
            "instrument__name_ru",
            "instrument__name_en",
        )
    )

    def make(row: Mapping[str, Any]) -> Task:
        started = row["assessed_on"]  # a draft's date is the day it was started
        age = (on - started).days
        instrument = _localised(row, "instrument__name")
        if age < 1:
            detail = _("Draft of “%(instrument)s”, started today") % {"instrument": instrument}
        else:
            detail = _("Draft of “%(instrument)s”, unfinished for %(age)s") % {
                "instrument": instrument,
                "age": _days(age),
            }
        code = row["case__code"]
        return Task(
            kind="assessment",
            case_code=code,
            due_on=started,
            detail=detail,
            url=reverse("assessments:detail", args=[code, row["pk"]]),
        )

    return TaskRows(rows, make)


# ---- eligibility pending --------------------------------------------------------------


def eligibility_pending(cases: QuerySet[Case], on: datetime.date) -> TaskRows:
    """Cases without a current eligibility decision, waiting since they were opened, or
    whose current decision asks for more information, waiting since that decision."""
    # A case has one current decision (superseded by none) once it has any, so "none, or
    # one asking for more information" is "no current decision of eligible or not".
    # NOT EXISTS rather than a join on superseded_by: PostgreSQL misjudges the join.
    current = ~Exists(EligibilityDecision.objects.filter(supersedes=OuterRef("pk")))
    decided = (
        EligibilityDecision.objects.filter(case=OuterRef("pk"))
        .exclude(decision=Eligibility.NEEDS_INFORMATION)
        .filter(current)
    )
    rows = (
        cases.filter(~Exists(decided))
        # A revision is never dated before the decision it revises, so the latest request
        # for information is the current decision when that is one.
        .annotate(
            asked_on=Max(
                "eligibility_decisions__decided_on",
                filter=Q(eligibility_decisions__decision=Eligibility.NEEDS_INFORMATION),
            )
        )
        .annotate(since=Coalesce("asked_on", "opened_on"))
        .order_by(F("since"), "code")
        .values("code", "since", "asked_on")
    )

    def make(row: Mapping[str, Any]) -> Task:
        if row["asked_on"] is not None:
            detail = _("The eligibility decision asks for more information")
        else:
            detail = _("No eligibility decision yet")
        return Task(
            kind="eligibility",
            case_code=row["code"],
            due_on=row["since"],
            detail=detail,
            url=reverse("assessments:page", args=[row["code"]]) + "#eligibility-h",
        )

    return TaskRows(rows, make)


# ---- protective orders expiring -------------------------------------------------------


def orders_expiring(cases: QuerySet[Case], on: datetime.date) -> TaskRows:
    """Protective orders and court requirements in force whose last day is at most
    ORDER_WARNING_DAYS away (protection.queries.expiring_within)."""
    rows = expiring_within(cases, days=ORDER_WARNING_DAYS, on=on).values(
        "kind", "ends_on", "case__code"
    )

    def make(row: Mapping[str, Any]) -> Task:
        code = row["case__code"]
        return Task(
            kind="order",
            case_code=code,
            due_on=row["ends_on"],
            detail=_("%(kind)s: last day in force") % {"kind": MeasureKind(row["kind"]).label},
            url=reverse("protection:page", args=[code]),
        )

    return TaskRows(rows, make)


# ---- stays nearing their limit --------------------------------------------------------


def stays_nearing_limit(cases: QuerySet[Case], on: datetime.date) -> list[Task]:
    """Open placements whose stay has STAY_WARNING_DAYS or fewer days left of the service
    period of the standard in force when the stay began, or has gone beyond it.

    The rule of facilities.queries.length_of_stay, for all open placements at once: a
    transfer continues the stay it came from, so days count from its first admission. One
    query reads every placement of the cases with someone placed; the arithmetic runs over
    those few rows (places are limited by capacity, cases are not).
    """
    placed = Placement.objects.filter(case__in=cases, discharged_on__isnull=True)
    stays = list(
        Placement.objects.filter(case_id__in=placed.values("case_id")).values(
            "pk", "case__code", "case__grounds", "admitted_on", "discharged_on", "transferred_from"
        )
    )
    if not stays:
        return []
    admitted = {row["pk"]: row for row in stays}
    categories = {
        grounds: category
        for category, all_grounds in _grounds_by_category().items()
        for grounds in all_grounds
    }
    standards = _standards_by_category()
    tasks = []
    for row in stays:
        if row["discharged_on"] is not None:
            continue
        first = row
        while first["transferred_from"] is not None and first["transferred_from"] in admitted:
            first = admitted[first["transferred_from"]]
        started = first["admitted_on"]
        period = _period_on(standards.get(categories[row["case__grounds"]], []), started)
        if period is None:
            continue
        ends = started + datetime.timedelta(days=period)
        if (ends - on).days > STAY_WARNING_DAYS:
            continue
        code = row["case__code"]
        tasks.append(
            Task(
                kind="stay",
                case_code=code,
                due_on=ends,
                detail=_("Stay of %(used)s out of the standard's %(period)s")
                % {"used": _days((on - started).days), "period": _days(period)},
                url=reverse("facilities:placement", args=[code]),
            )
        )
    return tasks


def _standards_by_category() -> dict[str, list[tuple[datetime.date, datetime.date | None, int]]]:
    found: dict[str, list[tuple[datetime.date, datetime.date | None, int]]] = {}
    rows = Standard.objects.values_list(
        "category__code", "effective_from", "effective_to", "service_period_days"
    )
    for category, starts, ends, days in rows:
        found.setdefault(category, []).append((starts, ends, days))
    return found


def _period_on(
    spans: list[tuple[datetime.date, datetime.date | None, int]], day: datetime.date
) -> int | None:
    for starts, ends, days in spans:
        if starts <= day and (ends is None or day <= ends):
            return days
    return None


# ---- reflection periods ending --------------------------------------------------------


def reflection_periods_ending(cases: QuerySet[Case], on: datetime.date) -> TaskRows:
    """Current "possible victim" decisions whose recovery and reflection period ends at
    most REFLECTION_WARNING_DAYS away, or has ended while the status is still "possible"."""
    rows = (
        TraffickingDecision.objects.filter(
            case__in=cases,
            superseded_by__isnull=True,
            status=TraffickingStatus.POSSIBLE,
            reflection_days__isnull=False,
        )
        # The day of the decision is the first of the period (scoring.reflection_period_end).
        .annotate(ends=PlusDays("decided_on", F("reflection_days") - 1))
        .filter(ends__lte=on + datetime.timedelta(days=REFLECTION_WARNING_DAYS))
        .order_by("ends", "case__code")
        .values("case__code", "decided_on", "reflection_days")
    )

    def make(row: Mapping[str, Any]) -> Task:
        code = row["case__code"]
        ends = reflection_period_end(row["decided_on"], row["reflection_days"])
        if ends < on:
            detail = _("Reflection period over; the status is still “possible victim”")
        else:
            detail = _("Reflection period of %(length)s for a possible victim ends") % {
                "length": _days(row["reflection_days"])
            }
        return Task(
            kind="reflection",
            case_code=code,
            due_on=ends,
            detail=detail,
            url=reverse("assessments:page", args=[code]) + "#trafficking-h",
        )

    return TaskRows(rows, make)


# The home page shows the kinds in this order. A new kind is one function and one row.
TASK_KINDS: list[TaskKind] = [
    TaskKind("assessment", gettext_lazy("Assessments due"), assessments_due),
    TaskKind("eligibility", gettext_lazy("Eligibility decisions pending"), eligibility_pending),
    TaskKind(
        "plan_review",
        gettext_lazy("Plan reviews due"),
        from_query(
            reviews_due,
            kind="plan_review",
            date="review_on",
            detail=gettext_lazy("Review of the individual service plan"),
            url="plans:page",
        ),
    ),
    TaskKind(
        "service_overdue",
        gettext_lazy("Services overdue"),
        from_query(
            services_overdue,
            kind="service_overdue",
            date="due_on",
            detail=lambda row: str(row.service.name),
            url="plans:page",
        ),
    ),
    TaskKind("order", gettext_lazy("Protective orders expiring"), orders_expiring),
    TaskKind("stay", gettext_lazy("Stays nearing their limit"), stays_nearing_limit),
    TaskKind("reflection", gettext_lazy("Reflection periods ending"), reflection_periods_ending),
]
