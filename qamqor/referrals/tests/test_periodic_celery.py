"""The periodic task through Celery: a real worker on the Redis broker, and beat's schedule."""

import datetime
import threading
import uuid
from collections.abc import Callable, Iterator

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from celery.result import EagerResult
from celery.signals import task_postrun
from django.conf import settings

from qamqor.accounts.models import Agency
from qamqor.cases.models import Case
from qamqor.celery import app
from qamqor.clock import now
from qamqor.referrals import tasks
from qamqor.referrals.models import Referral, ReferralStatus

from .periodic_support import make_referral
from .periodic_support import shelter as shelter  # noqa: F401 - fixture


@pytest.fixture
def broker_queue() -> Iterator[str]:
    """A queue of this test's own on the broker, the application sending to it as in
    production rather than running tasks eagerly; removed from the broker afterwards.

    Fails, rather than skips, when the broker is not there: CI runs one.
    """
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2)
    broker.ping()
    queue = f"qamqor-test-{uuid.uuid4().hex}"
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield queue
    finally:
        app.conf.task_always_eager = eager
        for key in broker.scan_iter(f"*{queue}*"):
            broker.delete(key)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_celery_worker_on_the_broker_expires_an_overdue_referral(
    broker_queue: str, make_case: Callable[..., Case], shelter: Agency
) -> None:
    referral = make_referral(make_case(), shelter, sent_at=now() - datetime.timedelta(minutes=61))
    done = threading.Event()
    outcome: dict[str, object] = {}

    def finished(sender: object = None, **kwargs: object) -> None:
        outcome.update(state=kwargs.get("state"), returned=kwargs.get("retval"))
        done.set()

    # The test waits for the worker's word rather than reading the database meanwhile:
    # the in-memory SQLite of the tests locks whole tables between connections.
    task_postrun.connect(finished, sender=tasks.run_periodic, weak=False)
    try:
        # No other worker on the broker takes the task from this queue.
        with start_worker(app, perform_ping_check=False, queues=[broker_queue], shutdown_timeout=5):
            sent = tasks.run_periodic.apply_async(queue=broker_queue)
            assert not isinstance(sent, EagerResult)
            assert done.wait(8), "no worker ran the task"
    finally:
        task_postrun.disconnect(finished, sender=tasks.run_periodic)
    assert outcome == {"state": "SUCCESS", "returned": {"expired": 1, "escalated": 0}}
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
    assert Referral.objects.get(pk=referral.pk).expired_at is not None


def test_beat_sends_the_periodic_task_every_minute() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["referral-deadlines"]
    assert entry["task"] == tasks.run_periodic.name
    assert entry["schedule"] == 60.0
    assert tasks.run_periodic.name in app.tasks


def test_the_task_runs_in_process_with_the_embedded_database(
    make_case: Callable[..., Case], shelter: Agency
) -> None:
    referral = make_referral(make_case(), shelter, sent_at=now() - datetime.timedelta(hours=2))
    if settings.EMBEDDED_DATABASE:
        assert app.conf.task_always_eager
        # Sent as beat sends it, it runs at once, here, with no broker.
        tasks.run_periodic.delay()
    else:
        assert tasks.run_periodic() == {"expired": 1, "escalated": 0}
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.EXPIRED
