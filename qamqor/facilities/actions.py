"""Facilities and their places; admissions, discharges and transfers. Each takes the
acting user first, checks permission, validates, writes, and records its audit event in
the same transaction.

Audit details name the facility, the category, the places and the dates, never an address
or notes.
"""

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Agency, Capability, Region, User
from qamqor.audit.events import record
from qamqor.cases.access import require_case_edit
from qamqor.cases.models import Case
from qamqor.clock import now, today

from .access import manages_facilities_of
from .facility_file import FacilityFileError, FacilityRow, Problem, read_facility_file
from .models import Facility, FacilityCapacity, Placement, PlacementCategory
from .queries import occupancy_by_category, occupied_places, open_placements

# The fields of a facility a manager edits; the address is compared, never logged.
EDITABLE_FIELDS = ("code", "name", "region", "address")


def places_field(category_code: str) -> str:
    """The name under which a refusal about one category's places is reported."""
    return f"places_{category_code}"


def _lock_facility(facility: Facility) -> Facility:
    """Lock a facility and then all its capacity rows, before changing anything.

    FOR NO KEY UPDATE, so an admission that holds a capacity row can still insert its
    placement (whose foreign key takes a KEY SHARE lock on the facility); and the capacity
    rows are taken before any write, so a manager never holds a write lock an admission
    waits for while waiting for that admission's capacity row.
    """
    current = (
        Facility.objects.select_for_update(no_key=True, of=("self",))
        .select_related("region", "agency")
        .get(pk=facility.pk)
    )
    list(_capacity_rows_locked().filter(facility=current).values("pk"))
    return current


def _capacity_rows_locked() -> QuerySet[FacilityCapacity]:
    """Capacity rows to lock, and only them: the model's ordering joins the facility, and
    FOR UPDATE without OF would lock the facility row too, in an order that deadlocks an
    admission against a manager's change (each holding the row the other waits for)."""
    return FacilityCapacity.objects.select_for_update(of=("self",)).order_by("pk")


def _require_facility_manager(actor: User, agency: Agency) -> None:
    if not manages_facilities_of(actor, agency):
        raise PermissionDenied(_("Your role does not allow managing this agency's facilities."))


def _set_places(
    facility: Facility, places: Mapping[PlacementCategory, int]
) -> dict[str, list[int]]:
    """Give `facility` these places per category (0 removes the category), refusing any
    below the residents staying now. Returns {category code: [before, after]} of changes.

    The capacity rows are locked first, as an admission locks them, so no admission can
    take a place between the count and the change.
    """
    errors: dict[str, str] = {}
    for category, count in places.items():
        if count < 0:
            errors[places_field(category.code)] = _("Places cannot be fewer than 0.")
    if errors:
        raise ValidationError(errors)
    rows = {
        row.category_id: row
        for row in _capacity_rows_locked().filter(
            facility=facility, category__in=[category.pk for category in places]
        )
    }
    occupied = occupancy_by_category(facility)
    changes: dict[str, list[int]] = {}
    for category, count in sorted(places.items(), key=lambda item: item[0].position):
        row = rows.get(category.pk)
        before = row.places if row else 0
        if count == before:
            continue
        staying = occupied.get(category.pk, 0)
        if count < staying:
            errors[places_field(category.code)] = ngettext(
                "%(category)s: %(occupied)d resident stays in these places now; "
                "there cannot be fewer places than that.",
                "%(category)s: %(occupied)d residents stay in these places now; "
                "there cannot be fewer places than that.",
                staying,
            ) % {"category": category.name, "occupied": staying}
        changes[category.code] = [before, count]
    if errors:
        raise ValidationError(errors)
    for category, count in places.items():
        if category.code not in changes:
            continue
        row = rows.get(category.pk)
        if row is None:
            row = FacilityCapacity(facility=facility, category=category, places=count)
            row.full_clean()
            row.save()
        elif count == 0:
            row.delete()
        else:
            row.places = count
            row.full_clean()
            row.save(update_fields=["places"])
    return changes


def _create_facility(
    actor: User | None,
    agency: Agency,
    *,
    code: str,
    name: str,
    region: Region,
    address: str,
    places: Mapping[PlacementCategory, int],
    **audit: Any,
) -> Facility:
    """Create inside the caller's transaction."""
    facility = Facility(
        agency=agency, code=code, name=name.strip(), region=region, address=address.strip()
    )
    facility.full_clean()
    try:
        with transaction.atomic():
            facility.save()
    except IntegrityError:
        raise ValidationError({"code": _("A facility with this code exists already.")}) from None
    changes = _set_places(facility, places)
    record(
        actor,
        "facility.create",
        facility,
        agency=agency.pk,
        code=facility.code,
        name=facility.name,
        region=region.iso_code,
        places={code: after for code, (_before, after) in changes.items()},
        **audit,
    )
    return facility


def _update_facility(
    actor: User | None,
    facility: Facility,
    values: Mapping[str, Any],
    places: Mapping[PlacementCategory, int],
    **audit: Any,
) -> tuple[Facility, bool]:
    """Update inside the caller's transaction; `values` holds the fields to set.
    Returns the facility and whether anything changed."""
    current = _lock_facility(facility)
    cleaned = {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }
    changed = sorted(name for name, value in cleaned.items() if getattr(current, name) != value)
    for name in changed:
        setattr(current, name, cleaned[name])
    if changed:
        current.full_clean()
        try:
            with transaction.atomic():
                current.save(update_fields=changed)
        except IntegrityError:
            raise ValidationError(
                {"code": _("A facility with this code exists already.")}
            ) from None
    place_changes = _set_places(current, places)
    if changed or place_changes:
        record(
            actor,
            "facility.update",
            current,
            agency=current.agency_id,
            changed=changed,
            places=place_changes,
            **audit,
        )
    return current, bool(changed or place_changes)


def create_facility(
    actor: User,
    agency: Agency,
    *,
    code: str,
    name: str,
    region: Region,
    address: str,
    places: Mapping[PlacementCategory, int],
) -> Facility:
    """A new facility of `agency`, receiving residents, with places per category."""
    _require_facility_manager(actor, agency)
    with transaction.atomic():
        return _create_facility(
            actor, agency, code=code, name=name, region=region, address=address, places=places
        )


def update_facility(
    actor: User,
    facility: Facility,
    *,
    code: str,
    name: str,
    region: Region,
    address: str,
    places: Mapping[PlacementCategory, int],
) -> Facility:
    """Change a facility's details and places; places below the residents staying in a
    category are refused and nothing changes."""
    _require_facility_manager(actor, facility.agency)
    values = {"code": code, "name": name, "region": region, "address": address}
    with transaction.atomic():
        updated, _changed = _update_facility(actor, facility, values, places)
    return updated


def close_facility(actor: User, facility: Facility) -> Facility:
    """Stop admissions to a facility; refused while residents stay there."""
    _require_facility_manager(actor, facility.agency)
    with transaction.atomic():
        # Admissions lock the capacity rows; holding them, the count below stays true.
        current = _lock_facility(facility)
        if not current.is_active:
            raise ValidationError(_("This facility is closed already."))
        residents = open_placements().filter(facility=current).count()
        if residents:
            raise ValidationError(
                ngettext(
                    "%(count)d resident stays here; discharge or transfer them before "
                    "closing the facility.",
                    "%(count)d residents stay here; discharge or transfer them before "
                    "closing the facility.",
                    residents,
                )
                % {"count": residents}
            )
        current.is_active = False
        current.save(update_fields=["is_active"])
        record(actor, "facility.close", current, agency=current.agency_id)
    facility.is_active = False
    return current


def reopen_facility(actor: User, facility: Facility) -> Facility:
    """Let a closed facility receive residents again."""
    _require_facility_manager(actor, facility.agency)
    with transaction.atomic():
        current = _lock_facility(facility)
        if current.is_active:
            raise ValidationError(_("This facility receives residents already."))
        current.is_active = True
        current.save(update_fields=["is_active"])
        record(actor, "facility.reopen", current, agency=current.agency_id)
    facility.is_active = True
    return current


@dataclass
class ImportTally:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def import_facilities(
    actor: User | None, text: str, *, source_name: str, dry_run: bool = False
) -> ImportTally:
    """Import a facilities file (docs/facilities.md): all of it or, on any problem, nothing.

    Raises FacilityFileError listing every bad row. `actor` is None from the command line.
    A dry run writes in a transaction that is then rolled back, so it finds every problem
    a real import would (places below the residents staying included).
    """
    if actor is not None and not has_capability(actor, Capability.MANAGE_REFERENCE_DATA):
        raise PermissionDenied(_("Your role does not allow changing reference data."))
    rows = read_facility_file(text)
    tally = ImportTally()
    problems: list[Problem] = []
    with transaction.atomic():
        for row in rows:
            try:
                # A savepoint per row: a refused row leaves the others checkable.
                with transaction.atomic():
                    outcome = _import_row(actor, row, source_name)
            except ValidationError as refusal:
                problems.extend(_row_problems(row, refusal))
            else:
                getattr(tally, outcome).append(row.code)
        if problems:
            raise FacilityFileError(problems)
        if dry_run:
            transaction.set_rollback(True)
        else:
            record(
                actor,
                "facilities.import",
                file=source_name,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                counts=tally.as_dict(),
            )
    return tally


def _import_row(actor: User | None, row: FacilityRow, source_name: str) -> str:
    existing = Facility.objects.filter(code=row.code).select_related("agency").first()
    if existing is None:
        _create_facility(
            actor,
            row.agency,
            code=row.code,
            name=row.name or "",
            region=row.region or row.agency.region,
            address=row.address or "",
            places=row.places,
            file=source_name,
        )
        return "created"
    if existing.agency_id != row.agency.pk:
        raise ValidationError(
            {
                "agency": f"facility {row.code} belongs to agency {existing.agency.pk} "
                f"({existing.agency.name}); a file cannot move it to another agency"
            }
        )
    values: dict[str, Any] = {
        name: getattr(row, name) for name in EDITABLE_FIELDS if getattr(row, name) is not None
    }
    values.pop("code")
    _facility, changed = _update_facility(actor, existing, values, row.places, file=source_name)
    return "updated" if changed else "unchanged"


def _row_problems(row: FacilityRow, refusal: ValidationError) -> list[Problem]:
    if not hasattr(refusal, "error_dict"):
        return [row.problem("", message) for message in refusal.messages]
    found: list[Problem] = []
    for name, errors in refusal.error_dict.items():
        key = name
        for category in row.places:
            if name == places_field(category.code):
                key = f"capacity.{category.code}"
        for error in errors:
            found.extend(row.problem(key, message) for message in error.messages)
    return found


def _category(category: PlacementCategory | str) -> PlacementCategory:
    if isinstance(category, PlacementCategory):
        return category
    return PlacementCategory.objects.get(code=category)


def _not_in_future(day: datetime.date, field: str) -> None:
    if day > today():
        raise ValidationError({field: _("This date is in the future.")})


def _not_before_opening(case: Case, day: datetime.date, field: str) -> None:
    if day < case.opened_on:
        raise ValidationError(
            {
                field: _("This date comes before the case was opened (%(opened)s).")
                % {"opened": date_format(case.opened_on, "d.m.Y")}
            }
        )


def _admit_locked(
    actor: User,
    case: Case,
    facility: Facility,
    category: PlacementCategory,
    admitted_on: datetime.date,
    notes: str,
    transferred_from: Placement | None,
) -> Placement:
    """Admit inside a transaction that holds the case's lock."""
    if open_placements().filter(case=case).exists():
        raise ValidationError(
            _("The person of this case is already placed; discharge or transfer them instead.")
        )
    # The capacity row is the lock: a second admission for the same places waits here
    # until the first commits, then counts its resident.
    capacity = _capacity_rows_locked().filter(facility=facility, category=category).first()
    # Read after the lock: a facility closed meanwhile (close_facility holds these rows
    # while it checks) is seen closed here.
    if not Facility.objects.filter(pk=facility.pk, is_active=True).exists():
        raise ValidationError({"facility": _("This facility does not receive residents.")})
    if capacity is None or occupied_places(capacity) >= capacity.places:
        raise ValidationError(
            _(
                "No free place at %(facility)s for this category; "
                "free places elsewhere: see Find a place."
            )
            % {"facility": facility.name}
        )
    placement = Placement(
        case=case,
        facility=facility,
        category=category,
        admitted_on=admitted_on,
        transferred_from=transferred_from,
        notes=notes,
        recorded_by=actor,
        recorded_at=now(),
    )
    placement.full_clean()
    placement.save()
    record(
        actor,
        "placement.admit",
        placement,
        case_code=case.code,
        facility=facility.pk,
        category=category.code,
        admitted_on=admitted_on.isoformat(),
        transferred_from=transferred_from.pk if transferred_from else None,
    )
    return placement


def admit(
    actor: User,
    case: Case,
    facility: Facility,
    category: PlacementCategory | str,
    admitted_on: datetime.date,
    *,
    notes: str = "",
) -> Placement:
    """Place the person of `case` in `facility`, if a place of `category` is free."""
    require_case_edit(actor, case)
    _not_in_future(admitted_on, "admitted_on")
    _not_before_opening(case, admitted_on, "admitted_on")
    chosen = _category(category)
    try:
        with transaction.atomic():
            Case.objects.select_for_update().filter(pk=case.pk).first()
            return _admit_locked(actor, case, facility, chosen, admitted_on, notes, None)
    except IntegrityError:
        raise ValidationError(
            _("The person of this case is already placed; discharge or transfer them instead.")
        ) from None


def _discharge_locked(
    actor: User, placement: Placement, discharged_on: datetime.date, reason: str, action: str
) -> Placement:
    current = Placement.objects.select_for_update().get(pk=placement.pk)
    if current.discharged_on is not None:
        raise ValidationError(_("This placement has ended already."))
    if discharged_on < current.admitted_on:
        raise ValidationError({"discharged_on": _("A discharge cannot come before the admission.")})
    current.discharged_on = discharged_on
    current.discharge_reason = reason
    current.full_clean()
    current.save(update_fields=["discharged_on", "discharge_reason"])
    record(
        actor,
        action,
        current,
        case_code=current.case.code,
        facility=current.facility_id,
        discharged_on=discharged_on.isoformat(),
    )
    return current


def discharge(
    actor: User, placement: Placement, discharged_on: datetime.date, *, reason: str = ""
) -> Placement:
    """End a placement on `discharged_on` (not before the admission, not in the future)."""
    require_case_edit(actor, placement.case)
    _not_in_future(discharged_on, "discharged_on")
    with transaction.atomic():
        ended = _discharge_locked(actor, placement, discharged_on, reason, "placement.discharge")
    placement.discharged_on = ended.discharged_on
    return ended


def transfer(
    actor: User,
    placement: Placement,
    to_facility: Facility,
    category: PlacementCategory | str,
    on: datetime.date,
    *,
    reason: str = "",
) -> Placement:
    """Discharge from one facility and admit to another on the same day, or neither."""
    case = placement.case
    require_case_edit(actor, case)
    _not_in_future(on, "on")
    _not_before_opening(case, on, "on")
    chosen = _category(category)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        ended = _discharge_locked(actor, placement, on, reason, "placement.transfer_out")
        admitted = _admit_locked(actor, case, to_facility, chosen, on, "", ended)
    placement.discharged_on = ended.discharged_on
    return admitted
