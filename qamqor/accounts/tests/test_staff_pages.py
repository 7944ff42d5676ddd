"""Staff pages: agency and system administrators manage users, roles and sessions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.accounts.access import grantable_roles, manageable_agencies, manageable_users
from qamqor.accounts.actions import add_membership, deactivate_user, end_membership
from qamqor.accounts.models import Agency, Role, User
from qamqor.audit.models import AuditEvent
from qamqor.conftest import make_agency, make_user, signed_in

NEW_PASSWORD = "a long and uncommon passphrase 42"


@pytest.fixture
def asel(agency: Agency) -> User:
    """Agency administrator of alice's agency."""
    return make_user("asel", agency, role="agency_admin")


def role(code: str) -> Role:
    return Role.objects.get(code=code)


def sent_to_sign_in(client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 302 and response["Location"].startswith(reverse("login"))


def listed(client, **params) -> str:
    response = client.get(reverse("staff:list"), params)
    assert response.status_code == 200
    return response.content.decode()


def new_user_form(agency: Agency, **changes: object) -> dict[str, object]:
    form = {
        "username": "dinara",
        "first_name": "Динара",
        "last_name": "Тестова",
        "email": "dinara@example.org",
        "agency": agency.pk,
        "role": role("case_worker").pk,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    form.update(changes)
    return form


def actions_recorded() -> list[str]:
    return list(
        AuditEvent.objects.exclude(action__startswith="auth.").values_list("action", flat=True)
    )


# Who is listed


def test_an_agency_administrator_lists_only_the_users_of_their_agency(
    asel, alice, bob, carol, charlie, erin
):
    page = listed(signed_in(asel))
    for username in ("alice", "bob", "carol", "asel"):
        assert f">{username}</a>" in page
    assert "charlie" not in page and "erin" not in page
    assert set(manageable_users(asel)) == {alice, bob, carol, asel}


def test_a_system_administrator_lists_the_users_of_every_agency(erin, alice, charlie, dana):
    page = listed(signed_in(erin))
    for username in ("alice", "charlie", "dana", "erin"):
        assert f">{username}</a>" in page
    assert manageable_agencies(erin).filter(pk=charlie.memberships.get().agency_id).exists()


def test_the_list_shows_current_roles_per_agency_and_the_account_state(erin, alice, agency):
    add_membership(erin, alice, agency, role("supervisor"))
    end_membership(erin, alice.memberships.get(role__code="case_worker"))
    deactivate_user(erin, alice)
    page = listed(signed_in(erin), agency=agency.pk)
    row = page.split(">alice</a>")[1].split("</tr>")[0]
    assert "Crisis centre A" in row and "Supervisor" in row and "Case worker" not in row
    assert "deactivated" in row


def test_the_list_filters_by_agency_and_name(erin, alice, charlie, agency, other_agency):
    assert ">charlie</a>" not in listed(signed_in(erin), agency=agency.pk)
    assert ">alice</a>" not in listed(signed_in(erin), agency=other_agency.pk)
    by_name = listed(signed_in(erin), q="ALI")
    assert ">alice</a>" in by_name and ">charlie</a>" not in by_name


def test_an_agency_outside_ones_reach_is_no_filter(asel, alice, other_agency):
    page = listed(signed_in(asel), agency=other_agency.pk)
    assert "Choose one of the agencies offered." in page and ">alice</a>" not in page


def test_the_list_reads_as_many_queries_for_many_users_as_for_few(asel, agency, other_agency):
    client = signed_in(asel)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            listed(client)
        return len(context.captured_queries)

    few = queries()
    for number in range(12):
        member = make_user(f"worker{number}", agency)
        add_membership(None, member, other_agency, role("supervisor"))
    assert queries() == few


def test_someone_who_manages_no_one_finds_no_staff_page(alice, charlie, asel):
    client = signed_in(alice)
    for url in (
        reverse("staff:list"),
        reverse("staff:create"),
        reverse("staff:detail", args=[charlie.pk]),
        reverse("staff:deactivate", args=[charlie.pk]),
    ):
        assert client.get(url).status_code == 404
    assert 'href="/staff/"' not in client.get(reverse("home")).content.decode()
    assert 'href="/staff/"' in signed_in(asel).get(reverse("home")).content.decode()


def test_an_agency_administrator_cannot_reach_another_agencys_user(asel, charlie):
    client = signed_in(asel)
    membership = charlie.memberships.get()
    urls = [
        reverse("staff:detail", args=[charlie.pk]),
        reverse("staff:add_role", args=[charlie.pk]),
        reverse("staff:deactivate", args=[charlie.pk]),
        reverse("staff:reset_second_factor", args=[charlie.pk]),
        reverse("staff:end_membership", args=[charlie.pk, membership.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
    for url in urls[1:]:
        assert client.post(url).status_code == 404
    assert client.get(reverse("staff:detail", args=[10**9])).status_code == 404
    charlie.refresh_from_db()
    assert charlie.is_active and charlie.memberships.get().ended_at is None


# A new user


def test_creating_a_user_with_a_first_role(asel, agency):
    client = signed_in(asel)
    assert client.get(reverse("staff:create")).status_code == 200
    response = client.post(reverse("staff:create"), new_user_form(agency))
    member = User.objects.get(username="dinara")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:detail", args=[member.pk])
    assert member.check_password(NEW_PASSWORD) and member.last_name == "Тестова"
    assert [(m.agency, m.role.code) for m in member.active_memberships()] == [
        (agency, "case_worker")
    ]
    assert actions_recorded() == ["user.create", "membership.create"]
    assert AuditEvent.objects.get(action="user.create").actor == asel
    assert "dinara" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "The password is too short: the minimum length is 12."),
        ("123456789012345", "This password is made of digits only."),
        ("password1234", "This password is too common."),
    ],
)
def test_a_weak_password_is_refused_on_its_field_and_nothing_is_saved(
    asel, agency, password, message
):
    users = User.objects.count()
    response = signed_in(asel).post(
        reverse("staff:create"), new_user_form(agency, password1=password, password2=password)
    )
    assert response.status_code == 400
    assert message in response.context["form"].errors["password1"]
    assert User.objects.count() == users and actions_recorded() == []


def test_a_password_like_the_username_is_refused(asel, agency):
    like_the_email = "dinara@example.org"
    form = new_user_form(agency, password1=like_the_email, password2=like_the_email)
    response = signed_in(asel).post(reverse("staff:create"), form)
    assert response.status_code == 400 and "password1" in response.context["form"].errors
    assert not User.objects.filter(username="dinara").exists()


def test_two_different_passwords_are_refused(asel, agency):
    response = signed_in(asel).post(
        reverse("staff:create"), new_user_form(agency, password2=NEW_PASSWORD + "!")
    )
    assert response.context["form"].errors["password2"] == ["The two passwords differ."]
    assert not User.objects.filter(username="dinara").exists()


@pytest.mark.parametrize("username", ["alice", "Alice"])
def test_a_username_in_use_is_refused(asel, alice, agency, username):
    users = User.objects.count()
    response = signed_in(asel).post(
        reverse("staff:create"), new_user_form(agency, username=username)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        "A user with this username exists already."
    ]
    assert User.objects.count() == users and actions_recorded() == []


def test_missing_and_malformed_fields_are_named(asel, agency):
    response = signed_in(asel).post(
        reverse("staff:create"),
        new_user_form(agency, username="dina ra", first_name="", email="not an address"),
    )
    errors = response.context["form"].errors
    assert {"username", "first_name", "email"} <= set(errors)
    assert 'for="id_username"' in response.content.decode()
    assert not User.objects.filter(first_name="Динара").exists()


def test_an_agency_administrator_creates_users_only_in_their_agency_and_roles(
    asel, other_agency, agency
):
    client = signed_in(asel)
    in_other = client.post(reverse("staff:create"), new_user_form(other_agency))
    assert "agency" in in_other.context["form"].errors
    as_admin = client.post(
        reverse("staff:create"), new_user_form(agency, role=role("system_admin").pk)
    )
    assert as_admin.context["form"].errors["role"] == ["Choose one of the roles offered."]
    assert not User.objects.filter(username="dinara").exists() and actions_recorded() == []


# Roles


def test_only_system_administrators_manage_the_users_of_every_agency():
    roles = [r.code for r in Role.objects.all() if "users.manage_all" in r.capabilities]
    assert roles == ["system_admin"]


def test_roles_an_agency_administrator_may_give(asel, erin, agency, other_agency):
    codes = set(grantable_roles(asel, agency).values_list("code", flat=True))
    assert codes == {"case_worker", "supervisor", "agency_admin"}
    assert not grantable_roles(asel, other_agency).exists()
    assert grantable_roles(erin, other_agency).count() == Role.objects.count()


def test_adding_a_role_ends_the_members_sessions(asel, bob, agency):
    bobs_session = signed_in(bob)
    response = signed_in(asel).post(
        reverse("staff:add_role", args=[bob.pk]),
        {"agency": agency.pk, "role": role("supervisor").pk},
    )
    assert response.status_code == 302
    assert bob.active_memberships().filter(role__code="supervisor").exists()
    assert sent_to_sign_in(bobs_session)
    event = AuditEvent.objects.get(action="membership.create")
    assert event.actor == asel and event.details["role"] == "supervisor"


@pytest.mark.parametrize("code", ["system_admin", "auditor", "national_analyst"])
def test_an_agency_administrator_cannot_give_roles_beyond_the_agency(asel, bob, agency, code):
    page = signed_in(asel).get(reverse("staff:detail", args=[bob.pk])).content.decode()
    assert f'value="{role(code).pk}"' not in page
    response = signed_in(asel).post(
        reverse("staff:add_role", args=[bob.pk]), {"agency": agency.pk, "role": role(code).pk}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["role"] == ["Choose one of the roles offered."]
    assert bob.memberships.count() == 1 and actions_recorded() == []


def test_a_role_held_already_is_refused(asel, bob, agency):
    response = signed_in(asel).post(
        reverse("staff:add_role", args=[bob.pk]),
        {"agency": agency.pk, "role": role("case_worker").pk},
    )
    assert response.context["form"].errors["role"] == [
        "They hold this role in this agency already."
    ]
    assert bob.memberships.count() == 1


def test_a_system_administrator_gives_any_role_in_any_agency(erin, charlie, agency):
    response = signed_in(erin).post(
        reverse("staff:add_role", args=[charlie.pk]),
        {"agency": agency.pk, "role": role("auditor").pk},
    )
    assert response.status_code == 302
    assert charlie.active_memberships().filter(agency=agency, role__code="auditor").exists()


def test_nobody_gives_themselves_a_role(asel, agency):
    response = signed_in(asel).post(
        reverse("staff:add_role", args=[asel.pk]),
        {"agency": agency.pk, "role": role("supervisor").pk},
        follow=True,
    )
    assert "You cannot give yourself a role" in response.content.decode()
    assert asel.memberships.count() == 1 and actions_recorded() == []


def test_ending_a_membership_ends_the_members_sessions(asel, alice):
    alices_session = signed_in(alice)
    membership = alice.memberships.get()
    url = reverse("staff:end_membership", args=[alice.pk, membership.pk])
    client = signed_in(asel)
    confirmation = client.get(url)
    assert confirmation.status_code == 200 and "End the role" in confirmation.content.decode()
    assert not sent_to_sign_in(alices_session)  # looking at the question changes nothing
    response = client.post(url, follow=True)
    assert "has ended" in response.content.decode()
    membership.refresh_from_db()
    assert membership.ended_at is not None
    assert sent_to_sign_in(alices_session)
    event = AuditEvent.objects.get(action="membership.end")
    assert event.actor == asel and event.object_id == str(membership.pk)


def test_an_ended_role_is_not_ended_twice(asel, alice):
    membership = alice.memberships.get()
    url = reverse("staff:end_membership", args=[alice.pk, membership.pk])
    signed_in(asel).post(url)
    response = signed_in(asel).post(url, follow=True)
    assert "This role has ended already." in response.content.decode()
    assert actions_recorded().count("membership.end") == 1


def test_nobody_ends_their_own_last_role_that_manages_users(asel, erin, agency):
    own = asel.memberships.get()
    response = signed_in(asel).post(
        reverse("staff:end_membership", args=[asel.pk, own.pk]), follow=True
    )
    assert "This is your last role that manages users" in response.content.decode()
    own.refresh_from_db()
    assert own.ended_at is None and actions_recorded() == []
    # With a second such role, either may go.
    add_membership(erin, asel, make_agency(agency.region, name="Shelter"), role("agency_admin"))
    response = signed_in(asel).post(reverse("staff:end_membership", args=[asel.pk, own.pk]))
    own.refresh_from_db()
    assert own.ended_at is not None


def test_a_role_the_manager_could_not_give_is_not_theirs_to_end(asel, erin, bob, agency):
    audit_role = add_membership(erin, bob, agency, role("auditor"))
    client = signed_in(asel)
    page = client.get(reverse("staff:detail", args=[bob.pk])).content.decode()
    assert "Only a system administrator can end this role." in page
    client.post(reverse("staff:end_membership", args=[bob.pk, audit_role.pk]))
    audit_role.refresh_from_db()
    assert audit_role.ended_at is None


# The whole account


def test_deactivating_a_user_ends_all_their_sessions_at_once(asel, alice):
    sessions = [signed_in(alice), signed_in(alice)]
    client = signed_in(asel)
    url = reverse("staff:deactivate", args=[alice.pk])
    assert "Deactivate alice" in client.get(url).content.decode()
    response = client.post(url, follow=True)
    assert "alice is deactivated" in response.content.decode()
    alice.refresh_from_db()
    assert not alice.is_active
    assert all(sent_to_sign_in(session) for session in sessions)
    event = AuditEvent.objects.get(action="user.deactivate")
    assert event.actor == asel and event.object_id == str(alice.pk)


def test_nobody_deactivates_themselves(asel, erin):
    for admin in (asel, erin):
        response = signed_in(admin).post(reverse("staff:deactivate", args=[admin.pk]), follow=True)
        assert "You cannot deactivate yourself" in response.content.decode()
        admin.refresh_from_db()
        assert admin.is_active
    assert actions_recorded() == []


def test_an_agency_administrator_does_not_lock_out_someone_with_wider_roles(
    asel, erin, bob, other_agency
):
    add_membership(erin, bob, other_agency, role("case_worker"))
    client = signed_in(asel)
    for name in ("staff:deactivate", "staff:reset_second_factor"):
        response = client.post(reverse(name, args=[bob.pk]), follow=True)
        assert "bob also holds roles you do not manage" in response.content.decode()
    bob.refresh_from_db()
    assert bob.is_active and "user.deactivate" not in actions_recorded()
    # The system administrator can.
    signed_in(erin).post(reverse("staff:deactivate", args=[bob.pk]))
    bob.refresh_from_db()
    assert not bob.is_active


def test_resetting_the_second_factor(asel, alice):
    alices_session = signed_in(alice)
    StaticDevice.objects.create(user=alice, name="recovery")
    client = signed_in(asel)
    url = reverse("staff:reset_second_factor", args=[alice.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, follow=True)
    assert "set up a new authenticator" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticDevice.objects.filter(user=alice).exists()
    assert sent_to_sign_in(alices_session)
    event = AuditEvent.objects.get(action="otp.reset")
    assert event.actor == asel and event.object_id == str(alice.pk)


# Re-authentication


@pytest.mark.parametrize(
    "name", ["create", "add_role", "end_membership", "deactivate", "reset_second_factor"]
)
def test_grave_changes_ask_for_password_and_code_again(erin, alice, agency, name):
    args = {
        "create": [],
        "end_membership": [alice.pk, alice.memberships.get().pk],
    }.get(name, [alice.pk])
    url = reverse(f"staff:{name}", args=args)
    TOTPDevice.objects.create(user=alice, name="phone", confirmed=True)
    client = signed_in(erin, reauthenticated=False)
    for response in (client.get(url), client.post(url, new_user_form(agency))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:reauthenticate"))
    alice.refresh_from_db()
    assert alice.is_active and alice.memberships.get().ended_at is None
    assert TOTPDevice.objects.filter(user=alice).exists()
    assert not User.objects.filter(username="dinara").exists()
    assert actions_recorded() == []


def test_reading_the_staff_pages_needs_no_new_prompt(erin, alice):
    client = signed_in(erin, reauthenticated=False)
    assert client.get(reverse("staff:list")).status_code == 200
    assert client.get(reverse("staff:detail", args=[alice.pk])).status_code == 200


def test_a_refusal_comes_before_the_prompt(asel):
    response = signed_in(asel, reauthenticated=False).post(
        reverse("staff:deactivate", args=[asel.pk])
    )
    assert response["Location"] == reverse("staff:detail", args=[asel.pk])


def test_staff_pages_in_kazakh_and_russian(asel, alice):
    for language, word in (("kk", "Қызметкерлер"), ("ru", "Сотрудники")):
        client = signed_in(asel, language)
        assert word in client.get(reverse("staff:list")).content.decode()
        assert word in client.get(reverse("staff:detail", args=[alice.pk])).content.decode()
