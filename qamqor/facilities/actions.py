"""Admissions, discharges and transfers. Each takes the acting user first, checks
permission, validates, writes, and records its audit event in the same transaction.

Audit details name the facility, the category and the dates, never an address or notes.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qamqor.accounts.models import User
from qamqor.audit.events import record
from qamqor.cases.access import require_case_edit
from qamqor.cases.models import Case
from qamqor.clock import now, today

from .models import Facility, FacilityCapacity, Placement, PlacementCategory
from .queries import occupied_places, open_placements


def _category(category: PlacementCategory | str) -> PlacementCategory:
    if isinstance(category, PlacementCategory):
        return category
    return PlacementCategory.objects.get(code=category)


def _not_in_future(day: datetime.date, field: str) -> None:
    if day > today():
        raise ValidationError({field: _("This date is in the future.")})


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
    if not facility.is_active:
        raise ValidationError({"facility": _("This facility does not receive residents.")})
    if open_placements().filter(case=case).exists():
        raise ValidationError(
            _("The person of this case is already placed; discharge or transfer them instead.")
        )
    # The capacity row is the lock: a second admission for the same places waits here
    # until the first commits, then counts its resident.
    capacity = (
        FacilityCapacity.objects.select_for_update()
        .filter(facility=facility, category=category)
        .first()
    )
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
    chosen = _category(category)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        ended = _discharge_locked(actor, placement, on, reason, "placement.transfer_out")
        admitted = _admit_locked(actor, case, to_facility, chosen, on, "", ended)
    placement.discharged_on = ended.discharged_on
    return admitted
