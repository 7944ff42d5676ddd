"""`qamqor demo-code USERNAME`: the current second-factor code of a demo user.

Only for the users of the demo data set, whose authenticator secrets are derived from
the demo seed (qamqor.demo.second_factor); every other user is refused.
"""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qamqor.accounts.two_factor import current_code
from qamqor.demo.second_factor import demo_device


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo user (demo data set only)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        device = demo_device(username)
        if device is None:
            raise CommandError(
                f"{username!r} is not a user of the demo data set with the demo second "
                "factor; codes are shown for demo users only."
            )
        code = current_code(device)
        seconds = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(code)
        self.stderr.write(f"(valid for about {seconds} s more, and once)")
