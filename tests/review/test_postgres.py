"""What only PostgreSQL can prove: append-only history (triggers) and two reviewers deciding at once."""

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from applications.models import ActivityClaim, Application, Certificate, Decision, Outcome, Status
from applications.review import services as review
from applications.workflow import DomainError
from tests.factories import reviewer, submitted_application

from .conftest import SUBMITTED_ON, approve, require_postgres, tick_all

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_history_rows_and_decisions_refuse_update_and_delete(member, rev):
    require_postgres()
    application = submitted_application(user=member, on=SUBMITTED_ON, sells_goods=True)
    review.application_take(application=application, user=rev, no_conflict=True)
    approve(application, rev)
    for model, filters in [
        (Application, {"id": application.pk}),
        (ActivityClaim, {"application_id": application.pk}),
        (Certificate, {"application_id": application.pk}),
        (Decision, {"application_id": application.pk}),
    ]:
        rows = model.history.filter(**filters)
        assert rows.exists()
        with pytest.raises(DatabaseError, match="never updated or deleted"), transaction.atomic():
            rows.update(history_change_reason="rewritten")
        with pytest.raises(DatabaseError, match="never updated or deleted"), transaction.atomic():
            rows.delete()
    # The decision row itself, even past the model's guards.
    with (
        pytest.raises(DatabaseError, match="never updated or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE applications_decision SET reasons = 'edited'")
    # New history is still written (append-only, not frozen).
    before = Application.history.filter(id=application.pk).count()
    review.internal_note_add(application=application, user=rev, body="after the decision")
    application.refresh_from_db()
    application._history_user = rev
    application.save()
    assert Application.history.filter(id=application.pk).count() == before + 1


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_deciding_at_once_record_exactly_one_decision(member):
    require_postgres()
    # A transactional test may follow another that flushed the tables: load the catalog again (idempotent).
    from django.apps import apps

    from catalog.seed import load_catalog

    load_catalog(apps)
    assigned = reviewer("assigned@example.com")
    lead = reviewer("lead-at-once@example.com", lead=True)
    application = submitted_application(user=member, on=SUBMITTED_ON)
    review.application_take(application=application, user=assigned, no_conflict=True)
    review.conflict_declare(application=application, user=lead, no_conflict=True)  # a lead declares too
    tick_all(application, assigned)
    seen = Application.objects.get(pk=application.pk).updated_at  # both pages were drawn now

    barrier = threading.Barrier(2)
    results: dict[str, str] = {}

    def act(name, user, outcome, reasons):
        try:
            barrier.wait()
            review.decision_record(application=application, user=user, outcome=outcome, reasons=reasons, seen=seen)
            results[name] = "decided"
        except DomainError as error:
            results[name] = error.message
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=("assigned", assigned, Outcome.APPROVED, "")),
        threading.Thread(target=act, args=("lead", lead, Outcome.REJECTED, "Not an ICT activity.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert Decision.objects.filter(application=application).count() == 1
    assert sorted(results) == ["assigned", "lead"]
    outcomes = sorted(results.values())
    assert outcomes.count("decided") == 1
    (refusal,) = [r for r in outcomes if r != "decided"]
    assert "The application changed while you had it open" in refusal
    application.refresh_from_db()
    decision = Decision.objects.get(application=application)
    assert application.status == (Status.APPROVED if decision.outcome == Outcome.APPROVED else Status.REJECTED)


@pytest.mark.django_db
def test_declarations_of_no_conflict_and_their_history_refuse_update_and_delete(in_review, rev):
    require_postgres()
    from applications.models import ConflictDeclaration

    for rows in (
        ConflictDeclaration.objects.filter(application=in_review),
        ConflictDeclaration.history.filter(application_id=in_review.pk),
    ):
        assert rows.exists()
        with pytest.raises(DatabaseError, match="never updated or deleted"), transaction.atomic():
            rows.update(statement="I have a conflict after all.")
        with pytest.raises(DatabaseError, match="never updated or deleted"), transaction.atomic():
            rows.delete()
