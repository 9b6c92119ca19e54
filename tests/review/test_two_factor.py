"""Two-factor sign-in for staff (django-otp, TOTP). With STAFF_2FA_REQUIRED, reviewers, lead reviewers, catalog
editors and admins confirm a code after their password before any page (admin's too); applicants never."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_2FA_REQUIRED = True


def code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_reviewer_without_a_key_is_sent_to_set_one_up_then_reaches_the_queue(required, client, rev):
    client.force_login(rev)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("applications:two_factor_enrol") + "?next=%2Freview%2F")
    page = client.get(response["Location"]).content.decode()
    assert "Set up two-factor sign-in" in page
    device = TOTPDevice.objects.get(user=rev, confirmed=False)
    secret = page.split('id="totp-secret">')[1].split("<")[0].replace(" ", "")
    assert len(secret) == 32  # the key, as text to type into an app

    response = client.post(response["Location"], {"token": "000000", "next": "/review/"}, follow=True)
    assert "That code is not right." in response.content.decode()
    response = client.post(reverse("applications:two_factor_enrol"), {"token": "000000"}, follow=True)
    assert "Too many wrong codes in a row: wait a few seconds" in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(
        reverse("applications:two_factor_enrol"), {"token": code(device), "next": reverse("review:queue")}, follow=True
    )
    assert "Your authenticator app is set up." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("review:queue") and response.status_code == 200
    assert TOTPDevice.objects.get(user=rev).confirmed


def test_an_enrolled_reviewer_types_a_code_in_each_new_session(required, client, rev):
    device = TOTPDevice.objects.create(user=rev, name="phone", confirmed=True)
    client.force_login(rev)
    for path in (reverse("review:queue"), reverse("review:dashboard"), "/admin/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("applications:two_factor_verify")
        ), path
    response = client.post(reverse("applications:two_factor_verify"), {"token": "123456"}, follow=True)
    assert "That code is not right." in response.content.decode()
    device.throttle_reset()  # django-otp slows down a device after a wrong code
    response = client.post(
        reverse("applications:two_factor_verify"), {"token": code(device), "next": reverse("review:queue")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("review:queue")
    assert client.get(reverse("review:queue")).status_code == 200


@pytest.mark.parametrize("who", ["lead", "editor", "admin_user"])
def test_lead_reviewers_editors_and_admins_are_asked_too(required, client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/admin/" if who != "lead" else reverse("review:queue"))
    assert response.status_code == 302 and reverse("applications:two_factor_enrol") in response["Location"]


def test_an_applicant_is_never_asked(required, member_client, organisation):
    for path in (
        reverse("applications:dashboard"),
        reverse("applications:organisation_detail", args=[organisation.pk]),
    ):
        assert member_client.get(path).status_code == 200
    assert member_client.get(reverse("applications:two_factor_verify")).status_code == 200  # asks nothing of them
    assert not TOTPDevice.objects.exists()


def test_off_by_default_in_development_and_tests(client, rev):
    client.force_login(rev)
    response = client.get(reverse("review:queue"))
    assert response.status_code == 200 and "Review queue" in response.content.decode()  # not sent to set up a key


@pytest.mark.parametrize("token", ["", "x" * 5000, "12 34 56 78 90", "١٢٣٤٥٦", "\x00", "' OR 1=1"])
def test_hostile_or_oversized_codes_are_refused_with_the_reason(required, client, rev, token):
    TOTPDevice.objects.create(user=rev, name="phone", confirmed=True)
    client.force_login(rev)
    response = client.post(reverse("applications:two_factor_verify"), {"token": token}, follow=True)
    assert response.status_code == 200
    assert "Type the 6 digits your authenticator app shows." in response.content.decode()
    assert client.get(reverse("review:queue")).status_code == 302


def test_the_pages_need_a_login(client):
    for name in ("applications:two_factor_enrol", "applications:two_factor_verify"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
