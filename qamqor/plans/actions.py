"""Changes to individual service plans. Each takes the acting user first, checks
permission, validates (the models' own rules through full_clean), writes, and records its
audit event in the same transaction.

Audit details name codes, dates and counts, never a goal, a note or a reason: those stay
encrypted in their own tables.
"""

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Agency, Capability, User
from qamqor.accounts.notifications import agency_members_with, notify
from qamqor.assessments.models import Eligibility, EligibilityDecision
from qamqor.audit.events import record
from qamqor.cases.access import can_edit_case, require_case_edit
from qamqor.cases.models import Case
from qamqor.clock import now, today
from qamqor.facilities.queries import standard_category
from qamqor.referrals.access import may_deliver_for_referral
from qamqor.services.models import (
    AgencyOffer,
    ExtensionReason,
    RecipientCategory,
    Service,
    ServiceSetting,
    Standard,
)
from qamqor.services.standards import standard_for

from .models import (
    OPEN_STATUSES,
    Delivery,
    DeliveryOutcome,
    Frequency,
    Goal,
    GoalStatus,
    PlanExtension,
    PlannedService,
    PlanOutcome,
    PlanStatus,
    ServicePlan,
)

PLAN_REVIEW_LIMIT = "plan_review"


def _day(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


def current_eligibility(case: Case) -> EligibilityDecision | None:
    """The case's eligibility decision in force: the one no later decision revised."""
    return EligibilityDecision.objects.filter(case=case, superseded_by__isnull=True).first()


def default_category(case: Case) -> RecipientCategory:
    return RecipientCategory.objects.get(code=standard_category(case))


def review_days(standard: Standard) -> int:
    """Days from the start to the first review: the standard's plan review time limit, or
    its whole service period when it sets none."""
    limit = standard.limits.filter(time_limit__code=PLAN_REVIEW_LIMIT).first()
    return limit.days if limit is not None else standard.service_period_days


def _locked_open_plan(plan: ServicePlan) -> ServicePlan:
    """The plan's row, locked for the change, refused once the plan is closed."""
    locked = ServicePlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status == PlanStatus.CLOSED:
        raise ValidationError(_("This plan is closed: it can no longer be changed."))
    return locked


def _require_plan_edit(actor: User, plan: ServicePlan) -> None:
    require_case_edit(actor, plan.case)


# Generation ---------------------------------------------------------------------------


def _first_services(standard: Standard) -> list[Service]:
    """The required concrete services, then the first service of each required type that
    those leave uncovered, in catalogue order."""
    chosen = list(standard.required_services.select_related("service_type"))
    covered = {service.service_type_id for service in chosen}
    missing = [
        service_type.pk
        for service_type in standard.required_service_types.all()
        if service_type.pk not in covered
    ]
    first_of_type: dict[int, Service] = {}
    for service in Service.objects.filter(service_type_id__in=missing):
        first_of_type.setdefault(service.service_type_id, service)
    return chosen + [first_of_type[pk] for pk in missing if pk in first_of_type]


def _settings_for(
    standard: Standard, provider: Agency, services: list[Service]
) -> dict[int, ServiceSetting]:
    """Per service, a setting the provider offers among the standard's allowed ones, else
    the first allowed setting."""
    allowed = list(standard.allowed_settings.all())
    if not allowed:
        raise ValidationError(_("The standard allows no setting: a plan cannot be drawn up."))
    allowed_ids = {setting.pk: setting for setting in allowed}
    offered: dict[int, ServiceSetting] = {}
    offers = AgencyOffer.objects.filter(
        agency=provider, service__in=services, setting_id__in=allowed_ids
    ).order_by("setting__position", "setting__code")
    for offer in offers:
        offered.setdefault(offer.service_id, allowed_ids[offer.setting_id])
    return {service.pk: offered.get(service.pk, allowed[0]) for service in services}


def generate_plan(
    actor: User,
    case: Case,
    *,
    category: RecipientCategory | str | None = None,
    started_on: datetime.date | None = None,
) -> ServicePlan:
    """Draw up the case's plan from its eligibility decision and the standard in force on
    `started_on` (today by default), with one planned service per required service.

    Refused unless the current eligibility decision is "eligible", no plan of the case is
    open and a standard of the category is in force on the start date.
    """
    require_case_edit(actor, case)
    if case.is_closed:
        raise ValidationError(_("The case is closed: open it again before drawing up a plan."))
    start = started_on or today()
    if start > today():
        raise ValidationError({"started_on": _("A plan cannot start in the future.")})
    if isinstance(category, str):
        chosen = RecipientCategory.objects.filter(code=category).first()
        if chosen is None:
            raise ValidationError({"category": _("Unknown recipient category.")})
    else:
        chosen = category or default_category(case)
    with transaction.atomic():
        # One generation at a time per case; the unique constraint stays the last word.
        Case.objects.select_for_update().filter(pk=case.pk).first()
        decision = current_eligibility(case)
        if decision is None:
            raise ValidationError(
                _("No eligibility decision has been recorded: a plan follows one.")
            )
        if decision.decision != Eligibility.ELIGIBLE:
            raise ValidationError(
                _(
                    "The current eligibility decision is “%(decision)s”: "
                    "a plan is drawn up only for a person found eligible."
                )
                % {"decision": decision.get_decision_display()}
            )
        if start < decision.decided_on:
            raise ValidationError(
                {
                    "started_on": _(
                        "A plan cannot start before the eligibility decision (%(date)s)."
                    )
                    % {"date": _day(decision.decided_on)}
                }
            )
        if ServicePlan.objects.filter(case=case, status__in=OPEN_STATUSES).exists():
            raise ValidationError(
                _("This case already has an open service plan: close it before a new one.")
            )
        standard = standard_for(chosen, start)
        if standard is None:
            raise ValidationError(
                {
                    "category": _(
                        "No standard for “%(category)s” is in force on %(date)s: "
                        "a plan cannot be drawn up."
                    )
                    % {"category": chosen.name, "date": _day(start)}
                }
            )
        review_on = start + datetime.timedelta(days=review_days(standard))
        plan = ServicePlan(
            case=case,
            category=chosen,
            standard=standard,
            eligibility_decision=decision,
            started_on=start,
            review_on=review_on,
            created_by=actor,
            created_at=now(),
        )
        plan.full_clean()
        try:
            with transaction.atomic():
                plan.save()
        except IntegrityError:
            raise ValidationError(
                _("This case already has an open service plan: close it before a new one.")
            ) from None
        services = _first_services(standard)
        settings = _settings_for(standard, case.owner_agency, services)
        created = now()
        PlannedService.objects.bulk_create(
            PlannedService(
                plan=plan,
                service=service,
                provider=case.owner_agency,
                setting=settings[service.pk],
                frequency=Frequency.ONCE,
                due_on=review_on,
                created_by=actor,
                created_at=created,
            )
            for service in services
        )
        record(
            actor,
            "plan.generate",
            plan,
            case_code=case.code,
            standard=standard.code,
            category=chosen.code,
            started_on=start.isoformat(),
            review_on=review_on.isoformat(),
            services=[service.code for service in services],
        )
    return plan


# Goals --------------------------------------------------------------------------------


def add_goal(
    actor: User,
    plan: ServicePlan,
    text: str,
    *,
    agreed_on: datetime.date | None = None,
    submission_key: uuid.UUID | None = None,
) -> Goal:
    """A goal agreed with the person, recorded in their own words."""
    _require_plan_edit(actor, plan)
    if submission_key is not None:
        earlier = Goal.objects.filter(submission_key=submission_key, plan=plan).first()
        if earlier is not None:
            return earlier
    with transaction.atomic():
        locked = _locked_open_plan(plan)
        goal = Goal(
            plan=locked,
            text=text.strip(),
            agreed_on=agreed_on or today(),
            created_by=actor,
            created_at=now(),
            submission_key=submission_key,
        )
        goal.full_clean()
        goal.save()
        record(
            actor,
            "plan.goal.create",
            goal,
            case_code=plan.case.code,
            plan=plan.pk,
            agreed_on=goal.agreed_on.isoformat(),
        )
    return goal


def update_goal(
    actor: User, goal: Goal, *, text: str | None = None, status: str | None = None
) -> Goal:
    """Correct a goal's words or mark it achieved, dropped or open again."""
    plan = goal.plan
    _require_plan_edit(actor, plan)
    if status is not None and status not in GoalStatus.values:
        raise ValidationError({"status": _("Unknown goal status.")})
    with transaction.atomic():
        _locked_open_plan(plan)
        current = Goal.objects.select_for_update().get(pk=goal.pk)
        changed: list[str] = []
        if text is not None and text.strip() != current.text:
            current.text = text.strip()
            changed.append("text")
        if status is not None and status != current.status:
            current.status = status
            changed.append("status")
        if not changed:
            return current
        current.full_clean()
        current.save(update_fields=changed)
        record(
            actor,
            "plan.goal.update",
            current,
            case_code=plan.case.code,
            plan=plan.pk,
            changed=changed,
            status=current.status,
        )
    goal.text, goal.status = current.text, current.status
    return current


# Planned services ---------------------------------------------------------------------


def add_planned_service(
    actor: User,
    plan: ServicePlan,
    *,
    service: Service,
    provider: Agency,
    setting: ServiceSetting,
    due_on: datetime.date,
    frequency: str = Frequency.ONCE,
    notes: str = "",
    submission_key: uuid.UUID | None = None,
) -> PlannedService:
    _require_plan_edit(actor, plan)
    if submission_key is not None:
        earlier = PlannedService.objects.filter(submission_key=submission_key, plan=plan).first()
        if earlier is not None:
            return earlier
    with transaction.atomic():
        locked = _locked_open_plan(plan)
        planned = PlannedService(
            plan=locked,
            service=service,
            provider=provider,
            setting=setting,
            frequency=frequency,
            due_on=due_on,
            notes=notes.strip(),
            created_by=actor,
            created_at=now(),
            submission_key=submission_key,
        )
        planned.full_clean()
        planned.save()
        record(
            actor,
            "plan.service.create",
            planned,
            case_code=plan.case.code,
            plan=plan.pk,
            service=service.code,
            provider=provider.pk,
            setting=setting.code,
            frequency=frequency,
            due_on=due_on.isoformat(),
        )
    return planned


CHANGEABLE_SERVICE_FIELDS = ("provider", "setting", "frequency", "due_on", "notes")


def change_planned_service(actor: User, planned: PlannedService, **changes: Any) -> PlannedService:
    """Change who gives a planned service, where, how often, by when, or its notes.

    The service itself stays: its deliveries point to it. Plan another service instead.
    """
    plan = planned.plan
    _require_plan_edit(actor, plan)
    unknown = set(changes) - set(CHANGEABLE_SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"not changeable: {sorted(unknown)}")
    with transaction.atomic():
        locked = _locked_open_plan(plan)
        current = PlannedService.objects.select_for_update().get(pk=planned.pk)
        current.plan = locked
        if "notes" in changes:
            changes["notes"] = changes["notes"].strip()
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, changes[name])
        current.full_clean()
        current.save(update_fields=changed)
        details = {
            name: _audit_value(getattr(current, name)) for name in changed if name != "notes"
        }
        record(
            actor,
            "plan.service.update",
            current,
            case_code=plan.case.code,
            plan=plan.pk,
            service=current.service.code,
            changed=changed,
            **details,
        )
    return current


def _audit_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, ServiceSetting):
        return value.code
    if isinstance(value, Agency):
        return value.pk
    return value


def remove_planned_service(actor: User, planned: PlannedService) -> None:
    """Take a service off the plan; one with deliveries on record stays."""
    plan = planned.plan
    _require_plan_edit(actor, plan)
    with transaction.atomic():
        _locked_open_plan(plan)
        if Delivery.objects.filter(planned_service_id=planned.pk).exists():
            raise ValidationError(
                _("Deliveries of this service are on record: it stays in the plan.")
            )
        record(
            actor,
            "plan.service.delete",
            planned,
            case_code=plan.case.code,
            plan=plan.pk,
            service=planned.service.code,
        )
        PlannedService.objects.filter(pk=planned.pk).delete()


# Review date and extensions -----------------------------------------------------------


def set_review_date(actor: User, plan: ServicePlan, review_on: datetime.date) -> ServicePlan:
    """Set the date of the plan's next review (after a review, or to bring it forward)."""
    _require_plan_edit(actor, plan)
    if review_on < today():
        raise ValidationError({"review_on": _("The next review cannot be in the past.")})
    with transaction.atomic():
        locked = _locked_open_plan(plan)
        previous = locked.review_on
        if previous == review_on:
            return locked
        locked.review_on = review_on
        locked.full_clean()
        locked.save(update_fields=["review_on"])
        record(
            actor,
            "plan.review_date",
            locked,
            case_code=plan.case.code,
            old=previous.isoformat(),
            new=review_on.isoformat(),
        )
    plan.review_on = review_on
    return locked


def extension_days_granted(plan: ServicePlan) -> int:
    total = PlanExtension.objects.filter(plan=plan).aggregate(total=Sum("days"))["total"]
    return int(total or 0)


def extend_plan(
    actor: User,
    plan: ServicePlan,
    *,
    reason: ExtensionReason,
    days: int,
    granted_on: datetime.date | None = None,
    note: str = "",
    submission_key: uuid.UUID | None = None,
) -> PlanExtension:
    """Extend the service period on one of the standard's reasons, within its limit."""
    _require_plan_edit(actor, plan)
    if submission_key is not None:
        earlier = PlanExtension.objects.filter(submission_key=submission_key, plan=plan).first()
        if earlier is not None:
            return earlier
    with transaction.atomic():
        locked = _locked_open_plan(plan)
        standard = locked.standard
        if not standard.extension_reasons.filter(pk=reason.pk).exists():
            raise ValidationError(
                {"reason": _("The plan's standard allows no extension on this ground.")}
            )
        granted = extension_days_granted(locked)
        left = standard.extension_days - granted
        if days > left:
            raise ValidationError(
                {
                    "days": _(
                        "The standard allows %(limit)d days of extension in all; "
                        "%(granted)d granted already, so at most %(left)d more."
                    )
                    % {"limit": standard.extension_days, "granted": granted, "left": max(left, 0)}
                }
            )
        extension = PlanExtension(
            plan=locked,
            reason=reason,
            days=days,
            granted_on=granted_on or today(),
            note=note.strip(),
            granted_by=actor,
            granted_at=now(),
            submission_key=submission_key,
        )
        extension.full_clean()
        extension.save()
        record(
            actor,
            "plan.extend",
            extension,
            case_code=plan.case.code,
            plan=plan.pk,
            reason=reason.code,
            days=days,
            granted_on=extension.granted_on.isoformat(),
        )
    return extension


# Deliveries ---------------------------------------------------------------------------


def may_record_delivery(
    user: User,
    plan: ServicePlan,
    provider: Agency | None = None,
    *,
    planned_service: PlannedService | None = None,
    service: Service | None = None,
) -> bool:
    """Whether `user` may record on `plan` a delivery by `provider` (None: by any) of
    `planned_service` or, outside the plan, of `service` (neither: of any service).

    The owning agency's case editors record every delivery, whoever the provider. An
    agency a live referral for services was sent to records, against the owner's plan,
    the deliveries it gives of what it was asked for: the planned services it is named
    provider of or whose service (or type) the referral names
    (referrals.access.may_deliver_for_referral).
    """
    if can_edit_case(user, plan.case):
        return True
    return may_deliver_for_referral(
        user,
        plan.case_id,
        plan.pk,
        provider.pk if provider is not None else None,
        planned_service=planned_service,
        service=service,
    )


def record_delivery(
    actor: User,
    plan: ServicePlan,
    *,
    delivered_on: datetime.date,
    outcome: str,
    planned_service: PlannedService | None = None,
    service: Service | None = None,
    provider: Agency | None = None,
    duration_minutes: int | None = None,
    notes: str = "",
    submission_key: uuid.UUID | None = None,
) -> Delivery:
    """Log a service given (or offered) to the person.

    With a planned service, the service is the planned one and the provider defaults to
    the planned provider; without one, the service and the provider are required.
    """
    if planned_service is not None:
        service = service or planned_service.service
        provider = provider or planned_service.provider
    errors: dict[str, str] = {}
    if service is None:
        errors["service"] = _("Choose the service that was given.")
    if provider is None:
        errors["provider"] = _("Choose who gave the service.")
    if outcome not in DeliveryOutcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if not may_record_delivery(
        actor, plan, provider, planned_service=planned_service, service=service
    ):
        raise PermissionDenied(_("Your role does not allow recording deliveries of this plan."))
    if errors:
        raise ValidationError(errors)
    assert service is not None and provider is not None
    if submission_key is not None:
        earlier = Delivery.objects.filter(submission_key=submission_key, plan=plan).first()
        if earlier is not None:
            return earlier
    with transaction.atomic():
        locked = _locked_open_plan(plan)
        delivery = Delivery(
            plan=locked,
            planned_service=planned_service,
            provider=provider,
            service=service,
            delivered_on=delivered_on,
            duration_minutes=duration_minutes,
            outcome=outcome,
            notes=notes.strip(),
            recorded_by=actor,
            recorded_at=now(),
            submission_key=submission_key,
        )
        delivery.full_clean()
        delivery.save()
        record(
            actor,
            "plan.delivery.create",
            delivery,
            case_code=plan.case.code,
            plan=plan.pk,
            planned_service=planned_service.pk if planned_service else None,
            service=service.code,
            provider=provider.pk,
            delivered_on=delivered_on.isoformat(),
            outcome=outcome,
        )
    return delivery


# Closure ------------------------------------------------------------------------------


def may_approve_plan_closure(user: User, plan: ServicePlan) -> bool:
    return has_capability(user, Capability.APPROVE_CLOSURE, agency=plan.case.owner_agency)


def request_plan_closure(actor: User, plan: ServicePlan, outcome: str, reason: str) -> ServicePlan:
    """Ask an approver of the owning agency to close the plan, with an outcome and a
    reason (HTCDS cas_ReasonForCaseClosure); the agency's approvers are told."""
    _require_plan_edit(actor, plan)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if outcome not in PlanOutcome.values:
        errors["outcome"] = _("Choose the outcome of the plan.")
    if not reason:
        errors["reason"] = _("Say why the plan is being closed.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked_open_plan(plan)
        if locked.status == PlanStatus.CLOSURE_REQUESTED:
            raise ValidationError(_("The closure of this plan is already awaiting approval."))
        locked.status = PlanStatus.CLOSURE_REQUESTED
        locked.outcome = outcome
        locked.closure_reason = reason
        locked.closure_requested_by = actor
        locked.closure_requested_at = now()
        locked.closure_decided_by = None
        locked.closure_decided_at = None
        locked.refusal_reason = ""
        locked.full_clean()
        locked.save()
        record(actor, "plan.closure_request", locked, case_code=plan.case.code, outcome=outcome)
        approvers = [
            user
            for user in agency_members_with(plan.case.owner_agency, Capability.APPROVE_CLOSURE)
            if user.pk != actor.pk
        ]
        notify(approvers, "plan_closure_requested", case_code=plan.case.code, user=actor.username)
    _copy_closure(locked, plan)
    return locked


def _locked_awaiting(plan: ServicePlan) -> ServicePlan:
    locked = _locked_open_plan(plan)
    if locked.status != PlanStatus.CLOSURE_REQUESTED:
        raise ValidationError(_("No closure of this plan is awaiting approval."))
    return locked


def _require_approver(actor: User, plan: ServicePlan, locked: ServicePlan) -> None:
    if not may_approve_plan_closure(actor, plan):
        raise PermissionDenied(_("Only an approver of the owning agency decides a closure."))
    if locked.closure_requested_by_id == actor.pk:
        raise PermissionDenied(
            _("A closure is decided by someone other than the person who requested it.")
        )


def approve_plan_closure(actor: User, plan: ServicePlan) -> ServicePlan:
    """Close the plan as requested, as of today."""
    if not may_approve_plan_closure(actor, plan):
        raise PermissionDenied(_("Only an approver of the owning agency decides a closure."))
    with transaction.atomic():
        locked = _locked_awaiting(plan)
        _require_approver(actor, plan, locked)
        locked.status = PlanStatus.CLOSED
        locked.closure_decided_by = actor
        locked.closure_decided_at = now()
        locked.closed_on = max(today(), locked.started_on)
        locked.full_clean()
        locked.save()
        record(
            actor,
            "plan.closure_approve",
            locked,
            case_code=plan.case.code,
            outcome=locked.outcome,
            closed_on=locked.closed_on.isoformat(),
        )
        if locked.closure_requested_by is not None:
            notify(
                [locked.closure_requested_by],
                "plan_closure_approved",
                case_code=plan.case.code,
                user=actor.username,
            )
    _copy_closure(locked, plan)
    return locked


def refuse_plan_closure(actor: User, plan: ServicePlan, reason: str) -> ServicePlan:
    """Keep the plan open, saying why; the requester is told."""
    if not may_approve_plan_closure(actor, plan):
        raise PermissionDenied(_("Only an approver of the owning agency decides a closure."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"refusal_reason": _("Say why the plan stays open.")})
    with transaction.atomic():
        locked = _locked_awaiting(plan)
        _require_approver(actor, plan, locked)
        locked.status = PlanStatus.ACTIVE
        locked.closure_decided_by = actor
        locked.closure_decided_at = now()
        locked.refusal_reason = reason
        locked.full_clean()
        locked.save()
        record(actor, "plan.closure_refuse", locked, case_code=plan.case.code)
        if locked.closure_requested_by is not None:
            notify(
                [locked.closure_requested_by],
                "plan_closure_refused",
                case_code=plan.case.code,
                user=actor.username,
            )
    _copy_closure(locked, plan)
    return locked


def withdraw_plan_closure(actor: User, plan: ServicePlan) -> ServicePlan:
    """The case's editors may take back a closure request no one has decided yet."""
    _require_plan_edit(actor, plan)
    with transaction.atomic():
        locked = _locked_awaiting(plan)
        locked.status = PlanStatus.ACTIVE
        locked.full_clean()
        locked.save(update_fields=["status"])
        record(actor, "plan.closure_withdraw", locked, case_code=plan.case.code)
    _copy_closure(locked, plan)
    return locked


CLOSURE_FIELDS = (
    "status",
    "outcome",
    "closure_reason",
    "closure_requested_by_id",
    "closure_requested_at",
    "closure_decided_by_id",
    "closure_decided_at",
    "closed_on",
    "refusal_reason",
)


def _copy_closure(source: ServicePlan, target: ServicePlan) -> None:
    """Bring the caller's instance up to date with the row just written."""
    if source is target:
        return
    for name in CLOSURE_FIELDS:
        setattr(target, name, getattr(source, name))
    # Cached related users would now be stale.
    for name in ("closure_requested_by", "closure_decided_by"):
        target._state.fields_cache.pop(name, None)
