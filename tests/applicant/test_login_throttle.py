"""The login throttle (django-axes): 5 wrong passwords for one account from one address lock that account at
that address for 15 minutes, with the reason on the login page; other accounts and addresses are unaffected;
an admin's reset (or the owner's password reset) lifts it."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOCKED = "Too many wrong passwords for this account from your address"


def log_in(email, password, ip="198.51.100.7", **headers):
    client = Client(REMOTE_ADDR=ip, **headers)
    response = client.post(reverse("login"), {"username": email, "password": password}, follow=True)
    return response, client


def fail(email, times, **kwargs):
    for _ in range(times):
        response, _client = log_in(email, "wrong-password", **kwargs)
        assert response.status_code in (200, 429)
    return response


def test_five_wrong_passwords_lock_the_account_at_that_address_even_with_the_right_one():
    UserFactory(email="aigerim@example.kz")
    response = fail("aigerim@example.kz", 4)
    assert response.status_code == 200 and "The e-mail address or password is not right." in response.content.decode()
    response = fail("Aigerim@Example.kz", 1)  # the same account in any letter case
    assert response.status_code == 429 and LOCKED in response.content.decode()
    response, client = log_in("aigerim@example.kz", PASSWORD)
    assert response.status_code == 429
    assert "paused for 15 minutes" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_another_account_and_another_address_are_not_locked():
    UserFactory(email="aigerim@example.kz")
    UserFactory(email="colleague@example.kz")
    fail("aigerim@example.kz", 5)
    response, _ = log_in("colleague@example.kz", PASSWORD)  # the same address, another account
    assert response.context["user"].username == "colleague@example.kz"
    response, _ = log_in("aigerim@example.kz", PASSWORD, ip="203.0.113.9")  # the account, from elsewhere
    assert response.context["user"].username == "aigerim@example.kz"


def test_the_lock_ends_after_15_minutes():
    UserFactory(email="aigerim@example.kz")
    fail("aigerim@example.kz", 5)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=16)):
        response, _ = log_in("aigerim@example.kz", PASSWORD)
    assert response.context["user"].username == "aigerim@example.kz"


def test_an_admin_unlocks_with_axes_reset_username():
    UserFactory(email="aigerim@example.kz")
    fail("aigerim@example.kz", 5)
    assert AccessAttempt.objects.filter(username="aigerim@example.kz").exists()
    call_command("axes_reset_username", "aigerim@example.kz")
    response, _ = log_in("aigerim@example.kz", PASSWORD)
    assert response.context["user"].username == "aigerim@example.kz"


def test_an_unknown_address_is_locked_with_the_same_words():
    """The lock says nothing about whether the account exists."""
    response = fail("nobody@example.kz", 5)
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_behind_a_proxy_the_configured_header_names_the_visitor(settings):
    """With DJANGO_CLIENT_IP_HEADER, visitors behind one proxy are told apart by the entry the proxy added (the
    last); what a visitor writes before it changes nothing."""
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    UserFactory(email="aigerim@example.kz")
    proxy = "10.0.0.1"
    for forged in range(5):  # a forged first entry on each try does not escape the count
        log_in("aigerim@example.kz", "wrong", ip=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.{forged}, 198.51.100.7")
    response, _ = log_in("aigerim@example.kz", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert response.status_code == 429
    response, _ = log_in("aigerim@example.kz", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert response.context["user"].username == "aigerim@example.kz"  # another office, behind the same proxy


def test_the_admin_login_is_throttled_too(admin_user):
    client = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        client.post(reverse("admin:login"), {"username": admin_user.username, "password": "wrong"})
    response = client.post(reverse("admin:login"), {"username": admin_user.username, "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.content.decode()


@pytest.mark.parametrize("username", ["x" * 5000, "a\x00b@example.kz", "' OR 1=1 --", ""])
def test_hostile_usernames_are_refused_without_a_500(username):
    response, _ = log_in(username, "wrong")
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_choosing_a_new_password_through_the_e_mailed_link_lifts_the_lock():
    from applications.applicant.accounts import password_reset_done

    user = UserFactory(email="aigerim@example.kz")
    fail("aigerim@example.kz", 5)
    password_reset_done(user)  # what the reset-confirm page calls once the new password is set
    response, _ = log_in("aigerim@example.kz", PASSWORD)
    assert response.context["user"].username == "aigerim@example.kz"
