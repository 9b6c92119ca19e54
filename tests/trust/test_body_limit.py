"""An oversized request body is refused with 413 and a page saying why, before it is read or written to disk;
the upload handler stops at the limit whatever the client declared."""

import io

import pytest
from django.core.files.uploadhandler import StopUpload
from django.test import override_settings
from django.urls import reverse

from config.uploads import BodyLimitUploadHandler

pytestmark = pytest.mark.django_db


@override_settings(REQUEST_BODY_MAX_BYTES=1024 * 1024)
def test_an_oversized_upload_gets_413_with_a_page_and_nothing_is_stored(member_client, organisation, member):
    from tests.factories import complete_draft

    draft = complete_draft(organisation=organisation, user=member, sells_goods=True)
    before = draft.certificates.count()
    big = io.BytesIO(b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    big.name = "huge.pdf"
    response = member_client.post(
        reverse("applications:certificates", args=[draft.reference]),
        {"kind": "st_kz", "number": "KZ-1", "issued_on": "10.01.2024", "valid_until": "10.01.2027", "scan": big},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "Too large" in page and "larger than 1 MB" in page
    assert response["Connection"] == "close"
    assert draft.certificates.count() == before


def test_the_default_limit_is_12_mb_and_an_ordinary_page_is_unaffected(settings, client):
    assert settings.REQUEST_BODY_MAX_BYTES == 12 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.REQUEST_BODY_MAX_BYTES
    assert client.post(reverse("login"), {"username": "x@example.com", "password": "y"}).status_code == 200


@override_settings(REQUEST_BODY_MAX_BYTES=1000)
def test_the_upload_handler_stops_at_the_limit_even_when_the_declared_length_lies():
    handler = BodyLimitUploadHandler()
    handler.handle_raw_input(None, {}, 10, "boundary")  # declares 10 bytes
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 600, 600)
    with pytest.raises(StopUpload):
        BodyLimitUploadHandler().handle_raw_input(None, {}, 5000, "boundary")
