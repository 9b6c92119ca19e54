"""`make loadtest`: how many requests a second this machine serves, and how fast (issue 13). Run by hand.

    .venv/bin/python tests/perf/loadtest.py        # LOADTEST_USERS=60 LOADTEST_SECONDS=60 to change the load
                                                   # LOADTEST_WORKERS=3: gunicorn's sync workers

Needs PostgreSQL and Redis (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/review_loadtest; its database
<name> is created and filled if missing; REDIS_URL, default redis://127.0.0.1:6379/5, the broker; DJANGO_CACHE_URL,
default redis://127.0.0.1:6379/6, the shared cache). It loads the catalog and the demo data, adds 5,000 applications
with reviewers and applicants who can log in (tests/perf/ bench.py's builder), starts gunicorn (3 sync workers,
LOADTEST_WORKERS) and a Celery worker on Redis, runs locust headless for a bounded time with reviewers, applicants
and anonymous catalog readers (tests/perf/locustfile.py), prints requests/s, p50/p95/p99 per page and the errors,
and checks that every internal note the server accepted is in the database exactly once. It stops what it started.
Never point it at a real database.
"""

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1].parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "perf"))

DATABASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/review_loadtest"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/5"
# As in production (README): one cache shared by the web processes (the catalog's answers, the dashboards' counts,
# sessions read through it), in its own Redis database.
CACHE_URL = os.environ.get("DJANGO_CACHE_URL") or "redis://127.0.0.1:6379/6"
USERS = int(os.environ.get("LOADTEST_USERS", "60"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "3"))  # gunicorn's sync workers (the setup: 3)
# Each simulated reviewer its own account: django-otp accepts a code once per account and time step, so two
# users signing in to one account in the same 30 s would leave the second unverified (sent to the code page).
REVIEWERS, APPLICANTS, PASSWORD = max(40, USERS), 10, "load-test-2025"
TOTP_KEY = "3132333435363738393031323334353637383930"  # the load-test reviewers' authenticator key
ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": REDIS_URL,
    "DJANGO_CACHE_URL": CACHE_URL,
    "DJANGO_SETTINGS_MODULE": "tests.perf.bench_settings",
    "PYTHONPATH": str(ROOT),
}


def prepare() -> tuple[dict, dict]:
    """The data (built once), and who may do what: reviewer -> references declared on, applicant -> own."""
    os.environ.update(ENV)
    import bench

    if not DATABASE_URL.startswith("postgres"):
        sys.exit("make loadtest needs PostgreSQL: set DATABASE_URL=postgres://...")
    bench.ensure_postgres_database(DATABASE_URL)
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from applications.applicant.accounts import email_verification_record
    from applications.models import Application, ConflictDeclaration, Membership, Organisation
    from applications.roles import REVIEWERS as REVIEWER_GROUP
    from applications.workflow import AWAITING_PARK

    bench.build(5_000, 1_000)  # first: it empties a database it finds half-built
    if not User.objects.filter(username="reviewer@example.com").exists():
        call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    group = Group.objects.get(name=REVIEWER_GROUP)
    open_ones = list(Application.objects.filter(status__in=AWAITING_PARK).order_by("pk").values_list("pk", "reference"))
    targets, own = {}, {}
    for i in range(REVIEWERS):
        user, created = User.objects.get_or_create(
            username=f"loadrev{i}@load.kz", defaults={"email": f"loadrev{i}@load.kz"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(group)
        TOTPDevice.objects.get_or_create(user=user, name="load test", defaults={"key": TOTP_KEY, "confirmed": True})
        mine = open_ones[i * 20 : i * 20 + 20]
        ConflictDeclaration.objects.bulk_create(
            [
                ConflictDeclaration(application_id=pk, author=user, statement="No conflict (load test).")
                for pk, _ in mine
            ]
            if created
            else []
        )
        targets[user.email] = [reference for _, reference in mine]
    organisations = list(Organisation.objects.order_by("pk")[1 : APPLICANTS + 1])
    for i, organisation in enumerate(organisations):
        user, created = User.objects.get_or_create(
            username=f"loadapp{i}@load.kz", defaults={"email": f"loadapp{i}@load.kz"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save()
            email_verification_record(user)
            Membership.objects.create(organisation=organisation, user=user)
        own[user.email] = list(organisation.applications.exclude(status="draft").values_list("reference", flat=True))
    return targets, own


def wait_until_up(url: str, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server on 127.0.0.1
            return
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{url} answered {error.code}: see the server's log") from error
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def report(stats_csv: Path) -> tuple[float, float, int]:
    """Prints each page's figures; returns reviewer pages' requests/s and worst p95, and all errors."""
    rows = list(csv.DictReader(stats_csv.open()))
    print(f"\n{'page':32} {'requests':>9} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}")
    reviewer_rate, reviewer_p95, errors = 0.0, 0.0, 0
    for row in rows:
        name = row["Name"] or "Aggregated"
        print(
            f"{name:32} {row['Request Count']:>9} {float(row['Requests/s']):7.1f} {row['50%']:>7} {row['95%']:>7} "
            f"{row['99%']:>7} {row['Failure Count']:>7}"
        )
        if name.startswith("reviewer:"):
            reviewer_rate += float(row["Requests/s"])
            reviewer_p95 = max(reviewer_p95, float(row["95%"] or 0))
        if name == "Aggregated":
            errors = int(row["Failure Count"])
    return reviewer_rate, reviewer_p95, errors


def check_writes(accepted_file: Path) -> bool:
    from applications.models import InternalNote

    accepted = json.loads(accepted_file.read_text()) if accepted_file.exists() else []
    counts = {}
    for body in InternalNote.objects.filter(body__startswith="loadtest-").values_list("body", flat=True):
        counts[body] = counts.get(body, 0) + 1
    missing = [body for body in accepted if counts.get(body, 0) == 0]
    doubled = [body for body, count in counts.items() if count > 1]
    print(
        f"\nWrites: {len(accepted)} internal notes accepted (302); {len(missing)} missing from the database, "
        f"{len(doubled)} stored more than once."
    )
    return not missing and not doubled


def main() -> int:
    started = time.monotonic()
    targets, own = prepare()
    print(f"Data ready ({time.monotonic() - started:.0f} s); {USERS} users for {SECONDS} s against gunicorn")
    out = Path(tempfile.mkdtemp(prefix="loadtest-"))
    python = Path(sys.executable)
    gunicorn = subprocess.Popen(
        [
            str(python.parent / "gunicorn"),
            "config.wsgi",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=ENV,
    )
    worker = subprocess.Popen(
        [str(python.parent / "celery"), "-A", "config", "worker", "-c", "1", "--loglevel", "warning"], cwd=ROOT, env=ENV
    )
    try:
        wait_until_up(f"http://127.0.0.1:{PORT}/catalog/")
        env = {
            **ENV,
            "LOADTEST_TARGETS": json.dumps(targets),
            "LOADTEST_OWN": json.dumps(own),
            "LOADTEST_REVIEWERS": str(REVIEWERS),
            "LOADTEST_APPLICANTS": str(APPLICANTS),
            "LOADTEST_PASSWORD": PASSWORD,
            "LOADTEST_TOTP_KEY": TOTP_KEY,
            "LOADTEST_ACCEPTED": str(out / "accepted.json"),
        }
        subprocess.run(
            [
                str(python.parent / "locust"), "-f", str(ROOT / "tests" / "perf" / "locustfile.py"), "--headless",
                "-u", str(USERS), "-r", str(max(1, USERS // 5)), "-t", f"{SECONDS}s",
                "--host", f"http://127.0.0.1:{PORT}", "--csv", str(out / "stats"), "--only-summary",
                "--loglevel", "WARNING",
            ],
            cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    finally:
        stop(gunicorn)
        stop(worker)
    rate, p95, errors = report(out / "stats_stats.csv")
    writes_ok = check_writes(out / "accepted.json")
    print(
        f"\nReviewer pages: {rate:.1f} requests/s, worst p95 {p95:.0f} ms; errors: {errors}; "
        f"writes {'all stored exactly once' if writes_ok else 'NOT all stored exactly once'}. "
        f"(Target: >= 100 requests/s, p95 < 500 ms, 0 errors.) {time.monotonic() - started:.0f} s in all."
    )
    return 0 if writes_ok and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
