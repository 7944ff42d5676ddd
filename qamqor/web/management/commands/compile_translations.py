"""Compile the .po catalogues to .mo in Python (no GNU gettext needed).

The compiled catalogues are committed, so a fresh installation needs neither this command
nor gettext; run it (or `make messages`) after editing a .po file. A test checks that the
committed .mo files match their .po files.
"""

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues() -> list[Path]:
    """The project's catalogue and those of apps that keep their own (qamqor/<app>/locale)."""
    project = Path(settings.LOCALE_PATHS[0])
    return sorted(
        [*project.glob("*/LC_MESSAGES/*.po"), *project.parent.glob("*/locale/*/LC_MESSAGES/*.po")]
    )


def compile_catalogue(po_path: Path) -> bytes:
    try:
        import polib
    except ImportError:
        raise CommandError(
            "polib is needed: install the dev extras (pip install -e .[dev])"
        ) from None
    # Fuzzy entries are unchecked guesses: never ship them as translations.
    catalogue = polib.pofile(str(po_path))
    for entry in catalogue.fuzzy_entries():
        entry.msgstr = ""
        entry.msgstr_plural = {k: "" for k in entry.msgstr_plural}
    return bytes(catalogue.to_binary())


class Command(BaseCommand):
    help = "Compile every .po catalogue under qamqor/locale to .mo, without GNU gettext."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if a .mo is out of date")

    def handle(self, *args: Any, **options: Any) -> None:
        stale = []
        for po_path in catalogues():
            mo_path = po_path.with_suffix(".mo")
            compiled = compile_catalogue(po_path)
            if mo_path.exists() and mo_path.read_bytes() == compiled:
                continue
            if options["check"]:
                stale.append(str(mo_path))
            else:
                mo_path.write_bytes(compiled)
                self.stdout.write(f"compiled {mo_path}")
        if stale:
            raise CommandError("out of date: " + ", ".join(stale))
