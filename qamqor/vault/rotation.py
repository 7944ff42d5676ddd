"""Moving every encrypted value, blind index and keyed hash onto the first key.

Rotation works in small batches, each in a transaction of its own that locks the rows
it rewrites (SELECT ... FOR UPDATE on PostgreSQL; SQLite serialises writers anyway), so
the application keeps serving while it runs and a user's edit waits at most one batch.
It selects only rows that still carry another key's id, so it resumes where an
interrupted run stopped, and running it twice does nothing the second time.

When nothing is left under the other keys, they are retired in `vault_keycheck` and can
then be removed from the keyring: the start-up check stops asking for them.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q

from qamqor.audit.events import record
from qamqor.clock import now

from .fields import BlindIndexField, EncryptedMixin, KeyedHashField
from .keycheck import register_first_key
from .keys import keyring
from .models import KeyCheck
from .storage import EncryptedFileSystemStorage

BATCH_SIZE = 500
ACTION = "keys.rotate"


@dataclass
class _Rows:
    """A table whose rows hold encrypted values or blind indexes: rewritten row by row."""

    model: type[models.Model]
    fields: list[Any]

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def stale(self, key_id: str) -> Q:
        condition = Q()
        for f in self.fields:
            condition |= Q(**{f"{f.name}__not_under_key": key_id})
        return condition

    def pending(self, key_id: str) -> int:
        return self.model._base_manager.filter(self.stale(key_id)).count()

    def rotate_batch(self, key_id: str, after: Any, size: int) -> tuple[int, Any]:
        rows = self.model._base_manager.select_for_update().filter(self.stale(key_id))
        if after is not None:
            rows = rows.filter(pk__gt=after)
        batch = list(rows.order_by("pk")[:size])
        if not batch:
            return 0, after
        # Loading decrypted every value under whichever key it was under; saving
        # encrypts under the first key. Blind indexes are recomputed from the plaintext.
        for row in batch:
            for f in self.fields:
                if isinstance(f, BlindIndexField):
                    f.pre_save(row, add=False)
        self.model._base_manager.bulk_update(batch, [f.name for f in self.fields])
        return len(batch), batch[-1].pk


@dataclass
class _Owners:
    """A table of keyed hashes derived from another table: rebuilt owner by owner."""

    model: type[models.Model]
    field: KeyedHashField

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"

    def _owner_column(self) -> str:
        owner: Any = self.model._meta.get_field(self.field.owner)
        return str(owner.attname)

    def pending(self, key_id: str) -> int:
        stale = self.model._base_manager.filter(**{f"{self.field.name}__not_under_key": key_id})
        return stale.values(self._owner_column()).distinct().count()

    def rotate_batch(self, key_id: str, after: Any, size: int) -> tuple[int, Any]:
        owner = self._owner_column()
        stale = self.model._base_manager.filter(**{f"{self.field.name}__not_under_key": key_id})
        if after is not None:
            stale = stale.filter(**{f"{owner}__gt": after})
        owners = list(stale.order_by(owner).values_list(owner, flat=True).distinct()[:size])
        if not owners:
            return 0, after
        self.field.rebuild_function()(owners)
        return len(owners), owners[-1]


def _targets() -> list[_Rows | _Owners]:
    rows: list[_Rows | _Owners] = []
    owners: list[_Rows | _Owners] = []
    for model in apps.get_models():
        fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedMixin | BlindIndexField)
        ]
        if fields:
            rows.append(_Rows(model, fields))
        owners.extend(
            _Owners(model, f) for f in model._meta.concrete_fields if isinstance(f, KeyedHashField)
        )
    # Derived hashes last: rebuilding them reads the rows the first passes rewrote.
    return rows + owners


def _encrypted_storage() -> EncryptedFileSystemStorage | None:
    storage = storages["default"]
    return storage if isinstance(storage, EncryptedFileSystemStorage) else None


@dataclass
class RotationSummary:
    key_id: str
    rewritten: dict[str, int] = field(default_factory=dict)
    files: int = 0
    retired: list[str] = field(default_factory=list)
    left_behind: int = 0


def _stale_files(storage: EncryptedFileSystemStorage, key_id: str) -> Iterator[Any]:
    for path in storage.stored_files():
        if storage.key_id_of(path) != key_id:
            yield path


def rotate(
    batch_size: int = BATCH_SIZE, report: Callable[[str], None] = lambda line: None
) -> RotationSummary:
    """Re-encrypt and re-index everything under the keyring's first key."""
    key = keyring().primary
    summary = RotationSummary(key_id=key.key_id)
    with transaction.atomic():
        register_first_key()
        record(None, ACTION, stage="started", key_id=key.key_id)
    for target in _targets():
        total = target.pending(key.key_id)
        if not total:
            continue
        done, after = 0, None
        while True:
            with transaction.atomic():
                count, after = target.rotate_batch(key.key_id, after, batch_size)
            if not count:
                break
            done += count
            report(f"{target.label}: {done} of {total}")
        summary.rewritten[target.label] = done
    storage = _encrypted_storage()
    if storage is not None:
        for path in _stale_files(storage, key.key_id):
            storage.reencrypt(path, key)
            summary.files += 1
            report(f"files: {summary.files}")
    _retire_old_keys(summary, storage)
    return summary


def _retire_old_keys(summary: RotationSummary, storage: EncryptedFileSystemStorage | None) -> None:
    """Retire the other keys, unless something was written under one of them meanwhile
    (a process still running with an old keyring)."""
    key_id = summary.key_id
    with transaction.atomic():
        left = sum(target.pending(key_id) for target in _targets())
        if storage is not None:
            left += sum(1 for _path in _stale_files(storage, key_id))
        summary.left_behind = left
        if not left:
            retiring = KeyCheck.objects.filter(retired_at__isnull=True).exclude(key_id=key_id)
            summary.retired = sorted(retiring.values_list("key_id", flat=True))
            retiring.update(retired_at=now())
        record(
            None,
            ACTION,
            stage="finished",
            key_id=key_id,
            rewritten=summary.rewritten,
            files=summary.files,
            retired=summary.retired,
            left_behind=left,
        )
