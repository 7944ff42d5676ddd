"""Two users acting on the same referral at the same moment (PostgreSQL, real concurrent
connections): accept against revoke, and two accepts. Exactly one wins; the other is
told, in words, what the referral has become.

SQLite serialises every write to the whole database, so the race exists only where
transactions run side by side; there the lock on the referral's row decides it.
"""

import threading
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation

from qamqor.audit.models import AuditEvent
from qamqor.referrals.models import DataScope, Referral, ReferralStatus
from qamqor.referrals.referral_actions import accept_referral, revoke_referral

from .referral_support import consent, crisis_centre, fresh, refer


def race(*contenders: tuple[str, Callable[[], object]]) -> dict[str, str]:
    """Run the contenders at once, each in a thread with a connection of its own."""
    start = threading.Barrier(len(contenders))
    outcomes: dict[str, str] = {}

    def run(name: str, work: Callable[[], object]) -> None:
        try:
            # A thread starts in the default language; the refusal is read in English.
            with translation.override("en"):
                start.wait()
                try:
                    work()
                    outcomes[name] = "done"
                except ValidationError as refusal:
                    outcomes[name] = " ".join(refusal.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=contender) for contender in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


if connection.vendor == "postgresql":

    @pytest.fixture
    def sent(alice, case, region):
        centre = crisis_centre(region)
        consent(case, alice, DataScope.IDENTITY, agency=centre.agency)
        return centre, refer(alice, case, centre.agency, DataScope.IDENTITY)

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_accept_and_revoke_at_once_one_wins(alice, sent):
        centre, referral = sent
        worker, owner = fresh(centre.worker), fresh(alice)
        outcomes = race(
            ("accept", lambda: accept_referral(worker, Referral.objects.get(pk=referral.pk))),
            ("revoke", lambda: revoke_referral(owner, Referral.objects.get(pk=referral.pk))),
        )
        assert sorted(outcomes) == ["accept", "revoke"]
        assert list(outcomes.values()).count("done") == 1, outcomes
        final = Referral.objects.get(pk=referral.pk)
        winner = "accept" if outcomes["accept"] == "done" else "revoke"
        loser = "revoke" if winner == "accept" else "accept"
        expected = {"accept": ReferralStatus.ACCEPTED, "revoke": ReferralStatus.REVOKED}
        assert final.status == expected[winner]
        with translation.override("en"):
            label = str(expected[winner].label)
        assert f"its status is now “{label}”" in outcomes[loser]
        changes = AuditEvent.objects.filter(action__in=["referral.accept", "referral.revoke"])
        assert changes.count() == 1

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_two_accepts_at_once_one_wins(sent):
        centre, referral = sent
        worker, supervisor = fresh(centre.worker), fresh(centre.supervisor)
        outcomes = race(
            ("worker", lambda: accept_referral(worker, Referral.objects.get(pk=referral.pk))),
            (
                "supervisor",
                lambda: accept_referral(supervisor, Referral.objects.get(pk=referral.pk)),
            ),
        )
        assert list(outcomes.values()).count("done") == 1, outcomes
        loser = next(message for message in outcomes.values() if message != "done")
        assert loser.startswith("This referral was changed a moment ago by someone else")
        assert "its status is now “Accepted”" in loser
        final = Referral.objects.get(pk=referral.pk)
        winner = worker if outcomes["worker"] == "done" else supervisor
        assert final.status == ReferralStatus.ACCEPTED and final.responded_by_id == winner.pk
        assert AuditEvent.objects.filter(action="referral.accept").count() == 1
