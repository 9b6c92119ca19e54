"""The queue: what it lists, its filters in the URL, search, sort, pagination, and a constant query count."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.applicant.services import application_withdraw
from applications.models import Membership, Status
from applications.review import services as review
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    complete_draft,
    provision,
    reviewer,
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


def _next(client, response):
    """Follows the page's "Next" link, as a reviewer clicks it."""
    href = response.context["page"].next_href
    assert href and f'href="{href.replace("&", "&amp;")}"' in response.content.decode()
    return client.get(URL + href)


@pytest.mark.django_db
def test_pagination_keeps_the_filters(client, rev):
    org = OrganisationFactory()
    user = UserFactory()
    for day in range(1, 28):
        submitted_application(organisation=org, user=user, on=datetime.date(2025, 2, day))
    client.force_login(rev)
    first = client.get(URL, {"q": org.bin})
    assert len(first.context["rows"]) == 25 and "27 applications" in first.content.decode()
    assert first.context["page"].next_href.startswith(f"?q={org.bin}&after=")
    second = _next(client, first)
    assert len(second.context["rows"]) == 2 and "27 applications" in second.content.decode()
    assert not second.context["page"].next_href and second.context["page"].previous_href.startswith(f"?q={org.bin}&")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["all", "open"])
@pytest.mark.parametrize("sort", ["due", "-due", "submitted", "-submitted", "reference", "organisation", "status"])
def test_next_and_previous_walk_every_application_once_in_order_in_every_sort(client, rev, sort, status):
    """Keyset pages (applications/keyset.py): following "Next" to the end lists every application once, in the
    order of one long list; "Previous" from the last page walks back the same pages; "Last page" is the end.
    With all statuses, two drafts withdrawn before they were submitted (no reference date, no clock) are among
    them, wherever the database sorts an empty date."""
    user = UserFactory()
    names = ["Beta", "Alpha", "Beta", "Gamma", "Alpha"]  # equal names and dates: the reference breaks the tie
    for i in range(13 if status == "open" else 11):
        submitted_application(
            organisation=OrganisationFactory(name=f"{names[i % 5]} LLP"),
            user=user,
            on=datetime.date(2025, 2, 3 + i % 4),
        )
    for name in ("Alpha", "Omega"):
        member = UserFactory()
        organisation = OrganisationFactory(name=f"{name} LLP")
        Membership.objects.create(organisation=organisation, user=member)
        draft = complete_draft(organisation=organisation, user=member)
        application_withdraw(application=draft, user=member)
    client.force_login(rev)
    everything = refs(client.get(URL, {"status": status, "sort": sort, "per_page": 100}))
    assert len(everything) == 13
    # per_page only offers 25, 50 and 100: a smaller page through the selector, as the view calls it.
    from django.http import QueryDict

    from applications.review.selectors import QueueFilters, queue_page, review_queue

    filters = QueueFilters(status=status, sort=sort)
    queryset = review_queue(user=rev, filters=filters, today=datetime.date(2025, 3, 1))
    pages, page = [], queue_page(queryset, filters=filters, per_page=4, params=QueryDict())
    while True:
        pages.append([a.reference for a in page.applications])
        if not page.next_href:
            break
        page = queue_page(queryset, filters=filters, per_page=4, params=QueryDict(page.next_href[1:]))
    assert [ref for chunk in pages for ref in chunk] == everything and len(pages) == 4
    last = queue_page(queryset, filters=filters, per_page=4, params=QueryDict("last=1"))  # a full page: the last four
    assert [a.reference for a in last.applications] == everything[-4:] and not last.next_href
    back = []
    while page.previous_href:
        page = queue_page(queryset, filters=filters, per_page=4, params=QueryDict(page.previous_href[1:]))
        back.insert(0, [a.reference for a in page.applications])
    assert back == pages[:-1]
    assert not page.previous_href and page.next_href


@pytest.mark.django_db
def test_the_last_page_link_and_a_deep_page_cost_what_the_first_costs(client, rev, django_assert_num_queries):
    org, user = OrganisationFactory(), UserFactory()
    for day in range(1, 28):
        submitted_application(organisation=org, user=user, on=datetime.date(2025, 2, day))
    client.force_login(rev)
    first = client.get(URL, {"per_page": 25})
    page = first.content.decode()
    assert "First page" not in page and "Previous" not in page and "Last page" in page
    last = client.get(URL + first.context["page"].last_href)
    assert len(last.context["rows"]) == 25 and refs(last)[-1] == refs(client.get(URL, {"per_page": 50}))[-1]
    page = last.content.decode()
    assert "First page" in page and "Previous" in page and "Last page" not in page and "Next" not in page
    with django_assert_num_queries(len(CaptureQueries(client, URL))):
        client.get(URL + first.context["page"].last_href)
    with django_assert_num_queries(len(CaptureQueries(client, URL))):
        client.get(URL + first.context["page"].next_href)


@pytest.mark.django_db
def test_the_database_refuses_a_submitted_application_without_its_clock():
    """The queue's pages rely on it (selectors.QUEUE_NOT_NULL): only a draft, or a withdrawn draft, has none."""
    from django.db import IntegrityError, transaction

    from applications.models import Application

    application = submitted_application(on=datetime.date(2025, 2, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(clock_from=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(reference_date=None)


def CaptureQueries(client, address):  # noqa: N802 - reads as the context manager it wraps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(address)
    return queries.captured_queries


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "x" * 5000,
        "W10",  # []
        "WyIyMDI1LTAyLTMwIiwiQUgiXQ",  # ["2025-02-30","AH"]: no such day
        "WzEsMl0",  # [1,2]: not a date and a reference
        "W251bGwsbnVsbF0",  # [null,null]: a reference is never empty
        "eyJhIjoxfQ",  # {"a":1}
        "WyIyMDI1LTAyLTAzIiwiQUgiLCIzIl0",  # three values for a sort of two
        "%00%ff",
        "W1s" * 300,  # deeply nested
    ],
)
def test_a_cursor_that_is_no_cursor_shows_the_first_page(client, rev, queue, cursor):
    client.force_login(rev)
    expected = refs(client.get(URL))
    for name in ("after", "before"):
        response = client.get(URL, {name: cursor})
        assert response.status_code == 200 and refs(response) == expected, name
    assert refs(client.get(URL, {"last": cursor})) == expected


@pytest.mark.django_db
def test_a_link_to_a_page_whose_rows_have_gone_shows_the_first_page(client, rev, queue):
    """The row a "Next" link was made after can leave the view (decided, withdrawn): the page after it is still
    the rows after its place; past the end of the list, the first page."""
    client.force_login(rev)
    everything = refs(client.get(URL))
    from applications.keyset import encode_cursor, keys_of
    from applications.review.selectors import QueueFilters, review_queue

    queryset = review_queue(user=rev, filters=QueueFilters(), today=datetime.date(2025, 6, 1))
    after_second = encode_cursor(keys_of(queryset), queue["d"])
    assert refs(client.get(URL, {"after": after_second})) == everything[2:]
    after_last = encode_cursor(keys_of(queryset), queue["b"])
    assert refs(client.get(URL, {"after": after_last})) == everything


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
def test_a_long_list_is_counted_up_to_the_limit_and_paged_past_it(client, rev, monkeypatch):
    """The queue counts at most QUEUE_COUNT_LIMIT applications of a view (counting 100,000 reads them all), and
    its pages go on past them."""
    from applications.review import selectors

    monkeypatch.setattr(selectors, "QUEUE_COUNT_LIMIT", 26)
    org, user = OrganisationFactory(), UserFactory()
    for day in range(1, 28):
        submitted_application(organisation=org, user=user, on=datetime.date(2025, 2, day))
    client.force_login(rev)
    first = client.get(URL)
    assert "more than 26 applications" in first.content.decode()
    second = _next(client, first)
    assert len(second.context["rows"]) == 2 and "more than 26 applications" in second.content.decode()
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


@pytest.mark.django_db
def test_what_a_row_shows_is_text_never_markup(client, rev):
    """The rows are built in Python (templatetags/queue_table.py): a hostile name or e-mail is shown as written."""
    hostile = '<script>alert("x")</script> & "Co" LLP'
    application = submitted_application(organisation=OrganisationFactory(name=hostile), on=datetime.date(2025, 3, 3))
    reviewer_with_markup = reviewer('"><img src=x onerror=alert(1)>@park.kz')
    review.application_take(application=application, user=reviewer_with_markup, no_conflict=True)
    client.force_login(rev)
    page = client.get(URL).content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Co&quot; LLP" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;@park.kz" in page
