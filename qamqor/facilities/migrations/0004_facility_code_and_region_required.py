"""A facility's code and region are required (0003 filled them in)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("facilities", "0003_facility_code_and_region")]

    operations = [
        migrations.AlterField(
            model_name="facility",
            name="code",
            field=models.SlugField(
                help_text="A short unique name used by import files, e.g. ala-shelter-1.",
                max_length=40,
                unique=True,
                verbose_name="code",
            ),
        ),
        migrations.AlterField(
            model_name="facility",
            name="region",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="facilities",
                to="accounts.region",
                verbose_name="region",
            ),
        ),
    ]
