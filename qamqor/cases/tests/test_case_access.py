"""Who sees which case (docs/access.md): the case worker who opened it or is assigned,
and the supervisors of the owning agency; everyone else is told that the case does not
exist, in the same words as for a case that truly does not exist."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from qamqor import clock
from qamqor.accounts.models import Agency, AgencyKind, Membership, Role, User
from qamqor.cases.access import access_case, access_case_for_edit, case_access, visible_cases
from qamqor.cases.models import Case


def fresh(user: User) -> User:
    """The user as the next request loads it (memberships are cached per user object)."""
    return User.objects.get(pk=user.pk)


def not_found(user, code: str) -> Http404:
    with pytest.raises(Http404) as raised:
        access_case(user, code)
    return raised.value


@pytest.mark.parametrize("member", ["alice", "carol"])
def test_the_assigned_worker_and_the_supervisor_see_the_case(request, case: Case, member: str):
    user = request.getfixturevalue(member)
    assert access_case(user, case.code) == case
    assert list(visible_cases(user)) == [case]


@pytest.mark.parametrize("outsider", ["bob", "charlie", "dana", "erin"])
def test_everyone_else_is_told_the_case_does_not_exist(request, case: Case, outsider: str):
    user = request.getfixturevalue(outsider)
    not_found(user, case.code)
    assert case not in visible_cases(user)
    assert not visible_cases(user).filter(pk=case.pk).exists()


def test_an_anonymous_visitor_sees_no_case(case: Case):
    not_found(AnonymousUser(), case.code)
    assert not visible_cases(AnonymousUser()).exists()


def test_a_missing_case_and_a_forbidden_case_look_the_same(case: Case, alice, charlie):
    forbidden = not_found(charlie, case.code)
    missing = not_found(charlie, "ALA-1999-999999")
    missing_to_a_member = not_found(alice, "ALA-1999-999999")

    assert type(forbidden) is type(missing) is type(missing_to_a_member)
    assert str(forbidden) == str(missing) == str(missing_to_a_member)
    assert forbidden.args == missing.args


def test_each_agency_sees_only_its_own_cases(make_case, alice, charlie, other_agency: Agency):
    ours = make_case()
    theirs = make_case(actor=charlie, in_agency=other_agency)
    assert list(visible_cases(alice)) == [ours]
    assert list(visible_cases(charlie)) == [theirs]
    not_found(alice, theirs.code)


def test_a_member_of_two_agencies_sees_the_cases_of_both(make_case, agency, charlie, other_agency):
    ours = make_case()
    theirs = make_case(actor=charlie, in_agency=other_agency)
    Membership.objects.create(
        user=charlie, agency=agency, role=Role.objects.get(code="supervisor"),
        started_at=clock.now(),
    )  # fmt: skip
    charlie = fresh(charlie)
    assert set(visible_cases(charlie)) == {ours, theirs}
    assert access_case(charlie, ours.code) == ours


def test_an_ended_membership_loses_access(case: Case, alice):
    Membership.objects.filter(user=alice).update(ended_at=clock.now())
    alice = fresh(alice)
    not_found(alice, case.code)
    assert not visible_cases(alice).exists()


def test_an_inactive_user_loses_access(case: Case, alice):
    alice.is_active = False
    alice.save()
    alice = fresh(alice)
    not_found(alice, case.code)
    assert not visible_cases(alice).exists()


def test_a_deactivated_agency_loses_access_for_all_its_members(case: Case, alice, carol, agency):
    Agency.objects.filter(pk=agency.pk).update(is_active=False)
    for member in (fresh(alice), fresh(carol)):
        not_found(member, case.code)
        assert not visible_cases(member).exists()


def test_a_member_who_may_not_edit_sees_the_case_but_cannot_open_it_for_editing(case, region):
    coordinator = User.objects.create(username="aigul")
    akimat = Agency.objects.create(
        name_kk="Әкімдік", name_ru="Акимат", name_en="Akimat", region=region,
        kind=AgencyKind.objects.get(code="akimat"),
    )  # fmt: skip
    Membership.objects.create(
        user=coordinator, agency=akimat, role=Role.objects.get(code="regional_coordinator"),
        started_at=clock.now(),
    )  # fmt: skip
    assert access_case(coordinator, case.code) == case
    with pytest.raises(PermissionDenied):
        access_case_for_edit(coordinator, case.code)
    assert access_case_for_edit(fresh(case.created_by), case.code) == case


def test_an_outsider_opening_for_edit_gets_not_found_not_forbidden(case: Case, charlie):
    with pytest.raises(Http404):
        access_case_for_edit(charlie, case.code)


def test_listing_visible_cases_takes_the_same_queries_for_one_case_or_many(
    make_case, alice, django_assert_num_queries
):
    make_case()
    user = fresh(alice)
    with django_assert_num_queries(3):  # the memberships, break-glass grants, the cases
        assert len(visible_cases(user)) == 1
    for _ in range(4):
        make_case()
    user = fresh(alice)
    with django_assert_num_queries(3):
        assert len(visible_cases(user)) == 5


def test_the_scope_each_relation_shows(case: Case, alice, carol, gulnara):
    """CaseAccess.scope, in the words of a referral's data scope: the owning agency sees
    the whole file, the region a de-identified summary (referrals: test_referral_access)."""
    for member in (alice, carol):
        access = case_access(fresh(member), case)
        assert access.scope == "full" and access.full_file and access.sees_person
        assert not access.person_only and access.referral_scope is None
    region = case_access(fresh(gulnara), case)
    assert region.scope == "minimum" and not region.full_file and not region.sees_person
