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

from .conftest import require_service

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.services
def test_a_task_runs_through_a_real_worker_on_redis(real_broker):
    redis_url = os.environ.get("REDIS_URL", "")
    require_service("Redis (REDIS_URL)", redis_url)
    from config.celery import app, ping

    assert app.conf.broker_url == redis_url
    assert app.conf.task_always_eager is False
    # A queue of its own, so that parallel test runs (xdist, other checkouts) never take each other's work.
    queue = f"test-{uuid.uuid4().hex}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "REDIS_URL": redis_url}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--queues={queue}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname={queue}@%h",
        ],  # fmt: skip
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        token = uuid.uuid4().hex
        result = ping.apply_async(args=[token], queue=queue, ignore_result=False)
        assert result.get(timeout=60) == token
        assert result.successful()
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert f"config.ping[{result.id}] succeeded" in output, output[-2000:]


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
