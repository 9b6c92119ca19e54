"""Certificates and their scans are never removed on one click: "Remove" and answering "no" to selling own goods
ask first on a page of their own (no script needed), and the removal stays in the application's history with the
certificate's kind and number."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.models import Certificate
from applications.review.timeline import application_timeline
from tests.factories import complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(member, organisation):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield complete_draft(organisation=organisation, user=member, sells_goods=True, today=datetime.date(2025, 6, 2))


def test_remove_asks_first_then_removes_and_the_history_names_it(member_client, draft):
    certificate = draft.certificates.get()
    url = reverse("applications:certificate_remove", args=[draft.reference, certificate.pk])
    asked = member_client.post(url).content.decode()
    assert "Remove this certificate?" in asked and certificate.number in asked and 'name="confirm"' in asked
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    member_client.post(url, {"confirm": "yes"})
    assert not Certificate.objects.filter(pk=certificate.pk).exists()
    removed = next(e for e in application_timeline(draft) if e.kind == "certificate" and e.action == "-")
    assert removed.subject == f"Certificate {certificate.get_kind_display()} {certificate.number}"
    assert removed.reason == "Removed by the applicant"


def test_answering_no_lists_what_would_be_removed_and_keeps_it_until_confirmed(member_client, draft):
    certificate = draft.certificates.get()
    url = reverse("applications:goods", args=[draft.reference])
    asked = member_client.post(url, {"sells_own_goods": "no"}).content.decode()
    assert "Answer “no” and remove these certificates?" in asked and certificate.number in asked
    draft.refresh_from_db()
    assert draft.sells_own_goods is True and draft.certificates.count() == 1
    # A hostile or garbled confirmation is not one.
    member_client.post(url, {"sells_own_goods": "no", "confirm": "YES" * 10000})
    assert draft.certificates.count() == 1
    member_client.post(url, {"sells_own_goods": "no", "confirm": "yes"})
    draft.refresh_from_db()
    assert draft.sells_own_goods is False and draft.certificates.count() == 0
    removed = next(e for e in application_timeline(draft) if e.kind == "certificate" and e.action == "-")
    assert certificate.number in removed.subject and "sells no goods" in removed.reason


def test_another_organisation_cannot_reach_the_confirmation(outsider_client, draft):
    certificate = draft.certificates.get()
    url = reverse("applications:certificate_remove", args=[draft.reference, certificate.pk])
    assert outsider_client.post(url).status_code == 404
    assert outsider_client.post(url, {"confirm": "yes"}).status_code == 404
    assert Certificate.objects.filter(pk=certificate.pk).exists()
