"""Who may do what, in one place: the predicates, and every object lookup scoped to the user.

Each predicate answers with a Permission: truthy when allowed; when not, its `reason` says why, in words
for the user. Services call `require(predicate(...))`, which raises DomainError with that reason and so
refuses the step whole; views pass the same answers to templates (as `may`), which show or hide a form
by them. Nothing else decides who may act.

Plain functions, not the `rules` package: `rules` answers only True or False, and the reason would need a
side channel; here the reason travels with the answer.

Lookups: an outsider gets 404 whether the object exists or not, a user without the role 403.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import (
    Application,
    Certificate,
    ConflictDeclaration,
    EmailVerification,
    Export,
    Membership,
    Organisation,
    Status,
)
from .roles import REVIEWERS, roles_for
from .workflow import ASSIGNABLE, EDITABLE, DomainError, transition_refusal


@dataclass(frozen=True)
class Permission:
    """An answer: allowed, or refused with the reason."""

    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Permission(True)


def refused(reason) -> Permission:
    return Permission(False, str(reason))


def require(permission: Permission) -> None:
    """Raise DomainError with the reason unless `permission` allows."""
    if not permission:
        raise DomainError(permission.reason)


def first_refusal(*checks) -> Permission:
    """The first refusal among `checks` (Permissions, or callables returning one, evaluated in order)."""
    for check in checks:
        answer = check() if callable(check) else check
        if not answer:
            return answer
    return ALLOWED


# --- facts about a user and an application ----------------------------------------------------------------


def _facts(user, application: Application) -> dict:
    """Whether `user` is a member of the application's organisation and whether they have declared no
    conflict of interest with it, in one query, remembered on this application instance (services work on
    a freshly locked instance, so they always ask the database)."""
    cache = application.__dict__.setdefault("_permission_facts", {})
    if "declared" not in cache.get(user.pk, {}):
        members = Membership.objects.filter(organisation_id=OuterRef("organisation_id"), user_id=user.pk)
        declarations = ConflictDeclaration.objects.filter(application_id=OuterRef("pk"), author_id=user.pk)
        row = (
            Application.objects.filter(pk=application.pk)
            .annotate(member=Exists(members), declared=Exists(declarations))
            .values("member", "declared")
            .first()
        )
        cache[user.pk] = {**cache.get(user.pk, {}), **(row or {"member": False, "declared": False})}
    return cache[user.pk]


def _remember_member(user, application: Application) -> Application:
    """A lookup that already proved membership saves the applicant's pages the query."""
    application.__dict__.setdefault("_permission_facts", {})[user.pk] = {"member": True}
    return application


def is_member(user, organisation: Organisation | int) -> bool:
    """Whether `user` belongs to the organisation (the one membership check; an anonymous user never does)."""
    if not getattr(user, "is_authenticated", False):
        return False
    organisation_id = getattr(organisation, "pk", organisation)
    return Membership.objects.filter(organisation_id=organisation_id, user_id=user.pk).exists()


def is_member_of_application(user, application: Application) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = application.__dict__.get("_permission_facts", {}).get(user.pk, {})
    return cached["member"] if "member" in cached else _facts(user, application)["member"]


def has_declared(user, application: Application) -> bool:
    """Whether `user` has declared no conflict of interest with the application's organisation."""
    return getattr(user, "is_authenticated", False) and _facts(user, application)["declared"]


# --- the applicant's side -----------------------------------------------------------------------------------


def email_verified(user) -> bool:
    """Whether `user` has proved they read the mailbox of their current address (models.EmailVerification);
    remembered on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return False
    verified = getattr(user, "_email_verified", None)
    if verified is None:
        verified = EmailVerification.objects.filter(user_id=user.pk, email__iexact=user.email).exists()
        user._email_verified = verified
    return verified


def verify_first(user) -> Permission:
    """Refused, saying how to verify, until the account's address is verified."""
    if email_verified(user):
        return ALLOWED
    return refused(
        _(
            "Confirm your e-mail address first: open the link we sent to %(email)s. No e-mail? Click your "
            "address at the top of the page to send the link again."
        )
        % {"email": user.email}
    )


def can_join_organisations(user) -> Permission:
    """Only applicants register organisations and become their members (staff act for the park), and only
    with an address they have proved is theirs."""
    if not roles_for(user).applicant:
        return refused(
            _("Park staff and catalog editors act for the park: they cannot register or join an organisation.")
        )
    return verify_first(user)


def _only_members(organisation: Organisation) -> Permission:
    return refused(_("Only a member of %(name)s can do this.") % {"name": organisation.name})


def can_manage_organisation(user, organisation: Organisation) -> Permission:
    """Members change the organisation's details, invite colleagues and start its applications."""
    return ALLOWED if is_member(user, organisation) else _only_members(organisation)


def can_act_for(user, application: Application) -> Permission:
    """Applicant steps are taken by a member of the application's organisation."""
    return ALLOWED if is_member_of_application(user, application) else _only_members(application.organisation)


def can_change_answers(user, application: Application) -> Permission:
    """A member may change the answers of a draft, or of an application the park sent back."""
    return first_refusal(
        lambda: can_act_for(user, application),
        lambda: (
            ALLOWED
            if application.status in EDITABLE
            else refused(
                _("Application %(reference)s is “%(status)s” and can no longer be changed.")
                % {"reference": application.reference, "status": application.get_status_display()}
            )
        ),
    )


def can_submit(user, application: Application) -> Permission:
    """A member submits; staff submit only an application they registered on the applicant's behalf."""
    if application.received_by_other_channel and roles_for(user).staff:
        actor = ALLOWED
    else:
        actor = first_refusal(lambda: can_act_for(user, application), lambda: verify_first(user))
    return first_refusal(actor, lambda: _transition("submit", application))


def can_withdraw(user, application: Application) -> Permission:
    return first_refusal(lambda: can_act_for(user, application), lambda: _transition("withdraw", application))


def _transition(action: str, application: Application) -> Permission:
    refusal = transition_refusal(application, action)
    return refused(refusal) if refusal else ALLOWED


# --- the reviewers' side ------------------------------------------------------------------------------------


def can_use_review(user) -> Permission:
    """The reviewers' pages and services: park reviewers (and admins) only."""
    if roles_for(user).staff:
        return ALLOWED
    return refused(_("Only park reviewers can do this."))


def _not_member(user, application: Application, *, whom: str | None = None) -> Permission:
    if not is_member_of_application(user, application):
        return ALLOWED
    return refused(
        _("%(whom)s a member of %(organisation)s, the applicant: a reviewer never reviews their own organisation.")
        % {"whom": whom or _("You are"), "organisation": application.organisation.name}
    )


def is_acting_reviewer(user, application: Application) -> Permission:
    """The assigned reviewer or a lead reviewer, who has declared no conflict of interest."""
    return first_refusal(
        lambda: can_use_review(user),
        lambda: _not_member(user, application),
        lambda: _assigned_or_lead(user, application),
        lambda: _declared(user, application),
    )


def _assigned_or_lead(user, application: Application) -> Permission:
    if roles_for(user).lead_reviewer or application.assigned_reviewer_id == user.pk:
        return ALLOWED
    return refused(_("Only the reviewer assigned to this application (or a lead reviewer) can do this."))


def _declared(user, application: Application) -> Permission:
    """Every staff member who acts on an application first declares no conflict of interest with it."""
    if has_declared(user, application):
        return ALLOWED
    return refused(_("Declare that you have no conflict of interest before working on this application."))


def can_declare(user, application: Application) -> Permission:
    """Any reviewer who is not a member of the applicant may declare, once, on a submitted application."""
    if has_declared(user, application):
        return refused(_("You have already declared that you have no conflict of interest with this organisation."))
    return first_refusal(
        lambda: can_use_review(user), lambda: _not_a_draft(application), lambda: _not_member(user, application)
    )


def _in_review(application: Application, what: str) -> Permission:
    if application.status == Status.IN_REVIEW:
        return ALLOWED
    return refused(
        _("%(what)s only while the application is in review. This application is now “%(status)s”.")
        % {"what": what, "status": application.get_status_display()}
    )


def can_take(user, application: Application) -> Permission:
    """A reviewer takes an unassigned (or assigned-to-them) submitted application; the assigned reviewer of
    one already in review (after a lead reviewer's assignment) takes it by declaring no conflict."""
    return first_refusal(
        lambda: can_use_review(user),
        lambda: _not_member(user, application),
        lambda: _takeable(user, application),
    )


def _takeable(user, application: Application) -> Permission:
    if application.assigned_reviewer_id not in (None, user.pk):
        return refused(
            _("This application is already assigned to %(reviewer)s.") % {"reviewer": application.assigned_reviewer}
        )
    if application.status == Status.IN_REVIEW and application.assigned_reviewer_id == user.pk:
        if has_declared(user, application):
            return refused(_("You already have this application in review."))
        return ALLOWED
    return _transition("start_review", application)


def can_assign(user, application: Application) -> Permission:
    """A lead reviewer (re)assigns an application waiting for or under review."""
    if not roles_for(user).lead_reviewer:
        return refused(_("Only a lead reviewer can assign applications."))
    if application.status not in ASSIGNABLE:
        return refused(
            _("Only an application waiting for or under review can be assigned. This application is now “%(status)s”.")
            % {"status": application.get_status_display()}
        )
    return ALLOWED


def can_be_assigned(reviewer, application: Application) -> Permission:
    """Whom a lead reviewer may assign: a reviewer who is not a member of the applicant organisation."""
    if not roles_for(reviewer).reviewer:
        return refused(_("%(user)s is not a reviewer.") % {"user": reviewer})
    return _not_member(reviewer, application, whom=_("%(user)s is") % {"user": reviewer})


def assignable_reviewers(application: Application):
    """Whom a lead reviewer is offered: active reviewers who are not members of the applicant organisation."""
    return (
        get_user_model()
        .objects.filter(groups__name=REVIEWERS, is_active=True)
        .exclude(memberships__organisation_id=application.organisation_id)
        .distinct()
        .order_by("email")
    )


def can_tick(user, application: Application) -> Permission:
    return first_refusal(
        lambda: _in_review(application, _("Activities can be ticked")),
        lambda: is_acting_reviewer(user, application),
    )


def can_verify(user, application: Application) -> Permission:
    return first_refusal(
        lambda: _in_review(application, _("Certificates can be verified")),
        lambda: is_acting_reviewer(user, application),
    )


def can_request_changes(user, application: Application) -> Permission:
    return first_refusal(
        lambda: _transition("request_changes", application), lambda: is_acting_reviewer(user, application)
    )


def can_decide(user, application: Application) -> Permission:
    return first_refusal(lambda: _transition("approve", application), lambda: is_acting_reviewer(user, application))


def _not_a_draft(application: Application) -> Permission:
    if application.status == Status.DRAFT:
        return refused(_("A draft is the applicant's own business."))
    return ALLOWED


def can_add_internal_note(user, application: Application) -> Permission:
    """Any reviewer who has declared no conflict of interest (not only the assigned one)."""
    return first_refusal(
        lambda: can_use_review(user),
        lambda: _not_a_draft(application),
        lambda: _not_member(user, application),
        lambda: _declared(user, application),
    )


def can_message_applicant(user, application: Application) -> Permission:
    return first_refusal(lambda: is_acting_reviewer(user, application), lambda: _not_a_draft(application))


def can_register_received(user) -> Permission:
    return can_use_review(user)


def can_export(user) -> Permission:
    """Reviewers and lead reviewers take the decisions out of the system (their own exports only)."""
    return can_use_review(user)


def can_batch_assign(user) -> Permission:
    """The queue's "assign selected": lead reviewers (each application is then checked by can_assign)."""
    if roles_for(user).lead_reviewer:
        return ALLOWED
    return refused(_("Only a lead reviewer can assign applications."))


def review_actions(user, application: Application) -> dict[str, Permission]:
    """What the user may do on the review screen now, for the template (`may.tick`, `may.decide`...)."""
    return {
        "take": can_take(user, application),
        "declare": can_declare(user, application),
        "assign": can_assign(user, application),
        "tick": can_tick(user, application),
        "verify": can_verify(user, application),
        "request_changes": can_request_changes(user, application),
        "decide": can_decide(user, application),
        "note": can_add_internal_note(user, application),
        "message": can_message_applicant(user, application),
    }


# --- scoped lookups -----------------------------------------------------------------------------------------


def staff_required(view):
    """Reviewers (and admins) only: anonymous users go to the login page, others get 403 with the reason."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        permission = can_use_review(request.user)
        if not permission:
            raise PermissionDenied(permission.reason)
        return view(request, *args, **kwargs)

    return wrapper


def member_application(user, reference: str, queryset=None) -> Application:
    """An application of one of the user's organisations, or 404 whether it exists or not."""
    queryset = queryset if queryset is not None else Application.objects.select_related("organisation")
    return _remember_member(user, get_object_or_404(queryset.visible_to(user), reference=reference))


def member_organisation(user, pk: int) -> Organisation:
    """One of the user's organisations, or 404 whether it exists or not."""
    return get_object_or_404(Organisation.objects.of_member(user), pk=pk)


def staff_application(user, reference: str, queryset=None) -> Application:
    """Any application staff may see (not a draft: that is the applicant's own business); 403 for others,
    before the lookup, so that a made-up reference tells nothing."""
    permission = can_use_review(user)
    if not permission:
        raise PermissionDenied(permission.reason)
    queryset = queryset if queryset is not None else Application.objects.select_related("organisation")
    return get_object_or_404(queryset.not_draft(), reference=reference)


def member_or_staff_application(user, reference: str, queryset=None) -> Application:
    """The pages the applicant sees (status, decision letter): members of the organisation, and staff.
    Not a draft; 404 for anyone else, whether it exists or not."""
    queryset = queryset if queryset is not None else Application.objects.select_related("organisation")
    if roles_for(user).staff:
        return get_object_or_404(queryset.not_draft(), reference=reference)
    return _remember_member(user, get_object_or_404(queryset.visible_to(user).not_draft(), reference=reference))


def application_certificate(application: Application, pk: int) -> Certificate:
    """A certificate of an application already fetched through one of the lookups above, or 404."""
    return get_object_or_404(Certificate.objects.select_related("application"), application=application, pk=pk)


def scan_certificate(user, reference: str, pk: int) -> Certificate:
    """The certificate whose scan a member of the application's organisation may download, or 404."""
    return application_certificate(member_application(user, reference, Application.objects.all()), pk)


def own_export(user, export_id) -> Export:
    """An export the user asked for: 403 for anyone but staff, 404 for another user's (whether it exists or not)."""
    permission = can_export(user)
    if not permission:
        raise PermissionDenied(permission.reason)
    return get_object_or_404(Export, pk=export_id, requested_by=user)


def staff_scan_certificate(user, reference: str, pk: int) -> Certificate:
    """The certificate whose scan staff may download (403 for others, 404 for a draft's)."""
    return application_certificate(staff_application(user, reference, Application.objects.all()), pk)
