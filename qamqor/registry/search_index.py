"""The person search index: which keys a person is found by, and finding by them.

Keys are the name keys of registry.names; every path that writes names calls
`index_keys_for` so that search and the stored index never disagree.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet

from .models import NameKey, Person
from .names import name_keys


def index_keys_for(person: Person) -> set[str]:
    keys: set[str] = set()
    for text in person.name_texts():
        keys.update(name_keys(text))
    return keys


def name_key_rows(person: Person) -> list[NameKey]:
    return [NameKey(person=person, key=key) for key in sorted(index_keys_for(person))]


def reindex(person: Person) -> None:
    NameKey.objects.filter(person=person).delete()
    NameKey.objects.bulk_create(name_key_rows(person))


def persons_named(query: str) -> QuerySet[Person] | None:
    """Persons whose names hold every word of `query`; None when it has no words."""
    keys = name_keys(query)
    if not keys:
        return None
    return Person.objects.filter(id__in=person_ids_with_all(keys))


def person_ids_with_all(keys: Iterable[str]) -> QuerySet[Any]:
    wanted = sorted(set(keys))
    return (
        NameKey.objects.filter(key__in=wanted)
        .values("person_id")
        .annotate(hits=Count("key"))
        .filter(hits=len(wanted))
        .values("person_id")
    )
