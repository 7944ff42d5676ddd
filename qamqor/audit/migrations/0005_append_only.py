"""Triggers refusing UPDATE, DELETE (and on PostgreSQL TRUNCATE) of audit events."""

from django.db import migrations

from qamqor.audit.triggers import drop_triggers, install_triggers


def install(apps, schema_editor):
    install_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_sequence_unique"),
    ]

    operations = [
        migrations.RunPython(install, drop),
    ]
