"""Django admin for catalog editors.

The law's own tables (acts, provisions, wordings) are read-only here for everyone: they change only when a
change to the catalog is published, after a second editor's approval (catalog/changes.py). An editor enters a
change on one page (the act's facts and its rows, added and removed in place), reads the full difference and
the preview on the change's review page, and submits it; another editor approves and publishes it there.
"""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from . import admin_forms, changes
from .dates import parse_date
from .diff import word_diff
from .impact import default_preview_date, preview_change
from .models import (
    CatalogChange,
    ChangeRow,
    LegalAct,
    Provision,
    ProvisionVersion,
    ProvisionVersionText,
    PublicationCheck,
    format_date,
    person_name,
)

Kind = CatalogChange.Kind
State = CatalogChange.State

# --- the law, read-only ------------------------------------------------------------------------------------


class ReadOnlyLawAdmin(SimpleHistoryAdmin):
    """Shown, never edited here: a change in the law is a change to the catalog, published with four eyes."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LegalAct)
class LegalActAdmin(ReadOnlyLawAdmin):
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
    change_form_template = "admin/catalog/legalact/change_form.html"
    fieldsets = [
        (None, {"fields": ["code", "kind", "title", "issuer", "amends"]}),
        (_("Signing and registration"), {"fields": ["signed_on", "registration_number", "registered_on"]}),
        (_("Entry into force"), {"fields": ["effective_from", "effective_from_confirmed", "effective_from_basis"]}),
        (_("End"), {"fields": ["valid_until", "abrogated_by", "abrogated_from"]}),
        (_("Criteria of own production"), {"fields": ["sets_no_own_production_criteria"]}),
    ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        correct_url = f"{reverse('admin:catalog_catalogchange_add')}?kind={Kind.ACT_FACTS}&target_act={object_id}"
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "correct_url": correct_url})


class ProvisionVersionInline(admin.TabularInline):
    model = ProvisionVersion
    fields = ["introduced_by", "ended_by", "text_recorded", "in_force_from", "in_force_until"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Provision)
class ProvisionAdmin(ReadOnlyLawAdmin):
    list_display = ["__str__", "act", "appendix", "paragraph"]
    list_filter = ["act", "appendix"]
    inlines = [ProvisionVersionInline]
    list_select_related = ["act"]


@admin.register(ProvisionVersion)
class ProvisionVersionAdmin(ReadOnlyLawAdmin):
    list_display = ["provision", "introduced_by", "ended_by", "in_force_from", "in_force_until", "text_recorded"]
    list_filter = ["provision__act", "provision__appendix", "introduced_by", "text_recorded"]
    list_select_related = ["provision__act", "introduced_by", "ended_by"]
    search_fields = ["text", "footnote"]
    change_form_template = "admin/catalog/provisionversion/change_form.html"
    fields = [
        "provision",
        "introduced_by",
        "ended_by",
        "in_force_from",
        "in_force_until",
        "text_recorded",
        "text",
        "footnote",
        "certificate_kinds",
    ]
    readonly_fields = ["certificate_kinds"]

    @admin.display(description=_("certificate kinds accepted"))
    def certificate_kinds(self, obj):
        labels = dict(ProvisionVersion.CertificateKind.choices)
        return ", ".join(str(labels.get(k, k)) for k in obj.accepted_certificate_kinds or []) or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # A wording that an application's claim relies on is evidence: it is never edited or deleted, and the
        # editor is told so. The text of a wording not recorded can still be entered, through a change.
        version = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if version is not None:
            count = version.claims.count()
            if count and request.method == "GET":
                messages.warning(
                    request,
                    gettext(
                        "%(count)d application claim(s) rely on this wording, so it can never be edited or deleted. "
                        "To record a change in the law, add a new version: enter an amendment as a change to the "
                        "catalog."
                    )
                    % {"count": count},
                )
            context["language_texts"] = list(version.texts.order_by("language"))
            if version.text_recorded and request.user.has_perm("catalog.add_provisionversiontext"):
                context["language_text_url"] = (
                    f"{reverse('admin:catalog_provisionversiontext_add')}?version={version.pk}"
                )
            if not version.text_recorded:
                context["record_url"] = (
                    f"{reverse('admin:catalog_catalogchange_add')}?kind={Kind.WORDING}&version={version.pk}"
                )
        return super().change_view(request, object_id, form_url, context)


# --- the official texts of a wording in Kazakh and Russian -----------------------------------------------------


@admin.register(ProvisionVersionText)
class ProvisionVersionTextAdmin(SimpleHistoryAdmin):
    """An editor records the official Kazakh or Russian text of a wording, verbatim from the publication.

    Entered directly (not as a draft for a second editor, unlike the law's own tables): the text of a wording in
    another language moves no period and no pinned wording, and a decision freezes its own copy. The history
    names who entered or corrected each text; nothing is ever deleted."""

    list_display = ["version", "language", "official", "source"]
    list_filter = ["language", "official", "version__provision__act", "version__provision__appendix"]
    list_select_related = ["version__provision__act"]
    search_fields = ["text", "version__text"]
    autocomplete_fields = ["version"]
    fields = ["version", "language", "official", "text", "footnote", "source", "recorded_text"]
    readonly_fields = ["recorded_text"]

    @admin.display(description=_("recorded text (unofficial English translation)"))
    def recorded_text(self, obj):
        return obj.version.text if obj and obj.version_id else "—"

    def has_delete_permission(self, request, obj=None):
        return False


# --- checks against the official publication -----------------------------------------------------------------


class PublicationCheckForm(admin_forms.forms.ModelForm):
    class Meta:
        model = PublicationCheck
        fields = ["checked_on", "shown_name", "source"]
        error_messages = {
            "checked_on": {
                "required": _("Enter the day you compared the catalog with the official publication."),
                "invalid": _("Enter the date as DD.MM.YYYY, e.g. 31.12.2025."),
            },
            "shown_name": {"required": _("Enter your name as the catalog pages should show it.")},
        }

    def clean_checked_on(self):
        day = self.cleaned_data["checked_on"]
        if day > timezone.localdate():
            raise admin_forms.ValidationError(gettext("A check cannot be recorded for a day still to come."))
        problem = changes.date_problem(day)
        if problem:
            raise admin_forms.ValidationError(problem)
        return day

    def clean_shown_name(self):
        name = " ".join((self.cleaned_data.get("shown_name") or "").split())
        if not name:
            raise admin_forms.ValidationError(gettext("Enter your name as the catalog pages should show it."))
        if "@" in name:
            raise admin_forms.ValidationError(gettext("Enter a name, not an e-mail address: the pages are public."))
        return name


@admin.register(PublicationCheck)
class PublicationCheckAdmin(SimpleHistoryAdmin):
    """Recorded, never edited or deleted: a later check is a new row."""

    form = PublicationCheckForm
    list_display = ["checked_on", "shown_name", "source", "checked_by", "recorded_at"]
    list_select_related = ["checked_by"]

    def get_changeform_initial_data(self, request):
        return {"checked_on": timezone.localdate(), "shown_name": request.user.get_full_name()}

    def get_readonly_fields(self, request, obj=None):
        return ["checked_on", "shown_name", "source", "checked_by", "recorded_at"] if obj else []

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.checked_by = request.user
        super().save_model(request, obj, form, change)


# --- changes to the catalog: the editor's one-page entry ----------------------------------------------------


class RowsCapped:
    """At most MAX_ROWS rows a change: more is refused with a message (InlineModelAdmin has no validate_max)."""

    max_num = admin_forms.MAX_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class RowInline(RowsCapped, admin.StackedInline):
    model = ChangeRow
    extra = 1
    classes = ["change-rows"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("target__provision__act", "target__introduced_by")

    @admin.display(description=_("Wording in force now"))
    def current_wording(self, row):
        target = row.target if row.target_id else None
        if target is None:
            text = footnote = ""
        else:
            text = target.text if target.text_recorded else gettext("(wording not recorded)")
            footnote = target.footnote
        return format_html(
            '<div class="current-wording"><div class="legal-text js-current-text" data-empty="{}">{}</div>'
            '<div class="footnote-text js-current-footnote">{}</div></div>',
            gettext("Choose a paragraph to see its wording in force."),
            text or gettext("Choose a paragraph to see its wording in force."),
            footnote,
        )


class ListRowInline(RowsCapped, admin.TabularInline):
    model = ChangeRow
    extra = 1
    appendix = 1

    def get_queryset(self, request):
        return super().get_queryset(request).filter(appendix=self.appendix)


class ActivityInline(ListRowInline):
    form = admin_forms.ListRowForm
    formset = admin_forms.ListRowFormSet
    fields = ["paragraph", "text", "footnote"]
    verbose_name = _("activity (Appendix 1)")
    verbose_name_plural = _("Activities (Appendix 1)")


class CriterionInline(ListRowInline):
    form = admin_forms.CriterionRowForm
    formset = admin_forms.CriterionRowFormSet
    fields = ["paragraph", "text", "footnote", "accepted_certificate_kinds"]
    appendix = 2
    verbose_name = _("criterion of own production (Appendix 2)")
    verbose_name_plural = _("Criteria of own production (Appendix 2)")


class AmendmentRowInline(RowInline):
    form = admin_forms.AmendmentRowForm
    formset = admin_forms.AmendmentRowFormSet
    readonly_fields = ["current_wording"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("action", "target"),
                    ("appendix", "paragraph"),
                    ("current_wording", "text"),
                    "footnote",
                    "accepted_certificate_kinds",
                ]
            },
        )
    ]
    verbose_name = _("paragraph it changes")
    verbose_name_plural = _("What the amendment changes")


class WordingRowInline(RowInline):
    form = admin_forms.WordingRowForm
    formset = admin_forms.WordingRowFormSet
    fields = ["target", "text", "footnote", "accepted_certificate_kinds"]
    verbose_name = _("wording")
    verbose_name_plural = _("Wordings whose text you enter")


INLINES = {
    Kind.LIST: [ActivityInline, CriterionInline],
    Kind.AMENDMENT: [AmendmentRowInline],
    Kind.ABROGATION: [],
    Kind.ACT_FACTS: [],
    Kind.WORDING: [WordingRowInline],
}

FACTS = [
    (None, {"fields": ["code", "title", "issuer"]}),
    (_("Signing and registration"), {"fields": ["signed_on", "registration_number", "registered_on"]}),
    (_("Entry into force"), {"fields": ["effective_from", "effective_from_confirmed", "effective_from_basis"]}),
]
FIELDSETS = {
    Kind.LIST: [
        *FACTS,
        (_("End"), {"fields": ["valid_until"]}),
        (_("Criteria of own production"), {"fields": ["sets_no_own_production_criteria"]}),
    ],
    Kind.AMENDMENT: [(_("The list it amends"), {"fields": ["amends"]}), *FACTS],
    Kind.ABROGATION: [
        *FACTS,
        (_("What it abrogates, and from when"), {"fields": ["abrogates", "abrogated_from"]}),
    ],
    Kind.ACT_FACTS: [
        (None, {"fields": ["target_act", "title", "issuer"]}),
        FACTS[1],
        FACTS[2],
        (_("End (lists only)"), {"fields": ["valid_until"]}),
    ],
    Kind.WORDING: [],
}

INTRODUCTIONS = {
    Kind.LIST: _(
        "Enter the act's facts, then each activity of its Appendix 1 and each criterion of own production of its "
        "Appendix 2 as a row (“Add another” adds a row; the cross removes one). Copy the wordings and footnotes "
        "verbatim from the official publication. Nothing is published until another editor approves it."
    ),
    Kind.AMENDMENT: _(
        "Choose the list it amends and enter the act's facts. Then, for each paragraph it changes, choose what it "
        "does: a rewritten or repealed paragraph is chosen from the list in force, and its wording in force is "
        "shown beside the new one while you type; an added paragraph gets its appendix and number. Periods follow "
        "from the effective date. Nothing is published until another editor approves it."
    ),
    Kind.ABROGATION: _(
        "Enter the act's facts, tick the list it abrogates and the first day the list is no longer in force. "
        "Nothing is published until another editor approves it."
    ),
    Kind.ACT_FACTS: _(
        "Correct the facts of an act already in the catalog, above all its real effective date once you have "
        "the official publication: every wording that the date starts or ends moves with it. Beside each field, "
        "“Now” gives its current value. Nothing is published until another editor approves it."
    ),
    Kind.WORDING: _(
        "Choose a wording that the catalog shows as “not recorded” and enter its text, verbatim from the official "
        "publication. Nothing is published until another editor approves it."
    ),
}

ACTIONS = {
    "submit": (
        changes.change_submit,
        _("Submitted for approval. Another catalog editor can now approve and publish it."),
    ),
    "take_back": (changes.change_take_back, _("Taken back: it is a draft again, and you can edit it.")),
    "return": (changes.change_return, _("Returned to its author with your note.")),
    "discard": (changes.change_discard, _("Discarded. Nothing of it was published.")),
    "publish": (changes.change_publish, _("Approved and published: the catalog now shows it.")),
}


def _kind_from(request, obj=None) -> str | None:
    if obj is not None and obj.pk:
        return obj.kind
    kind = request.GET.get("kind", "")
    return kind if kind in Kind.values else None


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@admin.register(CatalogChange)
class CatalogChangeAdmin(SimpleHistoryAdmin):
    list_display = ["what", "state", "entered", "approved"]
    list_display_links = None
    list_filter = ["state", "kind"]
    list_select_related = ["created_by", "approved_by", "amends", "target_act"]
    search_fields = ["code", "title"]
    change_form_template = "admin/catalog/catalogchange/change_form.html"
    save_on_top = False

    # The list

    @admin.display(description=_("change"), ordering="created_at")
    def what(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:catalog_catalogchange_review", args=[obj.pk]), obj)

    @admin.display(description=_("entered by"))
    def entered(self, obj):
        return f"{person_name(obj.created_by)}, {timezone.localtime(obj.created_at):%d.%m.%Y %H:%M}"

    @admin.display(description=_("approved and published by"))
    def approved(self, obj):
        if not obj.approved_by_id:
            return "—"
        return f"{person_name(obj.approved_by)}, {timezone.localtime(obj.approved_at):%d.%m.%Y %H:%M}"

    # Who may do what

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or changes.refusal(request.user, obj, "edit") is None

    def has_delete_permission(self, request, obj=None):
        return False  # a change is discarded, never deleted: it stays in the catalog's history

    # The one-page form, by kind

    def get_fieldsets(self, request, obj=None):
        return FIELDSETS.get(_kind_from(request, obj), [])

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = admin_forms.FORMS.get(_kind_from(request, obj), admin_forms.WordingForm)
        return super().get_form(request, obj, change, **kwargs)

    def get_inlines(self, request, obj):
        return INLINES.get(_kind_from(request, obj), [])

    def get_readonly_fields(self, request, obj=None):
        return ["target_act"] if obj is not None and obj.kind == Kind.ACT_FACTS else []

    def _targets(self, request, obj, kind) -> dict[int, ProvisionVersion]:
        """The wordings a row may choose, read once for every row of the page."""
        chosen = Q(pk__in=ChangeRow.objects.filter(change=obj).values("target")) if obj is not None else Q(pk=None)
        if kind == Kind.AMENDMENT:
            choosable = Q(provision__act__kind=LegalAct.Kind.LIST, ended_by__isnull=True)
        elif kind == Kind.WORDING:
            choosable = Q(text_recorded=False)
        else:
            return {}
        versions = (
            ProvisionVersion.objects.filter(choosable | chosen)
            .select_related("provision__act", "introduced_by", "ended_by")
            .order_by("provision__act__effective_from", "provision__appendix", "provision__paragraph", "in_force_from")
        )
        return {v.pk: v for v in versions}

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if not hasattr(request, "_catalog_targets"):
            request._catalog_targets = self._targets(request, obj if obj.pk else None, _kind_from(request, obj))
        kwargs["form_kwargs"] = {"targets": request._catalog_targets}
        if not obj.pk and isinstance(inline, WordingRowInline) and request.method == "GET":
            version = _int(request.GET.get("version"))
            if version in request._catalog_targets:
                kwargs["initial"] = [{"target": version}]
        return kwargs

    def get_changeform_initial_data(self, request):
        initial = {}
        if _kind_from(request) == Kind.ACT_FACTS:
            act = LegalAct.objects.filter(pk=_int(request.GET.get("target_act")) or 0).first()
            if act is not None:
                initial = {"target_act": act.pk, **{name: getattr(act, name) for name in changes.ACT_FACTS}}
        return initial

    def add_view(self, request, form_url="", extra_context=None):
        kind = _kind_from(request)
        if kind is None or (kind == Kind.ACT_FACTS and request.method == "GET" and not request.GET.get("target_act")):
            return self.choose_kind_view(request)
        return super().add_view(request, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        # Read once per request: change_view looks at it before Django's own view does.
        cache = request.__dict__.setdefault("_catalog_change_objects", {})
        key = (object_id, from_field)
        if key not in cache:
            cache[key] = super().get_object(request, object_id, from_field)
        return cache[key]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        readable_only = obj is not None and self.has_view_permission(request, obj)
        if readable_only and request.method == "GET" and not self.has_change_permission(request, obj):
            messages.info(request, changes.refusal(request.user, obj, "edit"))
            return HttpResponseRedirect(reverse("admin:catalog_catalogchange_review", args=[obj.pk]))
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        kind = _kind_from(request, obj)
        targets = getattr(request, "_catalog_targets", {})
        context.update(
            {
                "kind": kind,
                "kind_label": Kind(kind).label if kind else "",
                "introduction": INTRODUCTIONS.get(kind, ""),
                "show_save_and_add_another": False,
                "show_save_and_continue": True,
                "current_wordings": {
                    str(pk): {
                        "text": v.text if v.text_recorded else gettext("(wording not recorded)"),
                        "footnote": v.footnote,
                    }
                    for pk, v in targets.items()
                },
            }
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.kind = _kind_from(request)
            if obj.kind == Kind.ACT_FACTS and obj.target_act_id:
                obj.target_act_facts = changes.act_facts_snapshot(obj.target_act)
        else:
            obj.revision += 1
        if obj.kind == Kind.ACT_FACTS and obj.target_act_id and obj.target_act.kind != LegalAct.Kind.LIST:
            obj.valid_until = obj.target_act.valid_until
        super().save_model(request, obj, form, change)

    def _after_save(self, request, obj):
        if "_continue" in request.POST:
            return None
        messages.success(
            request,
            gettext(
                "Saved as a draft: nothing is published yet. Read the difference and the preview below, then submit "
                "it for approval by another editor."
            ),
        )
        return HttpResponseRedirect(reverse("admin:catalog_catalogchange_review", args=[obj.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        return self._after_save(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._after_save(request, obj) or super().response_change(request, obj)

    # The pages of a change beyond the form

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", wrap(self.review_view), name="catalog_catalogchange_review"),
            path(
                "<int:pk>/do/<str:action>/", wrap(require_POST(self.action_view)), name="catalog_catalogchange_action"
            ),
            *super().get_urls(),
        ]

    def _visible(self, request, pk) -> CatalogChange:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(CatalogChange.objects.for_list(), pk=pk)

    def choose_kind_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        unrecorded = ProvisionVersion.objects.filter(text_recorded=False).count()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("What are you entering?"),
            "kinds": [
                (Kind.LIST, gettext("An act that approves a new list of priority activities (and its criteria).")),
                (Kind.AMENDMENT, gettext("An act that rewrites, adds or repeals paragraphs of a list in force.")),
                (Kind.ABROGATION, gettext("An act that ends a list from a given day.")),
            ],
            "acts": LegalAct.objects.order_by("signed_on", "code"),
            "unrecorded": unrecorded,
            "bad_kind": bool(request.GET.get("kind")) and request.GET.get("kind") != Kind.ACT_FACTS,
        }
        return TemplateResponse(request, "admin/catalog/catalogchange/choose_kind.html", context)

    def review_view(self, request, pk):
        change = self._visible(request, pk)
        rows = changes.change_rows(change)
        default_on = default_preview_date(change, rows) if change.is_open else None
        raw = request.GET.get("on", "").strip()[:40]
        on, error = default_on, ""
        if raw:
            try:
                on = parse_date(raw)
            except ValueError as exc:
                error = str(exc)
        preview = preview_change(change, on=on, rows=rows) if change.is_open else None
        user = request.user
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": str(change),
            "change": change,
            "rows": [_row_view(row) for row in rows],
            "abrogates": list(change.abrogates.all()) if change.kind == Kind.ABROGATION else [],
            "facts": _facts_view(change),
            "preview": preview,
            "on_typed": raw or (format_date(on) if on else ""),
            "on_error": error,
            "actions": {action: changes.refusal(user, change, action) for action in ACTIONS},
            "can_edit": changes.refusal(user, change, "edit") is None,
            "four_eyes": changes.four_eyes(),
            "impact_record": change.impact_at_publication,
        }
        return TemplateResponse(request, "admin/catalog/catalogchange/review.html", context)

    def action_view(self, request, pk, action):
        change = self._visible(request, pk)
        if action not in ACTIONS:
            raise Http404
        service, done = ACTIONS[action]
        kwargs = {"change": change, "user": request.user}
        if action == "return":
            kwargs["note"] = request.POST.get("note", "")[:5000]
        if action == "publish":
            kwargs["revision"] = _int(request.POST.get("revision")) or 0
        try:
            service(**kwargs)
        except changes.ChangeError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:catalog_catalogchange_review", args=[change.pk]))


def _row_view(row: ChangeRow) -> dict:
    """A row as the approver reads it: what it does, the wording in force beside the new one, and the diff."""
    target = row.target if row.target_id else None
    diff = None
    if target is not None and target.text_recorded and row.text and row.action == ChangeRow.Action.REWRITE:
        diff = word_diff(target.text, row.text)
    return {"row": row, "target": target, "diff": diff}


def _facts_view(change: CatalogChange) -> list[dict]:
    """The act's facts as entered; for a correction, each fact as it is now beside what it becomes."""
    labels = {f.name: f.verbose_name for f in CatalogChange._meta.get_fields() if hasattr(f, "verbose_name")}

    def shown(value):
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, datetime.date):
            return format_date(value)
        return value or "—"

    if change.kind == Kind.ACT_FACTS:
        before = change.target_act_facts or {}
        rows = []
        for name in changes.ACT_FACTS:
            old = before.get(name)
            if name.endswith(("_on", "_from", "_until")) and old:
                old = datetime.date.fromisoformat(old)
            new = getattr(change, name)
            rows.append({"label": labels[name], "before": shown(old), "after": shown(new), "changed": old != new})
        return rows
    if not change.enters_an_act:
        return []
    names = ["code", "title", "issuer", "signed_on", "registration_number", "registered_on", "effective_from",
             "effective_from_confirmed", "effective_from_basis"]  # fmt: skip
    if change.kind == Kind.LIST:
        names += ["valid_until", "sets_no_own_production_criteria"]
    if change.kind == Kind.ABROGATION:
        names += ["abrogated_from"]
    return [{"label": labels[name], "after": shown(getattr(change, name))} for name in names]
