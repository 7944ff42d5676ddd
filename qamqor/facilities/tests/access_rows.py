"""Access-matrix rows of the facility management pages (qamqor/web/tests/matrix.py).

Those whose role manages the agency's crisis-centre places (supervisors: carol) manage its
facilities; to everyone else the pages do not exist. The placement pages and Find a place
have their rows in test_access_matrix.py.
"""

from qamqor.facilities.models import Facility, FacilityCapacity, PlacementCategory
from qamqor.web.tests.matrix import CAST, everyone

MANAGERS = {"carol"}


def managed() -> dict[str, int]:
    return everyone(404, **{user: 200 for user in MANAGERS})


def managed_change() -> dict[str, set[int]]:
    return {user: {200, 302, 400} if user in MANAGERS else {404} for user in CAST}


PAGES = {
    "facilities:list": managed(),
    "facilities:create": managed(),
    "facilities:detail": managed(),
    "facilities:close": everyone(405),
    "facilities:reopen": everyone(405),
}
POSTS = {
    name: managed_change()
    for name in ("facilities:create", "facilities:detail", "facilities:close", "facilities:reopen")
}


def arguments(case) -> dict[str, object]:
    """A facility of alice's agency (the sensitive case's owner), with places for women."""
    agency = case.owner_agency
    facility = Facility.objects.create(
        agency=agency,
        code=f"matrix-{Facility.objects.count() + 1}",
        name="Matrix shelter",
        region=agency.region,
        address="Matrix shelter address",
    )
    FacilityCapacity.objects.create(
        facility=facility, category=PlacementCategory.objects.get(code="women"), places=2
    )
    return {"facility_id": facility.pk}
