"""Case transfers: who decides a proposal, and which cases a former owner keeps in summary.

This module reads only; the changes are in transfer_actions.py. It imports nothing from
qamqor.cases.access, so that the access rules may use `former_owner_summary_condition`.
docs/transfers.md has the rules.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from qamqor.accounts.access import active_memberships, agencies_where, has_capability
from qamqor.accounts.models import Agency, Capability, CaseScope, User
from qamqor.cases.models import Case
from qamqor.clock import today

from .consents import in_force_on
from .models import CaseTransfer, Consent, ConsentPurpose, TransferStatus

# Who answers a proposal in the receiving agency: taking a case over is the decision of
# the same people who decide that a case of the agency ends (supervisors, as data).
DECIDING_CAPABILITY = Capability.APPROVE_CLOSURE


def may_decide_transfer(user: User, transfer: CaseTransfer) -> bool:
    """Whether `user` may accept or decline `transfer` (on the receiving side)."""
    return has_capability(user, DECIDING_CAPABILITY, agency=transfer.to_agency)


def deciding_agencies(user: User) -> list[Agency]:
    """The agencies for which `user` answers incoming proposals."""
    return agencies_where(user, DECIDING_CAPABILITY)


def proposed_transfer(case: Case) -> CaseTransfer | None:
    """The case's proposal awaiting an answer, if any (there is one at most)."""
    return (
        CaseTransfer.objects.filter(case=case, status=TransferStatus.PROPOSED)
        .select_related("to_agency__region", "from_agency", "proposed_by")
        .first()
    )


def incoming_proposals(user: User) -> QuerySet[CaseTransfer]:
    """Proposals awaiting an answer from the agencies where `user` decides them."""
    agency_ids = [agency.pk for agency in deciding_agencies(user)]
    return CaseTransfer.objects.filter(
        to_agency_id__in=agency_ids, status=TransferStatus.PROPOSED
    ).order_by("proposed_at", "id")


def _covering_referral_consent() -> QuerySet[Consent]:
    """A referral consent in force today that names the transfer's former owner, by name,
    by its kind or by naming no agency: Consent.names_agency in SQL, for a transfer row
    (the outer query), at the least scope, which every consent covers."""
    transfer_from = "from_agency_id"
    names_agency = (
        Q(recipient_agency_id=OuterRef(transfer_from))
        | Q(recipient_agency__isnull=True, recipient_kind_id=OuterRef("from_agency__kind_id"))
        | Q(recipient_agency__isnull=True, recipient_kind__isnull=True)
    )
    return Consent.objects.filter(
        in_force_on(today()),
        names_agency,
        case_id=OuterRef("case_id"),
        purpose=ConsentPurpose.REFERRAL,
    )


def _former_owner_transfers(user: User) -> QuerySet[CaseTransfer] | None:
    """Accepted transfers whose former owner keeps a summary that `user` may read, or None
    when no role of the user reaches cases."""
    reach = Q(pk__in=[])
    reaches_any = False
    for membership in active_memberships(user):
        scope = membership.role.case_scope
        if scope == CaseScope.AGENCY:
            reach |= Q(from_agency_id=membership.agency_id)
        elif scope == CaseScope.ASSIGNED:
            # A case worker keeps the summary of the cases they opened; the assignments of
            # the former agency ended with the transfer.
            reach |= Q(from_agency_id=membership.agency_id, case__created_by_id=user.pk)
        else:
            continue
        reaches_any = True
    if not reaches_any:
        return None
    return CaseTransfer.objects.filter(
        reach,
        Exists(_covering_referral_consent()),
        status=TransferStatus.ACCEPTED,
        former_owner_keeps_summary=True,
    )


def former_owner_summary_condition(user: User) -> Q:
    """A condition on cases: those `user` reaches de-identified as a member of a former
    owner (for cases.access: `de_identified |= former_owner_summary_condition(user)`).

    A former owner keeps the summary when, at acceptance, a referral consent in force named
    it (CaseTransfer.former_owner_keeps_summary), and for as long as such a consent stays
    in force: a withdrawal or an expiry ends the summary at once, as it ends a referral.
    """
    transfers = _former_owner_transfers(user)
    if transfers is None:
        return Q(pk__in=[])
    return Q(pk__in_subquery=transfers.values("case_id"))


def former_owner_summary_cases(user: User) -> QuerySet[Case]:
    """The cases whose summary `user` keeps as a member of their former owner."""
    return Case.objects.filter(former_owner_summary_condition(user))
