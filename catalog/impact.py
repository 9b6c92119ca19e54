"""What a change to the catalog touches, and the catalog as it would be with it (the preview).

Both run the change for real (changes.apply_change) inside a transaction that is then rolled back, so they
show exactly what publishing would do, with no second implementation of it to drift apart.

What a change touches: every open application (submitted, in review, changes requested) whose pinned
wording would move (its period changes) or end, and every decided one whose relied-upon wording would move.
A decision keeps the text it relied on, frozen when it was made; the list says so. Applications are read
from applications.models, read-only; nothing here writes to them.
"""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import ActivityClaim, Application
from applications.workflow import DECIDED, OPEN

from .changes import apply_change, change_problems, change_rows
from .models import CatalogChange, Provision, ProvisionVersion, format_date
from .selectors import CatalogOnDate, Difference, catalog_differences, catalog_on


@dataclass(frozen=True)
class WordingState:
    """What of a wording a change can move: its period and whether its text is recorded."""

    in_force_from: datetime.date
    in_force_until: datetime.date | None
    text_recorded: bool
    ended_by: str  # the code of the act that ends it, or ""

    def covers(self, day: datetime.date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day < self.in_force_until)


def wording_states() -> dict[int, WordingState]:
    """Every wording's state, in one query (the catalog holds dozens of wordings, not thousands)."""
    return {
        pk: WordingState(start, end, recorded, ended_by or "")
        for pk, start, end, recorded, ended_by in ProvisionVersion.objects.values_list(
            "pk", "in_force_from", "in_force_until", "text_recorded", "ended_by__code"
        )
    }


@dataclass(frozen=True)
class ClaimEffect:
    claim: ActivityClaim
    before: WordingState
    after: WordingState

    @property
    def still_in_force_on_reference_date(self) -> bool:
        reference_date = self.claim.application.reference_date
        return reference_date is None or self.after.covers(reference_date)

    def as_record(self) -> dict:
        """Plain JSON of what the change does to the claimed wording, from which `effect_sentence` says it in
        any language (the applications app keeps it for each open application a published change touched)."""
        version = self.claim.provision_version
        reference_date = self.claim.application.reference_date

        def state(s: WordingState) -> dict:
            return {
                "from": s.in_force_from.isoformat(),
                "until": s.in_force_until.isoformat() if s.in_force_until else None,
                "text_recorded": s.text_recorded,
                "ended_by": s.ended_by,
            }

        return {
            "version_id": version.pk,
            "appendix": version.provision.appendix,
            "paragraph": version.provision.paragraph,
            "code": version.provision.act.code,
            "by": version.introduced_by.code,
            "reference_date": reference_date.isoformat() if reference_date else None,
            "before": state(self.before),
            "after": state(self.after),
        }

    @property
    def sentence(self) -> str:
        return effect_sentence(self.as_record())


def _period(state: WordingState) -> str:
    if state.in_force_until is None:
        return _("from %(start)s with no end") % {"start": format_date(state.in_force_from)}
    return _("from %(start)s until %(end)s") % {
        "start": format_date(state.in_force_from),
        "end": format_date(state.in_force_until),
    }


def _state(record: dict) -> WordingState:
    until = record["until"]
    return WordingState(
        datetime.date.fromisoformat(record["from"]),
        datetime.date.fromisoformat(until) if until else None,
        record["text_recorded"],
        record["ended_by"],
    )


def effect_sentence(record: dict, *, published: bool = False) -> str:
    """What a change does (`published`) or would do to a claimed wording, in the active language, from
    ClaimEffect.as_record()."""
    label = Provision(appendix=record["appendix"], paragraph=record["paragraph"]).label
    parts = [
        _("%(label)s of %(code)s (the wording of %(by)s)")
        % {"label": label, "code": record["code"], "by": record["by"]}
    ]
    before, after = _state(record["before"]), _state(record["after"])
    if (before.in_force_from, before.in_force_until) != (after.in_force_from, after.in_force_until):
        if (
            before.in_force_from == after.in_force_from
            and after.in_force_until is not None
            and (before.in_force_until is None or after.in_force_until < before.in_force_until)
        ):
            values = {
                "date": format_date(after.in_force_until),
                "by": _(" (replaced or repealed by %(code)s)") % {"code": after.ended_by} if after.ended_by else "",
            }
            parts.append((_("ends on %(date)s%(by)s") if published else _("would end on %(date)s%(by)s")) % values)
        else:
            values = {"after": _period(after), "before": _period(before)}
            parts.append(
                (
                    _("is in force %(after)s instead of %(before)s")
                    if published
                    else _("would be in force %(after)s instead of %(before)s")
                )
                % values
            )
    if not before.text_recorded and after.text_recorded:
        parts.append(
            _("has its text recorded (it was not recorded when pinned)")
            if published
            else _("would have its text recorded (it was not recorded when pinned)")
        )
    sentence = ", ".join(parts) + "."
    reference_date = datetime.date.fromisoformat(record["reference_date"]) if record["reference_date"] else None
    if reference_date and not after.covers(reference_date):
        no_longer = (
            _("On the reference date, %(date)s, it is no longer the wording in force.")
            if published
            else _("On the reference date, %(date)s, it would no longer be the wording in force.")
        )
        sentence += " " + no_longer % {"date": format_date(reference_date)}
    return sentence


@dataclass(frozen=True)
class ApplicationEffect:
    application: Application
    claims: list[ClaimEffect]

    @property
    def decided(self) -> bool:
        return self.application.status in DECIDED


@dataclass(frozen=True)
class Impact:
    open: list[ApplicationEffect] = field(default_factory=list)
    decided: list[ApplicationEffect] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.open or self.decided)

    def as_record(self) -> dict:
        """Plain JSON kept on the published change: what the approver was shown it would touch."""

        def rows(effects):
            return [
                {
                    "reference": e.application.reference,
                    "organisation": e.application.organisation.name,
                    "status": e.application.status,
                    "reference_date": e.application.reference_date.isoformat()
                    if e.application.reference_date
                    else None,
                    "claims": [c.sentence for c in e.claims],
                }
                for e in effects
            ]

        return {"open": rows(self.open), "decided": rows(self.decided)}


def impact_between(before: dict[int, WordingState], after: dict[int, WordingState]) -> Impact:
    """The applications whose pinned wordings differ between two states of the catalog. Two queries at most."""
    moved = [pk for pk, state in before.items() if pk in after and after[pk] != state]
    if not moved:
        return Impact()
    claims = (
        ActivityClaim.objects.filter(provision_version_id__in=moved, application__status__in=OPEN | DECIDED)
        .select_related(
            "application__organisation",
            "application__assigned_reviewer",
            "provision_version__provision__act",
            "provision_version__introduced_by",
        )
        .order_by("application__reference", "provision__appendix", "provision__paragraph")
    )
    by_application: dict[int, list[ClaimEffect]] = {}
    applications: dict[int, Application] = {}
    for claim in claims:
        applications[claim.application_id] = claim.application
        by_application.setdefault(claim.application_id, []).append(
            ClaimEffect(claim=claim, before=before[claim.provision_version_id], after=after[claim.provision_version_id])
        )
    effects = [ApplicationEffect(applications[pk], by_application[pk]) for pk in applications]
    return Impact(
        open=[e for e in effects if not e.decided],
        decided=[e for e in effects if e.decided],
    )


class _RollBack(Exception):
    """Carries a result out of a transaction that must not be kept."""


@dataclass(frozen=True)
class Preview:
    on: datetime.date
    today: datetime.date
    problems: list[str]
    current: CatalogOnDate | None = None  # today's published catalog
    without_change: CatalogOnDate | None = None  # the published catalog on `on`
    with_change: CatalogOnDate | None = None  # the catalog on `on` as it would be with the change
    against_today: list[Difference] = field(default_factory=list)
    against_same_day: list[Difference] = field(default_factory=list)
    impact: Impact = field(default_factory=Impact)

    @staticmethod
    def _counts(differences: list[Difference]) -> dict[str, int]:
        return {status: sum(1 for d in differences if d.status == status) for status in ("added", "changed", "removed")}

    @property
    def counts_against_today(self) -> dict[str, int]:
        return self._counts(self.against_today)

    @property
    def counts_against_same_day(self) -> dict[str, int]:
        return self._counts(self.against_same_day)

    @property
    def same_day_as_today(self) -> bool:
        """Without the change, the catalog on the date is today's: the two comparisons say the same."""

        def key(catalog):
            return [v.pk for v in catalog.activities + catalog.own_production_criteria] if catalog else None

        return key(self.current) == key(self.without_change)


def default_preview_date(change: CatalogChange, rows: list) -> datetime.date:
    """The day the change shows its effect: the day its act takes effect, or the list is abrogated."""
    if change.kind == CatalogChange.Kind.ABROGATION and change.abrogated_from:
        return change.abrogated_from
    if change.kind == CatalogChange.Kind.WORDING:
        target = next((r.target for r in rows if r.target_id), None)
        if target is not None:
            return target.in_force_from
    return change.effective_from or timezone.localdate()


def preview_change(
    change: CatalogChange,
    *,
    on: datetime.date,
    today: datetime.date | None = None,
    rows: list | None = None,
) -> Preview:
    """Today's catalog, the catalog on `on` without and with the change, their differences, and what the change
    touches. A fixed number of queries, whatever the number of rows or of applications touched."""
    today = today or timezone.localdate()
    rows = change_rows(change) if rows is None else rows
    problems = change_problems(change, rows)
    if problems:
        return Preview(on=on, today=today, problems=problems)
    current = catalog_on(today)
    without_change = catalog_on(on)
    before = wording_states()
    try:
        with transaction.atomic():
            apply_change(change, reason="Preview (rolled back)", rows=rows)
            raise _RollBack(catalog_on(on), wording_states())
    except _RollBack as result:
        with_change, after = result.args
    except IntegrityError as error:
        return Preview(
            on=on,
            today=today,
            problems=[
                _("The catalog refuses this change as it stands (%(error)s).")
                % {"error": str(error).splitlines()[0][:200]}
            ],
        )
    return Preview(
        on=on,
        today=today,
        problems=[],
        current=current,
        without_change=without_change,
        with_change=with_change,
        against_today=catalog_differences(current, with_change),
        against_same_day=catalog_differences(without_change, with_change),
        impact=impact_between(before, after),
    )
