"""The applicant's pages (and the accounts). Thin: parse the form, call the service, redirect with a message.

Every application is fetched through a lookup of applications/permissions.py (404 for anyone outside its
organisation); the services decide what may change and refuse with DomainError, whose message the view shows.
"""

from functools import wraps
from urllib.parse import quote as urlquote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from catalog.selectors import catalog_on

from .. import two_factor
from ..models import Application, Certificate, Decision, Organisation
from ..permissions import (
    application_certificate,
    can_change_answers,
    can_join_organisations,
    can_withdraw,
    email_verified,
    member_application,
    member_or_staff_application,
    member_organisation,
    scan_certificate,
)
from ..roles import roles_for
from ..workflow import AWAITING_PARK, DomainError
from ..working_days import review_clock
from . import accounts, selectors, services
from .accounts import login_username
from .forms import (
    ActivitiesForm,
    CertificateForm,
    DeclarationForm,
    EligibilityForm,
    EmailAuthenticationForm,
    GoodsForm,
    InviteForm,
    OrganisationForm,
    PasswordResetForm,
    SignUpForm,
    yes_no_initial,
)


def home(request):
    """Everyone's start page: visitors see the introduction, each role goes to its own work."""
    roles = roles_for(request.user)
    if not roles.authenticated:
        return render(request, "home.html")
    if roles.staff:
        return redirect("review:dashboard")
    if roles.applicant:
        return redirect("applications:dashboard")
    return redirect("catalog:on_date")


def _posted(request, *, files: bool = False) -> tuple:
    """The form data of a POST (even an empty one: nothing ticked is an answer), or nothing for a GET."""
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


# Accounts ---------------------------------------------------------------------------------------------


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return ""


class LoginView(auth_views.LoginView):
    """Django's login with the e-mail address as the username."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


def login_locked(request, original_response=None, credentials=None):
    """The login page, refused (429) while django-axes holds this account locked at this address."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = EmailAuthenticationForm(request, data=request.POST or None)
    form.is_bound = False  # nothing is checked: the password is not even tried
    message = ngettext(
        "Too many wrong passwords for this account from your address: logging in to it from here is paused for "
        "%(minutes)s minute. Try again then, or choose a new password through “Forgotten your password?”.",
        "Too many wrong passwords for this account from your address: logging in to it from here is paused for "
        "%(minutes)s minutes. Try again then, or choose a new password through “Forgotten your password?”.",
        minutes,
    ) % {"minutes": minutes}
    form.initial = {"username": login_username(request, credentials)}
    return render(
        request, "registration/login.html", {"form": form, "locked": message, "next": _safe_next(request)}, status=429
    )


@login_required
def two_factor_enrol(request):
    """A member of staff adds an authenticator app: the key to type in (or its otpauth address), then a first code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists() and not request.user.is_verified():
        return redirect(f"{reverse('applications:two_factor_verify')}?next={urlquote(_safe_next(request))}")
    device = two_factor.totp_device_start(user=request.user)
    if request.method == "POST":
        try:
            two_factor.totp_device_confirm(request=request, device=device, token=request.POST.get("token", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your authenticator app is set up. Each sign-in now asks for its code."))
            return HttpResponseRedirect(_safe_next(request) or reverse("applications:home"))
    context = {"secret": two_factor.totp_secret(device), "config_url": device.config_url, "next": _safe_next(request)}
    return render(request, "registration/two_factor_enrol.html", context)


@login_required
def two_factor_verify(request):
    """After the password, a member of staff types the code their authenticator app shows."""
    if request.method == "POST":
        try:
            two_factor.totp_verify(request=request, token=request.POST.get("token", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            return HttpResponseRedirect(_safe_next(request) or reverse("applications:home"))
    return render(request, "registration/two_factor_verify.html", {"next": _safe_next(request)})


def signup(request):
    """Sign up: the same page whatever the address (accounts.account_sign_up); the account is used once its
    address is verified through the e-mailed link."""
    if request.user.is_authenticated:
        return redirect("applications:home")
    next_url = _safe_next(request)
    invitation = services.invitation_from_token(request.GET.get("invitation", "")) if request.method == "GET" else None
    form = SignUpForm(*_posted(request), initial={"email": invitation.email} if invitation else None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        accounts.account_sign_up(email=email, password=form.cleaned_data["password1"], next_url=next_url)
        return render(request, "registration/signup_done.html", {"email": email})
    return render(request, "registration/signup.html", {"form": form, "next": next_url, "invitation": invitation})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's password reset, but the e-mail is written to the outbox after the response
    (accounts.password_reset_request): the same answer, in the same time, for any address."""

    form_class = PasswordResetForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a password through the e-mailed link also proves the address."""

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_reset_done(form.user)
        return response


def email_verify_link(request, token: str):
    """The link in the verification e-mail: once signed in as its account, the address is verified; then on to
    where the user was going."""
    try:
        user, next_url = accounts.email_verify(token, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("applications:email_verify")
    if user is None:
        messages.error(
            request,
            _("This link is not valid any more: it has expired, or the address changed. Log in to get a new one."),
        )
        return redirect("applications:email_verify")
    if not request.user.is_authenticated:
        messages.info(request, _("Log in as %(email)s to confirm the address.") % {"email": user.email})
        return redirect_to_login(request.get_full_path())
    messages.success(request, _("Your e-mail address %(email)s is confirmed.") % {"email": user.email})
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return HttpResponseRedirect(next_url or reverse("applications:dashboard"))


@login_required
def email_verify(request):
    """Whether the signed-in user's address is verified, and the button to send the link again."""
    if request.method == "POST":
        try:
            accounts.email_verification_resend(user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("We have sent a new link to %(email)s. Check the spam folder too.") % {"email": request.user.email},
            )
        return redirect("applications:email_verify")
    context = {
        "verified": email_verified(request.user),
        "may_enrol": two_factor.asks_for_a_second_factor(request.user),
    }
    return render(request, "registration/email_verify.html", context)


def invitation_accept(request, token: str):
    """The link in an invitation e-mail: sign up (or log in) with the invited address, then accept it here.
    Only the POST of this page makes a membership (a mail scanner opening the link joins nobody)."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        messages.error(request, _("This invitation link is not valid any more: it has expired or been used."))
        return redirect("applications:home")
    if not request.user.is_authenticated:
        return redirect(f"{reverse('applications:signup')}?invitation={token}&next={request.path}")
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("You are now a member of %(name)s.") % {"name": membership.organisation.name})
            return redirect("applications:organisation_detail", pk=membership.organisation_id)
    return render(
        request,
        "applications/applicant/invitation_accept.html",
        {"invitation": invitation, "may_join": can_join_organisations(request.user)},
    )


# The applicant's home ----------------------------------------------------------------------------------


@login_required
def dashboard(request):
    """The user's organisations and all their applications, newest first, in a constant number of queries."""
    organisations, applications = selectors.dashboard(request.user)
    context = {
        "organisations": organisations,
        "applications": applications,
        "may_register": can_join_organisations(request.user),
        "email_verified": email_verified(request.user),
    }
    return render(request, "applications/applicant/dashboard.html", context)


# Organisations -----------------------------------------------------------------------------------------


@login_required
def organisation_create(request):
    permission = can_join_organisations(request.user)
    if not permission:
        raise PermissionDenied(permission.reason)
    form = OrganisationForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(user=request.user, **form.cleaned_data)
        messages.success(
            request, _("%(name)s is registered. You can now start an application.") % {"name": organisation.name}
        )
        return redirect("applications:organisation_detail", pk=organisation.pk)
    return render(request, "applications/applicant/organisation_form.html", {"form": form, "creating": True})


def _organisation_page(request, organisation: Organisation, invite_form: InviteForm):
    return render(
        request,
        "applications/applicant/organisation_detail.html",
        {
            "organisation": organisation,
            "memberships": organisation.memberships.select_related("user", "invited_by").order_by("joined_at"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True)
            .select_related("invited_by")
            .order_by("created_at"),
            "applications": organisation.applications.order_by("-created_at"),
            "invite_form": invite_form,
        },
    )


@login_required
def organisation_detail(request, pk: int):
    return _organisation_page(request, member_organisation(request.user, pk), InviteForm())


@login_required
def organisation_edit(request, pk: int):
    organisation = member_organisation(request.user, pk)
    bin_editable = not services.organisation_bin_locked(organisation)
    form = OrganisationForm(*_posted(request), instance=organisation, bin_editable=bin_editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(organisation=organisation, user=request.user, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("The organisation's details are saved."))
            return redirect("applications:organisation_detail", pk=organisation.pk)
    return render(
        request, "applications/applicant/organisation_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_POST
def organisation_invite(request, pk: int):
    organisation = member_organisation(request.user, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.organisation_invite(
                organisation=organisation, email=form.cleaned_data["email"], invited_by=request.user
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "An invitation was sent to %(email)s. They join when they accept it through its link, "
                    "with an account whose address is verified."
                )
                % {"email": invitation.email},
            )
        return redirect("applications:organisation_detail", pk=organisation.pk)
    return _organisation_page(request, organisation, form)


@login_required
@require_POST
def organisation_leave(request, pk: int):
    organisation = member_organisation(request.user, pk)
    try:
        services.membership_leave(organisation=organisation, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("applications:organisation_detail", pk=organisation.pk)
    messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
    return redirect("applications:dashboard")


@login_required
@require_POST
def application_start(request, pk: int):
    organisation = member_organisation(request.user, pk)
    application = services.application_create(organisation=organisation, user=request.user)
    messages.success(
        request,
        _("Application %(reference)s is started as a draft. Your answers are saved at every step.")
        % {"reference": application.reference},
    )
    return redirect("applications:detail", reference=application.reference)


# Applications ------------------------------------------------------------------------------------------


def _application(request, reference: str) -> Application:
    return member_application(request.user, reference, selectors.application_with_answers())


def _context(application: Application, **extra) -> dict:
    on = selectors.reference_date_for(application)
    catalog = catalog_on(on)
    return {
        "application": application,
        "catalog": catalog,
        "reference_date": on,
        "sections": selectors.application_sections(application, catalog=catalog),
        "claim_answers": selectors.claim_answers(application, catalog=catalog),
        "eligibility_rows": [
            (Application._meta.get_field(name).verbose_name, getattr(application, name))
            for name in Application.ELIGIBILITY_FIELDS
        ],
        **extra,
    }


def _to_task_list(application: Application):
    return redirect("applications:detail", reference=application.reference)


def step(key: str, template: str):
    """A step of the draft (a section of the task list), for members of the application's organisation.

    The step opens only while the applicant may change the answers and once the sections before it allow;
    otherwise the applicant goes back to the task list, told why. The view gets the application and the
    page's context and returns a response, or None to show `template`. A refusal of a service (DomainError)
    goes back to the task list with its message: the draft is as it was."""

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapper(request, reference: str):
            application = _application(request, reference)
            permission = can_change_answers(request.user, application)
            if not permission:
                messages.error(request, permission.reason)
                return _to_task_list(application)
            context = _context(application, step=key)
            context["section"] = section = next(s for s in context["sections"] if s.key == key)
            if not section.available:
                if section.hint:
                    messages.warning(request, section.hint)
                elif key in ("activities", "goods"):
                    messages.warning(request, _("Answer the eligibility questions first."))
                else:
                    messages.warning(request, _("Complete the sections above first."))
                return _to_task_list(application)
            try:
                response = view(request, application, context)
            except DomainError as error:
                messages.error(request, error.message)
                return _to_task_list(application)
            return response or render(request, template, context)

        return wrapper

    return decorate


@login_required
def application_detail(request, reference: str):
    """The task list while the applicant may edit; afterwards the application read-only with its status."""
    application = _application(request, reference)
    context = _context(
        application,
        park_messages=application.messages.select_related("author").order_by("-created_at"),
        decision=getattr(application, "decision", None),
        can_withdraw=can_withdraw(request.user, application),
    )
    if application.is_editable_by_applicant:
        return render(request, "applications/applicant/application_tasks.html", context)
    return render(request, "applications/applicant/application_detail.html", context)


@step("eligibility", "applications/applicant/application_eligibility.html")
def eligibility(request, application: Application, context: dict):
    form = context["form"] = EligibilityForm(*_posted(request), application=application)
    if request.method == "POST":
        valid = form.is_valid()
        # Saved even when some answers are missing: a draft keeps what was typed.
        answers = form.answers()
        application = services.application_eligibility_save(
            application=application, user=request.user, answers=answers, complete=valid
        )
        if valid and application.failed_eligibility:
            return redirect("applications:not_eligible", reference=application.reference)
        if valid:
            messages.success(request, _("Eligibility answers saved."))
            return _to_task_list(application)
    return None


@login_required
def not_eligible(request, reference: str):
    application = _application(request, reference)
    if not application.failed_eligibility:
        return _to_task_list(application)
    form = EligibilityForm(application=application)
    failed = [form[name] for name in application.failed_eligibility]
    return render(
        request,
        "applications/applicant/application_not_eligible.html",
        {**_context(application), "failed": failed, "can_withdraw": can_withdraw(request.user, application)},
    )


@step("activities", "applications/applicant/application_activities.html")
def activities(request, application: Application, context: dict):
    catalog = context["catalog"]
    context["stale"] = selectors.stale_claims(application, catalog)
    if not catalog.in_force:
        return None  # nothing can be chosen: the page says why and shows what was chosen before
    form = context["form"] = ActivitiesForm(
        *_posted(request), versions=catalog.activities, claims=application.claims.all()
    )
    if request.method == "POST":
        valid = form.is_valid()
        services.application_activities_save(
            application=application, user=request.user, choices=form.choices(), complete=valid
        )
        if valid:
            messages.success(request, _("Activities saved."))
            return _to_task_list(application)
        context["stale"] = []  # what was ticked now replaced the stale choices
    return None


@step("goods", "applications/applicant/application_goods.html")
def goods(request, application: Application, context: dict):
    initial = {"sells_own_goods": yes_no_initial(application.sells_own_goods)}
    form = context["form"] = GoodsForm(*_posted(request), initial=initial)
    if request.method != "POST" or not form.is_valid():
        return None
    sells = form.value()
    certificates = [] if sells else list(application.certificates.all())
    if certificates and request.POST.get("confirm") != "yes":
        # Answering "no" removes the certificates added: ask first (a page, no script needed).
        return _removal_confirm(
            request,
            application,
            certificates,
            question=_("Answer “no” and remove these certificates?"),
            explanation=_(
                "A company that sells no goods it produces needs no certificate of own production: the certificates "
                "below and their scans are removed. The application's history keeps a record of each."
            ),
            action=reverse("applications:goods", args=[application.reference]),
            hidden={"sells_own_goods": "no"},
            cancel=reverse("applications:goods", args=[application.reference]),
        )
    application, removed = services.application_goods_save(
        application=application, user=request.user, sells_own_goods=sells
    )
    if removed:
        messages.info(request, _("The certificates added before were removed: %(n)d.") % {"n": removed})
    if context["catalog"].asks_for_certificates(application.sells_own_goods):
        return redirect("applications:certificates", reference=application.reference)
    messages.success(request, _("Answer saved."))
    return _to_task_list(application)


@step("goods", "applications/applicant/application_certificates.html")
def certificates(request, application: Application, context: dict):
    """The certificates of own production, with a form to add one."""
    if not application.sells_own_goods:
        return redirect("applications:goods", reference=application.reference)
    on = context["reference_date"]
    form = context["form"] = CertificateForm(*_posted(request, files=True), reference_date=on)
    context["certificates"] = application.certificates.all()
    if request.method == "POST" and form.is_valid():
        certificate = services.certificate_add(application=application, user=request.user, **form.cleaned_data)
        messages.success(request, _("Certificate %(number)s added.") % {"number": certificate.number})
        warning = certificate.validity_warning(on)
        if warning:
            messages.warning(request, warning)
        return redirect("applications:certificates", reference=application.reference)
    return None


@login_required
@require_POST
def certificate_remove(request, reference: str, pk: int):
    application = member_application(request.user, reference)
    certificate = application_certificate(application, pk)
    if request.POST.get("confirm") != "yes":
        return _removal_confirm(
            request,
            application,
            [certificate],
            question=_("Remove this certificate?"),
            explanation=_("The certificate and its scan are removed. The application's history keeps a record of it."),
            action=reverse("applications:certificate_remove", args=[application.reference, certificate.pk]),
            hidden={},
            cancel=reverse("applications:certificates", args=[application.reference]),
        )
    try:
        services.certificate_remove(certificate=certificate, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return _to_task_list(application)
    messages.success(request, _("Certificate %(number)s removed.") % {"number": certificate.number})
    return redirect("applications:certificates", reference=application.reference)


def _removal_confirm(request, application, certificates, *, question, explanation, action, hidden, cancel):
    """The page that asks before certificates (and their scans) are removed; its form posts `confirm=yes`."""
    return render(
        request,
        "applications/applicant/removal_confirm.html",
        {
            "application": application,
            "certificates": certificates,
            "question": question,
            "explanation": explanation,
            "action": action,
            "hidden": hidden,
            "cancel": cancel,
        },
    )


@step("check", "applications/applicant/application_check.html")
def check_answers(request, application: Application, context: dict):
    return None


@step("declaration", "applications/applicant/application_declaration.html")
def declaration(request, application: Application, context: dict):
    form = context["form"] = DeclarationForm(*_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_confirm_and_submit(application=application, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)  # shown here, beside the declaration: nothing was submitted
            return None
        return redirect("applications:submitted", reference=application.reference)
    return None


@login_required
def submitted(request, reference: str):
    """The confirmation after submitting (GOV.UK pattern): the reference number, what happens next and by when
    (the one review clock, working_days.py), and a printable copy of everything submitted."""
    application = member_application(
        request.user,
        reference,
        selectors.application_with_answers(),
    )
    if application.status not in AWAITING_PARK:
        return _to_task_list(application)  # a draft, or since decided or withdrawn: the application's own page
    return render(
        request,
        "applications/applicant/submitted.html",
        _context(application, clock=review_clock(application, timezone.localdate())),
    )


@login_required
def withdraw(request, reference: str):
    application = _application(request, reference)
    if request.method == "POST":
        try:
            services.application_withdraw(application=application, user=request.user)
        except DomainError as error:
            messages.error(request, error.message)
            return _to_task_list(application)
        messages.success(request, _("Application %(reference)s is withdrawn.") % {"reference": reference})
        return redirect("applications:detail", reference=reference)
    if not can_withdraw(request.user, application):
        messages.error(
            request,
            _("Application %(reference)s is “%(status)s” and cannot be withdrawn.")
            % {"reference": reference, "status": application.get_status_display()},
        )
        return redirect("applications:detail", reference=reference)
    return render(request, "applications/applicant/application_withdraw.html", {"application": application})


def scan_response(certificate: Certificate) -> FileResponse:
    """A certificate's scan: always a download, never rendered inline, never kept in a shared cache.
    The one response for the applicant's and the reviewers' download (their lookups differ)."""
    response = FileResponse(
        certificate.scan.open("rb"),
        as_attachment=True,
        filename=certificate.scan_name or f"certificate-{certificate.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def scan(request, reference: str, pk: int):
    """A certificate's scan, for members of the application's organisation."""
    return scan_response(scan_certificate(request.user, reference, pk))


# What the applicant sees of a submitted application: members of its organisation, and staff ------------


@login_required
def status(request, reference: str):
    """The applicant's view of what happened: status changes and messages, never internal notes."""
    application = member_or_staff_application(request.user, reference)
    return render(
        request,
        "applications/applicant/status.html",
        {
            "application": application,
            "updates": selectors.applicant_updates(application),
            "decision": Decision.objects.filter(application=application).first(),
        },
    )


@login_required
def letter(request, reference: str):
    """The decision letter, to print."""
    application = member_or_staff_application(
        request.user, reference, Application.objects.select_related("organisation", "act")
    )
    decision = Decision.objects.filter(application=application).select_related("decided_by", "act").first()
    if decision is None:
        raise Http404
    return render(request, "applications/applicant/letter.html", {"application": application, "decision": decision})
