"""The referral pathway and "who can see this case and why", for the case file.

{% load referral_tags %}
{% referral_pathway case %}   the case's referrals in brief (two queries)
{% case_audience case %}      who reaches the case, what they see, and why
"""

import datetime
from typing import Any

from django import template
from django.utils.translation import gettext as _

from qamqor.cases.access import case_audience as audience_of
from qamqor.cases.models import Case
from qamqor.clock import now

from ..models import AWAITING, Referral

register = template.Library()


@register.filter
def span(delta: datetime.timedelta | None) -> str:
    """A duration in days, hours and minutes: "2 d 3 h", "1 h 05 min", "12 min"."""
    if delta is None:
        return "—"
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def response_time(referral: Referral) -> datetime.timedelta | None:
    """How long the receiving agency took to answer (accept or decline)."""
    if referral.responded_at is None:
        return None
    return referral.responded_at - referral.sent_at


@register.filter
def time_left(referral: Referral) -> datetime.timedelta | None:
    """Time left to answer a referral awaiting an answer (negative: overdue)."""
    if referral.status not in AWAITING:
        return None
    return referral.respond_by - now()


@register.inclusion_tag("referrals/referral_pathway.html", takes_context=True)
def referral_pathway(context: template.Context, case: Case) -> dict[str, Any]:
    """The case's referrals in brief: when, to whom, the answer and how fast, the
    outcome; links to the referrals page for those who see the whole case."""
    access = context.get("access")
    referrals = list(
        Referral.objects.filter(case=case)
        .select_related("from_agency", "to_agency", "urgency")
        .order_by("-sent_at", "-pk")[:10]
    )
    return {
        "case": case,
        "referrals": referrals,
        "full_file": bool(access is not None and access.full_file),
        "owner_side": bool(
            access is not None and access.relations & {"agency", "assigned", "break_glass"}
        ),
    }


@register.inclusion_tag("referrals/referral_audience.html")
def case_audience(case: Case) -> dict[str, Any]:
    """Who can see this case and why, from the rules that decide it."""
    return {"case": case, "audience": audience_of(case)}
