"""The watches celery beat runs: each told once however often it runs; the e-mails they write, in each language.

(A real beat and worker running each watch twice: tests/test_celery.py.)
"""

import contextlib
import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applications import watches
from applications.languages import user_language_set
from applications.models import (
    Application,
    Decision,
    Export,
    Notification,
    Organisation,
    PeriodicRun,
    StaffEvent,
    StaffPreference,
    UserPreference,
    WatchMark,
)
from applications.review import services as review
from applications.tasks import send_pending_notifications, watch_waiting
from tests.factories import OrganisationFactory, reviewer, submitted_application

from .conftest import approve, require_postgres

pytestmark = pytest.mark.django_db

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
LANGUAGES = [code for code, _name in settings.LANGUAGES]
MONDAY = datetime.date(2025, 3, 3)  # submitted; due 28.03.2025 (8 March and Nauryz are holidays)


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), ASTANA), tick=False)


def expected(texts: dict, language: str) -> dict:
    if language not in texts:
        pytest.fail(f"Write the expected text of this e-mail in {language!r}.")
    return texts[language]


@contextlib.contextmanager
def in_language(language: str):
    """Everyone has chosen `language` on their account (what the switcher records), for the block only."""
    for user in get_user_model().objects.all():
        user_language_set(user=user, language=language)
    yield
    UserPreference.objects.all().delete()


def link(name: str, application) -> str:
    return settings.SITE_URL + reverse(name, args=[application.reference])


# --- waiting without a reviewer ---------------------------------------------------------------------------------


@pytest.fixture
def waiting(member, organisation):
    with on(MONDAY):
        return submitted_application(organisation=organisation, user=member, on=MONDAY)


WAITING = {
    "en": {
        "subject": "{ref} is waiting for a reviewer",
        "line": "- {ref} (Steppe Software LLP), submitted on 03.03.2025, has waited 2 working days without a reviewer.",
    },
    "ru": {
        "subject": "{ref} ждёт эксперта",
        "line": "- {ref} (Steppe Software LLP), подана 03.03.2025, ждёт эксперта 2 рабочих дня.",
    },
    "kk": {
        "subject": "{ref} сарапшыны күтуде",
        "line": "- {ref} (Steppe Software LLP), 03.03.2025 берілген, сарапшысыз 2 жұмыс күні күтуде.",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_lead_reviewers_are_told_once_of_an_application_waiting_two_working_days(
    waiting, lead, rev, django_capture_on_commit_callbacks, language
):
    text = expected(WAITING, language)
    second_lead = reviewer("second-lead@example.com", lead=True)
    mail.outbox.clear()
    with on(datetime.date(2025, 3, 4)), django_capture_on_commit_callbacks(execute=True):
        assert watches.waiting_watch() == 0  # one working day: not yet
    with in_language(language), on(datetime.date(2025, 3, 5)), django_capture_on_commit_callbacks(execute=True):
        assert watches.waiting_watch() == 1
        assert watches.waiting_watch() == 0  # run again the same day: nothing twice
    with on(datetime.date(2025, 3, 6)), django_capture_on_commit_callbacks(execute=True):
        assert watches.waiting_watch() == 0  # nor the next day
    assert sorted(email.to[0] for email in mail.outbox) == ["lead@example.com", "second-lead@example.com"]
    for email in mail.outbox:
        assert email.subject == text["subject"].format(ref=waiting.reference)
        assert text["line"].format(ref=waiting.reference) in email.body
        assert link("review:application", waiting) in email.body
    assert WatchMark.objects.get().key == f"{waiting.pk}:1"
    assert second_lead.staff_events.get().kind == StaffEvent.Kind.WAITING_UNASSIGNED


def test_an_assigned_application_is_not_waiting(waiting, lead, rev, django_capture_on_commit_callbacks):
    with on(datetime.date(2025, 3, 4)):
        review.application_take(application=waiting, user=rev, no_conflict=True)
    with on(datetime.date(2025, 3, 10)), django_capture_on_commit_callbacks(execute=True):
        assert watches.waiting_watch() == 0
    assert not WatchMark.objects.exists()


def test_without_lead_reviewers_nothing_is_marked(waiting):
    with on(datetime.date(2025, 3, 10)):
        assert watches.waiting_watch() == 0
    assert not WatchMark.objects.exists()


def test_the_task_notes_its_run(waiting, lead):
    with on(datetime.date(2025, 3, 10)):
        watch_waiting()
        watch_waiting()
        send_pending_notifications()
    run = PeriodicRun.objects.get(task="applications.watch_waiting")
    assert run.runs == 2 and run.last_run_at == datetime.datetime(2025, 3, 10, 10, tzinfo=ASTANA)
    assert PeriodicRun.objects.get(task="applications.send_pending_notifications").runs == 1


# --- certificates an approval relied on ----------------------------------------------------------------------------


@pytest.fixture
def approved_with_goods(member, organisation, rev):
    """Approved on 14.03.2025, own production confirmed by certificate KZ-<id>-0, valid until 10.01.2026."""
    with on(MONDAY):
        application = submitted_application(organisation=organisation, user=member, on=MONDAY, sells_goods=True)
    with on(datetime.date(2025, 3, 14)):
        review.application_take(application=application, user=rev, no_conflict=True)
        decision = approve(application, rev)
    assert decision.own_production_confirmed
    mail.outbox.clear()
    return application


CERTIFICATE_APPLICANT = {
    "en": {
        "subject": "Certificate {number} is valid until 10.01.2026",
        "lines": [
            "Dear members of Steppe Software LLP,",
            'Your certificate {number} (Certificate of origin of goods in form "ST-KZ") is valid until 10.01.2026, '
            "30 days from today. The Astana Hub relied on it when it confirmed your own production of goods in the "
            "approval of application {ref}.",
            "Please see to its renewal in time. The application and its decision:",
            "{status_url}",
        ],
    },
    "ru": {
        "subject": "Сертификат {number} действителен до 10.01.2026",
        "lines": [
            "Уважаемые сотрудники Steppe Software LLP!",
            "Ваш сертификат {number} (Сертификат о происхождении товара формы «СТ-KZ») действителен до 10.01.2026, "
            "осталось 30 дней. Astana Hub опирался на него, подтверждая собственное производство ваших товаров при "
            "одобрении заявки {ref}.",
            "Пожалуйста, продлите его вовремя. Заявка и решение по ней:",
            "{status_url}",
        ],
    },
    "kk": {
        "subject": "{number} сертификаты 10.01.2026 дейін жарамды",
        "lines": [
            "Құрметті Steppe Software LLP қызметкерлері!",
            "Сіздің {number} сертификатыңыз («СТ-KZ» нысанындағы тауардың шығарылған жері туралы сертификат) "
            "10.01.2026 дейін жарамды, 30 күн қалды. Astana Hub {ref} өтінімін мақұлдағанда тауарларыңыздың меншікті "
            "өндірісін осы сертификатқа сүйеніп растады.",
            "Оны уақытында ұзартуды қамтамасыз етіңіз. Өтінім және ол бойынша шешім:",
            "{status_url}",
        ],
    },
}
CERTIFICATE_REVIEWER = {
    "en": {
        "subject": "A certificate of {ref} is expiring",
        "line": "- Certificate {number} of Steppe Software LLP, on which the approval of {ref} relied, is valid until "
        "10.01.2026 (30 days from today).",
    },
    "ru": {
        "subject": "Истекает сертификат по {ref}",
        "line": "- Сертификат {number} организации Steppe Software LLP, на который опиралось одобрение {ref}, "
        "действителен до 10.01.2026 (осталось 30 дней).",
    },
    "kk": {
        "subject": "{ref} бойынша сертификаттың мерзімі аяқталып келеді",
        "line": "- Steppe Software LLP ұйымының {ref} мақұлдауы сүйенген {number} сертификаты 10.01.2026 дейін жарамды "
        "(30 күн қалды).",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_certificate_relied_on_is_told_at_30_days_then_at_7(
    approved_with_goods, rev, django_capture_on_commit_callbacks, language
):
    applicant_text = expected(CERTIFICATE_APPLICANT, language)
    reviewer_text = expected(CERTIFICATE_REVIEWER, language)
    application = approved_with_goods
    certificate = application.certificates.get()
    values = {
        "number": certificate.number,
        "ref": application.reference,
        "status_url": link("applications:status", application),
    }
    with on(datetime.date(2025, 12, 10)), django_capture_on_commit_callbacks(execute=True):
        assert watches.certificates_watch() == 0  # 31 days left
    with in_language(language), on(datetime.date(2025, 12, 11)), django_capture_on_commit_callbacks(execute=True):
        assert watches.certificates_watch() == 1
        assert watches.certificates_watch() == 0
    with on(datetime.date(2025, 12, 20)), django_capture_on_commit_callbacks(execute=True):
        assert watches.certificates_watch() == 0  # still the 30-day threshold, already told
    applicant_email = next(email for email in mail.outbox if email.to == ["member@example.com"])
    reviewer_email = next(email for email in mail.outbox if email.to == ["rev@example.com"])
    assert len(mail.outbox) == 2
    assert applicant_email.subject == applicant_text["subject"].format(**values)
    for line in applicant_text["lines"]:
        assert line.format(**values) in applicant_email.body, line
    assert reviewer_email.subject == reviewer_text["subject"].format(**values)
    assert reviewer_text["line"].format(**values) in reviewer_email.body

    with on(datetime.date(2026, 1, 3)), django_capture_on_commit_callbacks(execute=True):
        assert watches.certificates_watch() == 1  # 7 days left: the second threshold
        assert watches.certificates_watch() == 0
    assert len(mail.outbox) == 4
    assert "7 days from today" in mail.outbox[-1].body + mail.outbox[-2].body
    with on(datetime.date(2026, 1, 11)), django_capture_on_commit_callbacks(execute=True):
        assert watches.certificates_watch() == 0  # expired: nothing more
    assert sorted(WatchMark.objects.values_list("key", flat=True)) == [f"{certificate.pk}:30", f"{certificate.pk}:7"]
    assert Notification.objects.filter(kind=Notification.Kind.CERTIFICATE_EXPIRING).count() == 2


def test_a_certificate_first_seen_a_few_days_before_is_told_once(
    approved_with_goods, django_capture_on_commit_callbacks
):
    with on(datetime.date(2026, 1, 5)), django_capture_on_commit_callbacks(execute=True):
        assert watches.certificates_watch() == 1
    with on(datetime.date(2026, 1, 6)), django_capture_on_commit_callbacks(execute=True):
        assert watches.certificates_watch() == 0
    assert list(WatchMark.objects.values_list("key", flat=True)) == [f"{approved_with_goods.certificates.get().pk}:7"]
    assert len(mail.outbox) == 2  # the applicant and the reviewer, once each
    assert "5 days from today" in mail.outbox[0].body


def test_certificates_of_rejected_applications_are_not_watched(member, organisation, rev):
    with on(MONDAY):
        application = submitted_application(organisation=organisation, user=member, on=MONDAY, sells_goods=True)
    with on(datetime.date(2025, 3, 14)):
        review.application_take(application=application, user=rev, no_conflict=True)
        review.decision_record(application=application, user=rev, outcome="rejected", reasons="No.")
    with on(datetime.date(2026, 1, 5)):
        assert watches.certificates_watch() == 0


def test_thresholds():
    assert [watches.certificate_threshold(days) for days in (31, 30, 8, 7, 0)] == [None, 30, 30, 7, 7]


# --- the daily digest ---------------------------------------------------------------------------------------------


@pytest.fixture
def held(member, organisation, rev):
    """rev holds an application submitted on 03.03.2025, due 28.03.2025."""
    with on(MONDAY):
        application = submitted_application(organisation=organisation, user=member, on=MONDAY)
        return review.application_take(application=application, user=rev, no_conflict=True)


DIGEST = {
    "en": {
        "subject_soon": "Daily digest, 26.03.2025. Overdue: 0; due within 2 working days: 1; updates: 0",
        "soon": [
            "Due within 2 working days:",
            "- {ref} (Steppe Software LLP): due 28.03.2025, 2 working days left",
            "  {url}",
            "You are told of each update at once, and receive this daily digest.",
        ],
        "subject_overdue": "Daily digest, 31.03.2025. Overdue: 1; due within 2 working days: 0; updates: 0",
        "overdue": [
            "Overdue (the 15 working days have passed):",
            "- {ref} (Steppe Software LLP): due 28.03.2025, overdue 1 working day",
        ],
        "updates": [
            "Updates since your last digest:",
            "- {ref} (Steppe Software LLP) was assigned to you by lead@example.com on 31.03.2025.",
            "You receive only this daily digest. To be told of each update at once, change your preference:",
        ],
        "held_overdue": "{ref} (Steppe Software LLP): due 28.03.2025, overdue 1 working day",
        "no_overdue": "Overdue",
    },
    "ru": {
        "subject_soon": "Ежедневная сводка, 26.03.2025. Просрочено: 0; срок в течение 2 рабочих дней: 1; изменений: 0",
        "soon": [
            "Срок истекает в течение 2 рабочих дней:",
            "- {ref} (Steppe Software LLP): срок 28.03.2025, осталось 2 рабочих дня",
            "  {url}",
            "Вы узнаёте о каждом изменении сразу и получаете эту ежедневную сводку.",
        ],
        "subject_overdue": "Ежедневная сводка, 31.03.2025. Просрочено: 1; срок в течение 2 рабочих дней: 0; "
        "изменений: 0",
        "overdue": [
            "Просрочены (15 рабочих дней истекли):",
            "- {ref} (Steppe Software LLP): срок 28.03.2025, просрочено на 1 рабочий день",
        ],
        "updates": [
            "Изменения с последней сводки:",
            "- {ref} (Steppe Software LLP) назначена вам 31.03.2025; назначил(а) lead@example.com.",
            "Вы получаете только эту ежедневную сводку. Чтобы узнавать о каждом изменении сразу, измените настройку:",
        ],
        "held_overdue": "{ref} (Steppe Software LLP): срок 28.03.2025, просрочено на 1 рабочий день",
        "no_overdue": "Просрочены",
    },
    "kk": {
        "subject_soon": "Күнделікті жиынтық, 26.03.2025. Мерзімі өткен: 0; мерзімі 2 жұмыс күні ішінде: 1; "
        "өзгерістер: 0",
        "soon": [
            "Мерзімі 2 жұмыс күні ішінде аяқталады:",
            "- {ref} (Steppe Software LLP): мерзімі 28.03.2025, 2 жұмыс күні қалды",
            "  {url}",
            "Сіз әр өзгеріс туралы бірден біліп, осы күнделікті жиынтықты аласыз.",
        ],
        "subject_overdue": "Күнделікті жиынтық, 31.03.2025. Мерзімі өткен: 1; мерзімі 2 жұмыс күні ішінде: 0; "
        "өзгерістер: 0",
        "overdue": [
            "Мерзімі өткендер (15 жұмыс күні өтті):",
            "- {ref} (Steppe Software LLP): мерзімі 28.03.2025, 1 жұмыс күнге кешіктірілді",
        ],
        "updates": [
            "Соңғы жиынтықтан бергі өзгерістер:",
            "- {ref} (Steppe Software LLP) 31.03.2025 сізге тағайындалды; тағайындаған: lead@example.com.",
            "Сіз тек осы күнделікті жиынтықты аласыз. Әр өзгеріс туралы бірден білу үшін баптауды өзгертіңіз:",
        ],
        "held_overdue": "{ref} (Steppe Software LLP): мерзімі 28.03.2025, 1 жұмыс күнге кешіктірілді",
        "no_overdue": "Мерзімі өткендер",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_digest_lists_what_is_due_soon_or_overdue_once_a_day(
    held, rev, django_capture_on_commit_callbacks, language
):
    text = expected(DIGEST, language)
    values = {"ref": held.reference, "url": link("review:application", held)}
    mail.outbox.clear()
    with on(datetime.date(2025, 3, 25)), django_capture_on_commit_callbacks(execute=True):
        assert watches.digests_send() == 0  # 3 working days left: nothing to say, nothing sent
    with in_language(language), on(datetime.date(2025, 3, 26)), django_capture_on_commit_callbacks(execute=True):
        assert watches.digests_send() == 1
        assert watches.digests_send() == 0  # once a day
    [email] = mail.outbox
    assert email.to == ["rev@example.com"]
    assert email.subject == text["subject_soon"]
    for line in text["soon"]:
        assert line.format(**values) in email.body, line
    assert text["no_overdue"] not in email.body
    with in_language(language), on(datetime.date(2025, 3, 31)), django_capture_on_commit_callbacks(execute=True):
        assert watches.digests_send() == 1
    assert mail.outbox[-1].subject == text["subject_overdue"]
    for line in text["overdue"]:
        assert line.format(**values) in mail.outbox[-1].body, line
    assert sorted(WatchMark.objects.values_list("key", flat=True)) == [f"{rev.pk}:2025-03-26", f"{rev.pk}:2025-03-31"]
    assert Notification.objects.filter(kind=Notification.Kind.DIGEST, recipient=rev).count() == 2


def test_no_digest_on_a_day_off_unless_asked(held, django_capture_on_commit_callbacks):
    saturday = datetime.date(2025, 3, 29)
    with on(saturday), django_capture_on_commit_callbacks(execute=True):
        assert watches.digests_send() == 0
        assert watches.digests_send(only_working_days=False) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_digest_only_reviewer_gets_the_updates_in_the_digest(
    held, lead, rev, django_capture_on_commit_callbacks, language
):
    text = expected(DIGEST, language)
    StaffPreference.objects.create(user=rev, digest_only=True)
    other = submitted_application(on=datetime.date(2025, 3, 28), organisation=OrganisationFactory(name="Nomad LLP"))
    with on(datetime.date(2025, 3, 31)), django_capture_on_commit_callbacks(execute=True):
        review.application_assign(application=other, user=lead, reviewer=rev)
    assert not [email for email in mail.outbox if email.to == ["rev@example.com"]]  # nothing at once
    mail.outbox.clear()
    with in_language(language), on(datetime.date(2025, 3, 31), 18), django_capture_on_commit_callbacks(execute=True):
        assert watches.digests_send() == 1
    [email] = mail.outbox
    for line in text["updates"]:
        assert line.format(ref=other.reference).replace("Steppe Software LLP", "Nomad LLP") in email.body, line
    assert text["held_overdue"].format(ref=held.reference) in email.body
    event = StaffEvent.objects.get()
    assert event.notification == Notification.objects.get(kind=Notification.Kind.DIGEST)


def test_only_updates_make_a_digest_for_a_digest_only_reviewer(lead, django_capture_on_commit_callbacks):
    """Nothing due, but something assigned: the digest-only reviewer still hears of it the next morning."""
    quiet = reviewer("quiet@example.com")
    StaffPreference.objects.create(user=quiet, digest_only=True)
    application = submitted_application(on=datetime.date(2025, 3, 28))
    with on(datetime.date(2025, 3, 28)), django_capture_on_commit_callbacks(execute=True):
        review.application_assign(application=application, user=lead, reviewer=quiet)
    with on(datetime.date(2025, 3, 31)), django_capture_on_commit_callbacks(execute=True):
        assert watches.digests_send() == 1
        assert watches.digests_send() == 0
    [email] = [email for email in mail.outbox if email.to == ["quiet@example.com"]]
    assert "updates: 1" in email.subject and application.reference in email.body


# --- nightly: history rows that record no change ------------------------------------------------------------------


def test_history_rows_that_record_no_change_are_removed_but_never_decisions(approved_with_goods, member):
    organisation = Organisation.objects.get(pk=approved_with_goods.organisation_id)
    organisation.save()  # no change: a duplicate row
    organisation.save()
    organisation.name = "Steppe Software (renamed) LLP"
    organisation.save()
    rows_before = organisation.history.count()
    decision = Decision.objects.get(application=approved_with_goods)
    # A duplicate in the decisions' history (only the database could hold one): it stays, whatever it says.
    latest = decision.history.first()
    copy = Decision.history.model.objects.get(pk=latest.pk)
    copy.pk = None
    copy.history_date = timezone.now()
    copy.save()  # an INSERT, which the append-only history allows
    decisions_history = decision.history.count()

    removed = watches.history_clean()

    if connection.vendor == "postgresql":
        # Every history table is append-only there (config/append_only.py): the clean-up leaves them all.
        assert removed == {} and organisation.history.count() == rows_before
        return
    assert removed["applications.Organisation"] == 2
    assert organisation.history.count() == rows_before - 2
    assert [row.name for row in organisation.history.all()][:1] == ["Steppe Software (renamed) LLP"]
    assert "applications.Decision" not in removed
    assert decision.history.count() == decisions_history == 2


def test_the_clean_up_leaves_tables_the_database_keeps_append_only():
    """On PostgreSQL every history table refuses DELETE (config/append_only.py): the clean-up leaves them alone
    rather than fail. On SQLite only decisions are left out."""
    labels = watches.history_models_to_clean()
    assert "applications.Decision" not in labels
    if connection.vendor == "postgresql":
        assert labels == []
    else:
        assert "applications.Organisation" in labels and "catalog.ProvisionVersion" in labels
        assert "applications.Application" in labels


@pytest.mark.services
def test_on_postgresql_the_clean_up_runs_without_touching_protected_tables(approved_with_goods):
    require_postgres()
    application = Application.objects.get(pk=approved_with_goods.pk)
    application.save()  # a duplicate row in a protected table
    before = application.history.count()
    watches.history_clean()  # no error from the triggers
    assert application.history.count() == before


# --- nightly: exports ---------------------------------------------------------------------------------------------


def test_exports_older_than_a_week_are_removed_with_their_files(rev):
    with on(datetime.date(2025, 3, 3)):
        old = Export.objects.create(requested_by=rev, format="csv", state=Export.State.DONE)
        old.file.save("old.csv", ContentFile(b"reference\n"))
    with on(datetime.date(2025, 3, 8)):
        recent = Export.objects.create(requested_by=rev, format="csv")
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    with on(datetime.date(2025, 3, 11)):
        assert watches.exports_remove_old() == 1
    assert list(Export.objects.all()) == [recent]
    assert not storage.exists(name)


def test_operators_see_the_runs_and_the_updates_in_admin_read_only(admin_client, waiting, lead):
    with on(datetime.date(2025, 3, 10)):
        watch_waiting()
    page = admin_client.get(reverse("admin:applications_periodicrun_changelist"))
    assert page.status_code == 200 and "applications.watch_waiting" in page.content.decode()
    events = admin_client.get(reverse("admin:applications_staffevent_changelist"))
    assert waiting.reference in events.content.decode()
    assert admin_client.get(reverse("admin:applications_periodicrun_add")).status_code == 403
    event = StaffEvent.objects.get()
    assert (
        admin_client.post(reverse("admin:applications_staffevent_delete", args=[event.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert StaffEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_gives_sqlite_its_planner_statistics():
    """Without ANALYZE, SQLite reads every application for a search at park scale (issue 13)."""
    from django.db import connection

    from applications.tasks import refresh_planner_statistics

    written = refresh_planner_statistics()
    if connection.vendor != "sqlite":
        assert written is False
        return
    assert written is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone()[0] == 1
