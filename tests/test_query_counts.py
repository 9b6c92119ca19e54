"""Every page that shows rows runs the same number of SQL queries for a few rows and for many.

Each test builds the page's data for a small and a large n, asks for the page once to warm the session,
then counts. The number asserted is explained beside it; the point is that it does not depend on n.
The catalog page, the acts page, the applicant's home, the review queue and the timeline are counted in
their own test modules (grep django_assert_num_queries).
"""

import datetime

import pytest
import time_machine
from django.urls import reverse

from applications.applicant import services
from applications.applicant.services import application_create
from applications.models import Outcome, Verdict, Verification
from applications.review import services as review
from catalog.models import LegalAct, Provision
from tests.catalog.test_views import _add_paragraphs
from tests.factories import (
    AmendmentFactory,
    ProvisionVersionFactory,
    UserFactory,
    complete_draft,
    member_of,
    submitted_application,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def in_2025():
    """02.06.2025: 37/RD as amended is in force, so every step of an application can be opened."""
    with time_machine.travel(TODAY, tick=False):
        yield


def count(client, django_assert_num_queries, expected: int, url: str, **params):
    client.get(url, params)  # the session and the user are then as they are on any later request
    with django_assert_num_queries(expected):
        response = client.get(url, params)
    assert response.status_code == 200, url
    return response


def paragraphs(n: int) -> list[int]:
    """n paragraphs of Appendix 1 of 37/RD (1..19 exist on 02.06.2025)."""
    return list(range(1, n + 1))


# --- the catalog ---------------------------------------------------------------------------------------


# 2 per date (the catalog on each date): the list acts with their abrogating act, then the wordings in force
# with provision, acts and ending act joined; then the latest check against the official publication.
# Anonymous: no session, no user, no roles query.
COMPARE_QUERIES = 5


@pytest.mark.parametrize("n", [0, 20])
def test_compare(client, django_assert_num_queries, n):
    _add_paragraphs(n)
    response = count(
        client,
        django_assert_num_queries,
        COMPARE_QUERIES,
        reverse("catalog:compare"),
        **{"from": "30.09.2023", "to": "31.12.2025"},
    )
    assert len(response.context["comparison"].changed) >= n


# 1 the provision with its act, 2 its wordings with the acts that introduced and ended each, 3 the latest check
# against the official publication.
PROVISION_QUERIES = 3


@pytest.mark.parametrize("n", [1, 25])
def test_provision_timeline(client, django_assert_num_queries, n):
    order = LegalAct.objects.get(code="37/RD")
    provision = Provision.objects.create(act=order, appendix=1, paragraph=40)
    amendments = [
        AmendmentFactory(
            code=f"{i}/TL", amends=order, signed_on=datetime.date(2024, 1, 1),
            effective_from=datetime.date(2024, 1, 1) + datetime.timedelta(days=10 * i),
        )
        for i in range(n)
    ]  # fmt: skip
    ProvisionVersionFactory(provision=provision, introduced_by=order, ended_by=amendments[0] if n > 1 else None)
    for i, amendment in enumerate(amendments[1:], start=1):
        ended = amendments[i + 1] if i + 1 < n else None
        ProvisionVersionFactory(provision=provision, introduced_by=amendment, ended_by=ended)
    response = count(
        client, django_assert_num_queries, PROVISION_QUERIES, reverse("catalog:provision_detail", args=[provision.pk])
    )
    assert len(response.context["entries"]) == max(n, 1)


# --- the applicant's side ----------------------------------------------------------------------------------


# 1 session, 2 user, 3 groups (roles for the navigation), 4 the organisation scoped to the member,
# 5 members with their users, 6 open invitations, 7 applications.
ORGANISATION_QUERIES = 7


@pytest.mark.parametrize("n", [1, 30])
def test_organisation_page(client, django_assert_num_queries, member, organisation, n):
    for i in range(n):
        application_create(organisation=organisation, user=member)
        member_of(organisation, UserFactory(email=f"colleague{i}@example.com"))
        services.organisation_invite(
            organisation=organisation,
            email=f"invited{i}@example.com",
            invited_by=member,
        )
    client.force_login(member)
    response = count(
        client,
        django_assert_num_queries,
        ORGANISATION_QUERIES,
        reverse("applications:organisation_detail", args=[organisation.pk]),
    )
    assert response.content.decode().count("invited") >= n


def _draft(organisation, member, n: int):
    """A draft with n claims and n certificates, every step answered."""
    return complete_draft(
        organisation=organisation,
        user=member,
        paragraphs=paragraphs(n),
        sells_goods=True,
        certificates=n,
        today=TODAY.date(),
    )


# Every draft page: 1 session, 2 user, 3 the application scoped to the member with its organisation,
# 4 its claims with provision and pinned wording, 5 its certificates, 6-7 the catalog on the reference
# date (list acts, wordings in force), 8 groups (roles for the navigation). The task list adds 9, the
# decision (none yet) that the page would show.
DRAFT_PAGES = [
    ("applications:detail", 9),
    ("applications:activities", 8),
    ("applications:certificates", 8),
    ("applications:check", 8),
    ("applications:declaration", 8),
]


@pytest.mark.parametrize("n", [2, 19])  # claims and certificates: 19 is every activity in force
@pytest.mark.parametrize(("name", "expected"), DRAFT_PAGES)
def test_draft_pages(client, django_assert_num_queries, member, organisation, name, expected, n):
    draft = _draft(organisation, member, n)
    client.force_login(member)
    response = count(client, django_assert_num_queries, expected, reverse(name, args=[draft.reference]))
    page = response.content.decode()
    if name in ("applications:check", "applications:activities"):
        assert f"We build and sell software for paragraph {n}." in page
    if name in ("applications:check", "applications:certificates"):
        assert f"KZ-{draft.pk}-{n - 1}" in page


def _submitted(organisation, member, n: int):
    return submitted_application(
        organisation=organisation,
        user=member,
        paragraphs=paragraphs(n),
        sells_goods=True,
        certificates=n,
        on=datetime.date(2025, 3, 3),
    )


def _decided(organisation, member, rev, n: int):
    application = review.application_take(application=_submitted(organisation, member, n), user=rev, no_conflict=True)
    for claim in application.claims.all():
        review.claim_tick(claim=claim, user=rev, verdict=Verdict.CONFIRMED, note="Seen the contracts.")
    for certificate in application.certificates.all():
        review.certificate_verify(certificate=certificate, user=rev, verification=Verification.VERIFIED, note="")
    for i in range(n):
        review.applicant_message_send(application=application, user=rev, body=f"Message {i}")
        review.internal_note_add(application=application, user=rev, body=f"Note {i}")
    review.decision_record(application=application, user=rev, outcome=Outcome.APPROVED, reasons="")
    application.refresh_from_db()
    return application


# The submitted application, read-only: the draft pages' 9 (session, user, application, claims,
# certificates, decision, two for the catalog on the reference date, groups) and 10 the park's messages.
READ_ONLY_QUERIES = 10


@pytest.mark.parametrize("n", [2, 19])  # claims and certificates
def test_read_only_application(client, django_assert_num_queries, member, organisation, n):
    application = _submitted(organisation, member, n)
    client.force_login(member)
    response = count(
        client,
        django_assert_num_queries,
        READ_ONLY_QUERIES,
        reverse("applications:detail", args=[application.reference]),
    )
    assert f"KZ-{application.pk}-{n - 1}" in response.content.decode()


# A decided application with n confirmed claims, n verified certificates, n messages and n internal notes.
DECIDED_PAGES = [
    # 1 session, 2 user, 3 groups, 4 the application (not a draft, the member's), 5 the decision with who
    # decided and its act: the confirmed activities are quoted from the decision's frozen copy, no join.
    ("applications:letter", 5),
    # 4 the application, 5 its history (status changes), 6 the messages, 7 the decision.
    ("applications:status", 7),
    # The read-only page's 10 and 11 the decision's act, named beside the outcome.
    ("applications:detail", 11),
]


@pytest.mark.parametrize("n", [2, 19])
@pytest.mark.parametrize(("name", "expected"), DECIDED_PAGES)
def test_decided_pages_for_the_applicant(
    client, django_assert_num_queries, member, organisation, rev, name, expected, n
):
    application = _decided(organisation, member, rev, n)
    client.force_login(member)
    response = count(client, django_assert_num_queries, expected, reverse(name, args=[application.reference]))
    page = response.content.decode()
    if name == "applications:letter":
        assert page.count("Appendix 1, paragraph") >= n
    if name == "applications:status":
        assert f"Message {n - 1}" in page
    assert "Note 0" not in page  # internal notes never reach the applicant


# The review screen: 1 session, 2 user, 3 groups, 4 the application with organisation, reviewer and act,
# 5 claims with provision, pinned wording and who ticked, 6 certificates with who verified, 7 the catalog's
# revision (every wording of the claimed provisions and the catalog on the reference date are then cached, as
# count() asked once before), 8 certificates of other organisations with the same numbers, 9 messages (the
# latest request for changes among them), 10 the decision, 11 the published catalog changes that touched it,
# with their acts, 12 internal notes, 13 whether the reviewer is a member of the organisation.
REVIEW_SCREEN_QUERIES = 13


@pytest.mark.parametrize("n", [2, 19])  # claims, certificates, messages and internal notes
def test_review_screen(client, django_assert_num_queries, member, organisation, rev, n):
    application = review.application_take(application=_submitted(organisation, member, n), user=rev, no_conflict=True)
    for i in range(n):
        review.applicant_message_send(application=application, user=rev, body=f"Message {i}")
        review.internal_note_add(application=application, user=rev, body=f"Note {i}")
    for claim in list(application.claims.all())[: n // 2]:
        review.claim_tick(claim=claim, user=rev, verdict=Verdict.CONFIRMED, note="Seen the contracts.")
    client.force_login(rev)
    response = count(
        client,
        django_assert_num_queries,
        REVIEW_SCREEN_QUERIES,
        reverse("review:application", args=[application.reference]),
    )
    page = response.content.decode()
    assert f"Note {n - 1}" in page and f"KZ-{application.pk}-{n - 1}" in page


@pytest.mark.parametrize("n", [2, 19])
def test_review_screen_once_decided(client, django_assert_num_queries, member, organisation, rev, n):
    application = _decided(organisation, member, rev, n)
    client.force_login(rev)
    count(
        client,
        django_assert_num_queries,
        REVIEW_SCREEN_QUERIES,
        reverse("review:application", args=[application.reference]),
    )


@pytest.mark.parametrize("n", [2, 19])
def test_review_screen_after_a_resubmission(client, django_assert_num_queries, member, organisation, rev, n):
    """Changed answers are compared with the snapshot taken at the request: one more query, for the labels
    of the removed claims' provisions."""
    from applications.applicant.services import application_submit

    application = review.application_take(application=_submitted(organisation, member, n), user=rev, no_conflict=True)
    review.application_request_changes(application=application, user=rev, message="Explain each activity better.")
    application.refresh_from_db()
    claims = list(application.claims.order_by("pk"))
    claims[0].delete()
    for claim in claims[1:]:
        claim.explanation += " Changed."
        claim.save()
    with time_machine.travel(TODAY + datetime.timedelta(hours=1), tick=False):  # after the request
        application_submit(application=application, user=member)
    client.force_login(rev)
    response = count(
        client,
        django_assert_num_queries,
        REVIEW_SCREEN_QUERIES + 1,
        reverse("review:application", args=[application.reference]),
    )
    page = response.content.decode()
    assert page.count("Changed.") >= n - 1 and "Appendix 1, paragraph 1" in page
    assert response.context["screen"].removed_claims == ["Appendix 1, paragraph 1"]


# The timeline's own test varies the number of internal notes; here the rows name n provisions, n wordings
# and two users: 1 session, 2 user, 3 groups, 4 the application, 5-11 the seven history tables (the
# application, claims, certificates, decision, notes, messages, declarations of no conflict), 12 users in bulk,
# 13 the catalog's revision (the provisions, wordings and acts the rows name then come from the catalog cache,
# as count() asked once before), whatever the rows name.
TIMELINE_QUERIES = 13


@pytest.mark.parametrize("n", [2, 19])  # claims and certificates, each ticked or verified
def test_timeline_with_many_claims_and_certificates(client, django_assert_num_queries, member, organisation, rev, n):
    application = _decided(organisation, member, rev, n)
    client.force_login(rev)
    response = count(
        client, django_assert_num_queries, TIMELINE_QUERIES, reverse("review:timeline", args=[application.reference])
    )
    assert f"Activity: Appendix 1, paragraph {n}" in response.content.decode()
