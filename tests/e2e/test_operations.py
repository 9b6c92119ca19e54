"""A lead reviewer's day in a real browser: the team's dashboard, a batch assignment with one refusal, and an
export of decisions with its progress bar, then its download."""

import datetime
from pathlib import Path
from unittest import mock

from django.utils import timezone
from playwright.sync_api import expect

from applications.applicant.services import application_withdraw
from applications.models import Export, PeriodicRun
from applications.review import exports
from applications.review import services as review
from tests.factories import OrganisationFactory, UserFactory, member_of, reviewer, submitted_application
from tests.review.conftest import approve

from .helpers import assert_accessible, screenshot
from .test_reviewer_journey import sign_in


def test_a_lead_reviewers_dashboard_batch_assignment_and_export(page, live_server, settings):
    lead = reviewer("lead@example.com", lead=True)
    reviewer("aigerim@park.kz")
    other = reviewer("nurlan@park.kz")
    # The team's work: Nurlan holds one and decided one; three wait unassigned.
    held = submitted_application(
        organisation=OrganisationFactory(name="Irbis Robotics LLP"), on=datetime.date(2025, 10, 6)
    )
    review.application_take(application=held, user=other, no_conflict=True)
    decided = submitted_application(
        organisation=OrganisationFactory(name="ТОО «Алтын Софт»"), on=datetime.date(2025, 9, 1)
    )
    review.application_take(application=decided, user=other, no_conflict=True)
    approve(decided, other)
    waiting = {
        name: submitted_application(organisation=OrganisationFactory(name=name), on=datetime.date(2025, 11, day))
        for name, day in [("Alpha Soft LLP", 3), ("Beta Data LLP", 4), ("Gamma AI LLP", 5)]
    }
    beta_director = UserFactory(email="director@beta.kz")
    member_of(waiting["Beta Data LLP"].organisation, beta_director)
    sign_in(page, live_server, lead)

    # The lead reviewer's home.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="My work")).to_be_visible()
    team = page.locator(".team-table")
    expect(team.locator('tr[data-reviewer="nurlan@park.kz"] [data-count="open"]')).to_have_text("1")
    expect(team.locator('tr[data-reviewer="nurlan@park.kz"] [data-count="overdue"]')).to_have_text("1")
    expect(page.locator('.card[data-count="unassigned"] .display-6')).to_have_text("3")
    screenshot(page, "ops-01-lead-dashboard")

    # Its "Unassigned" count leads to the queue listing exactly those three.
    page.locator('.card[data-count="unassigned"]').click()
    expect(page.get_by_role("heading", name="Review queue")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)

    # Select them all, assign them to Aigerim. Meanwhile Beta's director withdraws theirs: it is refused, the others
    # are done.
    page.get_by_label("Select every application on this page").check()
    expect(page.locator("[data-selected-count]")).to_have_text("Selected: 3")
    page.get_by_label("Assign to").select_option(label="aigerim@park.kz")
    screenshot(page, "ops-02-queue-selected")
    application_withdraw(application=waiting["Beta Data LLP"], user=beta_director)
    page.get_by_role("button", name="Assign selected").click()
    expect(page.get_by_role("status")).to_have_text("2 of 3 done, 1 refused.")
    beta = page.locator(f'tr[data-reference="{waiting["Beta Data LLP"].reference}"]')
    expect(beta).to_contain_text(
        "Refused: Only an application waiting for or under review can be assigned. This application is now “Withdrawn”."
    )
    expect(page.locator(f'tr[data-reference="{waiting["Alpha Soft LLP"].reference}"]')).to_contain_text(
        "Done: Assigned to aigerim@park.kz."
    )
    screenshot(page, "ops-03-batch-result")
    page.get_by_role("link", name="Back to the queue").click()
    expect(page.locator("tbody tr")).to_have_count(0)  # none left waiting unassigned
    expect(page.get_by_text("No application matches these filters.")).to_be_visible()

    # Export the decisions of 2025: larger than what downloads at once, so a task writes it.
    settings.EXPORT_STREAM_MAX_ROWS = 0
    queued = []
    page.goto(f"{live_server.url}/review/exports/")
    page.get_by_label("Decided from").fill("01.01.2025")
    page.get_by_label("Decided to").fill("31.12.2026")
    page.get_by_label("CSV (UTF-8)").check()
    screenshot(page, "ops-04a-export-form")
    with mock.patch.object(exports, "_enqueue", side_effect=lambda task, export_id: queued.append(export_id)):
        page.get_by_role("button", name="Export").click()
    expect(page.get_by_role("heading", name="Export of decisions")).to_be_visible()
    export = Export.objects.get(pk=queued[0])
    # The worker has written 4 of 10 rows (as it would note them): the bar follows.
    Export.objects.filter(pk=export.pk).update(state=Export.State.RUNNING, total=10, done=4)
    expect(page.locator("[data-export-bar]")).to_have_attribute("aria-valuenow", "40")
    expect(page.locator("[data-export-count]")).to_have_text("4 of 10 decisions written")
    expect(page.get_by_role("link", name="Download")).to_be_hidden()
    screenshot(page, "ops-04-export-progress")
    # The worker finishes: the page shows the download without being reloaded.
    exports.export_run(export.pk)
    expect(page.locator("[data-export-bar]")).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("[data-export-state]")).to_have_text("Ready")
    page.wait_for_timeout(700)  # the bar's own transition (Bootstrap: 0.6 s), for the picture
    screenshot(page, "ops-05-export-ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "decisions-2025-01-01-2026-12-31.csv"
    content = Path(download.path()).read_text(encoding="utf-8-sig")
    assert decided.reference in content and "ТОО «Алтын Софт»" in content


def test_e_mail_preferences_and_the_health_page(page, live_server):
    rev = reviewer("aigerim@park.kz")
    sign_in(page, live_server, rev)
    page.goto(f"{live_server.url}/review/home/")
    assert_accessible(page)
    page.get_by_role("link", name="E-mail preferences").click()
    page.get_by_label("Only the daily digest, which then also lists the updates since the last one").check()
    screenshot(page, "ops-06-preferences")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Saved: you will receive only the daily digest.")
    # Beat ran a minute ago (in CI the broker is configured, so /healthz asks).
    PeriodicRun.objects.create(
        task="applications.send_pending_notifications", last_run_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    page.goto(f"{live_server.url}/healthz")
    expect(page.get_by_role("heading", name="System status: healthy")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(4)
    screenshot(page, "ops-07-healthz")
