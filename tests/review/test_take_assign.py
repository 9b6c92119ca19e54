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
