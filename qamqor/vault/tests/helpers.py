"""Keys and raw reads for the vault's tests."""

import hashlib
from typing import Any

from django.db import connection, models

from qamqor.vault.keys import Key, Keyring, testing_keyring

# The key the test suite runs with, and two more to rotate to.
FIRST = testing_keyring().primary
SECOND = Key.from_bytes(hashlib.sha256(b"qamqor test key 2").digest())
STRANGER = Key.from_bytes(hashlib.sha256(b"a key this database never saw").digest())


def ring(*keys: Key) -> Keyring:
    return Keyring(list(keys))


def stored(model: type[models.Model], field: str, pk: Any) -> str:
    """What the database holds in `field` of one row, bypassing the model field."""
    column = model._meta.get_field(field).column  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(model._meta.db_table)} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()[0]


def store(model: type[models.Model], field: str, pk: Any, value: str) -> None:
    """Write `value` into the column as it is, as someone with database access could."""
    column = model._meta.get_field(field).column  # type: ignore[union-attr]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
            [value, pk],
        )
