"""The shipped catalogue file, loaded by the data migration (the test database has it)."""

from django.apps import apps
from django.utils import translation

from qamqor.services.catalogue import (
    SHIPPED_FILE,
    apply_catalogue,
    existing_catalogue,
    read_catalogue,
)
from qamqor.services.models import (
    RecipientCategory,
    Service,
    ServiceSetting,
    ServiceType,
    Standard,
)


def test_the_migration_loads_the_trafficking_standard():
    standard = Standard.objects.get(code="trafficking-2023")
    assert standard.category.code == "trafficking_victim"
    assert (standard.service_period_days, standard.max_period_days) == (180, 270)
    assert {reason.code for reason in standard.extension_reasons.all()} == {
        "criminal_proceedings",
        "hospitalisation",
    }
    assert standard.required_service_types.count() == ServiceType.objects.count() == 8
    assert standard.effective_to is None
    assert not standard.verified  # figures still to be checked against order No. 263
    assessment = standard.limits.get(time_limit__code="needs_assessment")
    assert assessment.days == 3
    assert assessment.time_limit.counts_from == "admission"


def test_the_migration_loads_the_domestic_violence_crisis_stay():
    standard = Standard.objects.get(category__code="domestic_violence_victim")
    assert (standard.service_period_days, standard.extension_days) == (180, 0)
    assert not standard.extension_reasons.exists()


def test_the_four_settings_the_four_categories_and_services_of_every_type():
    assert list(ServiceSetting.objects.values_list("code", flat=True)) == [
        "inpatient",
        "semi_inpatient",
        "home_based",
        "temporary_stay",
    ]
    assert set(RecipientCategory.objects.values_list("code", flat=True)) == {
        "trafficking_victim",
        "domestic_violence_victim",
        "child_victim",
        "foreign_victim",
    }
    assert not ServiceType.objects.filter(services__isnull=True).exists()
    legal = set(
        Service.objects.filter(service_type__code="social_legal").values_list("code", flat=True)
    )
    assert {"legal_consultation", "identity_documents", "court_representation"} <= legal


def test_the_database_holds_what_the_file_says():
    """Migration and importer agree: applying the shipped file again changes nothing."""
    catalogue = read_catalogue(SHIPPED_FILE.read_text(encoding="utf-8"), existing_catalogue(apps))
    tallies = apply_catalogue(apps, catalogue)
    assert set(tallies) == {
        "settings",
        "recipient_categories",
        "extension_reasons",
        "time_limits",
        "services",
        "standards",
    }
    assert all(t.created == t.updated == 0 and t.unchanged for t in tallies.values()), tallies


def test_names_follow_the_interface_language():
    service = Service.objects.get(code="court_representation")
    with translation.override("kk"):
        assert service.name == "Сотта өкілдік ету"
    with translation.override("ru"):
        assert service.name == "Представительство в суде"
    with translation.override("en"):
        assert service.name == "Representation in court"


def test_field_and_model_names_are_translated():
    with translation.override("ru"):
        assert str(Standard._meta.verbose_name) == "стандарт"
        assert str(Standard._meta.get_field("extension_days").verbose_name) == "продление (дней)"
    with translation.override("kk"):
        assert str(RecipientCategory._meta.verbose_name) == "алушылар санаты"
