"""Model fields that keep their values encrypted in the database.

An encrypted field behaves like the field it replaces everywhere above the database:
the model attribute, forms (max_length, e-mail validation), full_clean and templates see
plaintext. Values are encrypted on their way into the database (save, bulk_create,
bulk_update, update) and decrypted on their way out; the column is text, because a
ciphertext is longer than its plaintext.

An empty value is stored as an empty string, not encrypted: a holder of the database
learns which of these fields are empty for a row, and in exchange `exclude(iin="")` and
`filter(surname="")` keep working. Any other comparison of an encrypted column is
refused with an error, since it could only ever compare ciphertexts: exact lookups go
through a blind index (`BlindIndexField`), name search through keyed hashes.
"""

from importlib import import_module
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import Exact, Lookup

from .crypto import (
    HASH_LENGTH,
    blind_index,
    blind_index_candidates,
    ciphertext_prefix,
    decrypt,
    encrypt,
    hash_prefix,
)


class NotUnderKey(Lookup):
    """`field__not_under_key=<key id>`: a non-empty value written under another key.

    What `qamqor rotate-keys` selects. It reads the key id in the stored text, which is
    why it is the one lookup an encrypted field allows besides comparing with ''.
    """

    lookup_name = "not_under_key"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = self.lhs.output_field.stored_prefix(self.rhs)
        sql = f"({lhs} <> '' AND SUBSTR({lhs}, 1, %s) <> %s)"
        return sql, (*lhs_params, *lhs_params, len(prefix), prefix)


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):  # None becomes IS NULL
            identity = getattr(self.lhs.output_field, "identity", "an encrypted field")
            raise FieldError(
                f"{identity} is encrypted: it can be compared with '' only; look values up "
                "by the field's blind index or keyed hashes"
            )
        return super().get_prep_lookup()


class EncryptedMixin:
    """What every encrypted field shares; mixed in before the Django field it encrypts."""

    identity: str

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)  # type: ignore[misc]
        # The associated data of every ciphertext: app, model and field, so a value is
        # bound to its column. Renaming the field changes it: such a rename needs a
        # data migration that re-encrypts the column.
        self.identity = f"{cls._meta.app_label}.{cls._meta.model_name}.{name}"

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(self.identity, value)

    def get_db_prep_save(self, value: Any, connection: BaseDatabaseWrapper) -> Any:
        value = super().get_db_prep_save(value, connection)  # type: ignore[misc]
        if not value or hasattr(value, "as_sql"):
            # An expression (bulk_update's CASE) encrypts the values inside it instead.
            return value
        return encrypt(self.identity, str(value))

    def stored_prefix(self, key_id: str) -> str:
        return ciphertext_prefix(key_id)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name in ("isnull", NotUnderKey.lookup_name):
            return super().get_lookup(lookup_name)  # type: ignore[misc]
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[misc]
    """A CharField whose value is encrypted; max_length limits the plaintext."""


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[misc]
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):  # type: ignore[misc]
    pass


class _KeyedHashMixin:
    def stored_prefix(self, key_id: str) -> str:
        return hash_prefix(key_id)


class BlindIndexField(_KeyedHashMixin, models.CharField):  # type: ignore[misc]
    """The keyed hash of the identifier in the field `source`, kept up to date on save.

    The value is computed in `pre_save`, which save() and bulk_create() both call; an
    `update()` of the source field bypasses it (and has to set the index too).
    """

    _fixed = {"max_length": HASH_LENGTH, "editable": False, "blank": True, "default": ""}

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        for name, value in self._fixed.items():
            kwargs.setdefault(name, value)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        for fixed in self._fixed:
            kwargs.pop(fixed, None)
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only)
        self.source_identity = f"{cls._meta.app_label}.{cls._meta.model_name}.{self.source}"

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = blind_index(self.source_identity, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value

    def candidates(self, value: str) -> list[str]:
        """Every stored index `value` may have, one per key of the keyring."""
        return blind_index_candidates(self.source_identity, value)


class KeyedHashField(_KeyedHashMixin, models.CharField):  # type: ignore[misc]
    """A keyed hash computed from another table's plaintext (a person's name keys).

    `rebuild` names a function that recomputes the rows of the owners it is given
    (values of the field `owner`) under the first key: `qamqor rotate-keys` calls it for
    owners whose rows carry hashes under another key.
    """

    def __init__(self, *args: Any, rebuild: str, owner: str, **kwargs: Any) -> None:
        self.rebuild = rebuild
        self.owner = owner
        kwargs.setdefault("max_length", HASH_LENGTH)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("max_length") == HASH_LENGTH:
            del kwargs["max_length"]
        kwargs.update(rebuild=self.rebuild, owner=self.owner)
        return name, path, args, kwargs

    def rebuild_function(self) -> Any:
        module, _dot, name = self.rebuild.rpartition(".")
        return getattr(import_module(module), name)


for _field in (EncryptedCharField, EncryptedTextField, EncryptedEmailField):
    _field.register_lookup(NotUnderKey)
BlindIndexField.register_lookup(NotUnderKey)
KeyedHashField.register_lookup(NotUnderKey)


def index_candidates(model: type[models.Model], source: str, value: str) -> list[str]:
    """What the blind index of `model.source` holds for `value`, under any key:
    `Person.objects.filter(iin_index__in=index_candidates(Person, "iin", iin))`."""
    for field in model._meta.get_fields():
        if isinstance(field, BlindIndexField) and field.source == source:
            return field.candidates(value)
    raise LookupError(f"{model._meta.label} has no blind index of {source}")
