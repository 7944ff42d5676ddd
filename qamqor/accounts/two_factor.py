"""The second factor: an authenticator app (TOTP) and single-use recovery codes.

Who needs one is decided by qamqor.accounts.access.needs_second_factor. A user enrols
once, after the password: the app reads a QR code, the user confirms with a code, and
gets RECOVERY_CODE_COUNT recovery codes, shown once. Every refused code, every
enrolment and every recovery code spent is audited.
"""

import base64
import datetime
import re
from dataclasses import dataclass

import qrcode
from django.db import transaction
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from qrcode.image.svg import SvgPathFillImage

from qamqor.audit.events import record

from .models import User

AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")
# StaticToken.random_token(): 8 letters of the base32 alphabet, written in lower case.
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def normalise_code(text: str) -> str:
    """A code as typed, without the spaces and dashes people copy along with it."""
    return re.sub(r"[\s-]", "", text).lower()


def is_code_shaped(code: str) -> bool:
    return bool(TOTP_CODE.fullmatch(code) or RECOVERY_CODE.fullmatch(code))


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(user: object) -> bool:
    """Whether this request's user has passed the second factor (set by OTPMiddleware)."""
    return getattr(user, "otp_device", None) is not None


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now; when that one was accepted already (each is
    accepted once), the next one, which is accepted too (a step of clock tolerance)."""
    now_step = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    step = max(now_step, device.last_t + 1)
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


# ---- enrolment -----------------------------------------------------------------------


def pending_authenticator(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up; the same one until it is confirmed,
    so that reloading the page does not change the QR code already scanned."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR_NAME)
        .order_by("-pk")
        .first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code, drawn here: the secret
    never leaves the server for a QR service."""
    image = qrcode.make(device.config_url, image_factory=SvgPathFillImage, box_size=14, border=4)
    svg: str = image.to_string(encoding="unicode")
    svg = svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)
    # Markup qrcode generated from path data alone; no text of ours is in it.
    return mark_safe(svg)  # noqa: S308


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def confirm_enrolment(user: User, device_id: int, code: str) -> Enrolment | None:
    """Confirm the pending authenticator with a code it shows, and issue recovery codes.

    None when the code is wrong (audited) or the device is not this user's pending one.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(pk=device_id, user=user, confirmed=False)
            .first()
        )
        if device is None:
            return None
        allowed, _ = device.verify_is_allowed()
        if not device.verify_token(code):
            record(
                user,
                "otp.failed",
                device,
                purpose="enrolment",
                reason="wrong_code" if allowed else "throttled",
            )
            return None
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _replace_recovery_codes(user)
        record(user, "otp.enrolled", device, recovery_codes=len(codes))
    return Enrolment(device, codes)


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


# ---- verification --------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of a code: the device that accepted it, or when to try again."""

    device: Device | None
    retry_at: datetime.datetime | None = None
    recovery_codes_left: int | None = None  # set when a recovery code was spent

    @property
    def accepted(self) -> bool:
        return self.device is not None


def check_code(user: User, code: str, *, purpose: str) -> CodeCheck:
    """Check a 6-digit app code or a recovery code of `user`; a recovery code is spent.

    `purpose` ("sign-in", "reauthentication") goes into the audit event. Each device
    makes the user wait 1, 2, 4, 8, ... seconds after successive wrong codes
    (django-otp's throttling), which keeps guessing a code hopeless.
    """
    code = normalise_code(code)
    recovery = not TOTP_CODE.fullmatch(code)
    model: type[Device] = StaticDevice if recovery else TOTPDevice
    kind = "recovery_code" if recovery else "totp"
    retry_at = None
    with transaction.atomic():
        devices = model.objects.filter(user=user, confirmed=True).select_for_update()
        for device in devices.order_by("pk"):
            allowed, details = device.verify_is_allowed()
            if not allowed:
                retry_at = (details or {}).get("locked_until")
                continue
            if device.verify_token(code):
                if recovery:
                    left = recovery_codes_left(user)
                    record(user, "otp.recovery_code_used", device, purpose=purpose, left=left)
                    return CodeCheck(device, recovery_codes_left=left)
                return CodeCheck(device)
        reason = "throttled" if retry_at is not None else "wrong_code"
        record(user, "otp.failed", None, purpose=purpose, kind=kind, reason=reason)
    return CodeCheck(None, retry_at=retry_at)
