from typing import Any

from django.conf import settings
from django.http import HttpRequest

from qamqor.accounts.access import (
    agencies_where,
    can_manage_users,
    has_capability,
    needs_second_factor,
)
from qamqor.accounts.models import Capability
from qamqor.accounts.notifications import unread_count
from qamqor.accounts.two_factor import is_verified
from qamqor.audit.access import can_read_audit
from qamqor.facilities.access import facility_agencies
from qamqor.plans.access import reaches_cases
from qamqor.referrals.inbox import awaiting_answer_count, inbox_agency_ids
from qamqor.referrals.transfers import deciding_agencies, incoming_proposals


def qamqor(request: HttpRequest) -> dict[str, Any]:
    context: dict[str, Any] = {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["unread_notifications"] = unread_count(user)
        # Between password and code the menu would only lead back to the code page.
        context["second_factor_pending"] = needs_second_factor(user) and not is_verified(user)
        context["can_read_audit"] = can_read_audit(user)
        context["can_open_cases"] = has_capability(user, Capability.OPEN_CASE)
        context["can_manage_staff"] = can_manage_users(user)
        context["reaches_cases"] = reaches_cases(user)
        context["can_manage_facilities"] = bool(facility_agencies(user))
        context["can_declare_services"] = bool(
            agencies_where(user, Capability.MANAGE_AGENCY_SERVICES)
        )
        context["can_manage_reference_data"] = has_capability(
            user, Capability.MANAGE_REFERENCE_DATA
        )
        # New and overdue referrals to the user's agencies: one count, on members only.
        context["has_inbox"] = bool(inbox_agency_ids(user))
        context["inbox_count"] = awaiting_answer_count(user)
        deciding = deciding_agencies(user)
        context["decides_transfers"] = bool(deciding)
        context["transfers_proposed"] = incoming_proposals(user).count() if deciding else 0
    return context
