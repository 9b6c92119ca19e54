"""The audit timeline of an application: every change to it and to what belongs to it, from the history
tables (django-simple-history), with who, when, why and which fields changed from what to what.

A fixed number of queries however many rows (tests count them): one per history table, then one each for
the users, provisions, wordings and acts the rows name.
"""

import datetime
import functools
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import get_history_model_for_model

from catalog.models import LegalAct, Provision, ProvisionVersion, format_date
from catalog.selectors import cached_in_bulk, catalog_revision

from ..models import (
    ActivityClaim,
    ApplicantMessage,
    Application,
    Certificate,
    ConflictDeclaration,
    Decision,
    InternalNote,
    Organisation,
)
from .selectors import NewestFirst, newest_first_page

# Bookkeeping that says nothing to an auditor.
SKIPPED_FIELDS = {"id", "created_at", "updated_at", "scan_size", "snapshot", "clock_from"}


@dataclass
class Change:
    field: str
    before: str
    after: str


@dataclass
class TimelineEntry:
    when: datetime.datetime
    who: object  # a user or None
    subject: str
    action: str  # "+", "~" or "-"
    reason: str
    changes: list[Change]
    kind: str  # application, claim, certificate, decision, note, message, declaration


# (kind, model, the column of its history that names the application), in the order entries of one moment show.
SOURCES = [
    ("application", Application, "id"),
    ("claim", ActivityClaim, "application_id"),
    ("certificate", Certificate, "application_id"),
    ("decision", Decision, "application_id"),
    ("note", InternalNote, "application_id"),
    ("message", ApplicantMessage, "application_id"),
    ("declaration", ConflictDeclaration, "application_id"),
]
HISTORY_COLUMNS = ("history_id", "history_date", "history_type", "history_user_id", "history_change_reason", "id")


@functools.cache
def _shown_fields(kind: str, model) -> list:
    """The fields whose changes an entry lists: what the applicant or staff entered (a decision: all of it)."""
    fields = [f for f in model._meta.fields if f.name not in SKIPPED_FIELDS and (f.editable or kind == "decision")]
    return [f for f in fields if kind == "application" or f.name != "application"]


@functools.cache
def _relations(model) -> list:
    return [f for f in model._meta.fields if f.is_relation]


@functools.cache
def _columns(kind: str, model) -> tuple[str, ...]:
    """The history columns the timeline reads: not the bookkeeping it never shows (timestamps, snapshots), each
    of which would be converted on every row."""
    names = [
        *HISTORY_COLUMNS,
        *(f.attname for f in _shown_fields(kind, model)),
        *(f.attname for f in _relations(model)),
    ]
    return tuple(dict.fromkeys(names))


@functools.cache
def _history_model(model):
    # Once: each read of `Model.history` builds a manager class (django-simple-history's descriptor).
    return get_history_model_for_model(model)


def _history_sources(application: Application):
    """(kind, model, rows) for every history table that belongs to the application."""
    return [
        (kind, model, _history_model(model)._default_manager.filter(**{column: application.pk}))
        for kind, model, column in SOURCES
    ]


class _HistoryRow:
    """A history row read with values(): its columns as attributes, without building a model instance (an
    application's history is its widest table, a row for every save)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def _timeline_items(application: Application) -> list[tuple]:
    """Every history row of the application and what belongs to it, with the row before it of the same
    object: (kind, model, row, before), newest first. One query per history table."""
    items = []
    for kind, model, rows in _history_sources(application):
        previous: dict[int, _HistoryRow] = {}
        for values in rows.order_by("history_date", "history_id").values(*_columns(kind, model)):
            row = _HistoryRow(values)
            items.append((kind, model, row, previous.get(row.id)))
            previous[row.id] = row
    items.sort(key=lambda item: item[2].history_date, reverse=True)  # stable: ties keep the tables' order
    return items


def application_timeline(application: Application) -> list[TimelineEntry]:
    """Every change to the application and what belongs to it, newest first: who, when, which fields
    changed from what to what, and why. Queries: one per history table, then one each for the users,
    provisions, wordings and acts the rows name, however many rows there are."""
    return _entries(application, _timeline_items(application))


def timeline_page(application: Application, number: int) -> tuple[NewestFirst, int]:
    """Page `number` of the timeline (PER_PAGE entries, newest first) and how many entries there are in all.
    The same queries as application_timeline, but only the page's entries are worked out (their changes
    compared and said in words)."""
    items = _timeline_items(application)
    page = newest_first_page(items, number)
    page.items = _entries(application, page.items, named_by=items)
    return page, len(items)


def _entries(application: Application, items: list[tuple], named_by: list[tuple] | None = None) -> list[TimelineEntry]:
    """The entries of `items` (from _timeline_items). The users, provisions, wordings and acts are read for
    every row of `named_by` (all the rows by default): one query each, whichever page is shown."""
    User = get_user_model()
    user_ids, provision_ids, version_ids, act_ids = set(), set(), set(), set()
    for _kind, model, row, _before in items if named_by is None else named_by:
        if row.history_user_id:
            user_ids.add(row.history_user_id)
        for f in _relations(model):
            value = getattr(row, f.attname)
            if value is None:
                continue
            if f.related_model is User:
                user_ids.add(value)
            elif f.related_model is Provision:
                provision_ids.add(value)
            elif f.related_model is ProvisionVersion:
                version_ids.add(value)
            elif f.related_model is LegalAct:
                act_ids.add(value)
    users = User.objects.in_bulk(user_ids)
    # The catalog's rows from its cache while it is unchanged: one query (its revision) instead of three.
    revision = catalog_revision() if provision_ids or version_ids or act_ids else None
    provisions = cached_in_bulk("provision", Provision.objects.select_related("act"), provision_ids, revision=revision)
    versions = cached_in_bulk(
        "wording", ProvisionVersion.objects.select_related("provision", "introduced_by"), version_ids, revision=revision
    )
    acts = cached_in_bulk("act", LegalAct.objects.all(), act_ids, revision=revision)
    # The only organisation these rows can name is the application's own, already loaded with it.
    organisations = {application.organisation_id: application.organisation}
    lookups = {
        User: users,
        Provision: provisions,
        ProvisionVersion: versions,
        LegalAct: acts,
        Organisation: organisations,
    }

    def show(f, value, row=None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(f, models.FileField):
            # Never the storage path (scans/8/…): the file's name as uploaded, else what it is.
            return getattr(row, "scan_name", "") or _("scan (PDF)")
        if f.is_relation:
            if f.related_model in lookups:
                target = lookups[f.related_model].get(value)
                if target is None:
                    return f"#{value}"
                if isinstance(target, ProvisionVersion):
                    return _("%(label)s, wording of %(code)s from %(date)s") % {
                        "label": target.provision.label,
                        "code": target.introduced_by.code,
                        "date": format_date(target.in_force_from),
                    }
                return str(getattr(target, "email", "") or target)
            return f"#{value}"
        if f.choices:
            return str(dict(f.flatchoices).get(value, value))
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "d.m.Y H:i")
        if isinstance(value, datetime.date):
            return format_date(value)
        if isinstance(value, list):
            labels = [item.get("label", "") for item in value if isinstance(item, dict)]
            return "; ".join(label for label in labels if label) or json.dumps(value, ensure_ascii=False)[:200]
        if isinstance(value, dict):
            return _("(recorded)")
        return str(value)

    entries = []
    for kind, model, row, before in items:
        changes = []
        for f in _shown_fields(kind, model):
            new = getattr(row, f.attname)
            if row.history_type == "-":
                # A deletion changes no field: say what was removed, each value it had.
                if new not in (None, "", [], {}, False):
                    changes.append(Change(str(f.verbose_name), show(f, new, row), "—"))
                continue
            if before is None:
                if row.history_type == "+" and new not in (None, "", [], {}, False):
                    changes.append(Change(str(f.verbose_name), "—", show(f, new, row)))
                continue
            old = getattr(before, f.attname)
            if old != new:
                changes.append(Change(str(f.verbose_name), show(f, old, before), show(f, new, row)))
        entries.append(
            TimelineEntry(
                when=row.history_date,
                who=users.get(row.history_user_id),
                subject=_subject(kind, row, provisions),
                action=row.history_type,
                reason=row.history_change_reason or "",
                changes=changes,
                kind=kind,
            )
        )
    return entries


def _subject(kind: str, row, provisions) -> str:
    if kind == "application":
        return _("Application")
    if kind == "claim":
        provision = provisions.get(row.provision_id)
        return _("Activity: %(label)s") % {"label": provision.label if provision else row.provision_id}
    if kind == "certificate":
        kinds = dict(Certificate._meta.get_field("kind").flatchoices)
        return _("Certificate %(kind)s %(number)s") % {"kind": kinds.get(row.kind, row.kind), "number": row.number}
    if kind == "decision":
        return _("Decision")
    if kind == "note":
        return _("Internal note")
    if kind == "declaration":
        return _("Declaration of no conflict of interest")
    return _("Message to the applicant")
