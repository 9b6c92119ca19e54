"""Who sees what: every applicant page for anonymous visitors (log in), outsiders (404 whether the
application exists or not) and members; scans only through the checked download."""

import datetime

import pytest
from django.urls import reverse

from applications.models import Certificate
from tests.factories import PDF_BYTES, UserFactory, member_of, submitted_application

pytestmark = pytest.mark.django_db

# (URL name, method): every page of one application.
APPLICATION_PAGES = [
    ("detail", "get"),
    ("eligibility", "get"),
    ("eligibility", "post"),
    ("not_eligible", "get"),
    ("activities", "get"),
    ("activities", "post"),
    ("goods", "get"),
    ("goods", "post"),
    ("certificates", "get"),
    ("certificates", "post"),
    ("check", "get"),
    ("declaration", "get"),
    ("declaration", "post"),
    ("withdraw", "get"),
    ("withdraw", "post"),
]


@pytest.fixture
def application(member, organisation):
    return submitted_application(organisation=organisation, user=member, sells_goods=True, on=datetime.date(2025, 3, 3))


@pytest.mark.parametrize(("name", "method"), APPLICATION_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, application, name, method):
    response = getattr(client, method)(reverse(f"applications:{name}", args=[application.reference]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(("name", "method"), APPLICATION_PAGES)
@pytest.mark.parametrize("reference", ["existing", "AH-2025-99999"])
def test_outsiders_get_404_whether_the_application_exists_or_not(outsider_client, application, name, method, reference):
    reference = application.reference if reference == "existing" else reference
    response = getattr(outsider_client, method)(reverse(f"applications:{name}", args=[reference]))
    assert response.status_code == 404
    assert "There is nothing here, or nothing you may see." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_member_of_the_organisation_sees_it_whoever_made_it(client, organisation, application):
    colleague = member_of(organisation, UserFactory(email="colleague@example.com"))
    client.force_login(colleague)
    page = client.get(reverse("applications:detail", args=[application.reference])).content.decode()
    assert f"Application {application.reference}" in page and "Submitted" in page


def test_the_scan_downloads_as_an_attachment_for_a_member(member_client, application):
    certificate = application.certificates.get()
    response = member_client.get(reverse("applications:scan", args=[application.reference, certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="certificate.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_scans_are_404_to_outsiders_and_anonymous_visitors_must_log_in(client, outsider, application):
    certificate = application.certificates.get()
    scan_url = reverse("applications:scan", args=[application.reference, certificate.pk])
    response = client.get(scan_url)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    client.force_login(outsider)
    assert client.get(scan_url).status_code == 404
    assert client.get(reverse("applications:scan", args=[application.reference, 999999])).status_code == 404


def test_a_scan_of_another_organisation_is_404_even_through_ones_own_reference(outsider_client, outsider, application):
    own = submitted_application(
        organisation=outsider.organisations.get(), user=outsider, sells_goods=True, on=datetime.date(2025, 3, 4)
    )
    theirs = application.certificates.get()
    # The outsider's own reference with the other organisation's certificate number.
    response = outsider_client.get(reverse("applications:scan", args=[own.reference, theirs.pk]))
    assert response.status_code == 404
    mine = own.certificates.get()
    assert outsider_client.get(reverse("applications:scan", args=[own.reference, mine.pk])).status_code == 200


def test_scans_are_not_under_any_public_url(member_client, application):
    certificate = application.certificates.get()
    assert certificate.scan.name.startswith("scans/")
    assert member_client.get("/" + certificate.scan.name).status_code == 404
    assert member_client.get("/media/" + certificate.scan.name).status_code == 404


def test_removing_another_organisations_certificate_is_404(outsider_client, application):
    certificate = application.certificates.get()
    response = outsider_client.post(
        reverse("applications:certificate_remove", args=[application.reference, certificate.pk])
    )
    assert response.status_code == 404
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_the_dashboard_lists_only_ones_own_organisations(outsider_client, application):
    page = outsider_client.get(reverse("applications:dashboard")).content.decode()
    assert application.reference not in page
    assert "Other Company LLP" in page


def test_staff_and_anonymous_are_routed_from_the_start_page(client):
    assert "Create an account" in client.get(reverse("applications:home")).content.decode()
    client.force_login(UserFactory(email="applicant2@example.com"))
    assert client.get(reverse("applications:home")).url == reverse("applications:dashboard")
