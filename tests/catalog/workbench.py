"""Helpers for the editors' workbench tests: editors, changes built directly, and the admin forms' POST data.

The legal texts here are made up and say so ("test data"): the seed is the only source of real legal text.
"""

import datetime

from django.contrib.auth.models import Group

from catalog.apps import CATALOG_EDITORS
from catalog.changes import change_publish, change_submit
from catalog.models import CatalogChange, ChangeRow, LegalAct, ProvisionVersion
from tests.factories import UserFactory

Kind = CatalogChange.Kind
Action = ChangeRow.Action

ADD_URL = "/admin/catalog/catalogchange/add/"

SUCCESSOR = {
    "code": "45/TEST",
    "title": "A hypothetical successor list (test data)",
    "issuer": "Test issuer",
    "signed_on": datetime.date(2026, 2, 2),
    "effective_from": datetime.date(2026, 3, 1),
    "effective_from_confirmed": True,
}
ACTIVITIES = [
    (1, "Test activity one: software development (test data).", ""),
    (2, "Test activity two: data processing services (test data).", "Footnote. Test footnote (test data)."),
    (3, "Test activity three: computing infrastructure (test data).", ""),
]
CRITERIA = [
    (1, "Test criteria: a certificate of origin in form ST-KZ, or an industrial certificate (test data).", "",
     ["st_kz", "industrial"]),
    (2, "Test criteria: one of them suffices (test data).", "", []),
]  # fmt: skip


def editor(email: str, **kwargs):
    user = UserFactory(username=email, email=email, is_staff=True, **kwargs)
    user.groups.add(Group.objects.get_or_create(name=CATALOG_EDITORS)[0])
    return user


def make_change(kind: str, by, *, rows=(), abrogates=(), **fields) -> CatalogChange:
    """A saved change with its rows, as the admin form would save it (the tests of the form check the form)."""
    change = CatalogChange.objects.create(kind=kind, created_by=by, **fields)
    for row in rows:
        ChangeRow.objects.create(change=change, **row)
    if abrogates:
        change.abrogates.set(abrogates)
    return change


def successor_list(by, *, activities=ACTIVITIES, criteria=CRITERIA, **facts) -> CatalogChange:
    rows = [{"action": Action.ADD, "appendix": 1, "paragraph": n, "text": t, "footnote": f} for n, t, f in activities]
    rows += [
        {"action": Action.ADD, "appendix": 2, "paragraph": n, "text": t, "footnote": f,
         "accepted_certificate_kinds": k}
        for n, t, f, k in criteria
    ]  # fmt: skip
    return make_change(Kind.LIST, by, rows=rows, **{**SUCCESSOR, **facts})


def publish(change: CatalogChange, author, approver):
    """Submit `change` as `author`, then publish it as `approver` (four eyes)."""
    change_submit(change=change, user=author)
    change.refresh_from_db()
    return change_publish(change=change, user=approver, revision=change.revision)


def current(code: str, appendix: int, paragraph: int) -> ProvisionVersion:
    return ProvisionVersion.objects.get(
        provision__act__code=code, provision__appendix=appendix, provision__paragraph=paragraph, ended_by=None
    )


def act(code: str) -> LegalAct:
    return LegalAct.objects.get(code=code)


# --- admin POST data --------------------------------------------------------------------------------------


def _date(value):
    return value.strftime("%d.%m.%Y") if isinstance(value, datetime.date) else (value or "")


def facts_data(**facts) -> dict:
    data = {}
    for name, value in facts.items():
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = _date(value)
    return data


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{i}-{name}"] = value
    return data


def list_post(facts=None, activities=ACTIVITIES, criteria=CRITERIA, **extra) -> dict:
    data = facts_data(**{**SUCCESSOR, **(facts or {})})
    data.update(formset("rows", [{"paragraph": n, "text": t, "footnote": f} for n, t, f in activities]))
    data.update(
        formset(
            "rows-2",
            [{"paragraph": n, "text": t, "footnote": f, "accepted_certificate_kinds": k} for n, t, f, k in criteria],
        )
    )
    data.update(extra)
    return data


def amendment_post(facts: dict, rows: list[dict], **extra) -> dict:
    data = facts_data(**facts)
    if "amends" in facts:
        data["amends"] = facts["amends"].pk if isinstance(facts["amends"], LegalAct) else facts["amends"]
    data.update(formset("rows", rows))
    data.update(extra)
    return data


def form_errors(response) -> dict:
    """Every message the admin page shows beside a field: {"field": [...], "rows-0-text": [...], ...}."""
    errors = {}
    adminform = response.context["adminform"].form
    for name, messages in adminform.errors.items():
        errors[name] = list(messages)
    for inline in response.context["inline_admin_formsets"]:
        fs = inline.formset
        if fs.non_form_errors():
            errors[f"{fs.prefix}"] = list(fs.non_form_errors())
        for i, form in enumerate(fs.forms):
            for name, messages in form.errors.items():
                errors[f"{fs.prefix}-{i}-{name}"] = list(messages)
    return errors
