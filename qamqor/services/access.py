"""Who reaches the standards pages, an agency's declared services and the list of providers.

Pages a user cannot use at all do not exist for them (404, as for the staff pages): the
standards and the catalogue are for those who manage reference data, an agency's offers
for those who declare its services, the providers for those who open cases.
"""

from typing import Any

from django.http import Http404

from qamqor.accounts.access import agencies_where, has_capability
from qamqor.accounts.models import Agency, Capability, User
from qamqor.translated import TranslatedName

from .models import (
    ExtensionReason,
    RecipientCategory,
    Service,
    ServiceSetting,
    ServiceType,
    Standard,
    TimeLimit,
)

# The catalogue entries a system administrator may rename, by the URL segment naming them.
CATALOGUE_KINDS: dict[str, type[TranslatedName]] = {
    "service-types": ServiceType,
    "services": Service,
    "settings": ServiceSetting,
    "recipient-categories": RecipientCategory,
    "extension-reasons": ExtensionReason,
    "time-limits": TimeLimit,
}


class NotFound(Http404):
    """The same answer for what does not exist and what the user may not reach."""

    def __init__(self) -> None:
        super().__init__("No such page.")


def manages_reference_data(user: User) -> bool:
    return has_capability(user, Capability.MANAGE_REFERENCE_DATA)


def require_reference_manager(user: User) -> None:
    if not manages_reference_data(user):
        raise NotFound()


def access_standard(user: User, code: str) -> Standard:
    require_reference_manager(user)
    standard = Standard.objects.select_related("category").filter(code=code).first()
    if standard is None:
        raise NotFound()
    return standard


def access_catalogue_entry(user: User, kind: str, code: str) -> TranslatedName:
    require_reference_manager(user)
    model: Any = CATALOGUE_KINDS.get(kind)
    entry = model._default_manager.filter(code=code).first() if model else None
    if entry is None:
        raise NotFound()
    return entry


def offer_agencies(user: User) -> list[Agency]:
    """The active agencies whose services `user` declares, by name."""
    agencies = [
        agency
        for agency in agencies_where(user, Capability.MANAGE_AGENCY_SERVICES)
        if agency.is_active
    ]
    return sorted(agencies, key=lambda agency: (agency.name, agency.pk))


def access_offer_agency(user: User, agency_id: int | None) -> tuple[Agency, list[Agency]]:
    """The agency whose offers the page shows (the first one when none is asked for), and
    every agency the user may choose; a 404 to anyone who declares no agency's services."""
    agencies = offer_agencies(user)
    if not agencies:
        raise NotFound()
    if agency_id is None:
        return agencies[0], agencies
    chosen = next((agency for agency in agencies if agency.pk == agency_id), None)
    if chosen is None:
        raise NotFound()
    return chosen, agencies


def require_provider_reader(user: User) -> None:
    """Who offers what is for those who place people and refer them: those who open cases."""
    if not has_capability(user, Capability.OPEN_CASE):
        raise NotFound()
