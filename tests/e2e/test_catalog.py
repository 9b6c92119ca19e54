"""The catalog in a real browser: a date, the date field, the banner, a provision's timeline."""

import re

from playwright.sync_api import expect

from catalog.models import Provision

from .helpers import assert_accessible, screenshot


def test_the_catalog_on_a_date_and_a_provision_timeline(page, live_server):
    page.goto(f"{live_server.url}/catalog/?on=30.09.2023")
    expect(page).to_have_title("Catalog on 30.09.2023 · Astana Hub")
    expect(page.get_by_role("status").filter(has_text="You are looking at the catalog")).to_contain_text(
        "You are looking at the catalog as it stood on 30.09.2023, not today"
    )
    first = page.locator("#p1")
    expect(first).to_contain_text("Wording not recorded")
    expect(first).to_contain_text("until not earlier than 01.10.2023 (unconfirmed)")
    expect(page.locator("#p19")).to_contain_text("Services for providing complex computing infrastructure")
    screenshot(page, "catalog-30.09.2023")

    # A person types another date into the date field and asks for it.
    field = page.get_by_label("Date", exact=True)
    expect(field).to_have_value("30.09.2023")
    field.fill("31.12.2025")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/catalog/\?on=31\.12\.2025$"))
    expect(page.get_by_role("status").filter(has_text="You are looking at the catalog")).to_contain_text(
        "as it stood on 31.12.2025"
    )
    expect(page.locator("#p1")).to_contain_text("Creation, introduction, maintenance, development, modification")
    expect(page.locator("#p1")).not_to_contain_text("Wording not recorded")
    screenshot(page, "catalog-31.12.2025")

    field = page.get_by_label("Date", exact=True)
    field.fill("01.01.2026")
    field.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        "No list is in force on 01.01.2026: order 37/RD was abrogated by order 521/NK with effect from 01.01.2026"
    )
    screenshot(page, "catalog-01.01.2026-none-in-force")

    page.get_by_label("Date", exact=True).fill("31.02.2024")
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#id_on_error")).to_have_text(
        "“31.02.2024” is not a date. Use DD.MM.YYYY (e.g. 31.12.2025) or YYYY-MM-DD."
    )
    screenshot(page, "catalog-bad-date")

    # Or picks the day from the calendar beside the field: it is written in as DD.MM.YYYY and shown.
    page.get_by_label("Pick the date from a calendar").fill("2022-05-01")
    expect(page).to_have_url(re.compile(r"/catalog/\?on=01\.05\.2022$"))
    expect(page.get_by_label("Date", exact=True)).to_have_value("01.05.2022")
    expect(page.locator("#p19")).to_contain_text("Footnote. Paragraph 19 - as amended")
    assert_accessible(page)

    # One paragraph's timeline.
    page.goto(f"{live_server.url}/catalog/?on=31.12.2025")
    page.locator("#p1").get_by_role("link", name="History of this paragraph").click()
    provision = Provision.objects.get(act__code="37/RD", appendix=1, paragraph=1)
    expect(page).to_have_url(f"{live_server.url}/catalog/provisions/{provision.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Order 37/RD, Appendix 1, paragraph 1")
    expect(page.locator(".timeline-entry")).to_have_count(2)
    expect(page.locator(".timeline-entry").nth(1)).to_contain_text("Wording not recorded")
    screenshot(page, "provision-37-RD-appendix-1-paragraph-1")


def test_the_comparison_and_the_acts(page, live_server):
    page.goto(f"{live_server.url}/catalog/compare/?from=30.09.2023&to=01.10.2023")
    expect(page.get_by_text("0 added · 5 changed · 0 removed · 17 unchanged")).to_be_visible()
    screenshot(page, "compare-30.09.2023-01.10.2023")
    page.goto(f"{live_server.url}/catalog/acts/")
    expect(page.get_by_role("row", name="37/RD On approval")).to_contain_text("№ 18523, 16.04.2019")
    screenshot(page, "acts")
