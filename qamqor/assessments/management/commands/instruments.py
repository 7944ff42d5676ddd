"""`qamqor instruments import FILE.yaml` and `qamqor instruments list`.

`import` loads instrument versions all or nothing: with any bad row it lists every
problem, writes nothing and exits 1. The file format is that of the shipped
qamqor/assessments/data/instruments.yaml.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qamqor.assessments.loader import InstrumentFileError, load_instruments
from qamqor.assessments.models import Instrument

REFUSED = 1


class Command(BaseCommand):
    help = "Screening and assessment instruments: `instruments import FILE.yaml`, `list`."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        load = subcommands.add_parser("import", help="load instrument versions from a file")
        load.add_argument("file", type=Path, help="a YAML instruments file")
        subcommands.add_parser("list", help="every loaded instrument version")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "list":
            for instrument in Instrument.objects.order_by("code", "version"):
                end = instrument.effective_to or "-"
                self.stdout.write(
                    f"{instrument.code} v{instrument.version} {instrument.kind} "
                    f"{instrument.effective_from}..{end} {instrument.items.count()} items"
                )
            return
        path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.stderr.write(f"cannot read {path}: {error}")
            raise CommandError("nothing was imported", returncode=REFUSED) from None
        try:
            written = load_instruments(text)
        except InstrumentFileError as error:
            self.stderr.write(f"{path}: {len(error.problems)} problem(s):")
            for problem in error.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError("nothing was imported", returncode=REFUSED) from None
        for line in written:
            self.stdout.write(f"imported {line}")
