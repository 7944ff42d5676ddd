"""Which urgency is an emergency: a protection referral of that urgency may share the
minimum (case code, age band, sex, needs) without a consent in force. Data: change the
flag on the rows, not the code."""

from django.db import migrations, models


def mark_emergency(apps, schema_editor):
    Urgency = apps.get_model("referrals", "Urgency")
    Urgency.objects.filter(code="emergency").update(emergency=True)


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_urgencies")]

    operations = [
        migrations.AddField(
            model_name="urgency",
            name="emergency",
            field=models.BooleanField(
                default=False,
                help_text="A protection referral this urgent may share the minimum without consent.",
                verbose_name="emergency",
            ),
        ),
        migrations.RunPython(mark_emergency, migrations.RunPython.noop),
    ]
