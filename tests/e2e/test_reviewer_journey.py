"""A reviewer works the queue in a real browser: take, tick, verify, request changes, see the resubmission,
approve, print the letter, read the timeline. The applicant's resubmission is made through the services."""

import datetime

from django.test import Client
from playwright.sync_api import expect

from applications.applicant.services import application_submit
from applications.models import Status
from tests.factories import OrganisationFactory, UserFactory, reviewer, submitted_application

from .helpers import assert_accessible, screenshot


def sign_in(page, live_server, user):
    """The session of a signed-in user, handed to the browser (the login page belongs to the applicant side)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_a_reviewer_works_an_application_end_to_end(page, live_server):
    rev = reviewer("reviewer@example.com")
    applicant = UserFactory(email="director@steppe.kz")
    application = submitted_application(
        user=applicant,
        organisation=OrganisationFactory(name="Steppe Code LLP"),
        on=datetime.date(2025, 10, 6),
        sells_goods=True,
    )
    for name, day in [("Nomad Cloud LLP", 3), ("Baiterek Data LLP", 10), ("Altyn Soft LLP", 17)]:
        submitted_application(organisation=OrganisationFactory(name=name), on=datetime.date(2025, 11, day))
    sign_in(page, live_server, rev)

    # The queue.
    page.goto(f"{live_server.url}/review/")
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    screenshot(page, "review-01-queue")
    page.get_by_label("Reference, BIN or name").fill("steppe")
    page.get_by_role("button", name="Filter", exact=True).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name=application.reference).click()

    # Take it, declaring no conflict of interest.
    expect(page.get_by_role("heading", name="Take this application")).to_be_visible()
    page.get_by_role("button", name="Take into review").click()
    expect(page.get_by_role("alert")).to_contain_text("Declare that you have no conflict of interest")
    assert_accessible(page)
    page.get_by_label("I declare that I have no conflict of interest").check()
    page.get_by_role("button", name="Take into review").click()
    expect(page.get_by_role("alert").first).to_contain_text("You have taken")
    screenshot(page, "review-02-taken")

    # Tick: the first confirmed; the second not confirmed, which needs a note (saved in place, no reload).
    claims = list(application.claims.order_by("provision__paragraph"))
    first, second = (page.locator(f"#claim-{c.pk}") for c in claims)
    first.get_by_label("Confirmed", exact=True).check()
    first.get_by_role("button", name="Save").click()
    first = page.locator(f"#claim-{claims[0].pk}")
    expect(first.locator("[data-saved]")).to_contain_text("Confirmed")
    second.get_by_label("Not confirmed", exact=True).check()
    second.get_by_role("button", name="Save").click()
    second = page.locator(f"#claim-{claims[1].pk}")
    expect(second).to_contain_text("Say why the activity is not confirmed.")
    second.get_by_placeholder("Internal note (required for not confirmed)").fill("The explanation is too vague.")
    second.get_by_role("button", name="Save").click()
    expect(page.locator(f"#claim-{claims[1].pk} [data-saved]")).to_contain_text("Not confirmed")

    # The certificate, with the system's own checks.
    certificate = application.certificates.get()
    card = page.locator(f"#certificate-{certificate.pk}")
    expect(card).to_contain_text("Valid on the reference date (06.10.2025)")
    expect(card).to_contain_text("Number not used by another organisation")
    card.get_by_label("Verified").check()
    card.get_by_role("button", name="Save").click()
    expect(page.locator(f"#certificate-{certificate.pk} [data-saved]")).to_contain_text("Verified")
    screenshot(page, "review-03-ticked-and-verified")

    # Request changes.
    page.get_by_label("Message to the applicant: what should they change?").fill(
        "Please describe what you build for paragraph 2, with an example contract."
    )
    page.get_by_role("button", name="Send back to the applicant").click()
    expect(page.locator("h1 .badge")).to_have_text("Changes requested")

    # The applicant answers and submits again (their pages are another issue's; the services are shared).
    claim = application.claims.get(pk=claims[1].pk)
    claim.explanation = "We develop the e-Akimat platform for regional administrations (contract 14/2025)."
    claim.save(update_fields=["explanation"])
    application_submit(application=application, user=applicant, today=datetime.date(2025, 11, 20))

    page.reload()
    expect(page.get_by_role("status").filter(has_text="Submitted again")).to_contain_text(
        "Changed answers are highlighted"
    )
    second = page.locator(f"#claim-{claims[1].pk}")
    expect(second).to_contain_text("explanation changed")
    expect(second).to_contain_text("The explanation is too vague.")  # the earlier note stays visible
    screenshot(page, "review-04-resubmitted")
    page.get_by_label("I declare that I have no conflict of interest").check()
    page.get_by_role("button", name="Take into review").click()
    second = page.locator(f"#claim-{claims[1].pk}")
    second.get_by_label("Confirmed", exact=True).check()
    second.get_by_placeholder("Internal note (required for not confirmed)").fill("Contract 14/2025 seen.")
    second.get_by_role("button", name="Save").click()
    expect(page.locator(f"#claim-{claims[1].pk} [data-saved]")).to_contain_text("Confirmed")

    # Approve.
    page.reload()
    expect(page.locator("#decide")).to_contain_text("Everything needed for approval is in place.")
    page.locator("#decide").get_by_label("Approve").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator("h1 .badge")).to_have_text("Approved")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    screenshot(page, "review-05-approved")

    # The letter, printable.
    page.get_by_role("link", name="Decision letter").click()
    expect(page.get_by_role("heading", name="Decision: the application is approved")).to_be_visible()
    expect(page.locator(".letter")).to_contain_text(claims[0].provision_version.text.split()[0])
    screenshot(page, "review-06-letter")

    # The timeline.
    page.goto(f"{live_server.url}/review/{application.reference}/timeline/")
    expect(page.locator("tbody tr").first).to_contain_text("Approved")
    expect(page.locator("tbody")).to_contain_text("Changes requested from the applicant")
    expect(page.locator("tbody")).to_contain_text("Submitted again after changes")
    screenshot(page, "review-07-timeline")


def test_a_lead_reviewer_declares_before_acting_and_staff_do_not_register_organisations(page, live_server):
    from applications.review import services as review

    rev = reviewer("reviewer@example.com")
    lead = reviewer("lead@example.com", lead=True)
    application = submitted_application(
        organisation=OrganisationFactory(name="Steppe Code LLP"), on=datetime.date(2025, 10, 6)
    )
    review.application_take(application=application, user=rev, no_conflict=True)
    sign_in(page, live_server, lead)

    page.goto(f"{live_server.url}/review/{application.reference}/")
    expect(page.get_by_role("heading", name="Declare no conflict of interest")).to_be_visible()
    expect(page.get_by_role("button", name="Record the decision")).to_have_count(0)
    screenshot(page, "review-08-lead-declares")
    page.get_by_label("I declare that I have no conflict of interest").check()
    page.get_by_role("button", name="Declare").click()
    expect(page.get_by_role("alert").first).to_contain_text("Your declaration of no conflict of interest is recorded.")
    expect(page.get_by_role("button", name="Record the decision")).to_be_visible()
    screenshot(page, "review-09-lead-declared")

    page.goto(f"{live_server.url}/review/{application.reference}/timeline/")
    expect(page.locator("tr.kind-declaration")).to_have_count(2)  # the reviewer's, when taking, and the lead's
    screenshot(page, "review-10-timeline-declarations")

    page.goto(f"{live_server.url}/my/")
    expect(page.get_by_role("link", name="Register an organisation")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("they cannot register or join an organisation")
    screenshot(page, "review-11-staff-my-page")
