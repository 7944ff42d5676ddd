"""Transferring a case to another agency: propose, withdraw, accept, decline.

The owner's case editors propose; the receiving agency's supervisors (transfers.
DECIDING_CAPABILITY) accept or decline; on acceptance the case's ownership moves. Each
action takes the acting user first, checks permission, validates, writes and records its
audit event in one transaction, with the transfer row (and the case row) locked, so that
two answers at once cannot both go through. docs/transfers.md has the rules.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Agency, Capability, CaseScope, Membership, User
from qamqor.accounts.notifications import agency_members_with, notify
from qamqor.audit.events import record
from qamqor.cases.access import require_case_edit
from qamqor.cases.actions import assign_worker
from qamqor.cases.models import Case, CaseAssignment, ClosureDecision
from qamqor.clock import now

from .consents import covering_consent
from .models import CaseTransfer, DataScope, TransferStatus
from .transfers import DECIDING_CAPABILITY, may_decide_transfer


def _one_proposal_message() -> str:
    return _(
        "A transfer of this case already awaits an answer: withdraw it before proposing another."
    )


def _answered_message(status: str) -> str:
    """Why a proposal can no longer be answered or withdrawn, in the request's language."""
    if status == TransferStatus.ACCEPTED:
        return _("This transfer has already been accepted.")
    if status == TransferStatus.DECLINED:
        return _("This transfer has already been declined.")
    if status == TransferStatus.WITHDRAWN:
        return _("This transfer was withdrawn by the agency that proposed it.")
    return _("This transfer no longer awaits an answer.")


def transfer_blockers(case: Case) -> list[str]:
    """What stops the case from changing hands now, in words for the user."""
    blockers = []
    if case.is_closed:
        blockers.append(_("A closed case cannot be transferred; reopen it first."))
    elif case.closure_requests.filter(decision=ClosureDecision.PENDING).exists():
        blockers.append(
            _(
                "The closure of this case awaits approval: a case cannot be transferred "
                "until the closure is refused or withdrawn."
            )
        )
    return blockers


def assignable_workers(agency: Agency) -> list[User]:
    """Who the accepting supervisor may assign to the case: members of the receiving
    agency whose role there allows working on cases."""
    workers = agency_members_with(agency, Capability.EDIT_CASE)
    return sorted(workers, key=lambda user: (user.display_name.lower(), user.pk))


def _in_default_language(agency: Agency) -> str:
    """An agency's name for a notification (stored once, e-mailed in the default language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return agency.name


def _case_editors(case: Case, agency: Agency, *, leaving_out: User) -> list[User]:
    """The users of `agency` who may change `case` while it owns it: its supervisors and
    the case workers who opened it or are assigned to it."""
    on_the_case = set(case.assignments.values_list("user_id", flat=True)) | {case.created_by_id}
    memberships = Membership.objects.filter(
        agency=agency, ended_at__isnull=True, user__is_active=True
    ).select_related("user", "role")
    editors: dict[int, User] = {}
    for membership in memberships:
        role = membership.role
        if Capability.EDIT_CASE not in role.capabilities or membership.user_id == leaving_out.pk:
            continue
        if role.case_scope == CaseScope.AGENCY or (
            role.case_scope == CaseScope.ASSIGNED and membership.user_id in on_the_case
        ):
            editors[membership.user_id] = membership.user
    return list(editors.values())


def _agency_refusal(case: Case, to_agency: Agency | None) -> str | None:
    if to_agency is None:
        return _("Choose the agency to transfer the case to.")
    if to_agency.pk == case.owner_agency_id:
        return _("The case already belongs to this agency.")
    if not to_agency.is_active:
        return _("This agency no longer works in Qamqor; choose another.")
    return None


def propose_transfer(
    actor: User, case: Case, to_agency: Agency | None, reason: str
) -> CaseTransfer:
    """Propose that `to_agency` take the case over; its supervisors are told."""
    require_case_edit(actor, case)
    reason = reason.strip()
    errors: dict[str, str] = {}
    agency_refusal = _agency_refusal(case, to_agency)
    if agency_refusal:
        errors["to_agency"] = agency_refusal
    if not reason:
        errors["reason"] = _("Say why the case should move to this agency.")
    if errors or to_agency is None:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            # The case row orders this proposal after a closure request or an acceptance
            # being written right now.
            locked = Case.objects.select_for_update().get(pk=case.pk)
            if locked.owner_agency_id != case.owner_agency_id:
                raise ValidationError(_("The case has moved to another agency meanwhile."))
            blockers = transfer_blockers(locked)
            if blockers:
                raise ValidationError(blockers)
            if CaseTransfer.objects.filter(case=locked, status=TransferStatus.PROPOSED).exists():
                raise ValidationError(_one_proposal_message())
            transfer = CaseTransfer(
                case=locked,
                from_agency_id=locked.owner_agency_id,
                to_agency=to_agency,
                proposed_by=actor,
                proposed_at=now(),
                reason=reason,
            )
            # The two constraints are checked above with their own words; the database
            # still refuses a second proposal written at the same moment.
            transfer.full_clean(validate_constraints=False)
            transfer.save()
            record(
                actor,
                "case.transfer_propose",
                transfer,
                case_code=locked.code,
                from_agency=locked.owner_agency_id,
                to_agency=to_agency.pk,
            )
            notify(
                agency_members_with(to_agency, DECIDING_CAPABILITY),
                "transfer_proposed",
                case_code=locked.code,
                user=actor.username,
                agency=_in_default_language(locked.owner_agency),
            )
    except IntegrityError:
        raise ValidationError(_one_proposal_message()) from None
    return transfer


def _locked_proposal(transfer: CaseTransfer) -> CaseTransfer:
    locked = (
        CaseTransfer.objects.select_for_update()
        .select_related("case", "from_agency", "to_agency")
        .get(pk=transfer.pk)
    )
    if locked.status != TransferStatus.PROPOSED:
        raise ValidationError(_answered_message(locked.status))
    return locked


def withdraw_transfer(actor: User, transfer: CaseTransfer) -> CaseTransfer:
    """The owning agency's case editors take back a proposal not answered yet."""
    require_case_edit(actor, transfer.case)
    with transaction.atomic():
        locked = _locked_proposal(transfer)
        locked.status = TransferStatus.WITHDRAWN
        locked.decided_by = actor
        locked.decided_at = now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        record(
            actor,
            "case.transfer_withdraw",
            locked,
            case_code=locked.case.code,
            to_agency=locked.to_agency_id,
        )
        notify(
            agency_members_with(locked.to_agency, DECIDING_CAPABILITY),
            "transfer_withdrawn",
            case_code=locked.case.code,
            user=actor.username,
            agency=_in_default_language(locked.from_agency),
        )
    return locked


def _require_decider(actor: User, transfer: CaseTransfer) -> None:
    if not may_decide_transfer(actor, transfer):
        raise PermissionDenied(_("Only a supervisor of the receiving agency answers a transfer."))


def accept_transfer(actor: User, transfer: CaseTransfer, worker: User | None = None) -> Case:
    """Take the case over: the receiving agency owns it from now on.

    The case's region becomes the receiving agency's region (as when a case is opened);
    the assignments of users who are not members of the receiving agency end; the plan,
    placements, assessments and referrals stay with the case. The former owner keeps a
    de-identified summary only if a referral consent in force covers it. `worker`, a
    member of the receiving agency, is assigned to the case at once.
    """
    _require_decider(actor, transfer)
    if worker is not None:
        if not has_capability(actor, Capability.EDIT_CASE, transfer.to_agency):
            raise ValidationError(
                {"worker": _("Your role does not assign workers; accept without choosing one.")}
            )
        if worker.pk not in {user.pk for user in assignable_workers(transfer.to_agency)}:
            raise ValidationError(
                {"worker": _("Only a worker of the receiving agency can be assigned.")}
            )
    with transaction.atomic():
        locked = _locked_proposal(transfer)
        case = Case.objects.select_for_update().get(pk=locked.case_id)
        if case.owner_agency_id != locked.from_agency_id:
            raise ValidationError(_("The case has moved to another agency meanwhile."))
        blockers = transfer_blockers(case)
        if blockers:
            raise ValidationError(blockers)
        former, receiving = locked.from_agency, locked.to_agency
        told = _case_editors(case, former, leaving_out=actor)
        keeps_summary = covering_consent(case, former, DataScope.MINIMUM) is not None

        previous_region = case.region_id
        case.owner_agency = receiving
        case.region_id = receiving.region_id
        case.updated_at = now()
        case.full_clean()
        case.save()
        members = Membership.objects.filter(agency=receiving, ended_at__isnull=True)
        ending = CaseAssignment.objects.filter(case=case).exclude(
            user_id__in=members.values("user_id")
        )
        unassigned = sorted(ending.values_list("user__username", flat=True))
        ending.delete()

        locked.status = TransferStatus.ACCEPTED
        locked.decided_by = actor
        locked.decided_at = now()
        locked.former_owner_keeps_summary = keeps_summary
        locked.save(
            update_fields=["status", "decided_by", "decided_at", "former_owner_keeps_summary"]
        )
        record(
            actor,
            "case.transfer_accept",
            locked,
            case_code=case.code,
            from_agency=former.pk,
            to_agency=receiving.pk,
            old_region=previous_region,
            new_region=case.region_id,
            unassigned=unassigned,
            former_owner_keeps_summary=keeps_summary,
        )
        if worker is not None:
            assign_worker(actor, case, worker)
        notify(
            told,
            "transfer_accepted",
            case_code=case.code,
            user=actor.username,
            agency=_in_default_language(receiving),
        )
    return case


def decline_transfer(actor: User, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """The receiving agency does not take the case; it stays with its owner."""
    _require_decider(actor, transfer)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"decline_reason": _("Say why your agency does not take the case.")})
    with transaction.atomic():
        locked = _locked_proposal(transfer)
        locked.status = TransferStatus.DECLINED
        locked.decided_by = actor
        locked.decided_at = now()
        locked.decline_reason = reason
        locked.save(update_fields=["status", "decided_by", "decided_at", "decline_reason"])
        record(
            actor,
            "case.transfer_decline",
            locked,
            case_code=locked.case.code,
            to_agency=locked.to_agency_id,
        )
        notify(
            _case_editors(locked.case, locked.from_agency, leaving_out=actor),
            "transfer_declined",
            case_code=locked.case.code,
            user=actor.username,
            agency=_in_default_language(locked.to_agency),
        )
    return locked
