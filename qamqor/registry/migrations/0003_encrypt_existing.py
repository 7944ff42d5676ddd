"""Encrypt the persons and documents written before encryption, hash their name keys."""

from django.db import migrations

from qamqor.registry.names import name_keys
from qamqor.vault.migrating import encrypt_columns, hash_column

PERSON_FIELDS = [
    "surname", "given_name", "patronymic", "latin_surname", "latin_given_name", "other_names",
    "iin", "phone", "email", "other_contact", "locality", "address", "disability_notes",
]
NAME_FIELDS = ["surname", "given_name", "patronymic", "latin_surname", "latin_given_name"]


def plain_name_keys(apps, schema_editor):
    """The reverse of hashing: the plain keys again, from the (still encrypted) names."""
    Person = apps.get_model("registry", "Person")
    NameKey = apps.get_model("registry", "NameKey")
    NameKey.objects.all().delete()
    rows = []
    for person in Person.objects.order_by("pk").iterator():
        texts = [getattr(person, name) for name in NAME_FIELDS]
        texts.extend(person.other_names.splitlines())
        keys = {key for text in texts for key in name_keys(text)}
        rows.extend(NameKey(person_id=person.pk, key=key) for key in sorted(keys))
    NameKey.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("registry", "0002_encrypted_fields"),
        ("vault", "0001_initial"),
    ]

    operations = [
        encrypt_columns("registry.Person", PERSON_FIELDS),
        encrypt_columns("registry.IdentityDocument", ["number"]),
        hash_column("registry.NameKey", "key", "registry.namekey.key", plain_name_keys),
    ]
