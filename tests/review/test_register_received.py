import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications.models import Application, Status
from tests.factories import PDF_BYTES, OrganisationFactory, provision

URL = reverse("review:register_received")


@pytest.mark.django_db
def test_staff_register_a_paper_application_with_the_date_received_as_reference_date(client, rev):
    organisation = OrganisationFactory(name="Paper Works LLP")
    client.force_login(rev)
    step1 = client.get(URL, {"organisation": organisation.pk, "received_on": "15.09.2025"})
    assert step1.status_code == 200 and step1.context["details"] is not None
    p2 = provision(2)
    response = client.post(
        URL,
        {
            "organisation": organisation.pk,
            "received_on": "15.09.2025",
            f"explanation_{p2.pk}": "Operates an e-government portal.",
            "eligibility_declared": "on",
            "sells_own_goods": "on",
            "certificate_kind": "industrial",
            "certificate_number": "IC-2025-1",
            "certificate_issued_on": "01.02.2025",
            "certificate_valid_until": "01.02.2027",
            "certificate_issuer": "NCE",
            "certificate_goods": "Terminals",
            "certificate_scan": SimpleUploadedFile("paper.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.get(organisation=organisation)
    assert application.status == Status.SUBMITTED
    assert application.received_by_other_channel and application.received_on == datetime.date(2025, 9, 15)
    assert application.reference_date == datetime.date(2025, 9, 15)
    assert application.reference.startswith("AH-2025-")
    claim = application.claims.get()
    assert claim.provision_version.in_force_from <= datetime.date(2025, 9, 15)
    assert application.certificates.get().number == "IC-2025-1"


@pytest.mark.django_db
def test_a_date_with_no_list_in_force_is_explained(client, rev):
    organisation = OrganisationFactory()
    client.force_login(rev)
    response = client.get(URL, {"organisation": organisation.pk, "received_on": "12.01.2026"})
    assert response.context["details"] is None
    assert "abrogated by order 521/NK" in response.content.decode()


@pytest.mark.django_db
def test_refusals_keep_what_was_typed(client, rev):
    organisation = OrganisationFactory()
    client.force_login(rev)
    p2 = provision(2)
    response = client.post(
        URL,
        {
            "organisation": organisation.pk,
            "received_on": "15.09.2025",
            f"explanation_{p2.pk}": "Typed by hand.",
            "sells_own_goods": "on",
            "certificate_scan": SimpleUploadedFile("fake.pdf", b"GIF89a not a pdf"),
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Typed by hand." in html and "named like a PDF, but its content is not a PDF (it is a GIF image)" in html
    assert not Application.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The selected file is empty. Choose the PDF scan of the certificate."),
        (
            b"GIF89a not a pdf",
            "“paper.pdf” is named like a PDF, but its content is not a PDF (it is a GIF image). "
            "Upload the scan as a PDF.",
        ),
    ],
)
def test_the_scan_is_checked_as_the_applicants_is(client, rev, content, message):
    """One PDF check (validators.validate_pdf_scan) for the applicant's certificate and the staff copy: an empty
    file is refused here too, beside the field, and nothing is registered."""
    organisation = OrganisationFactory()
    client.force_login(rev)
    response = client.post(
        URL,
        {
            "organisation": organisation.pk,
            "received_on": "15.09.2025",
            f"explanation_{provision(2).pk}": "Operates an e-government portal.",
            "eligibility_declared": "on",
            "sells_own_goods": "on",
            "certificate_kind": "industrial",
            "certificate_number": "IC-2025-1",
            "certificate_issued_on": "01.02.2025",
            "certificate_valid_until": "01.02.2027",
            "certificate_issuer": "NCE",
            "certificate_goods": "Terminals",
            "certificate_scan": SimpleUploadedFile("paper.pdf", content, content_type="application/pdf"),
        },
    )
    assert response.status_code == 422
    assert response.context["details"].certificate.errors["scan"] == [message]
    html = response.content.decode()
    assert 'value="IC-2025-1"' in html and "Operates an e-government portal." in html
    assert not Application.objects.exists()
