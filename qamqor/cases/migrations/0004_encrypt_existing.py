"""Encrypt the incidents, notes and closure reasons written before encryption."""

from django.db import migrations

from qamqor.vault.migrating import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0003_encrypted_fields"),
        ("vault", "0001_initial"),
    ]

    operations = [
        encrypt_columns("cases.Case", ["closure_reason"]),
        encrypt_columns("cases.Incident", ["locality", "perpetrator_description", "narrative"]),
        encrypt_columns("cases.CaseNote", ["text"]),
    ]
