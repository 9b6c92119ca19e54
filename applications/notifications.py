"""E-mail notifications, through an outbox (the Notification model): to the members of an applicant
organisation, and to members of staff (their updates and their daily digest).

A service that changes an application calls `notification_write` inside its own transaction: the row is
written with the subject and body rendered now, and a task is queued for after the commit. If the
transaction rolls back, there is no row and no task; if the broker is down at commit time, the row stays
pending and `notifications_send_pending` (the periodic sweep, or the management command) sends it later.

Sending is idempotent: `notification_send` locks the row and sends only while `sent_at` is empty, so a
task delivered twice, a retry and the sweep never send the same e-mail twice. (Delivery is at least once:
a process killed between the SMTP hand-over and the commit would send it again.)

Staff are told through a second outbox, StaffEvent: a change writes one event per member of staff who must
know (`staff_event_write`, in the change's transaction). After the commit the user's untold events become one
e-mail of updates (`staff_events_tell`), so that a batch of changes made together is one e-mail, not many;
a user who chose the digest only is told them in the next daily digest instead (applications/watches.py).

Every e-mail is rendered in its recipient's language by `render_email` (`email_language`).
"""

import contextlib
import datetime
import logging
import threading

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from catalog.models import format_date

from .models import Application, Decision, Notification, Outcome, StaffEvent, StaffPreference
from .working_days import working_days_between

logger = logging.getLogger(__name__)

# A notification that failed this many times is left for an operator (admin shows it with its last error).
MAX_ATTEMPTS = 8


def recipients_by_language(application: Application) -> dict[str, list[str]]:
    """The active members' addresses grouped by the language each is written to (`email_language`), each
    address once (in the language of its first account), sorted; languages in the order settings offers them."""
    members = (
        application.organisation.members.filter(is_active=True)
        .exclude(email="")
        .values_list("email", "preference__language")
        .order_by("pk")
    )
    languages = {}
    for email, language in members:
        languages.setdefault(email.strip().lower(), _language_or_default(language))
    grouped = {}
    for code, _name in settings.LANGUAGES:
        addresses = sorted(address for address, language in languages.items() if language == code)
        if addresses:
            grouped[code] = addresses
    return grouped


def site_link(name: str, application: Application | None = None, query: str = "") -> str:
    """The address of a page as people reach it (settings.SITE_URL), for links in e-mails."""
    kwargs = {"reference": application.reference} if application is not None else None
    return settings.SITE_URL + reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")


def _language_or_default(language: str | None) -> str:
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def email_language(user) -> str:
    """The language of an e-mail to `user`: the one kept on their account, else the site's (English). The one
    place that reads it for e-mails (an organisation's members: `recipients_by_language`, the same rule)."""
    from .languages import account_language

    return _language_or_default(account_language(user))


def account_email_language(user) -> str:
    """The language of an e-mail about an account or an invitation: the account's choice; else (a new account,
    an address without one) the language of the page that asked for it, which the recipient (signing up,
    resetting a password) or a colleague (inviting) was reading; else English."""
    from .languages import account_language

    return account_language(user) or _language_or_default(translation.get_language())


class InLanguage:
    """A value of an e-mail's context composed in Python from translated words (a list of updates): computed
    by `render_email`, in the recipient's language."""

    def __init__(self, compute):
        self.compute = compute


def render_email(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """Subject and body of `applications/email/<template>_{subject,body}.txt`, in `language`. Rendered when the
    notification is written, so that the e-mail says what was true then. InLanguage values are computed here,
    in that language."""
    with translation.override(language):
        context = {key: value.compute() if isinstance(value, InLanguage) else value for key, value in context.items()}
        subject = render_to_string(f"applications/email/{template}_subject.txt", context)
        body = render_to_string(f"applications/email/{template}_body.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def notification_write(
    *,
    application: Application,
    kind: str,
    actor=None,
    message: str = "",
    decision: Decision | None = None,
    certificate=None,
    act=None,
) -> list[Notification]:
    """Write the e-mail for a change of `application` to its organisation's members, one per language they
    read (`recipients_by_language`), and queue its sending for after the commit.

    Call it inside the transaction of the change. Returns none when the organisation has nobody to write to.
    """
    recipients = recipients_by_language(application)
    if not recipients:
        return []
    today = timezone.localdate()
    context = {
        "application": application,
        "organisation": application.organisation,
        "actor": actor,
        "today": today,
        "message": message,
        "decision": decision,
        "approved": decision is not None and decision.outcome == Outcome.APPROVED,
        "certificate": certificate,
        "act": act,
        "days_left": (certificate.valid_until - today).days if certificate is not None else None,
        "application_url": site_link("applications:detail", application),
        "status_url": site_link("applications:status", application),
        "letter_url": site_link("applications:letter", application),
    }
    written = []
    for language, addresses in recipients.items():
        subject, body = render_email(kind, context, language=language)
        notification = Notification.objects.create(
            application=application, kind=kind, recipients=addresses, subject=subject, body=body
        )
        transaction.on_commit(lambda pk=notification.pk: _enqueue(pk), robust=True)
        written.append(notification)
    return written


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


# --- staff: updates and their e-mails ------------------------------------------------------------------------


def _staff_address(user) -> str:
    return (user.email or "").strip().lower() if user.is_active else ""


def wants_digest_only(user) -> bool:
    return StaffPreference.objects.filter(user=user, digest_only=True).exists()


_together = threading.local()


@contextlib.contextmanager
def staff_updates_together():
    """Within this block, each user's events are told in one e-mail when the block ends (a batch of
    assignments, a watch's run), instead of one e-mail after each change's commit. The events are rows
    already: if the process dies before the end, the sweep tells them."""
    outer = getattr(_together, "users", None)
    if outer is not None:  # nested: the outermost block tells
        yield
        return
    _together.users = set()
    try:
        yield
    finally:
        users, _together.users = _together.users, None
        for user_id in sorted(users):
            transaction.on_commit(lambda user_id=user_id: _enqueue_tell(user_id), robust=True)


def staff_event_write(
    *, user, kind: str, application: Application, actor=None, certificate=None, catalog_effect=None
) -> StaffEvent | None:
    """Record that `user` (staff) must be told `kind` about `application`, inside the change's transaction.

    Told after the commit in an e-mail of updates, or in the next daily digest for a user who chose the digest
    only. None for a user who cannot receive e-mail (inactive, no address)."""
    if not _staff_address(user):
        return None
    event = StaffEvent.objects.create(
        user=user,
        kind=kind,
        application=application,
        actor=actor,
        certificate=certificate,
        catalog_effect=catalog_effect,
    )
    if wants_digest_only(user):
        return event
    users = getattr(_together, "users", None)
    if users is not None:
        users.add(user.pk)
    else:
        transaction.on_commit(lambda: _enqueue_tell(user.pk), robust=True)
    return event


def _enqueue_tell(user_id: int) -> None:
    from .tasks import tell_staff

    try:
        tell_staff.delay(user_id)
    except Exception:
        logger.warning("Updates for user %s not queued; the sweep will send them.", user_id, exc_info=True)


def staff_event_line(event: StaffEvent, *, today: datetime.date) -> str:
    """One update in words, for an e-mail of updates or a digest (in the language active when called)."""
    application = event.application
    values = {
        "reference": application.reference,
        "organisation": application.organisation.name,
        "date": format_date(timezone.localtime(event.created_at).date()),
    }
    if event.kind == StaffEvent.Kind.ASSIGNED:
        actor = event.actor.email if event.actor else _("a lead reviewer")
        return _("%(reference)s (%(organisation)s) was assigned to you by %(actor)s on %(date)s.") % {
            **values,
            "actor": actor,
        }
    if event.kind == StaffEvent.Kind.RESUBMITTED:
        return (
            _(
                "%(reference)s (%(organisation)s) was submitted again after changes on %(date)s; "
                "the 15 working days start again."
            )
            % values
        )
    if event.kind == StaffEvent.Kind.WITHDRAWN:
        return _("%(reference)s (%(organisation)s) was withdrawn by the applicant on %(date)s.") % values
    if event.kind == StaffEvent.Kind.WAITING_UNASSIGNED:
        start = application.reference_date
        days = working_days_between(start, today) if start else 0
        return ngettext(
            "%(reference)s (%(organisation)s), submitted on %(submitted)s, has waited %(days)s working day "
            "without a reviewer.",
            "%(reference)s (%(organisation)s), submitted on %(submitted)s, has waited %(days)s working days "
            "without a reviewer.",
            days,
        ) % {**values, "submitted": format_date(start), "days": days}
    if event.kind == StaffEvent.Kind.CERTIFICATE_EXPIRING:
        certificate = event.certificate
        days = (certificate.valid_until - today).days
        return ngettext(
            "Certificate %(number)s of %(organisation)s, on which the approval of %(reference)s relied, "
            "is valid until %(until)s (%(days)s day from today).",
            "Certificate %(number)s of %(organisation)s, on which the approval of %(reference)s relied, "
            "is valid until %(until)s (%(days)s days from today).",
            days,
        ) % {**values, "number": certificate.number, "until": format_date(certificate.valid_until), "days": days}
    if event.kind == StaffEvent.Kind.CATALOG_CHANGED:
        effect = event.catalog_effect
        return _(
            "%(reference)s (%(organisation)s): a change to the catalog published on %(date)s, %(change)s (%(title)s), "
            "touches a wording it claims. %(effects)s"
        ) % {
            **values,
            "change": effect.change.summary,
            "title": effect.change.title or _("no title"),
            "effects": " ".join(effect.sentences),
        }
    raise ValueError(f"Unknown staff event kind {event.kind!r}")


def staff_event_subject(event: StaffEvent) -> str:
    """A short subject for an e-mail that tells one update."""
    values = {"reference": event.application.reference}
    return {
        StaffEvent.Kind.ASSIGNED: _("%(reference)s assigned to you"),
        StaffEvent.Kind.RESUBMITTED: _("%(reference)s submitted again after changes"),
        StaffEvent.Kind.WITHDRAWN: _("%(reference)s withdrawn by the applicant"),
        StaffEvent.Kind.WAITING_UNASSIGNED: _("%(reference)s is waiting for a reviewer"),
        StaffEvent.Kind.CERTIFICATE_EXPIRING: _("A certificate of %(reference)s is expiring"),
        StaffEvent.Kind.CATALOG_CHANGED: _("A catalog change touches a wording %(reference)s claims"),
    }[event.kind] % values


def staff_event_items(events, *, today: datetime.date) -> list[dict]:
    """The updates as the e-mail templates list them: the words and the link to the review screen."""
    return [
        {"text": staff_event_line(event, today=today), "url": site_link("review:application", event.application)}
        for event in events
    ]


def staff_notification_write(
    *, user, kind: str, template: str, context: dict, application: Application | None = None
) -> Notification | None:
    """Write an e-mail to one member of staff, in their language, and queue its sending after the commit."""
    address = _staff_address(user)
    if not address:
        return None
    context = {
        **context,
        "user": user,
        "today": timezone.localdate(),
        "dashboard_url": site_link("review:dashboard"),
        "preferences_url": site_link("review:preferences"),
    }
    subject, body = render_email(template, context, language=email_language(user))
    notification = Notification.objects.create(
        application=application, recipient=user, kind=kind, recipients=[address], subject=subject, body=body
    )
    transaction.on_commit(lambda: _enqueue(notification.pk), robust=True)
    return notification


def account_notification_write(*, address: str, kind: str, template: str, context: dict, user=None) -> Notification:
    """Write an e-mail about an account or an invitation to one address (`user` is its account, if any), and
    queue its sending after the commit. Such e-mails carry a signed link, and go through the outbox like every
    other: a request that writes one never waits for the mail server."""
    context = {**context, "site_url": settings.SITE_URL}
    subject, body = render_email(template, context, language=account_email_language(user))
    notification = Notification.objects.create(
        recipient=user, kind=kind, recipients=[address], subject=subject, body=body
    )
    transaction.on_commit(lambda: _enqueue(notification.pk), robust=True)
    return notification


def staff_events_tell(user_id: int) -> Notification | None:
    """One e-mail with every update `user_id` has not been told yet (none for a user who chose the digest
    only: the digest tells them). Idempotent: the events are locked and marked told in the same transaction."""
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None or wants_digest_only(user):
            return None
        events = StaffEvent.objects.to_tell(user)
        if not events:
            return None
        today = timezone.localdate()
        applications = {event.application_id for event in events}
        notification = staff_notification_write(
            user=user,
            kind=Notification.Kind.STAFF_UPDATE,
            template="staff_update",
            context={
                "updates": InLanguage(lambda: staff_event_items(events, today=today)),
                "count": len(events),
                "single_subject": InLanguage(lambda: staff_event_subject(events[0]) if len(events) == 1 else ""),
            },
            application=events[0].application if len(applications) == 1 else None,
        )
        if notification is None:
            return None
        StaffEvent.objects.filter(pk__in=[event.pk for event in events]).update(notification=notification)
        return notification


def staff_events_tell_pending(*, older_than: datetime.timedelta = datetime.timedelta(minutes=1)) -> int:
    """Tell the updates whose e-mail was never written (the broker was down, the process died): the sweep.
    Users who chose the digest only are left to their digest. Returns how many e-mails were written."""
    user_ids = (
        StaffEvent.objects.untold()
        .filter(created_at__lt=timezone.now() - older_than)
        .exclude(user__staff_preference__digest_only=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(1 for user_id in sorted(set(user_ids)) if staff_events_tell(user_id) is not None)
