"""Shared-field limits: a member of the receiving agency, at each data scope, walks every
page of the project (the access matrix's walk, its sensitive case and its identifying
values) and never meets a value outside what the referral shares:

- minimum (and any referral awaiting an answer): none of the identifying values;
- identity: who the person is (names, IIN, contacts, address, documents), never the
  narrative of an incident or a note;
- full: the whole file, read only.
"""

import pytest
from django.urls import reverse
from django.utils import translation

from qamqor.referrals.models import DataScope
from qamqor.referrals.referral_actions import accept_referral
from qamqor.web.tests.test_access_matrix import (
    IDENTIFYING,
    body_of,
    leaked,
    url_arguments,
    url_names,
)

from .referral_support import consent, crisis_centre, refer

WHO_THE_PERSON_IS = {
    "surname", "given name", "patronymic", "Latin spelling", "IIN", "phone", "address",
    "document",
}  # fmt: skip
# The rest of the identifying values are the case's story: the narrative and the note.
THE_CASE_S_STORY = set(IDENTIFYING) - WHO_THE_PERSON_IS


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    """Files the walk's arguments upload (a signed consent form) go to the test's folder."""
    settings.MEDIA_ROOT = str(tmp_path / "uploads")


@pytest.fixture
def sensitive_case(make_case, alice):
    """The matrix's sensitive case (qamqor/web/tests/test_access_matrix.py)."""
    import datetime

    from qamqor.assessments.actions import start_assessment
    from qamqor.assessments.models import instrument_in_force
    from qamqor.cases.actions import add_incident, add_note
    from qamqor.cases.models import Incident
    from qamqor.registry.actions import add_document
    from qamqor.registry.models import IdentityDocument

    case = make_case(
        surname=IDENTIFYING["surname"], given_name=IDENTIFYING["given name"],
        patronymic=IDENTIFYING["patronymic"], latin_surname=IDENTIFYING["Latin spelling"],
        iin=IDENTIFYING["IIN"], birth_year=1990, birth_month=1, birth_day=1,
        phone=IDENTIFYING["phone"], address=IDENTIFYING["address"],
    )  # fmt: skip
    add_incident(
        alice,
        case,
        Incident(
            occurred_on=case.opened_on - datetime.timedelta(days=3),
            narrative=IDENTIFYING["narrative"],
        ),
    )
    add_note(alice, case, IDENTIFYING["note"])
    add_document(
        alice, case.person, IdentityDocument(kind="id_card", number=IDENTIFYING["document"])
    )
    start_assessment(alice, case, instrument_in_force("dv-risk"))
    return case


def walk(client, fillers) -> dict[str, tuple[int, set[str]]]:
    """Every page the client GETs: its status and the identifying values it shows."""
    seen = {}
    for name, args in url_names():
        if not set(args) <= set(fillers):
            continue
        response = client.get(reverse(name, kwargs={arg: fillers[arg] for arg in args}))
        assert response.status_code < 500, name
        seen[name] = (response.status_code, set(leaked(body_of(response))))
    return seen


def shown(pages: dict[str, tuple[int, set[str]]]) -> set[str]:
    return set().union(*(values for _status, values in pages.values()))


@pytest.mark.parametrize("accepted", [False, True], ids=["awaiting an answer", "accepted"])
@pytest.mark.parametrize("scope", list(DataScope))
def test_the_receiving_agency_sees_no_field_outside_the_scope(
    alice, sensitive_case, region, scope, accepted
):
    from qamqor.conftest import signed_in

    centre = crisis_centre(region)
    consent(sensitive_case, alice, DataScope.FULL, agency=centre.agency)
    referral = refer(alice, sensitive_case, centre.agency, scope, message="See her today.")
    if accepted:
        accept_referral(centre.worker, referral)
    fillers = url_arguments(alice, sensitive_case)
    fillers["referral_id"] = referral.pk
    for member in (centre.worker, centre.supervisor):
        pages = walk(signed_in(member), fillers)
        assert pages["referrals:detail"][0] == 200
        assert pages["cases:detail"][0] == 200
        values = shown(pages)
        given = scope if accepted else DataScope.MINIMUM
        if given == DataScope.MINIMUM:
            assert values == set(), {n: v for n, (_s, v) in pages.items() if v}
        elif given == DataScope.IDENTITY:
            assert values <= WHO_THE_PERSON_IS, {n: v for n, (_s, v) in pages.items() if v}
            # Who the person is, on the referral: the point of sharing identity.
            assert pages["referrals:detail"][1] == WHO_THE_PERSON_IS
        else:
            assert pages["cases:detail"][1] == set(IDENTIFYING)


def test_the_referring_side_pages_show_the_case_to_its_owner_only(alice, sensitive_case, region):
    from qamqor.conftest import signed_in

    centre = crisis_centre(region)
    consent(sensitive_case, alice, DataScope.IDENTITY)
    referral = refer(alice, sensitive_case, centre.agency, DataScope.IDENTITY)
    accept_referral(centre.worker, referral)
    page = signed_in(alice).get(reverse("referrals:case_referrals", args=[sensitive_case.code]))
    assert page.status_code == 200 and leaked(body_of(page)) == []
