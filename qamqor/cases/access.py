"""Who may see and change which case: the rules of docs/access.md, in one place.

A user reaches a case through a relation:
- their agency owns it and their role's scope there is the agency (supervisor);
- their agency owns it and they opened it or are assigned to it (case worker);
- it lies in their agency's region and their role's scope is the region (regional
  coordinator): de-identified, never who the person is;
- a break-glass grant of the last 24 hours;
- a referral to their agency whose share is in force (qamqor/referrals/access.py): the
  minimum while it awaits an answer, then the referral's data scope (minimum: the
  de-identified summary; identity: who the person is, not the case's story; full: the
  whole file), read only.
A role without the `case.identity` capability reaches cases de-identified only. Changes
need `case.edit` in the owning agency and a relation through that agency. Everyone else
is told the case does not exist (404), in the same words as for a missing case.
`case_audience()` lists who reaches a case and why from the same rules, for the case file.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from qamqor.accounts.access import active_memberships, has_capability
from qamqor.accounts.models import (
    Agency,
    BreakGlassGrant,
    Capability,
    CaseScope,
    Membership,
    Role,
    User,
)
from qamqor.clock import now
from qamqor.referrals.access import (
    RECEIVING_SCOPES,
    SHARING,
    referral_case_filters,
    referral_scope,
    share_in_force,
)
from qamqor.referrals.models import LIVE, DataScope, Referral
from qamqor.referrals.transfers import former_owner_summary_cases, former_owner_summary_condition

from .models import Case, CaseAssignment

NOTHING = Q(pk__in=[])


class CaseNotFound(Http404):
    """Raised alike for a case that does not exist and one the user may not see."""

    def __init__(self) -> None:
        super().__init__("No such case.")


@dataclass(frozen=True)
class CaseAccess:
    """What one user may do with one case, and why.

    `identity`: the whole case file, who the person is included (the pages behind
    access_case_with_identity). A referral of the identity scope shows who the person is
    without the rest of the file: `identity` stays False, `scope` says "identity".
    """

    relations: frozenset[str]
    identity: bool
    edit: bool
    break_glass_until: datetime | None = None
    # The widest data scope referrals to the user's agencies give (None: no referral).
    referral_scope: str | None = None

    @property
    def scope(self) -> str:
        """What the user sees, as a data scope: full, identity, or minimum (de-identified)."""
        if self.identity:
            return DataScope.FULL
        if self.referral_scope == DataScope.IDENTITY:
            return DataScope.IDENTITY
        return DataScope.MINIMUM

    @property
    def full_file(self) -> bool:
        """The whole case file: narratives, notes, assessments, plans, protection."""
        return self.identity

    @property
    def person_only(self) -> bool:
        """Who the person is (names, documents, contacts) and nothing of the case's story."""
        return self.scope == DataScope.IDENTITY

    @property
    def sees_person(self) -> bool:
        return self.scope != DataScope.MINIMUM


def _scope_filters(user: User) -> tuple[Q, Q]:
    """SQL conditions for the cases `user` reaches with identity, and de-identified."""
    with_identity, de_identified = _agency_filters(user)
    # Referred cases: a subquery, so a consent withdrawn counts on the very next query.
    referred_with_identity, referred = referral_case_filters(user)
    # A former owner keeps a de-identified summary while a referral consent names it.
    de_identified |= former_owner_summary_condition(user)
    return with_identity | referred_with_identity, de_identified | referred


def _agency_filters(user: User) -> tuple[Q, Q]:
    """The reach through the user's own agencies (their role's scope there) and
    break-glass grants: with identity, and de-identified. Built once for the memberships
    and grants read for the user object (a request's), and afresh when those are."""
    memberships, grants = active_memberships(user), live_break_glass(user)
    cached = getattr(user, "_qamqor_agency_filters", None)
    if cached is not None and cached[0] is memberships and cached[1] is grants:
        return cached[2]  # type: ignore[no-any-return]
    with_identity, de_identified = NOTHING, NOTHING
    for membership in memberships:
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
    if grants:
        # Ids, not a subquery: the usual list then keeps its plain, indexed condition.
        with_identity |= Q(pk__in=list(grants))
    user._qamqor_agency_filters = (memberships, grants, (with_identity, de_identified))  # type: ignore[attr-defined]
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


def agency_identity_cases(user: User) -> QuerySet[Case]:
    """The cases whose whole file `user` reaches through their own agencies (their role's
    scope there) or a break-glass grant: `identity_cases` without what referrals share
    with them. Smaller SQL, for queries that keep to the user's agencies' own cases."""
    return Case.objects.filter(_agency_filters(user)[0])


def identity_cases(user: User) -> QuerySet[Case]:
    """The cases in which `user` may see who the person is (and so search them by name):
    the whole file, or a referral of the identity scope."""
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
    if not relations and former_owner_summary_cases(user).filter(pk=case.pk).exists():
        relations.add("former_owner")
    shared = referral_scope(user, case.pk, case.owner_agency_id)
    if shared is not None:
        relations.add("referral")
        identity = identity or shared == DataScope.FULL
    return CaseAccess(
        relations=frozenset(relations),
        identity=identity,
        edit=edit,
        break_glass_until=break_glass_until,
        referral_scope=shared,
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
    if access.person_only:
        raise PermissionDenied(
            _("The referral to your agency shares who the person is, not this part of the case.")
        )
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


# Who can see this case and why -----------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """One line of "who can see this case and why", in the words of docs/access.md."""

    relation: str  # agency, assigned, region, break_glass, referral
    who: str  # the agency, or the person of a break-glass grant
    role: str  # the role's name, or ""
    people: tuple[str, ...]
    scope: str  # a DataScope value: full, identity, minimum
    may_change: bool
    because: str
    referral: Referral | None = field(default=None, compare=False)


def _day(moment: datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def case_audience(case: Case) -> list[Audience]:
    """Everyone who reaches `case` now, grouped by agency and role, with what they see and
    the relation, consent or referral it rests on: the rules of visible_cases and
    case_access read the other way round (five queries)."""
    assigned = {case.created_by_id, *case.assignments.values_list("user_id", flat=True)}
    active = Q(ended_at__isnull=True, user__is_active=True, agency__is_active=True)
    memberships = (
        Membership.objects.filter(active)
        .filter(
            Q(agency_id=case.owner_agency_id, role__case_scope__in=RECEIVING_SCOPES)
            | Q(agency__region_id=case.region_id, role__case_scope=CaseScope.REGION)
        )
        .select_related("user", "role", "agency__region")
        .order_by("role__position", "agency_id", "user__username")
    )
    groups: dict[tuple[str, int, int], list[Membership]] = {}
    for membership in memberships:
        scope = membership.role.case_scope
        if scope == CaseScope.ASSIGNED and membership.user_id not in assigned:
            continue
        relation = {"agency": "agency", "assigned": "assigned"}.get(str(scope), "region")
        groups.setdefault((relation, membership.agency_id, membership.role_id), []).append(
            membership
        )
    members = [_member_line(relation, people) for (relation, *_), people in groups.items()]
    entries = [line for line in members if line.relation != "region"]
    entries += _referral_lines(case)
    entries += [line for line in members if line.relation == "region"]
    grants = BreakGlassGrant.objects.filter(case=case, expires_at__gt=now()).select_related("user")
    for grant in grants:
        entries.append(
            Audience(
                relation="break_glass",
                who=grant.user.display_name,
                role="",
                people=(grant.user.display_name,),
                scope=DataScope.FULL,
                may_change=False,
                because=_("Break-glass access until %(until)s, for the reason given: %(reason)s")
                % {"until": _day(grant.expires_at), "reason": grant.reason},
            )
        )
    return entries


def _member_line(relation: str, members: list[Membership]) -> Audience:
    agency: Agency = members[0].agency
    role: Role = members[0].role
    identity = relation != "region" and Capability.SEE_IDENTITY in role.capabilities
    if relation == "agency":
        because = _("The case belongs to %(agency)s; this role reaches every case there.")
    elif relation == "assigned":
        because = _("The case belongs to %(agency)s; they opened it or are assigned to it.")
    else:
        because = _("The case is in %(region)s, the region they coordinate.")
    return Audience(
        relation=relation,
        who=agency.name,
        role=role.name,
        people=tuple(m.user.display_name for m in members),
        scope=DataScope.FULL if identity else DataScope.MINIMUM,
        may_change=identity and Capability.EDIT_CASE in role.capabilities,
        because=because % {"agency": agency.name, "region": agency.region.name},
    )


def _referral_lines(case: Case) -> list[Audience]:
    referrals = list(
        Referral.objects.filter(share_in_force(), case=case, status__in=SHARING)
        .select_related("to_agency", "consent")
        .order_by("sent_at", "pk")
    )
    if not referrals:
        return []
    members = (
        Membership.objects.filter(
            ended_at__isnull=True,
            user__is_active=True,
            agency_id__in={r.to_agency_id for r in referrals},
            role__case_scope__in=RECEIVING_SCOPES,
        )
        .select_related("user", "role")
        .order_by("role__position", "user__username")
    )
    by_agency: dict[int, dict[int, list[Membership]]] = {}
    for membership in members:
        by_agency.setdefault(membership.agency_id, {}).setdefault(membership.role_id, []).append(
            membership
        )
    lines = []
    for referral in referrals:
        given = referral.scope if referral.status in LIVE else DataScope.MINIMUM
        because = _referral_grounds(referral)
        roles = by_agency.get(referral.to_agency_id) or {0: []}
        for role_members in roles.values():
            role = role_members[0].role if role_members else None
            identity = role is None or Capability.SEE_IDENTITY in role.capabilities
            lines.append(
                Audience(
                    relation="referral",
                    who=referral.to_agency.name,
                    role=role.name if role is not None else "",
                    people=tuple(m.user.display_name for m in role_members),
                    scope=given if identity else DataScope.MINIMUM,
                    may_change=False,
                    because=because,
                    referral=referral,
                )
            )
    return lines


def _referral_grounds(referral: Referral) -> str:
    facts = {
        "sent": _day(referral.sent_at),
        "status": referral.get_status_display(),
    }
    awaiting = "" if referral.status in LIVE else " " + _("They see the minimum until they answer.")
    if referral.consent is not None:
        because = _("Referred on %(sent)s (%(status)s), with the consent given on %(given)s.") % {
            **facts,
            "given": referral.consent.given_on.strftime("%d.%m.%Y"),
        }
        if referral.consent.expires_on:
            because += " " + _("The consent runs until %(day)s.") % {
                "day": referral.consent.expires_on.strftime("%d.%m.%Y")
            }
    elif referral.is_override:
        because = _("Referred on %(sent)s (%(status)s) without consent, on the ground: %(ground)s.")
        because %= {**facts, "ground": referral.get_override_ground_display()}
    else:
        because = (
            _(
                "Referred on %(sent)s (%(status)s) for protection in an emergency: the minimum, "
                "without consent."
            )
            % facts
        )
    return because + awaiting
