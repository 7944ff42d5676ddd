"""Two admissions for the last place at the same moment: exactly one wins; an admission
racing a manager who removes the places or closes the facility: exactly one of the two
goes through (PostgreSQL).

SQLite serialises every write to the whole database, so the race exists only where
transactions run side by side; there the capacity row's lock decides it.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from qamqor.facilities.actions import admit, close_facility, update_facility
from qamqor.facilities.models import Facility, FacilityCapacity, Placement, PlacementCategory

from .conftest import TODAY

if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_admissions_for_the_last_place_at_once_one_wins(alice, make_case, shelter):
        cases = [make_case(), make_case()]
        start = threading.Barrier(len(cases))
        outcomes: list[str] = []

        def place(case):
            # A thread starts in the default language; the refusal is read in English.
            try:
                with translation.override("en"):
                    start.wait()
                    try:
                        admit(alice, case, shelter, "women", TODAY)
                        outcomes.append("admitted")
                    except ValidationError as refusal:
                        outcomes.append(" ".join(refusal.messages))
            finally:
                connection.close()  # each thread opened a connection of its own

        threads = [threading.Thread(target=place, args=(case,)) for case in cases]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(outcomes) == 2 and outcomes.count("admitted") == 1
        refusal = next(o for o in outcomes if o != "admitted")
        assert "No free place at Shelter A for this category" in refusal
        assert Placement.objects.filter(facility=shelter, discharged_on__isnull=True).count() == 1

    def _remove_the_places(manager, facility):
        update_facility(
            manager, facility, code=facility.code, name=facility.name, region=facility.region,
            address=facility.address, places={PlacementCategory.objects.get(code="women"): 0},
        )  # fmt: skip

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    @pytest.mark.parametrize("rival", [_remove_the_places, close_facility])
    def test_an_admission_and_a_manager_s_change_at_once_one_goes_through(
        alice, carol, case, shelter, rival
    ):
        start = threading.Barrier(2)
        outcomes: dict[str, str] = {}

        def run(name, work):
            try:
                with translation.override("en"):
                    start.wait()
                    try:
                        work()
                        outcomes[name] = "done"
                    except ValidationError as refusal:
                        outcomes[name] = " ".join(refusal.messages)
            finally:
                connection.close()

        threads = [
            threading.Thread(
                target=run, args=("admit", lambda: admit(alice, case, shelter, "women", TODAY))
            ),
            threading.Thread(target=run, args=("manager", lambda: rival(carol, shelter))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["admit", "manager"]
        assert list(outcomes.values()).count("done") == 1, outcomes
        placed = Placement.objects.filter(facility=shelter, discharged_on__isnull=True).exists()
        assert placed == (outcomes["admit"] == "done")
        if placed:  # the places and the facility are as they were
            assert Facility.objects.get(pk=shelter.pk).is_active
            assert FacilityCapacity.objects.get(facility=shelter, category__code="women").places
