"""Refusing to start with the wrong keys.

Every key that has encrypted data in the database has a row in `vault_keycheck` with a
known value encrypted under it. A process that starts with a keyring lacking one of
those keys, or whose keys do not decrypt their check values, stops with a message that
says which key is missing, instead of failing on the first page that shows a name.
"""

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models

from qamqor.clock import now

from .crypto import VaultError, decrypt, encrypt
from .keys import Keyring, keyring

CHECK_IDENTITY = "vault.keycheck.check_value"
CHECK_PLAINTEXT = "Qamqor key check"


def _key_check_model() -> type[models.Model]:
    from .models import KeyCheck

    return KeyCheck


def table_exists(model: type[models.Model], using: str) -> bool:
    connection = connections[using]
    with connection.cursor() as cursor:
        return model._meta.db_table in connection.introspection.table_names(cursor)


def key_problems(ring: Keyring | None = None, using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """What is wrong between `ring` (the configured keyring) and the database."""
    ring = ring or keyring()
    model = _key_check_model()
    if not table_exists(model, using):
        return []  # not migrated yet: nothing is encrypted
    problems = []
    rows: list[Any] = list(model._default_manager.using(using).order_by("first_used_at"))
    in_use = [row.key_id for row in rows if row.retired_at is None]
    missing = [key_id for key_id in in_use if key_id not in ring.by_id]
    if missing:
        problems.append(
            f"the database holds data encrypted under key(s) {', '.join(missing)}, which "
            f"the keyring does not have (it has {', '.join(ring.key_ids)}): configure the "
            "key(s) in QAMQOR_ENCRYPTION_KEYS or the key file; a key is removed only after "
            "`qamqor rotate-keys` has moved the data off it"
        )
    for row in rows:
        if row.key_id not in ring.by_id:
            continue
        try:
            correct = decrypt(CHECK_IDENTITY, row.check_value) == CHECK_PLAINTEXT
        except VaultError:
            correct = False
        if not correct:
            role = "the first key" if row.key_id == ring.primary.key_id else "key"
            problems.append(
                f"{role} {row.key_id} does not decrypt the check value stored under its id: "
                "the key is not the one the database was encrypted with"
            )
    return problems


def register_first_key(
    model: type[models.Model] | None = None, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Record that the first key encrypts data in this database (idempotent).

    `model` is the KeyCheck model of a migration's historical state, when called from one.
    """
    model = model or _key_check_model()
    primary = keyring().primary
    manager: Any = model._default_manager.db_manager(using)
    row, created = manager.get_or_create(
        key_id=primary.key_id,
        defaults={
            "check_value": encrypt(CHECK_IDENTITY, CHECK_PLAINTEXT, primary),
            "first_used_at": now(),
        },
    )
    if not created and row.retired_at is not None:
        # A retired key brought back as the first key holds data again from now on.
        manager.filter(pk=row.pk).update(retired_at=None)


def verify_at_startup(using: str = DEFAULT_DB_ALIAS) -> None:
    """Raise ImproperlyConfigured unless the keyring fits the database; then record the
    first key as in use. Called by wsgi.py and `qamqor serve` before serving."""
    ring = keyring()  # raises ImproperlyConfigured when no key is configured
    try:
        problems = key_problems(ring, using)
        if problems:
            raise ImproperlyConfigured(
                "Qamqor cannot start with these encryption keys:\n- " + "\n- ".join(problems)
            )
        if table_exists(_key_check_model(), using):
            register_first_key(using=using)
    finally:
        # The check ran outside any request: do not leave its connection to idle forever.
        connection = connections[using]
        if not connection.in_atomic_block:
            connection.close()
