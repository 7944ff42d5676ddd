"""Changes to users and memberships, audited like every other change."""

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from qamqor.audit.events import record
from qamqor.clock import now

from .models import Agency, Membership, Role, User


def create_user(
    actor: User | None,
    username: str,
    password: str,
    *,
    agency: Agency,
    role: Role,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a user with one membership; the password must pass the validators."""
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    validate_password(password, candidate)
    with transaction.atomic():
        candidate.full_clean(exclude=["password"])
        candidate.set_password(password)
        candidate.save()
        membership = Membership.objects.create(
            user=candidate, agency=agency, role=role, started_at=now()
        )
        record(actor, "user.create", candidate, agency=agency.pk, role=role.code)
        record(actor, "membership.create", membership, agency=agency.pk, role=role.code)
    return candidate
