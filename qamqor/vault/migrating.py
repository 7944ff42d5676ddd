"""Encrypting columns that held plaintext: the data migrations of registry and cases.

An installation that ran before encryption holds names and notes in the clear. The
schema migrations turn those columns into text; `encrypt_columns` then encrypts every
value in place (and fills the blind indexes), in batches, inside the migration's
transaction, and records the key in `vault_keycheck`. Reversing it writes the plaintext
back. A migration using these depends on ("vault", "0001_initial").

Encrypting a value leaves its plaintext in the database's free space until the space is
reused, so after a migration that encrypted anything, `compact_after_encryption` (run by
the post_migrate signal) rewrites the affected storage: SQLite's VACUUM, PostgreSQL's
VACUUM FULL of the tables concerned.
"""

from typing import Any

from django.db import connections, migrations, models

from .crypto import blind_index, decrypt, encrypt, keyed_hash
from .fields import BlindIndexField
from .keycheck import register_first_key

BATCH_SIZE = 1000

# Tables whose plaintext this process encrypted in a migration, by database alias.
encrypted_tables: dict[str, set[str]] = {}


def _index_fields(model: type[models.Model], sources: list[str]) -> list[BlindIndexField]:
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, BlindIndexField) and field.source in sources
    ]


def _batches(connection: Any, table: str, pk: str, columns: list[str]) -> Any:
    quote = connection.ops.quote_name
    select = ", ".join(quote(column) for column in [pk, *columns])
    # Names come from the models and are quoted; values travel as parameters.
    sql = (
        f"SELECT {select} FROM {quote(table)} WHERE {quote(pk)} > %s "  # noqa: S608
        f"ORDER BY {quote(pk)} LIMIT {BATCH_SIZE}"
    )
    last: Any = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last])
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _update_sql(connection: Any, table: str, pk: str, columns: list[str]) -> str:
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    return f"UPDATE {quote(table)} SET {assignments} WHERE {quote(pk)} = %s"  # noqa: S608


def encrypt_columns(model_label: str, field_names: list[str]) -> migrations.RunPython:
    """A migration operation that encrypts the plaintext in `field_names` of a model
    whose fields have just become encrypted fields, and fills their blind indexes."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_label)
        connection = schema_editor.connection
        fields = [model._meta.get_field(name) for name in field_names]
        indexes = _index_fields(model, field_names)
        table, pk = model._meta.db_table, model._meta.pk.column
        update = _update_sql(
            connection, table, pk, [f.column for f in fields] + [f.column for f in indexes]
        )
        encrypted = 0
        for rows in _batches(connection, table, pk, [f.column for f in fields]):
            changes = []
            for row_id, *values in rows:
                plain = dict(zip(field_names, values, strict=True))
                sealed = [
                    encrypt(field.identity, value) if value else (value or "")
                    for field, value in zip(fields, values, strict=True)
                ]
                indexed = [blind_index(f.source_identity, plain[f.source] or "") for f in indexes]
                changes.append([*sealed, *indexed, row_id])
            with connection.cursor() as cursor:
                cursor.executemany(update, changes)
            encrypted += len(changes)
        if encrypted:
            encrypted_tables.setdefault(connection.alias, set()).add(table)
            register_first_key(apps.get_model("vault", "KeyCheck"), connection.alias)

    def backwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_label)
        connection = schema_editor.connection
        fields = [model._meta.get_field(name) for name in field_names]
        table, pk = model._meta.db_table, model._meta.pk.column
        update = _update_sql(connection, table, pk, [f.column for f in fields])
        for rows in _batches(connection, table, pk, [f.column for f in fields]):
            changes = [
                [
                    decrypt(field.identity, value) if value else value
                    for field, value in zip(fields, values, strict=True)
                ]
                + [row_id]
                for row_id, *values in rows
            ]
            with connection.cursor() as cursor:
                cursor.executemany(update, changes)

    return migrations.RunPython(forwards, backwards, elidable=False)


def hash_column(
    model_label: str, field_name: str, identity: str, reverse: Any
) -> migrations.RunPython:
    """A migration operation that replaces the plain search keys in a column by their
    keyed hashes. A hash cannot be undone: `reverse` (a RunPython function of the owning
    app) recomputes the plain keys from their encrypted source."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(model_label)
        connection = schema_editor.connection
        column = model._meta.get_field(field_name).column
        table, pk = model._meta.db_table, model._meta.pk.column
        update = _update_sql(connection, table, pk, [column])
        hashed = 0
        for rows in _batches(connection, table, pk, [column]):
            changes = [[keyed_hash(identity, key), row_id] for row_id, key in rows]
            with connection.cursor() as cursor:
                cursor.executemany(update, changes)
            hashed += len(changes)
        if hashed:
            encrypted_tables.setdefault(connection.alias, set()).add(table)
            register_first_key(apps.get_model("vault", "KeyCheck"), connection.alias)

    return migrations.RunPython(forwards, reverse, elidable=False)


def compact_after_encryption(using: str) -> None:
    """Rewrite the storage of the tables a migration encrypted, so that the plaintext
    they held before is gone from the database files, not only from the rows."""
    tables = encrypted_tables.pop(using, set())
    if not tables:
        return
    connection = connections[using]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            for table in sorted(tables):
                cursor.execute(f"VACUUM FULL {quote(table)}")
