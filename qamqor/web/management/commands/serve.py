"""Serve Qamqor with gunicorn, a production WSGI server, static files included."""

import os
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Qamqor over HTTP (gunicorn). Put TLS in front of it in production."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.wsgiapp import run

        from qamqor.vault.keycheck import verify_at_startup

        # Each worker checks again (wsgi.py); checking here first gives one clear message
        # instead of a traceback per worker.
        try:
            verify_at_startup()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Qamqor on http://{options['bind']}/  (Ctrl+C stops it)")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
        argv = [
            "gunicorn",
            "qamqor.wsgi:application",
            "--bind", options["bind"],
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--access-logfile", "-",
            # The access log is the request line; keep query strings out of it.
            "--access-logformat", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        ]  # fmt: skip
        import sys

        sys.argv = argv
        run()
