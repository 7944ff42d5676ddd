from typing import Any

from django import template

from qamqor.cases.models import Case

from ..models import CaseTransfer, TransferStatus

register = template.Library()


@register.inclusion_tag("referrals/_transfer_status.html", takes_context=True)
def transfer_status(context: template.Context, case: Case) -> dict[str, Any]:
    """The case's transfer in brief for the case file: a proposal awaiting an answer, or
    the agency it came from; a link to the transfer page for its editors. One query."""
    transfers = list(
        CaseTransfer.objects.filter(
            case=case, status__in=[TransferStatus.PROPOSED, TransferStatus.ACCEPTED]
        ).select_related("from_agency", "to_agency")
    )
    pending = next((t for t in transfers if t.status == TransferStatus.PROPOSED), None)
    arrived = next((t for t in transfers if t.status == TransferStatus.ACCEPTED), None)
    return {
        "case": case,
        "pending": pending,
        "arrived": arrived,
        "can_edit": bool(context.get("can_edit")),
    }
