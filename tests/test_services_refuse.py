"""Every service that acts on an application (or on an organisation) refuses whoever may not act, and a
refusal changes nothing.

The service modules are introspected: every public function there that takes the acting user (`user` or
`invited_by`) must have a line in CALLS below, or `test_every_service_is_called_here` fails. Deciding who
may call a new service is part of adding it.

Each service is called by the people who may not call it (a DomainError with a message, and not one row
of the applications app changed), then by the one who may, with the same arguments (it acts): proof that
the refusals were about who acted, not about the data.

- OUTSIDER: a signed-in user of no organisation and no role; OTHER_MEMBER: a member of another
  organisation. Neither acts on an application that is not theirs.
- APPLICANT: a member of the application's own organisation, on a staff action.
- UNDECLARED: a lead reviewer (whose role passes the assignment check) who has not declared that they
  have no conflict of interest with the applicant.
- REVIEWER: a reviewer, on the applicant's own steps (staff never act for an applicant).
"""

import datetime
import inspect
from dataclasses import dataclass

import pytest
import time_machine
from django.apps import apps
from django.core.files.base import ContentFile

from applications.applicant import services as applicant
from applications.models import Invitation, Outcome, Verdict, Verification
from applications.review import services as review
from applications.workflow import DomainError
from tests.factories import (
    PDF_BYTES,
    OrganisationFactory,
    UserFactory,
    complete_draft,
    member_of,
    provision,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

SERVICE_MODULES = {"applicant": applicant, "review": review}
# Builders the services above call once they have checked who acts; they check nothing themselves.
BUILDERS = {
    "applicant.new_draft": "the draft behind application_create and the registering of a received application",
    "applicant.certificate_attach": "the certificate behind certificate_add and application_register_received",
}

OUTSIDER, OTHER_MEMBER, APPLICANT, UNDECLARED, REVIEWER = "outsider", "other_member", "member", "undeclared", "rev"
ON_APPLICANTS_WORK = (OUTSIDER, OTHER_MEMBER, REVIEWER)
ON_STAFF_WORK = (OUTSIDER, OTHER_MEMBER, APPLICANT, UNDECLARED)


def acting_services() -> set[str]:
    found = set()
    for side, module in SERVICE_MODULES.items():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_"):
                continue
            if {"user", "invited_by"} & set(inspect.signature(function).parameters):
                found.add(f"{side}.{name}")
    return found - set(BUILDERS)


@dataclass
class World:
    member: object
    organisation: object
    outsider: object
    other_member: object
    rev: object  # the reviewer of in_review, declared
    undeclared: object  # a lead reviewer who has not declared
    lead: object  # a lead reviewer who has not declared either (the one who may assign and declare)
    draft: object  # the organisation's draft, every step answered, selling goods, one certificate
    submitted: object
    in_review: object  # taken by rev, with a certificate
    invitation: object  # to invited@example.com


@pytest.fixture
def world(db):
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        member = UserFactory(email="member@example.com")
        organisation = member_of(OrganisationFactory(name="Steppe Software LLP"), member).organisations.get()
        other_member = UserFactory(email="other@example.com")
        member_of(OrganisationFactory(name="Other Company LLP"), other_member)
        rev = reviewer("rev@example.com")
        on = datetime.date(2025, 3, 3)
        in_review = submitted_application(organisation=organisation, user=member, sells_goods=True, on=on)
        in_review = review.application_take(application=in_review, user=rev, no_conflict=True)
        world = World(
            member=member,
            organisation=organisation,
            outsider=UserFactory(email="outsider@example.com"),
            other_member=other_member,
            rev=rev,
            undeclared=reviewer("undeclared-lead@example.com", lead=True),
            lead=reviewer("lead@example.com", lead=True),
            draft=complete_draft(organisation=organisation, user=member, sells_goods=True, today=on),
            submitted=submitted_application(organisation=organisation, user=member, on=on),
            in_review=in_review,
            invitation=Invitation.objects.create(
                organisation=organisation, email="invited@example.com", invited_by=member
            ),
        )
        yield world


def _scan() -> ContentFile:
    return ContentFile(PDF_BYTES, name="scan.pdf")


def _profile() -> dict:
    return {
        "name": "New Company LLP",
        "bin": "940140000385",
        "legal_address": "Mangilik El 55/8, Astana",
        "director": "A. Director",
        "contact_email": "office@example.kz",
        "contact_phone": "+7 7172 000000",
    }


CERTIFICATE = {
    "kind": "st_kz",
    "number": "KZ-NEW-1",
    "issued_on": datetime.date(2024, 1, 10),
    "valid_until": datetime.date(2027, 1, 10),
    "issuer": "Chamber of Entrepreneurs of Astana",
    "goods": "Routers",
}

# service: (the call as `who`, who may make it, who may not)
CALLS = {
    # The applicant's side.
    "applicant.organisation_create": (
        lambda w, who: applicant.organisation_create(user=who, **_profile()),
        "outsider",  # anyone who is an applicant registers their own organisation
        (REVIEWER, UNDECLARED),  # staff never do (UNDECLARED is a lead reviewer)
    ),
    "applicant.organisation_update": (
        lambda w, who: applicant.organisation_update(organisation=w.organisation, user=who, name="Renamed LLP"),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.organisation_invite": (
        lambda w, who: applicant.organisation_invite(
            organisation=w.organisation, email="colleague@example.com", invited_by=who
        ),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.membership_leave": (
        lambda w, who: applicant.membership_leave(organisation=w.organisation, user=who),
        "colleague",  # a member who is not the last one (the last member is refused: tests/applicant/test_accounts.py)
        ON_APPLICANTS_WORK,
    ),
    "applicant.invitation_accept": (
        lambda w, who: applicant.invitation_accept(invitation=w.invitation, user=who),
        "invited",  # the account of the address invited
        (OUTSIDER, OTHER_MEMBER, REVIEWER),
    ),
    "applicant.application_create": (
        lambda w, who: applicant.application_create(organisation=w.organisation, user=who),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.application_eligibility_save": (
        lambda w, who: applicant.application_eligibility_save(
            application=w.draft, user=who, answers={"is_legal_entity": False}
        ),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.application_activities_save": (
        lambda w, who: applicant.application_activities_save(
            application=w.draft, user=who, choices={provision(3).pk: "We analyse retail data."}
        ),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.application_goods_save": (
        lambda w, who: applicant.application_goods_save(application=w.draft, user=who, sells_own_goods=False),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.certificate_add": (
        lambda w, who: applicant.certificate_add(application=w.draft, user=who, scan=_scan(), **CERTIFICATE),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.certificate_remove": (
        lambda w, who: applicant.certificate_remove(certificate=w.draft.certificates.get(), user=who),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.application_submit": (
        lambda w, who: applicant.application_submit(application=w.draft, user=who),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.application_confirm_and_submit": (
        lambda w, who: applicant.application_confirm_and_submit(application=w.draft, user=who),
        "member",
        ON_APPLICANTS_WORK,
    ),
    "applicant.application_withdraw": (
        lambda w, who: applicant.application_withdraw(application=w.submitted, user=who),
        "member",
        ON_APPLICANTS_WORK,
    ),
    # The reviewers' side.
    "review.application_take": (
        lambda w, who: review.application_take(application=w.submitted, user=who, no_conflict=True),
        "rev",
        (OUTSIDER, OTHER_MEMBER, APPLICANT),  # taking is how a reviewer declares (no_conflict is required)
    ),
    "review.conflict_declare": (
        lambda w, who: review.conflict_declare(application=w.in_review, user=who, no_conflict=True),
        "lead",
        (OUTSIDER, OTHER_MEMBER, APPLICANT, REVIEWER),  # REVIEWER (rev) has declared already: once
    ),
    "review.application_assign": (
        lambda w, who: review.application_assign(application=w.in_review, user=who, reviewer=w.lead),
        "lead",  # routing the work needs no declaration; the reviewer assigned declares before acting
        (OUTSIDER, OTHER_MEMBER, APPLICANT, REVIEWER),
    ),
    "review.claim_tick": (
        lambda w, who: review.claim_tick(claim=w.in_review.claims.first(), user=who, verdict=Verdict.CONFIRMED),
        "rev",
        ON_STAFF_WORK,
    ),
    "review.certificate_verify": (
        lambda w, who: review.certificate_verify(
            certificate=w.in_review.certificates.get(), user=who, verification=Verification.VERIFIED
        ),
        "rev",
        ON_STAFF_WORK,
    ),
    "review.check_record": (
        lambda w, who: review.check_record(
            check=review.TICK, item=w.in_review.claims.first(), user=who, value=Verdict.CONFIRMED
        ),
        "rev",
        ON_STAFF_WORK,
    ),
    "review.application_request_changes": (
        lambda w, who: review.application_request_changes(application=w.in_review, user=who, message="Explain."),
        "rev",
        ON_STAFF_WORK,
    ),
    "review.decision_record": (
        lambda w, who: review.decision_record(
            application=w.in_review, user=who, outcome=Outcome.REJECTED, reasons="Not an ICT activity."
        ),
        "rev",
        ON_STAFF_WORK,
    ),
    "review.internal_note_add": (
        lambda w, who: review.internal_note_add(application=w.in_review, user=who, body="Phoned the director."),
        "rev",
        ON_STAFF_WORK,
    ),
    "review.applicant_message_send": (
        lambda w, who: review.applicant_message_send(application=w.in_review, user=who, body="Please call us."),
        "rev",
        ON_STAFF_WORK,
    ),
    "review.application_register_received": (
        lambda w, who: review.application_register_received(
            organisation=w.organisation,
            user=who,
            received_on=datetime.date(2025, 5, 5),
            explanations={provision(2).pk: "Operates an e-government portal."},
            sells_own_goods=False,
            eligibility_declared=True,
        ),
        "rev",
        (OUTSIDER, OTHER_MEMBER, APPLICANT),  # no application yet, so nothing to declare on
    ),
    "review.applications_batch": (
        lambda w, who: review.applications_batch(
            user=who, action="assign", references=[w.submitted.reference], reviewer=w.rev
        ),
        "lead",  # each application then goes through application_assign (its refusals are row by row)
        (OUTSIDER, OTHER_MEMBER, APPLICANT, REVIEWER),
    ),
    "review.staff_preference_set": (
        lambda w, who: review.staff_preference_set(user=who, digest_only=True),
        "rev",  # how a member of staff is told: their own choice, about no application
        (OUTSIDER, OTHER_MEMBER, APPLICANT),
    ),
}


def fingerprint() -> dict:
    """Every row of every model of the applications app, history included."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("applications").get_models()
    }


def test_every_service_is_called_here():
    found = acting_services()
    assert found, "the introspection finds the services"
    assert sorted(found - set(CALLS)) == [], "Say in CALLS who may and who may not call these services"
    assert sorted(set(CALLS) - found) == [], "CALLS names services that no longer exist"


def test_every_service_on_an_application_refuses_outsiders_and_every_staff_action_the_undeclared():
    """The rule of the issue, checked on the table itself: nobody forgotten for any service."""
    for name, (_call, _right, refused) in CALLS.items():
        if name in ("applicant.organisation_create", "applicant.invitation_accept"):
            continue  # no application yet: an outsider registers their own organisation, or accepts their invitation
        assert {OUTSIDER, OTHER_MEMBER} <= set(refused), name
        if name.startswith("review.") and name not in ("review.application_take", "review.conflict_declare"):
            assert APPLICANT in refused, name
    staff_work = [
        name for name, (_c, _r, refused) in CALLS.items() if name.startswith("review.") and UNDECLARED in refused
    ]
    assert len(staff_work) == 7, staff_work  # tick, verify, check, request changes, decide, note, message


@pytest.mark.parametrize("name", sorted(CALLS))
def test_a_refusal_says_why_and_changes_nothing_and_the_right_person_acts(world, name):
    call, right, refused = CALLS[name]
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        before = fingerprint()
        for who in refused:
            with pytest.raises(DomainError) as refusal:
                call(world, getattr(world, who))
            assert refusal.value.message, (name, who)
            if who == UNDECLARED and name.startswith("review."):
                assert "Declare that you have no conflict of interest" in refusal.value.message, name
            assert fingerprint() == before, (name, who)
        if right == "invited":
            actor = UserFactory(email="invited@example.com")
        elif right == "colleague":
            actor = member_of(world.organisation, UserFactory(email="colleague@example.com"))
        else:
            actor = getattr(world, right)
        call(world, actor)
        assert fingerprint() != before, name
