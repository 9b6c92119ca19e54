"""The language a person sees: their choice (the switcher, kept on the account and in the cookie for visitors),
else the browser's Accept-Language, else English; URLs never change; dates stay DD.MM.YYYY; e-mails go out in
each recipient's language."""

import datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from applications.languages import user_language_set
from applications.models import Notification, UserPreference
from applications.notifications import email_language, notification_write
from catalog.models import format_date
from tests.factories import UserFactory, member_of, submitted_application

pytestmark = pytest.mark.django_db

HOME = "/catalog/"
# The switcher's legend in each language: proof the page is in that language.
LEGEND = {"en": "Language of the site", "ru": "Язык сайта", "kk": "Сайт тілі"}


def language_of(response) -> str:
    assert response.status_code == 200
    page = response.content.decode()
    [language] = [code for code, legend in LEGEND.items() if legend in page]
    assert f'<html lang="{language}">' in page
    return language


def test_english_unless_the_browser_asks_otherwise(client):
    assert language_of(client.get(HOME)) == "en"
    assert language_of(client.get(HOME, HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9,en;q=0.8")) == "ru"
    assert language_of(client.get(HOME, HTTP_ACCEPT_LANGUAGE="kk")) == "kk"
    assert language_of(client.get(HOME, HTTP_ACCEPT_LANGUAGE="de-DE")) == "en"  # not offered: English


def test_the_switcher_offers_each_language_named_in_itself(client):
    page = client.get(HOME).content.decode()
    assert 'action="/language/"' in page
    for code, name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in page and f">{name}</button>" in page
    assert page.count('aria-current="true"') >= 1


def test_a_visitor_chooses_a_language_kept_in_the_cookie_and_the_url_does_not_change(client):
    response = client.post("/language/", {"language": "kk", "next": HOME})
    assert response.status_code == 302 and response.url == HOME
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
    assert language_of(client.get(HOME, HTTP_ACCEPT_LANGUAGE="ru")) == "kk"  # the choice beats the browser
    assert UserPreference.objects.count() == 0


def test_a_user_s_choice_is_kept_on_the_account_and_follows_them_to_another_browser(client, member):
    client.force_login(member)
    client.post("/language/", {"language": "ru", "next": HOME})
    assert UserPreference.objects.get(user=member).language == "ru"
    assert language_of(client.get(HOME)) == "ru"

    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")
    elsewhere.force_login(member)  # logging in restores the account's language
    response = elsewhere.get(HOME)
    assert language_of(response) == "ru"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"  # the cookie follows the account
    elsewhere.post("/accounts/logout/")
    assert language_of(elsewhere.get(HOME)) == "ru"  # logged out: the cookie still says Russian


@pytest.mark.parametrize(
    "data",
    [{"language": "xx"}, {"language": "ru" * 5000}, {"language": "<script>"}, {}, {"language": ["ru", "kk"]}],
    ids=["unknown", "oversized", "hostile", "missing", "twice"],
)
def test_a_language_not_offered_changes_nothing(client, member, data):
    client.force_login(member)
    response = client.post("/language/", {**data, "next": HOME})
    assert response.status_code == 302
    if data.get("language") != ["ru", "kk"]:
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        assert not UserPreference.objects.exists()
    assert client.get(HOME).status_code == 200


def test_the_switcher_never_redirects_off_the_site_and_refuses_get(client):
    response = client.post("/language/", {"language": "ru", "next": "https://evil.example.com/"})
    assert response.status_code == 302 and response.url == "/"
    assert client.get("/language/").status_code == 405


def test_the_language_choice_needs_the_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/language/", {"language": "ru"}).status_code == 403


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_dates_are_dd_mm_yyyy_in_every_language(language):
    day = datetime.date(2025, 3, 8)
    with translation.override(language):
        assert format_date(day) == "08.03.2025"
        assert Template("{{ day|date }} {{ day|date:'SHORT_DATE_FORMAT' }}").render(Context({"day": day})) == (
            "08.03.2025 08.03.2025"
        )


def test_email_language_is_the_account_s_choice_else_english(member):
    assert email_language(member) == "en"
    user_language_set(user=member, language="kk")
    assert email_language(member) == "kk"
    with pytest.raises(ValueError):
        user_language_set(user=member, language="de")


def test_each_member_of_an_organisation_is_written_to_in_their_language(member, organisation):
    russian, kazakh = UserFactory(email="ru@example.com"), UserFactory(email="kk@example.com")
    member_of(organisation, russian)
    member_of(organisation, kazakh)
    user_language_set(user=russian, language="ru")
    user_language_set(user=kazakh, language="kk")
    application = submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 3, 3))
    written = notification_write(application=application, kind=Notification.Kind.SUBMITTED)
    by_recipients = {tuple(n.recipients): n.subject for n in written}
    assert by_recipients == {
        ("kk@example.com",): f"{application.reference} өтінімі алынды",
        ("ru@example.com",): f"Заявка {application.reference} получена",
        ("member@example.com",): f"Application {application.reference} received",
    }


def test_account_e_mails_go_out_in_the_language_the_person_was_reading(client):
    """Signing up in Kazakh: the e-mail that confirms the address is in Kazakh (the account has no choice yet)."""
    password = "Qazaq-steppe-eagle-2025!"
    response = client.post(
        "/accounts/signup/",
        {"email": "aigerim@qazaqcode.kz", "password1": password, "password2": password},
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert "Поштаңызды тексеріңіз" in response.content.decode()  # "Check your e-mail", in Kazakh
    written = Notification.objects.get(recipients=["aigerim@qazaqcode.kz"])
    assert written.subject == "Astana Hub өтінімдерді қарау жүйесі үшін электрондық пошта мекенжайыңызды растаңыз"


@pytest.mark.parametrize(
    "language,heading", [("ru", "Страница не найдена"), ("kk", "Бет табылмады"), ("en", "Page not found")]
)
def test_error_pages_speak_the_reader_s_language(client, language, heading):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404 and heading in response.content.decode()


def test_the_admin_labels_of_our_models_are_translated(client, editor):
    client.force_login(editor)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Правовой каталог" in page and "Изменения каталога" in page
