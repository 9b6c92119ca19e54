"""E-mail notifications through the outbox: written with the change, sent after the commit, once."""

import datetime
import zoneinfo
from io import StringIO
from unittest import mock
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from applications import notifications
from applications.applicant.services import application_submit, application_withdraw
from applications.models import Notification, Outcome, Verdict
from applications.review import services as review
from applications.tasks import send_notification, send_pending_notifications
from applications.workflow import DomainError
from config.celery import app as celery_app
from tests.conftest import celery_worker, require_service
from tests.factories import OrganisationFactory, UserFactory, complete_draft, member_of, reviewer
from tests.test_settings import PRODUCTION, manage

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
SUBMITTED_ON = datetime.date(2025, 3, 3)


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), ASTANA), tick=False)


@pytest.fixture
def people(db):
    """Two members of the applicant organisation, a member of another one, and a reviewer."""
    organisation = OrganisationFactory(name="Steppe Software LLP")
    first = member_of(organisation, UserFactory(email="aigerim@steppe.kz"))
    second = member_of(organisation, UserFactory(email="Nurlan@Steppe.kz"))
    member_of(OrganisationFactory(name="Other Company LLP"), UserFactory(email="outsider@other.kz"))
    return {"organisation": organisation, "member": first, "second": second, "reviewer": reviewer("rev@park.kz")}


@pytest.fixture
def draft(people):
    return complete_draft(organisation=people["organisation"], user=people["member"], today=SUBMITTED_ON)


def submit(draft, people, callbacks):
    with on(SUBMITTED_ON), callbacks(execute=True):
        return application_submit(application=draft, user=people["member"], today=SUBMITTED_ON)


@pytest.fixture
def in_review(draft, people, django_capture_on_commit_callbacks):
    application = submit(draft, people, django_capture_on_commit_callbacks)
    review.application_take(application=application, user=people["reviewer"], no_conflict=True)
    mail.outbox.clear()
    return application


def test_submitting_writes_one_notification_to_every_member_and_sends_it(
    draft, people, django_capture_on_commit_callbacks
):
    application = submit(draft, people, django_capture_on_commit_callbacks)

    notification = Notification.objects.get()
    assert notification.application == application
    assert notification.kind == Notification.Kind.SUBMITTED
    assert notification.recipients == ["aigerim@steppe.kz", "nurlan@steppe.kz"]  # never the other organisation
    assert notification.sent_at is not None and notification.attempts == 0
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["aigerim@steppe.kz", "nurlan@steppe.kz"]
    assert email.from_email == settings.DEFAULT_FROM_EMAIL
    assert email.subject == f"Application {application.reference} received"
    assert application.reference in email.body
    assert "We received your application on 03.03.2025." in email.body  # DD.MM.YYYY
    assert "in force on 03.03.2025, the reference date" in email.body
    assert settings.SITE_URL + reverse("applications:detail", args=[application.reference]) in email.body
    assert (email.subject, email.body) == (notification.subject, notification.body)


def test_nothing_is_sent_before_the_commit(draft, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_submit(application=draft, user=people["member"], today=SUBMITTED_ON)
    assert len(callbacks) == 1
    assert Notification.objects.get().sent_at is None
    assert mail.outbox == []


def test_a_second_submission_says_so(in_review, people, django_capture_on_commit_callbacks):
    review.application_request_changes(application=in_review, user=people["reviewer"], message="Explain more.")
    with on(datetime.date(2025, 3, 12)), django_capture_on_commit_callbacks(execute=True):
        application_submit(application=in_review, user=people["member"])
    notification = Notification.objects.filter(kind=Notification.Kind.SUBMITTED).first()  # newest first
    assert notification.subject == f"Application {in_review.reference} received again"
    assert "again, with the changes you made, on 12.03.2025" in notification.body
    assert Notification.objects.filter(kind=Notification.Kind.SUBMITTED).count() == 2


def test_request_changes_sends_the_message_text(in_review, people, django_capture_on_commit_callbacks):
    text = "Please describe your main products for paragraph 2, with one example contract."
    with on(datetime.date(2025, 3, 10)), django_capture_on_commit_callbacks(execute=True):
        review.application_request_changes(application=in_review, user=people["reviewer"], message=text)
    notification = Notification.objects.get(kind=Notification.Kind.CHANGES_REQUESTED)
    assert notification.sent_at is not None
    [email] = mail.outbox
    assert email.subject == f"Application {in_review.reference}: changes requested"
    assert text in email.body and "On 10.03.2025" in email.body
    assert email.to == ["aigerim@steppe.kz", "nurlan@steppe.kz"]


def test_an_approval_sends_the_outcome_and_the_letter_link(in_review, people, django_capture_on_commit_callbacks):
    for claim in in_review.claims.all():
        review.claim_tick(claim=claim, user=people["reviewer"], verdict=Verdict.CONFIRMED, note="")
    with on(datetime.date(2025, 3, 14)), django_capture_on_commit_callbacks(execute=True):
        review.decision_record(application=in_review, user=people["reviewer"], outcome=Outcome.APPROVED)
    [email] = mail.outbox
    assert email.subject == f"Application {in_review.reference} approved"
    assert f"On 14.03.2025 the Astana Hub approved your application {in_review.reference}." in email.body
    assert settings.SITE_URL + reverse("applications:letter", args=[in_review.reference]) in email.body
    assert Notification.objects.get(kind=Notification.Kind.DECIDED).sent_at is not None


def test_a_rejection_sends_the_reasons(in_review, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review.decision_record(
            application=in_review, user=people["reviewer"], outcome=Outcome.REJECTED, reasons="Resale of licences."
        )
    [email] = mail.outbox
    assert email.subject == f"Application {in_review.reference} rejected"
    assert "rejected your application" in email.body and "Resale of licences." in email.body


def test_an_internal_note_is_never_in_an_e_mail(in_review, people, django_capture_on_commit_callbacks):
    claim = in_review.claims.first()
    with django_capture_on_commit_callbacks(execute=True):
        review.internal_note_add(application=in_review, user=people["reviewer"], body="Phoned the director.")
        review.claim_tick(claim=claim, user=people["reviewer"], verdict=Verdict.NOT_CONFIRMED, note="Too vague.")
        review.decision_record(
            application=in_review, user=people["reviewer"], outcome=Outcome.REJECTED, reasons="Not a priority activity."
        )
    [email] = mail.outbox
    assert "Phoned the director." not in email.body and "Too vague." not in email.body


def test_withdrawing_a_submitted_application_tells_the_members(draft, people, django_capture_on_commit_callbacks):
    application = submit(draft, people, django_capture_on_commit_callbacks)
    with on(datetime.date(2025, 3, 5)), django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=application, user=people["second"])
    email = mail.outbox[-1]
    assert email.subject == f"Application {application.reference} withdrawn"
    assert f"On 05.03.2025 Nurlan@Steppe.kz withdrew the application {application.reference}." in email.body


def test_withdrawing_a_draft_sends_nothing(draft, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=draft, user=people["member"])
    assert not Notification.objects.exists() and mail.outbox == []


def test_an_illegal_transition_writes_nothing(in_review, people, django_capture_on_commit_callbacks):
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(DomainError):
            application_submit(application=in_review, user=people["member"])  # submit twice
        with pytest.raises(DomainError):
            review.decision_record(application=in_review, user=people["reviewer"], outcome=Outcome.APPROVED)
    assert callbacks == []
    assert Notification.objects.count() == before and mail.outbox == []


def test_a_rollback_leaves_no_notification_and_sends_nothing(draft, people, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        application_submit(application=draft, user=people["member"], today=SUBMITTED_ON)
        assert Notification.objects.count() == 1
        raise RuntimeError("something after the transition failed")
    assert callbacks == []
    assert not Notification.objects.exists() and mail.outbox == []
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_running_the_task_twice_sends_once(draft, people, django_capture_on_commit_callbacks):
    submit(draft, people, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    sent_at = notification.sent_at
    assert send_notification.delay(notification.pk).get() is False  # a second delivery of the same task
    assert send_notification(notification.pk) is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.sent_at == sent_at


def test_a_failed_send_is_recorded_and_left_pending_then_the_sweep_sends_it(
    draft, people, django_capture_on_commit_callbacks
):
    with mock.patch("applications.notifications.send_mail", side_effect=ConnectionRefusedError("SMTP is down")):
        application = submit(draft, people, django_capture_on_commit_callbacks)  # the page does not fail
    application.refresh_from_db()
    assert application.status == "submitted"
    notification = Notification.objects.get()
    assert notification.sent_at is None
    assert notification.attempts == 1
    assert notification.last_error == "ConnectionRefusedError: SMTP is down"
    assert mail.outbox == []

    assert send_pending_notifications.delay().get() == {"sent": 1, "failed": 0}
    notification.refresh_from_db()
    assert notification.sent_at is not None and notification.attempts == 1
    assert len(mail.outbox) == 1
    assert send_pending_notifications() == {"sent": 0, "failed": 0}  # nothing left: nothing sent twice
    assert len(mail.outbox) == 1


def test_with_the_broker_down_the_row_waits_for_the_sweep(draft, people, django_capture_on_commit_callbacks):
    down = OperationalError("Error 111 connecting to redis:6379. Connection refused.")
    with mock.patch.object(send_notification, "delay", side_effect=down):
        application = submit(draft, people, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == "submitted"  # the change is kept
    assert Notification.objects.pending().count() == 1 and mail.outbox == []

    out = StringIO()
    call_command("send_pending_notifications", stdout=out)
    assert "1 sent, 0 failed" in out.getvalue()
    assert len(mail.outbox) == 1 and not Notification.objects.pending().exists()


def test_the_sweep_gives_up_after_max_attempts(draft, people, django_capture_on_commit_callbacks):
    with mock.patch("applications.notifications.send_mail", side_effect=OSError("no route to host")):
        submit(draft, people, django_capture_on_commit_callbacks)
        for _ in range(notifications.MAX_ATTEMPTS + 2):
            send_pending_notifications()
    notification = Notification.objects.get()
    assert notification.attempts == notifications.MAX_ATTEMPTS and notification.sent_at is None
    assert send_pending_notifications() == {"sent": 0, "failed": 0}  # left for an operator
    assert mail.outbox == []


def test_an_operator_retries_the_given_up_ones_with_given_up_too(draft, people, django_capture_on_commit_callbacks):
    """README: once the cause is fixed, `send_pending_notifications --given-up-too` sends those left after
    MAX_ATTEMPTS failures too; without the option they stay left."""
    with mock.patch("applications.notifications.send_mail", side_effect=OSError("no route to host")):
        submit(draft, people, django_capture_on_commit_callbacks)
        for _ in range(notifications.MAX_ATTEMPTS):
            send_pending_notifications()
    out = StringIO()
    call_command("send_pending_notifications", stdout=out)
    assert "0 sent, 0 failed" in out.getvalue() and mail.outbox == []
    with mock.patch("applications.notifications.send_mail", side_effect=OSError("still down")):
        call_command("send_pending_notifications", "--given-up-too", stdout=out)
    notification = Notification.objects.get()
    assert notification.attempts == notifications.MAX_ATTEMPTS + 1 and notification.last_error == "OSError: still down"
    out = StringIO()
    call_command("send_pending_notifications", "--given-up-too", stdout=out)
    assert "1 sent, 0 failed" in out.getvalue()
    notification.refresh_from_db()
    assert notification.sent_at is not None and len(mail.outbox) == 1
    call_command("send_pending_notifications", "--given-up-too", stdout=out)  # sent once, never twice
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("limit", ["-5", "0", "many"])
def test_a_bad_limit_is_refused_with_a_clear_message(limit):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="argument --limit: a whole number of at least 1"):
        call_command("send_pending_notifications", "--limit", limit)


def test_a_worker_retries_a_failed_send_with_backoff(draft, people, django_capture_on_commit_callbacks):
    with mock.patch.object(send_notification, "delay"):  # queued, not yet run
        submit(draft, people, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    send_notification.push_request(is_eager=False, retries=2)
    try:
        with (
            mock.patch("applications.notifications.send_mail", side_effect=OSError("timed out")),
            mock.patch.object(send_notification, "retry", side_effect=RuntimeError("retry")) as retry,
            pytest.raises(RuntimeError, match="retry"),
        ):
            send_notification.run(notification.pk)
    finally:
        send_notification.pop_request()
    retry.assert_called_once_with(countdown=240)  # 1, 2, 4 minutes: the third retry waits 4
    notification.refresh_from_db()
    assert notification.attempts == 1 and notification.sent_at is None


def test_an_organisation_without_members_gets_no_notification(people, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory()
    staff = people["reviewer"]
    application = complete_draft(organisation=organisation, user=staff, today=SUBMITTED_ON)
    # Received on paper and registered by staff: nobody of the organisation has an account yet.
    application.received_by_other_channel = True
    application.save()
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(application=application, user=staff, today=SUBMITTED_ON)
    assert not Notification.objects.exists() and mail.outbox == []


def test_admin_lists_notifications_read_only(admin_client, draft, people, django_capture_on_commit_callbacks):
    application = submit(draft, people, django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    changelist = admin_client.get(reverse("admin:applications_notification_changelist"), {"q": "nurlan"})
    assert changelist.status_code == 200 and application.reference in changelist.content.decode()
    page = admin_client.get(reverse("admin:applications_notification_change", args=[notification.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert admin_client.get(reverse("admin:applications_notification_add")).status_code == 403
    delete = reverse("admin:applications_notification_delete", args=[notification.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Notification.objects.count() == 1


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "https://review.example.com"),  # the first allowed host
        ({"DJANGO_SITE_URL": "https://apply.astanahub.example/"}, "https://apply.astanahub.example"),
        ({"DJANGO_ALLOWED_HOSTS": ".example.com"}, "ImproperlyConfigured: DJANGO_SITE_URL is not set"),
    ],
)
def test_links_in_e_mails_use_the_site_url_from_the_environment(env, expected):
    code = "from django.conf import settings; print(settings.SITE_URL)"
    result = manage("shell", "-c", code, **{**PRODUCTION, **env})
    assert expected in result.stdout + result.stderr


def test_seed_demo_sends_each_notification_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    sent = len(mail.outbox)
    assert sent == Notification.objects.count() > 0
    assert not Notification.objects.pending().exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert len(mail.outbox) == sent == Notification.objects.count()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_on_redis_sends_a_notification_once(real_broker):
    """Through a worker process on Redis, against this test's database (PostgreSQL: the worker must see it)."""
    require_service("PostgreSQL (DATABASE_URL=postgres://...)", connection.vendor == "postgresql")
    # A transactional test may follow another that flushed the tables: load the catalog again (idempotent).
    from django.apps import apps

    from catalog.seed import load_catalog

    load_catalog(apps)
    member = member_of(OrganisationFactory(), UserFactory(email="worker-test@steppe.kz"))
    draft = complete_draft(organisation=member.organisations.get(), user=member, today=SUBMITTED_ON)
    queued = []
    with mock.patch("applications.notifications._enqueue", side_effect=queued.append):
        application_submit(application=draft, user=member, today=SUBMITTED_ON)
    [notification_id] = queued
    assert Notification.objects.get(pk=notification_id).sent_at is None

    db = connection.settings_dict  # the test database, e.g. test_review_gw0
    credentials = quote(db["USER"] or "") + (":" + quote(db["PASSWORD"]) if db["PASSWORD"] else "")
    database_url = f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    assert celery_app.conf.task_always_eager is False
    with celery_worker(DATABASE_URL=database_url) as worker:
        first = send_notification.apply_async(args=[notification_id], queue=worker.queue, ignore_result=False)
        assert first.get(timeout=60) is True
        again = send_notification.apply_async(args=[notification_id], queue=worker.queue, ignore_result=False)
        assert again.get(timeout=60) is False  # delivered twice, sent once
    output = worker.output
    notification = Notification.objects.get(pk=notification_id)
    assert notification.sent_at is not None and notification.attempts == 0, output[-2000:]
    assert f"applications.send_notification[{first.id}] succeeded" in output, output[-2000:]
