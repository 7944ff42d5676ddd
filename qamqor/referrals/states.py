"""The life of a referral, as data: which status may follow which, by whose hand, and
what the change must carry.

    sent -> accepted | declined (reason) | revoked (sender) | expired (periodic task)
    accepted -> in progress | completed (outcome) | revoked (sender)
    in progress -> completed (outcome) | revoked (sender)

Declined, completed, revoked and expired are final. Every other change is refused with
a message naming the status the referral has now, which is also what a user sees when
someone else changed the referral a moment before them (referral_actions.py).
"""

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import ReferralStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a development dependency only


class Side(enum.StrEnum):
    """Who makes a change: the agency the referral was sent to, the referring side (the
    editors of the case in its owning agency), or the periodic task."""

    RECIPIENT = "recipient"
    SENDER = "sender"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    source: ReferralStatus
    target: ReferralStatus
    by: Side
    # A field of Referral the change must fill (a reason, an outcome), or "".
    requires: str = ""


S = ReferralStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition(S.SENT, S.ACCEPTED, Side.RECIPIENT),
    Transition(S.SENT, S.DECLINED, Side.RECIPIENT, requires="decline_reason"),
    Transition(S.SENT, S.REVOKED, Side.SENDER),
    Transition(S.SENT, S.EXPIRED, Side.SYSTEM),
    Transition(S.ACCEPTED, S.IN_PROGRESS, Side.RECIPIENT),
    Transition(S.ACCEPTED, S.COMPLETED, Side.RECIPIENT, requires="outcome"),
    Transition(S.ACCEPTED, S.REVOKED, Side.SENDER),
    Transition(S.IN_PROGRESS, S.COMPLETED, Side.RECIPIENT, requires="outcome"),
    Transition(S.IN_PROGRESS, S.REVOKED, Side.SENDER),
)
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}

# One whole sentence per change refused, with the status the referral has now.
REFUSALS: dict[ReferralStatus, "StrOrPromise"] = {
    S.ACCEPTED: _("This referral cannot be accepted: its status is now “%(status)s”."),
    S.DECLINED: _("This referral cannot be declined: its status is now “%(status)s”."),
    S.IN_PROGRESS: _("Work on this referral cannot start: its status is now “%(status)s”."),
    S.COMPLETED: _("This referral cannot be completed: its status is now “%(status)s”."),
    S.REVOKED: _("This referral cannot be revoked: its status is now “%(status)s”."),
    S.EXPIRED: _("This referral cannot expire: its status is now “%(status)s”."),
    S.SENT: _("A referral cannot be sent again: its status is now “%(status)s”."),
}
WRONG_SIDE: dict[Side, "StrOrPromise"] = {
    Side.RECIPIENT: _("Only the agency the referral was sent to can do this."),
    Side.SENDER: _("Only those who may change the case on the referring side can do this."),
    Side.SYSTEM: _("A referral expires by itself when its time to answer runs out."),
}
MOVED: "StrOrPromise" = _(
    "This referral was changed a moment ago by someone else: its status is now “%(status)s”. "
    "Nothing was done; look at it again."
)
REQUIRED: dict[str, "StrOrPromise"] = {
    "decline_reason": _("Say why the referral is declined."),
    "outcome": _("Describe the outcome of the referral."),
}


def allowed_targets(status: str, by: Side | None = None) -> list[ReferralStatus]:
    """The statuses a referral in `status` may move to (by `by`, if given)."""
    return [t.target for t in TRANSITIONS if t.source == status and (by is None or t.by == by)]


def is_final(status: str) -> bool:
    return not allowed_targets(status)


def transition(current: str, target: str, by: Side) -> Transition:
    """The transition from `current` to `target` made by `by`; a ValidationError naming
    the current status when there is none."""
    found = _BY_PAIR.get((ReferralStatus(current), ReferralStatus(target)))
    if found is None:
        message = REFUSALS[ReferralStatus(target)] % {"status": ReferralStatus(current).label}
        raise ValidationError(message, code="invalid_transition")
    if found.by != by:
        raise ValidationError(WRONG_SIDE[found.by], code="wrong_side")
    return found


def check_unchanged(seen: str, current: str) -> None:
    """The user acted on the referral as they saw it: refused when it moved meanwhile."""
    if ReferralStatus(seen) != ReferralStatus(current):
        message = MOVED % {"status": ReferralStatus(current).label}
        raise ValidationError(message, code="changed_meanwhile")


def check_required(found: Transition, value: str) -> None:
    """The change carries what it requires (a reason to decline, an outcome)."""
    if found.requires and not value.strip():
        raise ValidationError({found.requires: REQUIRED[found.requires]})
