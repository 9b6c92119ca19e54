"""How current the catalog is: every catalog page and the API say when an editor last checked it against the
official publication, and who; while no check is recorded they say so."""

import datetime

import pytest
from django.urls import reverse

from catalog.models import Provision, PublicationCheck

from .workbench import editor

pytestmark = pytest.mark.django_db

NONE_YET = "No check of this catalog against the official publication has been recorded yet."
PAGES = ["/catalog/", "/catalog/acts/", "/catalog/compare/"]


@pytest.fixture(autouse=True)
def in_february_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def aigerim(db):
    return editor("aigerim@example.com", first_name="Aigerim", last_name="Seitkali")


def pages(client):
    provision = Provision.objects.get(act__code="37/RD", appendix=1, paragraph=1)
    return [client.get(url) for url in [*PAGES, reverse("catalog:provision_detail", args=[provision.pk])]]


def test_while_no_check_is_recorded_every_page_and_the_api_say_so(client):
    for response in pages(client):
        assert NONE_YET in response.content.decode(), response.request["PATH_INFO"]
    data = client.get("/api/catalog/", {"on": "2025-12-31"}).json()
    assert data["checked_against_official_publication"] is None
    assert data["checked_sentence"] == NONE_YET


def test_an_editor_records_a_check_and_every_page_names_the_day_and_the_editor(client, aigerim):
    client.force_login(aigerim)
    form = client.get("/admin/catalog/publicationcheck/add/")
    assert form.context["adminform"].form.initial == {"checked_on": datetime.date(2026, 2, 2),
                                                      "shown_name": "Aigerim Seitkali"}  # fmt: skip
    response = client.post(
        "/admin/catalog/publicationcheck/add/",
        {"checked_on": "30.01.2026", "shown_name": "A. Seitkali", "source": "The texts on adilet.zan.kz (test)"},
    )
    assert response.status_code == 302
    check = PublicationCheck.objects.get()
    assert (check.checked_by, check.shown_name) == (aigerim, "A. Seitkali")
    client.logout()
    sentence = "Checked against the official publication on 30.01.2026 by A. Seitkali."
    for response in pages(client):
        page = response.content.decode()
        assert sentence in page and NONE_YET not in page
        assert "aigerim@example.com" not in page
    data = client.get("/api/catalog/").json()
    assert data["checked_against_official_publication"] == {"on": "2026-01-30", "by": "A. Seitkali"}
    assert data["checked_sentence"] == sentence


def test_the_latest_check_is_shown(client, aigerim):
    PublicationCheck.objects.create(checked_on=datetime.date(2026, 1, 20), checked_by=aigerim, shown_name="First")
    PublicationCheck.objects.create(checked_on=datetime.date(2026, 1, 31), checked_by=aigerim, shown_name="Latest")
    PublicationCheck.objects.create(checked_on=datetime.date(2026, 1, 25), checked_by=aigerim, shown_name="Between")
    assert "on 31.01.2026 by Latest." in client.get("/catalog/").content.decode()


def test_a_check_cannot_be_dated_ahead_named_by_e_mail_or_changed(client, aigerim):
    client.force_login(aigerim)
    response = client.post(
        "/admin/catalog/publicationcheck/add/", {"checked_on": "03.02.2026", "shown_name": "aigerim@example.com"}
    )
    errors = response.context["adminform"].form.errors
    assert errors["checked_on"] == ["A check cannot be recorded for a day still to come."]
    assert errors["shown_name"] == ["Enter a name, not an e-mail address: the pages are public."]
    response = client.post("/admin/catalog/publicationcheck/add/", {"checked_on": "01.01.1900", "shown_name": " "})
    errors = response.context["adminform"].form.errors
    assert errors["checked_on"] == ["Check the year: the catalog holds acts from 1991 to 2100."]
    assert errors["shown_name"] == ["Enter your name as the catalog pages should show it."]
    response = client.post("/admin/catalog/publicationcheck/add/", {"checked_on": "30.02.2026", "shown_name": "A"})
    assert response.context["adminform"].form.errors["checked_on"] == ["Enter the date as DD.MM.YYYY, e.g. 31.12.2025."]
    assert not PublicationCheck.objects.exists()
    check = PublicationCheck.objects.create(
        checked_on=datetime.date(2026, 1, 20), checked_by=aigerim, shown_name="A. Seitkali"
    )
    url = f"/admin/catalog/publicationcheck/{check.pk}/change/"
    assert 'name="shown_name"' not in client.get(url).content.decode()
    assert client.post(url, {"checked_on": "21.01.2026", "shown_name": "Someone else"}).status_code == 403
    assert client.post(f"/admin/catalog/publicationcheck/{check.pk}/delete/", {"post": "yes"}).status_code == 403
    check.refresh_from_db()
    assert check.shown_name == "A. Seitkali"


def test_applicants_and_reviewers_cannot_record_a_check(client, member, rev):
    for user in (member, rev):
        client.force_login(user)
        response = client.post("/admin/catalog/publicationcheck/add/", {"checked_on": "30.01.2026",
                                                                        "shown_name": "Intruder"})  # fmt: skip
        assert response.status_code == 302 and response.url.startswith("/admin/login/")
    assert not PublicationCheck.objects.exists()
