"""Decisions are chained by hash: the letter prints the hash, `verify_decisions` recomputes the chain and names the
first decision altered behind the application's back."""

import pgtrigger
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from applications.models import Decision, Outcome
from applications.review import services as review
from tests.factories import submitted_application
from tests.review.conftest import SUBMITTED_ON, approve, require_postgres


def _three_decisions(member, organisation, rev):
    decisions = []
    for _ in range(3):
        application = submitted_application(organisation=organisation, user=member, on=SUBMITTED_ON)
        review.application_take(application=application, user=rev, no_conflict=True)
        decisions.append(approve(application, rev))
    return decisions


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_decisions", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_each_decision_chains_the_one_before_and_the_letter_prints_its_hash(client, member, organisation, rev):
    first, second, third = _three_decisions(member, organisation, rev)
    assert first.previous_hash == "" and len(first.content_hash) == 64
    assert second.previous_hash == first.content_hash and third.previous_hash == second.content_hash
    client.force_login(member)
    letter = client.get(reverse("applications:letter", args=[second.application.reference])).content.decode()
    assert second.content_hash in letter
    assert verify() == "OK: 3 decisions, the hash chain is intact.\n"


@pytest.mark.django_db
def test_verify_names_the_first_decision_that_no_longer_matches(member, organisation, rev):
    first, second, third = _three_decisions(member, organisation, rev)
    # Behind the application's back (SQLite has no triggers; PostgreSQL's are ignored for this test's write).
    with pgtrigger.ignore("applications.Decision:append_only"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE applications_decision SET reasons = %s WHERE id = %s", ["Rewritten afterwards.", second.pk]
        )
    with pytest.raises(CommandError) as error:
        verify()
    assert f"Decision {second.application.reference} (id {second.pk}" in str(error.value)
    assert "content no longer matches its hash" in str(error.value)
    assert "1 decisions before it are intact" in str(error.value)
    assert error.value.returncode == 1


@pytest.mark.django_db
def test_on_postgresql_a_row_altered_with_triggers_disabled_is_named(member, organisation, rev):
    require_postgres()
    first, second, _ = _three_decisions(member, organisation, rev)
    with connection.cursor() as cursor:
        # As the superuser could: take the triggers off and rewrite the addressee.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no ALTER TABLE while deferred checks are pending
        cursor.execute("ALTER TABLE applications_decision DISABLE TRIGGER USER")
        cursor.execute("UPDATE applications_decision SET addressee_name = 'Someone Else LLP' WHERE id = %s", [first.pk])
        # (the test's transaction is rolled back at its end, which puts them back)
    with pytest.raises(CommandError, match=f"Decision {first.application.reference} \\(id {first.pk}"):
        verify()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_decisions_at_once_chain_in_turn(member, organisation, rev):
    """The advisory lock: two transactions deciding at once each link to the other's hash, never to the same."""
    require_postgres()
    import threading

    from django.apps import apps

    from catalog.seed import load_catalog

    load_catalog(apps)
    applications = []
    for _ in range(2):
        application = submitted_application(organisation=organisation, user=member, on=SUBMITTED_ON)
        review.application_take(application=application, user=rev, no_conflict=True)
        applications.append(application)
    barrier = threading.Barrier(2)

    def decide(application):
        try:
            barrier.wait()
            review.decision_record(application=application, user=rev, outcome=Outcome.REJECTED, reasons="No.")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    first, second = Decision.objects.order_by("pk")
    assert second.previous_hash == first.content_hash and first.previous_hash == ""
    assert verify() == "OK: 2 decisions, the hash chain is intact.\n"
