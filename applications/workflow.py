"""The workflow of an application: the named status sets, the one table of allowed transitions, and the one
writer of `Application.status`.

- Status sets ("editable by the applicant", "awaiting the park", "decided"...) are named here, once; every
  other module, template and query asks for them by name.
- TRANSITIONS says which action leads from which statuses to which. `apply_transition` is the only code
  that assigns `Application.status`: it checks the table, writes, and records the reason and the user in
  the history. The services that take each step (applicant/services.py, review/services.py) lock the row
  first (`lock`), check who acts (permissions.py) and what must be complete, then call it.
- A refused step raises DomainError and changes nothing (each service is one transaction).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Application, Status


class DomainError(Exception):
    """A refused step. `message` is for the user; `field_errors` maps form fields to messages."""

    def __init__(self, message: str, *, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.field_errors = field_errors or {}


# --- the named status sets ------------------------------------------------------------------------------

# The applicant may change the answers (a draft, or one the park sent back).
EDITABLE = frozenset({Status.DRAFT, Status.CHANGES_REQUESTED})
# Waiting for the park: the queue's "open" filter, and the statuses in which the 15 working-day clock runs.
AWAITING_PARK = frozenset({Status.SUBMITTED, Status.IN_REVIEW})
CLOCK_RUNNING = AWAITING_PARK
# Open: submitted and not yet decided or withdrawn (waiting for the park, or with the applicant for changes).
# A catalog change that moves the wording such an application pinned is told to its reviewer.
OPEN = frozenset({Status.SUBMITTED, Status.IN_REVIEW, Status.CHANGES_REQUESTED})
# A lead reviewer may (re)assign it: any open application.
ASSIGNABLE = OPEN
# Decided for good: a Decision exists and is never edited.
DECIDED = frozenset({Status.APPROVED, Status.REJECTED})
# Staff see every application except a draft: until it is submitted it is the applicant's own business.
SEEN_BY_STAFF = frozenset(set(Status.values) - {Status.DRAFT})


# --- the transition table ---------------------------------------------------------------------------------

# action: (statuses it may start from, status it leads to, the reason written to the history)
TRANSITIONS: dict[str, tuple[frozenset[str], str, str]] = {
    "submit": (EDITABLE, Status.SUBMITTED, gettext_lazy("Submitted")),
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


def transition_refusal(application: Application, action: str) -> str:
    """Why `action` cannot be taken from the application's status now, or "" when it can."""
    sources, _target, _reason = TRANSITIONS[action]
    if application.status in sources:
        return ""
    return _("%(refusal)s This application is now “%(status)s”.") % {
        "refusal": REFUSALS[action],
        "status": application.get_status_display(),
    }


def check_transition(application: Application, action: str) -> None:
    refusal = transition_refusal(application, action)
    if refusal:
        raise DomainError(refusal)


def apply_transition(application: Application, action: str, *, user, reason: str = "") -> Application:
    """Move a locked application along `action` and save it with the history's reason and user."""
    check_transition(application, action)
    _sources, target, default_reason = TRANSITIONS[action]
    application.status = target
    return save_with_history(application, user=user, reason=reason or str(default_reason))


# --- writing with history ---------------------------------------------------------------------------------


def lock(application: Application) -> Application:
    """The application's row, locked for the rest of the transaction, as it is now in the database."""
    return Application.objects.select_for_update().get(pk=application.pk)


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


def delete_with_history(instance, *, user, reason: str = "") -> None:
    """Delete with the acting user (and why) in the history's "-" row."""
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.delete()
