"""The referral directory: agencies by region, kind and service, with free places and
contact data, to choose where to refer.

Services are the agencies' own declarations (services.AgencyOffer, the same rows as the
service providers page, there grouped by service, here by agency); free places come from
facilities.queries.free_places, counted from placements. The agency's office address and
telephone are its public contact data; a shelter's address never appears here.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from qamqor.accounts.models import Agency
from qamqor.facilities.models import PlacementCategory
from qamqor.facilities.queries import free_places
from qamqor.services.models import AgencyOffer, Service, ServiceSetting


@dataclass
class CategoryPlaces:
    category: PlacementCategory
    places: int = 0
    free: int = 0


@dataclass
class DirectoryEntry:
    agency: Agency
    # Each service the agency declares, with the settings it offers it in.
    services: list[tuple[Service, list[ServiceSetting]]] = field(default_factory=list)
    places: list[CategoryPlaces] = field(default_factory=list)

    @property
    def free(self) -> int:
        return sum(row.free for row in self.places)


def directory_agencies(filters: dict[str, Any]) -> QuerySet[Agency]:
    """Active agencies matching the directory's filters (cleaned DirectoryFilterForm data)."""
    agencies = Agency.objects.filter(is_active=True).select_related("region", "kind")
    if filters.get("region"):
        agencies = agencies.filter(region=filters["region"])
    if filters.get("kind"):
        agencies = agencies.filter(kind=filters["kind"])
    offers = AgencyOffer.objects.all()
    offer_filters = {
        "service__service_type": filters.get("service_type"),
        "service": filters.get("service"),
        "setting": filters.get("setting"),
    }
    offer_filters = {key: value for key, value in offer_filters.items() if value}
    if offer_filters:
        offers = offers.filter(**offer_filters)
        agencies = agencies.filter(pk__in=offers.values("agency_id"))
    if filters.get("free_for"):
        with_free = free_places(category=filters["free_for"]).filter(free__gt=0)  # type: ignore[misc]
        agencies = agencies.filter(pk__in=with_free.values("facility__agency_id"))
    return agencies.order_by("region__name_ru", "kind__position", "name_ru", "pk")


def directory_entries(agencies: list[Agency]) -> list[DirectoryEntry]:
    """The services and free places of a page of agencies, in two queries."""
    entries = {agency.pk: DirectoryEntry(agency) for agency in agencies}
    offers = (
        AgencyOffer.objects.filter(agency_id__in=entries)
        .select_related("service__service_type", "setting")
        .order_by(
            "service__service_type__position",
            "service__position",
            "service__code",
            "setting__position",
        )
    )
    for offer in offers:
        services = entries[offer.agency_id].services
        if services and services[-1][0].pk == offer.service_id:
            services[-1][1].append(offer.setting)
        else:
            services.append((offer.service, [offer.setting]))
    # Places of the agency's active facilities, summed per category.
    by_category: dict[tuple[int, int], CategoryPlaces] = {}
    capacities = (
        free_places()
        .filter(facility__agency_id__in=entries)
        .order_by("category__position", "category__code")
    )
    for capacity in capacities:
        key = (capacity.facility.agency_id, capacity.category_id)
        row = by_category.get(key)
        if row is None:
            row = by_category[key] = CategoryPlaces(capacity.category)
            entries[capacity.facility.agency_id].places.append(row)
        row.places += capacity.places
        row.free += max(capacity.free, 0)  # type: ignore[attr-defined]
    return list(entries.values())
