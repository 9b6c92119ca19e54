"""Two-factor sign-in for staff (django-otp, TOTP): reviewers, lead reviewers, catalog editors and admins carry
more power than applicants, so with settings.STAFF_2FA_REQUIRED (true in production) they confirm a code from an
authenticator app after their password before any page but these few (admin's too). Applicants are never asked.

A staff member enrols once (`totp_device_start`, then `totp_device_confirm` with a first code); every later
session is verified with `totp_verify`. django-otp slows down repeated wrong codes on each device.
"""

import base64

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import roles_for
from .workflow import DomainError

TOKEN_MAX_LENGTH = 8


def asks_for_a_second_factor(user) -> bool:
    """Staff (reviewers, lead reviewers, catalog editors, admins), never applicants."""
    roles = roles_for(user)
    return roles.staff or roles.catalog_editor


def totp_device_start(*, user) -> TOTPDevice:
    """The user's authenticator key, not confirmed yet (the same one until it is confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_secret(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app (base32, in groups of four)."""
    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


WRONG_CODE = _lazy("That code is not right. Check the clock of your phone, and type the newest code.")


def _refuse_while_throttled(devices) -> None:
    """django-otp makes each wrong code double the wait before the next try (1, 2, 4... seconds)."""
    if devices and not any(device.verify_is_allowed()[0] for device in devices):
        raise DomainError(_("Too many wrong codes in a row: wait a few seconds, then type the newest code."))


def _clean(token: str) -> str:
    token = "".join((token or "").split())
    if not token.isdigit() or not token.isascii() or len(token) > TOKEN_MAX_LENGTH:
        raise DomainError(_("Type the 6 digits your authenticator app shows."))
    return token


def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the key with a first code; the session counts as verified."""
    if device.user_id != request.user.pk or device.confirmed:
        raise DomainError(_("This key is not waiting for confirmation. Start again."))
    token = _clean(token)
    _refuse_while_throttled([device])
    if not device.verify_token(token):
        raise DomainError(WRONG_CODE)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    otp_login(request, device)
    return device


def totp_verify(*, request, token: str) -> None:
    """Verify this session with a code from one of the user's confirmed keys."""
    token = _clean(token)
    _refuse_while_throttled(list(TOTPDevice.objects.filter(user=request.user, confirmed=True)))
    device = match_token(request.user, token)
    if device is None:
        raise DomainError(WRONG_CODE)
    otp_login(request, device)


class StaffTwoFactorMiddleware:
    """With settings.STAFF_2FA_REQUIRED, a staff member whose session is not verified is sent to enrol (no key
    yet) or to type a code, from any page but those. After django_otp's OTPMiddleware."""

    OPEN = ("two_factor_enrol", "two_factor_verify", "logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.STAFF_2FA_REQUIRED and self._must_verify(request):
            has_key = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            target = "applications:two_factor_verify" if has_key else "applications:two_factor_enrol"
            query = "?" + urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + query)
        return self.get_response(request)

    def _must_verify(self, request) -> bool:
        user = request.user
        # Cheapest first: an applicant's roles are read once a request anyway (roles_for keeps them on the user);
        # resolving the address is only for staff who have not typed their code.
        if not user.is_authenticated or user.is_verified() or not asks_for_a_second_factor(user):
            return False
        if request.path.startswith((settings.STATIC_URL, "/healthz")):
            return False
        match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
        return match is None or match.url_name not in self.OPEN


def _resolve(path: str):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None
