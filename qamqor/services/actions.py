"""Changes to the standards catalogue, each audited in the transaction that makes it."""

import hashlib
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from qamqor.accounts.access import has_capability
from qamqor.accounts.models import Capability
from qamqor.audit.events import record

from .catalogue import Tally, apply_catalogue, existing_catalogue, read_catalogue
from .models import RecipientCategory


def import_catalogue(
    actor: Any, text: str, *, source_name: str, dry_run: bool = False
) -> dict[str, Tally]:
    """Import a standards catalogue file: all of it or, on any problem, nothing.

    Raises CatalogueError listing every bad row. `actor` is None from the command line.
    A dry run checks and writes in a transaction that is then rolled back, so its counts
    are exactly those a real import would give.
    """
    if actor is not None and not has_capability(actor, Capability.MANAGE_REFERENCE_DATA):
        raise PermissionDenied(_("Your role does not allow changing reference data."))
    with transaction.atomic():
        # The overlap check reads the stored standards; holding the category rows makes a
        # second import wait until this one has written (SQLite's IMMEDIATE transactions
        # already let one writer in at a time).
        list(RecipientCategory.objects.select_for_update().values_list("pk", flat=True))
        catalogue = read_catalogue(text, existing_catalogue(apps))
        tallies = apply_catalogue(apps, catalogue)
        if dry_run:
            transaction.set_rollback(True)
        else:
            record(
                actor,
                "standards.import",
                file=source_name,
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                counts={section: tally.as_dict() for section, tally in tallies.items()},
            )
    return tallies
