"""Organisations, applications, claims, certificates, decisions and the words exchanged about them.

Status changes go only through applications/workflow.py. Every model keeps django-simple-history;
the acting user comes from the request (HistoryRequestMiddleware) or is set by the services.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.models import (
    CatalogChange,
    LegalAct,
    Provision,
    ProvisionVersion,
    format_date,
    person_name,
    shown_text,
)

from .validators import validate_bin, validate_single_line


class OrganisationQuerySet(models.QuerySet):
    def of_member(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(memberships__user=user)


# The longest free text each box takes (forms refuse more, beside the field, keeping what was typed): generous
# for what a person writes, short of a pasted document. An address is a few lines; an explanation, a note or a
# message a few paragraphs.
ADDRESS_MAX = 500
GOODS_MAX = 2000
TEXT_MAX = 4000


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255, validators=[validate_single_line])
    bin = models.CharField(
        _("BIN"),
        max_length=12,
        unique=True,
        validators=[validate_bin],
        help_text=_("Business identification number: 12 digits."),
        error_messages={"unique": _("An organisation with this BIN is already registered.")},
    )
    # At most ADDRESS_MAX characters, checked by the form (applicant/forms.OrganisationForm): a max_length here
    # would make SQLite rebuild the table, dropping the name search's triggers (migration 0008).
    legal_address = models.TextField(_("legal address"))
    director = models.CharField(_("director"), max_length=255, validators=[validate_single_line])
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=32, validators=[validate_single_line])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Membership",
        through_fields=("organisation", "user"),
        related_name="organisations",
        verbose_name=_("members"),
    )
    history = HistoricalRecords()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.bin})"


class Membership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} @ {self.organisation}"

    def clean(self):
        # Also in Django admin's inline: staff never become members (permissions.can_join_organisations).
        from .permissions import can_join_organisations

        permission = can_join_organisations(self.user)
        if not permission:
            raise ValidationError({"user": permission.reason})


class EmailVerification(models.Model):
    """Proof that a user reads the mailbox of their address: they followed the signed link e-mailed to it (or
    a password-reset link, which proves the same). An account joins, is invited into and submits for an
    organisation only while its address is verified (permissions.email_verified). The address is kept: a
    verification holds only for the address it was made for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="email_verification"
    )
    email = models.EmailField(_("e-mail address verified"))
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now)

    class Meta:
        verbose_name = _("e-mail verification")
        verbose_name_plural = _("e-mail verifications")

    def __str__(self):
        return f"{self.email} · {format_date(timezone.localtime(self.verified_at).date())}"


class Invitation(models.Model):
    """An invitation by e-mail to join an organisation. It never makes a membership by itself: the account with
    the invited address, verified, accepts it through the signed link it was sent."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], condition=Q(accepted_at__isnull=True), name="invitation_open_unique"
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class ReferenceCounter(models.Model):
    """The last reference number given out in a year (AH-2025-00042). Locked row per year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ApplicationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applications of organisations the user belongs to. Every other rule: applications/permissions.py."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(organisation__memberships__user=user)

    def not_draft(self):
        """What staff may see: every application but a draft (workflow.SEEN_BY_STAFF)."""
        from .workflow import SEEN_BY_STAFF

        return self.filter(status__in=SEEN_BY_STAFF)


class Application(models.Model):
    # The eligibility declarations of DESIGN.md, each phrased so that "yes" is eligible.
    ELIGIBILITY_FIELDS = (
        "is_legal_entity",
        "state_share_below_50",
        "not_subsoil_user",
        "not_sez_participant",
        "no_excisable_goods",
        "no_branches",
    )

    reference = models.CharField(_("reference number"), max_length=20, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="applications"
    )
    # Not editable=False: simple-history's diff_against skips non-editable fields (ECOSYSTEM.md).
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Eligibility (step 1). None = not answered yet.
    is_legal_entity = models.BooleanField(_("The company is a legal entity"), null=True, blank=True)
    # xgettext:no-python-format
    state_share_below_50 = models.BooleanField(_("The state owns less than 50% of the company"), null=True, blank=True)
    not_subsoil_user = models.BooleanField(_("The company is not a subsoil user"), null=True, blank=True)
    not_sez_participant = models.BooleanField(
        _("The company is not a participant of a special economic zone"), null=True, blank=True
    )
    no_excisable_goods = models.BooleanField(_("The company does not produce excisable goods"), null=True, blank=True)
    no_branches = models.BooleanField(_("The company has no branches"), null=True, blank=True)

    # Goods (step 3). None = not answered yet.
    sells_own_goods = models.BooleanField(_("The company sells goods it produces"), null=True, blank=True)

    # Declaration (step 5).
    declaration_confirmed = models.BooleanField(_("statement of truth confirmed"), default=False)

    # Pinned at submission (or, for an application received by another channel, the date received).
    reference_date = models.DateField(_("reference date"), null=True, blank=True)
    act = models.ForeignKey(
        LegalAct, verbose_name=_("act in force"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submission_count = models.PositiveSmallIntegerField(_("times submitted"), default=0)
    # The day the park's 15 working days start (working_days.clock_start_of), kept by save() whenever the
    # submission fields change, so that the queue sorts and filters on an indexed column. None for a draft.
    clock_from = models.DateField(_("review clock started on"), null=True, blank=True, editable=False)
    received_by_other_channel = models.BooleanField(_("received by another channel"), default=False)
    received_on = models.DateField(_("received on"), null=True, blank=True)

    # Review.
    assigned_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned reviewer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_applications",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    # Whether the assigned reviewer has declared no conflict of interest: shown beside their name. Who may act
    # follows the declarations themselves (ConflictDeclaration, permissions.py); the services keep this in step.
    no_conflict_declared = models.BooleanField(_("reviewer declared no conflict of interest"), default=False)

    history = HistoricalRecords()

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            # The queue: by due date (the clock's start) within a status, and across statuses.
            models.Index(fields=["status", "clock_from", "reference"], name="application_status_due"),
            # Across statuses, and for two or more statuses at once (the default queue): walked in order, the status
            # read from the index, not from each row (page 40 of the open ones: 15 to 6 ms at 100,000, SQLite).
            models.Index(fields=["clock_from", "reference", "status"], name="application_due_status"),
            # Every status staff see (the queue's "all"), by due date: without the drafts, whose empty dates PostgreSQL
            # sorts last, so that the last page's backward scan starts at its first row (5,000 drafts: 6 to 0.03 ms).
            models.Index(fields=["clock_from", "reference"], condition=~Q(status="draft"), name="application_seen_due"),
            # The dashboards count open applications per reviewer from this index alone (no table row read).
            models.Index(
                fields=["assigned_reviewer", "status", "clock_from", "reference_date"], name="application_workload"
            ),
        ]
        constraints = [
            # Submitted once, an application has its reference date and its clock for good; only a draft, or a draft
            # withdrawn before it was ever submitted, has neither. The queue's pages rely on it (QUEUE_NOT_NULL).
            models.CheckConstraint(
                condition=Q(status__in=["draft", "withdrawn"])
                | Q(reference_date__isnull=False, clock_from__isnull=False),
                name="application_submitted_has_clock",
            )
        ]

    # The fields the review clock's start follows (working_days.clock_start_of).
    CLOCK_FIELDS = frozenset({"submission_count", "submitted_at", "reference_date"})

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        from .working_days import clock_start_of

        self.clock_from = clock_start_of(self)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.CLOCK_FIELDS & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "clock_from"}
        super().save(*args, **kwargs)

    @property
    def is_editable_by_applicant(self) -> bool:
        """In a status whose answers the applicant may change (workflow.EDITABLE)."""
        from .workflow import EDITABLE

        return self.status in EDITABLE

    @property
    def failed_eligibility(self) -> list[str]:
        """The names of eligibility declarations answered "no"."""
        return [name for name in self.ELIGIBILITY_FIELDS if getattr(self, name) is False]

    @property
    def eligibility_answered(self) -> bool:
        return all(getattr(self, name) is not None for name in self.ELIGIBILITY_FIELDS)


def check_fields():
    """The fields of a reviewer's check that go with its outcome (review/services.Check): an internal note,
    who checked and when; empty until then."""
    return (
        models.TextField(_("internal note"), blank=True, max_length=TEXT_MAX),
        models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"),
        models.DateTimeField(null=True, blank=True),
    )


class Verdict(models.TextChoices):
    PENDING = "pending", _("Not yet ticked")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class ActivityClaim(models.Model):
    """One claimed priority activity. `provision` is what the applicant ticked; `provision_version` is
    the wording in force on the reference date, pinned at submission."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="claims")
    provision = models.ForeignKey(Provision, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="+")
    provision_version = models.ForeignKey(
        ProvisionVersion,
        verbose_name=_("wording relied on"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
    )
    explanation = models.TextField(
        _("what the company does in this activity"),
        max_length=TEXT_MAX,
        help_text=_("What the company does, its main products or services."),
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices, default=Verdict.PENDING)
    verdict_note, verdict_by, verdict_at = check_fields()
    history = HistoricalRecords()

    class Meta:
        ordering = ["provision__appendix", "provision__paragraph"]
        verbose_name = _("activity claim")
        verbose_name_plural = _("activity claims")
        constraints = [
            models.UniqueConstraint(fields=["application", "provision"], name="claim_unique_provision"),
            models.CheckConstraint(
                condition=~Q(verdict="not_confirmed") | ~Q(verdict_note=""), name="claim_not_confirmed_has_note"
            ),
        ]

    def __str__(self):
        return f"{self.application} · {self.provision}"


# One list of certificate kinds: the catalog's, which the Appendix 2 criteria refer to.
CertificateKind = ProvisionVersion.CertificateKind


class Verification(models.TextChoices):
    PENDING = "pending", _("Not yet verified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


def scan_upload_to(instance, filename):
    # Never the client's file name: it may say anything. The name shown is kept in `scan_name`.
    return f"scans/{instance.application.organisation_id}/{uuid.uuid4().hex}.pdf"


class Certificate(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=64, validators=[validate_single_line])
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"))
    issuer = models.CharField(_("issued by"), max_length=255, validators=[validate_single_line])
    goods = models.TextField(_("goods covered"), max_length=GOODS_MAX)
    scan = models.FileField(_("scan (PDF)"), upload_to=scan_upload_to)
    scan_name = models.CharField(_("file name"), max_length=255, blank=True)
    scan_size = models.PositiveIntegerField(_("file size"), default=0)
    verification = models.CharField(
        _("verification"), max_length=16, choices=Verification.choices, default=Verification.PENDING
    )
    verification_note, verified_by, verified_at = check_fields()
    history = HistoricalRecords()

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        # The review screen looks for the same number held by another organisation (UPPER(number) IN ...):
        # an index on that expression finds them without reading every certificate.
        indexes = [models.Index(Upper("number"), name="certificate_number_upper")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")), name="certificate_valid_after_issue"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    def clean(self):
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise ValidationError({"valid_until": _("“Valid until” cannot be before “issued on”.")})

    def is_valid_on(self, day) -> bool:
        return self.issued_on <= day <= self.valid_until

    def validity_warning(self, on: datetime.date) -> str:
        """Why the certificate is not valid on the date `on` (the reference date), or "". A warning, never a
        refusal: the reviewer judges whether another certificate covers the goods."""
        if self.valid_until < on:
            return _("Not valid on the reference date %(on)s: it expired on %(until)s.") % {
                "on": format_date(on),
                "until": format_date(self.valid_until),
            }
        if self.issued_on > on:
            return _("Not valid on the reference date %(on)s: it was issued later, on %(issued)s.") % {
                "on": format_date(on),
                "issued": format_date(self.issued_on),
            }
        return ""


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DecisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ValidationError(_("A decision is never edited."))

    def delete(self):
        raise ValidationError(_("A decision is never deleted."))


class Decision(models.Model):
    """The outcome of a review, with a frozen copy of what it relied on. Written once, never edited."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reasons = models.TextField(_("reasons"), blank=True, max_length=TEXT_MAX)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"))
    act = models.ForeignKey(LegalAct, on_delete=models.PROTECT, related_name="+")
    reference_date = models.DateField(_("reference date"))
    # [{"appendix", "paragraph", "text", "text_recorded", "version_id", "introduced_by", "explanation"}]
    confirmed_activities = models.JSONField(_("confirmed activities (frozen)"), default=list)
    # Every claimed activity as confirmed_activities, with "verdict" (Verdict's value) and without the
    # reviewer's internal note: the rejection letter lists them (empty for decisions recorded before).
    claimed_activities = models.JSONField(_("claimed activities with their verdicts (frozen)"), default=list)
    sells_own_goods = models.BooleanField(_("sells goods it produces"), default=False)
    own_production_confirmed = models.BooleanField(_("own production confirmed"), null=True, blank=True)
    # {"certificates": [{"kind", "number", "valid_until", "verification"}], "criteria": [...]}
    own_production_finding = models.JSONField(_("own-production finding (frozen)"), default=dict)
    # The addressee and the decider as they stood when deciding: the letter and every view of the decision
    # render these, so renaming the organisation or the reviewer later changes nothing already decided.
    addressee_name = models.CharField(_("organisation (as decided)"), max_length=255, blank=True)
    addressee_bin = models.CharField(_("BIN (as decided)"), max_length=12, blank=True)
    addressee_address = models.TextField(_("legal address (as decided)"), blank=True)
    addressee_director = models.CharField(_("director (as decided)"), max_length=255, blank=True)
    addressee_email = models.CharField(_("contact e-mail (as decided)"), max_length=254, blank=True)
    addressee_phone = models.CharField(_("contact phone (as decided)"), max_length=32, blank=True)
    decided_by_name = models.CharField(_("decided by (name as decided)"), max_length=255, blank=True)
    # Tamper evidence (applications/decision_chain.py): SHA-256 of the frozen content and of the hash before it.
    previous_hash = models.CharField(_("hash of the previous decision"), max_length=64, blank=True)
    content_hash = models.CharField(_("record hash (SHA-256)"), max_length=64, blank=True)
    history = HistoricalRecords()

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        # Decided in a period: the dashboards' "decided this month" and the exports.
        indexes = [models.Index(fields=["decided_at"], name="decision_decided_at")]

    def __str__(self):
        return f"{self.application} · {self.get_outcome_display()}"

    @property
    def own_production_not_applicable(self) -> bool:
        """The company sells goods it produces, but the list in force on the reference date set no criteria of
        own production: there was nothing to confirm them against (the finding recorded that)."""
        return bool((self.own_production_finding or {}).get("not_applicable"))

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("A decision is never edited."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A decision is never deleted."))

    def confirmed_activities_shown(self) -> list[dict]:
        """The frozen confirmed activities, each with its text in the active language as frozen at the decision
        (the official Kazakh or Russian text if one was recorded then, else the recorded English one)."""
        return [_with_shown_text(activity) for activity in self.confirmed_activities]

    @property
    def activity_findings(self) -> list[dict]:
        """Each claimed activity as frozen by the decision, with the label of its verdict ("verdict_label") and
        its text in the active language ("shown", as `confirmed_activities_shown`)."""
        labels = dict(Verdict.choices)
        return [
            {**_with_shown_text(activity), "verdict_label": labels.get(activity.get("verdict"), "")}
            for activity in self.claimed_activities
        ]

    def freeze_parties(self, *, organisation: "Organisation", decided_by) -> None:
        """Copy the addressee's particulars and the decider's name into the decision (before it is saved)."""
        self.addressee_name = organisation.name
        self.addressee_bin = organisation.bin
        self.addressee_address = organisation.legal_address
        self.addressee_director = organisation.director
        self.addressee_email = organisation.contact_email
        self.addressee_phone = organisation.contact_phone
        self.decided_by_name = person_name(decided_by)


def _with_shown_text(activity: dict) -> dict:
    """A frozen activity with "shown": its text in the active language from the languages frozen with it."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    shown = shown_text(
        text=activity.get("text", ""),
        footnote=activity.get("footnote", ""),
        recorded=activity.get("text_recorded", False),
        texts=activity.get("texts", {}),
        language=language,
    )
    return {**activity, "shown": shown}


class Written(models.Model):
    """Words a person wrote about an application, kept as written, with their history."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]


class InternalNote(Written):
    """Staff-only words about an application. Never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="internal_notes")
    body = models.TextField(_("note"), max_length=TEXT_MAX)

    class Meta(Written.Meta):
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")

    def __str__(self):
        return f"{self.application} · {format_date(timezone.localdate(self.created_at))}"


class ApplicantMessage(Written):
    """Words addressed to the applicant: requests for changes, decision reasons, explicitly shared notes."""

    class Kind(models.TextChoices):
        CHANGES_REQUESTED = "changes_requested", _("Request for changes")
        DECISION = "decision", _("Decision")
        NOTE = "note", _("Message from the reviewer")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("message"), max_length=TEXT_MAX)
    # For a request for changes: the applicant's answers at that moment, so that a resubmission's
    # changed answers can be highlighted. {"claims": {provision_id: explanation}, "certificates": [...], ...}
    snapshot = models.JSONField(default=dict, blank=True)

    class Meta(Written.Meta):
        verbose_name = _("message to the applicant")
        verbose_name_plural = _("messages to the applicant")

    def __str__(self):
        return f"{self.application} · {self.get_kind_display()}"


class ConflictDeclaration(Written):
    """A staff member's declaration that they have no conflict of interest with the applicant organisation,
    made before they act on its application (review/services.conflict_declare). One per person and
    application; the words they confirmed are kept with it. Never edited or deleted."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="conflict_declarations"
    )
    statement = models.TextField(_("statement declared"))

    class Meta(Written.Meta):
        verbose_name = _("declaration of no conflict of interest")
        verbose_name_plural = _("declarations of no conflict of interest")
        constraints = [
            models.UniqueConstraint(fields=["application", "author"], name="conflict_declaration_once"),
        ]

    def __str__(self):
        return f"{self.application} · {self.author}"


class NotificationQuerySet(models.QuerySet):
    def pending(self):
        """Not sent yet, oldest first: what the sweep still has to deliver."""
        return self.filter(sent_at__isnull=True).order_by("created_at", "pk")


class Notification(models.Model):
    """An e-mail that must be sent, written in the same transaction as the change it reports (an outbox).

    The subject and body are rendered when the row is written, so the e-mail says what was true then;
    a task sends it later and marks it sent. A delivery record, not shown to applicants. No history:
    its own fields (sent_at, attempts, last_error) are the record of what happened to it.
    """

    class Kind(models.TextChoices):
        # To the members of the applicant organisation.
        SUBMITTED = "submitted", _("Application received")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        DECIDED = "decided", _("Decision")
        WITHDRAWN = "withdrawn", _("Application withdrawn")
        CERTIFICATE_EXPIRING = "certificate_expiring", _("Certificate expiring")
        LIST_IN_FORCE = "list_in_force", _("A list is in force: the draft can be submitted")
        # To one member of staff (`recipient`): what happened to their applications, or their daily digest.
        STAFF_UPDATE = "staff_update", _("Updates for a reviewer")
        DIGEST = "digest", _("Daily digest")
        # About an account or an address (applications/applicant/accounts.py), to that one address.
        EMAIL_VERIFICATION = "email_verification", _("Confirm your e-mail address")
        SIGN_UP_EXISTING = "sign_up_existing", _("Sign-up with an address that has an account")
        PASSWORD_RESET = "password_reset", _("Password reset")
        INVITATION = "invitation", _("Invitation to an organisation")

    # Empty for an e-mail about no one application (a digest, updates about several).
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    # The one member of staff it is written to; empty for an e-mail to an applicant organisation's members.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff recipient"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    recipients = models.JSONField(_("recipients"), default=list, help_text=_("E-mail addresses, as a list."))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The sweep reads only the unsent rows, which stay few however many have been sent.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="notification_pending"),
        ]

    def __str__(self):
        return f"{self.application or self.recipient} · {self.get_kind_display()}"


# --- what staff are told, and the watches that tell them ---------------------------------------------------


class CatalogChangeEffect(models.Model):
    """That a published change to the catalog moved or ended wordings an open application had pinned: which,
    and how (`claims`: catalog.impact.ClaimEffect.as_record() of each, said in any language by
    catalog.impact.effect_sentence). Written in the publishing transaction; never edited or deleted."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="catalog_effects")
    change = models.ForeignKey(CatalogChange, on_delete=models.PROTECT, related_name="application_effects")
    claims = models.JSONField(_("what it did to the claimed wordings"), default=list)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("effect of a catalog change")
        verbose_name_plural = _("effects of catalog changes")
        constraints = [
            models.UniqueConstraint(fields=["application", "change"], name="catalogchangeeffect_once_per_change")
        ]

    def __str__(self):
        return f"{self.application} · {self.change}"

    @property
    def sentences(self) -> list[str]:
        """What the change did to each claimed wording, in the active language."""
        from catalog.impact import effect_sentence

        return [effect_sentence(record, published=True) for record in self.claims]

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValidationError(_("The effect of a catalog change is recorded once and never edited."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("The effect of a catalog change is never deleted."))


class StaffPreference(models.Model):
    """How a member of staff wants to be told: each update by e-mail at once (and the daily digest), or only
    the daily digest, which then also lists the updates since the last one. No row: at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="staff_preference"
    )
    digest_only = models.BooleanField(_("only the daily digest"), default=False)

    class Meta:
        verbose_name = _("staff e-mail preference")
        verbose_name_plural = _("staff e-mail preferences")

    def __str__(self):
        return f"{self.user}: {'digest only' if self.digest_only else 'immediate'}"


class UserPreference(models.Model):
    """What a user chose for themselves that is not about one organisation: the language of the interface and
    of the e-mails they receive. No row: the browser's language (Accept-Language), else English."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="preference"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return f"{self.user}: {self.language or '-'}"


class StaffEventQuerySet(models.QuerySet):
    def untold(self):
        """Not yet in any e-mail, oldest first."""
        return self.filter(notification__isnull=True).order_by("created_at", "pk")

    def to_tell(self, user) -> list:
        """`user`'s untold events, locked until the e-mail that tells them is written, with what it says."""
        return list(
            self.untold()
            .filter(user=user)
            .select_for_update(of=("self",))
            .select_related(
                "application__organisation",
                "certificate",
                "actor",
                "catalog_effect__change__amends",
                "catalog_effect__change__target_act",
            )
        )


class StaffEvent(models.Model):
    """Something one member of staff must be told about, written in the transaction of the change that causes
    it (like Notification, an outbox). It is told in an e-mail of updates (several events of one moment, e.g.
    a batch assignment, in one e-mail) or, for a user who chose the digest only, in the next daily digest;
    `notification` is then that e-mail."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to you")
        RESUBMITTED = "resubmitted", _("Submitted again after changes")
        WITHDRAWN = "withdrawn", _("Withdrawn by the applicant")
        WAITING_UNASSIGNED = "waiting_unassigned", _("Waiting without a reviewer")
        CERTIFICATE_EXPIRING = "certificate_expiring", _("A certificate relied on is expiring")
        CATALOG_CHANGED = "catalog_changed", _("A catalog change moved a wording it claims")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="staff_events")
    certificate = models.ForeignKey(Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    catalog_effect = models.ForeignKey(
        CatalogChangeEffect, null=True, blank=True, on_delete=models.PROTECT, related_name="staff_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.PROTECT, related_name="staff_events"
    )

    objects = StaffEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("staff update")
        verbose_name_plural = _("staff updates")
        indexes = [
            models.Index(
                fields=["user", "created_at"], condition=Q(notification__isnull=True), name="staffevent_untold"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.application} · {self.get_kind_display()}"


class WatchMark(models.Model):
    """That a watch has told about something, so that running it again tells nothing twice. Written in the
    same transaction as what it told; the unique key is the guard (a second run, even a concurrent one,
    fails to write it and so writes nothing).

    Keys: a certificate and a threshold ("<certificate id>:<days>"), a digest ("<user id>:<YYYY-MM-DD>"), an
    application waiting without a reviewer ("<application id>:<times submitted>"), a draft told that a list
    came into force for its date ("<application id>": once, whatever list)."""

    class Watch(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate expiring")
        DIGEST = "digest", _("Daily digest")
        WAITING = "waiting", _("Waiting without a reviewer")
        LIST_IN_FORCE = "list_in_force", _("A list came into force for a stalled draft")

    watch = models.CharField(_("watch"), max_length=16, choices=Watch.choices)
    key = models.CharField(_("key"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("watch mark")
        verbose_name_plural = _("watch marks")
        constraints = [models.UniqueConstraint(fields=["watch", "key"], name="watchmark_unique")]

    def __str__(self):
        return f"{self.watch} {self.key}"


class PeriodicRun(models.Model):
    """When a task that celery beat schedules last ran (in a worker): the health check's sign that beat is alive."""

    task = models.CharField(_("task"), max_length=100, primary_key=True)
    last_run_at = models.DateTimeField(_("last run at"))
    runs = models.PositiveIntegerField(_("runs"), default=0)

    class Meta:
        verbose_name = _("periodic task run")
        verbose_name_plural = _("periodic task runs")

    def __str__(self):
        return f"{self.task} @ {self.last_run_at:%d.%m.%Y %H:%M}"


def export_upload_to(instance, filename):
    return f"exports/{instance.pk}.{instance.format}"


class Export(models.Model):
    """A reviewer's export of decisions, written by a task when too large to stream at once. The file is
    private: served only to the user who asked (applications/permissions.own_export). Removed after a week."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV (UTF-8)")
        XLSX = "xlsx", _("Excel (XLSX)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exports")
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    # The filters as the user gave them (dates as ISO strings), and the language of the column headings.
    parameters = models.JSONField(_("filters"), default=dict)
    language = models.CharField(_("language"), max_length=16, default="en")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("decisions"), default=0)
    done = models.PositiveIntegerField(_("written"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")

    def __str__(self):
        return f"{self.requested_by} · {self.get_format_display()} · {self.created_at:%d.%m.%Y %H:%M}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
