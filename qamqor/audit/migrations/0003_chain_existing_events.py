"""Chain the events written before the log was chained, in the order they were written."""

from django.db import migrations

from qamqor.audit.chain import CHAINED_FIELDS, GENESIS, audit_key, chain_hash

BATCH = 2000


def chain_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    ChainHead = apps.get_model("audit", "ChainHead")
    key = audit_key()
    prev_hash, sequence, batch = GENESIS, 0, []
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=BATCH):
        sequence += 1
        event.sequence = sequence
        event.prev_hash = prev_hash
        event.hash = prev_hash = chain_hash(
            key, prev_hash, [getattr(event, name) for name in CHAINED_FIELDS]
        )
        batch.append(event)
        if len(batch) == BATCH:
            AuditEvent.objects.bulk_update(batch, ["sequence", "prev_hash", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["sequence", "prev_hash", "hash"])
    ChainHead.objects.create(id=1, sequence=sequence, hash=prev_hash)


def unchain(apps, schema_editor):
    apps.get_model("audit", "ChainHead").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_chain"),
    ]

    operations = [
        migrations.RunPython(chain_existing_events, unchain),
    ]
