"""How far a referral opens a case to the agency it was sent to: the minimum while it
awaits an answer, its data scope once accepted, nothing once it has ended or its consent
is no longer in force (read live: a withdrawal cuts access on the very next request).
The receiving agency never changes the case."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from qamqor.accounts.models import Membership, Role
from qamqor.cases.access import (
    access_case,
    access_case_for_edit,
    access_case_with_identity,
    case_access,
    identity_cases,
    visible_cases,
)
from qamqor.clock import now, today
from qamqor.conftest import make_user, signed_in
from qamqor.referrals.models import DataScope, OverrideGround, Referral, ReferralPurpose
from qamqor.referrals.referral_actions import (
    accept_referral,
    complete_referral,
    decline_referral,
    revoke_referral,
    start_referral,
)

from .referral_support import consent, crisis_centre, fresh, refer, withdraw

REASON = "An immediate threat to her life from the partner."


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def centre(region):
    return crisis_centre(region)


def reach(user, case):
    """What the next request of `user` finds: whether the case is visible, and how far."""
    user = fresh(user)
    if not visible_cases(user).filter(pk=case.pk).exists():
        with pytest.raises(Http404):
            access_case(user, case.code)
        return None
    return case_access(user, access_case(user, case.code))


@pytest.mark.parametrize("scope", list(DataScope))
def test_until_it_answers_the_agency_sees_the_minimum(alice, case, centre, scope):
    consent(case, alice, DataScope.FULL)
    refer(alice, case, centre.agency, scope)
    for member in (centre.worker, centre.supervisor):
        access = reach(member, case)
        assert access is not None and access.relations == {"referral"}
        assert access.scope == DataScope.MINIMUM and not access.identity and not access.edit
        assert not identity_cases(fresh(member)).filter(pk=case.pk).exists()


@pytest.mark.parametrize("scope", list(DataScope))
def test_once_accepted_the_agency_sees_the_referral_s_scope(alice, case, centre, scope):
    consent(case, alice, DataScope.FULL)
    referral = refer(alice, case, centre.agency, scope)
    accept_referral(centre.worker, referral)
    access = reach(centre.supervisor, case)
    assert access.scope == scope
    assert access.full_file == (scope == DataScope.FULL) == access.identity
    assert access.person_only == (scope == DataScope.IDENTITY)
    assert not access.edit
    in_name_search = identity_cases(fresh(centre.worker)).filter(pk=case.pk).exists()
    assert in_name_search == (scope != DataScope.MINIMUM)
    start_referral(centre.worker, referral)
    assert reach(centre.worker, case).scope == scope


def test_a_role_that_does_not_see_identity_sees_the_minimum(alice, case, centre):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.FULL))
    quiet = Role.objects.create(
        code="intake_clerk", name_kk="x", name_ru="x", name_en="Intake clerk",
        case_scope="agency", capabilities=["case.open", "case.edit"],
    )  # fmt: skip
    clerk = make_user("clerk", None)
    Membership.objects.create(user=clerk, agency=centre.agency, role=quiet, started_at=now())
    assert reach(clerk, case).scope == DataScope.MINIMUM
    assert not identity_cases(fresh(clerk)).filter(pk=case.pk).exists()


@pytest.mark.parametrize("role", ["regional_coordinator", "agency_admin", "national_analyst"])
def test_roles_that_do_not_work_on_cases_in_the_agency_do_not_reach_it(
    alice, case, centre, role, other_region
):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.FULL))
    # The centre in another region, so its coordinator's region reach plays no part.
    type(centre.agency).objects.filter(pk=centre.agency.pk).update(region=other_region)
    assert reach(make_user("member", centre.agency, role=role), case) is None


@pytest.mark.parametrize("end", ["declined", "completed", "revoked", "expired"])
def test_a_referral_that_has_ended_opens_nothing(alice, case, centre, end):
    consent(case, alice, DataScope.FULL)
    referral = refer(alice, case, centre.agency, DataScope.FULL)
    if end == "declined":
        decline_referral(centre.worker, referral, "No place.")
    elif end == "revoked":
        revoke_referral(alice, referral)
    elif end == "expired":
        Referral.objects.filter(pk=referral.pk).update(status="expired", expired_at=now())
    else:
        accept_referral(centre.worker, referral)
        complete_referral(centre.worker, referral, "Done.")
    assert reach(centre.worker, case) is None


def test_withdrawing_the_consent_cuts_access_on_the_next_request(alice, case, centre):
    given = consent(case, alice, DataScope.FULL, agency=centre.agency)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.FULL))
    client = signed_in(centre.worker)
    url = reverse("cases:detail", args=[case.code])
    assert client.get(url).status_code == 200
    withdraw(given)
    assert client.get(url).status_code == 404
    assert client.get(reverse("cases:list")).content.decode().count(case.code) == 0


def test_the_consent_is_read_live_even_before_the_share_is_marked_ended(alice, case, centre):
    given = consent(case, alice, DataScope.FULL, agency=centre.agency)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.FULL))
    type(given).objects.filter(pk=given.pk).update(withdrawn_at=now())
    assert reach(centre.worker, case) is None


def test_a_consent_that_expires_ends_the_share_the_day_after(alice, case, centre, monkeypatch):
    consent(case, alice, DataScope.IDENTITY, expires_on=today())
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.IDENTITY))
    assert reach(centre.worker, case).scope == DataScope.IDENTITY
    tomorrow = now() + datetime.timedelta(days=1)
    monkeypatch.setattr("qamqor.clock.now", lambda: tomorrow)
    assert reach(centre.worker, case) is None


def test_a_share_marked_ended_stays_ended(alice, case, centre):
    consent(case, alice, DataScope.FULL)
    referral = refer(alice, case, centre.agency, DataScope.FULL)
    accept_referral(centre.worker, referral)
    Referral.objects.filter(pk=referral.pk).update(share_ended_at=now())
    assert reach(centre.worker, case) is None


def test_an_override_rests_on_no_consent(carol, case, centre):
    referral = refer(
        carol, case, centre.agency, DataScope.IDENTITY, purpose=ReferralPurpose.PROTECTION,
        urgency_code="emergency", override_ground=OverrideGround.THREAT_TO_LIFE,
        override_reason=REASON,
    )  # fmt: skip
    accept_referral(centre.worker, referral)
    assert reach(centre.worker, case).scope == DataScope.IDENTITY


def test_the_widest_of_two_referrals_counts(alice, case, centre, region):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.MINIMUM))
    second = crisis_centre(region, prefix="b_", name="Second centre")
    Membership.objects.create(
        user=centre.worker, agency=second.agency, role=Role.objects.get(code="case_worker"),
        started_at=now(),
    )  # fmt: skip
    accept_referral(
        second.worker,
        refer(alice, case, second.agency, DataScope.IDENTITY, purpose=ReferralPurpose.PROTECTION),
    )
    assert reach(centre.worker, case).scope == DataScope.IDENTITY


def test_the_receiving_agency_never_changes_the_case(alice, case, centre):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.FULL))
    worker = fresh(centre.worker)
    with pytest.raises(PermissionDenied):
        access_case_for_edit(worker, case.code)
    client = signed_in(worker)
    response = client.post(reverse("cases:note_add", args=[case.code]), {"text": "Mine"})
    assert response.status_code == 403
    assert not case.notes.exists()


def test_identity_alone_does_not_open_the_other_pages_of_the_case(alice, case, centre):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.IDENTITY))
    with pytest.raises(PermissionDenied) as refused:
        access_case_with_identity(fresh(centre.worker), case.code)
    assert "not this part of the case" in str(refused.value)
    client = signed_in(centre.worker)
    for name in ("plans:page", "assessments:page", "protection:page", "facilities:placement"):
        assert client.get(reverse(name, args=[case.code])).status_code == 403, name


def test_the_full_file_opens_the_other_pages_read_only(alice, case, centre):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.FULL))
    case_, access = access_case_with_identity(fresh(centre.worker), case.code)
    assert case_ == case and access.identity and not access.edit
    client = signed_in(centre.worker)
    for name in ("plans:page", "assessments:page", "protection:page", "facilities:placement"):
        assert client.get(reverse(name, args=[case.code])).status_code == 200, name


def test_other_agencies_and_colleagues_are_not_given_anything(alice, bob, charlie, case, centre):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.FULL))
    for outsider in (bob, charlie):
        assert reach(outsider, case) is None


def test_the_owner_s_reach_is_unchanged_by_a_referral(alice, carol, case, centre):
    consent(case, alice, DataScope.FULL)
    accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.MINIMUM))
    for member in (alice, carol):
        access = reach(member, case)
        assert access.identity and access.edit and "referral" not in access.relations
        assert access.scope == DataScope.FULL


def test_listing_referred_cases_is_one_query_for_one_or_many(
    alice, make_case, centre, django_assert_num_queries
):
    cases = [make_case() for _ in range(3)]
    for case in cases:
        consent(case, alice, DataScope.FULL)
        accept_referral(centre.worker, refer(alice, case, centre.agency, DataScope.IDENTITY))
    worker = fresh(centre.worker)
    with django_assert_num_queries(3):  # memberships, break-glass grants, the cases
        assert set(visible_cases(worker)) == set(cases)
