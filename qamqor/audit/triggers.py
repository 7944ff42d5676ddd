"""Database triggers that make the audit table append-only.

Installed by migration 0005 and lifted only around the test suite's table flush
(testing.py). They stop the application, and anyone holding its database role, from
changing or removing events through the ORM or raw SQL; a database superuser can still
drop them, which docs/audit.md discusses along with the privileges to set in production.

On SQLite, a migration that alters a column of the audit table rebuilds the table, and
the rebuilt table has no triggers: such a migration must call install_triggers again
(the append-only tests fail until it does).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"
REFUSAL = "audit events are append-only"

_POSTGRESQL_INSTALL = [
    # restrict_violation (SQLSTATE class 23) reaches Django as IntegrityError, as
    # SQLite's RAISE(ABORT) does, so callers see one kind of error on both databases.
    f"""
    CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '{REFUSAL}: % refused on %', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END;
    $$
    """,
    f"""
    CREATE OR REPLACE TRIGGER audit_event_no_update_or_delete
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()
    """,
    f"""
    CREATE OR REPLACE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()
    """,
]
_POSTGRESQL_DROP = [
    f"DROP TRIGGER IF EXISTS audit_event_no_update_or_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_refuse_change()",
]

# SQLite has no TRUNCATE; its "DELETE FROM t" shortcut is not taken on a table with a
# DELETE trigger, so the trigger below covers emptying the table as well.
_SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: UPDATE refused on {TABLE}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{REFUSAL}: DELETE refused on {TABLE}'); END
    """,
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]

_STATEMENTS = {
    "postgresql": (_POSTGRESQL_INSTALL, _POSTGRESQL_DROP),
    "sqlite": (_SQLITE_INSTALL, _SQLITE_DROP),
}


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _statements(connection)[0])


def drop_triggers(connection: BaseDatabaseWrapper) -> None:
    _execute(connection, _statements(connection)[1])


def _statements(connection: BaseDatabaseWrapper) -> tuple[list[str], list[str]]:
    try:
        return _STATEMENTS[connection.vendor]
    except KeyError:
        # Failing loudly beats running with an audit log that can be quietly rewritten.
        raise ImproperlyConfigured(
            f"append-only audit triggers are written for SQLite and PostgreSQL, "
            f"not {connection.vendor}"
        ) from None


def _execute(connection: BaseDatabaseWrapper, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
