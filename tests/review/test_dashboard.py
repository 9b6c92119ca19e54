"""The reviewers' homes: a reviewer's counts of their own work, a lead reviewer's for each reviewer of the team and
what is unassigned or waiting. Each count is a link to the queue that lists exactly those applications, and
the page runs a fixed number of queries however many applications and reviewers there are."""

import datetime
import re
import zoneinfo
from html import unescape

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from applications.applicant.services import application_withdraw
from applications.models import Outcome
from applications.review import services as review
from tests.factories import OrganisationFactory, UserFactory, reviewer, submitted_application

from .conftest import approve

pytestmark = pytest.mark.django_db

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
TODAY = datetime.date(2025, 4, 16)  # a Wednesday; the week ends on Sunday 20.04.2025
URL = reverse("review:dashboard")


def on(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(hour), ASTANA), tick=False)


def submitted(day: datetime.date, name: str = ""):
    organisation = OrganisationFactory(**({"name": name} if name else {}))
    with on(day):
        return submitted_application(organisation=organisation, user=UserFactory(), on=day)


def take(application, user, day):
    with on(day):
        return review.application_take(application=application, user=user, no_conflict=True)


@pytest.fixture
def team(rev, other_rev, lead):
    """On 16.04.2025. rev: one due 17.04 (this week), one overdue (due 10.04), one due 22.04, one decided this month,
    one decided last month, one withdrawn, one with the applicant (changes requested). other_rev: one overdue.
    Unassigned: one submitted on 14.04 (2 working days by 16.04), one on 15.04 (1 working day)."""
    this_week = take(submitted(datetime.date(2025, 3, 27)), rev, datetime.date(2025, 3, 28))  # due 17.04
    overdue = take(submitted(datetime.date(2025, 3, 17)), rev, datetime.date(2025, 3, 18))  # due 10.04
    later = take(submitted(datetime.date(2025, 4, 1)), rev, datetime.date(2025, 4, 2))  # due 22.04
    decided = take(submitted(datetime.date(2025, 3, 3)), rev, datetime.date(2025, 3, 4))
    with on(datetime.date(2025, 4, 7)):
        approve(decided, rev)
    decided_before = take(submitted(datetime.date(2025, 1, 6)), rev, datetime.date(2025, 1, 7))
    with on(datetime.date(2025, 3, 10)):
        review.decision_record(application=decided_before, user=rev, outcome=Outcome.REJECTED, reasons="No.")
    withdrawn = take(submitted(datetime.date(2025, 3, 5)), rev, datetime.date(2025, 3, 6))
    with on(datetime.date(2025, 3, 7)):
        application_withdraw(application=withdrawn, user=withdrawn.created_by)
    returned = take(submitted(datetime.date(2025, 3, 10)), rev, datetime.date(2025, 3, 11))
    with on(datetime.date(2025, 3, 12)):
        review.application_request_changes(application=returned, user=rev, message="More, please.")
    theirs = take(submitted(datetime.date(2025, 3, 17)), other_rev, datetime.date(2025, 3, 18))
    waiting = submitted(datetime.date(2025, 4, 14))
    fresh = submitted(datetime.date(2025, 4, 15))
    return locals()


def counts(html: str) -> list[tuple[str, str, int]]:
    """(what, queue query string, count) of every count link on the page."""
    return [
        (what, unescape(query), int(number))
        for query, what, number in re.findall(
            r'href="/review/\?([^"]*)"[^>]*data-count="([a-z_]+)"[^>]*>\s*(?:<div class="card-body"><div[^>]*>)?(\d+)',
            html,
        )
    ]


def test_a_reviewers_home_counts_their_own_work(client, team, rev):
    client.force_login(rev)
    with on(TODAY):
        response = client.get(URL)
    mine = response.context["work"].mine
    assert (mine.open, mine.due_this_week, mine.overdue, mine.decided_this_month) == (3, 1, 1, 1)
    html = response.content.decode()
    assert "Due this week (by 20.04.2025)" in html and "Decided this month (since 01.04.2025)" in html
    assert "The team" not in html  # a reviewer sees only their own work
    # The most urgent first: the overdue one, then this week's.
    assert [row.application for row in response.context["work"].urgent][:2] == [team["overdue"], team["this_week"]]


def test_every_count_is_a_link_to_the_queue_listing_exactly_those(client, team, rev, lead):
    for user in (rev, lead):
        client.force_login(user)
        with on(TODAY):
            links = counts(client.get(URL).content.decode())
            assert len(links) == (4 if user == rev else 4 + 3 + 4 * 3), user  # mine; team cards; 3 reviewers' rows
            for what, query, number in links:
                listed = client.get(f"{reverse('review:queue')}?{query}")
                assert listed.context["form"].is_valid(), (what, query, listed.context["form"].errors)
                assert listed.context["page"].count == number, (user, what, query)


def test_a_lead_reviewers_home_shows_the_team(client, team, rev, other_rev, lead):
    client.force_login(lead)
    with on(TODAY):
        response = client.get(URL)
    work = response.context["work"]
    by_reviewer = {load.reviewer: load for load in work.team}
    assert set(by_reviewer) == {rev, other_rev, lead}
    assert (by_reviewer[rev].open, by_reviewer[rev].overdue, by_reviewer[rev].decided_this_month) == (3, 1, 1)
    assert (by_reviewer[other_rev].open, by_reviewer[other_rev].overdue) == (1, 1)
    assert (work.unassigned, work.waiting, work.with_applicant) == (2, 1, 1)
    html = response.content.decode()
    assert "Waiting for a reviewer for 2 working days or more" in html
    assert 'data-reviewer="other-rev@example.com"' in html


def test_someone_holding_applications_outside_the_reviewers_group_still_shows(client, lead, admin_user):
    """An admin may take applications: the team table lists whoever holds some."""
    take(submitted(datetime.date(2025, 3, 3)), admin_user, datetime.date(2025, 3, 4))
    client.force_login(lead)
    with on(TODAY):
        response = client.get(URL)
    assert admin_user in [load.reviewer for load in response.context["work"].team]


def _many(n: int, reviewers: list):
    for i in range(n):
        application = submitted(datetime.date(2025, 3, 3) + datetime.timedelta(days=i % 40))
        if i % 2:
            take(application, reviewers[i % len(reviewers)], datetime.date(2025, 4, 14))


# session, user, groups (roles), the revision of applications and decisions, the applications counted per
# reviewer, the decisions counted per reviewer, the most urgent of mine = 7; a lead reviewer's adds the people of
# the team = 8. However many rows. Asked again with nothing written since, the counts come from the cache: 5 and 6.
REVIEWER_QUERIES = 5
LEAD_QUERIES = 6


@pytest.mark.parametrize("n", [3, 40])
def test_constant_queries(client, django_assert_num_queries, rev, lead, n):
    team = [rev, lead, *[reviewer(f"r{i}@example.com") for i in range(n // 10)]]
    _many(n, team)
    for user, expected in ((rev, REVIEWER_QUERIES), (lead, LEAD_QUERIES)):
        client.force_login(user)
        with on(TODAY):
            client.get(URL)
            with django_assert_num_queries(expected):
                response = client.get(URL)
        assert response.status_code == 200
        if user == lead:
            assert len(response.context["work"].team) == len(team)


def test_counts_follow_every_change_at_once(client, rev, lead):
    """The counts are kept between visits, but a change shows on the next visit: a new application waits."""
    client.force_login(lead)
    with on(TODAY):
        before = client.get(URL).context["work"]
        assert client.get(URL).context["work"].unassigned == before.unassigned
        submitted(datetime.date(2025, 4, 10))
        after = client.get(URL).context["work"]
    assert after.unassigned == before.unassigned + 1


def test_the_first_visit_counts_in_the_database(client, django_assert_num_queries, rev, lead):
    _many(6, [rev, lead])
    client.force_login(lead)
    with on(TODAY):
        client.get(URL)
        cache.clear()
        with django_assert_num_queries(LEAD_QUERIES + 2):
            response = client.get(URL)
    assert response.status_code == 200
