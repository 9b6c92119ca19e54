"""Django admin for catalog editors: permissions, the overlap refusal, history, confirming a date."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils.html import escape

from catalog.apps import CATALOG_EDITORS
from catalog.models import LegalAct, Provision, ProvisionVersion
from catalog.selectors import catalog_on
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

OVERLAP = (
    "This wording would be in force from 01.10.2023 to 01.01.2026, which overlaps another wording of the same "
    "provision in force from 27.04.2019 to 01.01.2026. End the other wording first (set its “ended by”), so that "
    "periods never overlap."
)


@pytest.fixture
def editor_client(client, editor):
    response = client.post("/admin/login/?next=/admin/", {"username": editor.username, "password": PASSWORD})
    assert response.status_code == 302, "the catalog editor could not log into admin"
    return client


def act(code: str) -> LegalAct:
    return LegalAct.objects.get(code=code)


def paragraph(number: int) -> Provision:
    return Provision.objects.get(act__code="37/RD", appendix=1, paragraph=number)


def act_form(instance: LegalAct | None = None, **changes) -> dict:
    values = {
        "code": "", "kind": "", "title": "", "issuer": "", "amends": "", "signed_on": "", "registration_number": "",
        "registered_on": "", "effective_from": "", "effective_from_basis": "", "valid_until": "", "abrogated_by": "",
        "abrogated_from": "",
    }  # fmt: skip
    if instance is not None:
        for name in values:
            value = getattr(instance, name)
            if isinstance(value, LegalAct):
                value = value.pk
            elif isinstance(value, datetime.date):
                value = value.strftime("%d.%m.%Y")
            values[name] = "" if value is None else value
        if instance.effective_from_confirmed:
            values["effective_from_confirmed"] = "on"
    values.update(changes)
    return values


def version_form(**values) -> dict:
    data = {"ended_by": "", "text_recorded": "on", "text": "", "footnote": "", "accepted_certificate_kinds": "[]"}
    data.update(values)
    return data


def test_the_group_exists_with_add_change_and_view_but_not_delete():
    group = Group.objects.get(name=CATALOG_EDITORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    for model in ("legalact", "provision", "provisionversion"):
        assert {f"add_{model}", f"change_{model}", f"view_{model}"} <= codenames
        assert f"delete_{model}" not in codenames


def test_a_catalog_editor_logs_into_admin_and_sees_the_catalog(editor_client):
    response = editor_client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    for url in ("/admin/catalog/legalact/", "/admin/catalog/provision/", "/admin/catalog/provisionversion/"):
        assert url in page
    assert "/admin/auth/user/" not in page  # editors edit the catalog, not the accounts
    assert editor_client.get("/admin/catalog/provisionversion/").status_code == 200
    version = paragraph(2).versions.get()
    assert editor_client.get(f"/admin/catalog/provisionversion/{version.pk}/delete/").status_code == 403


def test_others_cannot_use_the_catalog_admin(client, rev, member):
    assert client.get("/admin/catalog/legalact/").status_code == 302  # anonymous: to the login page
    for user in (rev, member):
        client.force_login(user)
        assert client.get("/admin/catalog/legalact/add/").status_code in (302, 403)


def test_an_editor_adds_a_successor_list_and_its_first_paragraph(editor_client, editor):
    response = editor_client.post(
        "/admin/catalog/legalact/add/",
        act_form(
            code="1/TEST",
            kind="list",
            title="A hypothetical successor list (test data)",
            signed_on="01.12.2025",
            effective_from="01.01.2026",
            effective_from_confirmed="on",
        ),  # fmt: skip
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    successor = act("1/TEST")
    assert successor.effective_from == datetime.date(2026, 1, 1)
    assert successor.history.get().history_user == editor

    response = editor_client.post("/admin/catalog/provision/add/", {"act": successor.pk, "appendix": 1, "paragraph": 1,
                                  "versions-TOTAL_FORMS": 0, "versions-INITIAL_FORMS": 0})  # fmt: skip
    assert response.status_code == 302
    provision = Provision.objects.get(act=successor)
    response = editor_client.post(
        "/admin/catalog/provisionversion/add/",
        version_form(provision=provision.pk, introduced_by=successor.pk, text="A test activity."),
    )
    assert response.status_code == 302
    result = catalog_on(datetime.date(2026, 1, 1))
    assert result.act == successor
    assert [v.text for v in result.activities] == ["A test activity."]
    assert result.activities[0].history.get().history_user == editor


def test_an_overlapping_wording_is_refused_with_a_clear_message(editor_client):
    provision = paragraph(2)
    response = editor_client.post(
        "/admin/catalog/provisionversion/add/",
        version_form(provision=provision.pk, introduced_by=act("413/NK").pk, text="An overlapping test wording."),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [OVERLAP]
    assert escape(OVERLAP) in response.content.decode()
    assert provision.versions.count() == 1


def test_ending_the_old_wording_first_lets_the_new_one_in(editor_client, editor):
    provision = paragraph(2)
    old = provision.versions.get()
    response = editor_client.post(
        f"/admin/catalog/provisionversion/{old.pk}/change/",
        version_form(provision=provision.pk, introduced_by=old.introduced_by_id, ended_by=act("413/NK").pk,
                     text=old.text),
    )  # fmt: skip
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.in_force_until == datetime.date(2023, 10, 1)
    assert old.history.first().history_user == editor
    assert old.history.first().history_type == "~"

    response = editor_client.post(
        "/admin/catalog/provisionversion/add/",
        version_form(provision=provision.pk, introduced_by=act("413/NK").pk, text="A later test wording."),
    )
    assert response.status_code == 302
    assert [v.text for v in catalog_on(datetime.date(2023, 10, 1)).activities if v.provision == provision] == [
        "A later test wording."
    ]


def test_a_recorded_wording_needs_text_and_an_unrecorded_one_none(editor_client):
    provision = paragraph(2)
    old = provision.versions.get()
    data = version_form(provision=provision.pk, introduced_by=old.introduced_by_id, text="  ")
    response = editor_client.post(f"/admin/catalog/provisionversion/{old.pk}/change/", data)
    assert response.context["adminform"].form.errors["text"] == ["Enter the verbatim text, or untick “text recorded”."]
    data = version_form(provision=provision.pk, introduced_by=old.introduced_by_id, text="x")
    del data["text_recorded"]
    response = editor_client.post(f"/admin/catalog/provisionversion/{old.pk}/change/", data)
    assert response.context["adminform"].form.errors["text"] == [
        "A wording that is not recorded has no text: clear it or tick “text recorded”."
    ]


def test_confirming_an_effective_date_in_admin_moves_the_wordings(editor_client, editor):
    amendment = act("413/NK")
    response = editor_client.post(
        f"/admin/catalog/legalact/{amendment.pk}/change/",
        act_form(amendment, effective_from="15.10.2023", effective_from_confirmed="on",
                 effective_from_basis="Test: publication date checked."),
    )  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors
    amendment.refresh_from_db()
    assert (amendment.effective_from, amendment.effective_from_confirmed) == (datetime.date(2023, 10, 15), True)
    for number in (1, 3, 14, 16, 17):
        old, new = paragraph(number).versions.order_by("in_force_from")
        assert old.in_force_until == new.in_force_from == datetime.date(2023, 10, 15)
        # The moved periods are history too, attributed to the editor who confirmed the date.
        moved = new.history.first()
        assert (moved.history_user, moved.history_change_reason) == (
            editor,
            "Period follows a change to the dates of an act",
        )
    assert [v.introduced_by.code for v in catalog_on(datetime.date(2023, 10, 14)).activities][0] == "37/RD"
    assert [v.introduced_by.code for v in catalog_on(datetime.date(2023, 10, 15)).activities][0] == "413/NK"
    assert amendment.history.first().history_user == editor


def test_an_act_whose_valid_until_precedes_its_effect_is_refused(editor_client):
    response = editor_client.post(
        "/admin/catalog/legalact/add/",
        act_form(code="3/TEST", kind="list", signed_on="01.01.2027", effective_from="01.02.2027",
                 valid_until="01.01.2027"),
    )  # fmt: skip
    assert response.context["adminform"].form.errors["valid_until"] == ["Valid-until must be after the effective date."]
    assert not LegalAct.objects.filter(code="3/TEST").exists()


def test_the_history_page_lists_the_editor(editor_client, editor):
    version = paragraph(2).versions.get()
    editor_client.post(
        f"/admin/catalog/provisionversion/{version.pk}/change/",
        version_form(provision=version.provision_id, introduced_by=version.introduced_by_id, text=version.text,
                     footnote="Test footnote."),
    )  # fmt: skip
    response = editor_client.get(f"/admin/catalog/provisionversion/{version.pk}/history/")
    assert response.status_code == 200
    assert editor.username in response.content.decode()
    assert ProvisionVersion.history.filter(id=version.pk).count() == 2  # loaded, then changed


def test_a_date_that_would_leave_a_wording_without_a_period_is_refused(editor_client):
    """413/NK in force only from 02.01.2026 would give its wordings [02.01.2026, 01.01.2026): refused, not a 500."""
    amendment = act("413/NK")
    response = editor_client.post(
        f"/admin/catalog/legalact/{amendment.pk}/change/",
        act_form(amendment, effective_from="02.01.2026", effective_from_confirmed="on"),
    )
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["effective_from"]
    assert message.startswith(
        "With these dates, these wordings would end before they start: 37/RD Appendix 1, paragraph 1; "
        "37/RD Appendix 1, paragraph 3;"
    )
    amendment.refresh_from_db()
    assert amendment.effective_from == datetime.date(2023, 10, 1)
