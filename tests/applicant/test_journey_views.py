"""The whole applicant journey through the views, as a person would click it (time-travelled to 2025)."""

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application, Certificate, Organisation, Status
from tests.factories import PDF_BYTES, make_bin, provision

pytestmark = pytest.mark.django_db


def yes_to_all():
    return {name: "yes" for name in Application.ELIGIBILITY_FIELDS}


def test_sign_up_to_submission(in_2025, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applications:signup"),
            {"email": "  Aigerim@Example.KZ ", "password1": "steppe-eagle-2025", "password2": "steppe-eagle-2025"},
            follow=True,
        )
    assert "Check your e-mail" in response.content.decode()
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    response = client.get(link, follow=True)
    assert "Log in as aigerim@example.kz to confirm the address." in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0], {"username": "aigerim@example.kz", "password": "steppe-eagle-2025"}, follow=True
    )
    assert "Your e-mail address aigerim@example.kz is confirmed." in response.content.decode()
    assert "Start by registering your organisation" in response.content.decode()
    assert response.context["user"].username == "aigerim@example.kz"

    bin_ = make_bin()
    response = client.post(
        reverse("applications:organisation_create"),
        {
            "name": "Qazaq Code LLP",
            "bin": bin_,
            "legal_address": "Mangilik El 55/8, Astana",
            "director": "A. Director",
            "contact_email": "office@qazaqcode.kz",
            "contact_phone": "+7 7172 123456",
        },
        follow=True,
    )
    organisation = Organisation.objects.get(bin=bin_)
    assert "Qazaq Code LLP is registered" in response.content.decode()
    assert list(organisation.members.values_list("username", flat=True)) == ["aigerim@example.kz"]

    response = client.post(reverse("applications:application_start", args=[organisation.pk]), follow=True)
    application = Application.objects.get(organisation=organisation)
    assert application.reference == "AH-2025-00001"
    page = response.content.decode()
    assert "AH-2025-00001 is started as a draft" in page
    assert page.count("Cannot start yet") == 4  # everything after eligibility is locked

    ref = application.reference
    response = client.post(reverse("applications:eligibility", args=[ref]), yes_to_all(), follow=True)
    assert "Eligibility answers saved." in response.content.decode()

    p1, p5 = provision(1), provision(5)
    response = client.post(
        reverse("applications:activities", args=[ref]),
        {
            f"tick_{p1.pk}": "on",
            f"explanation_{p1.pk}": "We build accounting software sold as a service.",
            f"tick_{p5.pk}": "on",
            f"explanation_{p5.pk}": "We run data-processing services for banks.",
        },
        follow=True,
    )
    assert "Activities saved." in response.content.decode()
    assert sorted(application.claims.values_list("provision__paragraph", flat=True)) == [1, 5]

    response = client.post(reverse("applications:goods", args=[ref]), {"sells_own_goods": "yes"}, follow=True)
    assert "Certificates of own production" in response.content.decode()
    response = client.post(
        reverse("applications:certificates", args=[ref]),
        {
            "kind": "st_kz",
            "number": "KZ-7-0042",
            "issued_on": "15.03.2024",
            "valid_until": "14.03.2027",
            "issuer": "Chamber of Entrepreneurs of Astana",
            "goods": "Routers of the RX series",
            "scan": SimpleUploadedFile("st-kz.pdf", PDF_BYTES, content_type="application/pdf"),
        },
        follow=True,
    )
    assert "Certificate KZ-7-0042 added." in response.content.decode()
    certificate = Certificate.objects.get(application=application)
    assert certificate.scan_name == "st-kz.pdf"
    assert certificate.issued_on == datetime.date(2024, 3, 15)

    response = client.get(reverse("applications:detail", args=[ref]))
    assert response.content.decode().count("Completed") == 3

    page = client.get(reverse("applications:check", args=[ref])).content.decode()
    for text in ("We build accounting software", "KZ-7-0042", "15.03.2024 – 14.03.2027", "Change"):
        assert text in page

    response = client.post(reverse("applications:declaration", args=[ref]), {"confirm": "on"}, follow=True)
    page = response.content.decode()
    assert "Application AH-2025-00001 is submitted" in page
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.reference_date == datetime.date(2025, 6, 2)
    assert application.act.code == "37/RD"
    assert all(claim.provision_version_id for claim in application.claims.all())
    assert "What happens next" in page
    assert "Withdraw this application" in client.get(reverse("applications:detail", args=[ref])).content.decode()
    assert application.history.first().history_user.username == "aigerim@example.kz"
