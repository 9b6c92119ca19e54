"""After submission: read-only, withdraw, illegal steps refused whole, requests for changes, the decision."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import ApplicantMessage, Application, Decision, InternalNote, Outcome, Status
from applications.workflow import apply_transition
from tests.factories import reviewer, submitted_application

pytestmark = pytest.mark.django_db


def url(name, application, *args):
    return reverse(f"applications:{name}", args=[application.reference, *args])


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def submitted(member, organisation):
    return submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 3, 3))


def move(application, *actions, user):
    for action in actions:
        application = apply_transition(application, action, user=user)
    return application


def test_a_submitted_application_is_read_only_with_its_status(in_2025, member_client, submitted):
    page = text(member_client.get(url("detail", submitted)))
    assert "The park has received the application and will review it within 15 working days." in page
    assert "03.03.2025" in page and "order 37/RD" in page
    assert "We build and sell software for paragraph 1." in page
    assert ">Change<" not in page and "Save and continue" not in page


@pytest.mark.parametrize("step", ["eligibility", "activities", "goods", "certificates", "check", "declaration"])
def test_no_step_opens_after_submission(in_2025, member_client, submitted, step):
    response = member_client.get(url(step, submitted), follow=True)
    assert f"Application {submitted.reference} is “Submitted” and can no longer be changed." in text(response)


def test_editing_after_submission_is_refused_whole(in_2025, member_client, submitted):
    before = submitted.history.count()
    answers = {name: "no" for name in Application.ELIGIBILITY_FIELDS}
    response = member_client.post(url("eligibility", submitted), answers, follow=True)
    assert "can no longer be changed" in text(response)
    submitted.refresh_from_db()
    assert submitted.is_legal_entity is True and submitted.history.count() == before


def test_submitting_twice_is_refused_with_the_reason(in_2025, member, submitted):
    from applications.applicant.services import application_confirm_and_submit
    from applications.workflow import DomainError

    with pytest.raises(DomainError) as refused:
        application_confirm_and_submit(application=submitted, user=member)
    assert refused.value.message == (
        "Only a draft, or an application returned for changes, can be submitted. This application is now “Submitted”."
    )
    submitted.refresh_from_db()
    assert submitted.submission_count == 1


def test_withdrawing_asks_first_then_withdraws(in_2025, member_client, member, submitted):
    page = text(member_client.get(url("withdraw", submitted)))
    assert f"Withdraw application {submitted.reference}?" in page and "Yes, withdraw it" in page
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED  # the question changes nothing
    response = member_client.post(url("withdraw", submitted), follow=True)
    assert f"Application {submitted.reference} is withdrawn." in text(response)
    assert "The application was withdrawn and will not be reviewed." in text(response)
    submitted.refresh_from_db()
    assert submitted.status == Status.WITHDRAWN
    assert submitted.history.first().history_user == member
    assert submitted.history.first().history_change_reason == "Withdrawn by the applicant"


def test_a_draft_can_be_withdrawn_too(in_2025, member_client, draft):
    member_client.post(url("withdraw", draft))
    draft.refresh_from_db()
    assert draft.status == Status.WITHDRAWN


@pytest.fixture
def decided(submitted):
    staff = reviewer()
    application = move(submitted, "start_review", "approve", user=staff)
    Decision.objects.create(
        application=application,
        outcome=Outcome.APPROVED,
        reasons="The company carries on paragraphs 1 and 2 of Appendix 1.",
        decided_by=staff,
        decided_at=timezone.now(),
        act=application.act,
        reference_date=application.reference_date,
        confirmed_activities=[{"appendix": 1, "paragraph": 1}, {"appendix": 1, "paragraph": 2}],
    )
    InternalNote.objects.create(application=application, author=staff, body="Checked the director by phone.")
    return application


def test_a_decided_application_cannot_be_withdrawn(in_2025, member_client, decided):
    page = text(member_client.get(url("detail", decided)))
    assert "Withdraw this application" not in page
    response = member_client.post(url("withdraw", decided), follow=True)
    assert (
        "An application that has been decided or withdrawn cannot be withdrawn. This application is now “Approved”."
    ) in text(response)
    decided.refresh_from_db()
    assert decided.status == Status.APPROVED


def test_the_decision_is_shown_but_never_an_internal_note(in_2025, member_client, decided):
    page = text(member_client.get(url("detail", decided)))
    assert "Decision: Approved on" in page
    assert "The company carries on paragraphs 1 and 2 of Appendix 1." in page
    assert "Appendix 1, paragraph 2" in page
    assert "Checked the director by phone." not in page


def test_the_applicant_reaches_the_letter_and_the_history_from_the_application(in_2025, member_client, decided):
    page = text(member_client.get(url("detail", decided)))
    letter = reverse("applications:letter", args=[decided.reference])
    status = reverse("applications:status", args=[decided.reference])
    assert f'href="{letter}"' in page and "Decision letter (printable)" in page
    assert f'href="{status}"' in page
    assert "Checked the director by phone." not in text(member_client.get(letter))
    assert "Checked the director by phone." not in text(member_client.get(status))


@pytest.fixture
def returned(submitted):
    staff = reviewer()
    application = move(submitted, "start_review", "request_changes", user=staff)
    ApplicantMessage.objects.create(
        application=application,
        kind=ApplicantMessage.Kind.CHANGES_REQUESTED,
        author=staff,
        body="Explain paragraph 2 in more detail: who are your clients?",
    )
    InternalNote.objects.create(application=application, author=staff, body="Suspect paragraph 2 is resale.")
    return application


def test_a_request_for_changes_opens_the_steps_again_and_the_application_is_resubmitted(
    in_2025, member_client, returned
):
    page = text(member_client.get(url("detail", returned)))
    assert "The park has asked for changes." in page
    assert "Explain paragraph 2 in more detail: who are your clients?" in page
    assert "Suspect paragraph 2 is resale." not in page
    claim = returned.claims.get(provision__paragraph=2)
    p1 = returned.claims.get(provision__paragraph=1).provision_id
    member_client.post(
        url("activities", returned),
        {
            f"tick_{p1}": "on",
            f"explanation_{p1}": "We build and sell software for paragraph 1.",
            f"tick_{claim.provision_id}": "on",
            f"explanation_{claim.provision_id}": "Information systems for the three largest logistics firms.",
        },
    )
    response = member_client.post(url("declaration", returned), {"confirm": "on"}, follow=True)
    assert f"Application {returned.reference} is submitted." in text(response)
    returned.refresh_from_db()
    assert returned.status == Status.SUBMITTED and returned.submission_count == 2
    assert returned.reference_date == datetime.date(2025, 3, 3)  # pinned at the first submission
    assert returned.history.first().history_change_reason == "Submitted again after changes"
    claim.refresh_from_db()
    assert claim.explanation == "Information systems for the three largest logistics firms."


def test_changes_can_be_made_even_when_no_list_is_in_force_today(in_2026, member_client, returned):
    # The reference date was pinned in 2025: the applicant chooses from the list in force then.
    page = text(member_client.get(url("activities", returned)))
    assert "as in force on 03.03.2025" in page
    response = member_client.post(url("declaration", returned), {"confirm": "on"}, follow=True)
    assert f"Application {returned.reference} is submitted." in text(response)


def test_only_a_member_can_submit_or_withdraw_even_through_the_services(in_2025, member, organisation):
    from applications.applicant.services import application_submit, application_withdraw
    from applications.workflow import DomainError
    from tests.factories import OrganisationFactory, UserFactory, complete_draft, member_of

    draft = complete_draft(organisation=organisation, user=member, today=datetime.date(2025, 3, 3))
    stranger = member_of(OrganisationFactory(), UserFactory())
    for service in (application_submit, application_withdraw):
        with pytest.raises(DomainError, match=f"Only a member of {organisation.name} can do this."):
            service(application=draft, user=stranger)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.submission_count == 0
