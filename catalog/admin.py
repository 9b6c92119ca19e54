from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import LegalAct, Provision, ProvisionVersion, format_date


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

    # A wording that an application's claim relies on is evidence: it is never edited or deleted.
    # A change in the law is a new version; on the old one only "ended by" may still be set.

    def relied_on_by(self, obj) -> int:
        if obj is None or obj.pk is None:
            return 0
        return obj.claims.count()

    def get_readonly_fields(self, request, obj=None):
        if self.relied_on_by(obj):
            return [name for name in self.fields if name != "ended_by"]
        return super().get_readonly_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self.relied_on_by(obj):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        count = self.relied_on_by(obj)
        if count and request.method == "GET":
            messages.warning(
                request,
                gettext(
                    "%(count)d application claim(s) rely on this wording, so it can no longer be edited or deleted. "
                    "To record a change in the law, add a new version; here you can only set the act that ended it."
                )
                % {"count": count},
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not self.relied_on_by(obj):
            return form
        latest = obj.claims.exclude(application__reference_date=None).order_by("-application__reference_date").first()

        class ReliedOnForm(form):
            def clean(self):
                data = super().clean()
                ended_by = data.get("ended_by")
                if latest and ended_by and ended_by.effective_from <= latest.application.reference_date:
                    raise ValidationError(
                        gettext(
                            "An application relied on this wording on %(date)s; it cannot end on or before that day."
                        )
                        % {"date": format_date(latest.application.reference_date)}
                    )
                return data

        return ReliedOnForm
