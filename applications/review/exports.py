"""Exports of decisions for reviewers and lead reviewers: CSV (UTF-8 with a byte order mark, so that Excel reads
Cyrillic) or XLSX (openpyxl in write-only mode).

The decisions are filtered as the queue filters applications (selectors.review_queue, so there is one way to
filter), in a period of decision dates. Rows are read with a database iterator and written as they come, so
memory stays flat however many there are. A small export streams at once; a larger one
(settings.EXPORT_STREAM_MAX_ROWS) is an Export row written by a task that notes its progress, then a private
download for the user who asked.
"""

import csv
import datetime
import functools
import logging
import tempfile
import typing
from collections.abc import Callable, Iterator
from dataclasses import asdict

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from catalog.models import format_date

from ..models import Decision, Export, Outcome
from ..permissions import can_export, require
from .selectors import QueueFilters, review_queue

logger = logging.getLogger(__name__)

COLUMNS = [
    gettext_lazy("Reference"),
    gettext_lazy("Organisation"),
    gettext_lazy("BIN"),
    gettext_lazy("Reference date"),
    gettext_lazy("Act"),
    gettext_lazy("Outcome"),
    gettext_lazy("Confirmed activities"),
    gettext_lazy("Own production"),
    gettext_lazy("Decided by"),
    gettext_lazy("Decided on"),
]
DATE_COLUMNS = {3, 9}
FIELDS = (
    "application__reference",
    "addressee_name",
    "addressee_bin",
    "reference_date",
    "act__code",
    "outcome",
    "confirmed_activities",
    "own_production_confirmed",
    "own_production_finding__not_applicable",
    "decided_by_name",
    "decided_at",
)
CHUNK = 2000  # rows fetched at a time
PROGRESS_EVERY = 1000  # rows between two progress notes
SHORT_TITLE_CHARS = 80
# A spreadsheet reads a cell starting with one of these as a formula: text from applicants must never run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def stream_limit() -> int:
    return getattr(settings, "EXPORT_STREAM_MAX_ROWS", 2000)


# --- what is exported ---------------------------------------------------------------------------------------


def decisions_for_export(*, user, filters: QueueFilters) -> QuerySet:
    """The decisions of the applications the queue would list with `filters`, oldest decision first."""
    applications = review_queue(user=user, filters=filters, today=timezone.localdate())
    return Decision.objects.filter(application__in=applications.values("pk")).order_by("decided_at", "pk")


def parameters_of(filters: QueueFilters) -> dict:
    """The filters as JSON (dates as ISO strings), to keep with an Export."""
    return {
        key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in asdict(filters).items()
    }


def filters_of(parameters: dict) -> QueueFilters:
    """The filters kept with an Export, back as QueueFilters."""
    hints = typing.get_type_hints(QueueFilters)
    dates = {name for name, hint in hints.items() if datetime.date in typing.get_args(hint)}
    return QueueFilters(
        **{
            key: datetime.date.fromisoformat(value) if key in dates and value else value
            for key, value in parameters.items()
            if key in hints
        }
    )


class Labels:
    """The words of an export, in the language active when it is made (a stream goes on after the view
    returns, so they are fixed first)."""

    def __init__(self):
        self.header = [str(column) for column in COLUMNS]
        self.outcomes = {value: str(label) for value, label in Outcome.choices}
        self.own_production = {
            True: _("confirmed"),
            False: _("not confirmed"),
            None: _("not applicable (sells no goods of its own)"),
        }
        self.own_production_not_applicable = _("not applicable (the list in force sets no criteria)")
        self.not_recorded = _("wording not recorded")
        # The project's DD.MM.YYYY, remembered: an export repeats few dates many times.
        self.date = functools.lru_cache(maxsize=4096)(format_date)


def short_title(text: str, limit: int = SHORT_TITLE_CHARS) -> str:
    """The wording's first words, cut at a word within `limit` characters (the verbatim text stays in the
    decision; this only names the activity in a spreadsheet cell)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:( ") + "…"


def _activities(frozen: list, labels: Labels) -> str:
    """ "1. Creation, introduction, …; 3. Data processing …": paragraph numbers and short titles, from the
    decision's frozen record of the wordings it relied on."""
    parts = []
    for activity in frozen or []:
        title = (
            short_title(activity["text"])
            if activity.get("text_recorded", True) and activity.get("text")
            else labels.not_recorded
        )
        parts.append(f"{activity.get('paragraph')}. {title}")
    return "; ".join(parts)


def export_rows(decisions, labels: Labels) -> Iterator[list]:
    """One list of values per decision, in COLUMNS' order (dates as dates)."""
    for (
        reference,
        organisation,
        bin_,
        reference_date,
        act,
        outcome,
        activities,
        own_production,
        not_applicable,
        decided_by_name,
        decided_at,
    ) in decisions.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        yield [
            reference,
            organisation,
            bin_,
            reference_date,
            act,
            labels.outcomes.get(outcome, outcome),
            _activities(activities, labels),
            labels.own_production_not_applicable if not_applicable else labels.own_production.get(own_production, ""),
            decided_by_name,
            timezone.localtime(decided_at).date(),
        ]


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


# --- writers ----------------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer feeding a generator."""

    def write(self, value):
        return value


def csv_lines(decisions, labels: Labels, progress: Callable[[int], None] | None = None) -> Iterator[str]:
    """The CSV, line by line: a byte order mark, the header, then one line per decision (dates DD.MM.YYYY)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(labels.header)
    for count, row in enumerate(export_rows(decisions, labels), start=1):
        yield writer.writerow(
            [labels.date(value) if i in DATE_COLUMNS else _safe_text(str(value or "")) for i, value in enumerate(row)]
        )
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)


def csv_write(decisions, labels: Labels, file, progress=None) -> None:
    for line in csv_lines(decisions, labels, progress):
        file.write(line.encode("utf-8"))


def xlsx_write(decisions, labels: Labels, file, progress: Callable[[int], None] | None = None) -> None:
    """The workbook in write-only mode: each row goes to a temporary file as it is appended."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Decisions")[:31])
    sheet.append(labels.header)
    for count, row in enumerate(export_rows(decisions, labels), start=1):
        cells = []
        for i, value in enumerate(row):
            if i in DATE_COLUMNS:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD.MM.YYYY"
            else:
                cell = ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))
                if cell.startswith("="):  # openpyxl would write it as a formula: make it a text cell
                    cell = WriteOnlyCell(sheet, value=cell)
                    cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
        if progress and count % PROGRESS_EVERY == 0:
            progress(count)
    workbook.save(file)


WRITERS = {Export.Format.CSV: csv_write, Export.Format.XLSX: xlsx_write}
CONTENT_TYPES = {
    Export.Format.CSV: "text/csv; charset=utf-8",
    Export.Format.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_name(filters: QueueFilters, format: str) -> str:
    period = "-".join(day.isoformat() for day in (filters.decided_from, filters.decided_to) if day)
    return f"decisions{'-' + period if period else ''}.{format}"


# --- asking for one, and the task that writes a large one ------------------------------------------------------


def export_request(*, user, filters: QueueFilters, format: str) -> Export:
    """Ask for a large export: an Export row, written by a task after the commit (in-process without a broker)."""
    from ..tasks import export_decisions  # the tasks module imports this one

    require(can_export(user))
    export = Export.objects.create(
        requested_by=user,
        format=format,
        parameters=parameters_of(filters),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    transaction.on_commit(lambda: _enqueue(export_decisions, export.pk), robust=True)
    return export


def _enqueue(task, export_id) -> None:
    try:
        task.delay(str(export_id))
    except Exception:
        logger.exception("Export %s not queued", export_id)
        Export.objects.filter(pk=export_id).update(
            state=Export.State.FAILED, error=_("The export could not be started. Ask for it again later.")
        )


def export_run(export_id: str) -> str:
    """Write the export's file, noting progress; idempotent (a finished export is left as it is; one started
    by a worker that died is written again). Returns the final state."""
    export = Export.objects.select_related("requested_by").filter(pk=export_id).first()
    if export is None or export.state == Export.State.DONE:
        return export.state if export else "gone"
    rows = Export.objects.filter(pk=export.pk)
    with translation.override(export.language):
        permission = can_export(export.requested_by)
        if not permission:
            rows.update(state=Export.State.FAILED, error=permission.reason, finished_at=timezone.now())
            return Export.State.FAILED
        try:
            decisions = decisions_for_export(user=export.requested_by, filters=filters_of(export.parameters))
            total = decisions.count()
            rows.update(state=Export.State.RUNNING, total=total, done=0, error="")
            with tempfile.TemporaryFile() as file:
                WRITERS[export.format](decisions, Labels(), file, progress=lambda done: rows.update(done=done))
                file.seek(0)
                export.file.save(f"{export.pk}.{export.format}", File(file), save=False)
            rows.update(state=Export.State.DONE, done=total, file=export.file.name, finished_at=timezone.now())
        except Exception:
            logger.exception("Export %s failed", export.pk)
            rows.update(
                state=Export.State.FAILED,
                error=_("The export failed. Ask for it again; if it fails again, tell an administrator."),
                finished_at=timezone.now(),
            )
            return Export.State.FAILED
    return Export.State.DONE
