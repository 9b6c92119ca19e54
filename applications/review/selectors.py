"""Reads for the reviewers' pages: the queue and the review screen (the audit timeline: review/timeline.py).

Each runs a fixed number of queries, whatever the number of rows (the tests count them).
"""

import datetime
import functools
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.models import Provision, ProvisionVersion, format_date, language_texts_prefetch
from catalog.selectors import CatalogOnDate, cached_answer, cached_wordings, catalog_on, catalog_revision

from ..keyset import keyset_page
from ..models import (
    ActivityClaim,
    ApplicantMessage,
    Application,
    CatalogChangeEffect,
    Certificate,
    Decision,
    Status,
)
from ..roles import LEAD_REVIEWERS, REVIEWERS
from ..search import application_search
from ..templatetags.statuses import status_badge_html
from ..workflow import ASSIGNABLE, AWAITING_PARK, CLOCK_RUNNING
from ..working_days import (
    ReviewClock,
    latest_clock_start_due_by,
    latest_clock_start_overdue_on,
    review_clock,
    working_days_ago,
)
from .services import approval_problems, certificate_answers, own_production_finding

# --- the queue ------------------------------------------------------------------------------------

SORTS = {
    # key: (label, ordering)
    "due": (gettext_lazy("Due date (soonest first)"), ["clock_from", "reference"]),
    "-due": (gettext_lazy("Due date (latest first)"), ["-clock_from", "-reference"]),
    "submitted": (gettext_lazy("Submitted (oldest first)"), ["reference_date", "reference"]),
    "-submitted": (gettext_lazy("Submitted (newest first)"), ["-reference_date", "-reference"]),
    "reference": (gettext_lazy("Reference"), ["reference"]),
    "organisation": (gettext_lazy("Organisation"), ["organisation__name", "reference"]),
    "status": (gettext_lazy("Status"), ["status", "clock_from", "reference"]),
}
OPEN = "open"
ALL = "all"


@dataclass(frozen=True)
class QueueFilters:
    status: str = OPEN  # "open" (awaiting the park), "all", or one status
    assigned: str = "anyone"  # "me", "unassigned", "anyone", or a reviewer's user id
    activity: int | None = None  # a Provision id
    submitted_from: datetime.date | None = None
    submitted_to: datetime.date | None = None
    overdue: bool = False
    catalog_changed: bool = False  # a published catalog change moved or ended a wording it pinned
    q: str = ""
    sort: str = "due"
    # The clock running, due in this period (the dashboards' "due this week").
    due_from: datetime.date | None = None
    due_to: datetime.date | None = None
    # Decided in this period, by this user ("me" or a user id).
    decided_from: datetime.date | None = None
    decided_to: datetime.date | None = None
    decided_by: str = ""


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first moment of `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _user_id(value: str, user) -> int | None:
    return user.pk if value == "me" else int(value) if value.isdigit() else None


def review_queue(*, user, filters: QueueFilters, today: datetime.date) -> QuerySet:
    """Every application that is not a draft, filtered and sorted as the reviewer asked."""
    queryset = Application.objects.not_draft().select_related("organisation", "assigned_reviewer")
    if filters.status == OPEN:
        queryset = queryset.filter(status__in=AWAITING_PARK)
    elif filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.assigned == "me":
        queryset = queryset.filter(assigned_reviewer=user)
    elif filters.assigned == "unassigned":
        queryset = queryset.filter(assigned_reviewer__isnull=True)
    elif filters.assigned.isdigit():
        queryset = queryset.filter(assigned_reviewer_id=int(filters.assigned))
    if filters.activity:
        queryset = queryset.filter(
            Exists(ActivityClaim.objects.filter(application=OuterRef("pk"), provision_id=filters.activity))
        )
    if filters.catalog_changed:
        queryset = queryset.filter(Exists(CatalogChangeEffect.objects.filter(application=OuterRef("pk"))))
    if filters.submitted_from:
        queryset = queryset.filter(reference_date__gte=filters.submitted_from)
    if filters.submitted_to:
        queryset = queryset.filter(reference_date__lte=filters.submitted_to)
    if filters.overdue:
        queryset = queryset.filter(status__in=CLOCK_RUNNING, clock_from__lte=latest_clock_start_overdue_on(today))
    if filters.due_from:
        queryset = queryset.filter(
            status__in=CLOCK_RUNNING,
            clock_from__gt=latest_clock_start_due_by(filters.due_from - datetime.timedelta(days=1)),
        )
    if filters.due_to:
        queryset = queryset.filter(status__in=CLOCK_RUNNING, clock_from__lte=latest_clock_start_due_by(filters.due_to))
    if filters.decided_from:
        queryset = queryset.filter(decision__decided_at__gte=_start_of(filters.decided_from))
    if filters.decided_to:
        queryset = queryset.filter(decision__decided_at__lt=_start_of(filters.decided_to + datetime.timedelta(days=1)))
    if filters.decided_by:
        queryset = queryset.filter(decision__decided_by_id=_user_id(filters.decided_by, user))
    if filters.q.strip():
        queryset = queryset.filter(application_search(filters.q))
    return queryset.order_by(*SORTS.get(filters.sort, SORTS["due"])[1])


# The queue counts at most this many applications of one view ("more than 1,000 applications"): counting every
# one of 100,000 would read them all for a number nobody needs exactly.
QUEUE_COUNT_LIMIT = 1000


# What a queue row shows (queue.html, queue_rows): a row of three tables read without the columns it does not.
QUEUE_COLUMNS = (
    "reference",
    "status",
    "clock_from",
    "reference_date",
    "submission_count",
    "received_by_other_channel",
    "organisation__name",
    "organisation__bin",
    "assigned_reviewer__email",
    "assigned_reviewer__username",
)


@dataclass
class QueuePage:
    """One page of the queue, reached by keyset links (applications/keyset.py): every page costs the same at
    any depth. The links keep the filters and the sort."""

    applications: list
    count: int  # up to QUEUE_COUNT_LIMIT
    truncated: bool  # more than QUEUE_COUNT_LIMIT
    first_href: str = ""  # the pagination links (query strings); "" when there is no such page
    previous_href: str = ""
    next_href: str = ""
    last_href: str = ""

    @property
    def paged(self) -> bool:
        return bool(self.previous_href or self.next_href)


# The parameters that say which page of a view: links to another sort or view leave them out.
PAGE_PARAMS = ("after", "before", "last", "page")

# The sort columns that hold no NULL in a view without withdrawn applications (the constraint
# application_submitted_has_clock): there a page starts from one row-value comparison an index answers.
QUEUE_NOT_NULL = frozenset({"clock_from", "reference_date"})


def queue_page(applications: QuerySet, *, filters: QueueFilters, per_page: int, params) -> QueuePage:
    """The page of an ordered queue that the address asks for (`after`, `before` or `last`), with its links."""
    # Only a view that can list withdrawn applications can list one without a clock (a withdrawn draft).
    withdrawn = not (filters.status == OPEN or (filters.status in Status.values and filters.status != Status.WITHDRAWN))
    page = keyset_page(
        applications.only(*QUEUE_COLUMNS),
        per_page,
        after_cursor=params.get("after", ""),
        before_cursor=params.get("before", ""),
        last=params.get("last") == "1",
        not_null=frozenset() if withdrawn else QUEUE_NOT_NULL,
    )
    # Without the list's order: how many rows there are does not depend on it, and sorting every matching row
    # to count the first 1,001 cost 14 ms at 100,000 applications (a temporary B-tree over two statuses).
    counted = applications.order_by()[: QUEUE_COUNT_LIMIT + 1].count()
    base = params.copy()
    for name in PAGE_PARAMS:
        base.pop(name, None)

    def link(**extra) -> str:
        query = base.copy()
        query.update(extra)
        return f"?{query.urlencode()}"

    return QueuePage(
        applications=page.rows,
        count=min(counted, QUEUE_COUNT_LIMIT),
        truncated=counted > QUEUE_COUNT_LIMIT,
        first_href=link() if page.has_previous else "",
        previous_href=link(before=page.previous_cursor) if page.has_previous else "",
        next_href=link(after=page.next_cursor) if page.has_next else "",
        last_href=link(last="1") if page.has_next else "",
    )


@dataclass(frozen=True)
class QueueRow:
    application: Application
    clock: ReviewClock | None  # None when the clock is not running
    # Worked out once for the page, not by the template for each row (issue 13: the queue's own rendering).
    url: str = ""
    status_label: str = ""
    status_badge: str = ""  # templatetags/statuses.status_badge_html, built once per row
    select_label: str = ""
    submitted_on: str = ""
    reviewer: str = ""  # the assigned reviewer's e-mail (or username)
    reviewer_is_me: bool = False
    overdue_label: str = ""
    due_label: str = ""


def queue_rows(applications, *, today: datetime.date, user=None) -> list[QueueRow]:
    """The rows of a list of applications with every text their row shows, translated once for the page."""
    placeholder = "AH-0000-00000"  # a well-formed reference (config/converters.py), replaced below
    address = reverse("review:application", args=[placeholder])
    labels = {value: str(label) for value, label in Status.choices}
    select = _("Select %(ref)s")
    due = _("due %(d)s")
    badges = {}  # one per status a page
    rows = []
    for application in applications:
        clock = review_clock(application, today)
        label = labels.get(application.status, application.status)
        if application.status not in badges:
            badges[application.status] = status_badge_html(application.status, label)
        # The queue's reviewer column (its rows come with their reviewer); other lists pass no user.
        reviewer = application.assigned_reviewer if user is not None and application.assigned_reviewer_id else None
        rows.append(
            QueueRow(
                application,
                clock,
                url=address.replace(placeholder, application.reference),
                status_label=label,
                status_badge=badges[application.status],
                select_label=select % {"ref": application.reference},
                submitted_on=format_date(application.reference_date) if application.reference_date else "",
                reviewer=(reviewer.email or reviewer.username) if reviewer else "",
                reviewer_is_me=reviewer is not None and reviewer.pk == user.pk,
                overdue_label=(
                    ngettext("overdue %(n)s day", "overdue %(n)s days", clock.days_overdue) % {"n": clock.days_overdue}
                    if clock and clock.overdue
                    else ""
                ),
                due_label=due % {"d": format_date(clock.due_on)} if clock else "",
            )
        )
    return rows


def activity_choices() -> list[tuple[str, str]]:
    """Appendix 1 paragraphs of every list act, for the "activity claimed" filter. One query."""
    provisions = (
        Provision.objects.filter(appendix=1)
        .order_by("act__signed_on", "paragraph")
        .values_list("pk", "act__code", "appendix", "paragraph")
    )
    return [
        (str(pk), f"{code} · {Provision.label_of(appendix, paragraph)}") for pk, code, appendix, paragraph in provisions
    ]


# --- long lists, newest first: internal notes, the timeline ---------------------------------------------------

PER_PAGE = 50
MAX_PAGE = 10_000


def page_number(raw) -> int:
    """A page number from the address; anything else (missing, hostile, oversized) is the first page."""
    raw = str(raw or "")
    return int(raw) if raw.isdigit() and 0 < len(raw) <= 5 and 1 <= int(raw) <= MAX_PAGE else 1


@dataclass
class NewestFirst:
    """One page of a list newest first: `items`, and whether there are newer (previous) or older (next) pages.
    Taking one row more than a page tells whether there is a next one: no count, no query more."""

    items: list
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def paged(self) -> bool:
        return self.has_previous or self.has_next


def newest_first_page(rows, number: int, per_page: int = PER_PAGE) -> NewestFirst:
    """Page `number` of `rows` (a queryset or a list, already newest first)."""
    start = (number - 1) * per_page
    taken = list(rows[start : start + per_page + 1])
    if not taken and number > 1:  # past the end (an old link): the first page
        return newest_first_page(rows, 1, per_page)
    return NewestFirst(items=taken[:per_page], number=number, has_next=len(taken) > per_page)


# --- the review screen ----------------------------------------------------------------------------


@dataclass
class ClaimView:
    claim: ActivityClaim
    notices: list[str] = field(default_factory=list)
    changed: str = ""  # "", "changed" or "added" since the last request for changes
    previous_explanation: str | None = None

    @property
    def item(self) -> ActivityClaim:
        return self.claim


@dataclass
class CertificateView:
    certificate: Certificate
    valid_on_reference_date: bool
    kind_accepted: bool | None  # None: the criteria in force then are not recorded
    same_number_elsewhere: list[Certificate]
    changed: str = ""

    @property
    def item(self) -> Certificate:
        return self.certificate


@dataclass
class ReviewScreen:
    application: Application
    catalog: CatalogOnDate
    claims: list[ClaimView]
    certificates: list[CertificateView]
    removed_claims: list[str]
    removed_certificates: list[str]
    changed_fields: list[str]
    changes_request: ApplicantMessage | None
    resubmitted: bool
    approval_problems: list[str]
    own_production: dict
    catalog_effects: list[CatalogChangeEffect]  # published catalog changes that moved a wording it pinned
    internal_notes: NewestFirst  # of InternalNote, PER_PAGE a page
    messages: list[ApplicantMessage]
    decision: Decision | None


def claim_notices(
    claim: ActivityClaim,
    versions: list[ProvisionVersion],
    today: datetime.date,
    reference_date: datetime.date | None = None,
) -> list[str]:
    """Plain statements about the wording the claim relies on: not recorded, amended since, no longer in
    force, and whether it is still the wording in force on the reference date (an editor confirming an
    act's real effective date after submission can move the periods)."""
    pinned = claim.provision_version
    if pinned is None:
        return [_("No wording was pinned for this claim.")]
    notices = []
    if reference_date and not (
        pinned.in_force_from <= reference_date
        and (pinned.in_force_until is None or reference_date < pinned.in_force_until)
    ):
        actual = next(
            (
                v
                for v in versions
                if v.in_force_from <= reference_date and (v.in_force_until is None or reference_date < v.in_force_until)
            ),
            None,
        )
        notices.append(
            _(
                "Since submission the catalog's dates have changed: on the reference date (%(date)s) the wording "
                "in force was %(actual)s, not the one pinned at submission. Check which wording applies."
            )
            % {
                "date": format_date(reference_date),
                "actual": _("the wording of %(code)s") % {"code": actual.introduced_by.code}
                if actual
                else _("none (the paragraph was not in force)"),
            }
        )
    if not pinned.text_recorded:
        notices.append(
            _(
                "The wording in force on the reference date is not recorded in the catalog: the paragraph "
                "was in force, but its text then has not been entered from the official publication."
            )
        )
    later = [v for v in versions if v.in_force_from > pinned.in_force_from]
    if later:
        first = min(later, key=lambda v: v.in_force_from)
        notices.append(
            _("This wording has since been amended: %(code)s, in force from %(date)s.")
            % {"code": first.introduced_by.code, "date": first.in_force_from_display}
        )
    elif pinned.in_force_until and pinned.in_force_until <= today:
        notices.append(
            _("This wording is no longer in force: it ended on %(date)s.")
            % {"date": format_date(pinned.in_force_until)}
        )
    return notices


def latest_changes_request(messages: list[ApplicantMessage]) -> ApplicantMessage | None:
    """The latest request for changes among an application's messages (the screen lists them all anyway)."""
    requests = [m for m in messages if m.kind == ApplicantMessage.Kind.CHANGES_REQUESTED]
    return max(requests, key=lambda m: (m.created_at, m.pk), default=None)


# What the review screen does not show of a decision (the frozen copies the letter and exports read): the screen's
# view leaves them out when it reads the decision with the application.
DECISION_NOT_SHOWN = [
    f"decision__{name}"
    for name in ("confirmed_activities", "claimed_activities", "own_production_finding", "addressee_address")
]


def review_screen(application: Application, *, today: datetime.date, notes_page: int = 1) -> ReviewScreen:
    # The provision's act is not shown (its label is the appendix and paragraph): not joined.
    claims = list(
        application.claims.select_related("provision", "provision_version__introduced_by", "verdict_by")
        .prefetch_related(*language_texts_prefetch("provision_version__texts"))
        .order_by("provision__appendix", "provision__paragraph")
    )
    certificates = list(application.certificates.select_related("verified_by"))
    # What the catalog says changes only when the catalog does: the catalog on the reference date and every
    # wording of the claimed provisions come from the cache, keyed by the catalog's revision (one query instead
    # of three, four in Kazakh or Russian, and no wordings to build).
    revision = catalog_revision()
    versions_by_provision = cached_wordings([c.provision_id for c in claims], revision=revision)
    on = application.reference_date
    catalog = cached_answer("on", on, lambda: catalog_on(on), revision=revision)
    accepted = catalog.accepted_certificate_kinds

    numbers = {c.number.strip().upper() for c in certificates}
    elsewhere: dict[str, list[Certificate]] = {}
    for other in (
        Certificate.objects.annotate(normalised=Upper("number"))
        .filter(normalised__in=numbers)
        .exclude(application__organisation_id=application.organisation_id)
        .select_related("application__organisation")
        .only("number", "application__reference", "application__organisation__name")  # what the screen names
    ):
        elsewhere.setdefault(other.number.strip().upper(), []).append(other)

    messages = list(application.messages.select_related("author"))
    request = latest_changes_request(messages)
    resubmitted = bool(request and application.submitted_at and application.submitted_at > request.created_at)
    snapshot = request.snapshot if resubmitted else {}
    before_claims = snapshot.get("claims", {})
    before_certificates = snapshot.get("certificates", {})

    claim_views = []
    for claim in claims:
        view = ClaimView(
            claim,
            claim_notices(claim, versions_by_provision.get(claim.provision_id, []), today, application.reference_date),
        )
        if resubmitted:
            before = before_claims.get(str(claim.provision_id))
            if before is None:
                view.changed = "added"
            elif before != claim.explanation:
                view.changed, view.previous_explanation = "changed", before
        claim_views.append(view)
    certificate_views = []
    for certificate in certificates:
        view = CertificateView(
            certificate,
            valid_on_reference_date=certificate.is_valid_on(application.reference_date),
            kind_accepted=None if accepted is None else certificate.kind in accepted,
            same_number_elsewhere=elsewhere.get(certificate.number.strip().upper(), []),
        )
        if resubmitted:
            before = before_certificates.get(certificate.number)
            if before is None:
                view.changed = "added"
            elif before != certificate_answers(certificate):
                view.changed = "changed"
        certificate_views.append(view)
    removed_claims, removed_certificates, changed_fields = [], [], []
    if resubmitted:
        current = {str(c.provision_id) for c in claims}
        gone = [int(pid) for pid in before_claims if pid not in current]
        if gone:
            removed_claims = [str(p.label) for p in Provision.objects.filter(pk__in=gone)]
        removed_certificates = sorted(set(before_certificates) - {c.number for c in certificates})
        for name, value in snapshot.get("fields", {}).items():
            if getattr(application, name) != value:
                changed_fields.append(str(Application._meta.get_field(name).verbose_name))
    # Read with the application when its view asked for it (select_related), else one query.
    decision = getattr(application, "decision", None)
    return ReviewScreen(
        application=application,
        catalog=catalog,
        claims=claim_views,
        certificates=certificate_views,
        removed_claims=removed_claims,
        removed_certificates=removed_certificates,
        changed_fields=changed_fields,
        changes_request=request,
        resubmitted=resubmitted,
        approval_problems=approval_problems(application, claims, certificates, catalog),
        own_production=own_production_finding(application, certificates, catalog),
        catalog_effects=list(
            # What the notice says: the change's summary (its kind, code, amended or corrected act), title and date.
            application.catalog_effects.select_related("change__amends", "change__target_act").only(
                "application",  # the related manager sets it on each row
                "claims",
                "change__kind",
                "change__code",
                "change__title",
                "change__approved_at",
                "change__amends__code",
                "change__target_act__code",
            )
        ),
        internal_notes=newest_first_page(
            application.internal_notes.select_related("author").order_by("-created_at", "-pk"), notes_page
        ),
        messages=messages,
        decision=decision,
    )


# --- people offered in the queue's filters and batch assignment ----------------------------------------------


def reviewer_choices() -> list[tuple[str, str]]:
    """Active reviewers and lead reviewers as (user id, e-mail), for the queue's "Assigned" and "Decided by"
    filters and its "assign selected". One query."""
    users = (
        get_user_model()
        .objects.filter(groups__name__in=[REVIEWERS, LEAD_REVIEWERS], is_active=True)
        .distinct()
        .order_by("email", "pk")
        .values_list("pk", "email", "username")
    )
    return [(str(pk), email or username) for pk, email, username in users]


# --- the dashboards ---------------------------------------------------------------------------------------


def queue_query(**params) -> str:
    """The queue's query string for these filters (dates DD.MM.YYYY, as its form shows them)."""
    return urlencode(
        {key: format_date(value) if isinstance(value, datetime.date) else value for key, value in params.items()}
    )


@dataclass
class Load:
    """One reviewer's work: counts, each with the queue's query string that lists exactly those applications."""

    reviewer: object | None
    open: int = 0
    due_this_week: int = 0
    overdue: int = 0
    decided_this_month: int = 0
    links: dict = field(default_factory=dict)


@dataclass
class Workload:
    today: datetime.date
    week_ends: datetime.date
    month_starts: datetime.date
    mine: Load
    team: list[Load]  # lead reviewers only: every reviewer, and anyone else holding applications
    unassigned: int = 0
    waiting: int = 0  # unassigned for 2 working days or more
    with_applicant: int = 0  # changes requested: the applicant's turn
    links: dict = field(default_factory=dict)
    urgent: list = field(default_factory=list)  # my most urgent open applications (QueueRow)


WAITING_WORKING_DAYS = 2
URGENT_ROWS = 10
WORKLOAD_CACHE_SECONDS = 300


def applications_revision() -> str:
    """Moves whenever an application or a decision is written (each write, status change and assignment adds a
    history row; records are never edited without one) or a migration runs. One query (each part reads the end
    of a primary key index)."""
    with connection.cursor() as cursor:
        cursor.execute(_applications_revision_sql())
        return "-".join(str(value) for value in cursor.fetchone())


@functools.cache
def _applications_revision_sql() -> str:
    # Worked out once per process: each read of Model.history builds a manager (about 0.8 ms).
    quote = connection.ops.quote_name
    parts = [
        f"(SELECT MAX(history_id) FROM {quote(Application.history.model._meta.db_table)})",
        f"(SELECT MAX(history_id) FROM {quote(Decision.history.model._meta.db_table)})",
        f"(SELECT MAX(id) FROM {quote('django_migrations')})",
    ]
    return "SELECT " + ", ".join(parts)


def workload(*, user, today: datetime.date, team: bool) -> Workload:
    """A reviewer's home (their own counts and most urgent applications) or, with `team`, a lead reviewer's (the
    same per reviewer, and what is unassigned or waiting). Counted in the database: 4 queries for a reviewer,
    5 for a lead reviewer, however many applications and reviewers there are; 2 and 3 while nothing was written
    since the last count of the day (the counts come from the cache, keyed by `applications_revision`)."""
    week_ends = today + datetime.timedelta(days=6 - today.weekday())
    month_starts = today.replace(day=1)
    waiting_since = working_days_ago(today, WAITING_WORKING_DAYS)
    running = Q(status__in=CLOCK_RUNNING)
    due_this_week = (
        running
        & Q(clock_from__gt=latest_clock_start_due_by(today - datetime.timedelta(days=1)))
        & Q(clock_from__lte=latest_clock_start_due_by(week_ends))
    )
    applications = Application.objects.filter(status__in=ASSIGNABLE)
    decisions = Decision.objects.filter(
        decided_at__gte=_start_of(month_starts), decided_at__lt=_start_of(today + datetime.timedelta(days=1))
    )
    if not team:
        applications = applications.filter(assigned_reviewer=user)
        decisions = decisions.filter(decided_by=user)

    def count():
        counts = {
            row["assigned_reviewer"]: row
            for row in applications.values("assigned_reviewer")
            .annotate(
                open=Count("pk", filter=Q(status__in=AWAITING_PARK)),
                due_this_week=Count("pk", filter=due_this_week),
                overdue=Count("pk", filter=running & Q(clock_from__lte=latest_clock_start_overdue_on(today))),
                unassigned=Count("pk", filter=Q(status=Status.SUBMITTED)),
                waiting=Count("pk", filter=Q(status=Status.SUBMITTED, reference_date__lte=waiting_since)),
                with_applicant=Count("pk", filter=Q(status=Status.CHANGES_REQUESTED)),
            )
            .order_by()
        }
        return counts, dict(decisions.values_list("decided_by").annotate(n=Count("pk")).order_by())

    # Counting reads every open application (tens of thousands in a park of years); the counts change only when
    # an application or a decision is written, or the day turns.
    key = f"workload:{'team' if team else user.pk}:{today.isoformat()}:{applications_revision()}"
    counts, decided = cache.get(key) or (None, None)
    if counts is None:
        counts, decided = count()
        cache.set(key, (counts, decided), WORKLOAD_CACHE_SECONDS)

    def load(reviewer, key: str) -> Load:
        row = counts.get(reviewer.pk, {})
        return Load(
            reviewer=reviewer,
            open=row.get("open", 0),
            due_this_week=row.get("due_this_week", 0),
            overdue=row.get("overdue", 0),
            decided_this_month=decided.get(reviewer.pk, 0),
            links={
                "open": queue_query(status=OPEN, assigned=key),
                "due_this_week": queue_query(assigned=key, due_from=today, due_to=week_ends),
                "overdue": queue_query(assigned=key, overdue="on"),
                "decided_this_month": queue_query(
                    status=ALL, decided_by=key, decided_from=month_starts, decided_to=today
                ),
            },
        )

    result = Workload(today=today, week_ends=week_ends, month_starts=month_starts, mine=load(user, "me"), team=[])
    result.urgent = queue_rows(
        Application.objects.filter(status__in=AWAITING_PARK, assigned_reviewer=user)
        .select_related("organisation")
        .only(*[name for name in QUEUE_COLUMNS if not name.startswith("assigned_reviewer__")])
        .order_by("clock_from", "reference")[:URGENT_ROWS],
        today=today,
    )
    if team:
        holders = {pk for pk in [*counts, *decided] if pk is not None}
        people = (
            get_user_model()
            .objects.filter(Q(groups__name__in=[REVIEWERS, LEAD_REVIEWERS], is_active=True) | Q(pk__in=holders))
            .distinct()
            .order_by("email", "pk")
        )
        result.team = [load(person, str(person.pk)) for person in people]
        nobody = counts.get(None, {})
        result.unassigned = nobody.get("unassigned", 0)
        result.waiting = nobody.get("waiting", 0)
        result.with_applicant = sum(row["with_applicant"] for row in counts.values())
        result.links = {
            "unassigned": queue_query(status=Status.SUBMITTED, assigned="unassigned"),
            "waiting": queue_query(status=Status.SUBMITTED, assigned="unassigned", submitted_to=waiting_since),
            "with_applicant": queue_query(status=Status.CHANGES_REQUESTED),
        }
    return result
