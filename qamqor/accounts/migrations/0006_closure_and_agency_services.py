"""Supervisors approve closures (`case.approve_closure`) and declare their agency's services
and crisis-centre places (`agency.services`)."""

from django.db import migrations

GRANTS = {"supervisor": ["case.approve_closure", "agency.services"]}


def grant(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, capabilities in GRANTS.items():
        for role in Role.objects.filter(code=code):
            missing = [c for c in capabilities if c not in role.capabilities]
            if missing:
                role.capabilities = [*role.capabilities, *missing]
                role.save(update_fields=["capabilities"])


def revoke(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    for code, capabilities in GRANTS.items():
        for role in Role.objects.filter(code=code):
            role.capabilities = [c for c in role.capabilities if c not in capabilities]
            role.save(update_fields=["capabilities"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_manage_all_users"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
