"""The urgencies of a referral and their response periods (data; edit the rows to change).

Emergency 1 hour, urgent 24 hours, routine 72 hours; the recipient agency's supervisors
are alerted when 75% of the period has passed without an answer.
"""

from django.db import migrations

URGENCIES = [
    ("emergency", 60, "Шұғыл (төтенше)", "Экстренно", "Emergency"),
    ("urgent", 24 * 60, "Жедел", "Срочно", "Urgent"),
    ("routine", 72 * 60, "Жоспарлы", "В обычном порядке", "Routine"),
]


def load(apps, schema_editor):
    Urgency = apps.get_model("referrals", "Urgency")
    for position, (code, minutes, kk, ru, en) in enumerate(URGENCIES, start=1):
        Urgency.objects.update_or_create(
            code=code,
            defaults={
                "response_minutes": minutes,
                "escalate_at_percent": 75,
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
