"""Two admissions for the last place at the same moment: exactly one wins (PostgreSQL).

SQLite serialises every write to the whole database, so the race exists only where
transactions run side by side; there the capacity row's lock decides it.
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from qamqor.facilities.actions import admit
from qamqor.facilities.models import Placement

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
