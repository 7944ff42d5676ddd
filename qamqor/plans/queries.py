"""Compliance of service plans with their standard, computed from planned services and
deliveries (never stored), in set-based queries whose number does not grow with the
number of plans or services.

A planned service is, on a given day:
- delivered: a delivery of it with outcome "delivered" or "partly delivered" is on record
  (dated on or before that day; the models refuse deliveries before the plan starts);
- overdue: not delivered and its due date has passed;
- due: not delivered, due date today or later.
A plan is flagged when a service type its standard requires is neither planned nor
delivered.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from qamqor.accounts.models import Agency
from qamqor.cases.models import Case
from qamqor.clock import today
from qamqor.services.models import ServiceType, Standard

from .models import (
    COUNTING_OUTCOMES,
    OPEN_STATUSES,
    Delivery,
    PlanExtension,
    PlannedService,
    ServicePlan,
)

REVIEW_WARNING_DAYS = 7

DELIVERED = "delivered"
DUE = "due"
OVERDUE = "overdue"


def open_plan(case: Case) -> ServicePlan | None:
    """The case's plan that is not closed (active or awaiting closure approval), if any."""
    return (
        ServicePlan.objects.filter(case=case, status__in=OPEN_STATUSES)
        .select_related("standard", "category")
        .first()
    )


def _counting_deliveries(on: datetime.date) -> QuerySet[Delivery]:
    return Delivery.objects.filter(outcome__in=COUNTING_OUTCOMES, delivered_on__lte=on)


def _delivered(on: datetime.date) -> Exists:
    """For a PlannedService row: a delivery of it counts as the service given by `on`."""
    return Exists(_counting_deliveries(on).filter(planned_service_id=OuterRef("pk")))


def _planned_with_state(on: datetime.date) -> QuerySet[PlannedService]:
    return PlannedService.objects.annotate(is_delivered=_delivered(on))


# One plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    planned: PlannedService
    state: str  # DELIVERED, DUE or OVERDUE
    deliveries: int  # deliveries that count as given
    last_delivered_on: datetime.date | None


@dataclass(frozen=True)
class Compliance:
    plan: ServicePlan
    on: datetime.date
    rows: list[ServiceRow]
    extensions: list[PlanExtension]
    period_days: int  # the standard's service period plus the extensions granted
    days_used: int
    missing_types: list[ServiceType] = field(default_factory=list)

    @property
    def days_left(self) -> int:
        return self.period_days - self.days_used

    @property
    def over_period(self) -> bool:
        return self.days_left < 0

    @property
    def flagged(self) -> bool:
        return bool(self.missing_types)

    @property
    def extension_days(self) -> int:
        return sum(extension.days for extension in self.extensions)

    @property
    def extension_days_left(self) -> int:
        return max(self.plan.standard.extension_days - self.extension_days, 0)

    @property
    def review_due(self) -> bool:
        return self.plan.is_open and self.plan.review_on <= self.on + datetime.timedelta(
            days=REVIEW_WARNING_DAYS
        )

    def count(self, state: str) -> int:
        return sum(1 for row in self.rows if row.state == state)

    @property
    def delivered(self) -> int:
        return self.count(DELIVERED)

    @property
    def due(self) -> int:
        return self.count(DUE)

    @property
    def overdue(self) -> int:
        return self.count(OVERDUE)


def _days_used(plan: ServicePlan, on: datetime.date) -> int:
    until = min(on, plan.closed_on) if plan.closed_on else on
    return max((until - plan.started_on).days, 0)


def compliance(plan: ServicePlan, on: datetime.date | None = None) -> Compliance:
    """The plan against its standard on `on` (today by default): three queries once the
    plan's standard is loaded."""
    day = on or today()
    counting = _counting_deliveries(day)
    given = Q(deliveries__outcome__in=COUNTING_OUTCOMES, deliveries__delivered_on__lte=day)
    planned = list(
        PlannedService.objects.filter(plan=plan)
        .select_related("service__service_type", "provider", "setting")
        .annotate(
            counted=Count("deliveries", filter=given),
            last_on=Max("deliveries__delivered_on", filter=given),
        )
    )
    rows = []
    for item in planned:
        if item.counted:  # type: ignore[attr-defined]
            state = DELIVERED
        elif item.due_on < day:
            state = OVERDUE
        else:
            state = DUE
        rows.append(ServiceRow(item, state, item.counted, item.last_on))  # type: ignore[attr-defined]
    extensions = list(PlanExtension.objects.filter(plan=plan).select_related("reason"))
    standard = plan.standard
    missing = list(
        ServiceType.objects.filter(standards=standard.pk)
        .exclude(pk__in=[item.service.service_type_id for item in planned])
        .exclude(
            Exists(
                counting.filter(plan=plan, service__service_type_id=OuterRef("pk")),
            )
        )
    )
    return Compliance(
        plan=plan,
        on=day,
        rows=rows,
        extensions=extensions,
        period_days=standard.service_period_days + sum(e.days for e in extensions),
        days_used=_days_used(plan, day),
        missing_types=missing,
    )


# Many plans ---------------------------------------------------------------------------


def _per_plan_count(rows: QuerySet) -> Coalesce:
    """COUNT of `rows` (which filter on plan_id=OuterRef("pk")) as a scalar subquery."""
    counted = rows.order_by().values("plan_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _missing_type_count(on: datetime.date) -> Coalesce:
    """For a ServicePlan row: required types of its standard neither planned nor given."""
    required = Standard.required_service_types.through.objects.filter(
        standard_id=OuterRef("standard_id")
    )
    planned = PlannedService.objects.filter(
        plan_id=OuterRef(OuterRef("pk")), service__service_type_id=OuterRef("servicetype_id")
    )
    given = _counting_deliveries(on).filter(
        plan_id=OuterRef(OuterRef("pk")), service__service_type_id=OuterRef("servicetype_id")
    )
    missing = (
        required.exclude(Exists(planned))
        .exclude(Exists(given))
        .order_by()
        .values("standard_id")
        .annotate(n=Count("pk"))
        .values("n")  # type: ignore[misc]  # the stubs do not see annotations on a through model
    )
    return Coalesce(Subquery(missing, output_field=IntegerField()), Value(0))


def _cases(cases: QuerySet[Case] | Agency) -> QuerySet[Case]:
    return Case.objects.filter(owner_agency=cases) if isinstance(cases, Agency) else cases


def plans_with_compliance(
    cases: QuerySet[Case] | Agency, on: datetime.date | None = None
) -> QuerySet[ServicePlan]:
    """The open plans of `cases` (a queryset the caller filtered by access, or an agency's
    cases), each annotated with `case_code`, `delivered_count`, `due_count`,
    `overdue_count`, `missing_type_count`, `extension_days` and `period_days`, in one
    query however many plans and services there are."""
    day = on or today()
    cases = _cases(cases)
    services = PlannedService.objects.filter(plan_id=OuterRef("pk"))
    delivered = _delivered(day)
    extensions = (
        PlanExtension.objects.filter(plan_id=OuterRef("pk"))
        .order_by()
        .values("plan_id")
        .annotate(total=Sum("days"))
        .values("total")
    )
    return (
        ServicePlan.objects.filter(case__in=cases, status__in=OPEN_STATUSES)
        .select_related("category", "standard")
        .annotate(
            case_code=F("case__code"),
            delivered_count=_per_plan_count(services.filter(delivered)),
            overdue_count=_per_plan_count(services.filter(~delivered, due_on__lt=day)),
            due_count=_per_plan_count(services.filter(~delivered, due_on__gte=day)),
            missing_type_count=_missing_type_count(day),
            extension_days=Coalesce(Subquery(extensions, output_field=IntegerField()), Value(0)),
        )
        .annotate(period_days=F("standard__service_period_days") + F("extension_days"))
        .order_by("review_on", "id")
    )


@dataclass(frozen=True)
class PlanSummary:
    """One row of the agency compliance list: no identity, the case code only."""

    plan: ServicePlan
    case_code: str
    delivered: int
    due: int
    overdue: int
    missing_types: int
    period_days: int
    days_used: int

    @property
    def days_left(self) -> int:
        return self.period_days - self.days_used

    @property
    def flagged(self) -> bool:
        return self.missing_types > 0


def summarise(plans: list[ServicePlan], on: datetime.date | None = None) -> list[PlanSummary]:
    """Rows of `plans_with_compliance` as summaries (no query)."""
    day = on or today()
    return [
        PlanSummary(
            plan=plan,
            case_code=plan.case_code,  # type: ignore[attr-defined]
            delivered=plan.delivered_count,  # type: ignore[attr-defined]
            due=plan.due_count,  # type: ignore[attr-defined]
            overdue=plan.overdue_count,  # type: ignore[attr-defined]
            missing_types=plan.missing_type_count,  # type: ignore[attr-defined]
            period_days=plan.period_days,  # type: ignore[attr-defined]
            days_used=_days_used(plan, day),
        )
        for plan in plans
    ]


@dataclass(frozen=True)
class AgencyCompliance:
    on: datetime.date
    rows: list[PlanSummary]
    plans: int
    delivered: int
    due: int
    overdue: int
    flagged: int
    with_overdue: int


def _given_service_ids(on: datetime.date) -> QuerySet[Delivery, Any]:
    """Ids of planned services given by `on`, for an uncorrelated IN (a hashed semi-join)."""
    return (
        _counting_deliveries(on)
        .filter(planned_service_id__isnull=False)
        .values("planned_service_id")
    )


def compliance_totals(
    cases: QuerySet[Case] | Agency, on: datetime.date | None = None
) -> dict[str, int]:
    """Totals over the open plans of `cases`: plans, services delivered, due and overdue,
    plans with an overdue service, flagged plans. Two queries, each one pass over the
    rows rather than a subquery per plan."""
    day = on or today()
    cases = _cases(cases)
    given = Q(pk__in=_given_service_ids(day))
    late = ~given & Q(due_on__lt=day)
    services = PlannedService.objects.filter(
        plan__case__in=cases, plan__status__in=OPEN_STATUSES
    ).aggregate(
        delivered=Count("pk", filter=given),
        due=Count("pk", filter=~given & Q(due_on__gte=day)),
        overdue=Count("pk", filter=late),
        with_overdue=Count("plan_id", filter=late, distinct=True),
    )
    plans = (
        ServicePlan.objects.filter(case__in=cases, status__in=OPEN_STATUSES)
        .annotate(missing_type_count=_missing_type_count(day))
        .aggregate(plans=Count("pk"), flagged=Count("pk", filter=Q(missing_type_count__gt=0)))
    )
    return {name: int(value or 0) for name, value in {**services, **plans}.items()}


def agency_compliance(
    cases: QuerySet[Case] | Agency, on: datetime.date | None = None
) -> AgencyCompliance:
    """Every open plan of `cases` summarised, and the totals: three queries."""
    day = on or today()
    plans = plans_with_compliance(cases, day)
    return AgencyCompliance(
        on=day, rows=summarise(list(plans), day), **compliance_totals(cases, day)
    )


# Task lists ---------------------------------------------------------------------------


def reviews_due(
    cases: QuerySet[Case],
    on: datetime.date | None = None,
    within_days: int = REVIEW_WARNING_DAYS,
) -> QuerySet[ServicePlan]:
    """Open plans of `cases` whose review date is at most `within_days` days after `on`
    (today by default), reviews already late included; earliest first. Each row is a
    ServicePlan with `case_code` and the date in `review_on`: one query."""
    day = on or today()
    return (
        ServicePlan.objects.filter(
            case__in=cases,
            status__in=OPEN_STATUSES,
            review_on__lte=day + datetime.timedelta(days=within_days),
        )
        .annotate(case_code=F("case__code"))
        .select_related("case")
        .order_by("review_on", "id")
    )


def services_overdue(
    cases: QuerySet[Case], on: datetime.date | None = None
) -> QuerySet[PlannedService]:
    """Planned services of the open plans of `cases` that are overdue on `on` (today by
    default); earliest due first. Each row is a PlannedService with `case_code`, the
    service (`service.name`) and the date in `due_on`: one query."""
    day = on or today()
    plans = ServicePlan.objects.filter(case__in=cases, status__in=OPEN_STATUSES).values("pk")
    return (
        # The open plans first (qamqor/cases/lookups.py): with the LIMIT of a task list,
        # PostgreSQL would otherwise walk every overdue service of every agency by date.
        PlannedService.objects.filter(plan_id__in_subquery=plans, due_on__lt=day)
        # NOT EXISTS: an index lookup per overdue candidate, where an IN list would
        # read every delivery ever recorded (SQLite builds it whole).
        .exclude(_delivered(day))
        .annotate(case_code=F("plan__case__code"))
        .select_related("plan__case", "service")
        .order_by("due_on", "id")
    )


def overdue_count(plan: ServicePlan, on: datetime.date | None = None) -> int:
    day = on or today()
    return PlannedService.objects.filter(plan=plan, due_on__lt=day).exclude(_delivered(day)).count()
