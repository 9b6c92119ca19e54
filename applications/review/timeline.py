"""The audit timeline of an application: every change to it and to what belongs to it, from the history
tables (django-simple-history), with who, when, why and which fields changed from what to what.

A fixed number of queries however many rows (tests count them): one per history table, then one each for
the users, provisions, wordings and acts the rows name.
"""

import datetime
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from catalog.models import LegalAct, Provision, ProvisionVersion, format_date

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


def _history_sources(application: Application):
    """(kind, model, rows) for every history table that belongs to the application."""
    return [
        ("application", Application, Application.history.filter(id=application.pk)),
        ("claim", ActivityClaim, ActivityClaim.history.filter(application_id=application.pk)),
        ("certificate", Certificate, Certificate.history.filter(application_id=application.pk)),
        ("decision", Decision, Decision.history.filter(application_id=application.pk)),
        ("note", InternalNote, InternalNote.history.filter(application_id=application.pk)),
        ("message", ApplicantMessage, ApplicantMessage.history.filter(application_id=application.pk)),
        ("declaration", ConflictDeclaration, ConflictDeclaration.history.filter(application_id=application.pk)),
    ]


def application_timeline(application: Application) -> list[TimelineEntry]:
    """Every change to the application and what belongs to it, newest first: who, when, which fields
    changed from what to what, and why. Queries: one per history table, then one each for the users,
    provisions, wordings and acts the rows name, however many rows there are."""
    User = get_user_model()
    sources = [
        (kind, model, list(rows.order_by("history_date", "history_id")))
        for kind, model, rows in _history_sources(application)
    ]

    user_ids, provision_ids, version_ids, act_ids = set(), set(), set(), set()
    for _kind, model, rows in sources:
        fks = [f for f in model._meta.fields if f.is_relation]
        for row in rows:
            if row.history_user_id:
                user_ids.add(row.history_user_id)
            for f in fks:
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
    provisions = Provision.objects.select_related("act").in_bulk(provision_ids)
    versions = ProvisionVersion.objects.select_related("provision", "introduced_by").in_bulk(version_ids)
    acts = LegalAct.objects.in_bulk(act_ids)
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
    for kind, model, rows in sources:
        fields = [f for f in model._meta.fields if f.name not in SKIPPED_FIELDS and f.editable]
        if kind == "decision":
            fields = [f for f in model._meta.fields if f.name not in SKIPPED_FIELDS]
        previous: dict[int, object] = {}
        for row in rows:
            before = previous.get(row.id)
            changes = []
            for f in fields:
                if kind != "application" and f.name == "application":
                    continue
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
            previous[row.id] = row
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
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


def _subject(kind: str, row, provisions) -> str:
    if kind == "application":
        return _("Application")
    if kind == "claim":
        provision = provisions.get(row.provision_id)
        return _("Activity: %(label)s") % {"label": provision.label if provision else row.provision_id}
    if kind == "certificate":
        return _("Certificate %(kind)s %(number)s") % {"kind": row.get_kind_display(), "number": row.number}
    if kind == "decision":
        return _("Decision")
    if kind == "note":
        return _("Internal note")
    if kind == "declaration":
        return _("Declaration of no conflict of interest")
    return _("Message to the applicant")
