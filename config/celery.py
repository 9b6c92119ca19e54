"""The Celery app. Broker from REDIS_URL; with none set, tasks run in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# For `celery -A config beat` (run exactly one beat process). The sweep sends notifications whose task was
# never queued (the broker was down at commit time) or ran out of retries; sending is idempotent.
app.conf.beat_schedule = {
    "send-pending-notifications": {
        "task": "applications.send_pending_notifications",
        "schedule": 300.0,  # seconds
    },
}


@app.task(name="config.ping")
def ping(value: str = "pong") -> str:
    """A trivial task that proves a worker picks work up from the broker."""
    return value
