"""Accounts: sign-up, the verification of an address, and the password-reset e-mail.

Two promises hold here:

- An address is proved before an account acts with it. Sign-up e-mails a signed, expiring link
  (settings.EMAIL_VERIFICATION_MAX_AGE); following it records an EmailVerification. Until then the account can
  log in and read, but cannot join, create or act for an organisation (permissions.can_join_organisations).
  A password reset through the e-mailed link proves the mailbox too.
- Nobody learns which addresses have an account. Sign-up and password reset answer the same words, with the
  same status, whatever the address; the work that depends on the address (looking it up, creating the account
  or telling its owner, writing the e-mail to the outbox) runs after the response has been sent
  (`after_response`), so the time of the answer does not depend on it either.

Every e-mail goes through the outbox (notifications.account_notification_write).
"""

import datetime
import logging
import threading

from axes.backends import AxesStandaloneBackend
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ..models import EmailVerification, Notification
from ..notifications import account_notification_write
from ..permissions import email_verified
from ..workflow import DomainError
from .services import normalise_email

User = get_user_model()
logger = logging.getLogger(__name__)

EMAIL_VERIFICATION_SALT = "applications.email_verification"


# --- work done after the response ------------------------------------------------------------------------------

_request = threading.local()


def _request_starts(**kwargs) -> None:
    _request.after = []


def _request_ends(**kwargs) -> None:
    callbacks, _request.after = getattr(_request, "after", None) or [], None
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the response is gone: nobody to tell but the log
            logger.exception("Work after the response failed.")


request_started.connect(_request_starts, dispatch_uid="accounts_after_response_start")
request_finished.connect(_request_ends, dispatch_uid="accounts_after_response_end")


def after_response(callback) -> None:
    """Run `callback` once the response has been sent (WSGI: when the server closes it), or now outside a
    request (a command, a test calling a service)."""
    pending = getattr(_request, "after", None)
    if pending is None:
        callback()
    else:
        pending.append(callback)


# --- verification of an address -------------------------------------------------------------------------------


def link(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def email_verification_token(user, next_url: str = "") -> str:
    return signing.dumps(
        {"id": user.pk, "email": normalise_email(user.email), "next": next_url}, salt=EMAIL_VERIFICATION_SALT
    )


def email_verification_send(*, user, next_url: str = "") -> Notification:
    """E-mail `user` the signed link that verifies their address (and then leads to `next_url`, a local path)."""
    token = email_verification_token(user, next_url)
    return account_notification_write(
        address=normalise_email(user.email),
        user=user,
        kind=Notification.Kind.EMAIL_VERIFICATION,
        template="email_verification",
        context={
            "link": link("applications:email_verify_link", token=token),
            "days": settings.EMAIL_VERIFICATION_MAX_AGE // 86400,
        },
    )


RESEND_INTERVAL = datetime.timedelta(minutes=1)


def email_verification_resend(*, user) -> Notification:
    """Send the verification link again (at most once a minute), to the signed-in user's own address."""
    if email_verified(user):
        raise DomainError(_("Your e-mail address %(email)s is already confirmed.") % {"email": user.email})
    recent = Notification.objects.filter(
        recipient=user, kind=Notification.Kind.EMAIL_VERIFICATION, created_at__gte=timezone.now() - RESEND_INTERVAL
    )
    if recent.exists():
        raise DomainError(_("A link was sent less than a minute ago. Wait a minute, then ask again."))
    with transaction.atomic():
        return email_verification_send(user=user)


def email_verify(token: str, *, by) -> tuple[object | None, str]:
    """The account a verification link names, and where the link leads; (None, "") for a forged or expired
    link, or one made for an address the account no longer has.

    The address is verified only when `by` (whoever opened the link) is signed in as that account: the link
    proves the mailbox, the sign-in proves the password. Otherwise a stranger who signed up with someone else's
    address would get a verified account the day its owner clicks the link they never asked for. Signed in as
    another account: refused (DomainError); not signed in: nothing is recorded (the caller asks to log in)."""
    try:
        data = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None, ""
    user = User.objects.filter(pk=data.get("id"), is_active=True).first()
    if user is None or normalise_email(user.email) != data.get("email"):
        return None, ""
    if by.is_authenticated and by.pk != user.pk:
        raise DomainError(
            _(
                "This link confirms the address of another account. Log out, then open the link again and log in "
                "as %(email)s."
            )
            % {"email": user.email}
        )
    if by.is_authenticated:
        email_verification_record(user)
    return user, data.get("next") or ""


def email_verification_record(user) -> EmailVerification:
    """Record that `user` proved they read the mailbox of their current address."""
    verification, _created = EmailVerification.objects.update_or_create(
        user=user, defaults={"email": normalise_email(user.email)}
    )
    user._email_verified = True
    return verification


# --- sign-up ---------------------------------------------------------------------------------------------------


def account_sign_up(*, email: str, password: str, next_url: str = "") -> None:
    """Sign up with `email`: the same answer whether or not it has an account. The password is hashed now (as
    long for everyone); after the response, a new address gets its account and the verification link, and an
    address that has an account gets an e-mail saying so (its owner may log in or reset the password). An
    existing account is never changed."""
    email = normalise_email(email)
    password_hash = make_password(password)
    after_response(lambda: _sign_up(email=email, password_hash=password_hash, next_url=next_url))


@transaction.atomic
def _sign_up(*, email: str, password_hash: str, next_url: str) -> None:
    existing = User.objects.filter(username=email).first()
    if existing is not None:
        account_notification_write(
            address=email,
            user=existing,
            kind=Notification.Kind.SIGN_UP_EXISTING,
            template="sign_up_existing",
            context={"login_url": link("login"), "reset_url": link("password_reset")},
        )
        return
    user = User.objects.create(username=email, email=email, password=password_hash)
    email_verification_send(user=user, next_url=next_url)


def user_sign_up(*, email: str, password: str, verified: bool = False):
    """An applicant account made at once, for the demo data and commands (people sign up through
    `account_sign_up`). `verified` records the address as verified."""
    email = normalise_email(email)
    user = User(username=email, email=email)
    user.set_password(password)
    user.save()
    if verified:
        email_verification_record(user)
    return user


# --- password reset --------------------------------------------------------------------------------------------


def password_reset_request(*, email: str) -> None:
    """The same answer and time for any address: after the response, each active account with a usable password
    and this address is e-mailed a reset link (Django's token: it works once, until the password changes)."""
    email = normalise_email(email)
    after_response(lambda: _password_reset_write(email))


@transaction.atomic
def _password_reset_write(email: str) -> None:
    for user in User.objects.filter(email__iexact=email, is_active=True):
        if not user.has_usable_password():
            continue
        reset_link = link(
            "password_reset_confirm",
            uidb64=urlsafe_base64_encode(force_bytes(user.pk)),
            token=default_token_generator.make_token(user),
        )
        account_notification_write(
            address=normalise_email(user.email),
            user=user,
            kind=Notification.Kind.PASSWORD_RESET,
            template="password_reset",
            context={"link": reset_link, "user": user},
        )


def password_reset_done(user) -> None:
    """A password set through the e-mailed link: the account's owner reads that mailbox (and is not locked out)."""
    if not email_verified(user):
        email_verification_record(user)
    axes_reset(username=normalise_email(user.username))  # the owner is back: a lock on the account is lifted


# --- the login throttle (django-axes; settings AXES_*) -----------------------------------------------------------


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check before a password is tried: a username locked at this address is refused at once.

    A login without a request (code: the test client's `login`, the shell) is not a visitor's, so it is not
    throttled; every login through a page has the request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def login_username(request, credentials) -> str:
    """The username as the throttle counts it: the address as the product stores it, so that Aigerim@… and
    aigerim@… are one account's failures."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return normalise_email(username)[:150]


def client_ip(request) -> str:
    """The visitor's address. Behind a proxy, settings.CLIENT_IP_HEADER (DJANGO_CLIENT_IP_HEADER, e.g.
    HTTP_X_FORWARDED_FOR) names the header the proxy sets; its last entry is the one that proxy added (a
    visitor can put anything before it). Without it, the address that connected (REMOTE_ADDR)."""
    header = settings.CLIENT_IP_HEADER
    if header:
        entries = [entry.strip() for entry in request.META.get(header, "").split(",") if entry.strip()]
        if entries:
            return entries[-1][:64]
    return request.META.get("REMOTE_ADDR", "")
