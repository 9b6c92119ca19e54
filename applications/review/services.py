"""The reviewers' services: take and assign, tick claims, verify certificates, request changes, decide,
internal notes and messages to the applicant, and registering an application received by another channel;
with the rules a decision applies (approval_problems, own_production_finding).

Each service is keyword-only and atomic, locks the application row first (so that two reviewers acting
at once are serialised, and the second sees what the first did), checks the state and the actor through
applications/permissions.py, and writes with the acting user and a reason in the history. A refusal raises
DomainError and changes nothing.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import format_date
from catalog.selectors import CRITERIA_NOT_RECORDED, CatalogOnDate, catalog_on

from .. import decision_chain
from ..applicant.services import application_submit, certificate_attach, new_draft
from ..models import (
    ActivityClaim,
    ApplicantMessage,
    Application,
    Certificate,
    CertificateKind,
    ConflictDeclaration,
    Decision,
    InternalNote,
    Notification,
    Organisation,
    Outcome,
    StaffEvent,
    StaffPreference,
    Status,
    Verdict,
    Verification,
)
from ..notifications import notification_write, staff_event_write, staff_events_tell, staff_updates_together
from ..permissions import (
    Permission,
    can_add_internal_note,
    can_assign,
    can_batch_assign,
    can_be_assigned,
    can_decide,
    can_declare,
    can_message_applicant,
    can_register_received,
    can_request_changes,
    can_take,
    can_tick,
    can_use_review,
    can_verify,
    has_declared,
    require,
)
from ..workflow import DomainError, apply_transition, lock, save_with_history

# --- helpers --------------------------------------------------------------------------------------


def _require_unchanged(application: Application, seen: datetime.datetime | None) -> None:
    """Refuse when the application changed since the reviewer's page was drawn (another reviewer acted)."""
    if seen is not None and application.updated_at != seen:
        raise DomainError(
            _(
                "The application changed while you had it open: it is now “%(status)s”. "
                "Nothing was saved; look at it again before you act."
            )
            % {"status": application.get_status_display()}
        )


def _locked(application: Application) -> Application:
    locked = lock(application)
    # The organisation's name is used in messages; fetched after the lock, not locked itself.
    locked.organisation = Organisation.objects.get(pk=locked.organisation_id)
    return locked


# --- take and assign ------------------------------------------------------------------------------


# What a reviewer declares (the words are kept with each declaration, as they were confirmed).
NO_CONFLICT_STATEMENT = gettext_lazy(
    "I declare that I have no conflict of interest with this organisation: I am not its member, employee, "
    "founder or relative of one, and have no interest in the outcome."
)


def _declare(application: Application, user, no_conflict: bool) -> None:
    """Record `user`'s declaration on the locked application, unless they made it before; refused (nothing
    written) unless they confirmed the statement now."""
    if not no_conflict:
        raise DomainError(
            _("Declare that you have no conflict of interest with %(organisation)s before taking the application.")
            % {"organisation": application.organisation.name},
            field_errors={"no_conflict": _("Tick the declaration to go on.")},
        )
    if not has_declared(user, application):
        declaration = ConflictDeclaration(application=application, author=user, statement=str(NO_CONFLICT_STATEMENT))
        save_with_history(declaration, user=user, reason=_("Declared no conflict of interest"))
    # Shown beside the assigned reviewer's name (Application.no_conflict_declared).
    application.no_conflict_declared = application.no_conflict_declared or application.assigned_reviewer_id == user.pk


@transaction.atomic
def conflict_declare(*, application: Application, user, no_conflict: bool) -> Application:
    """A staff member declares no conflict of interest with the applicant organisation: every one of them
    does before acting on the application (a lead reviewer too, and a colleague adding an internal note)."""
    require(can_use_review(user))
    application = _locked(application)
    require(can_declare(user, application))
    _declare(application, user, no_conflict)
    if application.assigned_reviewer_id == user.pk:
        save_with_history(application, user=user, reason=_("Reviewer declared no conflict of interest"))
    return application


@transaction.atomic
def application_take(*, application: Application, user, no_conflict: bool) -> Application:
    """The reviewer takes an unassigned (or assigned-to-them) application, declaring no conflict of interest.

    A submitted application goes into review; one already in review (after a lead reviewer's assignment)
    stays there, now with the declaration.
    """
    require(can_use_review(user))
    application = _locked(application)
    require(can_take(user, application))
    if application.status == Status.SUBMITTED and application.assigned_reviewer_id is None:
        application.assigned_reviewer = user
        application.assigned_at = timezone.now()
    _declare(application, user, no_conflict)
    if application.status == Status.IN_REVIEW:
        return save_with_history(application, user=user, reason=_("Reviewer declared no conflict of interest"))
    return apply_transition(
        application, "start_review", user=user, reason=_("Review started; reviewer declared no conflict of interest")
    )


@transaction.atomic
def application_assign(*, application: Application, user, reviewer) -> Application:
    """A lead reviewer assigns (or reassigns) an application; the reviewer declares no conflict when taking it."""
    require(can_use_review(user))
    application = _locked(application)
    require(can_assign(user, application))
    require(can_be_assigned(reviewer, application))
    if application.assigned_reviewer_id == reviewer.pk:
        raise DomainError(_("The application is already assigned to %(user)s.") % {"user": reviewer})
    application.assigned_reviewer = reviewer
    application.assigned_at = timezone.now()
    # The declaration is personal: the newly assigned reviewer makes it when taking the application (unless
    # they declared on it before).
    application.no_conflict_declared = has_declared(reviewer, application)
    save_with_history(application, user=user, reason=_("Assigned to %(user)s by a lead reviewer") % {"user": reviewer})
    if reviewer.pk != user.pk:
        staff_event_write(user=reviewer, kind=StaffEvent.Kind.ASSIGNED, application=application, actor=user)
    return application


# --- ticks and verification: one mechanism -------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Check:
    """What a reviewer checks item by item: each claimed activity is ticked, each certificate verified.

    The item keeps the outcome, an internal note, who and when, in the four `fields` named here. The value
    that refuses the item needs a note saying why."""

    model: type[ActivityClaim] | type[Certificate]
    fields: tuple[str, str, str, str]  # outcome, note, who, when
    passed: str
    failed: str
    allowed: Callable[..., Permission]
    choose: str  # the refusal when neither value is given
    say_why: str  # the refusal of `failed` without a note
    reasons: dict[str, str]  # the history's reason for each value


TICK = Check(
    ActivityClaim,
    ("verdict", "verdict_note", "verdict_by", "verdict_at"),
    Verdict.CONFIRMED,
    Verdict.NOT_CONFIRMED,
    can_tick,
    gettext_lazy("Choose “confirmed” or “not confirmed”."),
    gettext_lazy("Say why the activity is not confirmed."),
    {
        Verdict.CONFIRMED: gettext_lazy("Activity confirmed"),
        Verdict.NOT_CONFIRMED: gettext_lazy("Activity not confirmed"),
    },
)
VERIFY = Check(
    Certificate,
    ("verification", "verification_note", "verified_by", "verified_at"),
    Verification.VERIFIED,
    Verification.REJECTED,
    can_verify,
    gettext_lazy("Choose “verified” or “rejected”."),
    gettext_lazy("Say why the certificate is rejected."),
    {
        Verification.VERIFIED: gettext_lazy("Certificate verified"),
        Verification.REJECTED: gettext_lazy("Certificate rejected"),
    },
)


@transaction.atomic
def check_record(*, check: Check, item: ActivityClaim | Certificate, user, value: str, note: str = ""):
    """Record the reviewer's check of one item of an application in review (a claim or a certificate)."""
    require(can_use_review(user))
    application = _locked(item.application)
    require(check.allowed(user, application))
    if value not in (check.passed, check.failed):
        raise DomainError(check.choose)
    note = (note or "").strip()
    if value == check.failed and not note:
        raise DomainError(check.say_why, field_errors={"note": _("A note is required.")})
    item = check.model.objects.select_for_update().get(pk=item.pk, application=application)
    for name, written in zip(check.fields, (value, note, user, timezone.now()), strict=True):
        setattr(item, name, written)
    return save_with_history(item, user=user, reason=str(check.reasons[value]))


def claim_tick(*, claim: ActivityClaim, user, verdict: str, note: str = "") -> ActivityClaim:
    """Confirm or not confirm one claimed activity; a "not confirmed" needs a note (internal)."""
    return check_record(check=TICK, item=claim, user=user, value=verdict, note=note)


def certificate_verify(*, certificate: Certificate, user, verification: str, note: str = "") -> Certificate:
    """Mark a certificate verified or rejected; a rejection needs a note (internal)."""
    return check_record(check=VERIFY, item=certificate, user=user, value=verification, note=note)


# --- words: internal notes and messages to the applicant --------------------------------------------


@transaction.atomic
def internal_note_add(*, application: Application, user, body: str) -> InternalNote:
    """A note only staff ever see."""
    require(can_use_review(user))
    application = _locked(application)
    require(can_add_internal_note(user, application))
    if not (body or "").strip():
        raise DomainError(_("Write the note."), field_errors={"body": _("Write the note.")})
    note = InternalNote(application=application, author=user, body=body.strip())
    return save_with_history(note, user=user, reason=_("Internal note added"))


@transaction.atomic
def applicant_message_send(*, application: Application, user, body: str) -> ApplicantMessage:
    """A note the reviewer explicitly shares with the applicant."""
    require(can_use_review(user))
    application = _locked(application)
    require(can_message_applicant(user, application))
    if not (body or "").strip():
        raise DomainError(_("Write the message."), field_errors={"body": _("Write the message.")})
    message = ApplicantMessage(application=application, kind=ApplicantMessage.Kind.NOTE, author=user, body=body.strip())
    return save_with_history(message, user=user, reason=_("Message sent to the applicant"))


def application_answers(application: Application) -> dict:
    """The applicant's answers now, as plain JSON: kept with a request for changes so that a
    resubmission's changed answers can be highlighted."""
    return {
        "fields": {name: getattr(application, name) for name in (*Application.ELIGIBILITY_FIELDS, "sells_own_goods")},
        "claims": {str(claim.provision_id): claim.explanation for claim in application.claims.all()},
        "certificates": {
            certificate.number: certificate_answers(certificate) for certificate in application.certificates.all()
        },
    }


def certificate_answers(certificate: Certificate) -> dict:
    """A certificate as the applicant gave it, to compare before and after a request for changes."""
    return {
        "kind": certificate.kind,
        "issued_on": certificate.issued_on.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "issuer": certificate.issuer,
        "goods": certificate.goods,
        "scan": certificate.scan.name,
    }


@transaction.atomic
def application_request_changes(
    *, application: Application, user, message: str, seen: datetime.datetime | None = None
) -> ApplicantMessage:
    """Send the application back to the applicant with a message saying what to change."""
    require(can_use_review(user))
    application = _locked(application)
    _require_unchanged(application, seen)
    require(can_request_changes(user, application))
    if not (message or "").strip():
        raise DomainError(_("Tell the applicant what to change."), field_errors={"message": _("Write the message.")})
    request = ApplicantMessage(
        application=application,
        kind=ApplicantMessage.Kind.CHANGES_REQUESTED,
        author=user,
        body=message.strip(),
        snapshot=application_answers(application),
    )
    save_with_history(request, user=user, reason=_("Changes requested"))
    apply_transition(application, "request_changes", user=user)
    notification_write(
        application=application, kind=Notification.Kind.CHANGES_REQUESTED, actor=user, message=request.body
    )
    return request


# --- the decision ---------------------------------------------------------------------------------


def own_production_finding(application: Application, certificates: list[Certificate], catalog: CatalogOnDate) -> dict:
    """Whether own production is confirmed: a verified certificate of a kind the Appendix 2 criteria in
    force on the reference date accept, valid on that date. `confirmed` is None when the company sells no
    goods it produces (nothing to confirm), and when the list in force sets no criteria of own production
    (`not_applicable`: there is nothing to confirm them against)."""
    accepted = catalog.accepted_certificate_kinds
    not_applicable = bool(application.sells_own_goods) and catalog.sets_no_criteria
    day = application.reference_date
    rows = [
        {
            "kind": certificate.kind,
            "number": certificate.number,
            "issued_on": certificate.issued_on.isoformat(),
            "valid_until": certificate.valid_until.isoformat(),
            "verification": certificate.verification,
            "valid_on_reference_date": certificate.is_valid_on(day),
            "kind_accepted": None if accepted is None else certificate.kind in accepted,
        }
        for certificate in certificates
    ]
    confirmed = None
    if catalog.asks_for_certificates(application.sells_own_goods):
        confirmed = any(
            row["verification"] == Verification.VERIFIED and row["kind_accepted"] and row["valid_on_reference_date"]
            for row in rows
        )
    return {
        "sells_own_goods": bool(application.sells_own_goods),
        "confirmed": confirmed,
        "not_applicable": not_applicable,
        "criteria_state": catalog.criteria_state,
        "accepted_kinds": None if accepted is None else sorted(accepted),
        "accepted_kind_labels": None
        if accepted is None
        else [str(CertificateKind(kind).label) for kind in sorted(accepted)],
        "criteria": [
            {"label": str(v.provision.label), "version_id": v.pk, "text_recorded": v.text_recorded}
            for v in catalog.own_production_criteria
        ],
        "certificates": rows,
    }


def approval_problems(
    application: Application, claims: list[ActivityClaim], certificates: list[Certificate], catalog: CatalogOnDate
) -> list[str]:
    """Everything that stands in the way of approving, in words the reviewer can act on."""
    problems = []
    unticked = [claim for claim in claims if claim.verdict == Verdict.PENDING]
    if unticked:
        problems.append(
            _("Tick every activity: not yet ticked: %(items)s.")
            % {"items": ", ".join(str(claim.provision.label) for claim in unticked)}
        )
    if not any(claim.verdict == Verdict.CONFIRMED for claim in claims):
        problems.append(_("Confirm at least one activity."))
    pending = [certificate for certificate in certificates if certificate.verification == Verification.PENDING]
    if pending:
        problems.append(
            _("Verify or reject every certificate: not yet done: %(items)s.")
            % {"items": ", ".join(certificate.number for certificate in pending)}
        )
    if catalog.asks_for_certificates(application.sells_own_goods):
        if catalog.criteria_state == CRITERIA_NOT_RECORDED:
            problems.append(
                _(
                    "Own production cannot be confirmed: the wording of the Appendix 2 criteria in force on "
                    "%(date)s is not recorded in the catalog. An editor must enter it first."
                )
                % {"date": format_date(application.reference_date)}
            )
        elif not own_production_finding(application, certificates, catalog)["confirmed"]:
            problems.append(
                _(
                    "The company sells goods it produces: own production needs at least one verified certificate "
                    "of an accepted kind, valid on the reference date (%(date)s)."
                )
                % {"date": format_date(application.reference_date)}
            )
    return problems


def _frozen_activity(claim: ActivityClaim) -> dict:
    version = claim.provision_version
    return {
        "label": str(claim.provision.label),
        "appendix": claim.provision.appendix,
        "paragraph": claim.provision.paragraph,
        "version_id": version.pk,
        "text": version.text,
        "text_recorded": version.text_recorded,
        "footnote": version.footnote,
        # Every language recorded at the time (the official Kazakh and Russian texts), frozen with the decision.
        "texts": version.language_texts(),
        "introduced_by": version.introduced_by.code,
        "in_force_from": version.in_force_from.isoformat(),
        "explanation": claim.explanation,
        "note": "",
    }


def decision_context(application: Application) -> tuple[list[ActivityClaim], list[Certificate], CatalogOnDate]:
    claims = list(
        application.claims.select_related("provision", "provision_version__introduced_by")
        .prefetch_related("provision_version__texts")  # every language, for the decision's frozen copy
        .order_by("provision__appendix", "provision__paragraph")
    )
    certificates = list(application.certificates.all())
    return claims, certificates, catalog_on(application.reference_date)


@transaction.atomic
def decision_record(
    *, application: Application, user, outcome: str, reasons: str = "", seen: datetime.datetime | None = None
) -> Decision:
    """Approve or reject. The decision freezes the confirmed activities (paragraph and wording) and the
    own-production finding, and is never edited afterwards. Approval needs every claim ticked, one
    confirmed, every certificate decided and, where goods are sold, own production confirmed; rejection
    needs reasons."""
    require(can_use_review(user))
    application = _locked(application)
    _require_unchanged(application, seen)
    action = {Outcome.APPROVED: "approve", Outcome.REJECTED: "reject"}.get(outcome)
    if action is None:
        raise DomainError(_("Choose “approve” or “reject”."))
    require(can_decide(user, application))
    reasons = (reasons or "").strip()
    claims, certificates, catalog = decision_context(application)
    if outcome == Outcome.APPROVED:
        problems = approval_problems(application, claims, certificates, catalog)
        if problems:
            raise DomainError(
                _("The application cannot be approved yet. %(problems)s") % {"problems": " ".join(problems)}
            )
    elif not reasons:
        raise DomainError(_("Give the reasons for the rejection."), field_errors={"reasons": _("Give the reasons.")})
    finding = own_production_finding(application, certificates, catalog)
    decision = Decision(
        application=application,
        outcome=outcome,
        reasons=reasons,
        decided_by=user,
        decided_at=timezone.now(),
        act=application.act,
        reference_date=application.reference_date,
        confirmed_activities=[_frozen_activity(c) for c in claims if c.verdict == Verdict.CONFIRMED]
        if outcome == Outcome.APPROVED
        else [],
        claimed_activities=[{**_frozen_activity(c), "verdict": c.verdict} for c in claims],
        sells_own_goods=finding["sells_own_goods"],
        own_production_confirmed=finding["confirmed"],
        own_production_finding=finding,
    )
    decision.freeze_parties(organisation=application.organisation, decided_by=user)
    decision_chain.lock_chain()
    decision_chain.seal(decision, reference=application.reference, model=Decision)
    reason = _("Decision recorded: approved") if outcome == Outcome.APPROVED else _("Decision recorded: rejected")
    save_with_history(decision, user=user, reason=reason, force_insert=True)
    body = reasons or _("Your application has been approved.")
    save_with_history(
        ApplicantMessage(application=application, kind=ApplicantMessage.Kind.DECISION, author=user, body=body),
        user=user,
        reason=reason,
    )
    apply_transition(application, action, user=user)
    notification_write(application=application, kind=Notification.Kind.DECIDED, actor=user, decision=decision)
    return decision


# --- applications received by another channel -----------------------------------------------------


@transaction.atomic
def application_register_received(
    *,
    organisation: Organisation,
    user,
    received_on: datetime.date,
    explanations: dict[int, str],
    sells_own_goods: bool,
    certificates: list[dict] | None = None,
    eligibility_declared: bool,
) -> Application:
    """Register, on behalf of `organisation`, an application the park received on paper or by e-mail.

    The date it was received is its reference date: the catalog in force then decides, as for an
    application submitted online. `explanations` maps provision ids to what the company does.
    """
    require(can_register_received(user))
    if not eligibility_declared:
        raise DomainError(
            _("Register only an application whose applicant declared every eligibility condition."),
            field_errors={"eligibility_declared": _("Confirm the applicant's declarations.")},
        )
    if received_on > timezone.localdate():
        raise DomainError(
            _("The date received cannot be in the future."), field_errors={"received_on": _("In the future.")}
        )
    application = new_draft(organisation=organisation, user=user, today=received_on)
    for name in Application.ELIGIBILITY_FIELDS:
        setattr(application, name, True)
    application.sells_own_goods = sells_own_goods
    application.declaration_confirmed = True
    application.received_by_other_channel = True
    application.received_on = received_on
    application.reference_date = received_on
    save_with_history(application, user=user, reason=_("Registered by staff: received by another channel"))
    for provision_id, explanation in explanations.items():
        save_with_history(
            ActivityClaim(application=application, provision_id=provision_id, explanation=explanation.strip()),
            user=user,
            reason=_("Registered by staff"),
        )
    for data in certificates or []:
        certificate_attach(application=application, user=user, reason=_("Registered by staff"), **data)
    return application_submit(application=application, user=user, today=received_on)


# --- batch work from the queue ------------------------------------------------------------------------------

MAX_BATCH = 100


@dataclass(frozen=True)
class BatchOutcome:
    """What happened to one selected application: done, or refused and why."""

    reference: str
    done: bool
    message: str
    application: Application | None = None


def applications_batch(
    *, user, action: str, references: list[str], reviewer=None, no_conflict: bool = False
) -> list[BatchOutcome]:
    """Assign the selected applications to `reviewer` (a lead reviewer) or take them (with the declaration of no
    conflict of interest), each in its own transaction through the one-application service, so that a refusal
    of one undoes none of the others. The reviewer is told once, of all that was assigned to them."""
    require(can_use_review(user))
    if action == "assign":
        require(can_batch_assign(user))
        if reviewer is None:
            raise DomainError(_("Choose the reviewer to assign them to."), field_errors={"reviewer": _("Choose.")})
    elif action != "take":
        raise DomainError(_("Choose what to do with the selected applications."))
    references = list(dict.fromkeys(reference.strip() for reference in references if reference.strip()))
    if not references:
        raise DomainError(_("Select at least one application."))
    if len(references) > MAX_BATCH:
        raise DomainError(_("Select at most %(n)s applications at a time.") % {"n": MAX_BATCH})
    found = {
        application.reference: application
        for application in Application.objects.not_draft()
        .select_related("organisation")
        .filter(reference__in=references)
    }
    outcomes = []
    with staff_updates_together():
        for reference in references:
            application = found.get(reference)
            if application is None:
                outcomes.append(BatchOutcome(reference, False, _("There is no such application.")))
                continue
            try:
                if action == "assign":
                    application_assign(application=application, user=user, reviewer=reviewer)
                    message = _("Assigned to %(user)s.") % {"user": reviewer}
                else:
                    application_take(application=application, user=user, no_conflict=no_conflict)
                    message = _("Taken into review.")
            except DomainError as error:
                outcomes.append(BatchOutcome(reference, False, error.message, application))
            else:
                outcomes.append(BatchOutcome(reference, True, message, application))
    return outcomes


# --- how a member of staff is told -----------------------------------------------------------------------------


@transaction.atomic
def staff_preference_set(*, user, digest_only: bool) -> StaffPreference:
    """Each update by e-mail at once, or only the daily digest. Updates waiting for the digest are sent at once
    when the user goes back to immediate e-mails."""
    require(can_use_review(user))
    preference, _created = StaffPreference.objects.update_or_create(user=user, defaults={"digest_only": digest_only})
    if not digest_only and StaffEvent.objects.untold().filter(user=user).exists():
        transaction.on_commit(lambda: staff_events_tell(user.pk), robust=True)
    return preference
