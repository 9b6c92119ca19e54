"""Celery tasks of the applications app. All are idempotent: see applications/notifications.py and
applications/watches.py. The periodic ones (config/celery.py's beat schedule) note each run for the health check."""

import functools

from celery import shared_task

from . import watches
from .notifications import notification_send, notifications_send_pending, staff_events_tell, staff_events_tell_pending
from .review.exports import export_run

# Retries wait 1, 2, 4, 8, 16 minutes, then the sweep tries (up to notifications.MAX_ATTEMPTS failures).
# Each wait is well inside Redis's visibility timeout (1 hour), so a waiting retry is not delivered twice;
# and if it were, the row lock and sent_at make the second one do nothing.
RETRY_BASE_SECONDS = 60
MAX_RETRIES = 5


def periodic(name: str):
    """A task celery beat runs: registered as `name`, and its every run noted (watches.periodic_run_record)."""

    def decorate(function):
        @shared_task(name=name)
        @functools.wraps(function)
        def task(*args, **kwargs):
            watches.periodic_run_record(name)
            return function(*args, **kwargs)

        return task

    return decorate


@shared_task(name="applications.send_notification", bind=True, max_retries=MAX_RETRIES)
def send_notification(self, notification_id: int) -> bool:
    """Send one notification; on failure (recorded on the row) retry later with backoff."""
    result = notification_send(notification_id)
    if result is None and not self.request.is_eager and self.request.retries < MAX_RETRIES:
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
    # In-process (no broker) there is no retry inside the request: the row stays pending for the sweep.
    return bool(result)


@shared_task(name="applications.tell_staff")
def tell_staff(user_id: int) -> bool:
    """One e-mail with a member of staff's updates not told yet (queued after the commit that wrote them)."""
    return staff_events_tell(user_id) is not None


@periodic("applications.send_pending_notifications")
def send_pending_notifications() -> dict[str, int]:
    """The periodic sweep: write the staff updates whose e-mail was never written, then send every notification
    still pending (e.g. the broker was down at commit)."""
    staff_events_tell_pending()
    return notifications_send_pending()


@periodic("applications.watch_waiting")
def watch_waiting() -> int:
    """Lead reviewers are told of applications waiting 2 working days without a reviewer."""
    return watches.waiting_watch()


@periodic("applications.watch_stalled_drafts")
def watch_stalled_drafts() -> int:
    """Drafts that could not be submitted for want of a list, once a list is in force for their date (a list
    published ahead of its effective date; one published in force already is told on publication)."""
    return watches.stalled_drafts_watch()


@periodic("applications.watch_certificates")
def watch_certificates() -> int:
    """Certificates an approval relied on that expire within 30 (then 7) days."""
    return watches.certificates_watch()


@periodic("applications.send_digests")
def send_digests(only_working_days: bool = True) -> int:
    """Each reviewer's daily digest (on working days)."""
    return watches.digests_send(only_working_days=only_working_days)


@periodic("applications.clean_history")
def clean_history() -> dict[str, int]:
    """Nightly: history rows that record no change (never decisions')."""
    return watches.history_clean()


@periodic("applications.remove_old_exports")
def remove_old_exports() -> int:
    """Nightly: exports older than a week, with their files."""
    return watches.exports_remove_old()


@periodic("applications.refresh_planner_statistics")
def refresh_planner_statistics() -> bool:
    """Nightly: the SQLite query planner's statistics (PostgreSQL keeps its own)."""
    return watches.planner_statistics_refresh()


@shared_task(name="applications.export_decisions")
def export_decisions(export_id: str) -> str:
    """Write a large export of decisions, noting its progress (applications/exports.py)."""
    return export_run(export_id)
