"""Celery beat for tests (tests/conftest.py's celery_beat): the project's own schedule, with every entry every
2 seconds, and the digest on any day (a test may run on a weekend)."""

from config.celery import app

app.conf.beat_schedule = {
    name: {
        **entry,
        "schedule": 2.0,
        **({"kwargs": {"only_working_days": False}} if entry["task"] == "applications.send_digests" else {}),
    }
    for name, entry in app.conf.beat_schedule.items()
}
