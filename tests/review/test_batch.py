"""Batch work in the queue: tick rows, then assign them to a reviewer (lead reviewers) or take them (with the
declaration). Each application in its own transaction: one refused undoes none of the others; the summary says,
row by row, what was done and what was refused and why."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from applications.models import Application, Status
from applications.review import services as review
from applications.workflow import DomainError
from tests.factories import OrganisationFactory, UserFactory, member_of, reviewer, submitted_application

pytestmark = pytest.mark.django_db

ASTANA = zoneinfo.ZoneInfo("Asia/Almaty")
URL = reverse("review:batch")


@pytest.fixture(autouse=True)
def in_2025():
    with time_machine.travel(datetime.datetime(2025, 4, 16, 10, tzinfo=ASTANA), tick=False):
        yield


@pytest.fixture
def three(other_rev):
    """Two submitted applications; a third already in review by other_rev."""
    first, second, third = (
        submitted_application(organisation=OrganisationFactory(name=name), on=datetime.date(2025, 4, 1))
        for name in ("Alpha LLP", "Beta LLP", "Gamma LLP")
    )
    review.application_take(application=third, user=other_rev, no_conflict=True)
    return first, second, third


def rows(response) -> dict[str, tuple[bool, str]]:
    return {outcome.reference: (outcome.done, outcome.message) for outcome in response.context["outcomes"]}


def test_a_lead_assigns_several_and_sees_what_was_refused_and_why(
    client, lead, rev, three, django_capture_on_commit_callbacks
):
    first, second, third = three
    member_of(second.organisation, rev)  # rev belongs to Beta LLP: never their reviewer
    client.force_login(lead)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            {
                "action": "assign",
                "reviewer": rev.pk,
                "references": [first.reference, second.reference, third.reference],
                "back": "status=open&q=LLP",
            },
        )
    assert response.status_code == 200
    assert rows(response) == {
        first.reference: (True, "Assigned to rev@example.com."),
        second.reference: (
            False,
            "rev@example.com is a member of Beta LLP, the applicant: a reviewer never reviews their own organisation.",
        ),
        third.reference: (True, "Assigned to rev@example.com."),
    }
    html = response.content.decode()
    assert "2 of 3 done, 1 refused." in html
    assert 'href="/review/?status=open&amp;q=LLP"' in html  # back to the same list
    for application, reviewer_email in ((first, "rev@example.com"), (second, None), (third, "rev@example.com")):
        application.refresh_from_db()
        assert getattr(application.assigned_reviewer, "email", None) == reviewer_email
    # rev is told once, of both (one e-mail, not one per application).
    [email] = [email for email in mail.outbox if email.to == ["rev@example.com"]]
    assert email.subject == "2 updates on your applications"
    assert first.reference in email.body and third.reference in email.body and second.reference not in email.body


def test_a_reviewer_takes_several_with_the_declaration(client, rev, three):
    first, second, third = three
    client.force_login(rev)
    response = client.post(
        URL, {"action": "take", "no_conflict": "on", "references": [first.reference, second.reference, third.reference]}
    )
    assert rows(response) == {
        first.reference: (True, "Taken into review."),
        second.reference: (True, "Taken into review."),
        third.reference: (False, "This application is already assigned to other-rev@example.com."),
    }
    assert set(Application.objects.filter(assigned_reviewer=rev).values_list("status", flat=True)) == {Status.IN_REVIEW}


def test_taking_without_the_declaration_is_refused_row_by_row(client, rev, three):
    first, _second, _third = three
    client.force_login(rev)
    response = client.post(URL, {"action": "take", "references": [first.reference]})
    assert rows(response) == {
        first.reference: (
            False,
            "Declare that you have no conflict of interest with Alpha LLP before taking the application.",
        )
    }
    first.refresh_from_db()
    assert first.status == Status.SUBMITTED and first.assigned_reviewer is None


def test_a_reviewer_may_not_assign(client, rev, other_rev, three):
    first, _second, _third = three
    client.force_login(rev)
    response = client.post(URL, {"action": "assign", "reviewer": other_rev.pk, "references": [first.reference]})
    assert response.status_code == 302
    assert "Only a lead reviewer can assign applications." in _messages(client)
    first.refresh_from_db()
    assert first.assigned_reviewer is None


def test_one_refusal_undoes_none_of_the_others(lead, rev, three):
    """Straight through the service: the refusal in the middle leaves the first and the last done."""
    first, second, third = three
    second.status = Status.WITHDRAWN
    second.save()
    outcomes = review.applications_batch(
        user=lead, action="assign", references=[first.reference, second.reference, third.reference], reviewer=rev
    )
    assert [outcome.done for outcome in outcomes] == [True, False, True]
    assert "This application is now “Withdrawn”." in outcomes[1].message
    assert Application.objects.filter(assigned_reviewer=rev).count() == 2


def _messages(client) -> str:
    return " ".join(str(message) for message in client.get(reverse("review:queue")).context["messages"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "take"}, "Select at least one application."),
        ({"action": "take", "references": [f"AH-2025-{i:05d}" for i in range(101)]}, "Select at most 100 applications"),
        ({"action": "assign", "references": ["AH-2025-00001"]}, "Choose the reviewer to assign them to."),
        ({"action": "assign", "reviewer": "999999", "references": ["AH-2025-00001"]}, "Select a valid choice."),
        ({"action": "delete", "references": ["AH-2025-00001"]}, "Choose what to do."),
        ({"references": ["AH-2025-00001"]}, "Choose what to do."),
    ],
)
def test_bad_input_goes_back_to_the_queue_with_the_reason(client, lead, three, data, message):
    client.force_login(lead)
    before = list(Application.objects.values_list("pk", "status", "assigned_reviewer"))
    response = client.post(URL, {**data, "back": "q=Alpha"})
    assert response.status_code == 302 and response.url == "/review/?q=Alpha"
    assert message in _messages(client)
    assert list(Application.objects.values_list("pk", "status", "assigned_reviewer")) == before


def test_unknown_references_drafts_and_junk_are_refused_not_crashing(client, rev, member, organisation):
    from tests.factories import complete_draft

    draft = complete_draft(organisation=organisation, user=member)
    client.force_login(rev)
    junk = ["AH-2025-99999", draft.reference, "<script>alert(1)</script>", "x" * 5000, "' OR 1=1 --"]
    response = client.post(URL, {"action": "take", "no_conflict": "on", "references": junk})
    assert response.status_code == 200
    assert all(not done and message == "There is no such application." for done, message in rows(response).values())
    assert "<script>alert(1)</script>" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_the_back_address_can_only_be_the_queue(client, lead):
    client.force_login(lead)
    response = client.post(URL, {"action": "take", "back": "https://evil.example/?next=//evil.example"})
    assert response.url.startswith("/review/?")


def test_the_service_refuses_a_batch_from_a_non_reviewer(member, three):
    first, _second, _third = three
    with pytest.raises(DomainError, match="Only park reviewers can do this."):
        review.applications_batch(user=member, action="take", references=[first.reference], no_conflict=True)


def test_the_queue_offers_assignment_to_lead_reviewers_only(client, rev, lead, three):
    client.force_login(rev)
    html = client.get(reverse("review:queue")).content.decode()
    assert "Take selected" in html and "Assign selected" not in html
    assert f'name="references" value="{three[0].reference}"' in html
    client.force_login(lead)
    html = client.get(reverse("review:queue")).content.decode()
    assert "Assign selected" in html and f'<option value="{rev.pk}">rev@example.com</option>' in html


# No e-mail per application: many assigned at once are one update e-mail (test above); here, many succeed.
def test_a_reviewer_can_be_assigned_many_across_organisations(lead):
    other = reviewer("many@example.com")
    applications = [submitted_application(user=UserFactory(), on=datetime.date(2025, 4, 1)) for _ in range(5)]
    outcomes = review.applications_batch(
        user=lead, action="assign", references=[a.reference for a in applications], reviewer=other
    )
    assert all(outcome.done for outcome in outcomes)
