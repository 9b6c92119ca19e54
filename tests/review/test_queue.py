"""The queue: what it lists, its filters in the URL, search, sort, pagination, and a constant query count."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.applicant.services import application_withdraw
from applications.models import Status
from applications.review import services as review
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    complete_draft,
    provision,
    submitted_application,
)

URL = reverse("review:queue")


def refs(response):
    return [row.application.reference for row in response.context["rows"]]


@pytest.fixture
def queue(db, rev, other_rev):
    """Five applications in different states and hands."""
    a = submitted_application(on=datetime.date(2025, 3, 3), organisation=OrganisationFactory(name="Alpha Soft LLP"))
    b = submitted_application(
        on=datetime.date(2025, 4, 10), organisation=OrganisationFactory(name="Beta Data LLP"), paragraphs=(3,)
    )
    c = submitted_application(on=datetime.date(2024, 6, 3), organisation=OrganisationFactory(name="Gamma AI LLP"))
    review.application_take(application=c, user=rev, no_conflict=True)
    d = submitted_application(on=datetime.date(2024, 7, 1), organisation=OrganisationFactory(name="Delta LLP"))
    review.application_take(application=d, user=other_rev, no_conflict=True)
    e = submitted_application(on=datetime.date(2024, 8, 1), organisation=OrganisationFactory(name="Epsilon LLP"))
    application_withdraw(application=e, user=e.created_by)
    user = UserFactory()
    draft = complete_draft(organisation=OrganisationFactory(name="Draft Only LLP"), user=user)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "draft": draft}


@pytest.mark.django_db
def test_lists_every_application_but_drafts(client, rev, queue):
    client.force_login(rev)
    response = client.get(URL, {"status": "all"})
    listed = refs(response)
    assert queue["draft"].reference not in listed
    assert sorted(listed) == sorted(queue[k].reference for k in "abcde")
    # By default: what awaits the park (submitted or in review), soonest due first.
    assert refs(client.get(URL)) == [queue[k].reference for k in ("c", "d", "a", "b")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_review"}, "cd"),
        ({"status": "withdrawn"}, "e"),
        ({"assigned": "me"}, "c"),
        ({"assigned": "unassigned"}, "ab"),
        ({"status": "all", "submitted_from": "01.07.2024", "submitted_to": "03.03.2025"}, "dea"),
        ({"status": "all", "q": "beta"}, "b"),
        ({"status": "all", "q": "GAMMA ai"}, "c"),
    ],
)
def test_filters(client, rev, queue, params, expected):
    client.force_login(rev)
    assert sorted(refs(client.get(URL, params))) == sorted(queue[k].reference for k in expected)


@pytest.mark.django_db
def test_filter_by_activity_claimed_and_search_by_reference_and_bin(client, rev, queue):
    client.force_login(rev)
    p3 = provision(3)
    assert refs(client.get(URL, {"activity": p3.pk})) == [queue["b"].reference]
    assert refs(client.get(URL, {"q": queue["a"].reference})) == [queue["a"].reference]
    assert refs(client.get(URL, {"q": queue["d"].organisation.bin})) == [queue["d"].reference]


@pytest.mark.django_db
def test_overdue_uses_fifteen_working_days(client, rev, queue):
    client.force_login(rev)
    # a: 03.03.2025, due 28.03.2025. b: 10.04.2025. c, d: 2024, long overdue.
    with time_machine.travel(datetime.datetime(2025, 3, 31, 10, 0), tick=False):
        response = client.get(URL, {"overdue": "on"})
        assert sorted(refs(response)) == sorted(queue[k].reference for k in "acd")
        row = next(r for r in response.context["rows"] if r.application == queue["a"])
        assert row.clock.days_left == -1 and row.clock.due_on == datetime.date(2025, 3, 28)
        assert b"overdue 1 day" in response.content
    with time_machine.travel(datetime.datetime(2025, 3, 28, 10, 0), tick=False):
        assert queue["a"].reference not in refs(client.get(URL, {"overdue": "on"}))


@pytest.mark.django_db
def test_sort_and_reverse(client, rev, queue):
    client.force_login(rev)
    assert refs(client.get(URL, {"status": "all", "sort": "-submitted"}))[0] == queue["b"].reference
    by_name = refs(client.get(URL, {"status": "all", "sort": "organisation"}))
    assert by_name == [queue[k].reference for k in "abdec"]  # Alpha, Beta, Delta, Epsilon, Gamma
    # The column header links keep the other filters and reverse an already sorted column.
    response = client.get(URL, {"status": "all", "sort": "submitted", "q": "LLP"})
    assert "sort=-submitted" in response.context["sort_links"]["submitted"]
    assert "q=LLP" in response.context["sort_links"]["submitted"]


@pytest.mark.django_db
def test_a_date_that_does_not_exist_keeps_the_filters_and_lists_nothing(client, rev, queue):
    client.force_login(rev)
    response = client.get(
        URL, {"submitted_from": "31.02.2025", "q": "Alpha", "status": "all", "assigned": "me", "overdue": "on"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    # Said beside the date, and in the summary at the top, which links to it.
    at = html.find('name="submitted_from"')
    assert "The day 31.02.2025 does not exist: that month has 28 days." in html[at : at + 600]
    assert 'href="#id_submitted_from"' in html
    # Nothing listed, and said why; every filter typed is still there.
    assert refs(response) == []
    assert "Nothing is listed until the filters marked above are corrected." in html
    assert 'value="31.02.2025"' in html and 'value="Alpha"' in html
    assert '<option value="all" selected>' in html and '<option value="me" selected>' in html
    assert 'name="overdue" id="id_overdue" checked' in html
    # Corrected, the same filters list again.
    assert refs(client.get(URL, {"submitted_from": "28.02.2025", "q": "Alpha", "status": "all"})) == [
        queue["a"].reference
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31.02.2025", "The day 31.02.2025 does not exist: that month has 28 days."),
        ("29.02.2025", "The day 29.02.2025 does not exist: that month has 28 days."),
        ("31.04.2025", "The day 31.04.2025 does not exist: that month has 30 days."),
        ("00.01.2025", "The day 00.01.2025 does not exist: that month has 31 days."),
        ("01.13.2025", "There is no month 13: a month is 01 to 12."),
        ("2025-13-01", "There is no month 13: a month is 01 to 12."),
        ("tomorrow", "Enter a date as DD.MM.YYYY, e.g. 31.12.2025."),
        ("1" * 5000, "Enter a date as DD.MM.YYYY, e.g. 31.12.2025."),
    ],
)
def test_an_impossible_day_or_month_is_named_as_such(client, rev, typed, message):
    client.force_login(rev)
    response = client.get(URL, {"due_from": typed})
    assert response.status_code == 200
    assert response.context["form"].errors["due_from"] == [message]
    assert refs(response) == []


@pytest.mark.django_db
def test_29_february_of_a_leap_year_is_a_day(client, rev):
    client.force_login(rev)
    response = client.get(URL, {"submitted_from": "29.02.2024"})
    assert not response.context["form"].errors


@pytest.mark.django_db
def test_pagination_keeps_the_filters(client, rev):
    org = OrganisationFactory()
    user = UserFactory()
    for day in range(1, 28):
        submitted_application(organisation=org, user=user, on=datetime.date(2025, 2, day))
    client.force_login(rev)
    first = client.get(URL, {"q": org.bin})
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.num_pages == 2
    assert f"?q={org.bin}&page=2" in first.content.decode()
    second = client.get(URL, {"q": org.bin, "page": 2})
    assert len(second.context["rows"]) == 2


def _make(n):
    user = UserFactory()
    for i in range(n):
        application = submitted_application(
            user=user,
            organisation=OrganisationFactory(),
            on=datetime.date(2025, 1, 6) + datetime.timedelta(days=i % 200),
        )
        if i % 3 == 0:
            review.application_take(application=application, user=user_reviewer(), no_conflict=True)


def user_reviewer():
    from tests.factories import reviewer

    return reviewer("queue-reviewer@example.com")


# session, user, the user's groups (role check), the activity filter's provisions, the reviewers (the
# "Assigned" and "Decided by" filters, and "assign selected"), the page's count, and the page's rows with
# organisation and reviewer joined = 7, whatever the number of rows.
QUEUE_QUERIES = 7


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 100])
def test_constant_queries(client, django_assert_num_queries, rev, n):
    _make(n)
    client.force_login(rev)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(URL, {"status": "all", "per_page": 100})
    assert len(response.context["rows"]) == n
    assert Status.IN_REVIEW in {row.application.status for row in response.context["rows"]}


@pytest.mark.django_db
def test_the_queue_and_the_review_screen_tell_the_same_clock(client, rev, in_review, member):
    """One clock (working_days.clock_start and review_clock): after changes were requested and the applicant
    submitted again on 20.03.2025, the 15 working days run from that day (Nowruz 21-25.03 off), on both pages."""
    from applications.applicant.services import application_submit

    review.application_request_changes(application=in_review, user=rev, message="More detail, please.")
    with time_machine.travel(datetime.datetime(2025, 3, 20, 10, 0, tzinfo=datetime.UTC), tick=False):
        application_submit(application=in_review, user=member)
    client.force_login(rev)
    with time_machine.travel(datetime.datetime(2025, 3, 27, 10, 0, tzinfo=datetime.UTC), tick=False):
        row = next(r for r in client.get(URL).context["rows"] if r.application.pk == in_review.pk)
        screen = client.get(reverse("review:application", args=[in_review.reference]))
    assert row.clock == screen.context["clock"]
    assert row.clock.due_on == datetime.date(2025, 4, 15) and row.clock.days_left == 13
    assert "15.04.2025 · 13 wd left" in screen.content.decode()


@pytest.mark.django_db
def test_filter_by_reviewer_due_period_and_decisions(client, rev, other_rev, lead, queue):
    """The filters the dashboards' counts link to: a reviewer by id, a due period, decided in a period by someone."""
    from tests.review.conftest import approve

    client.force_login(lead)
    assert refs(client.get(URL, {"assigned": other_rev.pk})) == [queue["d"].reference]
    with time_machine.travel(datetime.datetime(2025, 3, 26, 10, 0), tick=False):
        # a is due 28.03.2025, b on 05.05.2025 (10.04 + 15 working days, 1, 7 and 9 May being holidays).
        assert refs(client.get(URL, {"due_from": "26.03.2025", "due_to": "30.03.2025"})) == [queue["a"].reference]
        assert refs(client.get(URL, {"due_from": "29.03.2025"})) == [queue["b"].reference]
        assert refs(client.get(URL, {"due_to": "28.03.2025"})) == [queue[k].reference for k in "cda"]
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0), tick=False):
        approve(queue["c"], rev)
    for params, expected in [
        ({"decided_from": "01.06.2025", "decided_to": "30.06.2025"}, ["c"]),
        ({"decided_from": "03.06.2025"}, []),
        ({"decided_to": "01.06.2025"}, []),
        ({"decided_by": rev.pk}, ["c"]),
        ({"decided_by": other_rev.pk}, []),
    ]:
        assert refs(client.get(URL, {"status": "all", **params})) == [queue[k].reference for k in expected], params
    client.force_login(rev)
    assert refs(client.get(URL, {"status": "all", "decided_by": "me"})) == [queue["c"].reference]


@pytest.mark.django_db
def test_a_backwards_period_is_explained_beside_its_end(client, rev, queue):
    client.force_login(rev)
    html = client.get(URL, {"due_from": "30.03.2025", "due_to": "01.03.2025"}).content.decode()
    at = html.find('name="due_to"')
    assert "The end of the period is before its start." in html[at : at + 800]
    assert 'value="30.03.2025"' in html  # what was typed is kept
    assert "show" in html[html.find('id="more-filters"') - 40 : html.find('id="more-filters"')]  # and shown


@pytest.mark.django_db
def test_a_reviewer_id_that_is_no_reviewer_is_not_a_filter(client, rev, member, queue):
    client.force_login(rev)
    response = client.get(URL, {"assigned": member.pk})
    assert not response.context["form"].is_valid()
    assert response.status_code == 200


@pytest.mark.django_db
def test_deep_pages_stop_at_the_bound_and_say_how_to_reach_the_rest(client, rev, monkeypatch):
    """The queue lists the first QUEUE_MAX_ROWS applications of a view (the database never steps over tens of
    thousands of rows); asking for a deeper page shows the last one, with what to do instead."""
    from applications.review import selectors

    monkeypatch.setattr(selectors, "QUEUE_MAX_ROWS", 26)
    org, user = OrganisationFactory(), UserFactory()
    for day in range(1, 28):
        submitted_application(organisation=org, user=user, on=datetime.date(2025, 2, day))
    client.force_login(rev)
    first = client.get(URL)
    page = first.content.decode()
    assert "more than 26 applications" in page and "narrow the filters" not in page
    deep = client.get(URL, {"page": "999"})
    page = deep.content.decode()
    assert deep.status_code == 200 and deep.context["page"].number == 2 and len(deep.context["rows"]) == 1
    assert "The queue lists the first 26 applications of a view" in page and "narrow the filters" in page
    some = client.get(URL, {"q": org.bin, "submitted_to": "10.02.2025"})
    assert "10 applications" in some.content.decode() and "more than" not in some.content.decode()


@pytest.mark.django_db
def test_search_by_words_of_the_name_by_bin_digits_and_by_reference_start(client, rev, queue):
    """The search box uses an index (applications/search.py): words of the name (the start of each word on
    SQLite, any case and script), a BIN's first digits, a reference or its start."""
    client.force_login(rev)
    org = queue["a"].organisation
    org.name = "ТОО «Код Астаны»"
    org.save()  # renamed: the name index follows
    assert refs(client.get(URL, {"status": "all", "q": "астан"})) == [queue["a"].reference]
    assert refs(client.get(URL, {"status": "all", "q": "  КОД  астаны "})) == [queue["a"].reference]
    assert refs(client.get(URL, {"status": "all", "q": "Alpha"})) == []
    assert refs(client.get(URL, {"status": "all", "q": queue["b"].organisation.bin[:7]})) == [queue["b"].reference]
    start = queue["c"].reference.lower()[:-1]  # "ah-2024-0000" finds AH-2024-00001...
    assert queue["c"].reference in refs(client.get(URL, {"status": "all", "q": start}))


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ['"', "*", "Beta OR 1=1", "NEAR(a b)", "'; DROP TABLE x; --", "-", "^Beta"])
def test_search_syntax_typed_in_the_box_is_only_text(client, rev, queue, hostile):
    client.force_login(rev)
    response = client.get(URL, {"status": "all", "q": hostile})
    assert response.status_code == 200
    assert set(refs(response)) <= {queue["b"].reference}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("q", "reason"), [("x" * 101, "Ensure this value has at most 100 characters"), ("\x00", "Null characters")]
)
def test_an_oversized_or_binary_search_is_refused_with_the_reason(client, rev, queue, q, reason):
    client.force_login(rev)
    response = client.get(URL, {"status": "all", "q": q})
    assert response.status_code == 200
    assert reason in response.content.decode()


@pytest.mark.django_db
def test_each_row_says_what_it_is_in_the_readers_language(client, rev, other_rev, queue):
    """The row's texts are worked out once for the page (issue 13), and read as before: the tick box's name,
    the status, the reviewer ("me" for oneself), the due date, in Russian too."""
    client.force_login(rev)
    with time_machine.travel(datetime.datetime(2025, 3, 31, 10, 0), tick=False):
        html = client.get(URL, {"status": "all"}).content.decode()
        a = queue["a"].reference
        assert f'aria-label="Select {a}"' in html
        assert '<span class="badge rounded-pill status-badge status-submitted">Submitted</span>' in html
        assert "<strong>me</strong>" in html and other_rev.email in html
        assert "due 28.03.2025" in html and "overdue 1 day" in html
        assert '<span class="text-muted">unassigned</span>' in html
        russian = client.get(URL, {"status": "all"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert f'aria-label="Select {a}"' not in russian and "due 28.03.2025" not in russian
