"""`qamqor audit verify [--anchor SEQUENCE:HASH]`: check the audit log's hash chain.

Exits 0 and prints the number of events and the newest hash when every link holds; keep
that last line somewhere outside the database and pass it back as --anchor next time, so
that events cut from the end of the log are noticed too. Exits 1 and names the first
broken link otherwise.
"""

import argparse
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qamqor.audit.verify import Anchor, verify_chain

BROKEN = 1


def _anchor(text: str) -> Anchor:
    try:
        return Anchor.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class Command(BaseCommand):
    help = "Check the audit log: `audit verify` recomputes the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        verify = subcommands.add_parser(
            "verify", help="recompute the chain and report the first broken link"
        )
        verify.add_argument(
            "--anchor",
            type=_anchor,
            help="SEQUENCE:HASH of an event noted earlier (the last line of a previous run)",
        )

    def handle(
        self, *args: Any, subcommand: str, anchor: Anchor | None = None, **options: Any
    ) -> None:
        started = time.perf_counter()
        result = verify_chain(anchor=anchor)
        seconds = time.perf_counter() - started
        if result.broken is not None:
            self.stderr.write(
                f"audit log broken after {result.count} intact events, at {result.broken}"
            )
            raise CommandError("the audit chain does not verify", returncode=BROKEN)
        self.stdout.write(f"{result.count} events verified in {seconds:.1f} s; the chain holds")
        if result.count:
            self.stdout.write(f"last hash: {result.last_hash}")
            self.stdout.write(f"anchor: {result.count}:{result.last_hash}")
