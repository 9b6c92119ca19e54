"""The reviewers' pages. Thin: fetch through a lookup of applications/permissions.py, parse the form, call a
service of review/services.py, redirect with a message (or show the page again, with what was typed, on a
refusal). What the screen offers follows the same predicates the services enforce (`may`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import format_date
from catalog.selectors import catalog_on

from ..applicant.views import scan_response
from ..models import Application
from ..permissions import (
    assignable_reviewers,
    can_assign,
    is_member_of_application,
    review_actions,
    staff_application,
    staff_required,
    staff_scan_certificate,
)
from ..roles import roles_for
from ..workflow import CLOCK_RUNNING, DomainError
from ..working_days import review_due_on, working_days_left
from . import services as review
from .forms import (
    ApplicantMessageForm,
    AssignForm,
    CertificateVerifyForm,
    ClaimTickForm,
    DecisionForm,
    InternalNoteForm,
    QueueFilterForm,
    ReceivedDetailsForm,
    ReceivedStartForm,
    RequestChangesForm,
    TakeForm,
)
from .selectors import SORTS, QueueFilters, activity_choices, queue_rows, review_queue, review_screen
from .timeline import application_timeline


def _is_inline(request) -> bool:
    """A tick or verification sent by the page's script, which swaps in the returned card."""
    return request.headers.get("X-Review-Inline") == "1"


# --- the queue ------------------------------------------------------------------------------------


@staff_required
def queue(request):
    today = timezone.localdate()
    form = QueueFilterForm(request.GET or None, activity_choices=activity_choices())
    data = form.cleaned_data if form.is_valid() else {}
    filters = QueueFilters(
        status=data.get("status") or "open",
        assigned=data.get("assigned") or "anyone",
        activity=int(data["activity"]) if data.get("activity") else None,
        submitted_from=data.get("submitted_from"),
        submitted_to=data.get("submitted_to"),
        overdue=bool(data.get("overdue")),
        q=data.get("q", ""),
        sort=data.get("sort") or "due",
    )
    paginator = Paginator(review_queue(user=request.user, filters=filters, today=today), data.get("per_page") or 25)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
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
            "filters": filters,
            "page": page,
            "rows": queue_rows(page.object_list, today=today),
            "querystring": params.urlencode(),
            "sort_links": sort_links,
            "today": today,
        },
    )


# --- the review screen ----------------------------------------------------------------------------


def _screen_context(request, application: Application, bound: dict | None = None) -> dict:
    bound = bound or {}
    today = timezone.localdate()
    screen = review_screen(application, today=today)
    for view in screen.claims:
        view.form = bound.get(("claim", view.claim.pk)) or ClaimTickForm(
            initial={
                "verdict": view.claim.verdict if view.claim.verdict != "pending" else None,
                "note": view.claim.verdict_note,
            },
            prefix=f"claim-{view.claim.pk}",
        )
    for view in screen.certificates:
        view.form = bound.get(("certificate", view.certificate.pk)) or CertificateVerifyForm(
            initial={
                "verification": view.certificate.verification if view.certificate.verification != "pending" else None,
                "note": view.certificate.verification_note,
            },
            prefix=f"certificate-{view.certificate.pk}",
        )
    seen = {"seen": application.updated_at.isoformat()}
    may = review_actions(request.user, application)
    status = application.status
    clock_from = (
        timezone.localtime(application.submitted_at).date()
        if application.submission_count > 1
        else application.reference_date
    )
    due_on = review_due_on(clock_from) if status in CLOCK_RUNNING and clock_from else None
    days_left = working_days_left(clock_from, today) if due_on else None
    return {
        "may": may,
        "due_on": due_on,
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "eligibility": [
            (Application._meta.get_field(name).verbose_name, getattr(application, name))
            for name in Application.ELIGIBILITY_FIELDS
        ],
        "application": application,
        "screen": screen,
        "is_member": is_member_of_application(request.user, application),
        "assigned_to_me": application.assigned_reviewer_id == request.user.pk,
        "take_form": bound.get("take") or TakeForm(),
        "assign_form": (bound.get("assign") or AssignForm(reviewers=assignable_reviewers(application)))
        if may["assign"]
        else None,
        "request_changes_form": bound.get("request_changes") or RequestChangesForm(initial=seen),
        "decision_form": bound.get("decision") or DecisionForm(initial=seen),
        "note_form": bound.get("note") or InternalNoteForm(),
        "message_form": bound.get("message") or ApplicantMessageForm(),
        "today": today,
    }


def _application(request, reference: str) -> Application:
    return staff_application(
        request.user, reference, Application.objects.select_related("organisation", "assigned_reviewer", "act")
    )


@staff_required
def application_detail(request, reference: str):
    application = _application(request, reference)
    return render(request, "applications/review/application_detail.html", _screen_context(request, application))


def _refused(request, application, error: DomainError, key, form):
    """Show the page again with the refusal and everything typed."""
    for name, message in error.field_errors.items():
        if name in form.fields:
            form.add_error(name, message)
    messages.error(request, error.message)
    context = _screen_context(request, application, {key: form})
    return render(request, "applications/review/application_detail.html", context, status=422)


def _back(application: Application, anchor: str = ""):
    url = reverse("review:application", args=[application.reference])
    return redirect(f"{url}#{anchor}" if anchor else url)


@staff_required
def application_take(request, reference: str):
    if request.method != "POST":
        return _back(_application(request, reference))
    application = _application(request, reference)
    form = TakeForm(request.POST)
    form.is_valid()
    try:
        review.application_take(
            application=application, user=request.user, no_conflict=form.cleaned_data.get("no_conflict", False)
        )
    except DomainError as error:
        return _refused(request, application, error, "take", form)
    messages.success(request, _("You have taken %(ref)s into review.") % {"ref": application.reference})
    return _back(application)


@staff_required
def application_assign(request, reference: str):
    application = _application(request, reference)
    if request.method != "POST":
        return _back(application)
    if not roles_for(request.user).lead_reviewer:
        raise PermissionDenied(can_assign(request.user, application).reason)
    form = AssignForm(request.POST, reviewers=assignable_reviewers(application))
    if not form.is_valid():
        messages.error(request, _("Choose a reviewer."))
        return render(
            request,
            "applications/review/application_detail.html",
            _screen_context(request, application, {"assign": form}),
            status=422,
        )
    try:
        review.application_assign(application=application, user=request.user, reviewer=form.cleaned_data["reviewer"])
    except DomainError as error:
        return _refused(request, application, error, "assign", form)
    messages.success(request, _("Assigned to %(user)s.") % {"user": form.cleaned_data["reviewer"]})
    return _back(application)


def _inline_card(request, application, template: str, kind: str, pk: int, form, status: int = 200):
    context = _screen_context(request, application, {(kind, pk): form} if form is not None else None)
    items = context["screen"].claims if kind == "claim" else context["screen"].certificates
    item = next(i for i in items if (i.claim.pk if kind == "claim" else i.certificate.pk) == pk)
    context["item"] = item
    return render(request, template, context, status=status)


@staff_required
def claim_tick(request, reference: str, pk: int):
    application = _application(request, reference)
    claim = get_object_or_404(application.claims.select_related("application"), pk=pk)
    if request.method != "POST":
        return _back(application, f"claim-{pk}")
    form = ClaimTickForm(request.POST, prefix=f"claim-{pk}")
    try:
        if not form.is_valid():
            raise DomainError(_("Choose “confirmed” or “not confirmed”."))
        review.claim_tick(
            claim=claim, user=request.user, verdict=form.cleaned_data["verdict"], note=form.cleaned_data["note"]
        )
    except DomainError as error:
        if _is_inline(request):
            for name, message in error.field_errors.items():
                form.add_error(name, message)
            form.refusal = error.message
            return _inline_card(request, application, "applications/review/_claim.html", "claim", pk, form, status=422)
        return _refused(request, application, error, ("claim", pk), form)
    if _is_inline(request):
        return _inline_card(request, application, "applications/review/_claim.html", "claim", pk, None)
    messages.success(request, _("Saved: %(label)s.") % {"label": claim.provision.label})
    return _back(application, f"claim-{pk}")


@staff_required
def certificate_verify(request, reference: str, pk: int):
    application = _application(request, reference)
    certificate = get_object_or_404(application.certificates.select_related("application"), pk=pk)
    if request.method != "POST":
        return _back(application, f"certificate-{pk}")
    form = CertificateVerifyForm(request.POST, prefix=f"certificate-{pk}")
    try:
        if not form.is_valid():
            raise DomainError(_("Choose “verified” or “rejected”."))
        review.certificate_verify(
            certificate=certificate,
            user=request.user,
            verification=form.cleaned_data["verification"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        if _is_inline(request):
            for name, message in error.field_errors.items():
                form.add_error(name, message)
            form.refusal = error.message
            return _inline_card(
                request, application, "applications/review/_certificate.html", "certificate", pk, form, status=422
            )
        return _refused(request, application, error, ("certificate", pk), form)
    if _is_inline(request):
        return _inline_card(request, application, "applications/review/_certificate.html", "certificate", pk, None)
    messages.success(request, _("Saved: certificate %(number)s.") % {"number": certificate.number})
    return _back(application, f"certificate-{pk}")


@staff_required
def certificate_scan(request, reference: str, pk: int):
    """The scan, for staff, as the applicant's download is (applicant/views.scan_response)."""
    return scan_response(staff_scan_certificate(request.user, reference, pk))


@staff_required
def request_changes(request, reference: str):
    application = _application(request, reference)
    if request.method != "POST":
        return _back(application)
    form = RequestChangesForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("The page is out of date; reload it."))
        review.application_request_changes(
            application=application,
            user=request.user,
            message=form.cleaned_data["message"],
            seen=form.cleaned_data["seen"],
        )
    except DomainError as error:
        return _refused(request, application, error, "request_changes", form)
    messages.success(request, _("The application went back to the applicant with your message."))
    return _back(application)


@staff_required
def decide(request, reference: str):
    application = _application(request, reference)
    if request.method != "POST":
        return _back(application)
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Choose “approve” or “reject”."))
        decision = review.decision_record(
            application=application,
            user=request.user,
            outcome=form.cleaned_data["outcome"],
            reasons=form.cleaned_data["reasons"],
            seen=form.cleaned_data["seen"],
        )
    except DomainError as error:
        return _refused(request, application, error, "decision", form)
    messages.success(
        request, _("Decision recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display().lower()}
    )
    return _back(application)


@staff_required
def note_add(request, reference: str):
    application = _application(request, reference)
    if request.method != "POST":
        return _back(application)
    form = InternalNoteForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Write the note."))
        review.internal_note_add(application=application, user=request.user, body=form.cleaned_data["body"])
    except DomainError as error:
        return _refused(request, application, error, "note", form)
    messages.success(request, _("Internal note added. Only staff see it."))
    return _back(application, "notes")


@staff_required
def message_send(request, reference: str):
    application = _application(request, reference)
    if request.method != "POST":
        return _back(application)
    form = ApplicantMessageForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Write the message."))
        review.applicant_message_send(application=application, user=request.user, body=form.cleaned_data["body"])
    except DomainError as error:
        return _refused(request, application, error, "message", form)
    messages.success(request, _("Message sent to the applicant."))
    return _back(application, "notes")


# --- the audit trail, the letter and the applicant's view --------------------------------------------


@staff_required
def timeline(request, reference: str):
    application = _application(request, reference)
    return render(
        request,
        "applications/review/timeline.html",
        {"application": application, "entries": application_timeline(application)},
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
