"""The Celery app: a task runs through a real worker on Redis (CI), and in-process when no broker is set."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from .conftest import celery_worker, require_service

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.services
def test_a_task_runs_through_a_real_worker_on_redis(real_broker):
    redis_url = os.environ.get("REDIS_URL", "")
    require_service("Redis (REDIS_URL)", redis_url)
    from config.celery import app, ping

    assert app.conf.broker_url == redis_url
    assert app.conf.task_always_eager is False
    with celery_worker(REDIS_URL=redis_url) as worker:
        token = uuid.uuid4().hex
        result = ping.apply_async(args=[token], queue=worker.queue, ignore_result=False)
        assert result.get(timeout=60) == token
        assert result.successful()
    assert f"config.ping[{result.id}] succeeded" in worker.output, worker.output[-2000:]


def test_without_a_broker_tasks_run_in_process():
    """In a fresh interpreter without REDIS_URL: eager execution, no broker connection attempted."""
    code = (
        "import django, json; django.setup()\n"
        "from config.celery import app, ping\n"
        "result = ping.delay('in-process')\n"
        "print(json.dumps({'eager': app.conf.task_always_eager, 'broker': app.conf.broker_url,"
        " 'result': result.get(timeout=1), 'kind': type(result).__name__}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="true")
    started = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {
        "eager": True,
        "broker": "memory://",
        "result": "in-process",
        "kind": "EagerResult",
    }
    assert time.monotonic() - started < 30


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_beat_and_worker_run_each_watch_twice_and_tell_once(real_broker):
    """celery beat (the project's schedule, every 2 seconds) and a worker, on Redis and this test's PostgreSQL
    database: the waiting, certificate and digest watches each run at least twice, and each thing is told once."""
    from django.db import connection

    require_service("PostgreSQL (DATABASE_URL=postgres://...)", connection.vendor == "postgresql")
    import datetime
    from unittest import mock

    import time_machine
    from django.apps import apps

    from applications.models import Certificate, Notification, PeriodicRun, WatchMark
    from applications.review import services as review
    from catalog.seed import load_catalog
    from tests.factories import reviewer, submitted_application
    from tests.review.conftest import approve

    from .conftest import celery_beat

    load_catalog(apps)  # a transactional test may follow one that flushed the tables
    today = datetime.date.today()
    reviewer("lead@example.com", lead=True)  # told of the waiting application
    rev = reviewer("rev@example.com")
    in_2025 = datetime.datetime(2025, 3, 3, 10, tzinfo=datetime.UTC)
    # Nothing queued while the world is made: whatever it wrote is left to the beat's sweep.
    with (
        mock.patch("applications.notifications._enqueue"),
        mock.patch("applications.notifications._enqueue_tell"),
        time_machine.travel(in_2025, tick=False),
    ):
        waiting = submitted_application(on=in_2025.date())  # unassigned since 2025: lead reviewers are told
        held = submitted_application(on=in_2025.date())  # rev's, long overdue: in rev's digest
        review.application_take(application=held, user=rev, no_conflict=True)
        approved = submitted_application(on=in_2025.date(), sells_goods=True)
        review.application_take(application=approved, user=rev, no_conflict=True)
        certificate = approved.certificates.get()
        certificate.valid_until = today + datetime.timedelta(days=10)  # expires within 30 days of today
        certificate.save()
        approve(approved, rev)

    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    database_url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    watches = ["applications.watch_waiting", "applications.watch_certificates", "applications.send_digests"]

    def ran_twice() -> bool:
        runs = dict(PeriodicRun.objects.values_list("task", "runs"))
        return all(runs.get(task, 0) >= 2 for task in watches)

    with (
        celery_worker(DATABASE_URL=database_url) as worker,
        celery_beat(worker.queue, DATABASE_URL=database_url) as beat,
    ):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not (ran_twice() and not Notification.objects.pending().exists()):
            time.sleep(0.5)
    assert ran_twice(), (beat.output[-2000:], worker.output[-3000:])

    assert sorted(WatchMark.objects.values_list("watch", "key")) == sorted(
        [
            ("waiting", f"{waiting.pk}:1"),
            ("certificate", f"{certificate.pk}:30"),
            ("digest", f"{rev.pk}:{today.isoformat()}"),
        ]
    )
    told = sorted(
        (kind, recipient or "members")
        for kind, recipient in Notification.objects.exclude(
            kind__in=[Notification.Kind.SUBMITTED, Notification.Kind.DECIDED]
        ).values_list("kind", "recipient__email")
    )
    assert told == [
        ("certificate_expiring", "members"),
        ("digest", "rev@example.com"),
        ("staff_update", "lead@example.com"),  # the application waiting for a reviewer
        ("staff_update", "rev@example.com"),  # the certificate rev's approval relied on
    ], worker.output[-3000:]
    assert not Notification.objects.pending().exists(), worker.output[-3000:]  # all sent, by the worker
    assert Certificate.objects.get(pk=certificate.pk).valid_until == today + datetime.timedelta(days=10)
    for task in watches:
        assert worker.output.count(f"{task}[") >= 4, task  # received and succeeded, at least twice each
    assert "Scheduler: Sending due task" in beat.output
