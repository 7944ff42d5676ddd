"""The eight types of special social services (Social Code; egov.kz)."""

from django.db import migrations

SERVICE_TYPES = [
    ("social_household", "Әлеуметтік-тұрмыстық", "Социально-бытовые", "Social-household"),
    ("social_medical", "Әлеуметтік-медициналық", "Социально-медицинские", "Social-medical"),
    (
        "social_psychological",
        "Әлеуметтік-психологиялық",
        "Социально-психологические",
        "Social-psychological",
    ),
    (
        "social_pedagogical",
        "Әлеуметтік-педагогикалық",
        "Социально-педагогические",
        "Social-pedagogical",
    ),
    ("social_labour", "Әлеуметтік-еңбек", "Социально-трудовые", "Social-labour"),
    ("social_cultural", "Әлеуметтік-мәдени", "Социально-культурные", "Social-cultural"),
    ("social_economic", "Әлеуметтік-экономикалық", "Социально-экономические", "Social-economic"),
    ("social_legal", "Әлеуметтік-құқықтық", "Социально-правовые", "Social-legal"),
]


def load(apps, schema_editor):
    ServiceType = apps.get_model("services", "ServiceType")
    for position, (code, kk, ru, en) in enumerate(SERVICE_TYPES, start=1):
        ServiceType.objects.update_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
