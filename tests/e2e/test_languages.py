"""The three languages in a real browser: a visitor switches to Kazakh with the header's switcher and walks the
applicant's steps in Kazakh; a reviewer whose account keeps Russian logs in and works the review screen in
Russian. Screenshots: test-artifacts/screenshots/lang-*.png."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from applications.languages import user_language_set
from applications.models import Application, Status
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, member_of, reviewer, submitted_application

from .helpers import screenshot

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
ELIGIBILITY_KK = [
    "Компания заңды тұлға болып табылады",
    "Компанияның 50%-дан азы мемлекетке тиесілі",
    "Компания жер қойнауын пайдаланушы емес",
    "Компания арнайы экономикалық аймақтың қатысушысы емес",
    "Компания акцизделетін тауарлар өндірмейді",
    "Компанияның филиалдары жоқ",
]
KK_MISSING = "Қазақ тіліндегі ресми мәтін жазылмаған; ағылшын тіліне ресми емес аударма көрсетілген."


@pytest.fixture
def on_2_june_2025():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=ASTANA), tick=True):
        yield


def log_in(page, email: str, *, email_label: str, password_label: str, button: str):
    page.locator("main").get_by_label(email_label).fill(email)
    page.locator("main").get_by_label(re.compile(rf"^\s*{password_label}\W*$")).fill(PASSWORD)
    page.locator("main").get_by_role("button", name=button).click()


def test_an_applicant_switches_to_kazakh_and_walks_every_step(on_2_june_2025, page, live_server):
    applicant = UserFactory(email="aigerim@qazaqcode.kz")
    member_of(OrganisationFactory(name="Qazaq Code LLP"), applicant)

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "lang-kk-00-login-in-english")
    switcher = page.get_by_role("group", name="Language of the site")
    switcher.get_by_role("button", name="Қазақша").focus()
    page.keyboard.press("Enter")  # the switcher works from the keyboard
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))  # the address does not change
    expect(page.get_by_role("group", name="Сайт тілі").get_by_role("button", name="Қазақша")).to_have_attribute(
        "aria-current", "true"
    )
    screenshot(page, "lang-kk-01-login")
    log_in(page, applicant.email, email_label="Электрондық пошта мекенжайы", password_label="Құпиясөз", button="Кіру")
    expect(page.get_by_role("button", name="Жаңа өтінім бастау")).to_be_visible()
    screenshot(page, "lang-kk-01b-home")

    page.get_by_role("button", name="Жаңа өтінім бастау").click()
    expect(page.get_by_role("alert").filter(has_text="жоба ретінде басталды")).to_contain_text("AH-2025-00001")
    screenshot(page, "lang-kk-02-task-list")

    page.get_by_role("link", name="Компанияның өтінім бере алатынын тексеріңіз").click()
    for statement in ELIGIBILITY_KK:
        page.get_by_role("group", name=statement).get_by_label("Иә", exact=True).check()
    screenshot(page, "lang-kk-03-eligibility")
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    expect(page.locator("#state-eligibility")).to_have_text("Аяқталды")
    screenshot(page, "lang-kk-03b-task-list")

    page.get_by_role("link", name="Компания жүзеге асыратын басым қызмет түрлері").click()
    expect(page.locator("main")).to_contain_text(KK_MISSING)  # the legal text: English, and it says so
    screenshot(page, "lang-kk-04a-activities")
    page.get_by_label("1-тармақ", exact=True).check()
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    expect(page.locator("#error-summary")).to_contain_text("Компанияның 1-тармақ бойынша не істейтінін сипаттаңыз")
    screenshot(page, "lang-kk-04-activities-error")
    page.locator("#activity-1 textarea").fill("Біз бухгалтерлік бағдарламаны әзірлеп, сатамыз.")
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    expect(page.locator("#state-activities")).to_have_text("Аяқталды")
    screenshot(page, "lang-kk-04b-task-list")

    page.get_by_role("link", name="Тауарлар және меншікті өндіріс").click()
    page.get_by_label("Жоқ", exact=True).check()
    screenshot(page, "lang-kk-05-goods")
    page.get_by_role("button", name="Сақтау және жалғастыру").click()
    expect(page.locator("#state-goods")).to_have_text("Аяқталды")
    screenshot(page, "lang-kk-06-task-list-ready")

    page.get_by_role("link", name="Жауаптарыңызды тексеріңіз").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Беру алдында жауаптарыңызды тексеріңіз")
    screenshot(page, "lang-kk-07-check-answers")
    page.get_by_role("link", name="Мәлімдемеге өту").click()
    page.get_by_label(re.compile("Осы өтінімдегі мәліметтердің шынайы")).check()
    screenshot(page, "lang-kk-08-declaration")
    page.get_by_role("button", name="Өтінімді беру").click()
    expect(page.locator("main")).to_contain_text("AH-2025-00001")
    expect(page.locator("main")).to_contain_text("02.06.2025")  # dates stay DD.MM.YYYY
    screenshot(page, "lang-kk-09-submitted")

    application = Application.objects.get(reference="AH-2025-00001")
    assert application.status == Status.SUBMITTED


def test_a_reviewer_whose_account_keeps_russian_works_the_review_screen_in_russian(page, live_server):
    rev = reviewer("reviewer@example.com")
    user_language_set(user=rev, language="ru")
    application = submitted_application(
        user=UserFactory(email="director@steppe.kz"),
        organisation=OrganisationFactory(name="Steppe Code LLP"),
        on=datetime.date(2025, 10, 6),
        sells_goods=True,
    )

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "lang-ru-00-login-in-english")
    log_in(page, rev.email, email_label="E-mail address", password_label="Password", button="Log in")
    expect(page.locator("html")).to_have_attribute("lang", "ru")  # the account's language, from the login on
    screenshot(page, "lang-ru-01-home")

    page.goto(f"{live_server.url}/review/")
    expect(page.get_by_role("heading", name="Очередь на рассмотрение")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(application.reference))).to_contain_text("06.10.2025")
    screenshot(page, "lang-ru-02-queue")
    page.get_by_role("link", name=application.reference).click()

    expect(page.get_by_role("heading", name="Взять эту заявку")).to_be_visible()
    page.get_by_label(re.compile("Заявляю, что у меня нет конфликта интересов с этой организацией")).check()
    page.get_by_role("button", name="Взять на рассмотрение").click()
    expect(page.get_by_role("alert").first).to_contain_text(f"Вы взяли {application.reference} на рассмотрение.")
    main = page.locator("main")
    expect(main).to_contain_text("Официальный текст на русском языке не записан")
    expect(main).to_contain_text("Действителен на базовую дату (06.10.2025)")
    screenshot(page, "lang-ru-03-review-screen")

    claim = application.claims.order_by("provision__paragraph").first()
    card = page.locator(f"#claim-{claim.pk}")
    card.get_by_label("Подтверждён", exact=True).check()
    card.get_by_role("button", name="Сохранить").click()
    expect(page.locator(f"#claim-{claim.pk} [data-saved]")).to_contain_text("Подтверждён")
    screenshot(page, "lang-ru-04-ticked")
