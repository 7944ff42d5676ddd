"""What a user's memberships allow. The one place that reads roles."""

from dataclasses import dataclass

from django.db.models import F, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from .models import Agency, Capability, CaseScope, Membership, Role, User


def active_memberships(user: User) -> list[Membership]:
    """The user's open memberships, read once per request object and cached on it."""
    cached: list[Membership] | None = getattr(user, "_qamqor_memberships", None)
    if cached is None:
        if not user.is_authenticated or not user.is_active:
            cached = []
        else:
            cached = list(user.active_memberships().select_related("agency", "role"))
        user._qamqor_memberships = cached  # type: ignore[attr-defined]
    return cached


def member_agency_ids(user: User) -> set[int]:
    return {m.agency_id for m in active_memberships(user)}


def agencies_where(user: User, capability: Capability) -> list[Agency]:
    """Agencies in which one of the user's roles grants `capability`."""
    seen: dict[int, Agency] = {}
    for membership in active_memberships(user):
        if capability in membership.role.capabilities:
            seen.setdefault(membership.agency_id, membership.agency)
    return list(seen.values())


def has_capability(user: User, capability: Capability, agency: Agency | None = None) -> bool:
    return any(
        capability in m.role.capabilities and (agency is None or m.agency_id == agency.pk)
        for m in active_memberships(user)
    )


def agency_colleagues(agency: Agency) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, memberships__agency=agency, memberships__ended_at__isnull=True
    ).distinct()


def needs_second_factor(user: User) -> bool:
    """Everyone whose role can show who a person is signs in with a second factor."""
    return any(Capability.SEE_IDENTITY in m.role.capabilities for m in active_memberships(user))


# Staff management (docs/access.md): an agency administrator manages the users of their
# agency, a system administrator those of every agency; neither reaches case content.

# What an agency administrator may give and take: the work on cases inside the agency and
# its own administration. Region-wide, statistics, audit and system roles reach beyond
# the agency, so only a system administrator gives them.
AGENCY_GRANTABLE_CAPABILITIES = frozenset(
    capability.value
    for capability in (
        Capability.OPEN_CASE,
        Capability.EDIT_CASE,
        Capability.SEE_IDENTITY,
        Capability.BREAK_GLASS,
        Capability.APPROVE_CLOSURE,
        Capability.OVERRIDE_CONSENT,
        Capability.MANAGE_AGENCY_SERVICES,
        Capability.MANAGE_USERS,
    )
)
AGENCY_GRANTABLE_SCOPES = frozenset({CaseScope.NONE, CaseScope.ASSIGNED, CaseScope.AGENCY})
MANAGING_CAPABILITIES = (Capability.MANAGE_USERS, Capability.MANAGE_ALL_USERS)


class StaffMemberNotFound(Http404):
    """Raised alike for a user who does not exist and one the manager may not manage."""

    def __init__(self) -> None:
        super().__init__("No such page.")


def manages_every_agency(user: User) -> bool:
    return has_capability(user, Capability.MANAGE_ALL_USERS)


def can_manage_users(user: User) -> bool:
    return any(has_capability(user, capability) for capability in MANAGING_CAPABILITIES)


def require_user_manager(user: User) -> None:
    """To anyone who manages no user, the staff pages do not exist."""
    if not can_manage_users(user):
        raise StaffMemberNotFound()


def manageable_agencies(user: User) -> QuerySet[Agency]:
    if manages_every_agency(user):
        return Agency.objects.filter(is_active=True)
    return Agency.objects.filter(
        pk__in=[a.pk for a in agencies_where(user, Capability.MANAGE_USERS)]
    )


def manages_agency(user: User, agency: Agency) -> bool:
    if manages_every_agency(user):
        return agency.is_active
    return has_capability(user, Capability.MANAGE_USERS, agency)


def manageable_users(user: User) -> QuerySet[User]:
    """Users with a membership, open or ended, in an agency `user` manages."""
    memberships = Membership.objects.filter(agency__in=manageable_agencies(user))
    return User.objects.filter(pk__in=memberships.values("user_id"))


def access_staff_member(user: User, user_id: int) -> User:
    member = manageable_users(user).filter(pk=user_id).first()
    if member is None:
        raise StaffMemberNotFound()
    return member


def _agency_grantable(role: Role) -> bool:
    return (
        set(role.capabilities) <= AGENCY_GRANTABLE_CAPABILITIES
        and role.case_scope in AGENCY_GRANTABLE_SCOPES
    )


def grantable_roles(user: User, agency: Agency | None) -> QuerySet[Role]:
    """Roles `user` may give (and end) in `agency`; with None, in some agency they manage."""
    if not (can_manage_users(user) if agency is None else manages_agency(user, agency)):
        return Role.objects.none()
    if manages_every_agency(user):
        return Role.objects.all()
    return Role.objects.filter(pk__in=[r.pk for r in Role.objects.all() if _agency_grantable(r)])


def may_give_role(user: User, role: Role, agency: Agency) -> bool:
    """grantable_roles() for one role, without a query per role."""
    if not manages_agency(user, agency):
        return False
    return manages_every_agency(user) or _agency_grantable(role)


@dataclass(frozen=True)
class StaffReach:
    """What one manager may do to one staff member; where they may not, the reason.

    Acts on the whole account (deactivation, second-factor reset) need every current role
    of the member to be one the manager could have given: an agency administrator does
    not lock out a system administrator who also works in their agency, nor anyone's
    work in another agency.
    """

    memberships: list[Membership]  # in agencies the manager manages, current ones first
    end_refusals: dict[int, str]  # membership id -> why it may not be ended here
    deactivate_refusal: str | None
    reset_refusal: str | None
    add_role_refusal: str | None


def staff_reach(user: User, member: User) -> StaffReach:
    memberships = list(
        member.memberships.select_related("agency", "role").order_by(
            F("ended_at").desc(nulls_first=True), "-started_at"
        )
    )
    shown = [m for m in memberships if manages_agency(user, m.agency)]
    current = [m for m in memberships if m.ended_at is None and m.agency.is_active]
    whole = all(may_give_role(user, m.role, m.agency) for m in current)
    beyond = _("%(username)s also holds roles you do not manage; ask a system administrator.")
    beyond %= {"username": member.username}

    deactivate_refusal = None
    if member.pk == user.pk:
        deactivate_refusal = _("You cannot deactivate yourself; another administrator can.")
    elif not member.is_active:
        deactivate_refusal = _("This account is deactivated already.")
    elif not whole:
        deactivate_refusal = beyond

    add_role_refusal = None
    if member.pk == user.pk:
        add_role_refusal = _("You cannot give yourself a role; another administrator can.")
    elif not member.is_active:
        add_role_refusal = _("This account is deactivated.")

    return StaffReach(
        memberships=shown,
        end_refusals={m.pk: r for m in shown if (r := end_refusal(user, m)) is not None},
        deactivate_refusal=deactivate_refusal,
        reset_refusal=None if whole else beyond,
        add_role_refusal=add_role_refusal,
    )


def end_refusal(user: User, membership: Membership) -> str | None:
    if membership.ended_at is not None:
        return _("This role has ended already.")
    if not may_give_role(user, membership.role, membership.agency):
        return _("Only a system administrator can end this role.")
    if membership.user_id == user.pk and _is_managing(membership.role):
        own_managing = [m for m in active_memberships(user) if _is_managing(m.role)]
        if [m.pk for m in own_managing] == [membership.pk]:
            return _("This is your last role that manages users; another administrator can end it.")
    return None


def _is_managing(role: Role) -> bool:
    return any(capability in role.capabilities for capability in MANAGING_CAPABILITIES)
