"""Fixtures shared by every test folder: the one set of people (one per role), and the skip-or-fail rule
for services.

The people: `member` (an applicant; a member of `organisation` once that fixture is used), `outsider` (a
member of another organisation), `rev` and `other_rev` (reviewers), `lead` (a lead reviewer), `editor` (a
catalog editor), `author` and `approver` (two catalog editors: one writes a change, the other publishes it) and
`admin_user`. Applications in each state are in tests/applicant/conftest.py and
tests/review/conftest.py.
"""

import contextlib
import os
import subprocess
import sys
import tempfile
import types
import uuid
from pathlib import Path

import pytest

from catalog.apps import CATALOG_EDITORS
from tests.factories import OrganisationFactory, UserFactory, in_groups, member_of, reviewer


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_append_only_triggers():
    """Transactional tests end with `flush` (TRUNCATE on PostgreSQL), which the record's triggers refuse: in
    tests only, flush with pgtrigger's escape (config/append_only.py)."""
    import pgtrigger
    from django.core.management.commands import flush

    handle = flush.Command.handle

    def handle_ignoring_triggers(self, *args, **options):
        with pgtrigger.ignore():
            return handle(self, *args, **options)

    flush.Command.handle = handle_ignoring_triggers
    yield
    flush.Command.handle = handle


def services_required() -> bool:
    """True in CI (.ci/run sets REQUIRE_SERVICES=1): a missing service fails the run instead of skipping."""
    return os.environ.get("REQUIRE_SERVICES", "").strip().lower() in {"1", "true", "yes", "on"}


def require_service(name: str, available) -> None:
    """Skip the calling test with a reason when `name` is unavailable, or fail when services are required.

    `available` is the service's URL or path (empty or None when absent), or a boolean.
    """
    if available:
        return
    reason = f"{name} is not available here"
    if services_required():
        pytest.fail(f"{reason}, and REQUIRE_SERVICES=1 demands it.", pytrace=False)
    pytest.skip(f"{reason} (set it up, or run .ci/run, to run this test).")


@pytest.fixture
def real_broker() -> str:
    """The Redis in REDIS_URL, through which this test's tasks really go (skip, or fail in CI, without it)."""
    redis_url = os.environ.get("REDIS_URL", "")
    require_service("Redis (REDIS_URL)", redis_url)
    return redis_url


@contextlib.contextmanager
def celery_worker(**env: str):
    """A real Celery worker process on a queue of its own (so parallel runs never take each other's work); the
    tasks it queues itself go there too (CELERY_TEST_QUEUE, config/test_settings.py).

    Yields an object with `queue`; once the worker has stopped, its log is in `output`."""
    worker = types.SimpleNamespace(queue=f"test-{uuid.uuid4().hex}", output="")
    env = {"CELERY_TEST_QUEUE": worker.queue, **env}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            f"--queues={worker.queue}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
            f"--hostname={worker.queue}@%h",
        ],  # fmt: skip
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield worker
    finally:
        process.terminate()
        try:
            worker.output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            worker.output, _ = process.communicate()


@contextlib.contextmanager
def celery_beat(queue: str, **env: str):
    """A real celery beat process running the project's schedule fast (tests/fast_beat.py), sending every task to
    `queue`. Yields an object whose `output` holds beat's log once it has stopped."""
    beat = types.SimpleNamespace(output="")
    with tempfile.TemporaryDirectory(prefix="beat-") as directory:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.fast_beat",
                "beat",
                f"--schedule={directory}/schedule",
                "--max-interval=1",
                "--loglevel=INFO",
            ],  # fmt: skip
            cwd=Path(__file__).resolve().parent.parent,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "CELERY_TEST_QUEUE": queue, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            yield beat
        finally:
            process.terminate()
            try:
                beat.output, _ = process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                beat.output, _ = process.communicate()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request by a Kazakh- or Russian-reading account activates
    theirs in the thread (as LocaleMiddleware does for every request), and a later test calling a service
    directly would read its messages in that language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a rolled-back test's rows can come back with the same ids (SQLite),
    and so with the same catalog revision (catalog.selectors.catalog_revision) as answers it cached."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def tasks_in_process(request):
    """Celery tasks run in the test's own process, as in `make run`, even where REDIS_URL is set (CI): a task
    queued on Redis would wait there for a worker that never comes, or reach a worker with another database.
    Only a test that asks for `real_broker` uses the broker."""
    if "real_broker" in request.fixturenames:
        yield
        return
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture
def member(db):
    """A signed-up company representative (no staff role); a member of `organisation` once it exists."""
    return UserFactory(email="member@example.com")


@pytest.fixture
def organisation(member):
    return member_of(OrganisationFactory(name="Steppe Software LLP"), member).organisations.get()


@pytest.fixture
def member_client(client, member, organisation):
    client.force_login(member)
    return client


@pytest.fixture
def outsider(db):
    """A member of another organisation."""
    user = UserFactory(email="outsider@example.com")
    member_of(OrganisationFactory(name="Other Company LLP"), user)
    return user


@pytest.fixture
def outsider_client(client, outsider):
    client.force_login(outsider)
    return client


@pytest.fixture
def rev(db):
    return reviewer("rev@example.com")


@pytest.fixture
def other_rev(db):
    return reviewer("other-rev@example.com")


@pytest.fixture
def lead(db):
    return reviewer("lead@example.com", lead=True)


@pytest.fixture
def editor(db):
    """A catalog editor: works in Django admin through the "Catalog editors" group's permissions only."""
    return in_groups(UserFactory(email="editor@example.com", is_staff=True), CATALOG_EDITORS)


@pytest.fixture
def author(db):
    """A catalog editor who writes a change; `approver`, another, publishes it (four eyes; workbench.publish)."""
    from tests.catalog.workbench import editor as catalog_editor

    return catalog_editor("author@example.com", first_name="Aigerim", last_name="Seitkali")


@pytest.fixture
def approver(db):
    from tests.catalog.workbench import editor as catalog_editor

    return catalog_editor("approver@example.com", first_name="Daniyar", last_name="Omarov")


@pytest.fixture
def admin_user(db):
    """Overrides pytest-django's admin_user so that admin_client signs in as this superuser."""
    return UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
