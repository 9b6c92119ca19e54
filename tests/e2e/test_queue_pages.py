"""The queue's pages in a real browser: First, Previous, Next and Last page links (keyset pages) walk a long
queue, each page listing the applications after (or before) the one the link names, the filters kept."""

import datetime

from playwright.sync_api import expect

from tests.factories import OrganisationFactory, UserFactory, reviewer, submitted_application

from .helpers import assert_accessible, screenshot
from .test_reviewer_journey import sign_in


def test_a_reviewer_pages_through_a_long_queue(page, live_server):
    rev = reviewer("aigerim@park.kz")
    user = UserFactory()
    for i in range(30):
        submitted_application(
            organisation=OrganisationFactory(name=f"Company {i:02d} LLP"),
            user=user,
            on=datetime.date(2025, 9, 1) + datetime.timedelta(days=i),
        )
    sign_in(page, live_server, rev)
    page.goto(f"{live_server.url}/review/?sort=organisation")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("Company 00 LLP")
    expect(page.get_by_role("link", name="Previous")).to_have_count(0)

    page.get_by_role("link", name="Next").click()
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("Company 25 LLP")
    expect(rows.last).to_contain_text("Company 29 LLP")
    assert "sort=organisation" in page.url
    screenshot(page, "queue-01-second-page")

    page.get_by_role("link", name="Previous").click()
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("Company 00 LLP")
    assert_accessible(page)

    page.get_by_role("link", name="Last page").click()
    expect(rows).to_have_count(25)  # the last 25
    expect(rows.first).to_contain_text("Company 05 LLP")
    expect(rows.last).to_contain_text("Company 29 LLP")
    expect(page.get_by_role("link", name="Next")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="First page").click()
    expect(rows.first).to_contain_text("Company 00 LLP")
    screenshot(page, "queue-02-first-page")
