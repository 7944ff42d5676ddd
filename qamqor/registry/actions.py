"""Changes to persons. Each takes the acting user first, validates, and is audited."""

from typing import Any

from django.db import transaction

from qamqor.accounts.models import User
from qamqor.audit.events import record
from qamqor.clock import now

from .models import IdentityDocument, Person
from .search_index import reindex

# Identifying fields whose values never enter the audit log (only their names do).
PERSON_FIELDS = [
    "surname", "given_name", "patronymic", "latin_surname", "latin_given_name", "other_names",
    "birth_year", "birth_month", "birth_day", "age_estimate", "age_estimated_on", "sex",
    "gender", "citizenship", "stateless", "iin", "languages", "phone", "email",
    "other_contact", "region", "locality", "address", "disability", "disability_notes",
    "accompanying_children",
]  # fmt: skip


def create_person(actor: User, person: Person, *, case_code: str = "") -> Person:
    """Save a new, not yet saved person (built by a form or an import)."""
    with transaction.atomic():
        person.created_at = person.updated_at = now()
        person.full_clean()
        person.save()
        reindex(person)
        record(actor, "person.create", person, case_code=case_code)
    return person


def update_person(
    actor: User, person: Person, changes: dict[str, Any], *, case_code: str = ""
) -> list[str]:
    """Apply `changes` to a person; returns the names of the fields that changed.

    Access is the caller's to establish (the person is reached through access_case).
    """
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not person fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        changed = [
            f
            for f, v in changes.items()
            if _comparable(getattr(locked, _attname(f))) != _comparable(v)
        ]
        if not changed:
            return []
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.full_clean()
        locked.updated_at = now()
        locked.save()
        reindex(locked)
        record(actor, "person.update", locked, case_code=case_code, fields=sorted(changed))
    for field in changes:
        setattr(person, field, getattr(locked, field))
    return changed


def add_document(
    actor: User, person: Person, document: IdentityDocument, *, case_code: str = ""
) -> IdentityDocument:
    with transaction.atomic():
        document.person = person
        document.full_clean()
        document.save()
        record(actor, "document.create", document, case_code=case_code, kind=document.kind)
    return document


def _attname(field: str) -> str:
    return "region_id" if field == "region" else field


def _comparable(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple):
        return [getattr(item, "code", item) for item in value]
    return value
