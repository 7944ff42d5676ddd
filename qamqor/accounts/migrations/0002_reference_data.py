"""Regions of Kazakhstan (ISO 3166-2:KZ), agency kinds and roles."""

from django.db import migrations

# ISO code, prefix used in case codes, Kazakh, Russian, English, is a city.
REGIONS = [
    ("KZ-10", "ABA", "Абай облысы", "Абайская область", "Abai Region", False),
    ("KZ-11", "AKM", "Ақмола облысы", "Акмолинская область", "Akmola Region", False),
    ("KZ-15", "AKT", "Ақтөбе облысы", "Актюбинская область", "Aktobe Region", False),
    ("KZ-19", "ALM", "Алматы облысы", "Алматинская область", "Almaty Region", False),
    ("KZ-23", "ATY", "Атырау облысы", "Атырауская область", "Atyrau Region", False),
    (
        "KZ-27",
        "ZAP",
        "Батыс Қазақстан облысы",
        "Западно-Казахстанская область",
        "West Kazakhstan Region",
        False,
    ),
    ("KZ-31", "ZHA", "Жамбыл облысы", "Жамбылская область", "Zhambyl Region", False),
    ("KZ-33", "ZHT", "Жетісу облысы", "Область Жетісу", "Zhetisu Region", False),
    ("KZ-35", "KAR", "Қарағанды облысы", "Карагандинская область", "Karaganda Region", False),
    ("KZ-39", "KUS", "Қостанай облысы", "Костанайская область", "Kostanay Region", False),
    ("KZ-43", "KZY", "Қызылорда облысы", "Кызылординская область", "Kyzylorda Region", False),
    ("KZ-47", "MAN", "Маңғыстау облысы", "Мангистауская область", "Mangystau Region", False),
    ("KZ-55", "PAV", "Павлодар облысы", "Павлодарская область", "Pavlodar Region", False),
    (
        "KZ-59",
        "SEV",
        "Солтүстік Қазақстан облысы",
        "Северо-Казахстанская область",
        "North Kazakhstan Region",
        False,
    ),
    ("KZ-61", "TUR", "Түркістан облысы", "Туркестанская область", "Turkistan Region", False),
    ("KZ-62", "ULY", "Ұлытау облысы", "Область Ұлытау", "Ulytau Region", False),
    (
        "KZ-63",
        "VOS",
        "Шығыс Қазақстан облысы",
        "Восточно-Казахстанская область",
        "East Kazakhstan Region",
        False,
    ),
    ("KZ-71", "AST", "Астана", "Астана", "Astana", True),
    ("KZ-75", "ALA", "Алматы", "Алматы", "Almaty", True),
    ("KZ-79", "SHY", "Шымкент", "Шымкент", "Shymkent", True),
]

AGENCY_KINDS = [
    ("police", "Полиция", "Полиция", "Police"),
    ("prosecutor", "Прокуратура", "Прокуратура", "Prosecutor's office"),
    ("court", "Сот", "Суд", "Court"),
    ("health", "Денсаулық сақтау", "Здравоохранение", "Health"),
    ("education", "Білім беру", "Образование", "Education"),
    (
        "social_protection",
        "Әлеуметтік қорғау және еңбек",
        "Социальная защита и труд",
        "Social protection / labour",
    ),
    ("akimat", "Жергілікті атқарушы орган (әкімдік)", "Местный исполнительный орган (акимат)",
     "Local executive body (akimat)"),
    ("crisis_centre_state", "Дағдарыс орталығы, мемлекеттік", "Кризисный центр, государственный",
     "Crisis centre, state"),
    ("crisis_centre_ngo", "Дағдарыс орталығы, ҮЕҰ", "Кризисный центр, НПО", "Crisis centre, NGO"),
    ("ngo", "Басқа ҮЕҰ", "Другая НПО", "Other NGO"),
    ("international", "Халықаралық ұйым", "Международная организация",
     "International organisation"),
    ("contact_centre_111", "111 байланыс орталығы", "Контакт-центр 111", "Contact centre 111"),
    ("embassy", "Елшілік / консулдық", "Посольство / консульство", "Embassy / consulate"),
]  # fmt: skip

ROLES = [
    ("case_worker", "Іс жүргізуші маман", "Ведущий специалист (кейс-менеджер)", "Case worker",
     ["case.open", "case.edit"]),
    ("supervisor", "Жетекші", "Руководитель", "Supervisor", ["case.open", "case.edit"]),
    ("agency_admin", "Ұйым әкімшісі", "Администратор организации", "Agency administrator",
     ["users.manage"]),
    ("regional_coordinator", "Өңірлік үйлестіруші", "Региональный координатор",
     "Regional coordinator", ["stats.view"]),
    ("national_analyst", "Ұлттық талдаушы", "Национальный аналитик", "National analyst",
     ["stats.view"]),
    ("system_admin", "Жүйе әкімшісі", "Системный администратор", "System administrator",
     ["users.manage", "reference.manage"]),
    ("auditor", "Аудитор", "Аудитор", "Auditor", ["audit.view"]),
]  # fmt: skip


def load(apps, schema_editor):
    Region = apps.get_model("accounts", "Region")
    AgencyKind = apps.get_model("accounts", "AgencyKind")
    Role = apps.get_model("accounts", "Role")
    for iso, prefix, kk, ru, en, is_city in REGIONS:
        Region.objects.update_or_create(
            iso_code=iso,
            defaults={
                "case_prefix": prefix,
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "is_city": is_city,
            },
        )
    for position, (code, kk, ru, en) in enumerate(AGENCY_KINDS, start=1):
        AgencyKind.objects.update_or_create(
            code=code, defaults={"name_kk": kk, "name_ru": ru, "name_en": en, "position": position}
        )
    for position, (code, kk, ru, en, capabilities) in enumerate(ROLES, start=1):
        Role.objects.update_or_create(
            code=code,
            defaults={
                "name_kk": kk,
                "name_ru": ru,
                "name_en": en,
                "capabilities": capabilities,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
