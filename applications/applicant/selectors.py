"""Reads for the applicant's pages: the state of each section of a draft, the user's organisations and
applications, and what the applicant sees of an application's history (the status page).

Each runs a fixed number of queries, whatever the number of rows (tests/test_query_counts.py counts them).
"""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import ProvisionVersion, language_texts_prefetch
from catalog.selectors import CatalogOnDate

from ..models import ActivityClaim, ApplicantMessage, Application, Organisation, Status
from ..workflow import EDITABLE

# --- the user's organisations and applications --------------------------------------------------------------


def dashboard(user) -> tuple[list[Organisation], list[Application]]:
    """The user's organisations and all their applications, newest first: two queries."""
    organisations = list(Organisation.objects.of_member(user).order_by("name"))
    applications = list(
        Application.objects.visible_to(user)
        .select_related("organisation")
        .only(
            "reference",
            "status",
            "created_at",
            "updated_at",
            "submitted_at",
            "reference_date",
            "organisation__name",
            "organisation__bin",
        )
        .order_by("-created_at")
    )
    return organisations, applications


# --- the state of a draft -------------------------------------------------------------------------------------

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
CANNOT_START = "cannot_start"
NOT_ELIGIBLE = "not_eligible"

STATE_LABELS = {
    NOT_STARTED: gettext_lazy("Not started"),
    IN_PROGRESS: gettext_lazy("In progress"),
    COMPLETED: gettext_lazy("Completed"),
    CANNOT_START: gettext_lazy("Cannot start yet"),
    NOT_ELIGIBLE: gettext_lazy("Not eligible"),
}

SECTIONS = {
    "eligibility": gettext_lazy("Check the company can apply"),
    "activities": gettext_lazy("Priority activities the company carries on"),
    "goods": gettext_lazy("Goods and own production"),
    "check": gettext_lazy("Check your answers"),
    "declaration": gettext_lazy("Declaration and submission"),
}


@dataclass(frozen=True)
class Section:
    key: str
    number: int
    state: str
    hint: str = ""

    @property
    def title(self) -> str:
        return str(SECTIONS[self.key])

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def available(self) -> bool:
        return self.state != CANNOT_START

    @property
    def url_name(self) -> str:
        return f"applications:{self.key}"


def application_with_answers(queryset=None):
    """Applications with what the step pages read: claims with their provisions, certificates."""
    queryset = queryset if queryset is not None else Application.objects.all()
    return queryset.select_related("organisation", "act").prefetch_related(
        Prefetch(
            "claims",
            queryset=ActivityClaim.objects.select_related(
                "provision__act", "provision_version__introduced_by"
            ).prefetch_related(*language_texts_prefetch("provision_version__texts")),
        ),
        "certificates",
    )


def reference_date_for(application: Application, today: datetime.date | None = None) -> datetime.date:
    """The date whose list the applicant chooses from: pinned at first submission, else today."""
    return application.reference_date or today or timezone.localdate()


def stale_claims(application: Application, catalog: CatalogOnDate) -> list[ActivityClaim]:
    """Claims naming provisions not in the list in force on the catalog's date (none when no list is in force:
    then nothing can be chosen or submitted at all, and the pages say so instead)."""
    if not catalog.in_force:
        return []
    in_force = {version.provision_id for version in catalog.activities}
    return [claim for claim in application.claims.all() if claim.provision_id not in in_force]


@dataclass(frozen=True)
class ClaimAnswer:
    claim: ActivityClaim
    version: ProvisionVersion | None  # the wording the claim is pinned to, or will be on submission


def claim_answers(application: Application, *, catalog: CatalogOnDate) -> list[ClaimAnswer]:
    """Each claimed activity with the wording the reviewer will see: while the applicant may still change the
    answers, the wording in force on the reference date, which submitting pins (applicant/services.py); after,
    the wording pinned."""
    in_force = {}
    if application.status in EDITABLE and catalog.in_force:
        in_force = {version.provision_id: version for version in catalog.activities}
    return [
        ClaimAnswer(claim, in_force.get(claim.provision_id) or claim.provision_version)
        for claim in application.claims.all()
    ]


def application_sections(application: Application, *, catalog: CatalogOnDate) -> list[Section]:
    """The task list: each section's state. Later sections stay locked until the company is eligible."""
    answered = [getattr(application, name) for name in Application.ELIGIBILITY_FIELDS]
    if all(answer is None for answer in answered):
        eligibility = NOT_STARTED
    elif application.failed_eligibility:
        eligibility = NOT_ELIGIBLE
    elif any(answer is None for answer in answered):
        eligibility = IN_PROGRESS
    else:
        eligibility = COMPLETED
    unlocked = eligibility == COMPLETED

    claims = list(application.claims.all())
    activities_hint = ""
    if not unlocked:
        activities = CANNOT_START
    elif not catalog.in_force and not claims:
        # Nothing to choose from: the step is not offered, and the task list says why (an earlier choice is
        # still shown on its page, so a draft with claims keeps the step open).
        activities = CANNOT_START
        activities_hint = _("%(why)s There is nothing to choose until the park enters the list that replaces it.") % {
            "why": catalog.notice
        }
    elif not claims:
        activities = NOT_STARTED
    elif stale_claims(application, catalog):
        activities, activities_hint = IN_PROGRESS, _("Some activities you chose are no longer in force: choose again.")
    elif any(not claim.explanation.strip() for claim in claims):
        activities, activities_hint = IN_PROGRESS, _("Explain each activity you ticked.")
    else:
        activities = COMPLETED

    certificates = list(application.certificates.all())
    goods_hint = ""
    if not unlocked:
        goods = CANNOT_START
    elif application.sells_own_goods is None:
        goods = NOT_STARTED
    elif catalog.asks_for_certificates(application.sells_own_goods) and not certificates:
        goods, goods_hint = IN_PROGRESS, _("Add at least one certificate.")
    else:
        goods = COMPLETED

    ready = unlocked and activities == COMPLETED and goods == COMPLETED
    final = NOT_STARTED if ready else CANNOT_START
    return [
        Section("eligibility", 1, eligibility),
        Section("activities", 2, activities, activities_hint),
        Section("goods", 3, goods, goods_hint),
        Section("check", 4, final),
        Section("declaration", 5, final),
    ]


# --- what the applicant sees of the history -----------------------------------------------------------


@dataclass
class ApplicantUpdate:
    when: datetime.datetime
    status: str | None  # a status label, for a status change
    reason: str
    message: ApplicantMessage | None


def applicant_updates(application: Application) -> list[ApplicantUpdate]:
    """What the applicant sees of the history: status changes and the messages addressed to them.
    Never internal notes, verdict notes or certificate notes. Newest first; two queries."""
    labels = dict(Status.choices)
    updates, last = [], None
    for row in (
        Application.history.filter(id=application.pk)
        .order_by("history_date", "history_id")
        .only("status", "history_date", "history_change_reason", "history_id", "id")
    ):
        if row.status != last:
            updates.append(
                ApplicantUpdate(
                    row.history_date, str(labels.get(row.status, row.status)), row.history_change_reason or "", None
                )
            )
            last = row.status
    for message in application.messages.all():
        updates.append(ApplicantUpdate(message.created_at, None, "", message))
    updates.sort(key=lambda u: u.when, reverse=True)
    return updates
