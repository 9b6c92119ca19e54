"""A reference in a URL matches its format (config/converters.py) or the URL is a 404 before any view or database
sees it: a NUL byte, a path, an oversized or malformed reference never reaches PostgreSQL (which answered 500)."""

import pytest
from django.urls import reverse

from applications.applicant import urls as applicant_urls
from applications.review import urls as review_urls

BAD = ["%00", "AH-2025-00001%00", "AH-2025-%00", "..%2F..%2Fetc", "ah-2025-00001", "AH-2025-" + "9" * 500, "' OR 1=1--"]


def _subpages(patterns) -> list[str]:
    return [str(p.pattern).replace("<int:pk>", "1") for p in patterns]


def _urls() -> list[str]:
    urls = []
    for sub in _subpages(applicant_urls.application_patterns):
        urls += [f"/applications/{bad}/{sub}" for bad in BAD]
    for sub in _subpages(review_urls.application_patterns):
        urls += [f"/review/{bad}/{sub}" for bad in BAD]
    return urls


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["member", "rev"])
def test_malformed_references_are_404_on_every_application_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    urls = _urls()
    assert len(urls) > 100
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, (url, method, response.status_code)


@pytest.mark.django_db
def test_a_well_formed_reference_still_resolves(client, member):
    assert reverse("applications:status", args=["AH-2025-00042"]) == "/applications/AH-2025-00042/status/"
    assert reverse("review:application", args=["AH-2025-123456"]) == "/review/AH-2025-123456/"
