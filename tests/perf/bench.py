"""`make bench`: how long each page takes at 1,000 and at 100,000 applications (issue 13). Run by hand, not by pytest.

    .venv/bin/python tests/perf/bench.py                 # SQLite files under .bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/review_x .venv/bin/python tests/perf/bench.py
                                                          # PostgreSQL: databases review_x_bench_small/_large

Two sets are built with bulk operations the first time and reused afterwards: "small" (1,000 applications of 200
organisations) and "large" (100,000 applications of 20,000 organisations, about 4 claims each, a certificate for
about a third, about 64% decided). Each set is measured in a fresh process: after a warm-up every page is requested
REPEAT times (default 30; BENCH_REPEAT) by Django's test client, logged in as whoever uses it, and its median and
95th percentile in ms, the median time in the database driver (sql ms, a separate pass), queries and bytes are
printed, beside the Django admin's change list (default and searched) and each page's floor: its own template
rendered in memory from the context the view gave it (captured once), without a query. bench-results.json (git-
ignored) holds the large set's figures with their ratios to the admin, to the floor and large/small, and the small
set's under "small".

Never point DATABASE_URL at a real database: the bench databases are its own, but it creates and fills them.
"""

import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / ".bench"
RESULTS = ROOT / "bench-results.json"
SETS = {"small": (1_000, 200), "large": (100_000, 20_000)}  # applications, organisations
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
# The measured application: a reference of the real format (URLs match it), beyond the generated ones' six digits.
BENCH_REFERENCE = "AH-2025-9999999"
WARM_UP = 3
TODAY = None  # the pages' own today (timezone.localdate())


def database_url(name: str) -> str:
    """The bench database of a set: a SQLite file under .bench/, or <database>_bench_<name> beside DATABASE_URL's."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_bench_{name}"))
    BENCH_DIR.mkdir(exist_ok=True)
    return f"sqlite:///{BENCH_DIR / f'{name}.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')


# --- building a set (in the set's own process) ----------------------------------------------------------------

WORDS = ["Софт", "Cloud", "Data", "Systems", "Digital", "Астана", "Код", "Logic", "Smart", "Tech", "Nomad", "Byte"]
STATUS_MIX = [  # (status, share): about 64% decided
    ("approved", 40),
    ("rejected", 24),
    ("withdrawn", 6),
    ("submitted", 10),
    ("in_review", 10),
    ("changes_requested", 5),
    ("draft", 5),
]


def _bins(count: int) -> list[str]:
    from applications.validators import bin_check_digit

    bins, number = [], 100_000_000_00
    while len(bins) < count:
        first = f"{number:011d}"
        digit = bin_check_digit(first)
        if digit is not None:
            bins.append(first + str(digit))
        number += 13
    return bins


def build(n_applications: int, n_organisations: int) -> None:
    """The set, with bulk operations in batches (history rows only for the one application the timeline shows)."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from applications.models import (
        ActivityClaim,
        Application,
        Certificate,
        Decision,
        InternalNote,
        Membership,
        Organisation,
        Status,
    )
    from applications.roles import LEAD_REVIEWERS, REVIEWERS
    from catalog.models import LegalAct, ProvisionVersion

    call_command("migrate", verbosity=0)
    try:  # the code before issue 13 computed the clock in SQL
        from applications.working_days import clock_start_of

        clock_column = True
    except ImportError:
        clock_column = False
    existing = Application.objects.count()
    if existing >= n_applications:
        analyze()
        return
    if existing:  # an earlier build stopped half-way: start again
        call_command("flush", interactive=False, verbosity=0)
    started = time.monotonic()
    call_command("load_catalog", verbosity=0)
    rng = random.Random(13)
    reviewers = Group.objects.get_or_create(name=REVIEWERS)[0]
    leads = Group.objects.get_or_create(name=LEAD_REVIEWERS)[0]
    staff = []
    for i in range(10):
        user, _ = User.objects.get_or_create(username=f"rev{i}@bench.kz", defaults={"email": f"rev{i}@bench.kz"})
        user.groups.add(reviewers)
        staff.append(user)
    lead, _ = User.objects.get_or_create(username="lead@bench.kz", defaults={"email": "lead@bench.kz"})
    lead.groups.add(leads)
    applicant, _ = User.objects.get_or_create(username="applicant@bench.kz", defaults={"email": "applicant@bench.kz"})
    User.objects.get_or_create(
        username="admin@bench.kz", defaults={"email": "admin@bench.kz", "is_staff": True, "is_superuser": True}
    )
    act = LegalAct.objects.get(code="37/RD")
    versions = list(
        ProvisionVersion.objects.in_force(on=datetime.date(2022, 6, 1))
        .filter(provision__appendix=1, provision__act=act)
        .select_related("provision")
    )
    first_day, last_day = datetime.date(2019, 5, 6), datetime.date(2025, 12, 26)
    span = (last_day - first_day).days
    statuses = [status for status, share in STATUS_MIX for _ in range(share)]
    per_org = n_applications // n_organisations
    batch_orgs = 2_000
    number = 0
    all_bins = _bins(n_organisations)
    for org_start in range(0, n_organisations, batch_orgs):
        with transaction.atomic():
            count = min(batch_orgs, n_organisations - org_start)
            bins = all_bins[org_start : org_start + count]
            organisations = Organisation.objects.bulk_create(
                Organisation(
                    name=f"ТОО «{rng.choice(WORDS)} {rng.choice(WORDS)} {org_start + i}»", bin=bins[i],
                    legal_address="Astana, Mangilik El 55/8", director="A. Director",
                    contact_email=f"office{org_start + i}@example.kz", contact_phone="+7 7172 000000",
                )
                for i in range(count)
            )  # fmt: skip
            if org_start == 0:
                Membership.objects.get_or_create(organisation=organisations[0], user=applicant)
            applications = []
            for organisation in organisations:
                for _ in range(per_org):
                    number += 1
                    status = rng.choice(statuses)
                    day = first_day + datetime.timedelta(days=rng.randrange(span))
                    submitted = status != Status.DRAFT
                    resubmitted = submitted and rng.random() < 0.1
                    submitted_at = timezone.make_aware(
                        datetime.datetime.combine(
                            day + datetime.timedelta(days=20 if resubmitted else 0), datetime.time(10)
                        )
                    )
                    reviewer = rng.choice(staff) if status != Status.SUBMITTED and submitted else None
                    applications.append(
                        Application(
                            reference=f"AH-{day.year}-{number:06d}", organisation=organisation, status=status,
                            created_by=applicant, is_legal_entity=True, state_share_below_50=True,
                            not_subsoil_user=True, not_sez_participant=True, no_excisable_goods=True,
                            no_branches=True, sells_own_goods=False, declaration_confirmed=submitted,
                            reference_date=day if submitted else None, act=act if submitted else None,
                            submitted_at=submitted_at if submitted else None,
                            submitted_by=applicant if submitted else None,
                            submission_count=(2 if resubmitted else 1) if submitted else 0,
                            assigned_reviewer=reviewer, assigned_at=submitted_at if reviewer else None,
                            no_conflict_declared=reviewer is not None,
                        )
                    )  # fmt: skip
            for application in applications:  # what Application.save() keeps, where the column exists
                application.clock_from = clock_start_of(application) if clock_column else None
            applications = Application.objects.bulk_create(applications, batch_size=2_000)
            claims, certificates, decisions = [], [], []
            for application in applications:
                for version in rng.sample(versions, rng.choice((3, 4, 4, 5))):
                    claims.append(
                        ActivityClaim(
                            application=application, provision=version.provision, provision_version=version,
                            explanation="We design, build and sell our own software products.",
                            verdict="confirmed" if application.status == Status.APPROVED else "pending",
                        )
                    )  # fmt: skip
                if rng.random() < 0.31:
                    issued = application.reference_date or first_day
                    certificates.append(
                        Certificate(
                            application=application, kind="st_kz", number=f"KZ-{rng.randrange(10**7):07d}",
                            issued_on=issued - datetime.timedelta(days=30),
                            valid_until=issued + datetime.timedelta(days=335),
                            issuer="Atameken", goods="Software licences",
                        )
                    )  # fmt: skip
                if application.status in (Status.APPROVED, Status.REJECTED):
                    decisions.append(
                        Decision(
                            application=application, outcome=application.status,
                            decided_by=application.assigned_reviewer,
                            decided_at=application.submitted_at + datetime.timedelta(days=14), act=act,
                            reference_date=application.reference_date, sells_own_goods=False,
                            reasons="" if application.status == Status.APPROVED else "Not confirmed.",
                            confirmed_activities=[],
                        )
                    )  # fmt: skip
            ActivityClaim.objects.bulk_create(claims, batch_size=5_000)
            Certificate.objects.bulk_create(certificates, batch_size=5_000)
            Decision.objects.bulk_create(decisions, batch_size=5_000)
        print(f"  {org_start + count} organisations, {number} applications ({time.monotonic() - started:.0f} s)")

    # The application the review screen and the timeline show: 10 claims, two certificates (one number also
    # held by another organisation), in review by rev0, 200 rows of history, notes.
    organisation = Organisation.objects.order_by("pk").first()
    with transaction.atomic():
        application = Application.objects.create(
            reference=BENCH_REFERENCE, organisation=organisation, status=Status.IN_REVIEW, created_by=applicant,
            is_legal_entity=True, state_share_below_50=True, not_subsoil_user=True, not_sez_participant=True,
            no_excisable_goods=True, no_branches=True, sells_own_goods=True, declaration_confirmed=True,
            reference_date=datetime.date(2025, 11, 3), act=act, submission_count=1, submitted_by=applicant,
            submitted_at=timezone.make_aware(datetime.datetime(2025, 11, 3, 10)), assigned_reviewer=staff[0],
            assigned_at=timezone.make_aware(datetime.datetime(2025, 11, 4, 10)), no_conflict_declared=True,
        )  # fmt: skip
        for version in versions[:10]:
            ActivityClaim.objects.create(
                application=application, provision=version.provision, provision_version=version,
                explanation="We design, build and sell our own software products.",
            )  # fmt: skip
        shared = Certificate.objects.exclude(application__organisation=organisation).order_by("pk").first()
        for number in (shared.number, "KZ-BENCH-1"):
            Certificate.objects.create(
                application=application, kind="st_kz", number=number, issued_on=datetime.date(2025, 6, 1),
                valid_until=datetime.date(2026, 6, 1), issuer="Atameken", goods="Software licences",
            )  # fmt: skip
        for i in range(20):
            InternalNote.objects.create(application=application, author=staff[0], body=f"Checked item {i}.")
        while Application.history.filter(id=application.pk).count() + 32 < 200:
            application.no_conflict_declared = not application.no_conflict_declared
            application.save(update_fields=["no_conflict_declared", "updated_at"])
    analyze()
    print(f"  built in {time.monotonic() - started:.0f} s")


def analyze() -> None:
    """What the nightly task does on SQLite (applications.refresh_planner_statistics), and PostgreSQL's
    autovacuum after a bulk load: the planner's statistics, for the indexes as they are now."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


# --- measuring (in the set's own process) ---------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def pages() -> list[tuple[str, str, str]]:
    """(page, user, address) of every page measured."""
    from applications.models import Application, Organisation

    application = Application.objects.get(reference=BENCH_REFERENCE)
    organisation = Organisation.objects.order_by("-pk").first()
    name = organisation.name.split("«")[1].split()[0] + " " + organisation.name.split()[-1].rstrip("»")
    only = set(filter(None, os.environ.get("BENCH_PAGES", "").split(",")))  # e.g. BENCH_PAGES=queue,lead_dashboard
    return [page for page in _all_pages(application, name, organisation) if not only or page[0] in only]


def _all_pages(application, name, organisation) -> list[tuple[str, str, str]]:
    ref = application.reference
    return [
        ("queue", "rev0", "/review/"),
        ("queue_status", "rev0", "/review/?status=in_review"),
        ("queue_search_name", "rev0", f"/review/?status=all&q={name}"),
        ("queue_search_bin", "rev0", f"/review/?status=all&q={organisation.bin}"),
        ("queue_last_page", "rev0", "/review/?last=1"),  # the queue's "Last page" link (keyset pages)
        ("queue_last_page_all", "rev0", "/review/?status=all&last=1"),
        ("review_screen", "rev0", f"/review/{ref}/"),
        ("timeline", "rev0", f"/review/{ref}/timeline/"),
        ("catalog", "", "/catalog/?on=01.06.2024"),
        ("catalog_api", "", "/api/catalog/?on=2024-06-01"),
        ("applicant_home", "applicant", "/my/"),
        ("lead_dashboard", "lead", "/review/home/"),
        ("admin_changelist", "admin", "/admin/applications/application/"),
        ("admin_changelist_search", "admin", f"/admin/applications/application/?q={name}"),
    ]


def verify_second_factor(client, user) -> None:
    """Staff sign in with a second factor (django-otp): the session of a member of staff who typed their code."""
    try:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice
    except ImportError:  # the code before two-factor sign-in
        return
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def measure(set_name: str) -> dict:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.template import Context
    from django.test import Client
    from django.test.signals import template_rendered
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

    clients = {"": Client()}
    for key in ("rev0", "lead", "applicant", "admin"):
        clients[key] = Client()
        user = User.objects.get(username=f"{key}@bench.kz")
        clients[key].force_login(user)
        if key != "applicant":
            verify_second_factor(clients[key], user)

    # Once, instrumented: each page's queries, bytes and the context its own template was rendered from.
    setup_test_environment()
    captured = {}

    def capture(sender, template, context, **kwargs):
        captured.setdefault("template", template)
        captured.setdefault("context", context.flatten())

    template_rendered.connect(capture)
    results, floors = {}, {}
    for page, user, address in pages():
        clients[user].get(address)  # warm: the queries counted are a reader's, not the first one's after a restart
        captured.clear()
        with CaptureQueriesContext(connection) as queries:
            response = clients[user].get(address)
        assert response.status_code == 200, (page, address, response.status_code)
        results[page] = {"queries": len(queries), "bytes": len(response.content), "address": address}
        if "template" in captured and not page.startswith("admin"):
            floors[page] = (captured["template"], captured["context"])
    template_rendered.disconnect(capture)
    teardown_test_environment()

    for page, user, address in pages():
        client = clients[user]
        for _ in range(WARM_UP):
            client.get(address)
        timings = []
        for _ in range(REPEAT):
            started = time.perf_counter()
            client.get(address)
            timings.append((time.perf_counter() - started) * 1000)
        results[page].update(median_ms=statistics.median(timings), p95_ms=percentile(timings, 0.95))
        # Where the time beyond the floor goes: the database's share, measured in a separate pass (the wrapper
        # costs a little itself), the rest being Python (Django's request handling, middleware, the view).
        sql_times = []
        for _ in range(max(5, REPEAT // 3)):
            spent = [0.0]

            def timed(execute, sql, params, many, context, spent=spent):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    spent[0] += time.perf_counter() - started

            with connection.execute_wrapper(timed):
                client.get(address)
            sql_times.append(spent[0] * 1000)
        results[page]["sql_ms"] = statistics.median(sql_times)
        if page in floors:
            template, context = floors[page]
            with CaptureQueriesContext(connection) as queries:
                template.render(Context(context))
            timings = []
            for _ in range(WARM_UP + REPEAT):
                started = time.perf_counter()
                body = template.render(Context(context))
                timings.append((time.perf_counter() - started) * 1000)
            timings = timings[WARM_UP:]
            results[f"{page}_floor"] = {
                "median_ms": statistics.median(timings),
                "p95_ms": percentile(timings, 0.95),
                "queries": len(queries),
                "bytes": len(body.encode()),
            }
        print(f"  {set_name}: {page} {results[page]['median_ms']:.1f} ms", flush=True)
    return {"database": connection.vendor, "pages": results}


def run_set(set_name: str) -> None:
    import django

    django.setup()
    n_applications, n_organisations = SETS[set_name]
    build(n_applications, n_organisations)
    out = BENCH_DIR / f"{set_name}.json"
    out.write_text(json.dumps(measure(set_name), indent=2))


# --- the whole bench --------------------------------------------------------------------------------------------


def ratios(large: dict, small: dict | None) -> dict:
    pages = {}
    admin = large.get("admin_changelist", {}).get("median_ms")
    for page, figures in large.items():
        row = {key: figures[key] for key in ("median_ms", "p95_ms", "queries", "bytes")}
        if "sql_ms" in figures:
            row["sql_ms"] = round(figures["sql_ms"], 2)
        floor = large.get(f"{page}_floor")
        row["ratio_to_admin"] = round(figures["median_ms"] / admin, 2) if admin else None
        row["ratio_to_floor"] = round(figures["median_ms"] / floor["median_ms"], 2) if floor else None
        before = (small or {}).get(page)
        row["ratio_large_to_small"] = round(figures["median_ms"] / before["median_ms"], 2) if before else None
        row["median_ms"], row["p95_ms"] = round(row["median_ms"], 2), round(row["p95_ms"], 2)
        pages[page] = row
    return pages


def table(pages: dict, small: dict) -> str:
    lines = [
        f"{'page':28} {'small ms':>9} {'median ms':>10} {'p95 ms':>8} {'sql ms':>7} {'queries':>7} {'bytes':>8} "
        f"{'/admin':>7} {'/floor':>7} {'L/S':>6}"
    ]
    for page, row in pages.items():
        lines.append(
            f"{page:28} {small.get(page, {}).get('median_ms', 0):9.1f} {row['median_ms']:10.1f} {row['p95_ms']:8.1f} "
            f"{row.get('sql_ms', ''):>7} {row['queries']:7} {row['bytes']:8} {row['ratio_to_admin'] or '':>7} "
            f"{row['ratio_to_floor'] or '':>7} "
            f"{row['ratio_large_to_small'] or '':>6}"
        )
    return "\n".join(lines)


def main(names: list[str]) -> None:
    started = time.monotonic()
    BENCH_DIR.mkdir(exist_ok=True)
    measured = {}
    for name in names:
        url = database_url(name)
        if url.startswith("postgres"):
            ensure_postgres_database(url)
        print(f"{name}: {url.split('@')[-1]}", flush=True)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.perf.bench_settings"}
        env.pop("REDIS_URL", None)  # tasks in-process: the bench measures pages, not a broker
        subprocess.run([sys.executable, __file__, "--set", name], check=True, env=env, cwd=ROOT)
        measured[name] = json.loads((BENCH_DIR / f"{name}.json").read_text())
    small = measured.get("small", {}).get("pages", {})
    large_name = "large" if "large" in measured else names[-1]
    large = measured[large_name]
    pages = ratios(large["pages"], small if large_name != "small" else None)
    result = {
        "database": large["database"],
        "set": large_name,
        "repeat": REPEAT,
        "pages": pages,
        "small": ratios(small, None) if small else {},
    }
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"\n{large['database']}, {large_name} set ({SETS[large_name][0]:,} applications), {REPEAT} requests a page")
    print(table(pages, small))
    print(f"\nbench-results.json written; {time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    if len(sys.argv) > 2 and sys.argv[1] == "--set":
        run_set(sys.argv[2])
    else:
        main(sys.argv[1:] or ["small", "large"])
