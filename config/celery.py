"""The Celery app. Broker from REDIS_URL; with none set, tasks run in-process (see settings)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# For `celery -A config beat` (run exactly one beat process; times in CELERY_TIMEZONE, Astana's). Every task
# here is idempotent (applications/watches.py), so a run repeated after a restart tells nothing twice, and notes
# its run for /healthz (the sweep, every 5 minutes, is the sign that beat and a worker are alive).
app.conf.beat_schedule = {
    # Notifications whose task was never queued (the broker was down at commit time) or ran out of retries.
    "send-pending-notifications": {"task": "applications.send_pending_notifications", "schedule": 300.0},
    # Lead reviewers: applications waiting 2 working days without a reviewer (once per submission).
    "watch-waiting": {"task": "applications.watch_waiting", "schedule": crontab(minute=15)},
    # Applicants whose draft waited for a list: told once when a list published ahead of its date takes effect.
    "watch-stalled-drafts": {"task": "applications.watch_stalled_drafts", "schedule": crontab(hour=6, minute=30)},
    # Applicants and the reviewer who decided: certificates relied on that expire within 30, then 7, days.
    "watch-certificates": {"task": "applications.watch_certificates", "schedule": crontab(hour=7, minute=0)},
    # Each reviewer's digest, on working days, before the office opens.
    "send-digests": {"task": "applications.send_digests", "schedule": crontab(hour=8, minute=0)},
    # Nightly: history rows that record no change (never decisions'), and exports older than a week.
    "clean-history": {"task": "applications.clean_history", "schedule": crontab(hour=2, minute=30)},
    "remove-old-exports": {"task": "applications.remove_old_exports", "schedule": crontab(hour=3, minute=0)},
    # Nightly, on SQLite: the query planner's statistics, without which it picks slow plans at park scale.
    "refresh-planner-statistics": {
        "task": "applications.refresh_planner_statistics",
        "schedule": crontab(hour=3, minute=30),
    },
}


@app.task(name="config.ping")
def ping(value: str = "pong") -> str:
    """A trivial task that proves a worker picks work up from the broker."""
    return value
