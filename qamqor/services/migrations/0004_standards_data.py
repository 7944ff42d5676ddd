"""The shipped standards catalogue (data/standards.yaml).

Loaded through the same reader and writer as `qamqor standards import`, with this
migration's historical models, so the migration and the command cannot disagree about
what the file means. A later change to the file ships with a migration that runs the same
`load` again; re-loading an unchanged file changes nothing.
"""

from django.db import migrations


def load(apps, schema_editor):
    # Imported here: the loader uses the app registry, which is ready only when migrations run.
    from qamqor.services.catalogue import load_shipped_catalogue

    load_shipped_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [("services", "0003_standards_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
