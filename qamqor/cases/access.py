"""Who may see and change which case: the rules of docs/access.md, in one place.

A user reaches a case through a relation:
- their agency owns it and their role's scope there is the agency (supervisor);
- their agency owns it and they opened it or are assigned to it (case worker);
- it lies in their agency's region and their role's scope is the region (regional
  coordinator): de-identified, never who the person is;
- a break-glass grant of the last 24 hours.
A role without the `case.identity` capability reaches cases de-identified only. Changes
need `case.edit` in the owning agency and a relation through that agency. Everyone else
is told the case does not exist (404), in the same words as for a missing case.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from qamqor.accounts.access import active_memberships, has_capability
from qamqor.accounts.models import BreakGlassGrant, Capability, CaseScope, User
from qamqor.clock import now

from .models import Case, CaseAssignment

NOTHING = Q(pk__in=[])


class CaseNotFound(Http404):
    """Raised alike for a case that does not exist and one the user may not see."""

    def __init__(self) -> None:
        super().__init__("No such case.")


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case, and why."""

    relations: frozenset[str]
    identity: bool
    edit: bool
    break_glass_until: datetime | None = None


def _scope_filters(user: User) -> tuple[Q, Q]:
    """SQL conditions for the cases `user` reaches with identity, and de-identified."""
    with_identity, de_identified = NOTHING, NOTHING
    for membership in active_memberships(user):
        role = membership.role
        if role.case_scope == CaseScope.AGENCY:
            reach = Q(owner_agency_id=membership.agency_id)
        elif role.case_scope == CaseScope.ASSIGNED:
            reach = Q(owner_agency_id=membership.agency_id) & (
                Q(created_by_id=user.pk) | Q(Exists(_assignment(user)))
            )
        elif role.case_scope == CaseScope.REGION:
            de_identified |= Q(region_id=membership.agency.region_id)
            continue
        else:
            continue
        if Capability.SEE_IDENTITY in role.capabilities:
            with_identity |= reach
        else:
            de_identified |= reach
    grants = live_break_glass(user)
    if grants:
        # Ids, not a subquery: the usual list then keeps its plain, indexed condition.
        with_identity |= Q(pk__in=list(grants))
    return with_identity, de_identified


def _assignment(user: User) -> QuerySet[CaseAssignment]:
    return CaseAssignment.objects.filter(case_id=OuterRef("pk"), user_id=user.pk)


def live_break_glass(user: User) -> dict[int, datetime]:
    """Case id -> end of the user's break-glass grants in force, read once per request."""
    cached: dict[int, datetime] | None = getattr(user, "_qamqor_break_glass", None)
    if cached is None:
        cached = {}
        if user.is_authenticated and user.is_active:
            grants = BreakGlassGrant.objects.filter(user_id=user.pk, expires_at__gt=now())
            for case_id, expires_at in grants.values_list("case_id", "expires_at"):
                cached[case_id] = max(expires_at, cached.get(case_id, expires_at))
        user._qamqor_break_glass = cached  # type: ignore[attr-defined]
    return cached


def visible_cases(user: User) -> QuerySet[Case]:
    """Every case `user` may see, with identity or de-identified, filtered in SQL."""
    with_identity, de_identified = _scope_filters(user)
    return Case.objects.filter(with_identity | de_identified)


def identity_cases(user: User) -> QuerySet[Case]:
    """The cases in which `user` may see who the person is (and so search them by name)."""
    with_identity, _de_identified = _scope_filters(user)
    return Case.objects.filter(with_identity)


def access_case(user: User, code: str) -> Case:
    """Fetch a case by its code and authorise the read in one step (404 for both)."""
    try:
        return (
            visible_cases(user)
            .select_related("person__region", "region", "owner_agency__region")
            .get(code=code)
        )
    except Case.DoesNotExist:
        raise CaseNotFound() from None


def case_access(user: User, case: Case) -> CaseAccess:
    """Why and how far `user` reaches a case they can see (two small queries)."""
    relations: set[str] = set()
    identity = False
    assigned = case.created_by_id == user.pk or case.assignments.filter(user_id=user.pk).exists()
    for membership in active_memberships(user):
        role = membership.role
        if role.case_scope == CaseScope.REGION and membership.agency.region_id == case.region_id:
            relations.add("region")
            continue
        if membership.agency_id != case.owner_agency_id:
            continue
        if role.case_scope == CaseScope.AGENCY or (
            role.case_scope == CaseScope.ASSIGNED and assigned
        ):
            relations.add("assigned" if role.case_scope == CaseScope.ASSIGNED else "agency")
            identity = identity or Capability.SEE_IDENTITY in role.capabilities
    edit = (
        bool(relations & {"agency", "assigned"})
        and identity
        and (has_capability(user, Capability.EDIT_CASE, case.owner_agency))
    )
    break_glass_until = live_break_glass(user).get(case.pk)
    if break_glass_until is not None:
        relations.add("break_glass")
        identity = True
    return CaseAccess(
        relations=frozenset(relations),
        identity=identity,
        edit=edit,
        break_glass_until=break_glass_until,
    )


def can_edit_case(user: User, case: Case) -> bool:
    return case_access(user, case).edit


def require_case_edit(user: User, case: Case) -> None:
    if not can_edit_case(user, case):
        raise PermissionDenied("Your role does not allow changing this case.")


def access_case_to_change(user: User, code: str) -> tuple[Case, CaseAccess]:
    """A case the user may change, with their reach worked out once (403 if read only)."""
    case = access_case(user, code)
    access = case_access(user, case)
    if not access.edit:
        raise PermissionDenied("Your role does not allow changing this case.")
    return case, access


def access_case_for_edit(user: User, code: str) -> Case:
    """A case the user may change; one they may only see gives 403, not 404."""
    return access_case_to_change(user, code)[0]


def access_case_with_identity(user: User, code: str) -> tuple[Case, CaseAccess]:
    """A case whose person the user may see; a de-identified reach gives 403."""
    case = access_case(user, code)
    access = case_access(user, case)
    if not access.identity:
        raise PermissionDenied("Your role shows this case without identifying data.")
    return case, access


def case_for_break_glass(user: User, code: str) -> Case:
    """The case a user with `case.break_glass` asks to open outside their scope.

    Only such users reach this lookup; for them a missing code is a plain 404.
    """
    if not has_capability(user, Capability.BREAK_GLASS):
        raise PermissionDenied("Your role does not allow break-glass access.")
    try:
        return Case.objects.select_related("owner_agency").get(code=code)
    except Case.DoesNotExist:
        raise CaseNotFound() from None
