"""The person search index: which keys a person is found by, and finding by them.

Keys are the name keys of registry.names, stored as keyed hashes (qamqor.vault): the
table shows which persons share a name word, never the word. Every path that writes
names calls `index_keys_for` so that search and the stored index never disagree.

A person's rows are all written at once under the keyring's first key; a search hashes
its words under every key of the keyring, so persons indexed before a new key was put
first are found until `qamqor rotate-keys` has rebuilt their rows.
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Value, When

from qamqor.vault.crypto import keyed_hash, keyed_hashes

from .models import NameKey, Person
from .names import name_keys

# The identity the name keys are hashed under (the column they are stored in).
NAME_KEY_IDENTITY = "registry.namekey.key"


def index_keys_for(person: Person) -> set[str]:
    keys: set[str] = set()
    for text in person.name_texts():
        keys.update(name_keys(text))
    return keys


def name_key_rows(person: Person) -> list[NameKey]:
    hashed = {keyed_hash(NAME_KEY_IDENTITY, key) for key in index_keys_for(person)}
    return [NameKey(person=person, key=key) for key in sorted(hashed)]


def reindex(person: Person) -> None:
    NameKey.objects.filter(person=person).delete()
    NameKey.objects.bulk_create(name_key_rows(person))


def rebuild_name_keys(person_ids: list[int]) -> None:
    """Rebuild the name keys of these persons under the first key (for rotate-keys).

    Runs in the caller's transaction; the persons are locked, so an edit of one of them
    waits instead of writing keys this rebuild would then replace.
    """
    persons = list(Person.objects.select_for_update().filter(pk__in=person_ids))
    NameKey.objects.filter(person_id__in=person_ids).delete()
    NameKey.objects.bulk_create([row for person in persons for row in name_key_rows(person)])


def persons_named(query: str) -> QuerySet[Person] | None:
    """Persons whose names hold every word of `query`; None when it has no words."""
    keys = name_keys(query)
    if not keys:
        return None
    return Person.objects.filter(id__in=person_ids_with_all(keys))


def person_ids_with_all(keys: Iterable[str]) -> QuerySet[Any]:
    """Ids of the persons indexed under every one of these (plain) name keys."""
    wanted = sorted(set(keys))
    hashes = {word: keyed_hashes(NAME_KEY_IDENTITY, word) for word in wanted}
    # A word matches under whichever key the person's rows were written with: count the
    # words matched, not the rows, so that one word never counts twice.
    word_of_row = Case(
        *(When(key__in=hashed, then=Value(n)) for n, hashed in enumerate(hashes.values())),
        output_field=IntegerField(),
    )
    return (
        NameKey.objects.filter(key__in=[h for hashed in hashes.values() for h in hashed])
        .values("person_id")
        .annotate(hits=Count(word_of_row, distinct=True))
        .filter(hits=len(wanted))
        .values("person_id")
    )
