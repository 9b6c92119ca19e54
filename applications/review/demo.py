"""Demo review work for `make run`: moves some submitted demo applications through the reviewers' services.

Called at the end of `seed_demo` as `seed_review_demo(stdout)`. Idempotent: once any
application has a reviewer, it does nothing. When too few submitted applications exist (the applicant
demo data not loaded yet), it first submits a few of its own, through the same workflow services.
"""

import datetime

from django.contrib.auth.models import Group, User
from django.db import transaction

from catalog.models import Provision

from ..applicant.accounts import email_verification_record
from ..applicant.services import application_create, application_submit
from ..models import ActivityClaim, Application, Organisation, Outcome, Status, Verdict, Verification
from ..permissions import is_member
from ..roles import LEAD_REVIEWERS, REVIEWERS
from ..workflow import save_with_history
from . import services as review

DEMO_REVIEWER = "reviewer@example.com"
DEMO_LEAD = "lead@example.com"
OWN_DEMO = [
    # (organisation, BIN, submitted on, paragraphs)
    ("Steppe Code LLP", "940140000385", datetime.date(2025, 9, 1), (2, 5)),
    ("Nomad Cloud LLP", "990140004654", datetime.date(2025, 10, 6), (19,)),
    ("Baiterek Data LLP", "190540972277", datetime.date(2024, 11, 4), (3, 8)),
    ("Altyn Soft LLP", "151240969797", datetime.date(2025, 2, 3), (2,)),
    ("Irbis Robotics LLP", "171040489307", datetime.date(2025, 11, 3), (4, 11)),
    ("Kok Tobe Games LLP", "140340243986", datetime.date(2025, 11, 17), (13,)),
]


def _user(email: str, *groups: str) -> User:
    user, created = User.objects.get_or_create(username=email, defaults={"email": email})
    if created:
        user.set_password(email.split("@")[0] + "-demo-2025")
        user.save()
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    email_verification_record(user)  # the demo's addresses need no mailbox to be used
    return user


def _own_applications(stdout) -> None:
    """A few submitted applications of our own, for a queue without the applicant demo data."""
    applicant = _user("demo-applicant@example.com")
    for name, bin_, on, paragraphs in OWN_DEMO:
        organisation, _created = Organisation.objects.get_or_create(
            bin=bin_,
            defaults={
                "name": name,
                "legal_address": "Mangilik El 55/8, Astana",
                "director": "A. Director",
                "contact_email": "office@example.kz",
                "contact_phone": "+7 7172 000000",
            },
        )
        organisation.memberships.get_or_create(user=applicant)
        application = application_create(organisation=organisation, user=applicant, today=on)
        for field in Application.ELIGIBILITY_FIELDS:
            setattr(application, field, True)
        application.sells_own_goods = False
        application.declaration_confirmed = True
        save_with_history(application, user=applicant)
        for paragraph in paragraphs:
            provision = Provision.objects.get(act__code="37/RD", appendix=1, paragraph=paragraph)
            save_with_history(
                ActivityClaim(
                    application=application,
                    provision=provision,
                    explanation=f"{name} develops and sells its own software in this field (paragraph {paragraph}).",
                ),
                user=applicant,
            )
        application_submit(application=application, user=applicant, today=on)
    stdout.write(f"  submitted {len(OWN_DEMO)} demo applications for the review queue\n")


@transaction.atomic
def seed_review_demo(stdout) -> None:
    if Application.objects.filter(assigned_reviewer__isnull=False).exists():
        stdout.write("Review demo: already in place.\n")
        return
    reviewer = _user(DEMO_REVIEWER, REVIEWERS)
    lead = _user(DEMO_LEAD, REVIEWERS, LEAD_REVIEWERS)
    submitted = list(Application.objects.filter(status=Status.SUBMITTED).order_by("reference_date", "reference"))
    if len(submitted) < 6:
        _own_applications(stdout)
        submitted = list(Application.objects.filter(status=Status.SUBMITTED).order_by("reference_date", "reference"))
    candidates = [a for a in submitted if not is_member(reviewer, a.organisation_id)]
    plan = iter(candidates)
    done = []

    def tick_everything(application):
        for claim in application.claims.all():
            review.claim_tick(claim=claim, user=reviewer, verdict=Verdict.CONFIRMED, note="Matches the contracts.")
        for certificate in application.certificates.all():
            review.certificate_verify(certificate=certificate, user=reviewer, verification=Verification.VERIFIED)

    # 1. Approved: taken, every claim confirmed, certificates verified, decided.
    application = next(plan, None)
    if application:
        review.application_take(application=application, user=reviewer, no_conflict=True)
        tick_everything(application)
        review.decision_record(application=application, user=reviewer, outcome=Outcome.APPROVED)
        done.append((application.reference, "approved"))
    # 2. Rejected, with reasons.
    application = next(plan, None)
    if application:
        review.application_take(application=application, user=reviewer, no_conflict=True)
        first = application.claims.first()
        review.claim_tick(claim=first, user=reviewer, verdict=Verdict.NOT_CONFIRMED, note="Resale of licences only.")
        review.decision_record(
            application=application,
            user=reviewer,
            outcome=Outcome.REJECTED,
            reasons="The company resells software licences; it does not carry on a priority activity itself.",
        )
        done.append((application.reference, "rejected"))
    # 3. Changes requested, after a first tick and an internal note.
    application = next(plan, None)
    if application:
        review.application_take(application=application, user=reviewer, no_conflict=True)
        review.internal_note_add(application=application, user=reviewer, body="Phoned the director: contracts exist.")
        review.application_request_changes(
            application=application,
            user=reviewer,
            message="Please describe your main products for each activity, with one example contract.",
        )
        done.append((application.reference, "changes requested"))
    # 4. In review, half ticked.
    application = next(plan, None)
    if application:
        review.application_take(application=application, user=reviewer, no_conflict=True)
        review.claim_tick(claim=application.claims.first(), user=reviewer, verdict=Verdict.CONFIRMED)
        done.append((application.reference, "in review"))
    # 5. Assigned by the lead to the reviewer, not yet taken.
    application = next(plan, None)
    if application:
        review.application_assign(application=application, user=lead, reviewer=reviewer)
        done.append((application.reference, "assigned"))
    lines = "\n".join(f"  {ref:<16} {what}" for ref, what in done)
    stdout.write(f"Review demo (as {DEMO_REVIEWER}):\n{lines}\n")
