"""E-mail notifications to the applicant organisation, through an outbox (the Notification model).

A service that changes an application calls `notification_write` inside its own transaction: the row is
written with the subject and body rendered now, and a task is queued for after the commit. If the
transaction rolls back, there is no row and no task; if the broker is down at commit time, the row stays
pending and `notifications_send_pending` (the periodic sweep, or the management command) sends it later.

Sending is idempotent: `notification_send` locks the row and sends only while `sent_at` is empty, so a
task delivered twice, a retry and the sweep never send the same e-mail twice. (Delivery is at least once:
a process killed between the SMTP hand-over and the commit would send it again.)
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Application, Decision, Notification, Outcome

logger = logging.getLogger(__name__)

# A notification that failed this many times is left for an operator (admin shows it with its last error).
MAX_ATTEMPTS = 8


def notification_recipients(application: Application) -> list[str]:
    """The addresses of every active member of the applicant organisation, each once, sorted."""
    emails = application.organisation.members.filter(is_active=True).exclude(email="").values_list("email", flat=True)
    return sorted({email.strip().lower() for email in emails})


def _link(name: str, application: Application) -> str:
    return settings.SITE_URL + reverse(name, kwargs={"reference": application.reference})


def _render(kind: str, context: dict) -> tuple[str, str]:
    # In the site's language: the members' own language is not known, and the words are fixed when written.
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"applications/email/{kind}_subject.txt", context)
        body = render_to_string(f"applications/email/{kind}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def notification_write(
    *, application: Application, kind: str, actor=None, message: str = "", decision: Decision | None = None
) -> Notification | None:
    """Write the e-mail for a change of `application` and queue its sending for after the commit.

    Call it inside the transaction of the change. Returns None when the organisation has nobody to write to.
    """
    recipients = notification_recipients(application)
    if not recipients:
        return None
    context = {
        "application": application,
        "organisation": application.organisation,
        "actor": actor,
        "today": timezone.localdate(),
        "message": message,
        "decision": decision,
        "approved": decision is not None and decision.outcome == Outcome.APPROVED,
        "application_url": _link("applications:detail", application),
        "letter_url": _link("applications:letter", application),
    }
    subject, body = _render(kind, context)
    notification = Notification.objects.create(
        application=application, kind=kind, recipients=recipients, subject=subject, body=body
    )
    transaction.on_commit(lambda: _enqueue(notification.pk), robust=True)
    return notification


def _enqueue(notification_id: int) -> None:
    from .tasks import send_notification  # the tasks module imports this one

    try:
        send_notification.delay(notification_id)
    except Exception:
        # The broker is down: the row is already committed and pending; the sweep will send it.
        logger.warning("Notification %s not queued; the sweep will send it.", notification_id, exc_info=True)


def notification_send(notification_id: int, *, given_up_too: bool = False) -> bool | None:
    """Send one notification unless it was already sent. True: sent now; False: already sent (or gone, or
    given up on, unless `given_up_too`); None: this attempt failed, and the error is recorded on the row."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.sent_at is not None:
            return False
        if notification.attempts >= MAX_ATTEMPTS and not given_up_too:
            return False
        try:
            send_mail(notification.subject, notification.body, None, notification.recipients)
        except Exception as error:
            notification.attempts += 1
            notification.last_error = f"{type(error).__name__}: {error}"[:2000]
            notification.save(update_fields=["attempts", "last_error"])
            logger.warning("Notification %s not sent (attempt %s): %s", notification_id, notification.attempts, error)
            return None
        notification.sent_at = timezone.now()
        notification.save(update_fields=["sent_at"])
        return True


def notifications_send_pending(*, limit: int = 200, given_up_too: bool = False) -> dict[str, int]:
    """Send what is still pending (oldest first), e.g. rows whose task was never queued. Those that failed
    MAX_ATTEMPTS times are left for an operator, who retries them with `given_up_too` once the cause is
    fixed. Returns counts."""
    counts = {"sent": 0, "failed": 0}
    pending = Notification.objects.pending()
    if not given_up_too:
        pending = pending.filter(attempts__lt=MAX_ATTEMPTS)
    for notification_id in list(pending.values_list("pk", flat=True)[:limit]):
        result = notification_send(notification_id, given_up_too=given_up_too)
        if result:
            counts["sent"] += 1
        elif result is None:
            counts["failed"] += 1
    return counts
