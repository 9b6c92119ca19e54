"""Legal text per language: the recorded text is the unofficial English translation (the seed); an editor records
the official Kazakh or Russian text of a wording in admin; a page in a language with no recorded text shows the
English one and says so; a decision freezes every language recorded at the time; the API takes ?lang=.

No real legal text is invented here: the Kazakh and Russian "texts" are obvious test strings."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.review import services as review
from catalog.models import ProvisionVersion, ProvisionVersionText
from tests.factories import submitted_application

from ..review.conftest import approve

pytestmark = pytest.mark.django_db

ON = "31.12.2025"
RU_TEXT = "ТЕСТОВЫЙ ТЕКСТ: официальная редакция пункта на русском (для теста)"
RU_MISSING = "Официальный текст на русском языке не записан; показан неофициальный перевод на английский язык."
KK_MISSING = "Қазақ тіліндегі ресми мәтін жазылмаған; ағылшын тіліне ресми емес аударма көрсетілген."


def first_activity() -> ProvisionVersion:
    return (
        ProvisionVersion.objects.in_force(on=datetime.date(2025, 12, 31))
        .filter(provision__appendix=1, text_recorded=True)
        .order_by("provision__paragraph")
        .first()
    )


def page(language: str, url: str = "/catalog/", **query) -> str:
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(url, query or {"on": ON})
    assert response.status_code == 200
    return response.content.decode()


def test_without_a_recorded_text_the_english_one_is_shown_with_a_plain_badge():
    english = first_activity().text
    ru = page("ru")
    assert english in ru and ru.count(RU_MISSING) >= 1
    kk = page("kk")
    assert english in kk and KK_MISSING in kk
    en = page("en")
    assert english in en and "not recorded; unofficial English translation shown" not in en


def test_an_official_russian_text_is_shown_to_russian_readers_only():
    version = first_activity()
    ProvisionVersionText.objects.create(version=version, language="ru", text=RU_TEXT)
    ru = page("ru")
    assert RU_TEXT in ru and "Официальный текст на русском языке" in ru
    assert f'lang="ru">{RU_TEXT}' in ru
    assert RU_TEXT not in page("en") and RU_TEXT not in page("kk")
    history = page("ru", reverse("catalog:provision_detail", args=[version.provision_id]), on=ON)
    assert RU_TEXT in history


def test_the_catalog_page_reads_the_language_texts_in_one_query():
    english, russian = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="ru")
    with CaptureQueriesContext(connection) as en:
        english.get("/catalog/", {"on": ON})
    with CaptureQueriesContext(connection) as ru_none:
        russian.get("/catalog/", {"on": ON})
    for version in ProvisionVersion.objects.all()[:5]:
        ProvisionVersionText.objects.create(version=version, language="ru", text=f"ТЕСТ {version.pk}")
    with CaptureQueriesContext(connection) as ru_five:
        russian.get("/catalog/", {"on": ON})
    # English reads nothing more; Russian one query more for its texts, however many are recorded.
    assert len(ru_none) == len(ru_five) == len(en) + 1


def test_the_api_says_which_language_it_returns_and_whether_it_is_official(client):
    version = first_activity()
    ProvisionVersionText.objects.create(version=version, language="ru", text=RU_TEXT)

    def item(lang):
        data = client.get("/api/catalog/", {"on": "2025-12-31", "lang": lang}).json()
        assert data["language"] == lang
        return next(i for i in data["activities"] if i["paragraph"] == version.provision.paragraph), data

    ru, ru_data = item("ru")
    assert (ru["text"], ru["language"], ru["official"], ru["language_notice"]) == (RU_TEXT, "ru", True, None)
    kk, _data = item("kk")
    assert (kk["text"], kk["language"], kk["official"]) == (version.text, "en", False)
    assert kk["language_notice"] == KK_MISSING
    en, _data = item("en")
    assert (en["text"], en["language"], en["official"], en["language_notice"]) == (version.text, "en", False, None)
    assert ru_data["checked_sentence"].startswith("Сверка")  # the notices are in the language asked for


@pytest.mark.parametrize("lang", ["xx", "ru" * 500, "<script>", "RU"])
def test_the_api_refuses_a_language_it_does_not_offer(client, lang):
    response = client.get("/api/catalog/", {"on": "2025-12-31", "lang": lang})
    assert response.status_code == 400
    assert "Unknown language" in response.json()["error"] and len(response.json()["error"]) < 200
    in_russian = client.get("/api/catalog/", {"on": "2025-12-31", "lang": lang}, headers={"accept-language": "ru"})
    assert in_russian.json()["error"].startswith("Неизвестный язык")


def test_a_decision_freezes_every_language_recorded_at_the_time(member, organisation, rev):
    application = submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 3, 3))
    claim = application.claims.select_related("provision_version").order_by("provision__paragraph").first()
    version = claim.provision_version
    official = ProvisionVersionText.objects.create(version=version, language="ru", text=RU_TEXT)
    review.application_take(application=application, user=rev, no_conflict=True)
    decision = approve(application, rev)
    frozen = next(a for a in decision.confirmed_activities if a["version_id"] == version.pk)
    assert frozen["texts"] == {"ru": {"text": RU_TEXT, "footnote": "", "official": True}}

    # Corrected or added later: the decision keeps what it relied on.
    official.text = "ИСПРАВЛЕНО ПОЗЖЕ (тест)"
    official.save()
    ProvisionVersionText.objects.create(version=version, language="kk", text="КЕЙІН ҚОСЫЛДЫ (тест)")
    letter = reverse("applications:letter", args=[application.reference])
    client = Client(HTTP_ACCEPT_LANGUAGE="ru")
    client.force_login(member)
    ru = client.get(letter).content.decode()
    assert RU_TEXT in ru and "ИСПРАВЛЕНО ПОЗЖЕ" not in ru and "Официальный текст на русском языке" in ru
    assert "Приложение 1, пункт" in ru
    kk_client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    kk_client.force_login(member)
    kk = kk_client.get(letter).content.decode()
    assert "КЕЙІН ҚОСЫЛДЫ" not in kk and version.text in kk and KK_MISSING in kk


def test_an_editor_records_an_official_text_in_admin_with_history(client, editor):
    version = first_activity()
    client.force_login(editor)
    add = reverse("admin:catalog_provisionversiontext_add")
    assert client.get(add).status_code == 200
    response = client.post(add, {"version": version.pk, "language": "ru", "official": "on", "text": RU_TEXT})
    assert response.status_code == 302
    recorded = ProvisionVersionText.objects.get(version=version, language="ru")
    assert recorded.official and recorded.history.get().history_user == editor
    # Twice the same language for one wording, or a blank text: refused with the reason, never a 500.
    again = client.post(add, {"version": version.pk, "language": "ru", "text": "другое"})
    assert again.status_code == 200 and ProvisionVersionText.objects.count() == 1
    blank = client.post(add, {"version": version.pk, "language": "kk", "text": ""})
    assert blank.status_code == 200 and ProvisionVersionText.objects.count() == 1
    oversized = client.post(add, {"version": version.pk, "language": "en", "text": "x" * 50})
    assert oversized.status_code == 200  # English is the recorded language, not a choice here
    # Nothing is ever deleted.
    delete = reverse("admin:catalog_provisionversiontext_delete", args=[recorded.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ProvisionVersionText.objects.filter(pk=recorded.pk).exists()


def test_only_catalog_editors_record_official_texts(client, rev, member):
    add = reverse("admin:catalog_provisionversiontext_add")
    for user in (rev, member):
        client.force_login(user)
        response = client.get(add)
        assert response.status_code in (302, 403)
    assert not ProvisionVersionText.objects.exists()


def test_the_applicant_s_answers_quote_the_wording_in_their_language(member, organisation):
    application = submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 3, 3))
    version = application.claims.order_by("provision__paragraph").first().provision_version
    ProvisionVersionText.objects.create(version=version, language="ru", text=RU_TEXT)
    detail = reverse("applications:detail", args=[application.reference])
    for language, expected, absent in (("ru", RU_TEXT, version.text), ("kk", KK_MISSING, RU_TEXT)):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(member)
        content = client.get(detail).content.decode()
        assert expected in content, language
        assert absent not in content or language == "kk", language


def test_a_wording_s_admin_page_leads_the_editor_to_its_official_texts(client, editor):
    version = first_activity()
    recorded = ProvisionVersionText.objects.create(version=version, language="ru", text=RU_TEXT)
    client.force_login(editor)
    content = client.get(reverse("admin:catalog_provisionversion_change", args=[version.pk])).content.decode()
    assert f"{reverse('admin:catalog_provisionversiontext_add')}?version={version.pk}" in content
    assert reverse("admin:catalog_provisionversiontext_change", args=[recorded.pk]) in content
    add = client.get(reverse("admin:catalog_provisionversiontext_add"), {"version": version.pk})
    assert add.status_code == 200 and f'value="{version.pk}" selected' in add.content.decode()
