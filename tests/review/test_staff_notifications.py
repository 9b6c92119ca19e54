"""Staff are told, never spammed: an e-mail to a reviewer when an application is assigned to them, submitted again
or withdrawn; several updates of one moment in one e-mail; nothing at once for a user who chose the digest only.

Every e-mail's text is asserted in each language the site offers (settings.LANGUAGES): a new language needs its
expected text here.
"""

import datetime
import zoneinfo
from unittest import mock

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.urls import reverse

from applications.applicant.services import application_submit, application_withdraw
from applications.models import Notification, StaffEvent, StaffPreference
from applications.notifications import staff_events_tell_pending
from applications.review import services as review
from tests.factories import OrganisationFactory, UserFactory, member_of, submitted_application

pytestmark = pytest.mark.django_db

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), ASTANA), tick=False)


def expected(texts: dict, language: str) -> dict:
    if language not in texts:
        pytest.fail(f"Write the expected text of this e-mail in {language!r}.")
    return texts[language]


def in_language(language: str):
    return mock.patch("applications.notifications.email_language", return_value=language)


def review_url(application) -> str:
    return settings.SITE_URL + reverse("review:application", args=[application.reference])


@pytest.fixture
def steppe(member, organisation):
    with on(datetime.date(2025, 3, 3)):
        return submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 3, 3))


def assign(application, lead, reviewer, callbacks, day=datetime.date(2025, 3, 5)):
    with on(day), callbacks(execute=True):
        return review.application_assign(application=application, user=lead, reviewer=reviewer)


ASSIGNED = {
    "en": {
        "subject": "{ref} assigned to you",
        "lines": [
            "Hello,",
            "- {ref} (Steppe Software LLP) was assigned to you by lead@example.com on 05.03.2025.",
            "Your applications: {site}/review/home/",
            "You are told of each update at once, and receive a daily digest. To receive only the digest, change "
            "your preference: {site}/review/preferences/",
            "Astana Hub International Technology Park",
        ],
    },
    "ru": {
        "subject": "{ref} назначена вам",
        "lines": [
            "Здравствуйте!",
            "- {ref} (Steppe Software LLP) назначена вам 05.03.2025; назначил(а) lead@example.com.",
            "Ваши заявки: {site}/review/home/",
            "Вы узнаёте о каждом изменении сразу и получаете ежедневную сводку. Чтобы получать только сводку, "
            "измените настройку: {site}/review/preferences/",
            "Международный технопарк IT-стартапов «Astana Hub»",
        ],
    },
    "kk": {
        "subject": "{ref} сізге тағайындалды",
        "lines": [
            "Сәлеметсіз бе!",
            "- {ref} (Steppe Software LLP) 05.03.2025 сізге тағайындалды; тағайындаған: lead@example.com.",
            "Сіздің өтінімдеріңіз: {site}/review/home/",
            "Сіз әр өзгеріс туралы бірден біліп, күнделікті жиынтықты аласыз. Тек жиынтықты алу үшін баптауды "
            "өзгертіңіз: {site}/review/preferences/",
            "«Astana Hub» IT-стартаптардың халықаралық технопаркі",
        ],
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_assigning_tells_the_reviewer(steppe, lead, rev, django_capture_on_commit_callbacks, language):
    text = expected(ASSIGNED, language)
    mail.outbox.clear()
    with in_language(language):
        assign(steppe, lead, rev, django_capture_on_commit_callbacks)
    [email] = mail.outbox
    values = {"ref": steppe.reference, "site": settings.SITE_URL}
    assert email.to == ["rev@example.com"]
    assert email.subject == text["subject"].format(**values)
    for line in text["lines"]:
        assert line.format(**values) in email.body, line
    assert f"  {review_url(steppe)}" in email.body
    notification = Notification.objects.get(kind=Notification.Kind.STAFF_UPDATE)
    assert notification.recipient == rev and notification.application == steppe and notification.sent_at
    assert StaffEvent.objects.get().notification == notification


RESUBMITTED = {
    "en": {
        "subject": "{ref} submitted again after changes",
        "line": "- {ref} (Steppe Software LLP) was submitted again after changes on 12.03.2025; the 15 working days "
        "start again.",
    },
    "ru": {
        "subject": "{ref} подана повторно после изменений",
        "line": "- {ref} (Steppe Software LLP) подана повторно после изменений 12.03.2025; 15 рабочих дней "
        "отсчитываются заново.",
    },
    "kk": {
        "subject": "{ref} өзгерістерден кейін қайта берілді",
        "line": "- {ref} (Steppe Software LLP) өзгерістерден кейін 12.03.2025 қайта берілді; 15 жұмыс күні қайтадан "
        "есептеледі.",
    },
}
WITHDRAWN = {
    "en": {
        "subject": "{ref} withdrawn by the applicant",
        "line": "- {ref} (Steppe Software LLP) was withdrawn by the applicant on 12.03.2025.",
    },
    "ru": {
        "subject": "{ref} отозвана заявителем",
        "line": "- {ref} (Steppe Software LLP) отозвана заявителем 12.03.2025.",
    },
    "kk": {
        "subject": "{ref}: өтініш беруші кері қайтарып алды",
        "line": "- {ref} (Steppe Software LLP) өтінімін өтініш беруші 12.03.2025 кері қайтарып алды.",
    },
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_resubmission_tells_the_reviewer_who_holds_it(
    steppe, member, rev, django_capture_on_commit_callbacks, language
):
    text = expected(RESUBMITTED, language)
    with on(datetime.date(2025, 3, 4)):
        review.application_take(application=steppe, user=rev, no_conflict=True)
        review.application_request_changes(application=steppe, user=rev, message="Explain paragraph 2.")
    mail.outbox.clear()
    with in_language(language), on(datetime.date(2025, 3, 12)), django_capture_on_commit_callbacks(execute=True):
        application_submit(application=steppe, user=member)
    staff = [email for email in mail.outbox if email.to == ["rev@example.com"]]
    assert len(staff) == 1 and len(mail.outbox) == 2  # and the applicant's receipt
    assert staff[0].subject == text["subject"].format(ref=steppe.reference)
    assert text["line"].format(ref=steppe.reference) in staff[0].body


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withdrawal_tells_the_reviewer_who_holds_it(
    steppe, member, rev, django_capture_on_commit_callbacks, language
):
    text = expected(WITHDRAWN, language)
    with on(datetime.date(2025, 3, 4)):
        review.application_take(application=steppe, user=rev, no_conflict=True)
    mail.outbox.clear()
    with in_language(language), on(datetime.date(2025, 3, 12)), django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=steppe, user=member)
    [staff] = [email for email in mail.outbox if email.to == ["rev@example.com"]]
    assert staff.subject == text["subject"].format(ref=steppe.reference)
    assert text["line"].format(ref=steppe.reference) in staff.body


def test_nobody_is_told_of_their_own_step(steppe, lead, rev, django_capture_on_commit_callbacks):
    """A reviewer taking an application, or a lead reviewer assigning one to themselves, gets no e-mail about it."""
    lead_reviewer = lead
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.application_assign(application=steppe, user=lead_reviewer, reviewer=lead_reviewer)
        other = submitted_application(on=datetime.date(2025, 3, 3))
        review.application_take(application=other, user=rev, no_conflict=True)
    assert not StaffEvent.objects.exists()
    assert not [email for email in mail.outbox if email.to in (["rev@example.com"], ["lead@example.com"])]


def test_an_unassigned_withdrawal_tells_no_reviewer(steppe, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=steppe, user=member)
    assert not StaffEvent.objects.exists()


def test_a_rolled_back_assignment_tells_nobody(steppe, lead, rev, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        review.application_assign(application=steppe, user=lead, reviewer=rev)
        raise RuntimeError("something after the assignment failed")
    assert callbacks == [] and not StaffEvent.objects.exists() and mail.outbox == []


def test_a_reviewer_without_an_address_or_inactive_is_not_written_to(steppe, lead, django_capture_on_commit_callbacks):
    from tests.factories import reviewer

    silent = reviewer("silent@example.com")
    silent.is_active = False
    silent.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review.application_assign(application=steppe, user=lead, reviewer=silent)
    assert not StaffEvent.objects.exists() and mail.outbox == []


def test_digest_only_means_no_e_mail_at_once(steppe, lead, rev, django_capture_on_commit_callbacks):
    StaffPreference.objects.create(user=rev, digest_only=True)
    mail.outbox.clear()
    assign(steppe, lead, rev, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    event = StaffEvent.objects.get()
    assert event.user == rev and event.kind == StaffEvent.Kind.ASSIGNED and event.notification is None
    # The sweep leaves it to the digest too (tests/review/test_watches.py: the digest lists it).
    with on(datetime.date(2025, 3, 6)), django_capture_on_commit_callbacks(execute=True):
        assert staff_events_tell_pending() == 0
    assert mail.outbox == []


def test_going_back_to_immediate_e_mails_sends_what_waited(
    steppe, lead, rev, client, django_capture_on_commit_callbacks
):
    StaffPreference.objects.create(user=rev, digest_only=True)
    assign(steppe, lead, rev, django_capture_on_commit_callbacks)
    client.force_login(rev)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("review:preferences"), {"digest_only": "immediate"})
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.subject == f"{steppe.reference} assigned to you"
    assert not StaffPreference.objects.get(user=rev).digest_only


def test_with_the_broker_down_the_sweep_tells_the_updates(steppe, lead, rev, django_capture_on_commit_callbacks):
    from applications.tasks import tell_staff

    mail.outbox.clear()
    with mock.patch.object(tell_staff, "delay", side_effect=OSError("broker down")):
        assign(steppe, lead, rev, django_capture_on_commit_callbacks)
    assert mail.outbox == [] and StaffEvent.objects.untold().count() == 1
    with on(datetime.date(2025, 3, 5), hour=9):  # not yet a minute old: the task may still come
        assert staff_events_tell_pending() == 0
    with on(datetime.date(2025, 3, 5), hour=11), django_capture_on_commit_callbacks(execute=True):
        assert staff_events_tell_pending() == 1
        assert staff_events_tell_pending() == 0  # told once
    [email] = mail.outbox
    assert email.subject == f"{steppe.reference} assigned to you"


SEVERAL = {
    "en": {"subject": "3 updates on your applications", "assigned": "{ref} ({name}) was assigned to you"},
    "ru": {"subject": "3 изменения по вашим заявкам", "assigned": "{ref} ({name}) назначена вам"},
    "kk": {"subject": "Өтінімдеріңіз бойынша 3 өзгеріс", "assigned": "{ref} ({name}) 05.03.2025 сізге тағайындалды"},
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_updates_not_yet_told_go_out_in_one_e_mail(lead, rev, django_capture_on_commit_callbacks, language):
    """Updates written while the e-mail was not yet written (e.g. a batch) are told together."""
    text = expected(SEVERAL, language)
    applications = [
        submitted_application(
            organisation=member_of(OrganisationFactory(name=f"Company {i} LLP"), UserFactory()).organisations.get(),
            on=datetime.date(2025, 3, 3),
        )
        for i in range(3)
    ]
    with mock.patch("applications.notifications._enqueue_tell"), on(datetime.date(2025, 3, 5)):
        for application in applications:
            review.application_assign(application=application, user=lead, reviewer=rev)
    mail.outbox.clear()
    from applications.notifications import staff_events_tell

    with in_language(language), on(datetime.date(2025, 3, 5)), django_capture_on_commit_callbacks(execute=True):
        staff_events_tell(rev.pk)
        assert staff_events_tell(rev.pk) is None  # nothing left to tell
    [email] = mail.outbox
    assert email.subject == text["subject"]
    for application in applications:
        assert text["assigned"].format(ref=application.reference, name=application.organisation.name) in email.body
        assert review_url(application) in email.body
    assert Notification.objects.get(kind=Notification.Kind.STAFF_UPDATE).application is None


def test_the_preference_page_explains_a_missing_choice_and_refuses_others(client, rev, member):
    client.force_login(rev)
    form = client.get(reverse("review:preferences")).context["form"]
    assert form["digest_only"].value() == "immediate"  # no preference yet: told at once
    response = client.post(reverse("review:preferences"), {"digest_only": "sometimes"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choose one." in html[html.find('name="digest_only"') :]
    assert not StaffPreference.objects.exists()
    client.force_login(member)
    assert client.post(reverse("review:preferences"), {"digest_only": "digest"}).status_code == 403
    assert not StaffPreference.objects.exists()
