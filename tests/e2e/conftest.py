"""Browser tests: pytest-playwright driving Debian's Chromium against Django's live server.

Playwright never downloads a browser here: /usr/bin/chromium (apt-get install chromium) is launched directly.
Where it is missing the tests skip with a reason, or fail when REQUIRE_SERVICES=1 (CI).
"""

import os
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def seeded_catalog(transactional_db):
    """The live server needs committed data, so these tests run on a transactional database, which Django
    flushes after each test: the seeded catalog (from the data migration) is loaded again, idempotently."""
    from django.apps import apps

    from catalog.seed import load_catalog

    load_catalog(apps)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_service(f"Chromium ({CHROMIUM})", CHROMIUM.exists())
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}
