"""Two runs of the periodic task at once act on each referral, and notify, exactly once."""

import datetime
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from qamqor.accounts.models import Agency, Notification, User
from qamqor.audit.models import AuditEvent
from qamqor.audit.verify import verify_chain
from qamqor.cases.models import Case
from qamqor.referrals.models import Referral, ReferralStatus
from qamqor.referrals.periodic import escalate, expire_overdue_referrals

from .periodic_support import SENT_AT, make_referral
from .periodic_support import saule as saule  # noqa: F401 - fixtures
from .periodic_support import shelter as shelter  # noqa: F401

MINUTES = datetime.timedelta(minutes=1)
WORKERS = 2


def run_at_once(work: Callable[[], int]) -> list[int]:
    """Run `work` in WORKERS threads, each on its own connection, started together."""
    start = threading.Barrier(WORKERS)
    results: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            results.append(work())
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_expire_and_escalate_each_referral_once(
    make_case: Callable[..., Case], shelter: Agency, saule: User, alice: User, carol: User
) -> None:
    if connection.vendor == "postgresql":
        cases = [make_case() for _ in range(20)]
        overdue = [make_referral(c, shelter, sent_at=SENT_AT - 61 * MINUTES) for c in cases]
        nearly = [make_referral(c, shelter, sent_at=SENT_AT - 50 * MINUTES) for c in cases]
        nearly += [make_referral(c, shelter, sent_at=SENT_AT - 46 * MINUTES) for c in cases]
        events = AuditEvent.objects.count()

        # Small batches, so that the two workers meet on the same rows again and again.
        expired = run_at_once(lambda: expire_overdue_referrals(SENT_AT, batch_size=3))
        escalated = run_at_once(lambda: escalate(SENT_AT, batch_size=3))

        assert sum(expired) == len(overdue)
        assert sum(escalated) == len(nearly)
        assert Referral.objects.filter(status=ReferralStatus.EXPIRED).count() == len(overdue)
        assert Referral.objects.filter(escalated_at=SENT_AT).count() == len(nearly)

        audited = Counter(
            AuditEvent.objects.filter(sequence__gt=events).values_list("action", "object_id")
        )
        assert set(audited.values()) == {1}
        assert len(audited) == len(overdue) + len(nearly)
        assert verify_chain().intact

        # One notification per person and case: alice and carol for each expiry, saule
        # for each case's escalations (two per case may fall in one batch or in two).
        expiries = Counter(
            Notification.objects.filter(kind="referral_expired").values_list(
                "recipient__username", "case_code"
            )
        )
        assert set(expiries.values()) == {1}
        assert len(expiries) == 2 * len(cases)
        escalations = Notification.objects.filter(kind="referral_escalated")
        assert set(escalations.values_list("recipient__username", flat=True)) == {"saule"}
        assert len(cases) <= escalations.count() <= len(nearly)
