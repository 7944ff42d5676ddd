"""`qamqor rotate-keys`: everything encrypted or indexed under the keyring's first key."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qamqor.vault.crypto import VaultError
from qamqor.vault.keys import keyring
from qamqor.vault.rotation import BATCH_SIZE, rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value, blind index, name key and stored file under the "
        "first key of the keyring, in small transactions, while Qamqor keeps serving. "
        "Resumable: run it again after an interruption. When it reports the old keys "
        "retired, they can be removed from the keyring."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=BATCH_SIZE, help="rows per transaction"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be a positive integer")
        ring = keyring()
        self.stdout.write(
            f"rotating onto key {ring.primary.key_id} (keyring: {', '.join(ring.key_ids)})"
        )
        try:
            summary = rotate(options["batch_size"], report=self.stdout.write)
        except VaultError as exc:
            raise CommandError(
                f"{exc}. Nothing after the last completed batch was changed."
            ) from None
        rewritten = sum(summary.rewritten.values())
        self.stdout.write(f"rewritten: {rewritten} rows, {summary.files} files")
        if summary.left_behind:
            raise CommandError(
                f"{summary.left_behind} rows or files were written under another key during "
                "the run: a process still runs with an old keyring. Restart every process "
                "with the new keyring, then run rotate-keys again."
            )
        if summary.retired:
            self.stdout.write(
                f"retired key(s) {', '.join(summary.retired)}: they can be removed from the "
                "keyring now"
            )
        self.stdout.write(self.style.SUCCESS(f"everything is under key {summary.key_id}"))
