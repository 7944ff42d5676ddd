"""Test-suite support: lift the append-only triggers for the flush of transactional tests.

A transactional test (django_db(transaction=True), transactional_db, live_server) ends
with Django's flush, which empties every table (SQLite: DELETE, PostgreSQL: TRUNCATE)
and so trips the audit triggers. Tests run inside a rolled-back transaction need nothing.
"""

from collections.abc import Iterator

import pytest
from django.db import connections
from django.test import TransactionTestCase

from .triggers import drop_triggers, install_triggers


@pytest.fixture(autouse=True, scope="session")
def audit_triggers_lifted_for_flush() -> Iterator[None]:
    """Drop the triggers just before each transactional test's flush, reinstall just after.

    The flush runs in pytest-django's database fixture after every function-scoped
    fixture of the test has been torn down, so no fixture of ours can stand between the
    flush and the next test; wrapping the flush itself can. TestCase (the rolled-back
    kind) has a _fixture_teardown of its own, so only transactional tests pass here.
    """
    flush = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

    def flush_without_audit_triggers(test_case: TransactionTestCase) -> None:
        aliases = test_case._databases_names(include_mirrors=False)  # type: ignore[attr-defined]
        for alias in aliases:
            drop_triggers(connections[alias])
        try:
            flush(test_case)
        finally:
            for alias in aliases:
                install_triggers(connections[alias])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", flush_without_audit_triggers)
        yield
