from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import LegalAct, Provision, ProvisionVersion


@admin.register(LegalAct)
class LegalActAdmin(SimpleHistoryAdmin):
    list_display = [
        "code",
        "kind",
        "signed_on",
        "effective_from",
        "effective_from_confirmed",
        "valid_until",
        "abrogated_from",
    ]
    list_filter = ["kind", "effective_from_confirmed"]
    search_fields = ["code", "title", "issuer"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "title", "issuer", "amends"]}),
        (_("Signing and registration"), {"fields": ["signed_on", "registration_number", "registered_on"]}),
        (
            _("Entry into force"),
            {
                "fields": ["effective_from", "effective_from_confirmed", "effective_from_basis"],
                "description": _(
                    "Confirming the real effective date moves every wording that this act starts or ends, "
                    "and so every point-in-time answer that depends on it."
                ),
            },
        ),
        (_("End"), {"fields": ["valid_until", "abrogated_by", "abrogated_from"]}),
    ]


class ProvisionVersionInline(admin.TabularInline):
    model = ProvisionVersion
    fields = ["introduced_by", "ended_by", "text_recorded", "in_force_from", "in_force_until"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Provision)
class ProvisionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "act", "appendix", "paragraph"]
    list_filter = ["act", "appendix"]
    inlines = [ProvisionVersionInline]
    list_select_related = ["act"]


@admin.register(ProvisionVersion)
class ProvisionVersionAdmin(SimpleHistoryAdmin):
    list_display = ["provision", "introduced_by", "ended_by", "in_force_from", "in_force_until", "text_recorded"]
    list_filter = ["provision__act", "provision__appendix", "introduced_by", "text_recorded"]
    list_select_related = ["provision__act", "introduced_by", "ended_by"]
    search_fields = ["text", "footnote"]
    readonly_fields = ["in_force_from", "in_force_until"]
    fields = [
        "provision",
        "introduced_by",
        "ended_by",
        "in_force_from",
        "in_force_until",
        "text_recorded",
        "text",
        "footnote",
        "accepted_certificate_kinds",
    ]
