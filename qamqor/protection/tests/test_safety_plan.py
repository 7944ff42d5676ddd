"""A safety plan is versioned: each save is a new version, the old ones stay."""

import pytest
from django.core.exceptions import ValidationError

from qamqor.protection.actions import save_safety_plan
from qamqor.protection.models import SafetyPlan


def test_each_save_is_a_new_version_and_the_old_one_is_unchanged(alice, carol, case):
    first = save_safety_plan(alice, case, SafetyPlan(code_word="жаңбыр", safe_contacts="Сестра"))
    second = save_safety_plan(
        carol, case, SafetyPlan(code_word="күн", places_to_go="Кризисный центр")
    )
    assert (first.version, second.version) == (1, 2)
    old = SafetyPlan.objects.get(pk=first.pk)
    assert (old.code_word, old.safe_contacts, old.places_to_go) == ("жаңбыр", "Сестра", "")
    assert list(case.safety_plans.values_list("version", flat=True)) == [2, 1]


def test_versions_are_counted_per_case(alice, make_case):
    one, other = make_case(), make_case()
    save_safety_plan(alice, one, SafetyPlan(code_word="a"))
    assert save_safety_plan(alice, other, SafetyPlan(code_word="b")).version == 1


def test_an_empty_plan_is_refused(alice, case):
    with pytest.raises(ValidationError):
        save_safety_plan(alice, case, SafetyPlan(code_word="  "))
    assert not SafetyPlan.objects.exists()


def test_a_repeated_submission_saves_one_version(alice, case):
    import uuid

    key = uuid.uuid4()
    first = save_safety_plan(alice, case, SafetyPlan(code_word="a"), submission_key=key)
    again = save_safety_plan(alice, case, SafetyPlan(code_word="a"), submission_key=key)
    assert again.pk == first.pk and SafetyPlan.objects.count() == 1
