import pytest
from django.urls import reverse

from applications.models import Status
from applications.review import services as review
from applications.workflow import DomainError
from tests.factories import member_of, reviewer


@pytest.mark.django_db
def test_take_needs_the_no_conflict_declaration(submitted, rev):
    with pytest.raises(DomainError, match="no conflict of interest"):
        review.application_take(application=submitted, user=rev, no_conflict=False)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED and submitted.assigned_reviewer is None
    review.application_take(application=submitted, user=rev, no_conflict=True)
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW
    assert submitted.assigned_reviewer == rev and submitted.no_conflict_declared


@pytest.mark.django_db
def test_a_member_of_the_applicant_can_never_take_or_be_assigned(submitted, rev, lead):
    member_of(submitted.organisation, rev)
    with pytest.raises(DomainError, match="member of"):
        review.application_take(application=submitted, user=rev, no_conflict=True)
    with pytest.raises(DomainError, match="member of"):
        review.application_assign(application=submitted, user=lead, reviewer=rev)
    submitted.refresh_from_db()
    assert submitted.assigned_reviewer is None


@pytest.mark.django_db
def test_cannot_take_what_another_reviewer_has(in_review, other_rev):
    with pytest.raises(DomainError, match="already assigned"):
        review.application_take(application=in_review, user=other_rev, no_conflict=True)


@pytest.mark.django_db
def test_lead_assigns_and_the_reviewer_declares_when_taking(submitted, lead, other_rev, rev):
    with pytest.raises(DomainError, match="Only a lead reviewer"):
        review.application_assign(application=submitted, user=rev, reviewer=other_rev)
    review.application_assign(application=submitted, user=lead, reviewer=other_rev)
    submitted.refresh_from_db()
    assert submitted.assigned_reviewer == other_rev and not submitted.no_conflict_declared
    assert submitted.status == Status.SUBMITTED
    with pytest.raises(DomainError, match="already assigned"):
        review.application_take(application=submitted, user=rev, no_conflict=True)
    review.application_take(application=submitted, user=other_rev, no_conflict=True)
    submitted.refresh_from_db()
    assert submitted.status == Status.IN_REVIEW and submitted.no_conflict_declared


@pytest.mark.django_db
def test_reassignment_in_review_needs_a_new_declaration(in_review, lead, other_rev):
    review.application_assign(application=in_review, user=lead, reviewer=other_rev)
    claim = in_review.claims.first()
    with pytest.raises(DomainError, match="Declare that you have no conflict"):
        review.claim_tick(claim=claim, user=other_rev, verdict="confirmed")
    review.application_take(application=in_review, user=other_rev, no_conflict=True)
    review.claim_tick(claim=claim, user=other_rev, verdict="confirmed")


@pytest.mark.django_db
def test_take_and_assign_through_the_pages(client, submitted, rev, lead):
    client.force_login(rev)
    url = reverse("review:take", args=[submitted.reference])
    response = client.post(url, {})
    assert response.status_code == 422
    assert "no conflict of interest" in response.content.decode()
    response = client.post(url, {"no_conflict": "on"})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.assigned_reviewer == rev
    # A plain reviewer cannot assign; the lead sees only reviewers who are not members.
    assert client.post(reverse("review:assign", args=[submitted.reference]), {"reviewer": rev.pk}).status_code == 403
    member = reviewer("member-rev@example.com")
    member_of(submitted.organisation, member)
    client.force_login(lead)
    page = client.get(reverse("review:application", args=[submitted.reference]))
    offered = list(page.context["assign_form"].fields["reviewer"].queryset)
    assert member not in offered and rev in offered
    response = client.post(reverse("review:assign", args=[submitted.reference]), {"reviewer": member.pk})
    assert response.status_code == 422
    submitted.refresh_from_db()
    assert submitted.assigned_reviewer == rev


# --- every staff member who acts declares first ---------------------------------------------------------


@pytest.mark.django_db
def test_a_lead_reviewer_declares_before_acting_on_someone_elses_application(in_review, lead, rev):
    """Before, a lead reviewer's role let them tick, verify and decide without ever declaring."""
    from applications.models import ConflictDeclaration, Verdict
    from applications.review.timeline import application_timeline

    claim = in_review.claims.first()
    refusals = {
        "tick": lambda: review.claim_tick(claim=claim, user=lead, verdict=Verdict.CONFIRMED),
        "request changes": lambda: review.application_request_changes(application=in_review, user=lead, message="?"),
        "decide": lambda: review.decision_record(application=in_review, user=lead, outcome="rejected", reasons="No."),
        "message": lambda: review.applicant_message_send(application=in_review, user=lead, body="Hello"),
        "note": lambda: review.internal_note_add(application=in_review, user=lead, body="A note"),
    }
    for name, act in refusals.items():
        with pytest.raises(DomainError, match="Declare that you have no conflict of interest"):
            act()
        assert in_review.claims.first().verdict == Verdict.PENDING, name
    with pytest.raises(DomainError, match="no conflict of interest with"):
        review.conflict_declare(application=in_review, user=lead, no_conflict=False)
    assert not ConflictDeclaration.objects.filter(author=lead).exists()

    review.conflict_declare(application=in_review, user=lead, no_conflict=True)
    review.claim_tick(claim=claim, user=lead, verdict=Verdict.CONFIRMED)
    assert in_review.claims.get(pk=claim.pk).verdict_by == lead
    declaration = ConflictDeclaration.objects.get(application=in_review, author=lead)
    assert declaration.statement.startswith("I declare that I have no conflict of interest with this organisation")
    entry = next(e for e in application_timeline(in_review) if e.kind == "declaration" and e.who == lead)
    assert entry.subject == "Declaration of no conflict of interest"
    assert entry.reason == "Declared no conflict of interest"
    with pytest.raises(DomainError, match="already declared"):
        review.conflict_declare(application=in_review, user=lead, no_conflict=True)
    in_review.refresh_from_db()
    assert in_review.assigned_reviewer == rev  # declaring takes nothing away from the assigned reviewer


@pytest.mark.django_db
def test_a_colleague_declares_to_add_a_note_but_only_the_assigned_reviewer_ticks(in_review, other_rev):
    from applications.models import Verdict

    with pytest.raises(DomainError, match="Declare that you have no conflict"):
        review.internal_note_add(application=in_review, user=other_rev, body="Phoned them.")
    review.conflict_declare(application=in_review, user=other_rev, no_conflict=True)
    review.internal_note_add(application=in_review, user=other_rev, body="Phoned them.")
    with pytest.raises(DomainError, match="Only the reviewer assigned"):
        review.claim_tick(claim=in_review.claims.first(), user=other_rev, verdict=Verdict.CONFIRMED)


@pytest.mark.django_db
def test_the_review_screen_asks_a_lead_to_declare_and_then_offers_the_actions(client, in_review, lead):
    client.force_login(lead)
    url = reverse("review:application", args=[in_review.reference])
    page = client.get(url).content.decode()
    assert reverse("review:declare", args=[in_review.reference]) in page
    assert reverse("review:decide", args=[in_review.reference]) not in page
    assert "Declare that you have no conflict of interest before working on this application." in page
    response = client.post(reverse("review:declare", args=[in_review.reference]), {})
    assert response.status_code == 422 and "Tick the declaration to go on." in response.content.decode()
    response = client.post(reverse("review:declare", args=[in_review.reference]), {"no_conflict": "on"}, follow=True)
    page = response.content.decode()
    assert "Your declaration of no conflict of interest is recorded." in page
    assert reverse("review:decide", args=[in_review.reference]) in page
    assert reverse("review:declare", args=[in_review.reference]) not in page
    timeline = client.get(reverse("review:timeline", args=[in_review.reference])).content.decode()
    assert "Declaration of no conflict of interest" in timeline and "lead@example.com" in timeline


@pytest.mark.django_db
def test_declarations_made_before_are_carried_over_by_the_migration(submitted, rev):
    """Migration 0004 turns the flag set on applications before into declaration rows, dated from history."""
    import importlib

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    from applications.models import Application, ConflictDeclaration
    from applications.workflow import save_with_history

    # An application taken before the migration: only the flag on the application said so.
    submitted.assigned_reviewer, submitted.assigned_at = rev, timezone.now()
    submitted.status, submitted.no_conflict_declared = Status.IN_REVIEW, True
    save_with_history(submitted, user=rev, reason="Review started; reviewer declared no conflict of interest")
    flagged_at = Application.history.filter(id=submitted.pk, no_conflict_declared=True).earliest("history_date")
    assert not ConflictDeclaration.objects.exists()

    migration = importlib.import_module("applications.migrations.0004_conflict_declarations")
    # The models as the migration sees them (no simple-history signals: it writes the history rows itself).
    apps = MigrationExecutor(connection).loader.project_state(("applications", "0004_conflict_declarations")).apps
    migration.backfill(apps, None)
    carried = ConflictDeclaration.objects.get(application=submitted)
    assert carried.author == rev and carried.created_at == flagged_at.history_date
    assert carried.statement.startswith("I declare that I have no conflict of interest with this organisation")
    row = ConflictDeclaration.history.get(id=carried.pk)
    assert row.history_user == rev and row.history_date == flagged_at.history_date and row.history_type == "+"
    # The reviewer may act at once, as before the migration.
    review.claim_tick(claim=submitted.claims.first(), user=rev, verdict="confirmed")
