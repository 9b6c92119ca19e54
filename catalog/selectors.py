"""Point-in-time reads of the catalog: what was in force on a day, and why nothing was."""

import datetime
import functools
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import LegalAct, ProvisionVersion, PublicationCheck, format_date

# What a point-in-time answer says about the criteria of own production (CatalogOnDate.criteria_state).
CRITERIA_LISTED = "listed"  # criteria in force, their text recorded: check certificates against them
CRITERIA_NOT_RECORDED = "not_recorded"  # criteria in force, but a wording of them is not recorded
CRITERIA_NONE_SET = "none_set"  # the list in force sets no criteria (stated by it, or all repealed)
CRITERIA_NO_LIST = "no_list"  # no list is in force


@dataclass(frozen=True)
class CatalogOnDate:
    on: datetime.date
    act: LegalAct | None
    activities: list[ProvisionVersion] = field(default_factory=list)
    own_production_criteria: list[ProvisionVersion] = field(default_factory=list)
    notice: str = ""

    @property
    def in_force(self) -> bool:
        return self.act is not None

    @property
    def criteria_state(self) -> str:
        """Whether criteria of own production apply on this date: one of the CRITERIA_* states above.

        "None set" is a state the law records (LegalAct.sets_no_own_production_criteria, or every criterion
        repealed), not an absence: the goods question and the reviewer's finding handle it without a dead end.
        """
        if self.act is None:
            return CRITERIA_NO_LIST
        if not self.own_production_criteria:
            return CRITERIA_NONE_SET
        if any(not v.text_recorded for v in self.own_production_criteria):
            return CRITERIA_NOT_RECORDED
        return CRITERIA_LISTED

    @property
    def sets_no_criteria(self) -> bool:
        """The list in force sets no criteria of own production (CRITERIA_NONE_SET)."""
        return self.criteria_state == CRITERIA_NONE_SET

    def asks_for_certificates(self, sells_own_goods: bool | None) -> bool:
        """Whether a company that answered `sells_own_goods` must show certificates of own production: it sells
        goods it produces, and the list in force does not set no criteria (a list with none asks for none)."""
        return bool(sells_own_goods) and not self.sets_no_criteria

    @property
    def criteria_notice(self) -> str:
        """One plain sentence on the criteria of own production on this date."""
        state = self.criteria_state
        if state == CRITERIA_NO_LIST:
            return _("No list is in force, so no criteria of own production apply.")
        if state == CRITERIA_NONE_SET:
            if self.act.sets_no_own_production_criteria:
                return _("Order %(code)s sets no criteria of own production of goods.") % {"code": self.act.code}
            return _("No criteria of own production of order %(code)s are in force on %(on)s.") % {
                "code": self.act.code,
                "on": format_date(self.on),
            }
        if state == CRITERIA_NOT_RECORDED:
            return _("The criteria of own production in force on %(on)s are not recorded in the catalog.") % {
                "on": format_date(self.on)
            }
        return ""

    @property
    def accepted_certificate_kinds(self) -> set[str] | None:
        """Certificate kinds the criteria in force accept; None when that wording is not recorded, or when
        no criteria are in force (see criteria_state for which)."""
        if not self.own_production_criteria or any(not v.text_recorded for v in self.own_production_criteria):
            return None
        kinds: set[str] = set()
        for version in self.own_production_criteria:
            kinds.update(version.accepted_certificate_kinds)
        return kinds


def list_acts() -> list[LegalAct]:
    """Every list act, by effective date (one query)."""
    return list(
        LegalAct.objects.filter(kind=LegalAct.Kind.LIST)
        .select_related("abrogated_by")
        .order_by("effective_from", "code")
    )


def _no_list_reason(on: datetime.date, acts: list[LegalAct]) -> str:
    if not acts:
        return _("No list of priority activities has been entered in the catalog.")
    earlier = [act for act in acts if act.effective_from <= on]
    if not earlier:
        first = acts[0]
        return _("No list was in force on %(on)s: order %(code)s took effect %(effective)s.") % {
            "on": format_date(on),
            "code": first.code,
            "effective": first.effective_from_display
            if not first.effective_from_confirmed
            else _("on %(date)s") % {"date": format_date(first.effective_from)},
        }
    last = max(earlier, key=lambda act: act.ends_on or datetime.date.max)
    if last.abrogated_from and last.abrogated_from <= on and last.ends_on == last.abrogated_from:
        return _(
            "No list is in force on %(on)s: order %(code)s was abrogated by order %(by)s with effect from "
            "%(from)s, and no successor list has been entered."
        ) % {
            "on": format_date(on),
            "code": last.code,
            "by": last.abrogated_by.code if last.abrogated_by else _("(not recorded)"),
            "from": format_date(last.abrogated_from),
        }
    return _("No list is in force on %(on)s: order %(code)s was valid until %(until)s.") % {
        "on": format_date(on),
        "code": last.code,
        "until": format_date(last.valid_until),
    }


def list_in_force_on(on: datetime.date, *, acts: list[LegalAct] | None = None) -> LegalAct | None:
    """The list act in force on `on`, or None. Pass `acts` (list_acts()) to ask about many dates with one query."""
    acts = list_acts() if acts is None else acts
    return next((a for a in reversed(acts) if a.is_in_force_on(on)), None)


def catalog_on(on: datetime.date) -> CatalogOnDate:
    """The provisions in force on `on` and the list act they belong to, or none and a plain reason.

    A constant number of queries: the list acts, then the versions in force with their acts.
    """
    acts = list_acts()
    act = list_in_force_on(on, acts=acts)
    if act is None:
        return CatalogOnDate(on=on, act=None, notice=_no_list_reason(on, acts))
    versions = list(ProvisionVersion.objects.in_force(on=on).filter(provision__act=act).for_display())
    notices = []
    if not act.effective_from_confirmed:
        notices.append(
            _("Order %(code)s took effect %(date)s: the exact date is not confirmed.")
            % {"code": act.code, "date": act.effective_from_display}
        )
    unconfirmed = sorted(
        {v.introduced_by.code for v in versions if not v.starts_confirmed and v.introduced_by_id != act.pk}
    )
    if unconfirmed:
        notices.append(
            _(
                "The entry into force of %(codes)s is not confirmed; "
                "the wordings shown follow the earliest possible date."
            )
            % {"codes": ", ".join(unconfirmed)}
        )
    if any(not v.text_recorded for v in versions):
        notices.append(_("Some wordings in force on this date are not recorded in the catalog."))
    return CatalogOnDate(
        on=on,
        act=act,
        activities=[v for v in versions if v.provision.appendix == 1],
        own_production_criteria=[v for v in versions if v.provision.appendix == 2],
        notice=" ".join(notices),
    )


@dataclass(frozen=True)
class TimelineEntry:
    version: ProvisionVersion
    diff: list | None  # word chunks against the previous wording; None when either text is not recorded
    previous: ProvisionVersion | None


def provision_timeline(provision) -> list[TimelineEntry]:
    """The wordings of one provision, oldest first, each with its word-level change from the one before."""
    from .diff import word_diff

    versions = list(
        provision.versions.with_language_texts().select_related("introduced_by", "ended_by").order_by("in_force_from")
    )
    entries, previous = [], None
    for version in versions:
        diff = None
        if previous is not None and previous.text_recorded and version.text_recorded:
            diff = word_diff(previous.text, version.text)
        entries.append(TimelineEntry(version=version, diff=diff, previous=previous))
        previous = version
    return entries


@dataclass(frozen=True)
class Difference:
    status: str  # "added", "removed", "changed", "unchanged"
    provision: object
    before: ProvisionVersion | None
    after: ProvisionVersion | None
    diff: list | None = None


@dataclass(frozen=True)
class Comparison:
    first: CatalogOnDate
    second: CatalogOnDate
    differences: list[Difference]

    def of_status(self, status: str) -> list[Difference]:
        return [d for d in self.differences if d.status == status]

    @property
    def added(self):
        return self.of_status("added")

    @property
    def removed(self):
        return self.of_status("removed")

    @property
    def changed(self):
        return self.of_status("changed")

    @property
    def unchanged(self):
        return self.of_status("unchanged")


def compare_catalog(first: datetime.date, second: datetime.date) -> Comparison:
    """What was added, changed or removed between the catalog on `first` and on `second`."""
    a, b = catalog_on(first), catalog_on(second)
    return Comparison(first=a, second=b, differences=catalog_differences(a, b))


def catalog_differences(a: CatalogOnDate, b: CatalogOnDate) -> list[Difference]:
    """Provision by provision, what was added, changed, removed or left unchanged from `a` to `b`. No queries."""
    from .diff import word_diff

    before = {v.provision_id: v for v in a.activities + a.own_production_criteria}
    after = {v.provision_id: v for v in b.activities + b.own_production_criteria}
    provisions = {v.provision_id: v.provision for v in [*before.values(), *after.values()]}

    def sort_key(pid):
        p = provisions[pid]
        return (p.act.signed_on, p.appendix, p.paragraph or 0)

    differences = []
    for pid in sorted(provisions, key=sort_key):
        old, new = before.get(pid), after.get(pid)
        if old is None:
            differences.append(Difference("added", provisions[pid], None, new))
        elif new is None:
            differences.append(Difference("removed", provisions[pid], old, None))
        elif old.pk == new.pk:
            differences.append(Difference("unchanged", provisions[pid], old, new))
        else:
            diff = word_diff(old.text, new.text) if old.text_recorded and new.text_recorded else None
            differences.append(Difference("changed", provisions[pid], old, new, diff))
    return differences


def acts_with_status(today: datetime.date) -> list[dict]:
    """Every legal act with its status on `today`: in force, amended by, abrogated by."""
    acts = list(
        LegalAct.objects.select_related("amends", "abrogated_by").prefetch_related("amendments").order_by("signed_on")
    )
    rows = []
    for act in acts:
        if act.kind == LegalAct.Kind.LIST:
            if act.is_in_force_on(today):
                status = _("In force")
            elif today < act.effective_from:
                status = _("Not yet in force")
            elif act.abrogated_from and today >= act.abrogated_from:
                status = _("Abrogated by %(code)s from %(date)s") % {
                    "code": act.abrogated_by.code if act.abrogated_by else _("(not recorded)"),
                    "date": format_date(act.abrogated_from),
                }
            else:
                status = _("Expired on %(date)s") % {"date": format_date(act.valid_until)}
        elif act.kind == LegalAct.Kind.AMENDMENT and act.amends and act.amends.ends_on and today >= act.amends.ends_on:
            # An amendment lives in the act it amends: once that act is abrogated (or expired), so is what the
            # amendment changed in it.
            amended = act.amends
            if amended.abrogated_from and amended.ends_on == amended.abrogated_from:
                status = _("Amendment to %(code)s; the amended act abrogated from %(date)s") % {
                    "code": amended.code,
                    "date": format_date(amended.abrogated_from),
                }
            else:
                status = _("Amendment to %(code)s; the amended act expired on %(date)s") % {
                    "code": amended.code,
                    "date": format_date(amended.ends_on),
                }
        elif act.kind == LegalAct.Kind.AMENDMENT:
            status = (
                _("Amendment to %(code)s, in effect")
                if today >= act.effective_from
                else _("Amendment to %(code)s, not yet in effect")
            ) % {"code": act.amends.code if act.amends else _("(not recorded)")}
        else:
            targets = ", ".join(a.code for a in acts if a.abrogated_by_id == act.pk)
            status = (
                _("Abrogation of %(codes)s, in effect")
                if today >= act.effective_from
                else _("Abrogation of %(codes)s, not yet in effect")
            ) % {"codes": targets or _("(not recorded)")}
        rows.append({"act": act, "status": status, "amended_by": list(act.amendments.all())})
    return rows


def latest_publication_check() -> PublicationCheck | None:
    """The latest check of the catalog against the official publication that an editor recorded. One query."""
    return PublicationCheck.objects.latest_first().first()


def publication_check_sentence(check: PublicationCheck | None) -> str:
    """ "Checked against the official publication on DD.MM.YYYY by NAME", or that no check is recorded."""
    if check is None:
        return _("No check of this catalog against the official publication has been recorded yet.")
    return _("Checked against the official publication on %(date)s by %(name)s.") % {
        "date": format_date(check.checked_on),
        "name": check.shown_name,
    }


# --- cached answers -----------------------------------------------------------------------------------------

# The public catalog page and API are asked far more often than the catalog changes (only when an editor
# publishes a change, corrects a record or records a check): their answers for a date are cached, keyed by the
# catalog's revision, so that any change drops them, in every process, whatever cache is configured.
CATALOG_CACHE_SECONDS = 24 * 60 * 60


@functools.cache
def _catalog_models_with_history() -> list:
    """Every model of the catalog app with a history (acts, provisions, wordings, their texts in other languages,
    checks, changes...): any of them may change an answer, and any model added later is covered too. Worked out
    once per process: each `Model.history` read builds a manager class (django-simple-history's descriptor)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_app_config("catalog").get_models()
        if hasattr(model, "history") and not model._meta.db_table.startswith("catalog_historical")
    ]


@functools.cache
def _revision_tables() -> list[tuple[str, str, str]]:
    """(primary key column, table, history table) of each catalog model with a history."""
    return [
        (model._meta.pk.column, model._meta.db_table, model.history.model._meta.db_table)
        for model in _catalog_models_with_history()
    ]


def catalog_revision() -> str:
    """Moves whenever the catalog changes: the latest row of each catalog table and of its history (every
    publication, correction, translation, check and deletion writes one), and the latest migration. One query
    (each part reads the end of a primary key index)."""
    quote = connection.ops.quote_name
    parts = []
    for pk, table, history_table in _revision_tables():
        parts.append(f"(SELECT MAX({quote(pk)}) FROM {quote(table)})")
        parts.append(f"(SELECT MAX(history_id) FROM {quote(history_table)})")
    parts.append(f"(SELECT MAX(id) FROM {quote('django_migrations')})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return "-".join(str(value) for value in cursor.fetchone())


def cached_answer(kind: str, on: datetime.date, build, *, revision: str | None = None):
    """`build()` for the catalog on `on` in the current language, from the cache while the catalog is unchanged.
    Pass `revision` (catalog_revision()) when it was already read for this request."""
    key = f"catalog:{kind}:{on.isoformat()}:{get_language()}:{revision or catalog_revision()}"
    answer = cache.get(key)
    if answer is None:
        answer = build()
        cache.set(key, answer, CATALOG_CACHE_SECONDS)
    return answer


def _cached_per_row(kind: str, ids, fetch, revision: str | None) -> dict:
    """{id: fetch's answer for it}, an entry per id in the cache while the catalog is unchanged (keyed by `kind`
    and the catalog's revision); `fetch(ids)` reads those not cached yet, in one query."""
    if not ids:
        return {}
    revision = revision or catalog_revision()
    keys = {pk: f"catalog:{kind}:{pk}:{revision}" for pk in set(ids)}
    found = cache.get_many(list(keys.values()))
    answers = {pk: found[key] for pk, key in keys.items() if key in found}
    missing = [pk for pk in keys if pk not in answers]
    if missing:
        fetched = fetch(missing)
        cache.set_many({keys[pk]: answer for pk, answer in fetched.items()}, CATALOG_CACHE_SECONDS)
        answers.update(fetched)
    return answers


def cached_wordings(provision_ids, *, revision: str | None = None) -> dict[int, list[ProvisionVersion]]:
    """Every wording of each of these provisions (in their default order), with the act that introduced it: from
    the cache while the catalog is unchanged, those not cached yet in one query."""

    def fetch(ids) -> dict[int, list[ProvisionVersion]]:
        wordings = {pk: [] for pk in ids}
        for version in ProvisionVersion.objects.filter(provision_id__in=ids).select_related("introduced_by"):
            wordings[version.provision_id].append(version)
        return wordings

    return _cached_per_row("wordings", provision_ids, fetch, revision)


def cached_in_bulk(kind: str, queryset, ids, *, revision: str | None = None) -> dict:
    """`queryset.in_bulk(ids)` for rows of the catalog (acts, provisions, wordings), each from the cache while the
    catalog is unchanged (`kind` names the shape of `queryset`), those not cached yet in one query."""
    return _cached_per_row(kind, ids, queryset.in_bulk, revision)
