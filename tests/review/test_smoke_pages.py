"""Every reviewer page renders for a reviewer, and the role rule holds on each: applicant 403, anonymous login."""

import pytest
from django.urls import reverse

from .conftest import approve


def staff_urls(application):
    claim = application.claims.first()
    ref = application.reference
    urls = [
        reverse("review:queue"),
        reverse("review:register_received"),
        reverse("review:application", args=[ref]),
        reverse("review:timeline", args=[ref]),
        reverse("review:take", args=[ref]),
        reverse("review:assign", args=[ref]),
        reverse("review:claim_tick", args=[ref, claim.pk]),
        reverse("review:request_changes", args=[ref]),
        reverse("review:decide", args=[ref]),
        reverse("review:note_add", args=[ref]),
        reverse("review:message_send", args=[ref]),
    ]
    certificate = application.certificates.first()
    if certificate:
        urls += [
            reverse("review:certificate_verify", args=[ref, certificate.pk]),
            reverse("review:certificate_scan", args=[ref, certificate.pk]),
        ]
    return urls


@pytest.mark.django_db
def test_reviewer_pages_render(client, goods_in_review, rev):
    client.force_login(rev)
    for url in [reverse("review:queue"), reverse("review:application", args=[goods_in_review.reference])]:
        response = client.get(url)
        assert response.status_code == 200, url
    approve(goods_in_review, rev)
    for name in ("review:application", "review:timeline", "applications:letter", "applications:status"):
        response = client.get(reverse(name, args=[goods_in_review.reference]))
        assert response.status_code == 200, name


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_applicant_gets_403_and_anonymous_goes_to_login(client, goods_in_review, member, method):
    for url in staff_urls(goods_in_review):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url
    client.force_login(member)
    for url in staff_urls(goods_in_review):
        assert getattr(client, method)(url).status_code == 403, url
