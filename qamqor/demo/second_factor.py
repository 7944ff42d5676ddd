"""Second factors of the demo users, so the demo can be tried without a phone.

Each demo user gets a confirmed authenticator whose secret is derived from the demo
seed and the user name: anyone can compute it, as anyone can read the demo password,
which is what `qamqor demo-code USERNAME` does. A user whose authenticator is not
exactly that (any real user, or a demo user who set up their own app) is no demo user
to it, and it refuses them.
"""

import hashlib
import hmac

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.accounts.models import User
from qamqor.audit.models import AuditEvent

from . import generator
from .network import agency_specs, all_usernames

DEMO_DEVICE_NAME = "demo authenticator"


def demo_secret(seed: int, username: str) -> str:
    """The hex TOTP key of a demo user: 20 bytes, as django-otp generates them."""
    digest = hmac.new(f"qamqor-demo-totp:{seed}".encode(), username.encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def loaded_seed() -> int | None:
    """The seed the demo set was loaded with, from the audit event of the load."""
    event = AuditEvent.objects.filter(action=generator.LOAD_ACTION).order_by("pk").first()
    if event is None:
        return None
    seed = event.details.get("seed")
    return seed if isinstance(seed, int) else None


def give_demo_devices(seed: int) -> int:
    """Give every demo user without an authenticator the demo one; how many got one.

    Part of the demo set, like the users' password, and on record with it: the load's
    one audit event (demo_data.load) stands for everything the set holds.
    """
    usernames = all_usernames(agency_specs())
    with transaction.atomic():
        users = (
            User.objects.filter(username__in=usernames)
            .exclude(totpdevice__confirmed=True)
            .only("pk", "username")
        )
        devices = [
            TOTPDevice(
                user=user,
                name=DEMO_DEVICE_NAME,
                confirmed=True,
                key=demo_secret(seed, user.username),
            )
            for user in users
        ]
        TOTPDevice.objects.bulk_create(devices)
    return len(devices)


def demo_device(username: str) -> TOTPDevice | None:
    """The demo authenticator of a demo user; None for anyone else."""
    seed = loaded_seed()
    if seed is None or username not in set(all_usernames(agency_specs())):
        return None
    return TOTPDevice.objects.filter(
        user__username=username,
        name=DEMO_DEVICE_NAME,
        confirmed=True,
        key=demo_secret(seed, username),
    ).first()
