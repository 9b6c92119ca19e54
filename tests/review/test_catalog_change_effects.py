"""After a change to the catalog is published: the open applications whose pinned wordings it moved or ended
record it, their reviewers are told through the staff outbox, the queue finds them, the review screen names the
change; and drafts that waited for a list are e-mailed once when one is in force for their date.

The legal texts are made up and say so (test data).
"""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.applicant.services import application_submit, new_draft
from applications.models import (
    ActivityClaim,
    Application,
    CatalogChangeEffect,
    Notification,
    StaffEvent,
    WatchMark,
)
from applications.review import services as review
from applications.watches import stalled_drafts_watch
from catalog.changes import ChangeError, change_publish, change_submit
from catalog.models import Provision
from tests.catalog.workbench import Action, Kind, act, current, make_change, publish, successor_list
from tests.factories import OrganisationFactory, UserFactory, complete_draft, member_of

pytestmark = pytest.mark.django_db

FEBRUARY = datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC)
MARCH = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
REWRITTEN = "Test activity one, rewritten (test data)."
SENTENCE = (
    "Appendix 1, paragraph 1 of 45/TEST (the wording of 45/TEST), ends on 01.04.2026 (replaced or repealed by 46/TEST)."
)


@pytest.fixture
def successor(time_machine, author, approver):
    """45/TEST published in February, in force from 01.03.2026; the clock then moves to 02.03.2026."""
    time_machine.move_to(FEBRUARY, tick=False)
    publish(successor_list(author), author, approver)
    time_machine.move_to(MARCH, tick=False)
    return act("45/TEST")


def under_successor(paragraphs=(1,), *, rev=None) -> Application:
    user = UserFactory()
    organisation = member_of(OrganisationFactory(), user).organisations.get()
    application = complete_draft(organisation=organisation, user=user, paragraphs=(), today=MARCH.date())
    for n in paragraphs:
        ActivityClaim.objects.create(
            application=application,
            provision=Provision.objects.get(act__code="45/TEST", appendix=1, paragraph=n),
            explanation=f"We build software for paragraph {n} (test data).",
        )
    application = application_submit(application=application, user=user)
    if rev is not None:
        application = review.application_take(application=application, user=rev, no_conflict=True)
    return application


def amendment(author, target_paragraph=1):
    return make_change(
        Kind.AMENDMENT, author, code="46/TEST", title="A hypothetical amendment (test data)",
        signed_on=datetime.date(2026, 3, 2), effective_from=datetime.date(2026, 4, 1), effective_from_confirmed=True,
        amends=act("45/TEST"),
        rows=[{"action": Action.REWRITE, "target": current("45/TEST", 1, target_paragraph), "text": REWRITTEN}],
    )  # fmt: skip


def test_publishing_records_the_effect_and_tells_the_assigned_reviewer(
    successor, author, approver, rev, django_capture_on_commit_callbacks
):
    claimed = under_successor((1, 2), rev=rev)
    untouched = under_successor((2,), rev=rev)
    unassigned = under_successor((1,))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        publication = publish(amendment(author), author, approver)
    effects = {e.application: e for e in CatalogChangeEffect.objects.all()}
    assert set(effects) == {claimed, unassigned}
    assert effects[claimed].change == publication.change
    assert effects[claimed].sentences == [SENTENCE]
    # The reviewer of the touched application is told, once; the reviewer of the untouched one is not.
    (event,) = StaffEvent.objects.filter(kind=StaffEvent.Kind.CATALOG_CHANGED)
    assert (event.user, event.application, event.catalog_effect) == (rev, claimed, effects[claimed])
    assert untouched not in {e.application for e in StaffEvent.objects.filter(kind="catalog_changed")}
    told = Notification.objects.get(recipient=rev, kind=Notification.Kind.STAFF_UPDATE, staff_events=event)
    assert told.sent_at is not None
    assert "A catalog change touches a wording" in told.subject
    assert "Amendment 46/TEST to 45/TEST (A hypothetical amendment (test data))" in told.body
    assert SENTENCE in told.body
    assert [m.to for m in mail.outbox] == [["rev@example.com"]]


def test_the_effect_is_append_only(successor, author, approver, rev):
    under_successor(rev=rev)
    publish(amendment(author), author, approver)
    effect = CatalogChangeEffect.objects.get()
    with pytest.raises(ValidationError, match="never edited"):
        effect.save()
    with pytest.raises(ValidationError, match="never deleted"):
        effect.delete()


def test_on_postgresql_the_database_keeps_the_effects_append_only(successor, author, approver, rev):
    from django.db import DatabaseError, transaction

    from tests.review.conftest import require_postgres

    require_postgres()
    under_successor(rev=rev)
    publish(amendment(author), author, approver)
    rows = CatalogChangeEffect.objects.all()
    with pytest.raises(DatabaseError, match="never updated or deleted"), transaction.atomic():
        rows.update(claims=[])
    with pytest.raises(DatabaseError, match="never updated or deleted"), transaction.atomic():
        rows._raw_delete(rows.db)
    assert rows.get().claims != []


def test_a_refused_publication_records_and_tells_nothing(successor, author, approver, rev):
    under_successor(rev=rev)
    change = amendment(author)
    change_submit(change=change, user=author)
    with pytest.raises(ChangeError):
        change_publish(change=change, user=approver, revision=change.revision + 1)  # edited since read
    assert not CatalogChangeEffect.objects.exists()
    assert not StaffEvent.objects.filter(kind=StaffEvent.Kind.CATALOG_CHANGED).exists()


def test_a_decided_application_is_not_told(successor, author, approver, rev):
    from tests.review.conftest import approve

    approve(under_successor(rev=rev), rev)
    publish(amendment(author), author, approver)
    assert not CatalogChangeEffect.objects.exists()


def test_the_queue_filter_finds_the_affected_applications(client, successor, author, approver, rev):
    claimed = under_successor((1,), rev=rev)
    untouched = under_successor((2,), rev=rev)
    publish(amendment(author), author, approver)
    client.force_login(rev)
    url = reverse("review:queue")
    page = client.get(url).content.decode()
    assert "Affected by a catalog change" in page
    listed = [row.application for row in client.get(url, {"catalog_changed": "on"}).context["rows"]]
    assert listed == [claimed]
    everything = [row.application for row in client.get(url).context["rows"]]
    assert set(everything) == {claimed, untouched}
    # Hostile and oversized values are read as "ticked" or ignored, never a 500.
    for value in ("<script>alert(1)</script>", "x" * 10_000, "0"):
        assert client.get(url, {"catalog_changed": value}).status_code == 200


def test_the_queue_filter_is_for_staff_only(client, member):
    client.force_login(member)
    assert client.get(reverse("review:queue"), {"catalog_changed": "on"}).status_code == 403


def test_the_review_screen_names_the_change(client, successor, author, approver, rev, django_assert_max_num_queries):
    from tests.test_query_counts import REVIEW_SCREEN_QUERIES

    claimed = under_successor((1, 2, 3), rev=rev)
    publish(amendment(author, 1), author, approver)
    second = make_change(
        Kind.AMENDMENT, author, code="47/TEST", title="Another hypothetical amendment (test data)",
        signed_on=datetime.date(2026, 3, 2), effective_from=datetime.date(2026, 5, 1), effective_from_confirmed=True,
        amends=act("45/TEST"), rows=[{"action": Action.REPEAL, "target": current("45/TEST", 1, 3)}],
    )  # fmt: skip
    publish(second, author, approver)
    client.force_login(rev)
    client.get(reverse("review:application", args=[claimed.reference]))  # the catalog cached, as count() does
    with django_assert_max_num_queries(REVIEW_SCREEN_QUERIES):  # two changes named, no query more than with none
        page = client.get(reverse("review:application", args=[claimed.reference])).content.decode()
    assert (
        "A change to the catalog, Amendment 46/TEST to 45/TEST (A hypothetical amendment (test data)), published on "
        "02.03.2026, touches this application:"
    ) in page
    assert SENTENCE in page
    assert "Amendment 47/TEST to 45/TEST" in page
    assert "Appendix 1, paragraph 3 of 45/TEST (the wording of 45/TEST), ends on 01.05.2026" in page


# --- drafts that waited for a list ------------------------------------------------------------------------


@pytest.fixture
def stalled(time_machine, member, organisation):
    """A draft started on 02.02.2026, when no list was in force (37/RD abrogated from 01.01.2026)."""
    time_machine.move_to(FEBRUARY, tick=False)
    return new_draft(organisation=organisation, user=member)


def test_a_stalled_draft_is_emailed_once_when_a_list_comes_into_force(
    time_machine, stalled, member, author, approver, django_capture_on_commit_callbacks
):
    # Published on 02.02.2026 ahead of its date (01.03.2026): nothing yet, the draft still has no list.
    publish(successor_list(author), author, approver)
    assert not Notification.objects.filter(kind=Notification.Kind.LIST_IN_FORCE).exists()
    time_machine.move_to(MARCH, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert stalled_drafts_watch() == 1  # the daily watch, once the list is in force
    assert stalled_drafts_watch() == 0  # once only
    (told,) = Notification.objects.filter(kind=Notification.Kind.LIST_IN_FORCE)
    assert (told.application, told.recipients) == (stalled, ["member@example.com"])
    assert told.subject == f"Your draft {stalled.reference} can now be submitted"
    assert "A list is now in force: order 45/TEST (A hypothetical successor list (test data)), from 01.03.2026." in (
        told.body
    )
    assert WatchMark.objects.filter(watch="list_in_force", key=str(stalled.pk)).exists()


def test_publishing_a_list_in_force_already_tells_the_stalled_drafts_at_once(
    time_machine, stalled, client, member, author, approver, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 3, 5, 10, 0, tzinfo=datetime.UTC), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        publish(successor_list(author, signed_on=datetime.date(2026, 2, 20)), author, approver)
    assert Notification.objects.filter(kind=Notification.Kind.LIST_IN_FORCE, application=stalled).count() == 1
    assert mail.outbox[-1].subject == f"Your draft {stalled.reference} can now be submitted"
    # The draft's activities step now offers the new list's activities.
    for name in Application.ELIGIBILITY_FIELDS:
        setattr(stalled, name, True)
    stalled.save()
    client.force_login(member)
    page = client.get(reverse("applications:activities", args=[stalled.reference])).content.decode()
    assert "Test activity one: software development (test data)." in page
    assert "No list is in force" not in page


def test_a_draft_started_under_the_list_or_submitted_is_not_told(time_machine, author, approver, member, organisation):
    time_machine.move_to(FEBRUARY, tick=False)
    publish(successor_list(author), author, approver)
    time_machine.move_to(MARCH, tick=False)
    new_draft(organisation=organisation, user=member)  # started once the list was in force: it never waited
    under_successor()  # submitted
    assert stalled_drafts_watch() == 0
    assert not Notification.objects.filter(kind=Notification.Kind.LIST_IN_FORCE).exists()


@pytest.mark.parametrize("n", [1, 6])
def test_the_filtered_queue_keeps_its_number_of_queries(
    client, successor, author, approver, rev, django_assert_num_queries, n
):
    from tests.review.test_queue import QUEUE_QUERIES

    for _ in range(n):
        under_successor((1,), rev=rev)
    publish(amendment(author), author, approver)
    client.force_login(rev)
    with django_assert_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("review:queue"), {"catalog_changed": "on"})
    assert len(response.context["rows"]) == n


def test_admin_lists_the_effects_read_only(client, admin_user, successor, author, approver, rev):
    under_successor(rev=rev)
    publish(amendment(author), author, approver)
    effect = CatalogChangeEffect.objects.get()
    client.force_login(admin_user)
    assert effect.application.reference in client.get("/admin/applications/catalogchangeeffect/").content.decode()
    page = client.get(f"/admin/applications/catalogchangeeffect/{effect.pk}/change/").content.decode()
    assert SENTENCE in page
    assert client.get("/admin/applications/catalogchangeeffect/add/").status_code == 403
