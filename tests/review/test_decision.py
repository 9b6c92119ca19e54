"""Deciding: every precondition with its message, the frozen record, a decision never changed, the letter."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applications.models import ApplicantMessage, Decision, Outcome, Status, Verdict, Verification
from applications.review import services as review
from applications.workflow import DomainError
from tests.factories import submitted_application

from .conftest import approve, tick_all


def decide(application, user, outcome=Outcome.APPROVED, reasons=""):
    return review.decision_record(application=application, user=user, outcome=outcome, reasons=reasons)


@pytest.mark.django_db
def test_approval_names_what_is_missing(goods_in_review, rev):
    with pytest.raises(DomainError) as error:
        decide(goods_in_review, rev)
    message = error.value.message
    assert "Tick every activity: not yet ticked: Appendix 1, paragraph 1, Appendix 1, paragraph 2." in message
    assert "Confirm at least one activity." in message
    assert "Verify or reject every certificate" in message
    assert "own production needs at least one verified certificate" in message
    goods_in_review.refresh_from_db()
    assert goods_in_review.status == Status.IN_REVIEW and not Decision.objects.exists()


@pytest.mark.django_db
def test_approval_needs_one_confirmed_claim(in_review, rev):
    tick_all(in_review, rev, verdict=Verdict.NOT_CONFIRMED)
    with pytest.raises(DomainError, match="Confirm at least one activity"):
        decide(in_review, rev)


@pytest.mark.django_db
def test_own_production_needs_a_verified_certificate_valid_on_the_reference_date(goods_in_review, rev):
    for claim in goods_in_review.claims.all():
        review.claim_tick(claim=claim, user=rev, verdict=Verdict.CONFIRMED)
    certificate = goods_in_review.certificates.get()
    review.certificate_verify(certificate=certificate, user=rev, verification=Verification.REJECTED, note="Fake.")
    with pytest.raises(DomainError, match="own production needs"):
        decide(goods_in_review, rev)
    review.certificate_verify(certificate=certificate, user=rev, verification=Verification.VERIFIED)
    decision = decide(goods_in_review, rev)
    assert decision.own_production_confirmed is True
    assert decision.own_production_finding["accepted_kinds"] == ["industrial", "st_kz"]
    assert decision.own_production_finding["certificates"][0]["valid_on_reference_date"] is True


@pytest.mark.django_db
def test_rejection_needs_reasons_only(in_review, rev):
    with pytest.raises(DomainError, match="Give the reasons"):
        decide(in_review, rev, Outcome.REJECTED, "  ")
    decision = decide(in_review, rev, Outcome.REJECTED, "The company resells foreign software.")
    in_review.refresh_from_db()
    assert in_review.status == Status.REJECTED
    assert decision.confirmed_activities == []
    message = in_review.messages.get(kind=ApplicantMessage.Kind.DECISION)
    assert message.body == "The company resells foreign software."


@pytest.mark.django_db
def test_the_decision_freezes_what_it_relied_on(in_review, rev):
    p1, p2 = in_review.claims.order_by("provision__paragraph")
    review.claim_tick(claim=p1, user=rev, verdict=Verdict.CONFIRMED)
    review.claim_tick(claim=p2, user=rev, verdict=Verdict.NOT_CONFIRMED, note="No evidence.")
    decision = decide(in_review, rev)
    assert decision.act.code == "37/RD" and decision.reference_date == datetime.date(2025, 3, 3)
    assert decision.decided_by == rev
    (frozen,) = decision.confirmed_activities
    assert frozen["paragraph"] == 1 and frozen["introduced_by"] == "413/NK"
    assert frozen["text"] == p1.provision_version.text
    assert decision.sells_own_goods is False and decision.own_production_confirmed is None


@pytest.mark.django_db
def test_a_decision_is_never_edited_or_deleted(in_review, rev):
    decision = approve(in_review, rev)
    decision.reasons = "changed"
    with pytest.raises(ValidationError):
        decision.save()
    with pytest.raises(ValidationError):
        decision.delete()
    with pytest.raises(ValidationError):
        Decision.objects.filter(pk=decision.pk).update(reasons="bulk")
    with pytest.raises(ValidationError):
        Decision.objects.all().delete()
    with pytest.raises(DomainError):
        decide(in_review, rev, Outcome.REJECTED, "second thoughts")
    assert Decision.objects.get().reasons == ""


@pytest.mark.django_db
def test_admin_cannot_change_or_delete_a_decision(admin_client, in_review, rev):
    decision = approve(in_review, rev)
    change = reverse("admin:applications_decision_change", args=[decision.pk])
    response = admin_client.get(change)
    assert response.status_code == 200 and b'type="submit" value="Save"' not in response.content
    assert admin_client.post(change, {"reasons": "edited"}).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:applications_decision_delete", args=[decision.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    response = admin_client.post(
        reverse("admin:applications_decision_changelist"),
        {"action": "delete_selected", "_selected_action": [decision.pk], "post": "yes"},
    )
    assert Decision.objects.filter(pk=decision.pk).exists()


@pytest.mark.django_db
def test_decide_page_shows_what_is_missing(client, in_review, rev):
    client.force_login(rev)
    page = client.get(reverse("review:application", args=[in_review.reference])).content.decode()
    assert "Before approving:" in page and "Tick every activity" in page
    response = client.post(reverse("review:decide", args=[in_review.reference]), {"outcome": "approved"})
    assert response.status_code == 422
    assert "The application cannot be approved yet." in response.content.decode()


@pytest.mark.django_db
def test_letter_quotes_the_wording_in_force_on_the_reference_date(client, rev, member):
    # Submitted 02.05.2023: paragraph 1's wording then (37/RD) is not recorded; paragraph 2's is.
    application = submitted_application(user=member, on=datetime.date(2023, 5, 2), paragraphs=(1, 2))
    review.application_take(application=application, user=rev, no_conflict=True)
    approve(application, rev)
    url = reverse("applications:letter", args=[application.reference])
    client.force_login(member)
    page = client.get(url).content.decode()
    p2 = application.claims.get(provision__paragraph=2).provision_version
    assert "the application is approved" in page
    assert p2.text.splitlines()[0][:50] in page
    assert "02.05.2023" in page
    assert "is not recorded in the park" in page  # paragraph 1, honestly
    # Another applicant gets 404; no letter before a decision.
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    other = submitted_application(on=datetime.date(2024, 5, 2))
    client.force_login(rev)
    assert client.get(reverse("applications:letter", args=[other.reference])).status_code == 404


@pytest.mark.django_db
def test_rejection_letter_lists_each_claimed_activity_with_its_verdict_and_no_internal_note(client, rev, member):
    application = submitted_application(user=member, on=datetime.date(2025, 3, 3), paragraphs=(1, 2, 3))
    review.application_take(application=application, user=rev, no_conflict=True)
    p1, p2, p3 = application.claims.order_by("provision__paragraph")
    review.claim_tick(claim=p1, user=rev, verdict=Verdict.CONFIRMED, note="Contracts seen.")
    review.claim_tick(claim=p2, user=rev, verdict=Verdict.NOT_CONFIRMED, note="INTERNAL: the director sounded unsure.")
    decision = decide(application, rev, Outcome.REJECTED, "Paragraph 2 is not carried on: the company resells.")
    assert [(a["paragraph"], a["verdict"]) for a in decision.claimed_activities] == [
        (1, "confirmed"),
        (2, "not_confirmed"),
        (3, "pending"),
    ]
    assert all(a["note"] == "" for a in decision.claimed_activities)  # the internal note is never frozen
    client.force_login(member)
    page = client.get(reverse("applications:letter", args=[application.reference])).content.decode()
    assert "the application is rejected" in page
    assert 'Appendix 1, paragraph 1 · <span class="text-success">Confirmed</span>' in page
    assert 'Appendix 1, paragraph 2 · <span class="text-danger">Not confirmed</span>' in page
    assert 'Appendix 1, paragraph 3 · <span class="text-danger">Not yet ticked</span>' in page
    assert p2.provision_version.text.splitlines()[0][:50] in page  # quoted as the approval letter quotes
    assert "Paragraph 2 is not carried on: the company resells." in page  # the decision's own reasons
    assert "INTERNAL" not in page and "Contracts seen." not in page
