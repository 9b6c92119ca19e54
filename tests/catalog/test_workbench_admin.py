"""The editors' one-page entry of a change in Django admin, its review page, and the four-eyes steps."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from catalog.models import CatalogChange, LegalAct, ProvisionVersion
from catalog.selectors import catalog_on

from .workbench import (
    ACTIVITIES,
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
    assert "5 added · 0 changed · 0 removed" in page
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
    assert [v.text for v in result.activities] == [text for _n, text, _f in ACTIVITIES]
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


# --- every message says what to change, beside the field, and nothing typed is lost ---------------------------


def post_list(client, **overrides):
    activities = overrides.pop("activities", None)
    criteria = overrides.pop("criteria", None)
    kwargs = {}
    if activities is not None:
        kwargs["activities"] = activities
    if criteria is not None:
        kwargs["criteria"] = criteria
    data = list_post(overrides.pop("facts", {}), **kwargs)
    data.update(overrides)
    return client.post(f"{ADD_URL}?kind=list", data)


def test_the_facts_of_a_list_are_checked_field_by_field(client, aigerim):
    client.force_login(aigerim)
    response = post_list(
        client,
        facts={"code": "37/rd", "title": "", "signed_on": datetime.date(2026, 3, 5), "registered_on": "",
               "effective_from": datetime.date(2026, 3, 1), "effective_from_confirmed": False},
        registration_number="12345",
    )  # fmt: skip
    assert response.status_code == 200
    assert CatalogChange.objects.count() == 0
    errors = form_errors(response)
    assert errors["code"] == [
        "An act with the code 37/RD is already in the catalog. Check the code as printed on the act."
    ]
    assert errors["title"] == ["Enter the act's title as printed."]
    assert errors["registered_on"] == ["Give both the registration number and the date of registration, or neither."]
    assert errors["effective_from"] == ["An act cannot take effect before it is signed (05.03.2026): check both dates."]
    assert errors["effective_from_basis"] == [
        "Say how the unconfirmed date was estimated (e.g. ten calendar days after signing), or tick that the date "
        "is confirmed."
    ]
    page = response.content.decode()
    for message in errors["code"] + errors["registered_on"]:
        assert escape(message) in page
    # What was typed is still there, rows included.
    assert 'value="37/rd"' in page and 'value="12345"' in page
    assert "Test activity three: computing infrastructure (test data)." in page


def test_dates_and_codes_that_are_not_what_they_claim(client, aigerim):
    client.force_login(aigerim)
    response = post_list(client, facts={"code": "<script>alert(1)</script>", "signed_on": "31.02.2026",
                                        "effective_from": "01.03.0001", "valid_until": "01.01.2026"})  # fmt: skip
    errors = form_errors(response)
    assert errors["code"] == ["Use the code as printed, e.g. 45/NK: letters, digits, “/”, “-” and “.” only."]
    assert errors["signed_on"] == ["Enter the date as DD.MM.YYYY, e.g. 31.12.2025."]
    assert errors["effective_from"] == ["Check the year: the catalog holds acts from 1991 to 2100."]
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert CatalogChange.objects.count() == 0


def test_a_list_overlapping_37_rd_is_refused_with_the_dates_to_check(client, aigerim):
    client.force_login(aigerim)
    response = post_list(
        client, facts={"signed_on": datetime.date(2025, 11, 1), "effective_from": datetime.date(2025, 12, 1)}
    )
    assert form_errors(response)["effective_from"] == [
        "Order 37/RD is in force from 27.04.2019 until 01.01.2026; with these dates both lists would be in force on "
        "the same days. Check the dates, or first publish the act that ends 37/RD."
    ]


def test_the_rows_of_a_list_are_checked(client, aigerim):
    client.force_login(aigerim)
    response = post_list(
        client,
        activities=[(1, "A (test data).", ""), (1, "B (test data).", ""), (2, "", ""), ("x", "C (test data).", "")],
        criteria=[(1, "Criteria (test data).", "", [])],
    )
    errors = form_errors(response)
    assert errors["rows-1-__all__"] == ["Paragraph 1 appears twice in Appendix 1: number each paragraph once."]
    assert errors["rows-2-text"] == ["Enter the paragraph's wording, verbatim."]
    assert errors["rows-3-paragraph"] == ["Enter the paragraph's number, e.g. 3."]
    assert errors["rows-2"] == [
        "Tick, on the paragraph that names them, the certificate kinds these criteria accept: otherwise no "
        "applicant's goods could ever meet them."
    ]

    response = post_list(client, activities=[], criteria=[])
    errors = form_errors(response)
    assert errors["rows"] == ["Enter at least one activity: a list without activities cannot be published."]
    assert errors["rows-2"] == [
        "Enter the list's criteria of own production (Appendix 2), or, if it sets none, tick “this list sets no "
        "criteria of own production” above."
    ]
    response = post_list(client, facts={"sets_no_own_production_criteria": True})
    assert form_errors(response)["rows-2"] == [
        "You ticked “this list sets no criteria of own production” and entered criteria: untick it, or remove the "
        "criteria."
    ]
    assert CatalogChange.objects.count() == 0

    # Stating that it sets none, with no criteria: saved.
    response = post_list(client, facts={"sets_no_own_production_criteria": True}, criteria=[])
    assert response.status_code == 302
    assert CatalogChange.objects.get().sets_no_own_production_criteria is True


def test_hostile_rows_are_refused_not_a_500(client, aigerim):
    client.force_login(aigerim)
    response = post_list(client, activities=[(1, "x" * 10_001, "")])
    assert form_errors(response)["rows-0-text"] == [
        "This is 10001 characters long; at most 10000 fit here. Check what was pasted."
    ]
    response = post_list(client, criteria=[(1, "Criteria (test data).", "", ["st_kz", "gold"])])
    assert form_errors(response)["rows-2-0-accepted_certificate_kinds"] == ["Tick only the certificate kinds shown."]
    response = post_list(client, activities=[(100_000, "A (test data).", ""), (-1, "B (test data).", "")])
    errors = form_errors(response)
    assert errors["rows-0-paragraph"] == ["A paragraph number is between 1 and 999."]
    assert "rows-1-paragraph" in errors
    # More rows than a change may hold: a message, not a 500 (Django caps the forms it builds).
    data = list_post()
    data.update(formset("rows", [{"paragraph": i, "text": f"A{i}", "footnote": ""} for i in range(1, 202)]))
    response = client.post(f"{ADD_URL}?kind=list", data)
    assert form_errors(response)["rows"] == ["A change holds at most 200 rows here: enter the rest in a second change."]
    # A forged management form.
    data = list_post()
    del data["rows-TOTAL_FORMS"]
    response = client.post(f"{ADD_URL}?kind=list", data)
    assert response.status_code == 200
    assert CatalogChange.objects.count() == 0
    # Markup typed into a wording is kept as text and shown escaped.
    response = post_list(client, activities=[(1, "<b>bold</b> & <script>alert(1)</script> (test data)", "")])
    change = CatalogChange.objects.get()
    page = client.get(review_url(change)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_an_unknown_kind_or_act_gives_the_chooser_not_an_error(client, aigerim):
    client.force_login(aigerim)
    for query in ({"kind": "nonsense"}, {"kind": "<x>"}, {"kind": "act_facts"}):
        response = client.get(ADD_URL, query)
        assert response.status_code == 200
        assert "What are you entering?" in text_of(response)
    response = client.get(ADD_URL, {"kind": "act_facts", "target_act": "abc"})
    assert response.status_code == 200
    response = client.get(ADD_URL, {"kind": "wording", "version": "abc"})
    assert response.status_code == 200
    response = client.post(f"{ADD_URL}?kind=act_facts", {"target_act": "99999", "signed_on": "01.01.2020"})
    assert form_errors(response)["target_act"] == ["Choose one of the acts shown."]


# --- an amendment: the paragraph in force beside the new wording ----------------------------------------------


@pytest.fixture
def successor(aigerim, daniyar):
    from catalog.changes import change_publish, change_submit

    change = successor_list(aigerim)
    change_submit(change=change, user=aigerim)
    change.refresh_from_db()
    change_publish(change=change, user=daniyar, revision=change.revision)
    return act("45/TEST")


AMENDMENT = {
    "code": "46/TEST",
    "title": "A hypothetical amendment (test data)",
    "signed_on": datetime.date(2026, 5, 10),
    "effective_from": datetime.date(2026, 6, 1),
    "effective_from_confirmed": True,
}


def test_an_amendment_shows_the_wording_in_force_and_saves_what_it_changes(client, aigerim, successor):
    client.force_login(aigerim)
    form = client.get(ADD_URL, {"kind": "amendment"})
    page = form.content.decode()
    two = current("45/TEST", 1, 2)
    # The paragraphs in force to choose from, and their wordings for the box beside the new one.
    assert f'<option value="{two.pk}">Appendix 1, paragraph 2: Test activity two: data processing' in page
    assert form.context["current_wordings"][str(two.pk)]["text"] == two.text
    assert 'id="current-wordings"' in page and "catalog/admin/change.js" in page

    rows = [
        {"action": "rewrite", "target": two.pk, "text": "Test activity two, rewritten (test data)."},
        {"action": "add", "appendix": "1", "paragraph": "4", "text": "Test activity four (test data)."},
        {"action": "repeal", "target": current("45/TEST", 1, 3).pk},
    ]
    response = client.post(f"{ADD_URL}?kind=amendment", amendment_post({**AMENDMENT, "amends": successor}, rows))
    assert response.status_code == 302, form_errors(response)
    change = CatalogChange.objects.get(kind=Kind.AMENDMENT)
    assert [(r.action, r.appendix, r.paragraph) for r in change.rows.all()] == [
        ("rewrite", 1, 2), ("repeal", 1, 3), ("add", 1, 4)
    ]  # fmt: skip
    page = text_of(client.get(review_url(change), {"on": "01.06.2026"}))
    assert "Wording in force Test activity two: data processing services (test data)." in page
    assert "New wording Test activity two, rewritten (test data)." in page
    assert "1 added · 1 changed · 1 removed" in page
    # Editing shows the saved rows with their paragraph in force.
    edit = client.get(reverse("admin:catalog_catalogchange_change", args=[change.pk])).content.decode()
    assert f'<option value="{two.pk}" selected>' in edit


def test_the_rows_of_an_amendment_are_checked_against_the_list_in_force(client, aigerim, successor):
    client.force_login(aigerim)
    two, old_four = current("45/TEST", 1, 2), current("37/RD", 1, 4)
    rows = [
        {"action": "rewrite", "target": two.pk, "text": two.text},
        {"action": "repeal", "target": current("45/TEST", 1, 3).pk, "text": "Something (test data)."},
        {"action": "add", "appendix": "1", "paragraph": "1", "text": "Again (test data)."},
        {"action": "rewrite", "target": old_four.pk, "text": "Other list (test data)."},
        {"action": "rewrite", "target": "999999", "text": "Forged (test data)."},
        {"action": "add", "appendix": "1", "paragraph": "", "text": "No number (test data).",
         "accepted_certificate_kinds": ["st_kz"]},
        {"action": "", "text": "Undecided (test data)."},
        {"action": "abolish", "appendix": "7", "paragraph": "2", "text": "Forged (test data)."},
    ]  # fmt: skip
    response = client.post(f"{ADD_URL}?kind=amendment", amendment_post({**AMENDMENT, "amends": successor}, rows))
    errors = form_errors(response)
    assert errors["rows-0-text"] == [
        "The new wording is the same as the wording in force: change it, or remove this row."
    ]
    assert errors["rows-1-text"] == [
        "A repealed paragraph has no new wording: clear the wording and footnote, or choose “rewrites”."
    ]
    assert errors["rows-2-paragraph"] == [
        "Appendix 1, paragraph 1 of 45/TEST is in force on 01.06.2026: choose “rewrites a paragraph” to change it."
    ]
    assert errors["rows-3-target"] == [
        "37/RD Appendix 1, paragraph 4 belongs to order 37/RD, not to 45/TEST, which this amendment amends."
    ]
    assert errors["rows-4-target"] == [
        "Choose a paragraph from the list: the one sent is not a wording that can be changed here."
    ]
    assert errors["rows-5-paragraph"] == ["Give the added paragraph's number."]
    assert errors["rows-5-accepted_certificate_kinds"] == [
        "Certificate kinds belong to criteria of own production (Appendix 2): untick them here."
    ]
    assert errors["rows-6-action"] == ["Choose what this row does: rewrites, adds or repeals a paragraph."]
    assert errors["rows-7-action"] == ["Choose: rewrites, adds or repeals a paragraph."]
    assert errors["rows-7-appendix"] == ["Choose Appendix 1 or Appendix 2."]
    assert not CatalogChange.objects.filter(kind=Kind.AMENDMENT).exists()

    response = client.post(
        f"{ADD_URL}?kind=amendment",
        amendment_post({**AMENDMENT, "amends": successor, "effective_from": datetime.date(2026, 2, 1),
                        "signed_on": datetime.date(2026, 1, 20)},
                       [{"action": "rewrite", "target": two.pk, "text": "New (test data)."}]),
    )  # fmt: skip
    assert form_errors(response)["effective_from"] == [
        "Order 45/TEST takes effect on 01.03.2026; an amendment must take effect after that day. Check the "
        "effective date."
    ]
    response = client.post(f"{ADD_URL}?kind=amendment", amendment_post({**AMENDMENT, "amends": successor}, []))
    assert form_errors(response)["rows"] == [
        "Enter what the amendment changes: at least one paragraph it rewrites, adds or repeals."
    ]


def test_an_abrogation_chooses_what_it_ends_and_from_when(client, aigerim, successor):
    client.force_login(aigerim)
    page = client.get(ADD_URL, {"kind": "abrogation"}).content.decode()
    assert f'value="{successor.pk}"' in page and "45/TEST (in force from 01.03.2026)" in page
    assert f'value="{act("37/RD").pk}"' not in page  # already abrogated: not offered
    facts = facts_data(code="47/TEST", title="A hypothetical abrogation (test data)", signed_on="01.08.2026",
                       effective_from="01.09.2026", effective_from_confirmed=True)  # fmt: skip
    response = client.post(f"{ADD_URL}?kind=abrogation", {**facts, "abrogates": [act("37/RD").pk]})
    assert form_errors(response)["abrogates"] == ["Tick only lists shown here: the one sent is not a list in force."]
    assert form_errors(response)["abrogated_from"] == [
        "Enter the first day the list is no longer in force, as DD.MM.YYYY."
    ]
    response = client.post(
        f"{ADD_URL}?kind=abrogation", {**facts, "abrogates": [successor.pk], "abrogated_from": "01.02.2026"}
    )
    assert form_errors(response)["abrogated_from"] == [
        "A list cannot be abrogated from before the abrogating act takes effect (01.09.2026): check both dates."
    ]
    response = client.post(
        f"{ADD_URL}?kind=abrogation", {**facts, "abrogates": [successor.pk], "abrogated_from": "01.09.2026"}
    )
    assert response.status_code == 302
    change = CatalogChange.objects.get(kind=Kind.ABROGATION)
    page = text_of(client.get(review_url(change)))
    assert "Abrogates: 45/TEST · no longer in force from 01.09.2026" in page
    assert "0 added · 0 changed · 5 removed" in page


def test_confirming_an_effective_date_starts_from_the_act_as_it_is(client, aigerim, daniyar):
    client.force_login(aigerim)
    amendment = act("413/NK")
    chooser = client.get(ADD_URL, {"kind": "act_facts"})
    assert f'<option value="{amendment.pk}">413/NK (Amends a list) · effective date unconfirmed</option>' in (
        chooser.content.decode()
    )
    form = client.get(ADD_URL, {"kind": "act_facts", "target_act": amendment.pk})
    assert form.context["adminform"].form.initial["effective_from"] == datetime.date(2023, 10, 1)
    assert "Now: 01.10.2023." in form.content.decode()
    data = facts_data(signed_on=amendment.signed_on, effective_from="15.10.2023", effective_from_confirmed=True,
                      effective_from_basis="Publication date checked (test).", issuer=amendment.issuer)  # fmt: skip
    response = client.post(f"{ADD_URL}?kind=act_facts&target_act={amendment.pk}", {**data, "target_act": amendment.pk})
    assert response.status_code == 302, form_errors(response)
    change = CatalogChange.objects.get(kind=Kind.ACT_FACTS)
    assert change.target_act_facts["effective_from"] == "2023-10-01"
    page = text_of(client.get(review_url(change)))
    assert "Effective from 01.10.2023 15.10.2023" in page
    assert "Effective date confirmed no yes" in page
    amendment.refresh_from_db()
    assert amendment.effective_from == datetime.date(2023, 10, 1)  # nothing moves before publication

    same = client.post(f"{ADD_URL}?kind=act_facts&target_act={amendment.pk}",
                       {**facts_data(signed_on=amendment.signed_on, effective_from="01.10.2023",
                                     effective_from_basis=amendment.effective_from_basis, issuer=amendment.issuer),
                        "target_act": amendment.pk})  # fmt: skip
    assert form_errors(same)["__all__"] == ["Nothing is changed: change at least one fact, or discard this draft."]


def test_the_text_of_a_wording_not_recorded(client, aigerim):
    client.force_login(aigerim)
    gap = ProvisionVersion.objects.get(provision__act__code="37/RD", provision__paragraph=19, text_recorded=False)
    form = client.get(ADD_URL, {"kind": "wording", "version": gap.pk})
    assert f'<option value="{gap.pk}" selected>37/RD Appendix 1, paragraph 19' in form.content.decode()
    recorded = current("37/RD", 1, 4)
    data = formset("rows", [{"target": gap.pk, "text": "An earlier wording (test data)."},
                            {"target": recorded.pk, "text": "Forged (test data)."}])  # fmt: skip
    response = client.post(f"{ADD_URL}?kind=wording", data)
    assert form_errors(response)["rows-1-target"] == [
        "Choose a paragraph from the list: the one sent is not a wording that can be changed here."
    ]
    data = formset("rows", [{"target": gap.pk, "text": "An earlier wording (test data)."}])
    assert client.post(f"{ADD_URL}?kind=wording", data).status_code == 302
    change = CatalogChange.objects.get(kind=Kind.WORDING)
    page = text_of(client.get(review_url(change)))
    assert "records the text of a wording 37/RD, Appendix 1, paragraph 19" in page
    assert "Recorded now (wording not recorded)" in page
    assert "New wording An earlier wording (test data)." in page


# --- who may do what ---------------------------------------------------------------------------------------------


def test_only_the_author_edits_and_only_while_a_draft(client, aigerim, daniyar):
    change = successor_list(aigerim)
    edit = reverse("admin:catalog_catalogchange_change", args=[change.pk])
    client.force_login(daniyar)
    response = client.get(edit)
    assert response.url == review_url(change)
    assert "Only Aigerim Seitkali, who entered this change, can edit, submit, take back or discard it." in text_of(
        client.get(response.url)
    )
    data = list_post({"title": "Hijacked (test data)"})
    data.update({"rows-INITIAL_FORMS": "0"})
    assert client.post(edit, data).status_code == 403
    for action in ("submit", "discard", "take_back"):
        client.post(action_url(change, action))
    change.refresh_from_db()
    assert (change.state, change.title, change.revision) == ("draft", SUCCESSOR["title"], 1)

    client.force_login(aigerim)
    client.post(action_url(change, "submit"))
    response = client.get(edit)
    assert response.url == review_url(change)
    assert client.post(edit, data).status_code == 403
    change.refresh_from_db()
    assert change.title == SUCCESSOR["title"]


def test_returning_a_change_tells_its_author_why(client, aigerim, daniyar):
    change = successor_list(aigerim)
    client.force_login(aigerim)
    client.post(action_url(change, "submit"))
    client.force_login(daniyar)
    response = client.post(action_url(change, "return"), {"note": ""}, follow=True)
    assert "Say what the author should change before you return it." in text_of(response)
    client.post(action_url(change, "return"), {"note": "Paragraph 2: the footnote is missing (test)."})
    change.refresh_from_db()
    assert change.state == "draft"
    client.force_login(aigerim)
    page = text_of(client.get(review_url(change)))
    assert "Returned by Daniyar Omarov, 02.02.2026 15:00: Paragraph 2: the footnote is missing (test)." in page


def test_an_approval_of_a_change_edited_since_it_was_read_is_refused(client, aigerim, daniyar):
    change = successor_list(aigerim)
    client.force_login(aigerim)
    client.post(action_url(change, "submit"))
    client.force_login(daniyar)
    response = client.post(action_url(change, "publish"), {"revision": "0"}, follow=True)
    assert "This change was edited after you opened it. Read it again before you approve it." in text_of(response)
    response = client.post(action_url(change, "publish"), {"revision": "<script>"}, follow=True)
    assert "edited after you opened it" in text_of(response)
    assert not LegalAct.objects.filter(code="45/TEST").exists()


def test_unknown_actions_and_gets_on_actions(client, aigerim):
    change = successor_list(aigerim)
    client.force_login(aigerim)
    assert client.post(action_url(change, "delete")).status_code == 404
    assert client.get(action_url(change, "submit")).status_code == 405
    assert client.get(reverse("admin:catalog_catalogchange_review", args=[999999])).status_code == 404
    assert client.get(reverse("admin:catalog_catalogchange_delete", args=[change.pk])).status_code == 403
    change.refresh_from_db()
    assert change.state == "draft"


def editor_urls(change) -> list[tuple[str, str]]:
    """Every page and action of the editors' workbench, with the method it takes."""
    return [
        ("get", ADD_URL),
        ("get", f"{ADD_URL}?kind=list"),
        ("post", f"{ADD_URL}?kind=list"),
        ("get", "/admin/catalog/catalogchange/"),
        ("get", reverse("admin:catalog_catalogchange_change", args=[change.pk])),
        ("post", reverse("admin:catalog_catalogchange_change", args=[change.pk])),
        ("get", review_url(change)),
        *[("post", action_url(change, action)) for action in ("submit", "take_back", "return", "publish", "discard")],
        ("get", "/admin/catalog/publicationcheck/add/"),
        ("post", "/admin/catalog/publicationcheck/add/"),
    ]


def test_applicants_reviewers_and_visitors_never_reach_the_workbench(client, aigerim, member, rev):
    change = successor_list(aigerim)
    before = (list(CatalogChange.objects.values()), CatalogChange.history.count(), LegalAct.objects.count())
    for user in (None, member, rev):
        client.logout()
        if user is not None:
            client.force_login(user)
        for method, url in editor_urls(change):
            data = list_post() if method == "post" else None
            response = getattr(client, method)(url, data)
            assert response.status_code == 302, (user, url)
            assert response.url.startswith("/admin/login/"), (user, url)
    assert (list(CatalogChange.objects.values()), CatalogChange.history.count(), LegalAct.objects.count()) == before


def test_staff_without_the_editors_role_get_403(client, aigerim):
    from tests.factories import UserFactory

    staff = UserFactory(username="staff@example.com", is_staff=True)
    change = successor_list(aigerim)
    client.force_login(staff)
    for method, url in editor_urls(change):
        response = getattr(client, method)(url, list_post() if method == "post" else None)
        assert response.status_code == 403, url
    change.refresh_from_db()
    assert change.state == "draft"
