"""The reviewers' pages. Thin: fetch through a lookup of applications/permissions.py, parse the form, call a
service of review/services.py, redirect with a message (or show the page again, with what was typed, on a
refusal). What the screen offers follows the same predicates the services enforce (`may`)."""

import tempfile
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponsePermanentRedirect, JsonResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from catalog.models import format_date
from catalog.selectors import catalog_on

from ..applicant.views import scan_response
from ..models import Application, Certificate, Export, StaffPreference
from ..permissions import (
    ALLOWED,
    Permission,
    can_assign,
    can_batch_assign,
    is_member_of_application,
    own_export,
    review_actions,
    staff_application,
    staff_required,
    staff_scan_certificate,
)
from ..roles import roles_for
from ..workflow import DomainError
from ..working_days import review_clock
from . import exports as exports_module
from . import services as review
from .forms import (
    ApplicantMessageForm,
    AssignForm,
    BatchForm,
    CheckForm,
    DecisionForm,
    ExportForm,
    InternalNoteForm,
    PreferenceForm,
    QueueFilterForm,
    ReceivedDetailsForm,
    ReceivedStartForm,
    RequestChangesForm,
    TakeForm,
)
from .selectors import (
    DECISION_NOT_SHOWN,
    PAGE_PARAMS,
    SORTS,
    QueueFilters,
    activity_choices,
    page_number,
    queue_page,
    queue_rows,
    review_queue,
    review_screen,
    reviewer_choices,
    workload,
)
from .timeline import timeline_page


def _is_inline(request) -> bool:
    """A tick or verification sent by the page's script, which swaps in the returned card."""
    return request.headers.get("X-Review-Inline") == "1"


# --- the queue ------------------------------------------------------------------------------------


def queue_filters(data: dict) -> QueueFilters:
    """The queue's filters from its form's cleaned data (the export's form fills the same)."""
    return QueueFilters(
        status=data.get("status") or "open",
        assigned=data.get("assigned") or "anyone",
        activity=int(data["activity"]) if data.get("activity") else None,
        submitted_from=data.get("submitted_from"),
        submitted_to=data.get("submitted_to"),
        overdue=bool(data.get("overdue")),
        catalog_changed=bool(data.get("catalog_changed")),
        q=data.get("q", ""),
        sort=data.get("sort") or "due",
        due_from=data.get("due_from"),
        due_to=data.get("due_to"),
        decided_from=data.get("decided_from"),
        decided_to=data.get("decided_to"),
        decided_by=data.get("decided_by") or "",
    )


@staff_required
def queue(request):
    today = timezone.localdate()
    reviewers = reviewer_choices()
    form = QueueFilterForm(request.GET or None, activity_choices=activity_choices(), reviewer_choices=reviewers)
    # A filter that cannot be read (a date that does not exist) lists nothing until it is fixed: the list of
    # every application, as if no filter were set, would look like the answer to the filters typed.
    invalid = form.is_bound and not form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    filters = queue_filters(data)
    applications = review_queue(user=request.user, filters=filters, today=today)
    if invalid:
        applications = applications.none()
    page = queue_page(
        applications,
        filters=filters,
        per_page=data.get("per_page") or 25,
        params=request.GET,
    )
    params = request.GET.copy()
    for name in PAGE_PARAMS:
        params.pop(name, None)
    sort_params = params.copy()
    sort_links = {}
    for base in ("reference", "organisation", "status", "submitted", "due"):
        # A second click on the sorted column reverses it.
        sort_params["sort"] = f"-{base}" if filters.sort == base and f"-{base}" in SORTS else base
        sort_links[base] = sort_params.urlencode()
    return render(
        request,
        "applications/review/queue.html",
        {
            "form": form,
            "invalid": invalid,
            "filters": filters,
            "page": page,
            "rows": queue_rows(page.applications, today=today, user=request.user),
            "querystring": params.urlencode(),
            "sort_links": sort_links,
            "today": today,
            "batch_form": BatchForm(initial={"back": request.GET.urlencode()}, reviewer_choices=reviewers),
            "may_assign": can_batch_assign(request.user),
        },
    )


def _back_to_queue(query: str):
    """The queue with the filters it had (only the query string is taken from the form: never another address)."""
    query = QueryDict(query or "").urlencode()
    return redirect(reverse("review:queue") + (f"?{query}" if query else ""))


@staff_required
@require_POST
def batch(request):
    """Take, or assign, the applications ticked in the queue; then a summary, row by row."""
    reviewers = reviewer_choices()
    form = BatchForm(request.POST, reviewer_choices=reviewers)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back_to_queue(request.POST.get("back", "")[:2000])
    data = form.cleaned_data
    reviewer = None
    if data["action"] == "assign":
        reviewer = get_user_model().objects.filter(pk=int(data["reviewer"]), is_active=True).first()
        if reviewer is None:
            messages.error(request, _("Choose the reviewer to assign them to."))
            return _back_to_queue(data["back"])
    try:
        outcomes = review.applications_batch(
            user=request.user,
            action=data["action"],
            references=data["references"],
            reviewer=reviewer,
            no_conflict=data["no_conflict"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return _back_to_queue(data["back"])
    back = QueryDict(data["back"]).urlencode()
    return render(
        request,
        "applications/review/batch_result.html",
        {
            "action": data["action"],
            "reviewer": reviewer,
            "outcomes": outcomes,
            "done": [outcome for outcome in outcomes if outcome.done],
            "refused": [outcome for outcome in outcomes if not outcome.done],
            "back": reverse("review:queue") + (f"?{back}" if back else ""),
        },
    )


# --- the dashboards -----------------------------------------------------------------------------------------


@staff_required
def dashboard(request):
    """A reviewer's home: their open applications, due this week, overdue, decided this month; a lead
    reviewer's: the same for each reviewer of the team, and what is unassigned or waiting."""
    today = timezone.localdate()
    lead = roles_for(request.user).lead_reviewer
    return render(
        request,
        "applications/review/dashboard.html",
        {"work": workload(user=request.user, today=today, team=lead), "lead": lead, "today": today},
    )


@staff_required
def preferences(request):
    """How the user is told: an e-mail for each update, or only the daily digest."""
    current = StaffPreference.objects.filter(user=request.user, digest_only=True).exists()
    form = PreferenceForm(request.POST or None, initial={"digest_only": "digest" if current else "immediate"})
    if request.method == "POST":
        if form.is_valid():
            review.staff_preference_set(user=request.user, digest_only=form.cleaned_data["digest_only"])
            messages.success(
                request,
                _("Saved: you will receive only the daily digest.")
                if form.cleaned_data["digest_only"]
                else _("Saved: you will be told of each update at once, and receive the daily digest."),
            )
            return redirect("review:dashboard")
        return render(request, "applications/review/preferences.html", {"form": form}, status=422)
    return render(request, "applications/review/preferences.html", {"form": form})


# --- exports ------------------------------------------------------------------------------------------------


def _export_form(data=None):
    return ExportForm(data, activity_choices=activity_choices(), reviewer_choices=reviewer_choices())


@staff_required
def exports(request):
    """Ask for the decisions of a period, filtered like the queue: a small export is the response itself; a
    larger one is written by a task, with its progress on the export's page."""
    if request.method != "POST":
        initial = {key: value for key, value in request.GET.items() if key in ExportForm.base_fields}
        form = _export_form()
        form.initial.update(initial)
        return _exports_page(request, form)
    form = _export_form(request.POST)
    if not form.is_valid():
        return _exports_page(request, form, status=422)
    data = form.cleaned_data
    filters = queue_filters(
        {
            "status": data["outcome"] or "all",
            "q": data["q"],
            "activity": data["activity"],
            "decided_from": data["decided_from"],
            "decided_to": data["decided_to"],
            "decided_by": data["decided_by"],
            "sort": "reference",
        }
    )
    decisions = exports_module.decisions_for_export(user=request.user, filters=filters)
    if decisions.count() <= exports_module.stream_limit():
        return _export_response(decisions, filters, data["format"])
    export = exports_module.export_request(user=request.user, filters=filters, format=data["format"])
    return redirect("review:export", export_id=export.pk)


def _exports_page(request, form, status: int = 200):
    recent = Export.objects.filter(requested_by=request.user).order_by("-created_at")[:10]
    return render(
        request,
        "applications/review/exports.html",
        {"form": form, "recent": recent, "limit": exports_module.stream_limit()},
        status=status,
    )


def _export_response(decisions, filters, format: str):
    """A small export as the response itself: CSV streamed line by line, XLSX written to a temporary file first."""
    labels = exports_module.Labels()
    name = exports_module.file_name(filters, format)
    if format == Export.Format.CSV:
        response = StreamingHttpResponse(
            exports_module.csv_lines(decisions, labels), content_type=exports_module.CONTENT_TYPES[format]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
    else:
        file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it, and so removes it
        exports_module.xlsx_write(decisions, labels, file)
        file.seek(0)
        response = FileResponse(
            file, as_attachment=True, filename=name, content_type=exports_module.CONTENT_TYPES[format]
        )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def export_detail(request, export_id):
    """An export being written: its progress bar (review/export-progress.js asks export_progress), then its link."""
    export = own_export(request.user, export_id)
    return render(request, "applications/review/export_detail.html", {"export": export, **_progress(export)})


def _progress(export: Export) -> dict:
    done = export.state == Export.State.DONE
    return {
        "state": export.state,
        "state_label": str(export.get_state_display()),
        "done": export.done,
        "total": export.total,
        "percent": export.percent,
        "download_url": reverse("review:export_download", args=[export.pk]) if done else "",
        "error": export.error,
    }


@staff_required
def export_progress(request, export_id):
    """The export's progress as JSON, for the page's progress bar."""
    response = JsonResponse(_progress(own_export(request.user, export_id)))
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
def export_download(request, export_id):
    """The written file, for the user who asked only; never cached."""
    export = own_export(request.user, export_id)
    if export.state != Export.State.DONE or not export.file:
        return redirect("review:export", export_id=export.pk)
    filters = exports_module.filters_of(export.parameters)
    response = FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=exports_module.file_name(filters, export.format),
        content_type=exports_module.CONTENT_TYPES[export.format],
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the review screen ----------------------------------------------------------------------------


def _screen_context(request, application: Application, bound: dict | None = None) -> dict:
    bound = bound or {}
    today = timezone.localdate()
    screen = review_screen(application, today=today, notes_page=page_number(request.GET.get("notes")))
    for kind, (check, _items, _template, screen_list) in CHECKS.items():
        for view in getattr(screen, screen_list):
            value, note = (getattr(view.item, name) for name in check.fields[:2])
            view.form = bound.get((kind, view.item.pk)) or CheckForm(
                check=check,
                initial={check.fields[0]: value if value in (check.passed, check.failed) else None, "note": note},
                prefix=f"{kind}-{view.item.pk}",
            )
    seen = {"seen": application.updated_at.isoformat()}
    may = review_actions(request.user, application)
    return {
        "may": may,
        "clock": review_clock(application, today),
        "eligibility": [
            (Application._meta.get_field(name).verbose_name, getattr(application, name))
            for name in Application.ELIGIBILITY_FIELDS
        ],
        "application": application,
        "screen": screen,
        "is_member": is_member_of_application(request.user, application),
        "assigned_to_me": application.assigned_reviewer_id == request.user.pk,
        "take_form": bound.get("take") or bound.get("declare") or TakeForm(),
        "assign_form": (bound.get("assign") or AssignForm(application=application)) if may["assign"] else None,
        "request_changes_form": bound.get("request_changes") or RequestChangesForm(initial=seen),
        "decision_form": bound.get("decision") or DecisionForm(initial=seen),
        "note_form": bound.get("note") or InternalNoteForm(),
        "message_form": bound.get("message") or ApplicantMessageForm(),
        "today": today,
    }


def _application(request, reference: str) -> Application:
    queryset = Application.objects.select_related("organisation", "assigned_reviewer", "act")
    return staff_application(request.user, reference, queryset)


@staff_required
def screen(request, reference: str):
    """The review screen of one application: what was claimed, the checks, and what the user may do now."""
    # With its decision, if any, in the same query (the screen shows its outcome, who, when and why).
    queryset = Application.objects.select_related("organisation", "assigned_reviewer", "act", "decision").defer(
        *DECISION_NOT_SHOWN
    )
    application = staff_application(request.user, reference, queryset)
    return render(request, "applications/review/application_detail.html", _screen_context(request, application))


def _add_field_errors(form, error: DomainError) -> None:
    """The refusal's messages beside the fields they are about."""
    for name, message in error.field_errors.items():
        if name in form.fields:
            form.add_error(name, message)


def _refused(request, application, error: DomainError, key, form):
    """Show the page again with the refusal and everything typed."""
    _add_field_errors(form, error)
    messages.error(request, error.message)
    context = _screen_context(request, application, {key: form})
    return render(request, "applications/review/application_detail.html", context, status=422)


def _back(application: Application, anchor: str = ""):
    url = reverse("review:application", args=[application.reference])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- the actions of the review screen: one view, one table -----------------------------------------------


def _take(user, application, data) -> str:
    review.application_take(application=application, user=user, no_conflict=data["no_conflict"])
    return _("You have taken %(ref)s into review.") % {"ref": application.reference}


def _declare(user, application, data) -> str:
    review.conflict_declare(application=application, user=user, no_conflict=data["no_conflict"])
    return _("Your declaration of no conflict of interest is recorded.")


def _assign(user, application, data) -> str:
    review.application_assign(application=application, user=user, reviewer=data["reviewer"])
    return _("Assigned to %(user)s.") % {"user": data["reviewer"]}


def _request_changes(user, application, data) -> str:
    review.application_request_changes(application=application, user=user, message=data["message"], seen=data["seen"])
    return _("The application went back to the applicant with your message.")


def _decide(user, application, data) -> str:
    outcome, reasons, seen = data["outcome"], data["reasons"], data["seen"]
    decision = review.decision_record(application=application, user=user, outcome=outcome, reasons=reasons, seen=seen)
    return _("Decision recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display().lower()}


def _note(user, application, data) -> str:
    review.internal_note_add(application=application, user=user, body=data["body"])
    return _("Internal note added. Only staff see it.")


def _message(user, application, data) -> str:
    review.applicant_message_send(application=application, user=user, body=data["body"])
    return _("Message sent to the applicant.")


def _lead_reviewer(user, application) -> Permission:
    """Assigning is a lead reviewer's: anyone else gets 403 (the application's state is the service's to refuse)."""
    return ALLOWED if roles_for(user).lead_reviewer else can_assign(user, application)


@dataclass(frozen=True)
class Action:
    form: type  # a ScreenForm
    invalid: str  # the refusal of a form that does not parse
    run: Callable  # (user, application, cleaned data) -> the message to show once done
    anchor: str = ""  # where on the screen to come back to
    role: Callable | None = None  # a predicate the user must pass first, or get 403


# The key is also the form's name in the screen's context ("take" -> take_form), as _screen_context binds it.
ACTIONS = {
    "take": Action(TakeForm, "", _take),
    "declare": Action(TakeForm, "", _declare),
    "assign": Action(AssignForm, gettext_lazy("Choose a reviewer."), _assign, role=_lead_reviewer),
    "request_changes": Action(
        RequestChangesForm, gettext_lazy("The page is out of date; reload it."), _request_changes
    ),
    "decision": Action(DecisionForm, gettext_lazy("Choose “approve” or “reject”."), _decide),
    "note": Action(InternalNoteForm, gettext_lazy("Write the note."), _note, anchor="notes"),
    "message": Action(ApplicantMessageForm, gettext_lazy("Write the message."), _message, anchor="notes"),
}


@staff_required
def act(request, reference: str, action: str):
    """Every action of the review screen but the ticks. A GET goes back to the screen. A POST parses the
    action's form, calls its service and goes back with the message. A refusal (or a form that does not
    parse) shows the screen again with the message and everything typed, status 422."""
    spec = ACTIONS[action]
    application = _application(request, reference)
    if request.method != "POST":
        return _back(application, spec.anchor)
    if spec.role is not None:
        permission = spec.role(request.user, application)
        if not permission:
            raise PermissionDenied(permission.reason)
    form = spec.form(request.POST, application=application)
    try:
        if not form.is_valid():
            raise DomainError(spec.invalid)
        done = spec.run(request.user, application, form.cleaned_data)
    except DomainError as error:
        return _refused(request, application, error, action, form)
    messages.success(request, done)
    return _back(application, spec.anchor)


# --- ticks and verifications: one view for both kinds of check -------------------------------------------

# kind: (the check, the item's queryset on the application, its card, the screen's list of its views)
CHECKS = {
    "claim": (review.TICK, "claims", "applications/review/_claim.html", "claims"),
    "certificate": (review.VERIFY, "certificates", "applications/review/_certificate.html", "certificates"),
}


def _card(request, application, kind: str, pk: int, form=None, status: int = 200):
    """The item's card alone (for the page's script), with the form as typed when given."""
    check, _items, template, screen_list = CHECKS[kind]
    context = _screen_context(request, application, {(kind, pk): form} if form is not None else None)
    context["item"] = next(view for view in getattr(context["screen"], screen_list) if view.item.pk == pk)
    return render(request, template, context, status=status)


@staff_required
def check(request, reference: str, pk: int, kind: str):
    """Tick a claimed activity or verify a certificate. The page's script posts it in the background and swaps
    in the returned card; without JavaScript it is an ordinary form, answered as every other action is."""
    check, items, _template, _list = CHECKS[kind]
    application = _application(request, reference)
    item = get_object_or_404(getattr(application, items).select_related("application"), pk=pk)
    if request.method != "POST":
        return _back(application, f"{kind}-{pk}")
    form = CheckForm(request.POST, check=check, prefix=f"{kind}-{pk}")
    try:
        if not form.is_valid():
            raise DomainError(check.choose)
        review.check_record(
            check=check,
            item=item,
            user=request.user,
            value=form.cleaned_data[form.choice_name],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        if not _is_inline(request):
            return _refused(request, application, error, (kind, pk), form)
        _add_field_errors(form, error)
        form.refusal = error.message
        return _card(request, application, kind, pk, form, status=422)
    if _is_inline(request):
        return _card(request, application, kind, pk)
    messages.success(request, _("Saved: %(item)s.") % {"item": _item_name(item)})
    return _back(application, f"{kind}-{pk}")


def _item_name(item) -> str:
    if isinstance(item, Certificate):
        return _("certificate %(number)s") % {"number": item.number}
    return str(item.provision.label)


@staff_required
def certificate_scan(request, reference: str, pk: int):
    """The scan, for staff, as the applicant's download is (applicant/views.scan_response)."""
    return scan_response(staff_scan_certificate(request.user, reference, pk))


# --- the audit trail, the letter and the applicant's view --------------------------------------------


@staff_required
def timeline(request, reference: str):
    application = _application(request, reference)
    entries, total = timeline_page(application, page_number(request.GET.get("page")))
    return render(
        request,
        "applications/review/timeline.html",
        {"application": application, "entries": entries, "total": total},
    )


def moved_to_applicant(name: str):
    """The status page and the letter moved under the applicant's addresses; links in e-mails sent before
    still lead there. Anyone is sent on: the new address applies its own rule (login, 404 for outsiders)."""

    def view(request, reference: str):
        return HttpResponsePermanentRedirect(reverse(name, kwargs={"reference": reference}))

    return view


# --- registering an application received by another channel ------------------------------------------


@staff_required
def register_received(request):
    """Step 1 (GET): the organisation and the date received. Step 2 (POST): the answers given on paper."""
    source = request.POST if request.method == "POST" else (request.GET or None)
    start = ReceivedStartForm(source)
    details, catalog = None, None
    if start.is_valid():
        catalog = catalog_on(start.cleaned_data["received_on"])
        if catalog.in_force:
            details = ReceivedDetailsForm(
                request.POST if request.method == "POST" else None,
                request.FILES if request.method == "POST" else None,
                activities=catalog.activities,
                received_on=start.cleaned_data["received_on"],
            )
    if request.method == "POST" and details is not None and details.is_valid():
        try:
            application = review.application_register_received(
                organisation=start.cleaned_data["organisation"],
                user=request.user,
                received_on=start.cleaned_data["received_on"],
                explanations=details.explanations(),
                sells_own_goods=details.cleaned_data["sells_own_goods"],
                certificates=details.certificates(),
                eligibility_declared=details.cleaned_data["eligibility_declared"],
            )
        except DomainError as error:
            messages.error(request, error.message)
            for name, message in error.field_errors.items():
                # Beside the field it is about, in whichever of the two forms holds it (the date received
                # is in the first).
                for form in (start, details):
                    if name in form.fields:
                        form.add_error(name, message)
        else:
            messages.success(
                request,
                _("Registered %(ref)s with reference date %(date)s.")
                % {"ref": application.reference, "date": format_date(application.reference_date)},
            )
            return _back(application)
    return render(
        request,
        "applications/review/register_received.html",
        {"start": start, "details": details, "catalog": catalog},
        status=422 if request.method == "POST" else 200,
    )
