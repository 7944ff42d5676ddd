"""`qamqor demo-data [--persons N] [--seed S]`: load the synthetic demo set once.

It prints the demo log-ins and their password every time, also when the set was loaded
before (then it changes nothing).
"""

import argparse
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from qamqor.demo import generator, second_factor


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return value


class Command(BaseCommand):
    help = (
        "Load a synthetic demo data set (agencies, staff, persons, cases and their case "
        "work, service plans and closures) once."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--persons",
            type=positive_int,
            default=2000,
            help="how many persons to invent (default 2000); each has one case, some two",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=generator.DEFAULT_SEED,
            help="random seed: the same seed on the same day gives the same data",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        persons = options["persons"]
        # call_command() passes keyword options without the parser's type check.
        if isinstance(persons, bool) or not isinstance(persons, int) or persons < 1:
            raise CommandError(f"--persons must be a positive integer, not {persons!r}")
        started = time.monotonic()
        self._tenths_reported = 0
        try:
            summary = generator.load(persons, seed=options["seed"], progress=self._progress)
        except generator.DemoDataConflict as exc:
            raise CommandError(f"Demo data not loaded: {exc}.") from None
        except ValidationError as exc:
            raise CommandError(
                "The demo password fails this installation's password rules: "
                + " ".join(exc.messages)
            ) from None
        except IntegrityError:
            # Another run loaded the set at the same moment; its transaction won.
            if not generator.is_loaded():
                raise
            summary = None
        if summary is None:
            self.stdout.write("The demo data set is loaded already; nothing was changed.")
            self._give_second_factors()
        else:
            seconds = time.monotonic() - started
            grounds = ", ".join(
                f"{count} {name}" for name, count in sorted(summary.grounds.items())
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo data set in {seconds:.1f} s: {summary.agencies} agencies, "
                    f"{summary.users} users, {summary.persons} persons, {summary.cases} cases "
                    f"({grounds}), {summary.incidents} incidents, {summary.notes} notes."
                )
            )
            self.stdout.write(
                f"Case work: {summary.facilities} shelters, {summary.placements} placements, "
                f"{summary.assessments} assessments, {summary.decisions} decisions, "
                f"{summary.measures} protective measures; {summary.plans} service plans with "
                f"{summary.goals} goals, {summary.planned_services} planned services, "
                f"{summary.extensions} extensions and {summary.deliveries} deliveries; "
                f"{summary.closure_requests} closure requests."
            )
            self._give_second_factors()
        self._print_logins()

    def _progress(self, done: int, total: int) -> None:
        # A line per tenth of the load: enough to see a large load move, not a flood.
        tenth = done * 10 // total
        if done < total and tenth > self._tenths_reported:
            self._tenths_reported = tenth
            self.stdout.write(f"  {done} of {total} persons")

    def _print_logins(self) -> None:
        logins = generator.demo_logins()
        if not logins:
            return
        width_user = max(len("username"), *(len(login.username) for login in logins))
        width_role = max(len("role"), *(len(login.role) for login in logins))
        self.stdout.write("")
        self.stdout.write("Demo log-ins:")
        self.stdout.write(f"  {'username':<{width_user}}  {'role':<{width_role}}  agency")
        for login in logins:
            self.stdout.write(
                f"  {login.username:<{width_user}}  {login.role:<{width_role}}  {login.agency}"
            )
        self.stdout.write(
            "Every crisis centre, police department and social-protection department has "
            "more staff (worker2.<city>, supervisor.<city>, police2.<city>, "
            "police-chief.<city>, social2.<city>, ...)."
        )
        self.stdout.write(f"Password of every demo user: {generator.DEMO_PASSWORD}")
        self.stdout.write(
            "Second factor: run `qamqor demo-code USERNAME` for the current code "
            "(roles that see who the persons are sign in with one)."
        )

    def _give_second_factors(self) -> None:
        # Also when the set was loaded by an older version, whose users have none yet.
        seed = second_factor.loaded_seed()
        given = second_factor.give_demo_devices(seed) if seed is not None else 0
        if given:
            self.stdout.write(f"Gave {given} demo users the demo second factor.")
