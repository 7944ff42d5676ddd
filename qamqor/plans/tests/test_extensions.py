"""Extensions: only on the standard's reasons, never beyond its extension days in all."""

import pytest
from django.core.exceptions import ValidationError

from qamqor.cases.models import Grounds
from qamqor.plans.actions import extend_plan, generate_plan
from qamqor.plans.models import PlanExtension
from qamqor.services.models import ExtensionReason

from .conftest import TODAY, days, decide

HOSPITAL = "hospitalisation"
PROCEEDINGS = "criminal_proceedings"


def reason(code):
    return ExtensionReason.objects.get(code=code)


@pytest.fixture
def trafficking_plan(alice, open_case):
    """A plan under the trafficking standard: 180 days, up to 90 more."""
    case = open_case(grounds=Grounds.TRAFFICKING)
    decide(alice, case)
    return generate_plan(alice, case, started_on=TODAY - days(30))


def test_extensions_add_up_to_the_standards_limit(alice, trafficking_plan):
    extend_plan(alice, trafficking_plan, reason=reason(PROCEEDINGS), days=60, note="Суд идёт")
    extend_plan(alice, trafficking_plan, reason=reason(HOSPITAL), days=30)
    assert sum(e.days for e in trafficking_plan.extensions.all()) == 90


def test_an_extension_beyond_the_limit_is_refused_and_changes_nothing(alice, trafficking_plan):
    extend_plan(alice, trafficking_plan, reason=reason(PROCEEDINGS), days=60)
    with pytest.raises(ValidationError) as refused:
        extend_plan(alice, trafficking_plan, reason=reason(HOSPITAL), days=31)
    assert refused.value.message_dict["days"] == [
        "The standard allows 90 days of extension in all; 60 granted already, so at most 30 more."
    ]
    assert PlanExtension.objects.count() == 1


def test_a_reason_the_standard_does_not_name_is_refused(alice, plan):
    """The domestic-violence standard names no extension reason."""
    with pytest.raises(ValidationError) as refused:
        extend_plan(alice, plan, reason=reason(HOSPITAL), days=10)
    assert "allows no extension on this ground" in refused.value.message_dict["reason"][0]
    assert not PlanExtension.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("granted_on", TODAY - days(31), "cannot be granted before the plan starts"),
        ("granted_on", TODAY + days(1), "This date is in the future."),
        ("days", 0, "greater than zero"),
    ],
)
def test_contradictory_extensions_are_refused(alice, trafficking_plan, field, value, message):
    values = {"reason": reason(HOSPITAL), "days": 10, field: value}
    with pytest.raises(ValidationError) as refused:
        extend_plan(alice, trafficking_plan, **values)
    assert message in " ".join(refused.value.message_dict[field])
    assert not PlanExtension.objects.exists()


def test_only_case_editors_extend(bob, gulnara, trafficking_plan):
    from django.core.exceptions import PermissionDenied

    for user in (bob, gulnara):
        with pytest.raises(PermissionDenied):
            extend_plan(user, trafficking_plan, reason=reason(HOSPITAL), days=10)
    assert not PlanExtension.objects.exists()


def test_a_double_submission_grants_once(alice, trafficking_plan):
    import uuid

    key = uuid.uuid4()
    for _ in range(2):
        extend_plan(alice, trafficking_plan, reason=reason(HOSPITAL), days=10, submission_key=key)
    assert PlanExtension.objects.count() == 1
