"""Every status against every reviewer action: allowed ones go through, the rest are refused whole with a message."""

import pytest

from applications.applicant.services import application_withdraw
from applications.models import Application, Decision, Outcome, Status, Verdict, Verification
from applications.review import services as review
from applications.workflow import DomainError
from tests.factories import (
    OrganisationFactory,
    UserFactory,
    complete_draft,
    member_of,
    submitted_application,
)

from .conftest import SUBMITTED_ON, tick_all

ACTIONS = {
    "take": lambda app, user: review.application_take(application=app, user=user, no_conflict=True),
    "tick": lambda app, user: review.claim_tick(claim=app.claims.first(), user=user, verdict=Verdict.CONFIRMED),
    "verify": lambda app, user: review.certificate_verify(
        certificate=app.certificates.first(), user=user, verification=Verification.VERIFIED
    ),
    "request_changes": lambda app, user: review.application_request_changes(
        application=app, user=user, message="Please explain."
    ),
    "approve": lambda app, user: review.decision_record(application=app, user=user, outcome=Outcome.APPROVED),
    "reject": lambda app, user: review.decision_record(
        application=app, user=user, outcome=Outcome.REJECTED, reasons="No ICT activity."
    ),
}

# The one place that says what a reviewer may do in which status.
ALLOWED = {
    Status.DRAFT: set(),
    Status.SUBMITTED: {"take"},
    Status.IN_REVIEW: {"tick", "verify", "request_changes", "approve", "reject"},
    Status.CHANGES_REQUESTED: set(),
    Status.APPROVED: set(),
    Status.REJECTED: set(),
    Status.WITHDRAWN: set(),
}


def build(status, rev):
    user = UserFactory()
    organisation = OrganisationFactory()
    member_of(organisation, user)
    if status == Status.DRAFT:
        return complete_draft(organisation=organisation, user=user, sells_goods=True)
    app = submitted_application(organisation=organisation, user=user, on=SUBMITTED_ON, sells_goods=True)
    if status == Status.WITHDRAWN:
        return application_withdraw(application=app, user=user)
    if status == Status.SUBMITTED:
        return app
    review.application_take(application=app, user=rev, no_conflict=True)
    tick_all(app, rev)  # so that approval is possible in review
    if status == Status.CHANGES_REQUESTED:
        review.application_request_changes(application=app, user=rev, message="More detail.")
    elif status == Status.APPROVED:
        review.decision_record(application=app, user=rev, outcome=Outcome.APPROVED)
    elif status == Status.REJECTED:
        review.decision_record(application=app, user=rev, outcome=Outcome.REJECTED, reasons="No.")
    return Application.objects.get(pk=app.pk)


def state(app):
    app = Application.objects.get(pk=app.pk)
    return (
        app.status,
        app.assigned_reviewer_id,
        Decision.objects.filter(application=app).count(),
        sorted(app.claims.values_list("verdict", "verdict_at")),
        sorted(app.certificates.values_list("verification", "verified_at")),
        app.messages.count(),
        Application.history.filter(id=app.pk).count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_status_against_every_action(status, action, rev):
    app = build(status, rev)
    assert app.status == status
    before = state(app)
    if action in ALLOWED[status]:
        ACTIONS[action](app, rev)
        assert state(app) != before
        return
    with pytest.raises(DomainError) as error:
        ACTIONS[action](app, rev)
    assert error.value.message  # said in words
    assert state(app) == before  # refused whole: nothing written


@pytest.mark.django_db
def test_approve_with_a_claim_unticked_is_refused_whole(rev, submitted):
    review.application_take(application=submitted, user=rev, no_conflict=True)
    review.claim_tick(claim=submitted.claims.first(), user=rev, verdict=Verdict.CONFIRMED)
    before = state(submitted)
    with pytest.raises(DomainError, match="not yet ticked"):
        review.decision_record(application=submitted, user=rev, outcome=Outcome.APPROVED)
    assert state(submitted) == before
