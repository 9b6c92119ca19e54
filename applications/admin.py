"""Admin for organisations and applications: for support and audit, not for running the workflow.

Statuses, decisions and pinned wordings are read-only here: they change only through the services
(applications/workflow.py), which check the rules and write the history. Scans are never linked from
admin: they are private and served only through the application's scan view.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import models
from .search import application_search


class ReadOnlyAdmin:
    """A record shown in admin and never written there: nothing added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = models.Membership
    fk_name = "organisation"
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["invited_by", "joined_at"]


@admin.register(models.Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "bin", "director", "contact_email", "created_at"]
    search_fields = ["name", "bin", "contact_email"]
    inlines = [MembershipInline]


@admin.register(models.Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "organisation", "invited_by", "created_at", "accepted_at"]
    list_filter = [("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["invited_by", "created_at", "accepted_at"]


class ClaimInline(admin.TabularInline):
    model = models.ActivityClaim
    extra = 0
    can_delete = False
    fields = ["provision", "provision_version", "explanation", "verdict", "verdict_note", "verdict_by", "verdict_at"]
    readonly_fields = fields


class CertificateInline(admin.TabularInline):
    model = models.Certificate
    extra = 0
    can_delete = False
    fields = ["kind", "number", "issued_on", "valid_until", "issuer", "scan_name", "scan_size", "verification"]
    readonly_fields = fields


@admin.register(models.Application)
class ApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "organisation", "status", "created_at", "submitted_at", "reference_date"]
    list_filter = ["status", "act"]
    search_fields = ["reference", "organisation__name", "organisation__bin"]
    # At park scale (100,000 applications) the change list stays as fast as with a thousand: newest first by
    # the primary key (indexed; created_at is not), no count of every application beside a search's count,
    # and no date drill-down (its list of years and months read every row; filter by status instead).
    ordering = ["-pk"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """The queue's search (applications/search.py), which an index serves: words of the organisation's
        name, a BIN's first digits, a reference's start."""
        if not search_term.strip():
            return queryset, False
        return queryset.filter(application_search(search_term)), False

    inlines = [ClaimInline, CertificateInline]
    readonly_fields = [
        "reference",
        "organisation",
        "status",
        "created_by",
        "created_at",
        "updated_at",
        *models.Application.ELIGIBILITY_FIELDS,
        "sells_own_goods",
        "declaration_confirmed",
        "reference_date",
        "act",
        "submitted_at",
        "submitted_by",
        "submission_count",
        "received_by_other_channel",
        "received_on",
        "assigned_reviewer",
        "assigned_at",
        "no_conflict_declared",
    ]

    def has_add_permission(self, request):
        return False  # applications are started by applicants (or registered by staff through a service)

    def has_delete_permission(self, request, obj=None):
        return False  # the record of an application is kept; withdraw it instead


@admin.register(models.Decision)
class DecisionAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: a decision is never edited or deleted, in admin either."""

    list_display = ["application", "outcome", "decided_by", "decided_at", "reference_date", "act"]
    list_filter = ["outcome"]
    list_select_related = ["application", "decided_by", "act"]
    search_fields = ["application__reference", "application__organisation__name"]


@admin.register(models.InternalNote)
class InternalNoteAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: a note is kept as written (append-only, config/append_only.py)."""

    list_display = ["application", "author", "created_at"]
    search_fields = ["application__reference", "body"]
    readonly_fields = ["application", "author", "created_at"]


@admin.register(models.ApplicantMessage)
class ApplicantMessageAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: what the applicant was told (a decision's reasons among it) is never rewritten."""

    list_display = ["application", "kind", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["application__reference", "body"]
    readonly_fields = ["application", "kind", "author", "created_at", "snapshot"]


@admin.register(models.ConflictDeclaration)
class ConflictDeclarationAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read-only: a declaration is never edited or deleted."""

    list_display = ["application", "author", "created_at"]
    list_select_related = ["application", "author"]
    search_fields = ["application__reference", "author__email"]


@admin.register(models.Notification)
class NotificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """The e-mails written to applicant organisations and whether they went out: a delivery record, read-only.
    Pending ones are sent by the tasks, or by `manage.py send_pending_notifications`."""

    list_display = ["application", "recipient", "kind", "subject", "created_at", "sent_at", "attempts"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["application", "recipient"]
    search_fields = ["application__reference", "subject", "recipients"]
    date_hierarchy = "created_at"
    fields = [
        "application",
        "recipient",
        "kind",
        "recipients",
        "subject",
        "body",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
    ]
    readonly_fields = fields


@admin.register(models.StaffEvent)
class StaffEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """What staff were (or are still to be) told, and in which e-mail."""

    list_display = ["user", "kind", "application", "created_at", "notification"]
    list_filter = ["kind", ("notification", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "application", "notification"]
    search_fields = ["application__reference", "user__email"]


@admin.register(models.CatalogChangeEffect)
class CatalogChangeEffectAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Open applications a published change to the catalog touched, and what it did to each claimed wording."""

    list_display = ["application", "change", "created_at"]
    list_select_related = ["application", "change__amends", "change__target_act"]
    search_fields = ["application__reference", "change__code"]
    fields = ["application", "change", "what_it_did", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("what it did to the claimed wordings"))
    def what_it_did(self, effect):
        return " ".join(effect.sentences)


@admin.register(models.PeriodicRun)
class PeriodicRunAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """When each task celery beat schedules last ran (what /healthz reads)."""

    list_display = ["task", "last_run_at", "runs"]


@admin.register(models.StaffPreference)
class StaffPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "digest_only"]
    list_select_related = ["user"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]


@admin.register(models.UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "language"]
    list_select_related = ["user"]
    list_filter = ["language"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user"]


@admin.register(models.EmailVerification)
class EmailVerificationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Whose address is verified, and when. Only the owner verifies it, through the e-mailed link (or a password
    reset): an account an admin made verifies its address the same way."""

    list_display = ["user", "email", "verified_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "email"]
