"""Two supervisors accepting the same proposal at once, or an acceptance racing the
owner's withdrawal: exactly one goes through, the other is told why (PostgreSQL).

SQLite serialises every write to the whole database, so the race exists only where
transactions run side by side; there the lock on the transfer row decides it.
"""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.referrals.models import CaseTransfer, TransferStatus
from qamqor.referrals.transfer_actions import accept_transfer, withdraw_transfer

from . import transfer_helpers

# The shared fixtures, named here so that pytest finds them in this module.
_english = transfer_helpers._english
crisis_centre = transfer_helpers.crisis_centre
madina = transfer_helpers.madina
proposal = transfer_helpers.proposal
zhanna = transfer_helpers.zhanna


def race(works: dict[str, Callable[[], object]]) -> dict[str, str]:
    """Run the works at the same moment, each on a connection of its own."""
    start = threading.Barrier(len(works))
    outcomes: dict[str, str] = {}

    def run(name: str, work: Callable[[], object]) -> None:
        # A thread starts in the default language; the refusal is read in English.
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

    threads = [threading.Thread(target=run, args=item) for item in works.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


if connection.vendor == "postgresql":

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_supervisors_accept_at_once_and_one_wins(case, proposal, zhanna, madina):
        outcomes = race(
            {
                "zhanna": lambda: accept_transfer(zhanna, proposal),
                "madina": lambda: accept_transfer(madina, proposal),
            }
        )
        assert sorted(outcomes.values()).count("done") == 1, outcomes
        loser = next(name for name, outcome in outcomes.items() if outcome != "done")
        assert outcomes[loser] == "This transfer has already been accepted."
        transfer = CaseTransfer.objects.get()
        winner = "zhanna" if loser == "madina" else "madina"
        assert (transfer.status, transfer.decided_by.username) == (TransferStatus.ACCEPTED, winner)
        assert AuditEvent.objects.filter(action="case.transfer_accept").count() == 1
        case.refresh_from_db()
        assert case.owner_agency == proposal.to_agency

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_an_acceptance_and_a_withdrawal_at_once_one_goes_through(
        alice, case, agency, proposal, zhanna
    ):
        outcomes = race(
            {
                "accept": lambda: accept_transfer(zhanna, proposal),
                "withdraw": lambda: withdraw_transfer(alice, proposal),
            }
        )
        assert list(outcomes.values()).count("done") == 1, outcomes
        transfer = CaseTransfer.objects.get()
        case.refresh_from_db()
        if outcomes["accept"] == "done":
            assert outcomes["withdraw"] == "This transfer has already been accepted."
            assert (transfer.status, case.owner_agency) == (
                TransferStatus.ACCEPTED, proposal.to_agency
            )  # fmt: skip
        else:
            assert outcomes["accept"] == (
                "This transfer was withdrawn by the agency that proposed it."
            )
            assert (transfer.status, case.owner_agency) == (TransferStatus.WITHDRAWN, agency)
