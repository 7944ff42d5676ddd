"""`qamqor run-periodic`: the periodic work, once, in this process (cron, embedded database)."""

from typing import Any

from django.core.management.base import BaseCommand

from qamqor.referrals.periodic import run_periodic


class Command(BaseCommand):
    help = (
        "Expire overdue referrals and escalate those nearing their deadline, once. "
        "Run it every minute from cron when no Celery beat runs (the embedded database)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = run_periodic()
        self.stdout.write(
            f"referrals expired: {counts.expired}, referrals escalated: {counts.escalated}"
        )
