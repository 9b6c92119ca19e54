"""The applicant's services: accounts, organisations and invitations, a draft's steps, and the applicant's
transitions (create, submit, withdraw).

Writes are `<thing>_<action>`, keyword-only, atomic. Each checks who acts through applications/permissions.py
and refuses with DomainError (a message for the user), changing nothing. Status changes go through
workflow.apply_transition only; the step services change the answers of an application the applicant may
still edit, which they lock first.
"""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import ProvisionVersion, format_date
from catalog.selectors import CatalogOnDate, catalog_on

from ..models import (
    ActivityClaim,
    Application,
    Certificate,
    Invitation,
    Membership,
    Notification,
    Organisation,
    ReferenceCounter,
    StaffEvent,
)
from ..notifications import account_notification_write, notification_write, staff_event_write
from ..permissions import (
    can_change_answers,
    can_join_organisations,
    can_manage_organisation,
    can_submit,
    can_withdraw,
    require,
)
from ..workflow import DomainError, apply_transition, delete_with_history, lock, save_with_history
from .selectors import reference_date_for

User = get_user_model()

INVITATION_SALT = "applications.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 30  # an invitation link works for 30 days


def normalise_email(email: str) -> str:
    """The one form of an address the product stores: trimmed and lower-cased (it is also the username)."""
    return (email or "").strip().lower()


# Organisations -----------------------------------------------------------------------------------------


@transaction.atomic
def organisation_create(
    *,
    user: User,
    name: str,
    bin: str,
    legal_address: str,
    director: str,
    contact_email: str,
    contact_phone: str,
) -> Organisation:
    """A new organisation; the user who creates it (an applicant) becomes its first member."""
    require(can_join_organisations(user))
    organisation = Organisation(
        name=name,
        bin=bin,
        legal_address=legal_address,
        director=director,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    organisation.full_clean()
    save_with_history(organisation, user=user, reason=_("Organisation registered"))
    save_with_history(
        Membership(organisation=organisation, user=user), user=user, reason=_("Creator of the organisation")
    )
    return organisation


def organisation_bin_locked(organisation: Organisation) -> bool:
    """The BIN is fixed once an application of the organisation has been submitted: decisions rely on it."""
    return organisation.applications.not_draft().exists()


@transaction.atomic
def organisation_update(*, organisation: Organisation, user: User, **fields) -> Organisation:
    """Change the organisation's profile. The BIN only while no application has been submitted."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    require(can_manage_organisation(user, organisation))
    if "bin" in fields and fields["bin"] != organisation.bin and organisation_bin_locked(organisation):
        raise DomainError(
            _("The BIN cannot be changed after an application has been submitted. Contact the park to correct it."),
            field_errors={"bin": _("The BIN cannot be changed after an application has been submitted.")},
        )
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    return save_with_history(organisation, user=user, reason=_("Profile changed"))


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT)


def _staff_domain_refusal(email: str) -> None:
    """Addresses of the park's own domains (settings.STAFF_EMAIL_DOMAINS) are never invited: the refusal depends
    on the address's domain alone, never on whether an account has it."""
    domain = email.rpartition("@")[2]
    if domain in settings.STAFF_EMAIL_DOMAINS:
        raise DomainError(
            _("Addresses at %(domain)s belong to the park's staff, who cannot join an organisation.")
            % {"domain": domain},
            field_errors={"email": _("Invite the address of a colleague at your company.")},
        )


@transaction.atomic
def organisation_invite(*, organisation: Organisation, email: str, invited_by: User) -> Invitation:
    """Invite an address to the organisation: a pending invitation and an e-mail (through the outbox) with a
    signed link.

    The answer is the same whether or not an account has the address, and an invitation is never a membership
    by itself: the account with that address, once verified, joins by accepting through the link
    (`invitation_accept`), which also refuses staff accounts.
    """
    require(can_manage_organisation(invited_by, organisation))
    require(can_join_organisations(invited_by))
    email = normalise_email(email)
    _staff_domain_refusal(email)
    # Members see each other and the open invitations on the organisation's page: these refusals tell them
    # nothing about who has an account.
    if Membership.objects.filter(organisation=organisation, user__username=email).exists():
        raise DomainError(_("%(email)s is already a member of %(name)s.") % {"email": email, "name": organisation.name})
    if Invitation.objects.filter(organisation=organisation, email=email, accepted_at__isnull=True).exists():
        raise DomainError(_("%(email)s has already been invited and has not accepted yet.") % {"email": email})
    invitation = save_with_history(
        Invitation(organisation=organisation, email=email, invited_by=invited_by), user=invited_by, reason=_("Invited")
    )
    account_notification_write(
        address=email,
        kind=Notification.Kind.INVITATION,
        template="invitation",
        context={
            "organisation": organisation,
            "inviter": invited_by.email,
            "link": settings.SITE_URL
            + reverse("applications:invitation_accept", kwargs={"token": invitation_token(invitation)}),
            "days": INVITATION_MAX_AGE // 86400,
        },
    )
    return invitation


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a signed link names, or None if the link is forged, expired or already used."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=data.get("id"), email=data.get("email"), accepted_at__isnull=True)
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation for the signed-in user: an applicant whose verified address is the one invited.
    The only way an invitation becomes a membership."""
    require(can_join_organisations(user))
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise DomainError(_("This invitation has already been used."))
    if normalise_email(user.email) != invitation.email:
        raise DomainError(
            _("This invitation is for %(invited)s, but you are signed in as %(email)s.")
            % {"invited": invitation.email, "email": user.email}
        )
    invitation.accepted_at = timezone.now()
    save_with_history(invitation, user=user, reason=_("Accepted"))
    membership = Membership.objects.filter(organisation=invitation.organisation, user=user).first()
    if membership is None:
        membership = save_with_history(
            Membership(organisation=invitation.organisation, user=user, invited_by=invitation.invited_by),
            user=user,
            reason=_("Accepted the invitation of %(inviter)s") % {"inviter": invitation.invited_by.email},
        )
    return membership


@transaction.atomic
def membership_leave(*, organisation: Organisation, user: User) -> None:
    """The user leaves the organisation; its last member cannot (an organisation always has someone to act
    for it and to be told about its applications). The history keeps who was a member and when they left."""
    require(can_manage_organisation(user, organisation))
    memberships = list(Membership.objects.select_for_update().filter(organisation=organisation).order_by("pk"))
    if len(memberships) <= 1:
        raise DomainError(
            _(
                "You are the only member of %(name)s, and an organisation needs one. Invite a colleague first; "
                "once they have joined, you can leave."
            )
            % {"name": organisation.name}
        )
    membership = next(m for m in memberships if m.user_id == user.pk)
    delete_with_history(membership, user=user, reason=_("Left the organisation"))


# Applications: starting, submitting, withdrawing --------------------------------------------------------


def next_reference(year: int) -> str:
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"AH-{year}-{counter.last:05d}"


@transaction.atomic  # the reference counter's row is locked until the draft is saved
def new_draft(*, organisation: Organisation, user: User, today: datetime.date | None = None) -> Application:
    """A new draft with a reference number people can read out (AH-2025-00042). No check of who acts:
    application_create (members) and the reviewers' registering of a received application call it."""
    today = today or timezone.localdate()
    application = Application(organisation=organisation, created_by=user, reference=next_reference(today.year))
    return save_with_history(application, user=user, reason=_("Draft started"))


@transaction.atomic
def application_create(*, organisation: Organisation, user: User, today: datetime.date | None = None) -> Application:
    """A member starts a new draft for the organisation."""
    require(can_manage_organisation(user, organisation))
    return new_draft(organisation=organisation, user=user, today=today)


def submission_problems(application: Application, catalog: CatalogOnDate) -> list[tuple[str, str]]:
    """What is missing before the application can be submitted under `catalog` (the catalog on the reference
    date): (section, message) pairs."""
    problems = []
    if not application.eligibility_answered:
        problems.append(("eligibility", _("Answer every eligibility question.")))
    elif application.failed_eligibility:
        problems.append(("eligibility", _("The company does not meet the conditions to apply.")))
    claims = list(application.claims.all())
    if not claims:
        problems.append(("activities", _("Choose at least one priority activity.")))
    elif any(not claim.explanation.strip() for claim in claims):
        problems.append(("activities", _("Explain each activity you ticked.")))
    if application.sells_own_goods is None:
        problems.append(("goods", _("Say whether the company sells goods it produces.")))
    elif catalog.asks_for_certificates(application.sells_own_goods) and not application.certificates.exists():
        problems.append(("goods", _("Add at least one certificate of own production.")))
    if not application.declaration_confirmed:
        problems.append(("declaration", _("Confirm the statement of truth.")))
    return problems


@transaction.atomic
def application_submit(*, application: Application, user: User, today: datetime.date | None = None) -> Application:
    """Submit (or submit again after changes were requested).

    The first submission pins the reference date (today, or the date received for an application
    that staff registered), the act in force then, and for each claim the wording in force then.
    When no list is in force on the reference date, submission is refused and the draft stays as it was.
    """
    application = lock(application)
    require(can_submit(user, application))
    reference_date = application.reference_date or today or timezone.localdate()
    catalog = catalog_on(reference_date)
    problems = submission_problems(application, catalog)
    if problems:
        raise DomainError(
            _("The application is not complete: %(problems)s") % {"problems": " ".join(m for _s, m in problems)}
        )
    if not catalog.in_force:
        raise DomainError(
            _("The application cannot be submitted on %(date)s. %(reason)s")
            % {"date": format_date(reference_date), "reason": catalog.notice}
        )
    in_force = {version.provision_id: version for version in catalog.activities}
    claims = list(application.claims.select_related("provision"))
    stale = [claim for claim in claims if claim.provision_id not in in_force]
    if stale:
        raise DomainError(
            _(
                "Some activities you chose are not in the list in force on %(date)s: %(items)s. "
                "Go back to the activities and choose again."
            )
            % {
                "date": format_date(reference_date),
                "items": ", ".join(str(claim.provision.label) for claim in stale),
            },
            field_errors={"activities": _("Choose again from the list in force.")},
        )
    for claim in claims:
        version: ProvisionVersion = in_force[claim.provision_id]
        if claim.provision_version_id != version.pk:
            claim.provision_version = version
            save_with_history(claim, user=user, reason=_("Wording in force on the reference date pinned"))
    application.reference_date = reference_date
    application.act = catalog.act
    application.submitted_at = timezone.now()
    application.submitted_by = user
    application.submission_count += 1
    reason = _("Submitted") if application.submission_count == 1 else _("Submitted again after changes")
    apply_transition(application, "submit", user=user, reason=reason)
    notification_write(application=application, kind=Notification.Kind.SUBMITTED, actor=user)
    if application.submission_count > 1 and application.assigned_reviewer_id:
        staff_event_write(user=application.assigned_reviewer, kind=StaffEvent.Kind.RESUBMITTED, application=application)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user: User) -> Application:
    """Withdraw; the organisation's members are told when the park had already received it."""
    application = lock(application)
    require(can_withdraw(user, application))
    was_submitted = application.submission_count > 0
    apply_transition(application, "withdraw", user=user)
    if was_submitted:
        notification_write(application=application, kind=Notification.Kind.WITHDRAWN, actor=user)
    if application.assigned_reviewer_id:
        staff_event_write(user=application.assigned_reviewer, kind=StaffEvent.Kind.WITHDRAWN, application=application)
    return application


# Applications: the steps -------------------------------------------------------------------------------


def _editable(application: Application, user: User) -> Application:
    """The application locked and re-read, if `user` may still change its answers; otherwise refused."""
    application = lock(application)
    require(can_change_answers(user, application))
    return application


def _require_eligible(application: Application) -> None:
    if not application.eligibility_answered or application.failed_eligibility:
        raise DomainError(
            _("Answer the eligibility questions first: the other sections open when the company can apply.")
        )


@transaction.atomic
def application_eligibility_save(
    *, application: Application, user: User, answers: dict[str, bool | None], complete: bool = True
) -> Application:
    """Record the eligibility declarations (None = not answered yet; partial answers are kept as a draft).
    `complete` is False when the form showed problems: the history then says the answers were kept as a
    draft, never that the step was answered."""
    application = _editable(application, user)
    for name in Application.ELIGIBILITY_FIELDS:
        if name in answers:
            setattr(application, name, answers[name])
    reason = (
        _("Eligibility answered") if complete else _("Eligibility answers kept as a draft (the form showed problems)")
    )
    return save_with_history(application, user=user, reason=reason)


@transaction.atomic
def application_activities_save(
    *,
    application: Application,
    user: User,
    choices: dict[int, str],
    today: datetime.date | None = None,
    complete: bool = True,
) -> Application:
    """Replace the claimed activities with `choices` (provision id -> explanation, possibly still empty).
    `complete` is False when the form showed problems: the history says the choices were kept as a draft.

    Only provisions of Appendix 1 in force on the reference date can be chosen; when no list is in
    force then, nothing can be saved and the reason is given.
    """
    application = _editable(application, user)
    _require_eligible(application)
    on = reference_date_for(application, today)
    catalog = catalog_on(on)
    if not catalog.in_force:
        raise DomainError(catalog.notice)
    in_force = {version.provision_id: version for version in catalog.activities}
    unknown = set(choices) - set(in_force)
    if unknown:
        raise DomainError(
            _("Only activities in the list in force on %(date)s can be chosen.") % {"date": format_date(on)}
        )
    for claim in application.claims.all():
        if claim.provision_id not in choices:
            delete_with_history(claim, user=user)
    existing = {claim.provision_id: claim for claim in application.claims.all()}
    for provision_id, explanation in choices.items():
        claim = existing.get(provision_id) or ActivityClaim(application=application, provision_id=provision_id)
        if claim.pk and claim.explanation == explanation:
            continue
        claim.explanation = explanation
        save_with_history(claim, user=user, reason=_("Activity claimed") if complete else _("Activity kept as a draft"))
    # The draft's own row records who last changed it and when (updated_at).
    reason = _("Activities chosen") if complete else _("Activities kept as a draft (the form showed problems)")
    return save_with_history(application, user=user, reason=reason)


@transaction.atomic
def application_goods_save(*, application: Application, user: User, sells_own_goods: bool) -> tuple[Application, int]:
    """Whether the company sells goods it produces. "No" removes certificates added before: they would
    support a claim the applicant no longer makes. Returns the application and how many were removed."""
    application = _editable(application, user)
    _require_eligible(application)
    removed = 0
    if not sells_own_goods:
        for certificate in application.certificates.all():
            _delete_certificate(
                certificate, user=user, reason=_("Removed: the applicant answered that it sells no goods it produces")
            )
            removed += 1
    application.sells_own_goods = sells_own_goods
    save_with_history(application, user=user, reason=_("Goods answered"))
    return application, removed


@transaction.atomic
def certificate_add(
    *,
    application: Application,
    user: User,
    kind: str,
    number: str,
    issued_on: datetime.date,
    valid_until: datetime.date,
    issuer: str,
    goods: str,
    scan,
) -> Certificate:
    """Attach a certificate of own production with its PDF scan (already checked by content by the form)."""
    application = _editable(application, user)
    _require_eligible(application)
    if not application.sells_own_goods:
        raise DomainError(_("Certificates are needed only when the company sells goods it produces."))
    return certificate_attach(
        application=application,
        user=user,
        reason=_("Certificate added"),
        kind=kind,
        number=number,
        issued_on=issued_on,
        valid_until=valid_until,
        issuer=issuer,
        goods=goods,
        scan=scan,
    )


def certificate_attach(*, application: Application, user: User, reason: str, scan, **fields) -> Certificate:
    """The one place a Certificate is built: its fields, its scan stored under a name of our own (never the
    client's), the name and size shown kept beside it, and the history's user and reason. The callers have
    checked who acts and that the scan is a PDF (validators.validate_pdf_scan, in the forms)."""
    certificate = Certificate(
        application=application,
        scan_name=(getattr(scan, "name", "") or "scan.pdf")[:255],
        scan_size=scan.size,
        **fields,
    )
    certificate.full_clean(exclude=["scan", "application"])
    certificate.scan.save("scan.pdf", scan, save=False)
    return save_with_history(certificate, user=user, reason=reason)


def _delete_certificate(certificate: Certificate, *, user: User, reason: str) -> None:
    storage, name = certificate.scan.storage, certificate.scan.name
    # The history's "-" row keeps what was removed (kind, number, dates, issuer): the timeline names it.
    delete_with_history(certificate, user=user, reason=reason)
    # The file goes only once the row is gone for good; a rolled-back delete keeps both.
    transaction.on_commit(lambda: storage.delete(name) if name else None)


@transaction.atomic
def certificate_remove(*, certificate: Certificate, user: User) -> None:
    _editable(certificate.application, user)
    _delete_certificate(certificate, user=user, reason=_("Removed by the applicant"))


@transaction.atomic
def application_confirm_and_submit(
    *, application: Application, user: User, today: datetime.date | None = None
) -> Application:
    """Confirm the statement of truth and submit, as one step: if submission is refused (incomplete, no list
    in force, stale activities, wrong status), the confirmation is rolled back too and the draft is unchanged."""
    application = lock(application)
    require(can_submit(user, application))  # "submit twice" gets the workflow's own refusal
    application.declaration_confirmed = True
    save_with_history(application, user=user, reason=_("Statement of truth confirmed"))
    return application_submit(application=application, user=user, today=today)
