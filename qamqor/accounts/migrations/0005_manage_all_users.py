"""System administrators manage the users of every agency (capability `users.manage_all`)."""

from django.db import migrations

CAPABILITY = "users.manage_all"


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code="system_admin"):
        if CAPABILITY not in role.capabilities:
            role.capabilities = [*role.capabilities, CAPABILITY]
            role.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for role in Role.objects.filter(code="system_admin"):
        if CAPABILITY in role.capabilities:
            role.capabilities = [c for c in role.capabilities if c != CAPABILITY]
            role.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_break_glass_and_notifications"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
