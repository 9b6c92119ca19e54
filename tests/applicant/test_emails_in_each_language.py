"""The applicant organisation's e-mails, in each language the site offers (settings.LANGUAGES): a new language
needs its expected texts here. (Staff e-mails: tests/review/test_staff_notifications.py and test_watches.py.)"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from applications.applicant.services import application_submit, application_withdraw
from applications.languages import user_language_set
from applications.models import Outcome
from applications.review import services as review
from tests.factories import complete_draft

from ..review.conftest import tick_all

pytestmark = pytest.mark.django_db

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
LANGUAGES = [code for code, _name in settings.LANGUAGES]

TEXTS = {
    "en": {
        "submitted": (
            "Application {ref} received",
            [
                "Dear members of Steppe Software LLP,",
                "We received your application on 03.03.2025. Its reference number is {ref}: quote it whenever you "
                "contact us about it.",
                "The activities you claimed are assessed against the list of priority activities in force on "
                "03.03.2025, the reference date of the application. The review takes up to 15 working days.",
            ],
        ),
        "changes_requested": (
            "Application {ref}: changes requested",
            [
                "On 05.03.2025 the reviewer of your application {ref} asked you to change it:",
                "Explain paragraph 2.",
                "Change your answers and submit the application again here:",
            ],
        ),
        "resubmitted": (
            "Application {ref} received again",
            ["We received your application {ref} again, with the changes you made, on 06.03.2025."],
        ),  # fmt: skip
        "approved": (
            "Application {ref} approved",
            [
                "On 10.03.2025 the Astana Hub approved your application {ref}.",
                "The decision applies the list of priority activities in force on 03.03.2025, the reference date "
                "of the application. The decision letter:",
            ],
        ),
        "withdrawn": (
            "Application {ref} withdrawn",
            ["On 05.03.2025 member@example.com withdrew the application {ref}."],
        ),
        "rejected": (
            "Application {ref} rejected",
            ["On 05.03.2025 the Astana Hub rejected your application {ref}.", "The reasons:\nResale of licences."],
        ),
    },
    "ru": {
        "submitted": (
            "Заявка {ref} получена",
            [
                "Уважаемые сотрудники Steppe Software LLP!",
                "Мы получили вашу заявку 03.03.2025. Её регистрационный номер — {ref}: указывайте его при каждом "
                "обращении к нам по этой заявке.",
                "Заявленные вами виды деятельности оцениваются по перечню приоритетных видов деятельности, "
                "действовавшему на 03.03.2025 — базовую дату заявки. Рассмотрение занимает до 15 рабочих дней.",
            ],
        ),
        "changes_requested": (
            "Заявка {ref}: запрошены изменения",
            [
                "05.03.2025 эксперт, рассматривающий вашу заявку {ref}, запросил изменения:",
                "Explain paragraph 2.",
                "Измените ответы и подайте заявку повторно здесь:",
            ],
        ),
        "resubmitted": (
            "Заявка {ref} получена повторно",
            ["Мы повторно получили вашу заявку {ref} с внесёнными вами изменениями 06.03.2025."],
        ),
        "approved": (
            "Заявка {ref} одобрена",
            [
                "10.03.2025 Astana Hub одобрил вашу заявку {ref}.",
                "Решение применяет перечень приоритетных видов деятельности, действовавший на 03.03.2025 — базовую "
                "дату заявки.",
                "Письмо о решении:",
            ],
        ),
        "withdrawn": (
            "Заявка {ref} отозвана",
            ["05.03.2025 member@example.com отозвал(а) заявку {ref}. Она не будет рассмотрена."],
        ),
        "rejected": (
            "Заявка {ref} отклонена",
            ["05.03.2025 Astana Hub отклонил вашу заявку {ref}.", "Причины:\nResale of licences."],
        ),
    },
    "kk": {
        "submitted": (
            "{ref} өтінімі алынды",
            [
                "Құрметті Steppe Software LLP қызметкерлері!",
                "Біз өтініміңізді 03.03.2025 алдық. Оның тіркеу нөмірі — {ref}: осы өтінім бойынша бізге хабарласқан "
                "сайын оны көрсетіңіз.",
                "Сіз мәлімдеген қызмет түрлері өтінімнің базалық күні — 03.03.2025 күнгі күшіндегі басым қызмет "
                "түрлерінің тізбесі бойынша бағаланады. Қарау 15 жұмыс күніне дейін созылады.",
            ],
        ),
        "changes_requested": (
            "{ref} өтінімі: өзгерістер сұралды",
            [
                "05.03.2025 {ref} өтініміңізді қараушы сарапшы өзгерістер енгізуді сұрады:",
                "Explain paragraph 2.",
                "Жауаптарыңызды өзгертіп, өтінімді осы жерде қайта беріңіз:",
            ],
        ),
        "resubmitted": (
            "{ref} өтінімі қайта алынды",
            ["Біз 06.03.2025 сіз енгізген өзгерістермен {ref} өтініміңізді қайта алдық."],
        ),
        "approved": (
            "{ref} өтінімі мақұлданды",
            [
                "10.03.2025 Astana Hub сіздің {ref} өтініміңізді мақұлдады.",
                "Шешім өтінімнің базалық күні — 03.03.2025 күнгі күшіндегі басым қызмет түрлерінің тізбесін қолданады.",
                "Шешім туралы хат:",
            ],
        ),
        "withdrawn": (
            "{ref} өтінімі кері қайтарып алынды",
            ["05.03.2025 member@example.com {ref} өтінімін кері қайтарып алды. Ол қаралмайды."],
        ),
        "rejected": (
            "{ref} өтінімі қабылданбады",
            ["05.03.2025 Astana Hub сіздің {ref} өтініміңізді қабылдамады.", "Себептері:\nResale of licences."],
        ),
    },
}


def on(day: int):
    return time_machine.travel(datetime.datetime(2025, 3, day, 10, tzinfo=ASTANA), tick=False)


def texts(language: str) -> dict:
    if language not in TEXTS:
        pytest.fail(f"Write the expected texts of the applicant's e-mails in {language!r}.")
    return TEXTS[language]


def last_email(kind_texts, ref):
    subject, lines = kind_texts
    email = [email for email in mail.outbox if email.to == ["member@example.com"]][-1]
    assert email.subject == subject.format(ref=ref)
    for line in lines:
        assert line.format(ref=ref) in email.body, line


@pytest.fixture
def draft(member, organisation):
    return complete_draft(organisation=organisation, user=member, today=datetime.date(2025, 3, 3))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_journey_of_an_application_in_e_mails(draft, member, rev, django_capture_on_commit_callbacks, language):
    expected = texts(language)
    ref = draft.reference
    user_language_set(user=member, language=language)  # what the switcher records on the account
    with on(3), django_capture_on_commit_callbacks(execute=True):
        application_submit(application=draft, user=member)
    last_email(expected["submitted"], ref)
    with on(5), django_capture_on_commit_callbacks(execute=True):
        review.application_take(application=draft, user=rev, no_conflict=True)
        review.application_request_changes(application=draft, user=rev, message="Explain paragraph 2.")
    last_email(expected["changes_requested"], ref)
    with on(6), django_capture_on_commit_callbacks(execute=True):
        application_submit(application=draft, user=member)
    last_email(expected["resubmitted"], ref)
    with on(10), django_capture_on_commit_callbacks(execute=True):
        review.application_take(application=draft, user=rev, no_conflict=True)
        tick_all(draft, rev)
        review.decision_record(application=draft, user=rev, outcome=Outcome.APPROVED)
    last_email(expected["approved"], ref)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_withdrawal_and_a_rejection_in_e_mails(
    draft, member, organisation, rev, django_capture_on_commit_callbacks, language
):
    expected = texts(language)
    other = complete_draft(organisation=organisation, user=member, today=datetime.date(2025, 3, 3))
    user_language_set(user=member, language=language)  # what the switcher records on the account
    with on(3), django_capture_on_commit_callbacks(execute=True):
        application_submit(application=draft, user=member)
        application_submit(application=other, user=member)
    with on(5), django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=draft, user=member)
    last_email(expected["withdrawn"], draft.reference)
    with on(5), django_capture_on_commit_callbacks(execute=True):
        review.application_take(application=other, user=rev, no_conflict=True)
        review.decision_record(application=other, user=rev, outcome=Outcome.REJECTED, reasons="Resale of licences.")
    last_email(expected["rejected"], other.reference)
