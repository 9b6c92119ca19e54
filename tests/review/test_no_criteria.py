"""A list that sets no criteria of own production: no dead end on either side.

The applicant who sells goods is told the list sets no criteria and is asked for no certificate; the reviewer
records own production as not applicable, and the decision, the letter and the export say so. Where the
criteria are in force but their wording is not recorded, the reviewer's refusal is as before.
"""

import datetime

import pytest
from django.urls import reverse

from applications.applicant import services as applicant
from applications.models import Application, Decision, Outcome
from applications.review import services as review
from applications.review.exports import Labels, export_rows
from applications.review.selectors import review_screen
from applications.workflow import DomainError
from catalog.changes import change_publish, change_submit
from catalog.selectors import catalog_on
from tests.catalog.workbench import editor, successor_list
from tests.factories import OrganisationFactory, UserFactory, member_of, submitted_application

from .conftest import tick_all

pytestmark = pytest.mark.django_db

IN_MARCH = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)
NO_CRITERIA = "Order 45/TEST sets no criteria of own production of goods."


@pytest.fixture
def no_criteria_list(time_machine):
    """45/TEST, in force from 01.03.2026, states that it sets no criteria (test data); the clock on 02.03.2026."""
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
    author, approver = editor("author@example.com"), editor("approver@example.com")
    change = successor_list(author, criteria=[], sets_no_own_production_criteria=True)
    change_submit(change=change, user=author)
    change.refresh_from_db()
    change_publish(change=change, user=approver, revision=change.revision)
    time_machine.move_to(IN_MARCH, tick=False)


@pytest.fixture
def goods_draft(no_criteria_list, member, organisation):
    """A draft claiming test activity one, eligible; the goods question not yet answered."""
    application = applicant.new_draft(organisation=organisation, user=member)
    for name in Application.ELIGIBILITY_FIELDS:
        setattr(application, name, True)
    application.declaration_confirmed = True
    application.save()
    version = catalog_on(IN_MARCH.date()).activities[0]
    application.claims.create(provision=version.provision, explanation="We write software (test data).")
    return application


def test_the_goods_step_says_the_list_sets_no_criteria_and_asks_for_no_certificate(member_client, goods_draft):
    url = reverse("applications:goods", args=[goods_draft.reference])
    page = member_client.get(url).content.decode()
    assert NO_CRITERIA in page
    assert "No certificate of own production is asked for" in page
    response = member_client.post(url, {"sells_own_goods": "yes"})
    # Not sent on to the certificates: back to the task list, the section complete.
    assert response.status_code == 302
    assert response.url == reverse("applications:detail", args=[goods_draft.reference])
    tasks = member_client.get(response.url).content.decode()
    assert "Add at least one certificate" not in tasks
    goods_draft.refresh_from_db()
    assert goods_draft.sells_own_goods is True
    check = member_client.get(reverse("applications:check", args=[goods_draft.reference])).content.decode()
    assert NO_CRITERIA in check
    submitted = applicant.application_submit(application=goods_draft, user=goods_draft.created_by)
    assert submitted.status == "submitted" and submitted.act.code == "45/TEST"
    assert not submitted.certificates.exists()


def test_the_reviewer_records_own_production_as_not_applicable(client, rev, goods_draft):
    goods_draft.sells_own_goods = True
    goods_draft.save()
    application = applicant.application_submit(application=goods_draft, user=goods_draft.created_by)
    application = review.application_take(application=application, user=rev, no_conflict=True)
    screen = review_screen(application, today=IN_MARCH.date())
    assert screen.own_production["not_applicable"] is True
    assert screen.own_production["confirmed"] is None
    assert not any("own production" in problem.lower() for problem in screen.approval_problems)
    client.force_login(rev)
    page = client.get(reverse("review:application", args=[application.reference])).content.decode()
    assert "own production: not applicable" in page
    assert NO_CRITERIA in page
    assert "An editor must enter it first" not in page

    tick_all(application, rev)
    decision = review.decision_record(application=application, user=rev, outcome=Outcome.APPROVED)
    assert decision.own_production_not_applicable is True
    assert (decision.sells_own_goods, decision.own_production_confirmed) == (True, None)
    client.force_login(goods_draft.created_by)
    letter = client.get(reverse("applications:letter", args=[application.reference])).content.decode()
    assert (
        "Own production of the goods the company sells is not applicable: order 45/TEST, in force on the "
        "reference date, sets no criteria of own production."
    ) in letter
    assert "is not confirmed" not in letter
    (row,) = list(export_rows(Decision.objects.filter(pk=decision.pk), Labels()))
    assert row[7] == "not applicable (the list in force sets no criteria)"


def test_criteria_not_recorded_still_refuse_approval_with_the_reason(rev):
    # 15.03.2021: Appendix 2 before 130/NK, whose wording the catalog does not record.
    organisation = OrganisationFactory()
    user = member_of(organisation, UserFactory())
    application = submitted_application(organisation=organisation, user=user, on=datetime.date(2021, 3, 15),
                                        sells_goods=True)  # fmt: skip
    application = review.application_take(application=application, user=rev, no_conflict=True)
    tick_all(application, rev)
    screen = review_screen(application, today=IN_MARCH.date())
    assert screen.own_production["not_applicable"] is False
    with pytest.raises(DomainError) as refused:
        review.decision_record(application=application, user=rev, outcome=Outcome.APPROVED)
    assert (
        "Own production cannot be confirmed: the wording of the Appendix 2 criteria in force on 15.03.2021 is not "
        "recorded in the catalog. An editor must enter it first."
    ) in refused.value.message
