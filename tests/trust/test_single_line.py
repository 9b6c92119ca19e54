"""One-line fields refuse line breaks with a clear message, in the applicant's forms and in admin alike (the
validator is on the model fields): an organisation's name with a line break used to save and then break every
e-mail built from it."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Organisation
from applications.validators import validate_single_line
from tests.factories import complete_draft

pytestmark = pytest.mark.django_db
MESSAGE = "Type this on one line: line breaks and other control characters are not allowed here."


@pytest.mark.parametrize("value", ["A\nB", "A\r\nB", "A\rB", "Tab\there", "NUL\x00", "Line\u2028separator"])
def test_the_validator_refuses_breaks_and_control_characters(value):
    with pytest.raises(ValidationError, match="one line"):
        validate_single_line(value)


@pytest.mark.parametrize("value", ["Steppe Software LLP", "ТОО «Степь»", "Qazaq-Code 2.0 (Astana)"])
def test_the_validator_accepts_ordinary_names(value):
    validate_single_line(value)


@pytest.mark.parametrize("field", ["name", "director", "contact_phone"])
def test_the_organisation_form_refuses_a_line_break_beside_the_field(member_client, organisation, field):
    data = {
        "name": organisation.name,
        "bin": organisation.bin,
        "legal_address": organisation.legal_address,
        "director": organisation.director,
        "contact_email": organisation.contact_email,
        "contact_phone": "+7 7172 123456",
    }
    data[field] = "+7 7172\n123456" if field == "contact_phone" else "First line\nBcc: victim@example.com"
    response = member_client.post(reverse("applications:organisation_edit", args=[organisation.pk]), data)
    assert response.status_code == 200
    # The phone's own format check refuses it first, with its own message; either way, beside the field.
    assert (MESSAGE in response.context["form"].errors[field]) or field == "contact_phone"
    assert response.context["form"].errors[field]
    organisation.refresh_from_db()
    assert "\n" not in getattr(organisation, field)


def test_admin_refuses_a_line_break_in_the_name_too(admin_client, organisation):
    url = reverse("admin:applications_organisation_change", args=[organisation.pk])
    data = {
        "name": "Evil\nName",
        "bin": organisation.bin,
        "legal_address": organisation.legal_address,
        "director": organisation.director,
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200 and MESSAGE in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).name != "Evil\nName"


def test_a_certificate_number_with_a_line_break_is_refused(member_client, member, organisation):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        draft = complete_draft(
            organisation=organisation, user=member, sells_goods=True, today=datetime.date(2025, 6, 2)
        )
        before = draft.certificates.count()
        response = member_client.post(
            reverse("applications:certificates", args=[draft.reference]),
            {
                "kind": "st_kz",
                "number": "KZ-1\nKZ-2",
                "issued_on": "10.01.2024",
                "valid_until": "10.01.2027",
                "issuer": "Issuer\r\nInjected",
                "goods": "Goods may span\nseveral lines.",
                "scan": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 test"),
            },
        )
    errors = response.context["form"].errors
    assert errors["number"] == [MESSAGE] and errors["issuer"] == [MESSAGE] and "goods" not in errors
    assert draft.certificates.count() == before
