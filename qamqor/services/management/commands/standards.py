"""`qamqor standards import FILE.yaml [--dry-run]` and `qamqor standards list [--on DATE]`.

`import` loads a catalogue file (docs/standards.md) all or nothing: with any bad row it
lists every problem, writes nothing and exits 1. `list` shows the standards in force on a
date (today in Kazakhstan by default).
"""

import argparse
import datetime
import textwrap
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from qamqor.clock import today
from qamqor.services.actions import import_catalogue
from qamqor.services.catalogue import CatalogueError, describe
from qamqor.services.models import RecipientCategory, Standard
from qamqor.services.standards import standards_in_force

REFUSED = 1
DETAILS_WIDTH = 100


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "The standards catalogue: `standards import FILE.yaml`, `standards list`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser(
            "import", help="import a catalogue file: all of it, or nothing if a row is bad"
        )
        load.add_argument("file", type=Path, help="a YAML catalogue file")
        load.add_argument(
            "--dry-run", action="store_true", help="check and count the changes, write nothing"
        )
        show = subcommands.add_parser("list", help="the standards in force on a date")
        show.add_argument("--on", type=_date, help="the date (YYYY-MM-DD); today by default")
        show.add_argument(
            "--language",
            choices=[code for code, _ in settings.LANGUAGES],
            help="language of the names (the installation's language by default)",
        )

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "import":
            self.import_file(options["file"], dry_run=options["dry_run"])
        else:
            with translation.override(options["language"] or settings.LANGUAGE_CODE):
                self.list_standards(options["on"] or today())

    def import_file(self, path: Path, *, dry_run: bool) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.stderr.write(f"cannot read {path}: {error}")
            raise CommandError("nothing was imported", returncode=REFUSED) from None
        try:
            tallies = import_catalogue(None, text, source_name=path.name, dry_run=dry_run)
        except CatalogueError as error:
            count = len(error.problems)
            self.stderr.write(f"{path}: {count} problem{'s' if count != 1 else ''}:")
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError("nothing was imported", returncode=REFUSED) from None
        if dry_run:
            self.stdout.write(f"{path}: dry run, nothing written. Would give: {describe(tallies)}")
        else:
            self.stdout.write(f"{path}: imported. {describe(tallies)}")

    def list_standards(self, on_date: datetime.date) -> None:
        standards = list(standards_in_force(on_date))
        self.stdout.write(f"Standards in force on {on_date}")
        self.stdout.write("")
        rows = [("Category", "Standard", "In force", "Service period")]
        rows += [
            (
                standard.category.name,
                standard.code,
                f"{standard.effective_from} to {standard.effective_to or 'open end'}",
                _period(standard),
            )
            for standard in standards
        ]
        widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
        for row in rows:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
        covered = {standard.category_id for standard in standards}
        uncovered = [c.name for c in RecipientCategory.objects.exclude(pk__in=covered)]
        if uncovered:
            self.stdout.write(f"No standard in force for: {', '.join(uncovered)}")
        for standard in standards:
            self.stdout.write("")
            self.write_details(standard)

    def write_details(self, standard: Standard) -> None:
        checked = "" if standard.verified else " (figures not yet checked against the order)"
        self.stdout.write(f"{standard.code}{checked}")
        details = [
            ("version", [standard.version]),
            ("extension", _extension(standard)),
            ("service types", [t.name for t in standard.required_service_types.all()]),
            ("services", [s.name for s in standard.required_services.all()]),
            ("settings", [s.name for s in standard.allowed_settings.all()]),
            (
                "time limits",
                [
                    f"{limit.time_limit.name}: {limit.days} days from"
                    f" {limit.time_limit.counts_from.replace('_', ' ')}"
                    for limit in standard.limits.all()
                ],
            ),
            ("source", [standard.source]),
        ]
        for label, values in details:
            if values:
                self.stdout.write(
                    textwrap.fill(
                        "; ".join(values),
                        width=DETAILS_WIDTH,
                        initial_indent=f"  {label + ':':15}",
                        subsequent_indent=" " * 17,
                        break_on_hyphens=False,
                    )
                )


def _period(standard: Standard) -> str:
    text = f"{standard.service_period_days} days"
    if standard.extension_days:
        text += f", up to {standard.max_period_days}"
    return text


def _extension(standard: Standard) -> list[str]:
    if not standard.extension_days:
        return []
    reasons = ", ".join(reason.name for reason in standard.extension_reasons.all())
    return [f"{standard.extension_days} more days during: {reasons}"]
