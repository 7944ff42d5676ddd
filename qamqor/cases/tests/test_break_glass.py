"""Break-glass: a supervisor opens a case outside their scope, for 24 hours, with a reason."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from qamqor import clock
from qamqor.accounts.models import BreakGlassGrant, Notification, User
from qamqor.audit.models import AuditEvent
from qamqor.cases.access import access_case, case_access, case_for_break_glass
from qamqor.cases.actions import break_glass
from qamqor.conftest import make_user, signed_in

REASON = "Звонок на 111: угроза жизни, нужен контакт кризисного центра"


@pytest.fixture
def outside_supervisor(other_agency):
    return make_user("dilnaz", other_agency, role="supervisor")


def test_a_supervisor_opens_a_case_outside_scope_for_24_hours(
    outside_supervisor, carol, case, monkeypatch
):
    carol.email = "carol@example.org"
    carol.save()
    with pytest.raises(Http404):
        access_case(outside_supervisor, case.code)
    grant = break_glass(
        outside_supervisor, case_for_break_glass(outside_supervisor, case.code), REASON
    )

    assert access_case(outside_supervisor, case.code) == case
    access = case_access(outside_supervisor, case)
    assert access.identity and not access.edit
    assert access.break_glass_until == grant.expires_at
    assert grant.expires_at - grant.granted_at == datetime.timedelta(hours=24)

    event = AuditEvent.objects.get(action="case.break_glass")
    assert event.case_code == case.code and event.details["flagged"] is True
    assert REASON not in str(event.details)
    notice = Notification.objects.get(recipient=carol)
    assert notice.kind == "break_glass" and notice.case_code == case.code

    later = clock.now() + datetime.timedelta(hours=24, minutes=1)
    monkeypatch.setattr("qamqor.cases.access.now", lambda: later)
    next_request_user = User.objects.get(pk=outside_supervisor.pk)
    with pytest.raises(Http404):
        access_case(next_request_user, case.code)


def test_the_mail_to_supervisors_carries_no_personal_data(
    outside_supervisor, carol, case, django_capture_on_commit_callbacks
):
    carol.email = "carol@example.org"
    carol.save()
    with django_capture_on_commit_callbacks(execute=True):
        break_glass(outside_supervisor, case, REASON)
    (message,) = mail.outbox
    assert message.to == ["carol@example.org"] and case.code in message.body
    assert case.person.surname not in message.body and REASON not in message.body


def test_a_reason_is_required(outside_supervisor, case):
    with pytest.raises(ValidationError):
        break_glass(outside_supervisor, case, "нужно")
    assert not BreakGlassGrant.objects.exists()
    assert not AuditEvent.objects.filter(action="case.break_glass").exists()


@pytest.mark.parametrize("user", ["bob", "charlie", "dana", "gulnara"])
def test_only_roles_with_break_glass_may_use_it(request, case, user):
    actor = request.getfixturevalue(user)
    with pytest.raises(PermissionDenied):
        break_glass(actor, case, REASON)
    with pytest.raises(PermissionDenied):
        case_for_break_glass(actor, case.code)


def test_through_the_pages(outside_supervisor, case):
    client = signed_in(outside_supervisor)
    refused = client.post(reverse("cases:break_glass"), {"code": case.code, "reason": "срочно"})
    assert refused.status_code == 200 and not BreakGlassGrant.objects.exists()
    response = client.post(reverse("cases:break_glass"), {"code": case.code, "reason": REASON})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.code])).content.decode()
    assert case.person.surname in page and "break-glass" in page
    assert client.get(reverse("cases:person_edit", args=[case.code])).status_code == 403
    missing = client.post(
        reverse("cases:break_glass"), {"code": "ALA-2000-000999", "reason": REASON}
    )
    assert missing.status_code == 404


def test_the_owning_agency_sees_who_broke_the_glass(outside_supervisor, carol, case):
    break_glass(outside_supervisor, case, REASON)
    page = signed_in(carol).get(reverse("cases:detail", args=[case.code])).content.decode()
    assert "dilnaz" in page and REASON in page
