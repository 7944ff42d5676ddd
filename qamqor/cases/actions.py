"""Changes to cases. Each takes the acting user first, checks permission, validates,
writes, and records its audit event in the same transaction."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.accounts.access import has_capability, member_agency_ids
from qamqor.accounts.models import Agency, BreakGlassGrant, Capability, User
from qamqor.accounts.notifications import agency_supervisors, notify
from qamqor.audit.events import record
from qamqor.clock import now, today
from qamqor.registry.actions import add_document, create_person
from qamqor.registry.models import IdentityDocument, Person

from .access import require_case_edit
from .codes import next_case_code
from .models import CLOSED_STATUSES, Case, CaseAssignment, CaseNote, Incident, Status


def open_case(
    actor: User,
    agency: Agency,
    person: Person,
    case: Case,
    *,
    incident: Incident | None = None,
    document: IdentityDocument | None = None,
    submission_key: uuid.UUID | None = None,
) -> Case:
    """Register a person and open their case in `agency` (intake).

    The person, case, first incident and document are unsaved objects built by a form;
    they are written together or not at all. A repeated submission key returns the case
    the first submission opened.
    """
    if not has_capability(actor, Capability.OPEN_CASE, agency):
        raise PermissionDenied(_("Your role does not allow opening cases in this agency."))
    if submission_key is not None:
        earlier = Case.objects.filter(submission_key=submission_key).first()
        if earlier is not None:
            return earlier
    try:
        with transaction.atomic():
            case.owner_agency = agency
            case.region = agency.region
            case.opened_on = case.opened_on or today()
            case.code = next_case_code(agency.region, case.opened_on.year)
            create_person(actor, person, case_code=case.code)
            case.person = person
            case.created_by = actor
            case.created_at = case.updated_at = now()
            case.submission_key = submission_key
            case.full_clean()
            case.save()
            CaseAssignment.objects.create(
                case=case, user=actor, assigned_at=now(), assigned_by=actor
            )
            record(actor, "case.open", case, case_code=case.code, grounds=case.grounds)
            if document is not None:
                add_document(actor, person, document, case_code=case.code)
            if incident is not None:
                _save_incident(actor, case, incident)
    except IntegrityError:
        # The same form posted twice at once: the other request opened the case.
        if submission_key is not None:
            earlier = Case.objects.filter(submission_key=submission_key).first()
            if earlier is not None:
                return earlier
        raise
    return case


def add_incident(
    actor: User, case: Case, incident: Incident, *, submission_key: uuid.UUID | None = None
) -> Incident:
    require_case_edit(actor, case)
    if submission_key is not None:
        earlier = Incident.objects.filter(submission_key=submission_key, case=case).first()
        if earlier is not None:
            return earlier
    incident.submission_key = submission_key
    with transaction.atomic():
        return _save_incident(actor, case, incident)


def _save_incident(actor: User, case: Case, incident: Incident) -> Incident:
    incident.case = case
    incident.recorded_by = actor
    incident.recorded_at = now()
    incident.full_clean()
    incident.save()
    record(actor, "incident.create", incident, case_code=case.code)
    _touch(case)
    return incident


def add_note(
    actor: User,
    case: Case,
    text: str,
    *,
    corrects: CaseNote | None = None,
    submission_key: uuid.UUID | None = None,
) -> CaseNote:
    """Add a note; a correction is a new note that points at the note it corrects."""
    require_case_edit(actor, case)
    if not text.strip():
        raise ValidationError({"text": _("A note cannot be empty.")})
    if corrects is not None and corrects.case_id != case.pk:
        raise ValidationError({"corrects": _("A note can only correct a note of the same case.")})
    if submission_key is not None:
        earlier = CaseNote.objects.filter(submission_key=submission_key, case=case).first()
        if earlier is not None:
            return earlier
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case,
            author=actor,
            created_at=now(),
            text=text.strip(),
            corrects=corrects,
            submission_key=submission_key,
        )
        record(
            actor,
            "note.create",
            note,
            case_code=case.code,
            corrects=corrects.pk if corrects else None,
        )
        _touch(case)
    return note


def change_status(actor: User, case: Case, status: str) -> Case:
    """Move a case between the open HTCDS statuses, or reopen a closed one.

    Closing goes through a closure request (cases.closure); reopening clears the outcome.
    """
    require_case_edit(actor, case)
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == case.status:
        return case
    if status in CLOSED_STATUSES:
        raise ValidationError(
            {
                "status": _(
                    "A case is closed by a closure request that a supervisor approves: "
                    "request the closure instead."
                )
            }
        )
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        previous = locked.status
        locked.status = status
        locked.closed_on = None
        locked.closure_reason = ""
        locked.closure_outcome = ""
        locked.updated_at = now()
        locked.full_clean()
        locked.save()
        record(actor, "case.status", locked, case_code=locked.code, old=previous, new=status)
    case.status, case.closed_on, case.closure_reason, case.closure_outcome = (
        locked.status,
        locked.closed_on,
        locked.closure_reason,
        locked.closure_outcome,
    )
    return case


def assign_worker(actor: User, case: Case, worker: User) -> CaseAssignment:
    require_case_edit(actor, case)
    if case.owner_agency_id not in member_agency_ids(worker):
        raise ValidationError({"user": _("Only a member of the owning agency can be assigned.")})
    with transaction.atomic():
        assignment, created = CaseAssignment.objects.get_or_create(
            case=case, user=worker, defaults={"assigned_at": now(), "assigned_by": actor}
        )
        if created:
            record(actor, "case.assign", case, case_code=case.code, user=worker.username)
    return assignment


def unassign_worker(actor: User, case: Case, worker: User) -> None:
    require_case_edit(actor, case)
    with transaction.atomic():
        deleted, _count = CaseAssignment.objects.filter(case=case, user=worker).delete()
        if deleted:
            record(actor, "case.unassign", case, case_code=case.code, user=worker.username)


def _touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=now())


BREAK_GLASS_HOURS = 24
BREAK_GLASS_MIN_REASON = 20


def break_glass(actor: User, case: Case, reason: str) -> BreakGlassGrant:
    """Open a case outside the actor's scope for 24 hours, for a stated reason.

    Flagged in the audit log and on the case; the owning agency's supervisors are told.
    The caller has found the case with access.case_for_break_glass.
    """
    if not has_capability(actor, Capability.BREAK_GLASS):
        raise PermissionDenied(_("Your role does not allow break-glass access."))
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise ValidationError(
            {
                "reason": _("Say why in at least %(count)d characters: it is read later.")
                % {"count": BREAK_GLASS_MIN_REASON}
            }
        )
    granted = now()
    with transaction.atomic():
        grant = BreakGlassGrant.objects.create(
            user=actor,
            case=case,
            reason=reason,
            granted_at=granted,
            expires_at=granted + datetime.timedelta(hours=BREAK_GLASS_HOURS),
        )
        record(
            actor,
            "case.break_glass",
            case,
            case_code=case.code,
            flagged=True,
            expires_at=grant.expires_at.isoformat(),
        )
        # The actor's cached grants (cases.access.live_break_glass) are stale now.
        actor.__dict__.pop("_qamqor_break_glass", None)
        supervisors = agency_supervisors(case.owner_agency).exclude(pk=actor.pk)
        notify(
            supervisors,
            "break_glass",
            case_code=case.code,
            user=actor.username,
            until=timezone.localtime(grant.expires_at).strftime("%d.%m.%Y %H:%M"),
        )
    return grant
