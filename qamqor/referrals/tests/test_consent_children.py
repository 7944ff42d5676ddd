"""A child's consent: given or refused by a legal representative, with the child's own view.

Whether the person is a child is read from their age on the day of the consent."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from qamqor.referrals.consent_actions import is_child_on, record_consent
from qamqor.referrals.models import Consent
from qamqor.vault.tests.helpers import stored

from . import consent_helpers
from .consent_helpers import TODAY, verbal

# The shared fixtures, named here so that pytest finds them in this module.
_english = consent_helpers._english
media = consent_helpers.media
frozen_today = consent_helpers.frozen_today

FOR_A_CHILD = {
    "by_representative": True,
    "representative": "Айгүл Сәрсенова",
    "representative_relation": "мать",
    "child_view": "Хочет жить у тёти, боится возвращаться домой.",
}


@pytest.fixture
def child_case(make_case):
    """A girl of 15 on TODAY."""
    return make_case(birth_year=2010, birth_month=5, birth_day=20)


def refusal(case, **arguments):
    with pytest.raises(ValidationError) as refused:
        record_consent(case.created_by, case, **verbal(**arguments))
    assert not Consent.objects.exists()
    return refused.value.message_dict


def test_a_representative_records_a_childs_consent_with_the_childs_view(child_case, frozen_today):
    consent = record_consent(child_case.created_by, child_case, **verbal(**FOR_A_CHILD))
    assert consent.by_representative and consent.representative == "Айгүл Сәрсенова"
    assert consent.child_view.startswith("Хочет жить у тёти")
    for field in ("representative", "representative_relation", "child_view"):
        assert stored(Consent, field, consent.pk).startswith("v1:"), field


def test_a_child_cannot_consent_alone(child_case, frozen_today):
    errors = refusal(child_case)
    assert "legal representative gives or refuses" in errors["by_representative"][0]
    assert "the child's own view" in errors["child_view"][0]


def test_the_representative_is_named_with_their_relation(child_case, frozen_today):
    errors = refusal(child_case, by_representative=True, child_view="Согласна.")
    assert "Name the legal representative" in errors["representative"][0]
    assert "how the representative is related" in errors["representative_relation"][0]


def test_the_childs_view_is_required_and_may_say_there_was_none(child_case, frozen_today):
    errors = refusal(child_case, **{**FOR_A_CHILD, "child_view": "   "})
    assert set(errors) == {"child_view"}
    unable = "Ребёнок 3 лет, выразить мнение не может по возрасту."
    consent = record_consent(
        child_case.created_by, child_case, **verbal(**{**FOR_A_CHILD, "child_view": unable})
    )
    assert consent.child_view == unable


def test_a_childs_refusal_goes_the_same_way(child_case, frozen_today):
    errors = refusal(child_case, given=False)
    assert {"by_representative", "child_view"} <= set(errors)
    consent = record_consent(
        child_case.created_by, child_case, **verbal(given=False, **FOR_A_CHILD)
    )
    assert not consent.given


def test_age_is_read_on_the_day_of_the_consent(make_case, frozen_today):
    turns_18_today = make_case(birth_year=2008, birth_month=3, birth_day=2)
    turns_18_tomorrow = make_case(birth_year=2008, birth_month=3, birth_day=3)
    assert not is_child_on(turns_18_today, TODAY)
    assert is_child_on(turns_18_tomorrow, TODAY)
    # A consent dated last year, when she was 17, was a child's.
    last_year = TODAY - datetime.timedelta(days=365)
    assert is_child_on(turns_18_today, last_year)
    errors = refusal(turns_18_today, given_on=last_year)
    assert "by_representative" in errors
    assert record_consent(turns_18_today.created_by, turns_18_today, **verbal()).pk


def test_an_estimated_age_counts(make_case, frozen_today):
    estimated = make_case(age_estimate=14, age_estimated_on=TODAY - datetime.timedelta(days=30))
    assert "child_view" in refusal(estimated)


def test_an_unknown_age_is_not_taken_for_a_childs(case, frozen_today):
    assert case.person.age_on(TODAY) is None and not is_child_on(case, TODAY)
    consent = record_consent(case.created_by, case, **verbal(**FOR_A_CHILD))
    assert consent.child_view  # recorded as the worker judged it


def test_an_adult_has_no_childs_view(make_case, frozen_today):
    adult = make_case(birth_year=1990, birth_month=1, birth_day=1)
    errors = refusal(adult, child_view="Согласна.")
    assert "there is no child's view" in errors["child_view"][0]


def test_an_adult_may_consent_through_a_representative(make_case, frozen_today):
    adult = make_case(birth_year=1990, birth_month=1, birth_day=1)
    arguments = {**FOR_A_CHILD, "child_view": "", "representative_relation": "опекун"}
    consent = record_consent(adult.created_by, adult, **verbal(**arguments))
    assert consent.by_representative and not consent.child_view
