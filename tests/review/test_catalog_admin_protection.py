"""A wording that a claim relies on is never edited or deleted in admin (nor is any other: the law changes only
through a published change to the catalog); the editor is told why, and how to record a change in the law."""

import datetime

import pytest
from django.urls import reverse

from catalog.models import ProvisionVersion
from tests.factories import submitted_application


@pytest.mark.django_db
def test_relied_upon_version_is_read_only_and_cannot_be_deleted(admin_client):
    application = submitted_application(on=datetime.date(2025, 3, 3), paragraphs=(2,))
    version = application.claims.get().provision_version
    url = reverse("admin:catalog_provisionversion_change", args=[version.pk])
    page = admin_client.get(url).content.decode()
    assert "rely on this wording" in page and "add a new version" in page
    assert 'name="text"' not in page  # shown, not editable
    text = version.text
    assert admin_client.post(url, {"text": "rewritten", "ended_by": ""}).status_code == 403
    version.refresh_from_db()
    assert version.text == text
    assert (
        admin_client.post(
            reverse("admin:catalog_provisionversion_delete", args=[version.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert ProvisionVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.django_db
def test_a_version_nobody_relies_on_is_not_edited_here_either(admin_client):
    version = ProvisionVersion.objects.filter(provision__paragraph=5, provision__appendix=1).first()
    page = admin_client.get(reverse("admin:catalog_provisionversion_change", args=[version.pk])).content.decode()
    assert 'name="text"' not in page and "rely on this wording" not in page
    assert "The law is never edited here" in page
