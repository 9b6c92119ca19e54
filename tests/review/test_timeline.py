"""The audit timeline: every change, newest first, who/when/from→to/why; constant queries; the applicant's view."""

import pytest
from django.urls import reverse

from applications.applicant.selectors import applicant_updates
from applications.review import services as review
from applications.review.timeline import application_timeline

from .conftest import approve


@pytest.mark.django_db
def test_timeline_shows_who_when_what_and_why_newest_first(client, goods_in_review, rev):
    review.internal_note_add(application=goods_in_review, user=rev, body="Called the director.")
    approve(goods_in_review, rev)
    entries = application_timeline(goods_in_review)
    assert entries == sorted(entries, key=lambda e: e.when, reverse=True)
    assert entries[0].subject == "Application" and entries[0].reason == "Approved"
    status_change = next(c for c in entries[0].changes if c.field == "status")
    assert (status_change.before, status_change.after) == ("In review", "Approved")
    assert entries[0].who == rev
    kinds = {e.kind for e in entries}
    assert {"application", "claim", "certificate", "decision", "note", "message"} <= kinds
    tick = next(e for e in entries if e.kind == "claim" and e.reason == "Activity confirmed")
    assert any(c.field == "verdict" and c.before == "Not yet ticked" and c.after == "Confirmed" for c in tick.changes)
    assert any(c.field == "verdict_by" or c.after == rev.email for c in tick.changes)
    taken = next(e for e in entries if e.reason.startswith("Review started"))
    assert any(c.after == rev.email for c in taken.changes)  # assigned reviewer, shown by e-mail
    created = entries[-1]
    assert any(c.after == str(goods_in_review.organisation) for c in created.changes)  # by name, not "#id"

    client.force_login(rev)
    page = client.get(reverse("review:timeline", args=[goods_in_review.reference])).content.decode()
    assert "Decision recorded: approved" in page and "Called the director." in page


def bump(application, user, n):
    """n more history rows: internal notes on the application."""
    for i in range(n):
        review.internal_note_add(application=application, user=user, body=f"note {i}")


# session, user, groups; the application; seven history tables (with the declarations of no conflict);
# users; provisions; wordings; acts named by the rows = 15, whatever the number of history rows.
TIMELINE_QUERIES = 15


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 195])
def test_constant_queries(client, django_assert_num_queries, in_review, rev, extra):
    from applications.models import Application, InternalNote

    bump(in_review, rev, extra)
    rows = sum(
        m.history.filter(**f).count()
        for m, f in [
            (Application, {"id": in_review.pk}),
            (InternalNote, {"application_id": in_review.pk}),
        ]
    )
    client.force_login(rev)
    with django_assert_num_queries(TIMELINE_QUERIES):
        response = client.get(reverse("review:timeline", args=[in_review.reference]))
    count = response.context["total"]
    assert count >= 5 if extra == 0 else count >= 200
    assert rows >= extra
    # Newest first, 50 to a page, with a pager to the older ones.
    page = response.context["entries"]
    assert len(page.items) == min(count, 50) and page.has_next == (count > 50)
    if count > 50:
        assert "Older changes" in response.content.decode()
        older = client.get(reverse("review:timeline", args=[in_review.reference]), {"page": 2})
        assert older.context["entries"].items[0].when <= page.items[-1].when
        assert "Newer changes" in older.content.decode()


@pytest.mark.django_db
def test_applicant_sees_status_changes_and_messages_only(in_review, rev):
    review.internal_note_add(application=in_review, user=rev, body="secret")
    review.application_request_changes(application=in_review, user=rev, message="Please add contracts.")
    updates = applicant_updates(in_review)
    assert [u.status for u in updates if u.status] == ["Changes requested", "In review", "Submitted", "Draft"]
    assert [u.message.body for u in updates if u.message] == ["Please add contracts."]
