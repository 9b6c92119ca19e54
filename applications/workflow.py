"""The workflow of an application: one table of allowed transitions, one service per transition.

Every service locks the application row (select_for_update), checks the state and the actor, writes,
and records the reason and the user in the history, and writes the e-mail to the organisation (the outbox,
applications/notifications.py) in the same transaction. Nothing else changes `Application.status`.
An illegal step raises WorkflowError and changes nothing (each service is atomic).
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import ProvisionVersion
from catalog.selectors import catalog_on

from .models import Application, Notification, ReferenceCounter, Status
from .notifications import notification_write


class WorkflowError(Exception):
    """A refused step. `message` is for the user; `field_errors` maps form fields to messages."""

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


# action: (statuses it may start from, status it leads to, the reason written to the history)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (frozenset({Status.DRAFT, Status.CHANGES_REQUESTED}), Status.SUBMITTED, gettext_lazy("Submitted")),
    "withdraw": (
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED}),
        Status.WITHDRAWN,
        gettext_lazy("Withdrawn by the applicant"),
    ),
    "start_review": (frozenset({Status.SUBMITTED}), Status.IN_REVIEW, gettext_lazy("Review started")),
    "request_changes": (
        frozenset({Status.IN_REVIEW}),
        Status.CHANGES_REQUESTED,
        gettext_lazy("Changes requested from the applicant"),
    ),
    "approve": (frozenset({Status.IN_REVIEW}), Status.APPROVED, gettext_lazy("Approved")),
    "reject": (frozenset({Status.IN_REVIEW}), Status.REJECTED, gettext_lazy("Rejected")),
}

REFUSALS = {
    "submit": gettext_lazy("Only a draft, or an application returned for changes, can be submitted."),
    "withdraw": gettext_lazy("An application that has been decided or withdrawn cannot be withdrawn."),
    "start_review": gettext_lazy("Only a submitted application can be taken into review."),
    "request_changes": gettext_lazy("Changes can be requested only while the application is in review."),
    "approve": gettext_lazy("Only an application in review can be decided."),
    "reject": gettext_lazy("Only an application in review can be decided."),
}


def allowed_actions(status: str) -> list[str]:
    return [action for action, (sources, _target, _reason) in TRANSITIONS.items() if status in sources]


def lock(application: Application) -> Application:
    """The application's row, locked for the rest of the transaction, as it is now in the database."""
    return Application.objects.select_for_update().get(pk=application.pk)


def check_transition(application: Application, action: str) -> None:
    sources, _target, _reason = TRANSITIONS[action]
    if application.status not in sources:
        raise WorkflowError(
            _("%(refusal)s This application is now “%(status)s”.")
            % {"refusal": REFUSALS[action], "status": application.get_status_display()}
        )


def apply_transition(application: Application, action: str, *, user, reason: str = "") -> Application:
    """Move a locked application along `action` and save it with the history's reason and user."""
    check_transition(application, action)
    _sources, target, default_reason = TRANSITIONS[action]
    application.status = target
    return save_with_history(application, user=user, reason=reason or str(default_reason))


def save_with_history(instance, *, user, reason: str = "", **kwargs):
    """Save any model with the acting user and a reason in its history row.

    The reason belongs to this save only: simple-history would repeat it on every later save of the same
    object in memory, so it is cleared afterwards.
    """
    instance._history_user = user
    instance._change_reason = reason or None
    try:
        instance.save(**kwargs)
    finally:
        del instance._change_reason
    return instance


def next_reference(year: int) -> str:
    counter, _created = ReferenceCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"AH-{year}-{counter.last:05d}"


@transaction.atomic
def application_create(*, organisation, user, today: datetime.date | None = None) -> Application:
    """A new draft for `organisation`, with a reference number people can read out (AH-2025-00042)."""
    today = today or timezone.localdate()
    application = Application(organisation=organisation, created_by=user, reference=next_reference(today.year))
    return save_with_history(application, user=user, reason=_("Draft started"))


def submission_problems(application: Application) -> list[tuple[str, str]]:
    """What is missing before the application can be submitted: (section, message) pairs."""
    problems = []
    if not application.eligibility_answered:
        problems.append(("eligibility", _("Answer every eligibility question.")))
    elif application.failed_eligibility:
        problems.append(("eligibility", _("The company does not meet the conditions to apply.")))
    claims = list(application.claims.all())
    if not claims:
        problems.append(("activities", _("Choose at least one priority activity.")))
    elif any(not claim.explanation.strip() for claim in claims):
        problems.append(("activities", _("Explain each activity you ticked.")))
    if application.sells_own_goods is None:
        problems.append(("goods", _("Say whether the company sells goods it produces.")))
    elif application.sells_own_goods and not application.certificates.exists():
        problems.append(("goods", _("Add at least one certificate of own production.")))
    if not application.declaration_confirmed:
        problems.append(("declaration", _("Confirm the statement of truth.")))
    return problems


def require_applicant(application: Application, user, *, staff_may: bool = False) -> None:
    """Applicant steps are taken by a member of the organisation (or, where `staff_may`, by park staff)."""
    from .roles import roles_for

    if staff_may and roles_for(user).staff:
        return
    if not application.organisation.memberships.filter(user_id=user.pk).exists():
        raise WorkflowError(_("Only a member of %(name)s can do this.") % {"name": application.organisation.name})


@transaction.atomic
def application_submit(*, application: Application, user, today: datetime.date | None = None) -> Application:
    """Submit (or submit again after changes were requested).

    The first submission pins the reference date (today, or the date received for an application
    that staff registered), the act in force then, and for each claim the wording in force then.
    When no list is in force on the reference date, submission is refused and the draft stays as it was.
    """
    application = lock(application)
    require_applicant(application, user, staff_may=application.received_by_other_channel)
    check_transition(application, "submit")
    problems = submission_problems(application)
    if problems:
        raise WorkflowError(
            _("The application is not complete: %(problems)s") % {"problems": " ".join(m for _s, m in problems)}
        )
    reference_date = application.reference_date or today or timezone.localdate()
    catalog = catalog_on(reference_date)
    if not catalog.in_force:
        raise WorkflowError(
            _("The application cannot be submitted on %(date)s. %(reason)s")
            % {"date": reference_date.strftime("%d.%m.%Y"), "reason": catalog.notice}
        )
    in_force = {version.provision_id: version for version in catalog.activities}
    claims = list(application.claims.select_related("provision"))
    stale = [claim for claim in claims if claim.provision_id not in in_force]
    if stale:
        raise WorkflowError(
            _(
                "Some activities you chose are not in the list in force on %(date)s: %(items)s. "
                "Go back to the activities and choose again."
            )
            % {
                "date": reference_date.strftime("%d.%m.%Y"),
                "items": ", ".join(str(claim.provision.label) for claim in stale),
            },
            field_errors={"activities": _("Choose again from the list in force.")},
        )
    for claim in claims:
        version: ProvisionVersion = in_force[claim.provision_id]
        if claim.provision_version_id != version.pk:
            claim.provision_version = version
            save_with_history(claim, user=user, reason=_("Wording in force on the reference date pinned"))
    application.reference_date = reference_date
    application.act = catalog.act
    application.submitted_at = timezone.now()
    application.submitted_by = user
    application.submission_count += 1
    reason = _("Submitted") if application.submission_count == 1 else _("Submitted again after changes")
    apply_transition(application, "submit", user=user, reason=reason)
    notification_write(application=application, kind=Notification.Kind.SUBMITTED, actor=user)
    return application


@transaction.atomic
def application_withdraw(*, application: Application, user) -> Application:
    """Withdraw; the organisation's members are told when the park had already received it."""
    application = lock(application)
    require_applicant(application, user)
    was_submitted = application.submission_count > 0
    apply_transition(application, "withdraw", user=user)
    if was_submitted:
        notification_write(application=application, kind=Notification.Kind.WITHDRAWN, actor=user)
    return application
