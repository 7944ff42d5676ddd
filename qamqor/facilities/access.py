"""Who manages which facilities: those whose role lets them manage their agency's
crisis-centre places (`agency.services`, supervisors), for the agency's own facilities.

To anyone else the management pages do not exist: a facility they may not manage answers
the same 404 as one that does not exist.
"""

from django.db.models import QuerySet
from django.http import Http404

from qamqor.accounts.access import agencies_where, has_capability
from qamqor.accounts.models import Agency, Capability, User

from .models import Facility


class FacilityNotFound(Http404):
    """The same answer for a facility that does not exist and one the user may not manage."""

    def __init__(self) -> None:
        super().__init__("No such page.")


def facility_agencies(user: User) -> list[Agency]:
    """The active agencies whose facilities `user` manages, by name."""
    agencies = [
        agency
        for agency in agencies_where(user, Capability.MANAGE_AGENCY_SERVICES)
        if agency.is_active
    ]
    return sorted(agencies, key=lambda agency: (agency.name, agency.pk))


def manages_facilities_of(user: User, agency: Agency) -> bool:
    return agency.is_active and has_capability(user, Capability.MANAGE_AGENCY_SERVICES, agency)


def require_facility_manager(user: User) -> list[Agency]:
    agencies = facility_agencies(user)
    if not agencies:
        raise FacilityNotFound()
    return agencies


def managed_facilities(user: User) -> QuerySet[Facility]:
    """Facilities, open and closed, of the agencies whose facilities `user` manages."""
    return Facility.objects.filter(agency__in=[a.pk for a in facility_agencies(user)])


def access_facility_to_manage(user: User, facility_id: int) -> Facility:
    facility = (
        managed_facilities(user).select_related("agency", "region").filter(pk=facility_id).first()
    )
    if facility is None:
        raise FacilityNotFound()
    return facility
