from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS


class VaultConfig(AppConfig):
    name = "qamqor.vault"
    label = "vault"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from .checks import check_encryption_keys

        checks.register(check_encryption_keys, checks.Tags.security, checks.Tags.database)
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="qamqor.vault.migrate")


def _after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """After `migrate`: the first key is on record, no plaintext left in free space."""
    from .keycheck import register_first_key, table_exists
    from .migrating import compact_after_encryption
    from .models import KeyCheck

    if table_exists(KeyCheck, using):
        register_first_key(using=using)
    compact_after_encryption(using)
