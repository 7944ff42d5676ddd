"""docs/encryption.md lists every encrypted column there is, and nothing that is not."""

import re
from pathlib import Path

from django.apps import apps

from qamqor.vault.fields import EncryptedMixin

DOCS = Path(__file__).resolve().parents[3] / "docs" / "encryption.md"


def encrypted_columns() -> set[tuple[str, str]]:
    return {
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.fields
        if isinstance(field, EncryptedMixin)
    }


def documented_columns() -> set[tuple[str, str]]:
    rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \|", DOCS.read_text(), flags=re.MULTILINE)
    return {
        (table, column)
        for table, columns in rows
        for column in re.findall(r"`(\w+)`", columns)
        if table != "registry_namekey"
    }


def test_the_encryption_table_matches_the_models():
    assert encrypted_columns() - documented_columns() == set(), "undocumented columns"
    assert documented_columns() - encrypted_columns() == set(), "documented, not encrypted"
