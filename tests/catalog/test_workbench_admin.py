"""The editors' one-page entry of a change in Django admin, its review page, and the four-eyes steps."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from catalog.models import CatalogChange, ChangeRow, LegalAct, Provision, ProvisionVersion
from catalog.selectors import catalog_on

from .workbench import (
    ADD_URL,
    SUCCESSOR,
    Kind,
    act,
    amendment_post,
    current,
    editor,
    facts_data,
    form_errors,
    formset,
    list_post,
    successor_list,
)

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def in_february_2026(time_machine):
    """02.02.2026: 37/RD was abrogated from 01.01.2026 and no list is in force, the situation of issue 10."""
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def aigerim(db):
    return editor("aigerim@example.com", first_name="Aigerim", last_name="Seitkali")


@pytest.fixture
def daniyar(db):
    return editor("daniyar@example.com", first_name="Daniyar", last_name="Omarov")


def text_of(response) -> str:
    """The page's text as a person reads it, buttons' labels included, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<input[^>]*type="submit"[^>]*value="([^"]*)"[^>]*>', r" \1 ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def review_url(change) -> str:
    return reverse("admin:catalog_catalogchange_review", args=[change.pk])


def action_url(change, action: str) -> str:
    return reverse("admin:catalog_catalogchange_action", args=[change.pk, action])


# --- a successor list on one page, then four eyes ---------------------------------------------------------


def test_an_editor_enters_a_successor_list_on_one_page_and_another_publishes_it(client, aigerim, daniyar):
    client.force_login(aigerim)
    chooser = client.get(ADD_URL)
    assert "What are you entering?" in text_of(chooser)
    form = client.get(ADD_URL, {"kind": "list"})
    page = text_of(form)
    assert "A new list of priority activities" in page
    assert "Activities (Appendix 1)" in page and "Criteria of own production (Appendix 2)" in page
    assert 'type="checkbox" name="rows-2-0-accepted_certificate_kinds" value="st_kz"' in form.content.decode()

    response = client.post(f"{ADD_URL}?kind=list", list_post())
    change = CatalogChange.objects.get()
    assert response.status_code == 302
    assert response.url == review_url(change)
    assert (change.kind, change.state, change.created_by) == (Kind.LIST, "draft", aigerim)
    assert change.rows.filter(appendix=1).count() == 3
    assert sorted(r.accepted_certificate_kinds for r in change.rows.filter(appendix=2)) == [
        [],
        ["st_kz", "industrial"],
    ]
    # Nothing is published: the catalog, the acts and the API know nothing of it.
    assert not LegalAct.objects.filter(code="45/TEST").exists()
    assert not catalog_on(ON).in_force

    review = client.get(review_url(change))
    page = text_of(review)
    assert "Draft · A new list of priority activities · not published" in page
    assert "Entered by Aigerim Seitkali, 02.02.2026" in page
    assert "Test activity two: data processing services (test data)." in page
    assert "3 added · 0 changed · 0 removed" in page or "5 added · 0 changed · 0 removed" in page
    assert "You entered this change" not in page  # a draft: the author's next step is to submit it

    response = client.post(action_url(change, "submit"))
    assert response.url == review_url(change)
    change.refresh_from_db()
    assert change.state == "awaiting_approval"
    page = text_of(client.get(review_url(change)))
    assert "You entered this change, so another catalog editor must approve it: publishing needs four eyes." in page
    assert "Approve and publish" not in page

    # The author cannot publish it, even by posting directly.
    client.post(action_url(change, "publish"), {"revision": change.revision})
    change.refresh_from_db()
    assert change.state == "awaiting_approval"
    assert not LegalAct.objects.filter(code="45/TEST").exists()

    client.force_login(daniyar)
    review = client.get(review_url(change))
    page = text_of(review)
    assert "Approve and publish" in page
    assert "Today's catalog (02.02.2026) compared with the catalog on 01.03.2026 with this change" in page
    assert "5 added · 0 changed · 0 removed" in page
    response = client.post(action_url(change, "publish"), {"revision": change.revision})
    assert response.url == review_url(change)
    change.refresh_from_db()
    assert (change.state, change.approved_by) == ("published", daniyar)
    assert change.act == act("45/TEST")
    result = catalog_on(ON)
    assert result.act.code == "45/TEST"
    assert [v.text for v in result.activities] == [t for _n, t, _f in
                                                   [(1, "Test activity one: software development (test data).", ""),
                                                    (2, "Test activity two: data processing services (test data).", ""),
                                                    (3, "Test activity three: computing infrastructure (test data).",
                                                     "")]]  # fmt: skip
    assert result.accepted_certificate_kinds == {"st_kz", "industrial"}
    assert result.criteria_state == "listed"
    page = text_of(client.get(review_url(change)))
    assert "Approved and published by Daniyar Omarov, 02.02.2026" in page
    assert "Entered by Aigerim Seitkali, 02.02.2026" in page


def test_both_names_and_times_are_in_the_catalogs_history(client, aigerim, daniyar):
    change = successor_list(aigerim)
    client.force_login(aigerim)
    client.post(action_url(change, "submit"))
    client.force_login(daniyar)
    client.post(action_url(change, "publish"), {"revision": change.revision})
    listed = act("45/TEST")
    record = listed.history.get()
    assert record.history_user == daniyar
    assert record.history_change_reason == (
        f"Change #{change.pk} (New list 45/TEST): entered by Aigerim Seitkali on 02.02.2026 15:00, approved and "
        "published by Daniyar Omarov on 02.02.2026 15:00"
    )
    wording = ProvisionVersion.objects.filter(provision__act=listed).first()
    assert wording.history.get().history_change_reason == record.history_change_reason
    changelist = text_of(client.get("/admin/catalog/catalogchange/"))
    assert (
        "New list 45/TEST Published Aigerim Seitkali, 02.02.2026 15:00 Daniyar Omarov, 02.02.2026 15:00" in changelist
    )
