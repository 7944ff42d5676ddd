"""Who may read the audit log: users whose role grants `audit.view`, in any agency.

Everyone else is told the pages do not exist (404), like any other protected page.
"""

from django.http import Http404

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Capability, User


def can_read_audit(user: User) -> bool:
    return has_capability(user, Capability.VIEW_AUDIT)


def require_auditor(user: User) -> None:
    if not can_read_audit(user):
        raise Http404("No such page.")
