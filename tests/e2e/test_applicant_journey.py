"""An applicant in a real browser: signs up (and confirms the address by the e-mailed link), registers the
organisation, fills every step as a person would (clicks, typing, a PDF upload) and submits. The live server's
clock stands on 02.06.2025, when order 37/RD was in force (from 01.01.2026 no list is, and nothing could be
submitted)."""

import datetime
import re
import time
import zoneinfo

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import expect

from applications.models import Application, Status

from .helpers import assert_accessible, screenshot

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
ELIGIBILITY = [
    "The company is a legal entity",
    "The state owns less than 50% of the company",
    "The company is not a subsoil user",
    "The company is not a participant of a special economic zone",
    "The company does not produce excisable goods",
    "The company has no branches",
]
# The smallest file that libmagic identifies as a PDF document.
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def on_2_june_2025():
    # tick=True: the clock runs on from there, for the live server's thread as for the test.
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=ASTANA), tick=True):
        yield


def test_an_applicant_signs_up_and_submits_an_application(on_2_june_2025, page, live_server, tmp_path):
    scan = tmp_path / "ST-KZ 0042.pdf"
    scan.write_bytes(PDF_BYTES)

    page.goto(live_server.url)
    screenshot(page, "applicant-01-start")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Create an account").click()
    page.get_by_label("E-mail address").fill("Aigerim@Qazaqcode.kz")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("steppe-eagle-2025")  # "Password*": required
    page.get_by_label("Password again").fill("steppe-eagle-2025")
    screenshot(page, "applicant-02-sign-up")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    screenshot(page, "applicant-03a-check-your-e-mail")
    # The link in the e-mail (written after the response, through the outbox) confirms the address once its
    # account logs in.
    for _ in range(50):
        if mail.outbox:
            break
        time.sleep(0.1)
    page.goto(live_server.url + re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1))
    expect(page.get_by_role("alert").filter(has_text="to confirm the address")).to_contain_text("aigerim@qazaqcode.kz")
    screenshot(page, "applicant-03b-confirmed-log-in")
    assert_accessible(page)
    page.get_by_label("E-mail address").fill("aigerim@qazaqcode.kz")
    page.get_by_label(re.compile(r"^\s*Password\W*$")).fill("steppe-eagle-2025")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").filter(has_text="is confirmed")).to_contain_text("aigerim@qazaqcode.kz")
    expect(page.get_by_role("heading", name="Start by registering your organisation")).to_be_visible()
    screenshot(page, "applicant-03-home-new")

    # The organisation: a mistyped BIN first, as people do.
    page.get_by_role("link", name="Register an organisation").first.click()
    page.get_by_label("Name of the organisation").fill("Qazaq Code LLP")
    page.get_by_label("BIN").fill("9401 4000 0386")
    page.get_by_label("Legal address").fill("Dostyk 20, Astana")
    page.get_by_label("Director (full name)").fill("Nurlan Abenov")
    page.get_by_label("Contact e-mail").fill("hello@qazaqcode.kz")
    page.get_by_label("Contact phone").fill("+7 7172 55 02 02")
    page.get_by_role("button", name="Register the organisation").click()
    expect(page.locator("#error-summary")).to_contain_text("The check digit (the 12th) does not match")
    expect(page.get_by_label("Name of the organisation")).to_have_value("Qazaq Code LLP")
    screenshot(page, "applicant-04-organisation-bin-error")
    page.get_by_label("BIN").fill("9401 4000 0385")
    page.get_by_role("button", name="Register the organisation").click()
    expect(page.get_by_role("alert").filter(has_text="is registered")).to_contain_text("Qazaq Code LLP is registered.")
    expect(page.get_by_text("BIN 940140000385")).to_be_visible()
    screenshot(page, "applicant-05-organisation")

    page.get_by_role("button", name="Start a new application").click()
    expect(page.get_by_role("alert").filter(has_text="started as a draft")).to_contain_text("AH-2025-00001")
    expect(page.locator(".task-list")).to_contain_text("Cannot start yet")
    screenshot(page, "applicant-06-task-list-new")

    # 1. Eligibility: a "no" first, which stops the application with the reason.
    page.get_by_role("link", name="Check the company can apply").click()
    for statement in ELIGIBILITY:
        answer = "No" if statement == "The company has no branches" else "Yes"
        page.get_by_role("group", name=statement).get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The company cannot apply")
    expect(page.locator(".list-group-item-danger")).to_contain_text("The company has no branches")
    screenshot(page, "applicant-07-not-eligible")
    page.get_by_role("link", name="Change your answers").click()
    page.get_by_role("group", name="The company has no branches").get_by_label("Yes", exact=True).check()
    screenshot(page, "applicant-08-eligibility")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#state-eligibility")).to_have_text("Completed")

    # 2. Activities: two ticks, one left unexplained at first.
    page.get_by_role("link", name="Priority activities the company carries on").click()
    expect(page.locator("#activity-3")).to_contain_text("Data processing activities (knowledge discovery in databases)")
    page.get_by_label("Paragraph 1", exact=True).check()
    page.locator("#activity-1 textarea").fill("We develop and sell our accounting software to 300 small firms.")
    page.get_by_label("Paragraph 3", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#error-summary")).to_contain_text("Explain what the company does in paragraph 3")
    expect(page.locator("#activity-1 textarea")).to_have_value(
        "We develop and sell our accounting software to 300 small firms."
    )
    screenshot(page, "applicant-09-activities-error")
    page.locator("#activity-3 textarea").fill("We analyse sales data for supermarket chains on our own platform.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("#state-activities")).to_have_text("Completed")

    # 3. Goods: yes, with a certificate and its scan.
    page.get_by_role("link", name="Goods and own production").click()
    page.get_by_label("Yes", exact=True).check()
    screenshot(page, "applicant-10-goods")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label('Certificate of origin of goods in form "ST-KZ"').check()
    page.get_by_label("Certificate number").fill("KZ-7-0042")
    page.get_by_label("Issued by").fill("Chamber of Entrepreneurs of Astana")
    page.get_by_label("Issued on").fill("15.03.2024")
    page.get_by_label("Valid until").fill("14.03.2027")
    page.get_by_label("Goods the certificate covers").fill("Routers of the RX series")
    page.get_by_label("Scan of the certificate (PDF, at most 10 MB)").set_input_files(str(scan))
    screenshot(page, "applicant-11-certificate-form")
    page.get_by_role("button", name="Add the certificate").click()
    expect(page.get_by_role("alert").filter(has_text="added")).to_contain_text("Certificate KZ-7-0042 added.")
    expect(page.get_by_role("row", name=re.compile("KZ-7-0042"))).to_contain_text("15.03.2024 – 14.03.2027")
    screenshot(page, "applicant-12-certificates")
    page.get_by_role("link", name="Done: back to the task list").click()
    expect(page.locator("#state-goods")).to_have_text("Completed")
    screenshot(page, "applicant-13-task-list-ready")

    # 4. Check your answers, 5. declaration and submission.
    page.get_by_role("link", name="Check your answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before submitting")
    expect(page.locator("main")).to_contain_text("We analyse sales data for supermarket chains")
    screenshot(page, "applicant-14-check-answers")
    page.get_by_role("link", name="Continue to the declaration").click()
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator("#error-summary")).to_contain_text("Confirm the statement of truth")
    page.get_by_label(re.compile("I confirm that the information in this application is true")).check()
    screenshot(page, "applicant-15-declaration")
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Application AH-2025-00001 is submitted.")
    expect(page.locator("main")).to_contain_text("What happens next")
    expect(page.locator("main")).to_contain_text("02.06.2025")
    screenshot(page, "applicant-16-submitted")

    application = Application.objects.get(reference="AH-2025-00001")
    assert application.status == Status.SUBMITTED
    assert application.reference_date == datetime.date(2025, 6, 2)
    assert sorted(application.claims.values_list("provision__paragraph", flat=True)) == [1, 3]
    assert application.certificates.get().scan_name == "ST-KZ 0042.pdf"

    page.get_by_role("link", name="My applications").first.click()
    expect(page.get_by_role("row", name=re.compile("AH-2025-00001"))).to_contain_text("Submitted")
    screenshot(page, "applicant-17-home")
