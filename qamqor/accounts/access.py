"""What a user's memberships allow. The one place that reads roles."""

from django.db.models import QuerySet

from .models import Agency, Capability, Membership, User


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
