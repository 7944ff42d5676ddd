"""Changes to protection records. Each takes the acting user first, checks permission,
validates, writes, and records its audit event in the same transaction.

Audit details name kinds, dates and condition codes, never a number, an issuer, a
description or any part of a safety plan: those stay encrypted in their own tables.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qamqor.accounts.models import User
from qamqor.audit.events import record
from qamqor.cases.access import require_case_edit
from qamqor.cases.models import Case
from qamqor.clock import now

from .models import Breach, ProtectionMeasure, SafetyPlan


def add_measure(
    actor: User,
    case: Case,
    measure: ProtectionMeasure,
    *,
    submission_key: uuid.UUID | None = None,
) -> ProtectionMeasure:
    """Record a protective order or court requirements issued for the person of `case`."""
    require_case_edit(actor, case)
    if submission_key is not None:
        earlier = ProtectionMeasure.objects.filter(submission_key=submission_key, case=case).first()
        if earlier is not None:
            return earlier
    measure.case = case
    measure.recorded_by = actor
    measure.recorded_at = now()
    measure.submission_key = submission_key
    measure.full_clean()
    with transaction.atomic():
        measure.save()
        record(
            actor,
            "protection.measure.create",
            measure,
            case_code=case.code,
            kind=measure.kind,
            starts_on=measure.starts_on.isoformat(),
            ends_on=measure.ends_on.isoformat(),
            conditions=list(measure.conditions),
        )
    return measure


def record_breach(
    actor: User,
    measure: ProtectionMeasure,
    breach: Breach,
    *,
    submission_key: uuid.UUID | None = None,
) -> Breach:
    case = measure.case
    require_case_edit(actor, case)
    if submission_key is not None:
        earlier = Breach.objects.filter(submission_key=submission_key, measure=measure).first()
        if earlier is not None:
            return earlier
    breach.measure = measure
    breach.recorded_by = actor
    breach.recorded_at = now()
    breach.submission_key = submission_key
    breach.full_clean()
    with transaction.atomic():
        breach.save()
        record(
            actor,
            "protection.breach.create",
            breach,
            case_code=case.code,
            measure=measure.pk,
            reported_to_police=breach.reported_to_police,
        )
    return breach


def save_safety_plan(
    actor: User,
    case: Case,
    plan: SafetyPlan,
    *,
    submission_key: uuid.UUID | None = None,
) -> SafetyPlan:
    """Save `plan` as the case's next safety plan version; earlier versions stay as they were."""
    require_case_edit(actor, case)
    if submission_key is not None:
        earlier = SafetyPlan.objects.filter(submission_key=submission_key, case=case).first()
        if earlier is not None:
            return earlier
    plan.case = case
    plan.created_by = actor
    plan.created_at = now()
    plan.submission_key = submission_key
    plan.full_clean(exclude=["version"])  # numbered under the case's lock below
    try:
        with transaction.atomic():
            # The case row is the lock that serialises versions of its plan.
            Case.objects.select_for_update().filter(pk=case.pk).first()
            latest = SafetyPlan.objects.filter(case=case).aggregate(n=Max("version"))["n"]
            plan.version = (latest or 0) + 1
            plan.save(force_insert=True)
            record(
                actor,
                "protection.safety_plan.create",
                plan,
                case_code=case.code,
                version=plan.version,
            )
    except IntegrityError:
        # The same form posted twice at once: the other request saved the version.
        if submission_key is not None:
            earlier = SafetyPlan.objects.filter(submission_key=submission_key, case=case).first()
            if earlier is not None:
                return earlier
        raise ValidationError(
            _("Another version was saved at the same moment; try again.")
        ) from None
    return plan
