"""What a change touches, and the preview: the applications whose pinned wordings it would move or end, the
catalog on any date as it would be with the change, and a constant number of queries for the review page."""

import datetime

import pytest
from django.urls import reverse

from applications.applicant.services import application_submit
from applications.models import ActivityClaim, Outcome, Verdict
from applications.review import services as review
from catalog import changes
from catalog.impact import preview_change
from catalog.models import CatalogChange, LegalAct, Provision, ProvisionVersion
from tests.factories import OrganisationFactory, UserFactory, complete_draft, member_of, reviewer, submitted_application

from .workbench import Action, Kind, act, current, make_change, publish, successor_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_february_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


def confirm_413(author, day: datetime.date) -> CatalogChange:
    amendment = act("413/NK")
    return make_change(
        Kind.ACT_FACTS, author, target_act=amendment, target_act_facts=changes.act_facts_snapshot(amendment),
        **{**{name: getattr(amendment, name) for name in changes.ACT_FACTS},
           "effective_from": day, "effective_from_confirmed": True,
           "effective_from_basis": "Publication date checked (test)."},
    )  # fmt: skip


def decided(on: datetime.date, paragraphs=(1, 2)):
    application = submitted_application(on=on, paragraphs=paragraphs)
    rev = reviewer(f"rev{application.pk}@example.com")
    application = review.application_take(application=application, user=rev, no_conflict=True)
    for claim in application.claims.all():
        review.claim_tick(claim=claim, user=rev, verdict=Verdict.CONFIRMED, note="")
    review.decision_record(application=application, user=rev, outcome=Outcome.APPROVED, reasons="")
    application.refresh_from_db()
    return application


def under_successor(on: datetime.date, paragraphs=(2,)):
    user = UserFactory()
    organisation = OrganisationFactory()
    member_of(organisation, user)
    application = complete_draft(organisation=organisation, user=user, paragraphs=(), today=on)
    for n in paragraphs:
        ActivityClaim.objects.create(
            application=application,
            provision=Provision.objects.get(act__code="45/TEST", appendix=1, paragraph=n),
            explanation=f"We build software for paragraph {n}.",
        )
    return application_submit(application=application, user=user, today=on)


# --- confirming an act's real effective date ---------------------------------------------------------------


def test_confirming_413_nk_lists_the_open_and_decided_applications_it_moves(author):
    open_one = submitted_application(on=datetime.date(2025, 3, 3), paragraphs=(1, 2))
    early = submitted_application(on=datetime.date(2023, 10, 5), paragraphs=(1,))
    closed = decided(datetime.date(2025, 3, 4), paragraphs=(2, 3))
    untouched = submitted_application(on=datetime.date(2025, 3, 5), paragraphs=(2, 4))  # wordings 413/NK leaves be

    preview = preview_change(confirm_413(author, datetime.date(2023, 10, 15)), on=datetime.date(2023, 10, 15))
    assert preview.problems == []
    assert [e.application for e in preview.impact.open] == sorted([open_one, early], key=lambda a: a.reference)
    effects = {e.application.reference: [c.sentence for c in e.claims] for e in preview.impact.open}
    assert effects[open_one.reference] == [
        "Appendix 1, paragraph 1 of 37/RD (the wording of 413/NK), would be in force from 15.10.2023 until "
        "01.01.2026 instead of from 01.10.2023 until 01.01.2026."
    ]
    assert effects[early.reference] == [
        "Appendix 1, paragraph 1 of 37/RD (the wording of 413/NK), would be in force from 15.10.2023 until "
        "01.01.2026 instead of from 01.10.2023 until 01.01.2026. On the reference date, 05.10.2023, it would no "
        "longer be the wording in force."
    ]
    assert [e.application for e in preview.impact.decided] == [closed]
    assert [c.sentence for c in preview.impact.decided[0].claims] == [
        "Appendix 1, paragraph 3 of 37/RD (the wording of 413/NK), would be in force from 15.10.2023 until "
        "01.01.2026 instead of from 01.10.2023 until 01.01.2026."
    ]
    assert untouched.reference not in [e.application.reference for e in preview.impact.open]
    # The preview left the catalog as it was.
    assert act("413/NK").effective_from == datetime.date(2023, 10, 1)
    assert current("37/RD", 1, 1).in_force_from == datetime.date(2023, 10, 1)


def test_the_review_page_lists_them_and_says_decisions_keep_their_frozen_text(client, author, approver):
    open_one = submitted_application(on=datetime.date(2025, 3, 3), paragraphs=(1,))
    closed = decided(datetime.date(2025, 3, 4), paragraphs=(1,))
    change = confirm_413(author, datetime.date(2023, 10, 15))
    client.force_login(approver)
    page = client.get(reverse("admin:catalog_catalogchange_review", args=[change.pk])).content.decode()
    assert "1 open application whose pinned wording it moves or ends" in page
    assert open_one.reference in page and closed.reference in page
    assert "1 decided application whose relied-upon wording it moves" in page
    assert "Their decisions keep the text they relied on, frozen when they were decided" in page
    # Publication keeps what the approver was shown, and the decision's frozen text is untouched.
    frozen = list(closed.decision.confirmed_activities)
    publication = publish(change, author, approver)
    assert [item["reference"] for item in publication.change.impact_at_publication["open"]] == [open_one.reference]
    assert [item["reference"] for item in publication.change.impact_at_publication["decided"]] == [closed.reference]
    closed.decision.refresh_from_db()
    assert closed.decision.confirmed_activities == frozen


# --- an amendment to a successor list -------------------------------------------------------------------------


def test_an_amendment_rewriting_a_claimed_activity_lists_the_open_application(author, approver):
    publish(successor_list(author), author, approver)
    claimed = under_successor(datetime.date(2026, 3, 2), paragraphs=(2, 1))
    other = under_successor(datetime.date(2026, 3, 3), paragraphs=(1,))
    amendment = make_change(
        Kind.AMENDMENT, author, code="46/TEST", title="A hypothetical amendment (test data)",
        signed_on=datetime.date(2026, 5, 10), effective_from=datetime.date(2026, 6, 1), effective_from_confirmed=True,
        amends=act("45/TEST"),
        rows=[{"action": Action.REWRITE, "target": current("45/TEST", 1, 2),
               "text": "Test activity two, rewritten (test data)."}],
    )  # fmt: skip
    preview = preview_change(amendment, on=datetime.date(2026, 6, 1))
    assert [e.application for e in preview.impact.open] == [claimed]
    assert [c.sentence for c in preview.impact.open[0].claims] == [
        "Appendix 1, paragraph 2 of 45/TEST (the wording of 45/TEST), would end on 01.06.2026 (replaced or repealed "
        "by 46/TEST)."
    ]
    assert other not in [e.application for e in preview.impact.open]
    assert [d.status for d in preview.against_same_day if d.status != "unchanged"] == ["changed"]
    assert preview.with_change.activities[1].text == "Test activity two, rewritten (test data)."
    # The catalog on 01.06.2026 is untouched by the preview.
    assert ProvisionVersion.objects.filter(text__contains="rewritten").count() == 0


def test_the_preview_on_any_date_and_the_comparison_with_today(author):
    change = successor_list(author)
    preview = preview_change(change, on=datetime.date(2026, 3, 1))
    assert not preview.current.in_force  # today, 02.02.2026: no list is in force
    assert preview.with_change.act.code == "45/TEST"
    assert preview.counts_against_today == {"added": 5, "changed": 0, "removed": 0}
    before = preview_change(change, on=datetime.date(2026, 2, 28))
    assert not before.with_change.in_force
    assert before.counts_against_today == {"added": 0, "changed": 0, "removed": 0}
    assert LegalAct.objects.filter(code="45/TEST").count() == 0
    assert ProvisionVersion.history.filter(text__contains="(test data)").count() == 0


# --- the review page keeps its number of queries ----------------------------------------------------------------


def _review_queries(client, django_assert_num_queries, change, expected):
    url = reverse("admin:catalog_catalogchange_review", args=[change.pk])
    client.get(url)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


# 1 session, 2 user, 3-4 the user's permissions (own, then through groups), 5 the change with its people and acts,
# 6 its rows with their targets; the checks against the catalog: 7 the code among the acts, 8 the list acts (no
# overlap); the preview: 9 today's catalog and 10 the catalog on the date without the change (their list acts;
# none is in force, so no wordings), 11 every wording's state, 12 savepoint; applying: 13 savepoint, 14-15 the act
# and its history row, 16 the wordings' periods (nothing moves), 17 release, 18-19 the provisions and their
# history rows, 20-21 the wordings and theirs; 22-23 the catalog with the change, 24 every wording's state again,
# 25-26 rollback and release. No claim query: nothing moved. 27 the user's groups (navigation). However many rows.
LIST_REVIEW_QUERIES = 27


@pytest.mark.parametrize("n", [1, 12])
def test_the_review_page_of_a_list_has_a_constant_number_of_queries(client, author, django_assert_num_queries, n):
    activities = [(i, f"Test activity {i} (test data).", "") for i in range(1, n + 1)]
    change = successor_list(author, activities=activities)
    client.force_login(author)
    response = _review_queries(client, django_assert_num_queries, change, LIST_REVIEW_QUERIES)
    assert response.context["preview"].counts_against_today["added"] == n + 2


# An amendment: session, user, permissions (2), the change, its rows; the checks: the code, the amended list's
# paragraphs in force on the date (one query for every added row), the list's remaining activities; the preview:
# today's catalog (2), on the date (2), the wordings' states, savepoint; applying: savepoint, act and history,
# resync read, release, the wordings it ends with their new end (update and history), the amended list's
# provisions for the added rows, the missing provisions (insert and history), the new wordings (insert and
# history), the periods (read; nothing else moves); the catalog with the change (2), the states, rollback, release;
# then ONE query for the claims on the moved wordings with their applications, organisations and reviewers, however
# many; the user's groups.
AMENDMENT_REVIEW_QUERIES = 33


@pytest.mark.parametrize("n", [1, 6])
def test_the_review_page_of_an_amendment_touching_many_applications_has_a_constant_number_of_queries(
    client, author, approver, django_assert_num_queries, n
):
    publish(successor_list(author), author, approver)
    for i in range(n):
        under_successor(datetime.date(2026, 3, 2) + datetime.timedelta(days=i), paragraphs=(1, 2, 3))
    amendment = make_change(
        Kind.AMENDMENT, author, code="46/TEST", title="Test", signed_on=datetime.date(2026, 5, 10),
        effective_from=datetime.date(2026, 6, 1), effective_from_confirmed=True, amends=act("45/TEST"),
        rows=[
            {"action": Action.REWRITE, "target": current("45/TEST", 1, 2), "text": "Rewritten (test data)."},
            {"action": Action.REPEAL, "target": current("45/TEST", 1, 3)},
            {"action": Action.ADD, "appendix": 1, "paragraph": 4, "text": "Added (test data)."},
        ],
    )  # fmt: skip
    client.force_login(approver)
    response = _review_queries(client, django_assert_num_queries, amendment, AMENDMENT_REVIEW_QUERIES)
    assert len(response.context["preview"].impact.open) == n
