"""Accessibility in a real browser: axe-core finds no serious or critical violation on the pages of every role
in Kazakh and Russian too (English: every other browser test), and the forms work by keyboard alone, with the
GOV.UK error summary at the top leading to each field."""

import datetime
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from applications.applicant.services import application_submit
from applications.review import services as review
from tests.factories import OrganisationFactory, UserFactory, complete_draft, member_of, reviewer

from .helpers import assert_accessible, screenshot
from .test_reviewer_journey import sign_in

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def on_2_june_2025():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=ASTANA), tick=True):
        yield


def in_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def visit(page, url: str, language: str) -> None:
    page.goto(url)
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert_accessible(page)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_role_s_pages_have_no_serious_violation_in_kazakh_and_russian(
    on_2_june_2025, page, live_server, language
):
    in_language(page, live_server, language)
    base = live_server.url
    # A visitor.
    for path in ("/", "/accounts/login/", "/accounts/signup/", "/catalog/?on=01.06.2025", "/catalog/acts/"):
        visit(page, base + path, language)
    page.goto(base + "/accounts/login/")
    page.locator("form[action$='/accounts/login/'] button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert_accessible(page)

    # An applicant: a draft's steps, the confirmation after submitting.
    member = UserFactory(email="aigerim@qazaqcode.kz")
    organisation = OrganisationFactory(name="Qazaq Code LLP")
    member_of(organisation, member)
    draft = complete_draft(organisation=organisation, user=member, sells_goods=True, today=datetime.date(2025, 6, 2))
    sent = application_submit(
        application=complete_draft(organisation=organisation, user=member, today=datetime.date(2025, 6, 2)),
        user=member,
    )
    sign_in(page, live_server, member)
    for path in ("/my/", f"/organisations/{organisation.pk}/"):
        visit(page, base + path, language)
    for step in ("", "eligibility/", "activities/", "goods/", "goods/certificates/", "check/", "declaration/"):
        visit(page, f"{base}/applications/{draft.reference}/{step}", language)
    visit(page, f"{base}/applications/{sent.reference}/submitted/", language)
    screenshot(page, f"a11y-{language}-applicant-submitted")

    # A reviewer (and lead): the queue with a date that does not exist, the review screen, the timeline.
    page.context.clear_cookies()
    in_language(page, live_server, language)
    lead = reviewer("lead@park.kz", lead=True)
    review.application_take(application=sent, user=lead, no_conflict=True)
    sign_in(page, live_server, lead)
    for path in ("/review/home/", "/review/", "/review/?submitted_from=31.02.2025&q=Qazaq", "/review/register/"):
        visit(page, base + path, language)
    for path in ("", "timeline/"):
        visit(page, f"{base}/review/{sent.reference}/{path}", language)
    screenshot(page, f"a11y-{language}-review-timeline")


def test_login_by_keyboard_alone_with_the_error_summary_leading_to_each_field(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("E-mail address").focus()
    page.keyboard.press("Enter")  # submits the empty form
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter your e-mail address.")
    expect(summary).to_contain_text("Enter your password.")
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Enter your e-mail address.")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_label("E-mail address")).to_be_focused()
    page.keyboard.type("nobody@example.kz")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type("wrong-password")
    page.keyboard.press("Enter")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The e-mail address or password is not right.")
    expect(page.get_by_label("E-mail address")).to_have_value("nobody@example.kz")
    screenshot(page, "a11y-login-keyboard")
