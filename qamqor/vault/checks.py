"""System checks: `qamqor check`, and every management command before it runs."""

import stat
from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, DatabaseError

from .keycheck import key_problems
from .keys import keyring


def check_encryption_keys(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    try:
        ring = keyring()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="vault.E001")]
    messages: list[checks.CheckMessage] = []
    if ring.path is not None and ring.path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        messages.append(
            checks.Warning(
                f"the key file {ring.path} can be read by others than its owner",
                hint=f"chmod 600 {ring.path}",
                id="vault.W001",
            )
        )
    # Like Django's own database checks: only when the command asks for the database
    # (migrate does; `qamqor check --database default` does).
    if databases and DEFAULT_DB_ALIAS in databases:
        try:
            problems = key_problems(ring)
        except DatabaseError:
            return messages  # Django's checks report an unreachable database
        messages.extend(checks.Error(problem, id="vault.E002") for problem in problems)
    return messages
