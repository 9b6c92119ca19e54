"""Peak resident memory of an export of decisions, for N decisions (run by hand, not by pytest).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<scratch> .venv/bin/python tests/perf/export_memory.py 1000 100000

For each N: the scratch database is filled with N approved decisions (bulk-created: organisations, applications,
decisions with two frozen activities each), then a fresh process runs the export task (applications.review.
exports.export_run) in CSV and in XLSX and reports its peak resident memory (VmHWM) and the time taken.
Never point it at a real database: it empties the tables it fills.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")


def setup():
    import django

    django.setup()


def fill(n: int) -> None:
    """N decided applications, each of its own organisation, in batches."""
    import datetime

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from applications.models import Application, Decision, Organisation, Outcome, Status
    from applications.roles import REVIEWERS
    from applications.validators import bin_check_digit
    from catalog.models import LegalAct

    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE applications_decision, applications_historicaldecision, applications_notification, "
            "applications_application, applications_organisation, applications_export CASCADE"
        )
    rev, _ = User.objects.get_or_create(username="rev@example.com", defaults={"email": "rev@example.com"})
    rev.groups.add(Group.objects.get_or_create(name=REVIEWERS)[0])
    act = LegalAct.objects.get(code="37/RD")
    text = (
        "Creation, introduction, maintenance, development, modification and sale (including the sale of services "
        "integrated into software) of software products and (or) their components."
    )
    activities = [
        {"label": f"Appendix 1, paragraph {p}", "appendix": 1, "paragraph": p, "version_id": p, "text": text,
         "text_recorded": True, "footnote": "", "introduced_by": "37/RD", "in_force_from": "2019-04-27",
         "explanation": "We build software.", "note": ""}
        for p in (1, 2)
    ]  # fmt: skip
    decided_at = timezone.make_aware(datetime.datetime(2025, 6, 2, 10))
    batch = 5000
    for start in range(0, n, batch):
        count = min(batch, n - start)
        bins = []
        for i in range(start, start + count):
            number = 9_000_000_000 + i * 7
            while True:
                first = f"{number:011d}"
                digit = bin_check_digit(first)
                if digit is not None:
                    bins.append(first + str(digit))
                    break
                number += 1
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"ТОО «Софт {i}»", bin=bins[i - start], legal_address="Astana", director="A. Director",
                contact_email="office@example.kz", contact_phone="+7 7172 000000",
            )
            for i in range(start, start + count)
        )  # fmt: skip
        applications = Application.objects.bulk_create(
            Application(
                reference=f"AH-2025-{i + 1:06d}", organisation=organisation, status=Status.APPROVED, created_by=rev,
                reference_date=datetime.date(2025, 3, 3), act=act, submission_count=1, assigned_reviewer=rev,
            )
            for i, organisation in zip(range(start, start + count), organisations, strict=True)
        )  # fmt: skip
        Decision.objects.bulk_create(
            Decision(
                application=application, outcome=Outcome.APPROVED, decided_by=rev, decided_at=decided_at, act=act,
                reference_date=datetime.date(2025, 3, 3), confirmed_activities=activities, sells_own_goods=False,
            )
            for application in applications
        )  # fmt: skip


def _status(field: str) -> int:
    """A memory figure of this process in kB, from /proc (VmHWM: the peak resident set since this program
    started; unlike getrusage's ru_maxrss it is not inherited from the parent across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def measure(format: str) -> None:
    """In this (fresh) process: run the export task; print the peak resident memory and the time."""
    from django.contrib.auth.models import User

    from applications.models import Export
    from applications.review.exports import export_run, parameters_of
    from applications.review.selectors import QueueFilters

    rev = User.objects.get(username="rev@example.com")
    before = _status("VmRSS")
    filters = QueueFilters(status="all", sort="reference")
    export = Export.objects.create(requested_by=rev, format=format, parameters=parameters_of(filters))
    started = time.monotonic()
    state = export_run(export.pk)
    elapsed = time.monotonic() - started
    export.refresh_from_db()
    peak = _status("VmHWM")
    size = export.file.size
    export.file.delete(save=False)
    print(
        f"{format}: {state}, {export.total} decisions, file {size / 1e6:.1f} MB, {elapsed:.1f} s, "
        f"peak RSS {peak / 1024:.0f} MB (before the export: {before / 1024:.0f} MB)"
    )


if __name__ == "__main__":
    setup()
    if sys.argv[1] == "--measure":
        measure(sys.argv[2])
    else:
        for n in map(int, sys.argv[1:]):
            started = time.monotonic()
            fill(n)
            print(f"N = {n} (filled in {time.monotonic() - started:.0f} s)")
            for format in ("csv", "xlsx"):
                subprocess.run([sys.executable, __file__, "--measure", format], check=True)
