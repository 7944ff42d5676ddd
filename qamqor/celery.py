"""The Celery application: background work and the periodic tasks (docs/operations.md).

    celery -A qamqor worker      runs tasks sent to the broker (QAMQOR_CELERY_BROKER_URL)
    celery -A qamqor beat        sends the periodic tasks of CELERY_BEAT_SCHEDULE on time

Configured from the Django settings whose names start with CELERY_. With the embedded
database tasks run in the process that sends them, and no broker is needed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")

app = Celery("qamqor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
