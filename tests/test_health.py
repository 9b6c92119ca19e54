"""/healthz: database, broker, the oldest pending e-mail's age, the last beat run. 503 naming what is unhealthy,
no personal data, fast enough to poll every 10 seconds."""

import datetime
import shutil
import socket
import subprocess
import time
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.models import Notification, PeriodicRun
from tests.conftest import require_service
from tests.factories import submitted_application

pytestmark = pytest.mark.django_db

URL = reverse("healthz")
NOW = datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC)
HEALTHY = {"database": "OK", "broker": "OK", "outbox": "OK", "beat": "OK"}


@pytest.fixture(autouse=True)
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def in_process(settings):
    """As `make run`: no broker, tasks in-process, no beat."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "memory://"


@pytest.fixture
def with_broker(settings):
    """As in production, with the broker answering (its check is stubbed: the real one is tested below)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    with mock.patch("config.health.RedisCheck.run", new=mock.AsyncMock(return_value=None)):
        yield


def health(client, **headers):
    response = client.get(URL, {"format": "json"}, **headers)
    return response.status_code, response.json()


def test_healthy_in_process(client, in_process):
    assert health(client) == (200, HEALTHY)
    page = client.get(URL)
    assert page.status_code == 200 and "System status: healthy" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_stale_outbox_is_named(client, in_process, member):
    with time_machine.travel(NOW - datetime.timedelta(minutes=20), tick=False):
        submitted_application(user=member, on=datetime.date(2025, 5, 12))  # its receipt stays pending here
    assert Notification.objects.pending().count() == 1
    status, body = health(client)
    assert status == 503
    assert body == {
        **HEALTHY,
        "outbox": "Unavailable: the oldest e-mail waiting to be sent has waited 20 minutes (more than 15)",
    }
    page = client.get(URL)
    html = page.content.decode()
    assert page.status_code == 503 and "System status: unhealthy" in html
    # No personal data: not the recipients, not the subject.
    notification = Notification.objects.get()
    for private in (member.email, notification.subject, notification.application.reference):
        assert private not in html and private not in str(body)


def test_a_recent_or_given_up_e_mail_is_not_a_problem(client, in_process, member):
    with time_machine.travel(NOW - datetime.timedelta(minutes=14), tick=False):
        submitted_application(user=member, on=datetime.date(2025, 5, 12))
    assert health(client) == (200, HEALTHY)
    with time_machine.travel(NOW - datetime.timedelta(days=2), tick=False):
        given_up = submitted_application(user=member, on=datetime.date(2025, 5, 12)).notifications.get()
    given_up.attempts = 8  # left for an operator, who sees it in admin
    given_up.save()
    assert health(client) == (200, HEALTHY)


def test_beat_that_has_not_run_is_named(client, with_broker):
    assert health(client) == (
        503,
        {**HEALTHY, "beat": "Unavailable: no periodic task has ever run: is celery beat running?"},
    )
    PeriodicRun.objects.create(
        task="applications.send_pending_notifications", last_run_at=NOW - datetime.timedelta(minutes=20)
    )
    assert health(client) == (
        503,
        {
            **HEALTHY,
            "beat": "Unavailable: no periodic task has run for 20 minutes (more than 15): is celery beat running?",
        },
    )
    PeriodicRun.objects.create(task="applications.watch_waiting", last_run_at=NOW - datetime.timedelta(minutes=3))
    assert health(client) == (200, HEALTHY)


def test_plain_text_for_scripts(client, in_process):
    response = client.get(URL, HTTP_ACCEPT="text/plain")
    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["database: OK", "broker: OK", "outbox: OK", "beat: OK"]


def test_fast_enough_to_poll_every_ten_seconds(client, in_process):
    client.get(URL)
    started = time.perf_counter()
    for _ in range(10):
        assert client.get(URL, {"format": "json"}).status_code == 200
    assert (time.perf_counter() - started) / 10 < 0.5


def test_no_login_needed_and_nothing_of_the_session(client, in_process, rev):
    client.force_login(rev)
    html = client.get(URL).content.decode()
    assert rev.email not in html


# --- a real broker, stopped and started again ----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.services
def test_503_with_the_broker_stopped_and_200_once_it_is_back(client, settings):
    require_service("redis-server (to start a broker of this test's own)", shutil.which("redis-server"))
    port = _free_port()
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{port}/0"
    PeriodicRun.objects.create(task="applications.send_pending_notifications", last_run_at=timezone.now())
    broker = _start_redis(port)
    try:
        assert health(client) == (200, HEALTHY)
        _stop(broker)
        started = time.perf_counter()
        status, body = health(client)
        assert status == 503
        assert body == {**HEALTHY, "broker": "Unavailable: Unable to connect to Redis: Connection Error"}
        assert time.perf_counter() - started < 3  # a stopped broker does not hang the check
        assert str(port) not in str(body)  # no host or port in the answer
        broker = _start_redis(port)
        assert health(client) == (200, HEALTHY)
    finally:
        _stop(broker)
