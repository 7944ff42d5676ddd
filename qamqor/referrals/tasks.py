"""Celery tasks of the referral mechanism; beat sends `run_periodic` every minute."""

from qamqor.celery import app

from . import periodic


@app.task(name="qamqor.referrals.run_periodic")
def run_periodic() -> dict[str, int]:
    """Expire overdue referrals and escalate those nearing their deadline."""
    counts = periodic.run_periodic()
    return {"expired": counts.expired, "escalated": counts.escalated}
