"""`qamqor facilities import FILE.yaml [--dry-run]` and `qamqor facilities list`.

`import` loads agencies' facilities and their places from a file (docs/facilities.md) all
or nothing: with any bad row it lists every problem, writes nothing and exits 1. `list`
shows every facility with its agency (number and name), region, state and places, never
an address. Both write in English, like the other import commands.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Prefetch
from django.utils import translation

from qamqor.facilities.actions import ImportTally, import_facilities
from qamqor.facilities.facility_file import FacilityFileError
from qamqor.facilities.models import Facility
from qamqor.facilities.queries import capacities_with_occupancy

REFUSED = 1


def describe(tally: ImportTally) -> str:
    counts = tally.as_dict()
    return ", ".join(f"{count} {outcome}" for outcome, count in counts.items()) + "."


class Command(BaseCommand):
    help = "Facilities and their places: `facilities import FILE.yaml`, `facilities list`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser(
            "import", help="import a facilities file: all of it, or nothing if a row is bad"
        )
        load.add_argument("file", type=Path, help="a YAML facilities file")
        load.add_argument(
            "--dry-run", action="store_true", help="check and count the changes, write nothing"
        )
        subcommands.add_parser("list", help="every facility with its places, no address")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        with translation.override("en"):
            if subcommand == "import":
                self.import_file(options["file"], dry_run=options["dry_run"])
            else:
                self.list_facilities()

    def import_file(self, path: Path, *, dry_run: bool) -> None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.stderr.write(f"cannot read {path}: {error}")
            raise CommandError("nothing was imported", returncode=REFUSED) from None
        try:
            tally = import_facilities(None, text, source_name=path.name, dry_run=dry_run)
        except FacilityFileError as error:
            count = len(error.problems)
            self.stderr.write(f"{path}: {count} problem{'s' if count != 1 else ''}:")
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError("nothing was imported", returncode=REFUSED) from None
        if dry_run:
            self.stdout.write(f"{path}: dry run, nothing written. Would give: {describe(tally)}")
        else:
            self.stdout.write(f"{path}: imported. {describe(tally)}")

    def list_facilities(self) -> None:
        occupancy = capacities_with_occupancy().order_by("category__position")
        facilities = (
            Facility.objects.select_related("agency", "region")
            .prefetch_related(Prefetch("capacities", queryset=occupancy, to_attr="capacity_rows"))
            .order_by("agency__name_ru", "agency_id", "code")
        )
        count = 0
        for facility in facilities:
            count += 1
            state = "receives residents" if facility.is_active else "closed"
            self.stdout.write(
                f"{facility.code}  {facility.name}  agency {facility.agency_id}"
                f" ({facility.agency.name})  {facility.region.iso_code}  {state}"
            )
            rows: list[Any] = facility.capacity_rows  # type: ignore[attr-defined]
            for row in rows:
                self.stdout.write(
                    f"  {row.category.code}: {row.places} places, {row.occupied} occupied,"
                    f" {row.free} free"
                )
        self.stdout.write(f"{count} facilit{'ies' if count != 1 else 'y'}")
