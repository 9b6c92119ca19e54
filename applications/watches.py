"""The watches celery beat runs (config/celery.py): applications waiting without a reviewer, certificates about
to expire, the daily digest, and the nightly removal of history rows that record no change.

Each watch is idempotent: what it told about is marked (WatchMark) in the same transaction as the e-mail or the
update it wrote, under a unique key, so a second run (or one running at the same time) tells nothing twice.
`periodic_run_record` notes each run for the health check (config/health.py).
"""

import datetime
import logging
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from catalog.selectors import list_acts, list_in_force_on

from .models import (
    Application,
    Certificate,
    Export,
    Notification,
    Outcome,
    PeriodicRun,
    StaffEvent,
    Status,
    Verification,
    WatchMark,
)
from .notifications import (
    InLanguage,
    notification_write,
    site_link,
    staff_event_items,
    staff_event_write,
    staff_notification_write,
    staff_updates_together,
    wants_digest_only,
)
from .roles import LEAD_REVIEWERS, REVIEWERS
from .workflow import CLOCK_RUNNING
from .working_days import (
    add_working_days,
    is_working_day,
    latest_clock_start_due_by,
    review_clock,
    working_days_ago,
)

logger = logging.getLogger(__name__)

# A lead reviewer is told when an application has waited this many working days without a reviewer.
WAITING_WORKING_DAYS = 2
# The digest lists what is overdue or due within this many working days.
DUE_SOON_WORKING_DAYS = 2
# Certificates are watched from this many days before they expire; one e-mail per threshold reached.
CERTIFICATE_THRESHOLDS = (30, 7)
# Exports are kept this long, then removed with their files.
EXPORTS_KEPT = datetime.timedelta(days=7)
# The nightly clean-up looks this far back (more than a night, so that a missed night is caught up).
HISTORY_LOOKBACK_MINUTES = 7 * 24 * 60


def periodic_run_record(task: str) -> None:
    """Note that `task` ran now (one row per task; the health check reads the latest)."""
    with transaction.atomic():
        run, created = PeriodicRun.objects.select_for_update().get_or_create(
            task=task, defaults={"last_run_at": timezone.now(), "runs": 1}
        )
        if not created:
            PeriodicRun.objects.filter(pk=run.pk).update(last_run_at=timezone.now(), runs=F("runs") + 1)


def _mark(watch: str, key: str) -> bool:
    """Write the watch's mark inside the current transaction; False when it exists (told already)."""
    try:
        with transaction.atomic():
            WatchMark.objects.create(watch=watch, key=key)
    except IntegrityError:
        return False
    return True


def _staff(*groups: str):
    return (
        get_user_model()
        .objects.filter(groups__name__in=groups, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


# --- applications waiting without a reviewer ----------------------------------------------------------------


def waiting_watch(*, today: datetime.date | None = None) -> int:
    """Tell every lead reviewer about each application that has waited 2 working days without a reviewer,
    once per submission. Returns how many applications were told about."""
    today = today or timezone.localdate()
    leads = list(_staff(LEAD_REVIEWERS))
    if not leads:
        return 0
    # Unassigned means never taken, so never sent back: its clock started on its reference date.
    waiting = Application.objects.filter(
        status=Status.SUBMITTED,
        assigned_reviewer__isnull=True,
        reference_date__lte=working_days_ago(today, WAITING_WORKING_DAYS),
    ).order_by("reference_date", "pk")
    told = 0
    with staff_updates_together():
        for application in waiting:
            with transaction.atomic():
                if not _mark(WatchMark.Watch.WAITING, f"{application.pk}:{application.submission_count}"):
                    continue
                for lead in leads:
                    staff_event_write(user=lead, kind=StaffEvent.Kind.WAITING_UNASSIGNED, application=application)
                told += 1
    return told


# --- drafts that could not be submitted for want of a list ------------------------------------------------------


def stalled_drafts_watch(*, today: datetime.date | None = None) -> int:
    """E-mail the members of each draft that could not be submitted because no list was in force, once, when a
    list comes into force for its date. Run when a list is published (applications/catalog_changes.py) and
    daily (a list published ahead of its effective date). Returns how many drafts were told.

    Stalled: the draft already existed on a day before the list in force on its date took effect on which no
    list was in force (lists never overlap, so: the day before the list took effect had none, and the draft
    was started before it). The draft then chooses from that list (its step 2 reads the list in force)."""
    today = today or timezone.localdate()
    acts = list_acts()
    told = 0
    drafts = Application.objects.filter(status=Status.DRAFT).select_related("organisation").order_by("pk")
    for application in drafts:
        act = list_in_force_on(application.reference_date or today, acts=acts)
        if act is None:
            continue
        day_before = act.effective_from - datetime.timedelta(days=1)
        started = timezone.localdate(application.created_at)
        if started > day_before or list_in_force_on(day_before, acts=acts) is not None:
            continue
        with transaction.atomic():
            if not _mark(WatchMark.Watch.LIST_IN_FORCE, str(application.pk)):
                continue
            notification_write(application=application, kind=Notification.Kind.LIST_IN_FORCE, act=act)
            told += 1
    return told


# --- certificates an approval relied on, about to expire -------------------------------------------------------


def certificate_threshold(days_left: int) -> int | None:
    """The smallest threshold `days_left` has reached (30, then 7), or None when it is further away."""
    reached = [threshold for threshold in CERTIFICATE_THRESHOLDS if days_left <= threshold]
    return min(reached) if reached else None


def certificates_watch(*, today: datetime.date | None = None) -> int:
    """Tell the applicant organisation and the reviewer who decided about each verified certificate of an
    approval that confirmed own production, once it expires within 30 days, and again within 7 (once per
    certificate and threshold; a certificate first seen with 5 days left is told once). Returns how many."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(CERTIFICATE_THRESHOLDS))
    certificates = list(
        Certificate.objects.filter(
            application__status=Status.APPROVED,
            application__decision__outcome=Outcome.APPROVED,
            application__decision__own_production_confirmed=True,
            verification=Verification.VERIFIED,
            valid_until__gte=today,
            valid_until__lte=horizon,
        )
        .select_related("application__organisation", "application__decision__decided_by")
        .order_by("valid_until", "pk")
    )
    keys = {f"{c.pk}:{t}" for c in certificates for t in CERTIFICATE_THRESHOLDS}
    marked = set(
        WatchMark.objects.filter(watch=WatchMark.Watch.CERTIFICATE, key__in=keys).values_list("key", flat=True)
    )
    told = 0
    with staff_updates_together():
        for certificate in certificates:
            threshold = certificate_threshold((certificate.valid_until - today).days)
            # A smaller threshold already told says more than this one would.
            if any(f"{certificate.pk}:{t}" in marked for t in CERTIFICATE_THRESHOLDS if t <= threshold):
                continue
            application = certificate.application
            with transaction.atomic():
                if not _mark(WatchMark.Watch.CERTIFICATE, f"{certificate.pk}:{threshold}"):
                    continue
                notification_write(
                    application=application, kind=Notification.Kind.CERTIFICATE_EXPIRING, certificate=certificate
                )
                staff_event_write(
                    user=application.decision.decided_by,
                    kind=StaffEvent.Kind.CERTIFICATE_EXPIRING,
                    application=application,
                    certificate=certificate,
                )
                told += 1
    return told


# --- the daily digest -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DigestRow:
    application: Application
    due_on: datetime.date
    days_left: int
    url: str

    @property
    def days_overdue(self) -> int:
        return -self.days_left


def digest_rows(*, today: datetime.date) -> dict[int, list[DigestRow]]:
    """Per reviewer (user id): their applications overdue or due within 2 working days, soonest first. One query."""
    soon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    applications = (
        Application.objects.filter(status__in=CLOCK_RUNNING, assigned_reviewer__isnull=False)
        .filter(clock_from__lte=latest_clock_start_due_by(soon))
        .select_related("organisation")
        .order_by("clock_from", "reference")
    )
    rows: dict[int, list[DigestRow]] = {}
    for application in applications:
        clock = review_clock(application, today)
        rows.setdefault(application.assigned_reviewer_id, []).append(
            DigestRow(application, clock.due_on, clock.days_left, site_link("review:application", application))
        )
    return rows


def digest_send(*, user, rows: list[DigestRow], today: datetime.date) -> Notification | None:
    """The digest of one reviewer for `today`, unless it was sent already or there is nothing to say. For a
    user who chose the digest only, it also tells the updates not told yet."""
    with transaction.atomic():
        digest_only = wants_digest_only(user)
        events = []
        if digest_only:
            events = StaffEvent.objects.to_tell(user)
        if not rows and not events:
            return None
        if not _mark(WatchMark.Watch.DIGEST, f"{user.pk}:{today.isoformat()}"):
            return None
        notification = staff_notification_write(
            user=user,
            kind=Notification.Kind.DIGEST,
            template="digest",
            context={
                "overdue": [row for row in rows if row.days_left < 0],
                "due_soon": [row for row in rows if row.days_left >= 0],
                "updates": InLanguage(lambda: staff_event_items(events, today=today)),
                "digest_only": digest_only,
            },
        )
        if notification is None:
            transaction.set_rollback(True)  # no address after all: leave the mark unwritten
            return None
        StaffEvent.objects.filter(pk__in=[event.pk for event in events]).update(notification=notification)
        return notification


def digests_send(*, today: datetime.date | None = None, only_working_days: bool = True) -> int:
    """The daily digest to every reviewer with something to say (none on a day off, unless asked). Returns
    how many were written."""
    today = today or timezone.localdate()
    if only_working_days and not is_working_day(today):
        return 0
    rows = digest_rows(today=today)
    return sum(
        1
        for user in _staff(REVIEWERS, LEAD_REVIEWERS)
        if digest_send(user=user, rows=rows.get(user.pk, []), today=today) is not None
    )


# --- nightly: history rows that record no change --------------------------------------------------------------

# Decisions' history is never touched, whatever it holds.
NEVER_CLEANED = {"applications.decision"}


def _tables_refusing_delete() -> set[str]:
    """Tables with a trigger that fires on DELETE (PostgreSQL's append-only history of the audit record):
    simple-history's command would fail on them, and they must stay as written anyway."""
    if connection.vendor != "postgresql":
        return set()
    with connection.cursor() as cursor:
        # tgtype bit 3 (8) is DELETE; internal triggers (foreign keys) are not ours.
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND (t.tgtype & 8) <> 0"
        )
        return {row[0] for row in cursor.fetchall()}


def history_models_to_clean() -> list[str]:
    """ "app.Model" of every model with history whose duplicates may be removed: not decisions, and not a
    history table the database itself keeps append-only."""
    protected = _tables_refusing_delete()
    labels = []
    for model in apps.get_models():
        history = getattr(model, "history", None)
        history_model = getattr(history, "model", None)
        if history_model is None or model._meta.label_lower in NEVER_CLEANED:
            continue
        if history_model._meta.db_table in protected:
            continue
        labels.append(model._meta.label)
    return sorted(labels)


def history_clean(*, minutes: int = HISTORY_LOOKBACK_MINUTES) -> dict[str, int]:
    """Remove history rows that record no change (simple-history's `clean_duplicate_history`, on the last
    `minutes` of history), ignoring `updated_at`, which every save changes. Returns the rows removed per model."""
    removed = {}
    for label in history_models_to_clean():
        history_model = apps.get_model(label).history.model
        before = history_model.objects.count()
        call_command("clean_duplicate_history", label, minutes=minutes, excluded_fields=["updated_at"], verbosity=0)
        removed[label] = before - history_model.objects.count()
    return removed


# --- nightly: old exports -----------------------------------------------------------------------------------------


def exports_remove_old(*, now: datetime.datetime | None = None) -> int:
    """Remove exports (and their files) asked for more than a week ago. Returns how many."""
    now = now or timezone.now()
    removed = 0
    for export in Export.objects.filter(created_at__lt=now - EXPORTS_KEPT):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        removed += 1
    return removed


# --- nightly: the query planner's statistics ------------------------------------------------------------------


def planner_statistics_refresh() -> bool:
    """SQLite chooses an index by its statistics (sqlite_stat1), which only ANALYZE writes: without them the
    queue's search and status filters read every application at park scale (issue 13). PostgreSQL's autovacuum
    keeps its own. Returns whether statistics were written."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return True
