from typing import Any

from django import template

from qamqor.cases.models import Case

from ..consents import consents_in_force

register = template.Library()


@register.inclusion_tag("referrals/_consent_summary.html")
def consent_summary(case: Case) -> dict[str, Any]:
    """The consents in force today for the case file, one line each: purpose, recipient,
    data covered and expiry; no witness, representative or child's words. One query."""
    consents = consents_in_force(case).select_related("recipient_agency", "recipient_kind")
    return {"case": case, "consents": list(consents)}
