"""Applicant-side services: accounts, organisations, invitations, and the steps of a draft application.

Writes are `<thing>_<action>`, keyword-only, atomic; a refusal raises WorkflowError with a message for
the user and changes nothing. Status changes stay in applications/workflow.py; the step services here
only change the answers of an application the applicant may still edit, which they lock first.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.selectors import CatalogOnDate, catalog_on

from .models import ActivityClaim, Application, Certificate, Invitation, Membership, Organisation
from .workflow import WorkflowError, application_submit, check_transition, lock, save_with_history

User = get_user_model()

INVITATION_SALT = "applications.invitation"
INVITATION_MAX_AGE = 60 * 60 * 24 * 30  # an invitation link works for 30 days


def normalise_email(email: str) -> str:
    """The one form of an address the product stores: trimmed and lower-cased (it is also the username)."""
    return (email or "").strip().lower()


# Accounts ---------------------------------------------------------------------------------------------


@transaction.atomic
def user_sign_up(*, email: str, password: str) -> User:
    """A new applicant account (no staff role). The e-mail address, lower-cased, is the username.
    Password rules and the free address are checked by the sign-up form."""
    email = normalise_email(email)
    user = User(username=email, email=email)
    user.set_password(password)
    user.save()
    return user


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
    """A new organisation; the user who creates it becomes its first member."""
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
    if "bin" in fields and fields["bin"] != organisation.bin and organisation_bin_locked(organisation):
        raise WorkflowError(
            _("The BIN cannot be changed after an application has been submitted. Contact the park to correct it."),
            field_errors={"bin": _("The BIN cannot be changed after an application has been submitted.")},
        )
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    return save_with_history(organisation, user=user, reason=_("Profile changed"))


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"id": invitation.pk, "email": invitation.email}, salt=INVITATION_SALT)


@dataclass(frozen=True)
class InviteResult:
    membership: Membership | None = None
    invitation: Invitation | None = None


@transaction.atomic
def organisation_invite(
    *, organisation: Organisation, email: str, invited_by: User, accept_url_base: str
) -> InviteResult:
    """Invite an address to the organisation.

    A user who already has an account becomes a member at once. Anyone else gets a pending invitation
    and an e-mail with a signed link; following it to sign up (which proves they read that mailbox)
    accepts it. `accept_url_base` is the absolute URL of the site, e.g. "https://review.example.kz".
    """
    email = normalise_email(email)
    existing = User.objects.filter(username=email).first()
    if existing is not None:
        if Membership.objects.filter(organisation=organisation, user=existing).exists():
            raise WorkflowError(
                _("%(email)s is already a member of %(name)s.") % {"email": email, "name": organisation.name}
            )
        membership = Membership(organisation=organisation, user=existing, invited_by=invited_by)
        save_with_history(membership, user=invited_by, reason=_("Added by a member"))
        return InviteResult(membership=membership)
    if Invitation.objects.filter(organisation=organisation, email=email, accepted_at__isnull=True).exists():
        raise WorkflowError(_("%(email)s has already been invited and has not signed up yet.") % {"email": email})
    invitation = save_with_history(
        Invitation(organisation=organisation, email=email, invited_by=invited_by), user=invited_by, reason=_("Invited")
    )
    link = accept_url_base.rstrip("/") + reverse(
        "applications:invitation_accept", kwargs={"token": invitation_token(invitation)}
    )
    subject = _("Invitation to %(name)s on the Astana Hub review system") % {"name": organisation.name}
    body = _(
        "%(inviter)s invites you to act for %(name)s (BIN %(bin)s) in applications to the Astana Hub "
        "International Technology Park.\n\nCreate your account with this address through this link "
        "(it works for 30 days):\n%(link)s\n\nIf you did not expect this, ignore this e-mail."
    ) % {"inviter": invited_by.email, "name": organisation.name, "bin": organisation.bin, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    return InviteResult(invitation=invitation)


def invitation_from_token(token: str) -> Invitation | None:
    """The open invitation a signed link names, or None if the link is forged, expired or already used."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        Invitation.objects.select_related("organisation")
        .filter(pk=data.get("id"), email=data.get("email"), accepted_at__isnull=True)
        .first()
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Accept an invitation for the signed-in user, whose address must be the one invited."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise WorkflowError(_("This invitation has already been used."))
    if normalise_email(user.email) != invitation.email:
        raise WorkflowError(
            _("This invitation is for %(invited)s, but you are signed in as %(email)s.")
            % {"invited": invitation.email, "email": user.email}
        )
    invitation.accepted_at = timezone.now()
    save_with_history(invitation, user=user, reason=_("Accepted"))
    membership, created = Membership.objects.get_or_create(
        organisation=invitation.organisation, user=user, defaults={"invited_by": invitation.invited_by}
    )
    return membership


# Applications: reading the state of a draft ------------------------------------------------------------

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CANNOT_START = "cannot_start"
NOT_ELIGIBLE = "not_eligible"

STATE_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    COMPLETED: gettext_lazy("Completed"),
    CANNOT_START: gettext_lazy("Cannot start yet"),
    NOT_ELIGIBLE: gettext_lazy("Not eligible"),
}

SECTIONS = {
    "eligibility": gettext_lazy("Check the company can apply"),
    "activities": gettext_lazy("Priority activities the company carries on"),
    "goods": gettext_lazy("Goods and own production"),
    "check": gettext_lazy("Check your answers"),
    "declaration": gettext_lazy("Declaration and submission"),
}


@dataclass(frozen=True)
class Section:
    key: str
    number: int
    state: str
    hint: str = ""

    @property
    def title(self) -> str:
        return str(SECTIONS[self.key])

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def available(self) -> bool:
        return self.state != CANNOT_START

    @property
    def url_name(self) -> str:
        return f"applications:{self.key}"


def application_with_answers(queryset=None):
    """Applications with what the step pages read: claims with their provisions, certificates."""
    queryset = queryset if queryset is not None else Application.objects.all()
    return queryset.select_related("organisation", "act").prefetch_related(
        Prefetch("claims", queryset=ActivityClaim.objects.select_related("provision__act", "provision_version")),
        "certificates",
    )


def reference_date_for(application: Application, today: datetime.date | None = None) -> datetime.date:
    """The date whose list the applicant chooses from: pinned at first submission, else today."""
    return application.reference_date or today or timezone.localdate()


def stale_claims(application: Application, catalog: CatalogOnDate) -> list[ActivityClaim]:
    """Claims naming provisions not in the list in force on the catalog's date (none when no list is in force:
    then nothing can be chosen or submitted at all, and the pages say so instead)."""
    if not catalog.in_force:
        return []
    in_force = {version.provision_id for version in catalog.activities}
    return [claim for claim in application.claims.all() if claim.provision_id not in in_force]


def application_sections(application: Application, *, catalog: CatalogOnDate) -> list[Section]:
    """The task list: each section's state. Later sections stay locked until the company is eligible."""
    answered = [getattr(application, name) for name in Application.ELIGIBILITY_FIELDS]
    if all(answer is None for answer in answered):
        eligibility = NOT_STARTED
    elif application.failed_eligibility:
        eligibility = NOT_ELIGIBLE
    elif any(answer is None for answer in answered):
        eligibility = IN_PROGRESS
    else:
        eligibility = COMPLETED
    unlocked = eligibility == COMPLETED

    claims = list(application.claims.all())
    activities_hint = ""
    if not unlocked:
        activities = CANNOT_START
    elif not claims:
        activities = NOT_STARTED
    elif stale_claims(application, catalog):
        activities, activities_hint = IN_PROGRESS, _("Some activities you chose are no longer in force: choose again.")
    elif any(not claim.explanation.strip() for claim in claims):
        activities, activities_hint = IN_PROGRESS, _("Explain each activity you ticked.")
    else:
        activities = COMPLETED

    certificates = list(application.certificates.all())
    goods_hint = ""
    if not unlocked:
        goods = CANNOT_START
    elif application.sells_own_goods is None:
        goods = NOT_STARTED
    elif application.sells_own_goods and not certificates:
        goods, goods_hint = IN_PROGRESS, _("Add at least one certificate.")
    else:
        goods = COMPLETED

    ready = unlocked and activities == COMPLETED and goods == COMPLETED
    final = NOT_STARTED if ready else CANNOT_START
    return [
        Section("eligibility", 1, eligibility),
        Section("activities", 2, activities, activities_hint),
        Section("goods", 3, goods, goods_hint),
        Section("check", 4, final),
        Section("declaration", 5, final),
    ]


def section_state(application: Application, key: str, *, catalog: CatalogOnDate) -> Section:
    return next(s for s in application_sections(application, catalog=catalog) if s.key == key)


# Applications: the steps -------------------------------------------------------------------------------


def _editable(application: Application) -> Application:
    """The application locked and re-read, if the applicant may still change it; otherwise refused."""
    application = lock(application)
    if not application.is_editable_by_applicant:
        raise WorkflowError(
            _("Application %(reference)s is “%(status)s” and can no longer be changed.")
            % {"reference": application.reference, "status": application.get_status_display()}
        )
    return application


def _require_eligible(application: Application) -> None:
    if not application.eligibility_answered or application.failed_eligibility:
        raise WorkflowError(
            _("Answer the eligibility questions first: the other sections open when the company can apply.")
        )


@transaction.atomic
def application_eligibility_save(
    *, application: Application, user: User, answers: dict[str, bool | None]
) -> Application:
    """Record the eligibility declarations (None = not answered yet; partial answers are kept as a draft)."""
    application = _editable(application)
    for name in Application.ELIGIBILITY_FIELDS:
        if name in answers:
            setattr(application, name, answers[name])
    return save_with_history(application, user=user, reason=_("Eligibility answered"))


@transaction.atomic
def application_activities_save(
    *, application: Application, user: User, choices: dict[int, str], today: datetime.date | None = None
) -> Application:
    """Replace the claimed activities with `choices` (provision id -> explanation, possibly still empty).

    Only provisions of Appendix 1 in force on the reference date can be chosen; when no list is in
    force then, nothing can be saved and the reason is given.
    """
    application = _editable(application)
    _require_eligible(application)
    on = reference_date_for(application, today)
    catalog = catalog_on(on)
    if not catalog.in_force:
        raise WorkflowError(catalog.notice)
    in_force = {version.provision_id: version for version in catalog.activities}
    unknown = set(choices) - set(in_force)
    if unknown:
        raise WorkflowError(
            _("Only activities in the list in force on %(date)s can be chosen.") % {"date": on.strftime("%d.%m.%Y")}
        )
    for claim in application.claims.all():
        if claim.provision_id not in choices:
            claim._history_user = user
            claim.delete()
    existing = {claim.provision_id: claim for claim in application.claims.all()}
    for provision_id, explanation in choices.items():
        claim = existing.get(provision_id) or ActivityClaim(application=application, provision_id=provision_id)
        if claim.pk and claim.explanation == explanation:
            continue
        claim.explanation = explanation
        save_with_history(claim, user=user, reason=_("Activity claimed"))
    # The draft's own row records who last changed it and when (updated_at).
    return save_with_history(application, user=user, reason=_("Activities chosen"))


@transaction.atomic
def application_goods_save(*, application: Application, user: User, sells_own_goods: bool) -> tuple[Application, int]:
    """Whether the company sells goods it produces. "No" removes certificates added before: they would
    support a claim the applicant no longer makes. Returns the application and how many were removed."""
    application = _editable(application)
    _require_eligible(application)
    removed = 0
    if not sells_own_goods:
        for certificate in application.certificates.all():
            _delete_certificate(certificate, user=user)
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
    application = _editable(application)
    _require_eligible(application)
    if not application.sells_own_goods:
        raise WorkflowError(_("Certificates are needed only when the company sells goods it produces."))
    certificate = Certificate(
        application=application,
        kind=kind,
        number=number,
        issued_on=issued_on,
        valid_until=valid_until,
        issuer=issuer,
        goods=goods,
        scan_name=(getattr(scan, "name", "") or "scan.pdf")[:255],
        scan_size=scan.size,
    )
    certificate.full_clean(exclude=["scan", "application"])
    certificate.scan.save("scan.pdf", scan, save=False)
    return save_with_history(certificate, user=user, reason=_("Certificate added"))


def _delete_certificate(certificate: Certificate, *, user: User) -> None:
    storage, name = certificate.scan.storage, certificate.scan.name
    certificate._history_user = user
    certificate.delete()
    # The file goes only once the row is gone for good; a rolled-back delete keeps both.
    transaction.on_commit(lambda: storage.delete(name) if name else None)


@transaction.atomic
def certificate_remove(*, certificate: Certificate, user: User) -> None:
    _editable(certificate.application)
    _delete_certificate(certificate, user=user)


@transaction.atomic
def application_confirm_and_submit(
    *, application: Application, user: User, today: datetime.date | None = None
) -> Application:
    """Confirm the statement of truth and submit, as one step: if submission is refused (incomplete, no list
    in force, stale activities, wrong status), the confirmation is rolled back too and the draft is unchanged."""
    application = lock(application)
    check_transition(application, "submit")  # "submit twice" gets the workflow's own refusal
    application.declaration_confirmed = True
    save_with_history(application, user=user, reason=_("Statement of truth confirmed"))
    return application_submit(application=application, user=user, today=today)
