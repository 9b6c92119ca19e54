"""Exports of decisions: CSV with a byte order mark, XLSX in write-only mode; filtered like the queue; small ones at
once, large ones by a task with its progress, then a download for the user who asked only."""

import csv
import datetime
import io
import zoneinfo
from unittest import mock

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Export, Outcome, Status
from applications.review import exports
from applications.review import services as review
from tests.factories import OrganisationFactory, UserFactory, provision, reviewer, submitted_application

from .conftest import approve

pytestmark = pytest.mark.django_db

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
URL = reverse("review:exports")
HEADER = [
    "Reference",
    "Organisation",
    "BIN",
    "Reference date",
    "Act",
    "Outcome",
    "Confirmed activities",
    "Own production",
    "Decided by",
    "Decided on",
]
PERIOD = {"decided_from": "01.04.2025", "decided_to": "30.04.2025"}


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), ASTANA), tick=False)


def decide(name: str, user, day: datetime.date, outcome=Outcome.APPROVED, **kwargs):
    with on(datetime.date(2025, 3, 3)):
        application = submitted_application(
            organisation=OrganisationFactory(name=name), on=datetime.date(2025, 3, 3), **kwargs
        )
        review.application_take(application=application, user=user, no_conflict=True)
    with on(day):
        if outcome == Outcome.APPROVED:
            approve(application, user)
        else:
            review.decision_record(application=application, user=user, outcome=outcome, reasons="Not ours.")
    application.refresh_from_db()
    return application


@pytest.fixture
def decided(rev, other_rev):
    """In April 2025: an approval (Cyrillic name, with goods) by rev, a rejection (a name that is a formula) by
    other_rev. In May: an approval by rev."""
    return {
        "steppe": decide("ТОО «Степь Софт»", rev, datetime.date(2025, 4, 7), sells_goods=True),
        "formula": decide(
            '=HYPERLINK("http://evil.example","click")', other_rev, datetime.date(2025, 4, 8), Outcome.REJECTED
        ),
        "may": decide("May Soft LLP", rev, datetime.date(2025, 5, 5), paragraphs=(3,)),
    }


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())  # the byte order mark Excel needs for UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_of_a_period(client, rev, decided):
    client.force_login(rev)
    response = client.post(URL, {**PERIOD, "format": "csv", "outcome": "all"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="decisions-2025-04-01-2025-04-30.csv"'
    assert response["Cache-Control"] == "private, no-store"
    header, *rows = csv_rows(response)
    assert header == HEADER
    steppe, formula = decided["steppe"], decided["formula"]
    assert rows == [
        [
            steppe.reference,
            "ТОО «Степь Софт»",
            steppe.organisation.bin,
            "03.03.2025",
            "37/RD",
            "Approved",
            "1. Creation, introduction, maintenance, development, modification and sale…; "
            "2. Creation, experimental and industrial operation, implementation, development…",
            "confirmed",
            "rev@example.com",
            "07.04.2025",
        ],
        [
            formula.reference,
            '\'=HYPERLINK("http://evil.example","click")',  # text, never a formula
            formula.organisation.bin,
            "03.03.2025",
            "37/RD",
            "Rejected",
            "",
            "not applicable (sells no goods of its own)",
            "other-rev@example.com",
            "08.04.2025",
        ],
    ]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"outcome": Outcome.APPROVED}, ["steppe"]),
        ({"outcome": Outcome.REJECTED}, ["formula"]),
        ({"decided_by": "me"}, ["steppe"]),
        ({"q": "Степь"}, ["steppe"]),
        ({"decided_from": "01.04.2025", "decided_to": "31.05.2025", "activity": "__p3__"}, ["may"]),
        ({"decided_from": "08.04.2025", "decided_to": "08.04.2025"}, ["formula"]),
    ],
)
def test_filtered_like_the_queue(client, rev, decided, filters, expected):
    if filters.get("activity") == "__p3__":
        filters["activity"] = provision(3).pk
    client.force_login(rev)
    response = client.post(URL, {**PERIOD, "format": "csv", **filters})
    _header, *rows = csv_rows(response)
    assert [row[0] for row in rows] == [decided[key].reference for key in expected]


def test_xlsx_keeps_dates_as_dates_and_text_as_text(client, rev, decided):
    client.force_login(rev)
    response = client.post(URL, {**PERIOD, "format": "xlsx"})
    assert response["Content-Disposition"] == 'attachment; filename="decisions-2025-04-01-2025-04-30.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert rows[1][1] == "ТОО «Степь Софт»"
    assert rows[2][1] == '=HYPERLINK("http://evil.example","click")' and sheet["B3"].data_type == "s"
    assert sheet["D2"].value == datetime.datetime(2025, 3, 3) and sheet["D2"].number_format == "DD.MM.YYYY"
    assert sheet["J3"].value == datetime.datetime(2025, 4, 8)


def test_a_large_export_is_written_by_a_task_with_its_progress_then_downloaded(
    client, rev, other_rev, decided, settings, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    client.force_login(rev)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(URL, {**PERIOD, "format": "csv"})
    export = Export.objects.get()
    assert response.status_code == 302 and response.url == reverse("review:export", args=[export.pk])
    assert export.requested_by == rev and export.state == Export.State.QUEUED
    page = client.get(response.url).content.decode()
    assert "Waiting to start" in page and 'data-progress-url="/review/exports/' in page
    assert client.get(reverse("review:export_progress", args=[export.pk])).json() == {
        "state": "queued",
        "state_label": "Waiting to start",
        "done": 0,
        "total": 0,
        "percent": 0,
        "download_url": "",
        "error": "",
    }
    for callback in callbacks:  # the task, in-process
        callback()
    progress = client.get(reverse("review:export_progress", args=[export.pk])).json()
    download_url = reverse("review:export_download", args=[export.pk])
    assert progress == {
        "state": "done",
        "state_label": "Ready",
        "done": 2,
        "total": 2,
        "percent": 100,
        "download_url": download_url,
        "error": "",
    }
    download = client.get(download_url)
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Disposition"] == 'attachment; filename="decisions-2025-04-01-2025-04-30.csv"'
    _header, *rows = csv_rows(download)
    assert [row[0] for row in rows] == [decided["steppe"].reference, decided["formula"].reference]
    # Listed under the user's recent exports.
    assert download_url in client.get(URL).content.decode()

    # Another reviewer: 404 on everything of it, as if it did not exist.
    client.force_login(other_rev)
    for name in ("review:export", "review:export_progress", "review:export_download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404, name
    assert download_url not in client.get(URL).content.decode()


def test_the_task_notes_its_progress_as_it_goes(rev, decided):
    export = Export.objects.create(
        requested_by=rev,
        format="xlsx",
        parameters=exports.parameters_of(exports.filters_of({"status": "all", "decided_from": "2025-04-01"})),
    )
    with mock.patch.object(exports, "PROGRESS_EVERY", 1), CaptureQueriesContext(connection) as queries:
        assert exports.export_run(export.pk) == Export.State.DONE
    progress = [q["sql"] for q in queries if "UPDATE" in q["sql"] and '"done" = ' in q["sql"]]
    assert len(progress) == 1 + 3 + 1  # started, after each of the 3 rows, finished
    export.refresh_from_db()
    assert (export.state, export.done, export.total, export.percent) == (Export.State.DONE, 3, 3, 100)
    assert exports.export_run(export.pk) == Export.State.DONE  # run again: left as it is


def test_an_export_fails_cleanly_and_says_so(rev, decided):
    export = Export.objects.create(requested_by=rev, format="xlsx", parameters={"status": "all"})
    with mock.patch.dict(exports.WRITERS, {"xlsx": mock.Mock(side_effect=OSError("disk full"))}):
        assert exports.export_run(export.pk) == Export.State.FAILED
    export.refresh_from_db()
    assert export.state == Export.State.FAILED and not export.file
    assert export.error == "The export failed. Ask for it again; if it fails again, tell an administrator."
    assert "disk full" not in export.error


def test_a_reviewer_who_lost_the_role_gets_no_file(decided):
    former = reviewer("former@example.com")
    export = Export.objects.create(requested_by=former, format="csv", parameters={"status": "all"})
    former.groups.clear()
    assert exports.export_run(export.pk) == Export.State.FAILED
    export.refresh_from_db()
    assert export.error == "Only park reviewers can do this." and not export.file


def test_progress_while_running(client, rev):
    export = Export.objects.create(requested_by=rev, format="csv", state=Export.State.RUNNING, total=1000, done=400)
    client.force_login(rev)
    progress = client.get(reverse("review:export_progress", args=[export.pk])).json()
    assert (progress["state"], progress["percent"], progress["download_url"]) == ("running", 40, "")
    page = client.get(reverse("review:export", args=[export.pk])).content.decode()
    assert "400 of 1000 decisions written" in page and 'aria-valuenow="40"' in page
    # Not ready: the download address leads back to the page.
    assert client.get(reverse("review:export_download", args=[export.pk])).url == reverse(
        "review:export", args=[export.pk]
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decided_from": "", "decided_to": "30.04.2025"}, "decided_from", "This field is required."),
        (
            {"decided_from": "31.02.2025", "decided_to": "30.04.2025"},
            "decided_from",
            "The day 31.02.2025 does not exist",
        ),
        ({"decided_from": "30.04.2025", "decided_to": "01.04.2025"}, "decided_to", "The end of the period is before"),
        ({**PERIOD, "q": "x" * 101}, "q", "Ensure this value has at most 100 characters"),
        ({**PERIOD, "activity": "999999"}, "activity", "Select a valid choice."),
        ({**PERIOD, "decided_by": "<script>"}, "decided_by", "Select a valid choice."),
    ],
)
def test_bad_input_is_explained_beside_the_field_and_kept(client, rev, data, field, message):
    client.force_login(rev)
    response = client.post(URL, {"format": "csv", **data})
    assert response.status_code == 422
    html = response.content.decode()
    at = html.find(f'name="{field}"')
    assert message in html[at - 200 : at + 1500], (field, message)
    if data.get("decided_to"):
        assert f'value="{data["decided_to"]}"' in html
    assert not Export.objects.exists()


def test_a_bad_format_is_refused(client, rev):
    client.force_login(rev)
    response = client.post(URL, {**PERIOD, "format": "exe"})
    assert response.status_code == 422 and "Select a valid choice." in response.content.decode()


def test_the_form_starts_from_the_queues_filters(client, rev):
    client.force_login(rev)
    html = client.get(URL, {"q": "Steppe", "decided_from": "01.04.2025", "status": "open"}).content.decode()
    assert 'value="Steppe"' in html and 'value="01.04.2025"' in html


def test_an_applicant_cannot_export(client, member, decided):
    client.force_login(member)
    assert client.post(URL, {**PERIOD, "format": "csv"}).status_code == 403


def test_parameters_round_trip():
    filters = exports.filters_of({"status": "all", "decided_from": "2025-04-01", "q": "x", "unknown": "ignored"})
    assert filters.decided_from == datetime.date(2025, 4, 1) and filters.q == "x"
    assert exports.filters_of(exports.parameters_of(filters)) == filters


def test_only_decided_applications_are_exported(client, rev, decided):
    """An application in review has no decision, whatever the filters."""
    with on(datetime.date(2025, 4, 9)):
        in_review = submitted_application(user=UserFactory(), on=datetime.date(2025, 4, 9))
        in_review = review.application_take(application=in_review, user=rev, no_conflict=True)
    assert in_review.status == Status.IN_REVIEW
    client.force_login(rev)
    _header, *rows = csv_rows(client.post(URL, {**PERIOD, "format": "csv"}))
    assert in_review.reference not in [row[0] for row in rows]


# session, user, groups (roles), the activity filter's provisions, the reviewers (the "decided by" filter), the
# user's recent exports = 6, however many there are (at most 10 are listed).
EXPORTS_PAGE_QUERIES = 6


@pytest.mark.parametrize("n", [1, 15])
def test_the_exports_page_runs_a_fixed_number_of_queries(client, rev, django_assert_num_queries, n):
    for _ in range(n):
        Export.objects.create(requested_by=rev, format="csv", state=Export.State.DONE, total=3)
    client.force_login(rev)
    client.get(URL)
    with django_assert_num_queries(EXPORTS_PAGE_QUERIES):
        response = client.get(URL)
    assert len(response.context["recent"]) == min(n, 10)
