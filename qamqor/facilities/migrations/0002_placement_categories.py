"""The categories a facility counts its places in (issue 4, section 4); data, not code."""

from django.db import migrations

CATEGORIES = [
    # code, Kazakh, Russian, English
    ("women_with_children", "Балалары бар әйелдер", "Женщины с детьми", "Women with children"),
    ("women", "Әйелдер", "Женщины", "Women"),
    ("men", "Ерлер", "Мужчины", "Men"),
    ("minors", "Кәмелетке толмағандар", "Несовершеннолетние", "Minors"),
    ("foreign_nationals", "Шетел азаматтары", "Иностранные граждане", "Foreign nationals"),
    (
        "persons_with_disabilities",
        "Мүгедектігі бар адамдар",
        "Лица с инвалидностью",
        "Persons with disabilities",
    ),
]


def load(apps, schema_editor):
    PlacementCategory = apps.get_model("facilities", "PlacementCategory")
    for position, (code, kk, ru, en) in enumerate(CATEGORIES):
        PlacementCategory.objects.update_or_create(
            code=code,
            defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "position": position},
        )


def unload(apps, schema_editor):
    PlacementCategory = apps.get_model("facilities", "PlacementCategory")
    PlacementCategory.objects.filter(code__in=[row[0] for row in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
