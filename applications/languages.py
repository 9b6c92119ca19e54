"""The language a person sees and is written to: their choice, kept on the account (UserPreference) and, for
visitors, in the language cookie; else the browser's Accept-Language; else English (LANGUAGE_CODE). URLs never
change with the language.

How it is applied without a query on every page: at login the account's language is copied into the session
(`remember_on_login`), and `AccountLanguageMiddleware` activates the session's language after Django's
LocaleMiddleware (which read the cookie and Accept-Language). Choosing a language (`language_choose`) writes
the account, the session and the cookie together.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.utils import translation

from .models import UserPreference

SESSION_KEY = "account_language"


def offered(language: str | None) -> bool:
    return language in dict(settings.LANGUAGES)


def account_language(user) -> str:
    """The language the user chose, or '' when they never chose one."""
    if not getattr(user, "is_authenticated", False):
        return ""
    language = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return language if offered(language) else ""


@transaction.atomic
def user_language_set(*, user, language: str) -> UserPreference:
    """Record `language` as `user`'s choice (the interface and their e-mails)."""
    if not offered(language):
        raise ValueError(f"Language {language!r} is not offered")
    preference, _created = UserPreference.objects.update_or_create(user=user, defaults={"language": language})
    return preference


def language_choose(request, language: str) -> None:
    """The person at `request` chose `language`: kept on their account if they are logged in, and in their
    session; the view's response sets the cookie (django.views.i18n.set_language)."""
    if request.user.is_authenticated:
        user_language_set(user=request.user, language=language)
        request.session[SESSION_KEY] = language


@receiver(user_logged_in, dispatch_uid="applications.languages.remember_on_login")
def remember_on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    language = account_language(user)
    if language:
        request.session[SESSION_KEY] = language
        translation.activate(language)
        request.LANGUAGE_CODE = language


class AccountLanguageMiddleware:
    """After LocaleMiddleware: the language kept on the logged-in account wins over the cookie and the
    browser's. Reads the session only, which authentication loads anyway (no query of its own)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request.session.get(SESSION_KEY)  # only a login or a choice puts it there; logout clears it
        if offered(language):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if offered(language) and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            # The cookie follows the account, so that the page after logging out stays in that language.
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
