"""How long each measure may last, and the conditions a measure may impose.

Law No. 214-IV on prevention of domestic violence: a police protective order is valid
30 days; court special requirements (Art. 22) last 3 months to 1 year and may ban
seeking, contacting or harassing the victim, firearms and non-medical psychoactive
substances, exceptionally living with the victim, and oblige the person to report to the
police 1 to 4 times a month. A change in the law is a new row with its own date.
"""

import datetime

from django.db import migrations

LIMITS = [
    # kind, effective from, unit, shortest, longest, starts within (days of issue)
    ("police_order", datetime.date(2009, 12, 4), "days", 1, 30, 1),
    ("court_requirements", datetime.date(2009, 12, 4), "months", 3, 12, 30),
]

CONDITIONS = [
    # code, Kazakh, Russian, English, frequency (min, max)
    (
        "no_seeking",
        "Жәбірленушіні іздеуге тыйым",
        "Запрет разыскивать потерпевшую(его)",
        "No seeking out the victim",
        None,
    ),
    (
        "no_contact",
        "Жәбірленушімен байланысуға тыйым",
        "Запрет на контакты с потерпевшей(им)",
        "No contact with the victim",
        None,
    ),
    (
        "no_harassment",
        "Жәбірленушіге қудалауға тыйым",
        "Запрет преследовать потерпевшую(его)",
        "No harassment of the victim",
        None,
    ),
    (
        "no_approach",
        "Жәбірленушіге жақындауға тыйым",
        "Запрет приближаться к потерпевшей(ему)",
        "No approaching the victim",
        None,
    ),
    (
        "no_firearms",
        "Атыс қаруын сатып алуға, сақтауға, алып жүруге тыйым",
        "Запрет приобретать, хранить и носить огнестрельное оружие",
        "No firearms",
        None,
    ),
    (
        "no_psychoactive",
        "Психобелсенді заттарды медициналық емес тұтынуға тыйым",
        "Запрет немедицинского употребления психоактивных веществ",
        "No non-medical psychoactive substances",
        None,
    ),
    (
        "not_living_together",
        "Жәбірленушімен бірге тұруға тыйым",
        "Запрет проживать совместно с потерпевшей(им)",
        "No living together with the victim",
        None,
    ),
    (
        "report_to_police",
        "Полицияға айына бірнеше рет келіп тұру",
        "Явка в полицию для регистрации несколько раз в месяц",
        "Reporting to the police several times a month",
        (1, 4),
    ),
]


def load(apps, schema_editor):
    DurationLimit = apps.get_model("protection", "DurationLimit")
    ProtectionCondition = apps.get_model("protection", "ProtectionCondition")
    for kind, effective_from, unit, shortest, longest, start_within in LIMITS:
        DurationLimit.objects.update_or_create(
            kind=kind,
            effective_from=effective_from,
            defaults={
                "unit": unit,
                "minimum": shortest,
                "maximum": longest,
                "start_within_days": start_within,
            },
        )
    for position, (code, kk, ru, en, frequency) in enumerate(CONDITIONS, start=1):
        low, high = frequency or (None, None)
        ProtectionCondition.objects.update_or_create(
            code=code,
            defaults={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "position": position,
                "frequency_min": low,
                "frequency_max": high,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("protection", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
