"""Celery tasks of the applications app. Both are idempotent: see applications/notifications.py."""

from celery import shared_task

from .notifications import notification_send, notifications_send_pending

# Retries wait 1, 2, 4, 8, 16 minutes, then the sweep tries (up to notifications.MAX_ATTEMPTS failures).
# Each wait is well inside Redis's visibility timeout (1 hour), so a waiting retry is not delivered twice;
# and if it were, the row lock and sent_at make the second one do nothing.
RETRY_BASE_SECONDS = 60
MAX_RETRIES = 5


@shared_task(name="applications.send_notification", bind=True, max_retries=MAX_RETRIES)
def send_notification(self, notification_id: int) -> bool:
    """Send one notification; on failure (recorded on the row) retry later with backoff."""
    result = notification_send(notification_id)
    if result is None and not self.request.is_eager and self.request.retries < MAX_RETRIES:
        raise self.retry(countdown=RETRY_BASE_SECONDS * 2**self.request.retries)
    # In-process (no broker) there is no retry inside the request: the row stays pending for the sweep.
    return bool(result)


@shared_task(name="applications.send_pending_notifications")
def send_pending_notifications() -> dict[str, int]:
    """The periodic sweep: send every notification still pending (e.g. the broker was down at commit)."""
    return notifications_send_pending()
