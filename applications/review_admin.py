"""Admin for decisions: read-only. A decision is never edited or deleted, in admin either."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Decision


@admin.register(Decision)
class DecisionAdmin(SimpleHistoryAdmin):
    list_display = ["application", "outcome", "decided_by", "decided_at", "reference_date", "act"]
    list_filter = ["outcome"]
    list_select_related = ["application", "decided_by", "act"]
    search_fields = ["application__reference", "application__organisation__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
