"""`qamqor reset-second-factor USERNAME`: for a user who lost their phone and codes."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qamqor.accounts.actions import reset_second_factor
from qamqor.accounts.models import User


class Command(BaseCommand):
    help = (
        "Remove a user's authenticator and recovery codes and end their sessions; they set "
        "up a new authenticator at the next sign-in. Check who is asking before running it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        reset_second_factor(None, user)
        self.stdout.write(f"Second factor of {user.username!r} removed; sessions ended.")
