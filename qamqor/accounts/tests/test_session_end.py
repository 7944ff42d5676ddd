"""Deactivating a user or changing their memberships ends all their sessions at once."""

from django.urls import reverse

from qamqor.accounts.actions import add_membership, deactivate_user, end_membership
from qamqor.accounts.models import Role
from qamqor.audit.models import AuditEvent
from qamqor.conftest import signed_in


def still_signed_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def test_deactivation_ends_every_session(alice, erin):
    sessions = [signed_in(alice), signed_in(alice)]
    assert all(still_signed_in(c) for c in sessions)
    deactivate_user(erin, alice)
    assert not any(still_signed_in(c) for c in sessions)
    assert AuditEvent.objects.filter(action="user.deactivate", object_id=str(alice.pk)).exists()


def test_ending_a_membership_ends_every_session(alice, erin):
    client = signed_in(alice)
    end_membership(erin, alice.memberships.get())
    assert not still_signed_in(client)
    event = AuditEvent.objects.get(action="membership.end")
    assert event.details["role"] == "case_worker"


def test_a_new_role_starts_new_sessions(alice, erin, other_agency):
    client = signed_in(alice)
    add_membership(erin, alice, other_agency, Role.objects.get(code="supervisor"))
    assert not still_signed_in(client)
    assert still_signed_in(signed_in(alice))
    assert AuditEvent.objects.filter(action="membership.create").exists()


def test_other_users_keep_their_sessions(alice, bob, erin):
    client = signed_in(bob)
    deactivate_user(erin, alice)
    assert still_signed_in(client)


def test_the_actions_refuse_those_who_do_not_manage_the_user(alice, carol):
    import pytest
    from django.core.exceptions import PermissionDenied

    client = signed_in(alice)
    with pytest.raises(PermissionDenied):
        deactivate_user(carol, alice)
    with pytest.raises(PermissionDenied):
        end_membership(carol, alice.memberships.get())
    assert still_signed_in(client)
