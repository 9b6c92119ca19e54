"""The Celery app: a task runs through a real worker on Redis (CI), and in-process when no broker is set."""

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

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
