"""Facilities get a code (by which import files name them) and a region of their own.

Existing facilities take `facility-<id>` as their code and their agency's region; the next
migration makes both required (in a transaction of its own, as PostgreSQL will not alter a
table with row updates pending in the same transaction).
"""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Facility = apps.get_model("facilities", "Facility")
    for facility in Facility.objects.select_related("agency"):
        facility.code = f"facility-{facility.pk}"
        facility.region_id = facility.agency.region_id
        facility.save(update_fields=["code", "region"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_closure_and_agency_services"),
        ("facilities", "0002_placement_categories"),
    ]

    operations = [
        migrations.AddField(
            model_name="facility",
            name="code",
            field=models.SlugField(max_length=40, null=True, verbose_name="code"),
        ),
        migrations.AddField(
            model_name="facility",
            name="region",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="facilities",
                to="accounts.region",
                verbose_name="region",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
