"""Django admin for catalog editors: the law's tables are read-only for everyone; changes go through drafts."""

import pytest
from django.contrib.auth.models import Group

from catalog.apps import CATALOG_EDITORS
from catalog.models import LegalAct, Provision, ProvisionVersion
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, editor):
    response = client.post("/admin/login/?next=/admin/", {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302, "the catalog editor could not log into admin"
    return client


def paragraph(number: int) -> Provision:
    return Provision.objects.get(act__code="37/RD", appendix=1, paragraph=number)


def test_the_group_views_the_law_and_works_on_changes_but_never_edits_the_law_directly():
    group = Group.objects.get(name=CATALOG_EDITORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in ("legalact", "provision", "provisionversion"):
        assert f"view_{model}" in codenames
        assert not {f"add_{model}", f"change_{model}", f"delete_{model}"} & codenames
    assert {"add_catalogchange", "change_catalogchange", "view_catalogchange", "publish_catalogchange"} <= codenames
    assert "delete_catalogchange" not in codenames
    assert {"add_publicationcheck", "view_publicationcheck"} <= codenames
    assert not {"change_publicationcheck", "delete_publicationcheck"} & codenames


def test_a_catalog_editor_logs_into_admin_and_sees_the_catalog_and_the_changes(editor_client):
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    for url in (
        "/admin/catalog/legalact/",
        "/admin/catalog/provision/",
        "/admin/catalog/provisionversion/",
        "/admin/catalog/catalogchange/",
        "/admin/catalog/publicationcheck/",
    ):
        assert url in page
    assert "/admin/auth/user/" not in page  # editors edit the catalog, not the accounts
    assert "/admin/catalog/legalact/add/" not in page


@pytest.mark.parametrize("who", ["editor", "admin"])
def test_nobody_edits_adds_or_deletes_the_law_in_admin(client, editor, admin_user, who):
    client.force_login(editor if who == "editor" else admin_user)
    act = LegalAct.objects.get(code="413/NK")
    version = paragraph(2).versions.get()
    assert client.get("/admin/catalog/legalact/add/").status_code == 403
    assert client.get("/admin/catalog/provisionversion/add/").status_code == 403
    page = client.get(f"/admin/catalog/legalact/{act.pk}/change/").content.decode()
    assert 'name="effective_from"' not in page  # shown, not editable
    assert "Correct or confirm this act’s dates and facts" in page
    assert f"/admin/catalog/catalogchange/add/?kind=act_facts&amp;target_act={act.pk}" in page
    response = client.post(f"/admin/catalog/legalact/{act.pk}/change/", {"effective_from": "15.10.2023"})
    assert response.status_code == 403
    act.refresh_from_db()
    assert str(act.effective_from) == "2023-10-01"
    response = client.post(f"/admin/catalog/provisionversion/{version.pk}/change/", {"text": "rewritten"})
    assert response.status_code == 403
    assert client.post(f"/admin/catalog/provisionversion/{version.pk}/delete/", {"post": "yes"}).status_code == 403
    version.refresh_from_db()
    assert version.text.startswith("Fundamental") or version.text  # unchanged
    assert ProvisionVersion.objects.filter(pk=version.pk).exists()


def test_a_wording_not_recorded_offers_to_enter_its_text(editor_client):
    gap = paragraph(1).versions.get(text_recorded=False)
    page = editor_client.get(f"/admin/catalog/provisionversion/{gap.pk}/change/").content.decode()
    assert "Enter this wording’s text" in page
    assert f"/admin/catalog/catalogchange/add/?kind=wording&amp;version={gap.pk}" in page
    recorded = paragraph(2).versions.get()
    page = editor_client.get(f"/admin/catalog/provisionversion/{recorded.pk}/change/").content.decode()
    assert "Enter this wording’s text" not in page
    assert "Certificate kinds accepted" in page or "certificate kinds accepted" in page.lower()


def test_certificate_kinds_are_shown_in_words_never_as_json(editor_client):
    criteria = Provision.objects.get(act__code="37/RD", appendix=2, paragraph=2).versions.get()
    page = editor_client.get(f"/admin/catalog/provisionversion/{criteria.pk}/change/").content.decode()
    assert "Certificate of origin of goods in form &quot;ST-KZ&quot;, Industrial certificate" in page
    assert "[&quot;st_kz&quot;" not in page and '["st_kz"' not in page


def test_the_history_page_lists_who_changed_a_wording(editor_client):
    version = paragraph(2).versions.get()
    response = editor_client.get(f"/admin/catalog/provisionversion/{version.pk}/history/")
    assert response.status_code == 200
    assert "Loaded from the published text" in response.content.decode()
