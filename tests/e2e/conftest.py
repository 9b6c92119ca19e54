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
    # The pages run under their Content-Security-Policy, as in production (a blocked inline script would break
    # the journey here too); axe-core is evaluated through the devtools protocol (helpers.assert_accessible).
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "en-GB",
    }


@pytest.fixture(autouse=True)
def every_page_checked_by_axe(request):
    """Each page a test's browser loads is checked by axe-core (helpers.assert_accessible, which
    helpers.screenshot calls), in every role's journey: a page loaded and never checked fails the test."""
    from . import helpers

    helpers.LOADED.clear()
    helpers.CHECKED.clear()
    if "page" in request.fixturenames:
        helpers.watch(request.getfixturevalue("page"))
    yield
    unchecked = sorted({url for url in helpers.LOADED if url not in helpers.CHECKED})
    assert not unchecked, "pages loaded but never checked by axe-core (call assert_accessible):\n" + "\n".join(
        unchecked
    )
