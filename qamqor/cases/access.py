"""Who may see and change which case. Every read of a case or its person passes here.

Rule in force: a member of an agency sees the cases the agency owns; a member whose role
there grants `case.edit` may change them. Everyone else is told the case does not exist.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from qamqor.accounts.access import has_capability, member_agency_ids
from qamqor.accounts.models import Capability, User

from .models import Case


class CaseNotFound(Http404):
    """Raised alike for a case that does not exist and one the user may not see."""

    def __init__(self) -> None:
        super().__init__("No such case.")


def visible_cases(user: User) -> QuerySet[Case]:
    """The cases `user` may see, filtered in SQL."""
    return Case.objects.filter(owner_agency_id__in=member_agency_ids(user))


def access_case(user: User, code: str) -> Case:
    """Fetch a case by its code and authorise the read in one step (404 for both)."""
    try:
        return (
            visible_cases(user)
            .select_related("person__region", "region", "owner_agency__region")
            .get(code=code)
        )
    except Case.DoesNotExist:
        raise CaseNotFound() from None


def can_edit_case(user: User, case: Case) -> bool:
    return has_capability(user, Capability.EDIT_CASE, case.owner_agency)


def access_case_for_edit(user: User, code: str) -> Case:
    """A case the user may change; one they may only see gives 403, not 404."""
    case = access_case(user, code)
    require_case_edit(user, case)
    return case


def require_case_edit(user: User, case: Case) -> None:
    if not can_edit_case(user, case):
        raise PermissionDenied("Your role does not allow changing this case.")
