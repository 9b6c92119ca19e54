"""The audit timeline: every change, newest first, who/when/from→to/why; constant queries; the applicant's view."""

import pytest
from django.urls import reverse

from applications.applicant.selectors import applicant_updates
from applications.models import Application
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
# users; the catalog's revision (the provisions, wordings and acts named by the rows from the catalog cache) = 13,
# whatever the number of history rows. The first view after a change to the catalog reads those three (in bulk).
TIMELINE_QUERIES = 13


@pytest.mark.django_db
@pytest.mark.parametrize("extra", [0, 195])
def test_constant_queries(client, django_assert_num_queries, in_review, rev, extra):
    from applications.models import InternalNote

    bump(in_review, rev, extra)
    rows = sum(
        m.history.filter(**f).count()
        for m, f in [
            (Application, {"id": in_review.pk}),
            (InternalNote, {"application_id": in_review.pk}),
        ]
    )
    client.force_login(rev)
    with django_assert_num_queries(TIMELINE_QUERIES + 3):  # the catalog's rows not cached yet
        client.get(reverse("review:timeline", args=[in_review.reference]))
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


@pytest.mark.django_db
def test_timeline_names_files_by_their_name_and_says_what_a_deletion_removed(member, organisation):
    import datetime

    from applications.applicant import services as applicant
    from tests.factories import complete_draft

    draft = complete_draft(organisation=organisation, user=member, sells_goods=True, today=datetime.date(2025, 6, 2))
    certificate = draft.certificates.get()
    assert certificate.scan.name.startswith("scans/")  # stored under a path of our own…
    applicant.certificate_remove(certificate=certificate, user=member)
    entries = application_timeline(draft)
    added = next(e for e in entries if e.kind == "certificate" and e.action == "+")
    assert ("scan (PDF)", "—", "certificate.pdf") in [(c.field, c.before, c.after) for c in added.changes]
    removed = next(e for e in entries if e.kind == "certificate" and e.action == "-")
    what = {c.field: (c.before, c.after) for c in removed.changes}
    assert what["kind"][1] == "—" and "ST-KZ" in what["kind"][0]
    assert what["number"] == (certificate.number, "—")
    assert what["scan (PDF)"] == ("certificate.pdf", "—")
    # The page (staff see no drafts, so rendered directly): no storage path anywhere.
    from django.template.loader import render_to_string

    from applications.review.selectors import newest_first_page

    page = render_to_string(
        "applications/review/timeline.html",
        {"application": draft, "entries": newest_first_page(entries, 1), "total": len(entries)},
    )
    assert "scans/" not in page  # …which the timeline never shows
    assert certificate.number in page and "no field changed" not in page


@pytest.mark.django_db
def test_a_step_is_recorded_as_answered_only_when_its_form_was_valid(client, member, organisation):
    import datetime

    import time_machine

    from applications.applicant.services import application_create

    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        draft = application_create(organisation=organisation, user=member, today=datetime.date(2025, 6, 2))
        client.force_login(member)
        url = reverse("applications:eligibility", args=[draft.reference])
        client.post(url, {"is_legal_entity": "yes"})  # five questions unanswered: the form shows problems
        reasons = [e.reason for e in application_timeline(draft) if e.kind == "application"]
        assert "Eligibility answers kept as a draft (the form showed problems)" in reasons
        assert "Eligibility answered" not in reasons
        answers = dict.fromkeys(Application.ELIGIBILITY_FIELDS, "yes")
        client.post(url, answers)
        assert "Eligibility answered" in [e.reason for e in application_timeline(draft)]
        # The activities: a tick without its explanation is kept, not recorded as chosen.
        from tests.factories import provision

        p1 = provision(1)
        client.post(reverse("applications:activities", args=[draft.reference]), {f"tick_{p1.pk}": "on"})
        reasons = [e.reason for e in application_timeline(draft)]
        assert "Activities kept as a draft (the form showed problems)" in reasons
        assert "Activity kept as a draft" in reasons
        assert "Activities chosen" not in reasons and "Activity claimed" not in reasons


@pytest.mark.django_db
def test_a_page_of_the_timeline_is_that_slice_of_the_whole_worked_out_alike(in_review, rev):
    """The page works out only its own entries (changes compared, said in words): the same as the whole
    timeline's, each page the next 50, an address past the end the first page."""
    from applications.review.timeline import timeline_page

    bump(in_review, rev, 60)
    in_review.no_conflict_declared = not in_review.no_conflict_declared
    in_review.save(update_fields=["no_conflict_declared", "updated_at"])
    whole = application_timeline(in_review)
    first, total = timeline_page(in_review, 1)
    second, _ = timeline_page(in_review, 2)
    assert total == len(whole) > 60
    assert first.items == whole[:50] and first.has_next and not first.has_previous
    assert second.items == whole[50:100] and second.has_previous
    assert timeline_page(in_review, 99)[0].items == whole[:50]
    assert [(c.field, c.before, c.after) for c in first.items[0].changes] == [
        ("reviewer declared no conflict of interest", "yes", "no")
    ]
