"""Supervisors may refer identity without consent on the two grounds the law allows
(`referral.override_consent`): a child's best interests, an immediate threat to life."""

from django.db import migrations

GRANTS = {"supervisor": ["referral.override_consent"]}


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
        ("accounts", "0006_closure_and_agency_services"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
