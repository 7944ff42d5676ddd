"""Create a system administrator (`qamqor createadmin USERNAME`)."""

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qamqor.accounts.actions import create_user
from qamqor.accounts.models import Agency, AgencyKind, Region, Role, User


class Command(BaseCommand):
    help = (
        "Create a system administrator. The password is asked for, or read from "
        "QAMQOR_ADMIN_PASSWORD when there is no terminal."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--agency",
            type=int,
            help="id of the operating agency; by default one named 'Qamqor operator' in Astana",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} exists already.")
        agency = self._agency(options.get("agency"))
        password = os.environ.get("QAMQOR_ADMIN_PASSWORD") or self._ask_password()
        try:
            create_user(
                None, username, password, agency=agency, role=Role.objects.get(code="system_admin")
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"System administrator {username!r} created."))

    def _agency(self, agency_id: int | None) -> Agency:
        if agency_id is not None:
            try:
                return Agency.objects.get(pk=agency_id)
            except Agency.DoesNotExist:
                raise CommandError(f"No agency with id {agency_id}.") from None
        agency, _ = Agency.objects.get_or_create(
            name_en="Qamqor operator",
            defaults={
                "name_kk": "Qamqor операторы",
                "name_ru": "Оператор Qamqor",
                "kind": AgencyKind.objects.get(code="social_protection"),
                "region": Region.objects.get(iso_code="KZ-71"),
            },
        )
        return agency

    def _ask_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
