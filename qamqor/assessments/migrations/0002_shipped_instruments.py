"""The shipped instruments (data/instruments.yaml), read by the same loader as
`qamqor instruments import`, with this migration's historical models."""

from django.db import migrations


def load(apps, schema_editor):
    from qamqor.assessments.loader import load_shipped_instruments

    load_shipped_instruments(apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
