"""Every URL of the access matrix answers with a Content-Security-Policy without inline script, and every page a
signed-in user gets is `Cache-Control: private, no-store` (it may hold personal data)."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from tests import test_access_matrix as access_matrix
from tests.test_access_matrix import (
    APPLICANT,
    APPLICATION,
    MEMBER_OR_STAFF,
    ORGANISATION,
    PUBLIC,
    SIGNED_IN,
    STAFF,
    _right_user,
    names_of,
    url,
)

pytestmark = pytest.mark.django_db

world = access_matrix.world  # the fixture


def assert_csp(response, name):
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'", name
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy, name
    assert directives["default-src"] == "'self'" and directives["frame-ancestors"] == "'none'", name


def assert_private(response, name):
    parts = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= parts, name


def test_every_page_of_the_matrix_has_both_headers_for_the_right_user(client, world):
    names = names_of(SIGNED_IN, APPLICANT, ORGANISATION, APPLICATION, STAFF, MEMBER_OR_STAFF)
    assert len(names) > 30
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        for name in names:
            client.force_login(_right_user(name, world))
            response = client.get(url(name, world))
            assert_csp(response, name)
            assert_private(response, name)
            # And refused: another organisation's member (404) or the wrong role (403) gets them too.
            client.force_login(world.outsider)
            refused = client.get(url(name, world))
            assert_csp(refused, name)
            assert_private(refused, name)


def test_public_pages_have_the_policy_and_are_private_once_signed_in(client, world):
    for name in names_of(PUBLIC):
        assert_csp(client.get(url(name, world)), name)
    client.force_login(world.member)
    for name in names_of(PUBLIC):
        response = client.get(url(name, world))
        assert_csp(response, name)
        assert_private(response, name)


def test_admin_may_use_inline_styles_but_never_inline_scripts(admin_client):
    response = admin_client.get(reverse("admin:index"))
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy + ";"
    assert_private(response, "admin")


def test_no_template_has_an_inline_script_or_handler():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for template in root.glob("*/templates/**/*.html"):
        text = template.read_text()
        if "<script>" in text or " onclick=" in text or " onchange=" in text or " onsubmit=" in text:
            offenders.append(str(template.relative_to(root)))
    for template in (root / "templates").glob("**/*.html"):
        text = template.read_text()
        if "<script>" in text or " onclick=" in text:
            offenders.append(str(template.relative_to(root)))
    assert offenders == []
