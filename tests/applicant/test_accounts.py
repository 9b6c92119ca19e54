"""Sign-up, log-in by e-mail, log-out, password reset by e-mail, and invitations to an organisation."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from applications.models import Invitation, Membership
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def sign_up(client, email="new@example.kz", password1="steppe-eagle-2025", password2=None, **extra):
    data = {"email": email, "password1": password1, "password2": password2 or password1}
    return client.post(reverse("applications:signup") + extra.get("query", ""), data, follow=True)


def test_sign_up_makes_an_applicant_named_by_the_lower_cased_address(client):
    page = sign_up(client, email="Aigerim.S@Example.KZ").content.decode()
    user = User.objects.get()
    assert (user.username, user.email) == ("aigerim.s@example.kz", "aigerim.s@example.kz")
    assert not user.groups.exists() and not user.is_staff
    assert "My applications" in page and "aigerim.s@example.kz" in page


@pytest.mark.parametrize(
    ("password1", "password2", "message"),
    [
        ("steppe-eagle-2025", "steppe-eagle-2026", "The two passwords are not the same."),
        ("password123", None, "This password is too common."),
        ("short1", None, "This password is too short. It must contain at least 8 characters."),
        ("48151623424", None, "This password is entirely numeric."),
        ("", None, "Choose a password."),
    ],
)
def test_sign_up_refuses_weak_or_mistyped_passwords(client, password1, password2, message):
    response = sign_up(client, password1=password1, password2=password2)
    assert message in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert not User.objects.exists()
    assert 'value="new@example.kz"' in response.content.decode()  # what was typed is kept


def test_sign_up_refuses_an_address_already_registered_in_any_case(client):
    UserFactory(email="taken@example.kz")
    response = sign_up(client, email="TAKEN@example.kz")
    assert "An account with this e-mail address already exists." in response.content.decode()
    assert User.objects.count() == 1


def test_log_in_with_the_address_in_any_case_and_log_out(client):
    UserFactory(email="aigerim@example.kz")
    response = client.post(reverse("login"), {"username": " Aigerim@Example.kz", "password": PASSWORD}, follow=True)
    assert response.context["user"].username == "aigerim@example.kz"
    assert "My applications" in response.content.decode()
    response = client.post(reverse("logout"), follow=True)
    assert not response.context["user"].is_authenticated


def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(client):
    UserFactory(email="aigerim@example.kz")
    response = client.post(reverse("login"), {"username": "aigerim@example.kz", "password": "nope"})
    assert "The e-mail address or password is not right." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_password_reset_by_e_mail(client):
    UserFactory(email="aigerim@example.kz")
    response = client.post(reverse("password_reset"), {"email": "aigerim@example.kz"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Choose a new password for the Astana Hub review system"
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
        follow=True,
    )
    assert "Your password is changed" in response.content.decode()
    assert client.login(username="aigerim@example.kz", password="a-new-long-passphrase")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.kz"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert mail.outbox == []


# Invitations ------------------------------------------------------------------------------------------


@pytest.fixture
def inviter_client(client):
    inviter = UserFactory(email="boss@steppe.kz")
    organisation = member_of(OrganisationFactory(name="Steppe Software LLP"), inviter) and inviter.organisations.get()
    client.force_login(inviter)
    client.organisation = organisation
    return client


def test_inviting_someone_with_an_account_makes_them_a_member_at_once(inviter_client):
    colleague = UserFactory(email="colleague@steppe.kz")
    organisation = inviter_client.organisation
    response = inviter_client.post(
        reverse("applications:organisation_invite", args=[organisation.pk]),
        {"email": "Colleague@steppe.kz"},
        follow=True,
    )
    assert "colleague@steppe.kz is now a member." in response.content.decode()
    assert Membership.objects.get(organisation=organisation, user=colleague).invited_by.email == "boss@steppe.kz"
    response = inviter_client.post(
        reverse("applications:organisation_invite", args=[organisation.pk]),
        {"email": "colleague@steppe.kz"},
        follow=True,
    )
    assert "colleague@steppe.kz is already a member of Steppe Software LLP." in response.content.decode()


def test_inviting_a_new_address_e_mails_a_link_that_joins_them_when_they_sign_up(
    inviter_client, client, django_capture_on_commit_callbacks
):
    organisation = inviter_client.organisation
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail goes once the invitation is committed
        response = inviter_client.post(
            reverse("applications:organisation_invite", args=[organisation.pk]), {"email": "new@steppe.kz"}, follow=True
        )
    assert "An invitation was sent to new@steppe.kz." in response.content.decode()
    assert "Invited, not signed up yet" in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.accepted_at is None
    assert mail.outbox[0].to == ["new@steppe.kz"]
    assert "Steppe Software LLP" in mail.outbox[0].subject
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)

    inviter_client.logout()
    response = client.get(link, follow=True)
    page = response.content.decode()
    assert "You are invited to act for Steppe Software LLP." in page
    assert 'value="new@steppe.kz"' in page
    signup_url = response.redirect_chain[-1][0]
    response = client.post(
        signup_url,
        {"email": "new@steppe.kz", "password1": "steppe-eagle-2025", "password2": "steppe-eagle-2025", "next": link},
        follow=True,
    )
    assert "You are now a member of Steppe Software LLP." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert organisation.members.filter(username="new@steppe.kz").exists()
    assert invitation.history.first().history_user.username == "new@steppe.kz"

    response = client.get(link, follow=True)
    assert "This invitation link is not valid any more" in response.content.decode()


def test_an_invitation_cannot_be_taken_by_another_account(inviter_client, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        inviter_client.post(
            reverse("applications:organisation_invite", args=[inviter_client.organisation.pk]),
            {"email": "new@steppe.kz"},
        )
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    client.force_login(UserFactory(email="intruder@example.kz"))
    response = client.get(link, follow=True)
    assert "This invitation is for new@steppe.kz, but you are signed in as intruder@example.kz." in (
        response.content.decode()
    )
    assert not Membership.objects.filter(user__username="intruder@example.kz").exists()


def test_a_forged_invitation_link_is_refused(client):
    response = client.get(reverse("applications:invitation_accept", args=["not-a-signed-token"]), follow=True)
    assert "This invitation link is not valid any more" in response.content.decode()


# Park staff act for the park, never for an applicant -------------------------------------------------------

STAFF_REFUSAL = "Park staff and catalog editors act for the park: they cannot register or join an organisation."


@pytest.mark.parametrize("who", ["rev", "lead", "editor", "admin_user"])
def test_staff_cannot_register_an_organisation(client, request, who):
    """Not offered at /my/, refused with the reason at /organisations/new/ (GET and POST) and in the service."""
    from applications.applicant.services import organisation_create
    from applications.workflow import DomainError

    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert reverse("applications:organisation_create") not in page and STAFF_REFUSAL in page
    for method in ("get", "post"):
        response = getattr(client, method)(
            reverse("applications:organisation_create"), {"name": "Park LLP", "bin": "940140000385"}
        )
        assert response.status_code == 403 and STAFF_REFUSAL in response.content.decode(), method
    with pytest.raises(DomainError, match="cannot register or join"):
        organisation_create(
            user=user,
            name="Park LLP",
            bin="940140000385",
            legal_address="Mangilik El 55/8, Astana",
            director="A. Director",
            contact_email="office@example.kz",
            contact_phone="+7 7172 000000",
        )
    assert not Membership.objects.filter(user=user).exists()


def test_staff_cannot_be_invited_into_an_organisation(inviter_client, rev):
    response = inviter_client.post(
        reverse("applications:organisation_invite", args=[inviter_client.organisation.pk]),
        {"email": rev.email},
        follow=True,
    )
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.filter(user=rev).exists()


def test_staff_cannot_accept_an_invitation(inviter_client, client, django_capture_on_commit_callbacks):
    """An address invited before it became a staff account (or a staff member following a colleague's link)."""
    with django_capture_on_commit_callbacks(execute=True):
        inviter_client.post(
            reverse("applications:organisation_invite", args=[inviter_client.organisation.pk]),
            {"email": "new@steppe.kz"},
        )
    link = re.search(r"http://testserver(/\S+)", mail.outbox[0].body).group(1)
    from tests.factories import reviewer

    client.force_login(reviewer("new@steppe.kz"))
    response = client.get(link, follow=True)
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.filter(user__username="new@steppe.kz").exists()
    assert Invitation.objects.get().accepted_at is None


def test_admin_cannot_make_staff_a_member(rev, organisation):
    """Django admin's membership inline validates the model, which refuses staff too."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot register or join"):
        Membership(organisation=organisation, user=rev).full_clean()
