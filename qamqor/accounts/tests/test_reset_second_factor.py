from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.audit.models import AuditEvent
from qamqor.conftest import signed_in


def test_a_lost_phone_is_reset_and_sessions_end(alice, capsys):
    client = signed_in(alice)
    assert TOTPDevice.objects.filter(user=alice).exists()
    call_command("reset_second_factor", "alice")
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert client.get(reverse("home")).status_code == 302
    assert AuditEvent.objects.filter(action="otp.reset", object_id=str(alice.pk)).exists()
    assert "removed" in capsys.readouterr().out
