"""A wording that a claim relies on can no longer be edited or deleted in admin; the editor is told why."""

import datetime

import pytest
from django.urls import reverse

from catalog.models import LegalAct, ProvisionVersion
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
    admin_client.post(url, {"text": "rewritten", "ended_by": ""})
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
def test_it_cannot_be_ended_before_a_day_it_was_relied_on(admin_client):
    application = submitted_application(on=datetime.date(2025, 3, 3), paragraphs=(2,))
    version = application.claims.get().provision_version
    earlier = LegalAct.objects.get(code="413/NK")  # took effect 01.10.2023, before 03.03.2025
    response = admin_client.post(
        reverse("admin:catalog_provisionversion_change", args=[version.pk]), {"ended_by": earlier.pk}
    )
    assert response.status_code == 200
    assert "cannot end on or before that day" in response.content.decode()
    version.refresh_from_db()
    assert version.ended_by is None


@pytest.mark.django_db
def test_a_version_nobody_relies_on_stays_editable(admin_client):
    version = ProvisionVersion.objects.filter(provision__paragraph=5, provision__appendix=1).first()
    page = admin_client.get(reverse("admin:catalog_provisionversion_change", args=[version.pk])).content.decode()
    assert 'name="text"' in page and "rely on this wording" not in page
