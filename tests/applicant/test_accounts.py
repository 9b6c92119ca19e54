"""Sign-up and the verification of the address, log-in by e-mail, log-out, password reset by e-mail (the same
answer for any address), invitations to an organisation (never a membership by themselves), leaving one."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client
from django.urls import reverse

from applications.applicant.accounts import email_verification_send
from applications.applicant.services import application_create
from applications.models import EmailVerification, Invitation, Membership, Notification
from tests.factories import OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"


def _page(response) -> str:
    """The page as the person reads it: each form's CSRF token is random per response, so it is left out."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', response.content.decode())


def sign_up(client, email="new@example.kz", password1="steppe-eagle-2025", password2=None, **extra):
    data = {"email": email, "password1": password1, "password2": password2 or password1}
    return client.post(reverse("applications:signup") + extra.get("query", ""), data, follow=True)


def link_in(message) -> str:
    """The path of the (first) link in an e-mail."""
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_e_mails_a_link_and_the_account_acts_once_the_address_is_verified(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = sign_up(client, email="Aigerim.S@Example.KZ").content.decode()
    assert "Check your e-mail" in page and "We have sent an e-mail to aigerim.s@example.kz." in page
    user = User.objects.get()
    assert (user.username, user.email) == ("aigerim.s@example.kz", "aigerim.s@example.kz")
    assert not user.groups.exists() and not user.is_staff
    assert not EmailVerification.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["aigerim.s@example.kz"]
    assert message.subject == "Confirm your e-mail address for the Astana Hub review system"
    assert Notification.objects.get().kind == Notification.Kind.EMAIL_VERIFICATION  # through the outbox

    # Not verified yet: it logs in, but every way to join or create an organisation says how to verify.
    assert client.login(username="aigerim.s@example.kz", password="steppe-eagle-2025")
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert "Confirm your e-mail address first: open the link we sent to aigerim.s@example.kz." in page
    assert "Send the link again" in page
    response = client.get(reverse("applications:organisation_create"))
    assert response.status_code == 403 and "Confirm your e-mail address first" in response.content.decode()

    response = client.get(link_in(message), follow=True)
    assert "Your e-mail address aigerim.s@example.kz is confirmed." in response.content.decode()
    assert EmailVerification.objects.get(user=user).email == "aigerim.s@example.kz"
    assert client.get(reverse("applications:organisation_create")).status_code == 200


def test_a_stranger_who_signed_up_with_your_address_gets_no_verified_account_when_you_click_the_link(
    django_capture_on_commit_callbacks,
):
    """Pre-hijacking: the stranger knows the password, the owner reads the mailbox. Opening the link is not
    enough; the address is confirmed only by someone signed in as the account."""
    stranger, owner, other = Client(), Client(), Client()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(stranger, email="victim@example.kz", password1="strangers-own-secret")
    link = link_in(mail.outbox[0])

    page = owner.get(link, follow=True).content.decode()  # the owner, who never signed up, clicks it
    assert "Log in as victim@example.kz to confirm the address." in page
    assert not EmailVerification.objects.exists()

    other.force_login(UserFactory(email="someone-else@example.kz"))
    page = other.get(link, follow=True).content.decode()
    assert "This link confirms the address of another account." in page
    assert not EmailVerification.objects.filter(email="victim@example.kz").exists()

    assert stranger.login(username="victim@example.kz", password="strangers-own-secret")
    response = stranger.get(reverse("applications:organisation_create"))
    assert response.status_code == 403 and "Confirm your e-mail address first" in response.content.decode()


def test_the_verification_link_can_be_sent_again_once_a_minute(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="late@example.kz", verified=False)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(reverse("applications:email_verify"), follow=True).content.decode()
    assert "We have sent a new link to late@example.kz." in page
    page = client.post(reverse("applications:email_verify"), follow=True).content.decode()
    assert "A link was sent less than a minute ago." in page
    assert len(mail.outbox) == 1
    client.get(link_in(mail.outbox[0]))
    page = client.post(reverse("applications:email_verify"), follow=True).content.decode()
    assert "Your e-mail address late@example.kz is already confirmed." in page


@pytest.mark.parametrize(
    "token",
    ["forged", "x" * 5000, "%00", signing.dumps({"id": 1}, salt="other")],
    ids=["forged", "oversized", "nul", "signed-for-something-else"],
)
def test_a_forged_or_oversized_verification_link_verifies_nothing(client, token):
    UserFactory(email="someone@example.kz", verified=False)
    response = client.get(reverse("applications:email_verify_link", args=[token]), follow=True)
    assert response.status_code == 200
    assert "This link is not valid any more" in response.content.decode()
    assert not EmailVerification.objects.exists()


def test_a_verification_link_expires(client, settings, django_capture_on_commit_callbacks):
    user = UserFactory(email="slow@example.kz", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        email_verification_send(user=user)
    settings.EMAIL_VERIFICATION_MAX_AGE = -1
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert "This link is not valid any more" in response.content.decode()
    assert not EmailVerification.objects.filter(user=user).exists()


def test_an_unverified_member_cannot_submit(member, ready_draft):
    """A member whose address is not verified (e.g. its verification made for an address since changed)."""
    from applications.applicant.services import application_submit
    from applications.workflow import DomainError

    member.email = "changed@example.kz"
    member.save()
    with pytest.raises(DomainError, match="Confirm your e-mail address first"):
        application_submit(application=ready_draft, user=member)


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


@pytest.mark.parametrize(
    "email",
    ["not-an-address", "a@b", "x" * 300 + "@example.kz", "new@example.kz\r\nBcc: victim@example.kz", "\x00@example.kz"],
)
def test_sign_up_refuses_hostile_or_oversized_addresses(client, email):
    response = sign_up(client, email=email)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not User.objects.exists() and not Notification.objects.exists()


def test_sign_up_answers_the_same_for_an_address_that_has_an_account_and_changes_nothing(
    client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="taken@example.kz")
    password = owner.password
    with django_capture_on_commit_callbacks(execute=True):
        taken = sign_up(client, email="TAKEN@example.kz")
        free = sign_up(client, email="free@example.kz")
    assert taken.status_code == free.status_code == 200
    assert _page(taken).replace("taken@", "@") == _page(free).replace("free@", "@")
    assert User.objects.count() == 2
    owner.refresh_from_db()
    assert owner.password == password  # the existing account is untouched
    verification, told = sorted(mail.outbox, key=lambda m: m.to)
    assert told.to == ["taken@example.kz"] and "already has one. Nothing was changed." in told.body
    assert verification.to == ["free@example.kz"]


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


def test_password_reset_by_e_mail_verifies_the_address(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="aigerim@example.kz", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "aigerim@example.kz"}, follow=True)
    assert "Check your e-mail" in response.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Choose a new password for the Astana Hub review system"
    assert Notification.objects.get().kind == Notification.Kind.PASSWORD_RESET
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert "Choose a new password" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": "a-new-long-passphrase", "new_password2": "a-new-long-passphrase"},
        follow=True,
    )
    assert "Your password is changed" in response.content.decode()
    assert client.login(username="aigerim@example.kz", password="a-new-long-passphrase")
    assert EmailVerification.objects.filter(user=user, email="aigerim@example.kz").exists()


def test_password_reset_answers_the_same_for_any_address_and_sends_nothing_in_the_request(
    rf, django_capture_on_commit_callbacks
):
    """The view's response is complete before anything depends on the address: the lookup and the e-mail
    happen after the response has been sent (request_finished), through the outbox."""
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from applications.applicant.views import PasswordResetView

    UserFactory(email="known@example.kz")
    bodies = {}
    # As Django's test client does: a request's start and end must not close the test's connection (PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        for email in ("known@example.kz", "unknown@example.kz"):
            request = rf.post(reverse("password_reset"), {"email": email})
            request.session, request._dont_enforce_csrf_checks = SessionStore(), True
            request._messages = FallbackStorage(request)
            before = (len(mail.outbox), Notification.objects.count())
            with django_capture_on_commit_callbacks(execute=True):
                request_started.send(sender=None)
                response = PasswordResetView.as_view()(request)
                # The answer is complete, and nothing was looked up, written or sent yet.
                assert (len(mail.outbox), Notification.objects.count()) == before
                bodies[email] = (response.status_code, response.get("Location"))
                request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert bodies["known@example.kz"] == bodies["unknown@example.kz"] == (302, reverse("password_reset_done"))
    assert [message.to for message in mail.outbox] == [["known@example.kz"]]


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(
    client, django_capture_on_commit_callbacks
):
    UserFactory(email="known@example.kz")
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("password_reset"), {"email": "known@example.kz"}, follow=True)
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(reverse("password_reset"), {"email": "nobody@example.kz"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
    assert [message.to for message in mail.outbox] == [["known@example.kz"]]


@pytest.mark.parametrize("email", ["x" * 300 + "@example.kz", "a\r\nBcc: b@example.kz", "\x00"])
def test_password_reset_refuses_hostile_input_without_a_500(client, email):
    response = client.post(reverse("password_reset"), {"email": email})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Notification.objects.exists()


# Invitations ------------------------------------------------------------------------------------------


@pytest.fixture
def inviter_client(client):
    inviter = UserFactory(email="boss@steppe.kz")
    organisation = member_of(OrganisationFactory(name="Steppe Software LLP"), inviter) and inviter.organisations.get()
    client.force_login(inviter)
    client.organisation = organisation
    return client


def invite(inviter_client, email, capture):
    with capture(execute=True):  # the e-mail goes once the invitation is committed
        return inviter_client.post(
            reverse("applications:organisation_invite", args=[inviter_client.organisation.pk]),
            {"email": email},
            follow=True,
        )


def test_inviting_an_account_makes_no_member_until_it_accepts_through_the_link(
    inviter_client, client, django_capture_on_commit_callbacks
):
    colleague = UserFactory(email="colleague@steppe.kz")
    organisation = inviter_client.organisation
    page = invite(inviter_client, "Colleague@steppe.kz", django_capture_on_commit_callbacks).content.decode()
    assert "An invitation was sent to colleague@steppe.kz." in page
    assert "Invited, not accepted yet" in page and "invited by boss@steppe.kz on" in page
    assert not Membership.objects.filter(user=colleague).exists()
    (message,) = mail.outbox
    assert message.to == ["colleague@steppe.kz"] and "Steppe Software LLP" in message.subject
    assert Notification.objects.get().kind == Notification.Kind.INVITATION

    client.force_login(colleague)
    page = client.get(link_in(message)).content.decode()
    assert "boss@steppe.kz invited colleague@steppe.kz on" in page and "Accept and join" in page
    assert not Membership.objects.filter(user=colleague).exists()  # opening the link joins nobody
    response = client.post(link_in(message), follow=True)
    assert "You are now a member of Steppe Software LLP." in response.content.decode()
    assert Membership.objects.get(organisation=organisation, user=colleague).invited_by.email == "boss@steppe.kz"
    page = client.get(reverse("applications:organisation_detail", args=[organisation.pk])).content.decode()
    assert "invited by boss@steppe.kz, joined on" in page

    page = invite(inviter_client, "colleague@steppe.kz", django_capture_on_commit_callbacks).content.decode()
    assert "colleague@steppe.kz is already a member of Steppe Software LLP." in page


def test_invite_answers_the_same_whether_the_address_has_an_account(inviter_client, django_capture_on_commit_callbacks):
    UserFactory(email="has-account@steppe.kz")
    with_account = invite(inviter_client, "has-account@steppe.kz", django_capture_on_commit_callbacks)
    without = invite(inviter_client, "no-account@steppe.kz", django_capture_on_commit_callbacks)
    said = [
        [str(m) for m in response.context["messages"]][0].replace(email, "X")
        for response, email in ((with_account, "has-account@steppe.kz"), (without, "no-account@steppe.kz"))
    ]
    assert said[0] == said[1] and with_account.status_code == without.status_code == 200
    assert Invitation.objects.count() == 2 and Membership.objects.count() == 1


def test_takeover_by_signing_up_first_with_a_colleague_address_fails(
    inviter_client, django_capture_on_commit_callbacks
):
    """The attacker signs up as newhire@steppe.kz (never verified); a member then invites that address."""
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="newhire@steppe.kz", password1="attacker-pass-2025")
    attacker = User.objects.get(username="newhire@steppe.kz")
    organisation = inviter_client.organisation
    application = application_create(organisation=organisation, user=Membership.objects.get().user)
    mail.outbox.clear()
    invite(inviter_client, "newhire@steppe.kz", django_capture_on_commit_callbacks)
    assert not Membership.objects.filter(user=attacker).exists()

    assert client.login(username="newhire@steppe.kz", password="attacker-pass-2025")
    assert client.get(reverse("applications:detail", args=[application.reference])).status_code == 404
    assert client.get(reverse("applications:organisation_detail", args=[organisation.pk])).status_code == 404
    # Even holding the link (it went to the real mailbox), the unverified account cannot accept it.
    response = client.post(link_in(mail.outbox[0]), follow=True)
    assert "Confirm your e-mail address first" in response.content.decode()
    assert not Membership.objects.filter(user=attacker).exists()


def test_inviting_a_new_address_e_mails_a_link_that_joins_them_once_they_sign_up_and_verify(
    inviter_client, client, django_capture_on_commit_callbacks
):
    organisation = inviter_client.organisation
    invite(inviter_client, "new@steppe.kz", django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    link = link_in(mail.outbox[0])

    inviter_client.logout()
    response = client.get(link, follow=True)
    page = response.content.decode()
    assert "You are invited to act for Steppe Software LLP." in page
    assert 'value="new@steppe.kz"' in page
    signup_url = response.redirect_chain[-1][0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            signup_url,
            {
                "email": "new@steppe.kz",
                "password1": "steppe-eagle-2025",
                "password2": "steppe-eagle-2025",
                "next": link,
            },
            follow=True,
        )
    assert "Check your e-mail" in response.content.decode()
    # The verification link leads to log in (which confirms the address), then back to the invitation.
    response = client.get(link_in(mail.outbox[-1]), follow=True)
    assert "Log in as new@steppe.kz to confirm the address." in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0], {"username": "new@steppe.kz", "password": "steppe-eagle-2025"}, follow=True
    )
    assert "Your e-mail address new@steppe.kz is confirmed." in response.content.decode()
    assert "Accept and join" in response.content.decode()
    response = client.post(link, follow=True)
    assert "You are now a member of Steppe Software LLP." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    assert organisation.members.filter(username="new@steppe.kz").exists()
    assert invitation.history.first().history_user.username == "new@steppe.kz"

    response = client.get(link, follow=True)
    assert "This invitation link is not valid any more" in response.content.decode()


def test_an_invitation_cannot_be_taken_by_another_account(inviter_client, client, django_capture_on_commit_callbacks):
    invite(inviter_client, "new@steppe.kz", django_capture_on_commit_callbacks)
    client.force_login(UserFactory(email="intruder@example.kz"))
    response = client.post(link_in(mail.outbox[0]), follow=True)
    assert "This invitation is for new@steppe.kz, but you are signed in as intruder@example.kz." in (
        response.content.decode()
    )
    assert not Membership.objects.filter(user__username="intruder@example.kz").exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("x" * 300 + "@steppe.kz", "Ensure this value has at most 150 characters"),
        ("a@steppe.kz\r\nBcc: victim@example.kz", "Enter a valid email address."),
        ("", "Enter the e-mail address of the person to invite."),
    ],
)
def test_invite_refuses_hostile_or_oversized_addresses(inviter_client, email, message):
    response = inviter_client.post(
        reverse("applications:organisation_invite", args=[inviter_client.organisation.pk]), {"email": email}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Invitation.objects.exists()


# Leaving an organisation ------------------------------------------------------------------------------------


def test_a_member_leaves_but_the_last_member_cannot(inviter_client, django_capture_on_commit_callbacks):
    organisation = inviter_client.organisation
    leave = reverse("applications:organisation_leave", args=[organisation.pk])
    page = inviter_client.post(leave, follow=True).content.decode()
    assert "You are the only member of Steppe Software LLP, and an organisation needs one." in page
    assert Membership.objects.filter(organisation=organisation).count() == 1

    colleague = member_of(organisation, UserFactory(email="colleague@steppe.kz"))
    page = inviter_client.post(leave, follow=True).content.decode()
    assert "You have left Steppe Software LLP." in page
    assert list(organisation.members.all()) == [colleague]
    assert inviter_client.get(reverse("applications:organisation_detail", args=[organisation.pk])).status_code == 404
    left = Membership.history.filter(history_type="-").get()
    assert (left.history_user.email, left.history_change_reason) == ("boss@steppe.kz", "Left the organisation")


def test_leaving_is_a_post_by_a_member(inviter_client, outsider, rev):
    organisation = inviter_client.organisation
    leave = reverse("applications:organisation_leave", args=[organisation.pk])
    assert inviter_client.get(leave).status_code == 405
    for who in (outsider, rev):
        other = Client()
        other.force_login(who)
        assert other.post(leave).status_code == 404
    assert Client().post(leave).status_code == 302  # to log in
    assert Membership.objects.filter(organisation=organisation).count() == 1


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


def test_staff_cannot_be_invited_into_an_organisation(inviter_client, rev, client, django_capture_on_commit_callbacks):
    """The inviter is told what anyone is told (nothing about the account); the reviewer cannot accept."""
    page = invite(inviter_client, rev.email, django_capture_on_commit_callbacks).content.decode()
    assert f"An invitation was sent to {rev.email}." in page
    assert not Membership.objects.filter(user=rev).exists()
    client.force_login(rev)
    page = client.post(link_in(mail.outbox[0]), follow=True).content.decode()
    assert STAFF_REFUSAL in page
    assert not Membership.objects.filter(user=rev).exists()


def test_the_park_s_own_domains_are_refused_by_their_domain_alone(inviter_client, settings):
    settings.STAFF_EMAIL_DOMAINS = ["astanahub.com"]
    for email in ("reviewer@astanahub.com", "nobody-here@astanahub.com"):
        response = inviter_client.post(
            reverse("applications:organisation_invite", args=[inviter_client.organisation.pk]),
            {"email": email},
            follow=True,
        )
        assert "Addresses at astanahub.com belong to the park&#x27;s staff" in response.content.decode()
    assert not Invitation.objects.exists()


def test_staff_cannot_accept_an_invitation(inviter_client, client, django_capture_on_commit_callbacks):
    """An address invited before it became a staff account (or a staff member following a colleague's link)."""
    invite(inviter_client, "new@steppe.kz", django_capture_on_commit_callbacks)
    from tests.factories import reviewer

    client.force_login(reviewer("new@steppe.kz"))
    response = client.post(link_in(mail.outbox[0]), follow=True)
    assert STAFF_REFUSAL in response.content.decode()
    assert not Membership.objects.filter(user__username="new@steppe.kz").exists()
    assert Invitation.objects.get().accepted_at is None


def test_admin_cannot_make_staff_a_member(rev, organisation):
    """Django admin's membership inline validates the model, which refuses staff too."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot register or join"):
        Membership(organisation=organisation, user=rev).full_clean()


@pytest.mark.parametrize(
    ("typed", "summary"),
    [
        (
            {"username": "", "password": ""},
            [("id_username", "Enter your e-mail address."), ("id_password", "Enter your password.")],
        ),
        ({"username": "aigerim@example.kz", "password": ""}, [("id_password", "Enter your password.")]),
        # A wrong pair names both fields without saying which was wrong, and leads to the first.
        (
            {"username": "aigerim@example.kz", "password": "nope"},
            [
                (
                    "id_username",
                    "The e-mail address or password is not right. Check both (the password is case-sensitive).",
                )
            ],
        ),
    ],
)
def test_login_errors_name_the_field_in_a_summary_linking_to_it(client, typed, summary):
    UserFactory(email="aigerim@example.kz")
    html = client.post(reverse("login"), typed).content.decode()
    assert 'id="error-summary"' in html and "There is a problem" in html
    for field_id, message in summary:
        assert f'<a class="alert-link" href="#{field_id}">{message}</a>' in html
    assert 'value="aigerim@example.kz"' in html or not typed["username"]


def test_admins_read_who_verified_their_address_and_cannot_forge_it(admin_client, member):
    page = admin_client.get(reverse("admin:applications_emailverification_changelist")).content.decode()
    assert "member@example.com" in page
    assert admin_client.get(reverse("admin:applications_emailverification_add")).status_code == 403
