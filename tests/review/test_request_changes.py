"""Request changes, the applicant's resubmission, and what the reviewer sees then."""

import datetime

import pytest
from django.urls import reverse

from applications.applicant.services import application_submit
from applications.models import ActivityClaim, ApplicantMessage, Status, Verdict
from applications.review import services as review
from applications.review.selectors import review_screen
from applications.workflow import DomainError
from tests.factories import provision


@pytest.mark.django_db
def test_request_changes_needs_a_message_and_keeps_a_snapshot(in_review, rev):
    with pytest.raises(DomainError, match="what to change"):
        review.application_request_changes(application=in_review, user=rev, message=" ")
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW
    message = review.application_request_changes(application=in_review, user=rev, message="Describe paragraph 2 work.")
    in_review.refresh_from_db()
    assert in_review.status == Status.CHANGES_REQUESTED
    assert message.kind == ApplicantMessage.Kind.CHANGES_REQUESTED
    assert set(message.snapshot["claims"]) == {str(c.provision_id) for c in in_review.claims.all()}


@pytest.mark.django_db
def test_resubmission_keeps_earlier_ticks_and_highlights_changed_answers(client, in_review, rev, member):
    p1, p2 = in_review.claims.order_by("provision__paragraph")
    review.claim_tick(claim=p1, user=rev, verdict=Verdict.CONFIRMED, note="Fine.")
    review.claim_tick(claim=p2, user=rev, verdict=Verdict.NOT_CONFIRMED, note="Explanation too vague.")
    review.application_request_changes(application=in_review, user=rev, message="Explain paragraph 2 in detail.")
    # The applicant edits (issue 4's pages) and submits again through the workflow service.
    p2.refresh_from_db()
    p2.explanation = "We build an IoT platform for utilities: metering software, device firmware."
    p2.save(update_fields=["explanation"])
    ActivityClaim.objects.create(
        application=in_review, provision=provision(4), explanation="Applied research with a university."
    )
    application_submit(application=in_review, user=member, today=datetime.date(2025, 3, 20))
    in_review.refresh_from_db()
    assert in_review.status == Status.SUBMITTED and in_review.submission_count == 2
    assert in_review.reference_date == datetime.date(2025, 3, 3)  # the reference date does not move

    screen = review_screen(in_review, today=datetime.date(2026, 11, 25))
    assert screen.resubmitted
    views = {v.claim.provision.paragraph: v for v in screen.claims}
    assert views[1].changed == "" and views[1].claim.verdict == Verdict.CONFIRMED
    assert views[2].changed == "changed" and views[2].claim.verdict_note == "Explanation too vague."
    assert views[2].previous_explanation.startswith("We build and sell software")
    assert views[4].changed == "added"

    # The assigned reviewer resumes the review on the page and sees the highlights.
    client.force_login(rev)
    page = client.get(reverse("review:application", args=[in_review.reference])).content.decode()
    assert "Resume the review" in page
    assert "explanation changed" in page and "added on resubmission" in page and "Explanation too vague." in page
    review.application_take(application=in_review, user=rev, no_conflict=True)
    in_review.refresh_from_db()
    assert in_review.status == Status.IN_REVIEW


@pytest.mark.django_db
def test_request_changes_page_keeps_what_was_typed_when_refused(client, in_review, rev, other_rev):
    client.force_login(other_rev)  # not the assigned reviewer
    response = client.post(
        reverse("review:request_changes", args=[in_review.reference]), {"message": "Please add contracts."}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Only the reviewer assigned" in html
