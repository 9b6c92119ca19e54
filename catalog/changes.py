"""Changes to the catalog: what may be entered, who may do what with a draft, and publishing it.

A change (models.CatalogChange with its ChangeRows) is a draft until published; only `change_publish`
writes it into the law's tables (LegalAct, Provision, ProvisionVersion), through `apply_change`, which the
preview (catalog/impact.py) also runs, inside a transaction it rolls back. So the preview shows exactly what
publishing would do.

The checks here are the ones that depend on the published catalog (a code already taken, a list in force,
the wording a row rewrites): the admin forms run them while the editor types, and submitting and publishing
run them again, since the catalog may have changed in between. Checks of a field on its own live in the forms.
Every message says what to change.
"""

import copy
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from .models import CatalogChange, ChangeRow, LegalAct, Provision, ProvisionVersion, format_date, person_name

Kind = CatalogChange.Kind
State = CatalogChange.State
Action = ChangeRow.Action

# Sent inside the publishing transaction, after the law's tables are written: `change` (published), `impact`
# (catalog.impact.Impact, what it touches). The applications app connects here to tell the reviewers of the
# open applications it touches (through its outbox, so nothing is sent if the publication rolls back).
change_published = Signal()

# The facts of an act that a correction may change, in the order the forms show them.
ACT_FACTS = (
    "title",
    "issuer",
    "signed_on",
    "registration_number",
    "registered_on",
    "effective_from",
    "effective_from_confirmed",
    "effective_from_basis",
    "valid_until",
)


class ChangeError(Exception):
    """A step refused, with the reasons a person can act on."""

    def __init__(self, *messages: str):
        self.messages = [str(m) for m in messages]
        super().__init__(" ".join(self.messages))


# --- who may do what --------------------------------------------------------------------------------------


def four_eyes() -> bool:
    """Publishing needs an editor other than the one who entered the change (settings.CATALOG_FOUR_EYES)."""
    return getattr(settings, "CATALOG_FOUR_EYES", True)


def refusal(user, change: CatalogChange, action: str) -> str | None:
    """Why `user` may not do `action` ("edit", "submit", "take_back", "return", "publish", "discard") with
    `change` now, or None when they may. The admin hides the buttons it refuses; the services refuse again."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm("catalog.view_catalogchange"):
        return _("Only catalog editors work on changes to the catalog.")
    is_author = change.created_by_id == user.pk
    state = change.get_state_display()
    if action in ("edit", "submit", "take_back", "discard"):
        if not user.has_perm("catalog.change_catalogchange"):
            return _("Only catalog editors work on changes to the catalog.")
        if not is_author:
            return _("Only %(name)s, who entered this change, can edit, submit, take back or discard it.") % {
                "name": person_name(change.created_by)
            }
    if action == "edit" and change.state != State.DRAFT:
        if change.state == State.AWAITING_APPROVAL:
            return _("This change is awaiting approval: take it back first to edit it.")
        return _("This change is %(state)s and can no longer be edited.") % {"state": state.lower()}
    if action == "submit" and change.state != State.DRAFT:
        return _("Only a draft can be submitted for approval; this change is %(state)s.") % {"state": state.lower()}
    if action == "take_back" and change.state != State.AWAITING_APPROVAL:
        return _("Only a change awaiting approval can be taken back; this change is %(state)s.") % {
            "state": state.lower()
        }
    if action == "discard" and not change.is_open:
        return _("This change is %(state)s and can no longer be discarded.") % {"state": state.lower()}
    if action in ("return", "publish"):
        if not user.has_perm("catalog.publish_catalogchange"):
            return _("Only catalog editors may approve and publish changes to the catalog.")
        if change.state != State.AWAITING_APPROVAL:
            return _("Only a change awaiting approval can be approved or returned; this change is %(state)s.") % {
                "state": state.lower()
            }
        if action == "publish" and is_author and four_eyes():
            return _("You entered this change, so another catalog editor must approve it: publishing needs four eyes.")
        if action == "return" and is_author:
            return _("To change your own submitted change, take it back instead.")
    return None


def _require(user, change: CatalogChange, action: str) -> None:
    reason = refusal(user, change, action)
    if reason:
        raise ChangeError(reason)


# --- checks against the published catalog ------------------------------------------------------------------

EARLIEST_YEAR, LATEST_YEAR = 1991, 2100


def date_problem(value: datetime.date | None) -> str | None:
    if value and not (EARLIEST_YEAR <= value.year <= LATEST_YEAR):
        return _("Check the year: the catalog holds acts from %(first)s to %(last)s.") % {
            "first": EARLIEST_YEAR,
            "last": LATEST_YEAR,
        }
    return None


def code_problem(code: str, *, change: CatalogChange | None = None, against_drafts: bool = False) -> str | None:
    """An act's code must be new: not in the catalog, nor (while typing, `against_drafts`) entered by another open
    change. Only the catalog decides at publication: of two drafts with one code, the first published wins."""
    code = (code or "").strip()
    if not code:
        return _("Enter the act's code as printed on it, e.g. 45/NK.")
    existing = LegalAct.objects.filter(code__iexact=code).first()
    if existing:
        return _("An act with the code %(code)s is already in the catalog. Check the code as printed on the act.") % {
            "code": existing.code
        }
    if not against_drafts:
        return None
    others = CatalogChange.objects.open().filter(code__iexact=code).exclude(kind__in=[Kind.ACT_FACTS, Kind.WORDING])
    if change is not None and change.pk:
        others = others.exclude(pk=change.pk)
    other = others.select_related("created_by").first()
    if other:
        return _(
            "%(name)s is already entering an act with the code %(code)s (%(change)s, %(state)s). "
            "Agree with them which draft to keep."
        ) % {
            "name": person_name(other.created_by),
            "code": code,
            "change": other.summary,
            "state": other.get_state_display().lower(),
        }
    return None


def _list_acts(*, exclude_pk=None) -> list[LegalAct]:
    qs = LegalAct.objects.filter(kind=LegalAct.Kind.LIST).select_related("abrogated_by").order_by("effective_from")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs)


def list_overlap_problem(
    effective_from: datetime.date, ends_on: datetime.date | None, *, exclude_pk=None
) -> str | None:
    """Two lists are never in force on the same day: the point-in-time answer must be one list."""
    for other in _list_acts(exclude_pk=exclude_pk):
        other_end = other.ends_on
        if effective_from < (other_end or datetime.date.max) and other.effective_from < (ends_on or datetime.date.max):
            return _(
                "Order %(code)s is in force from %(start)s %(until)s; with these dates both lists would be in force "
                "on the same days. Check the dates, or first publish the act that ends %(code)s."
            ) % {
                "code": other.code,
                "start": format_date(other.effective_from),
                "until": _("until %(date)s") % {"date": format_date(other_end)} if other_end else _("with no end date"),
            }
    return None


def amended_list_problem(amends: LegalAct | None, effective_from: datetime.date | None) -> str | None:
    """An amendment changes a list in force on the day it takes effect."""
    if amends is None or effective_from is None:
        return None
    if amends.kind != LegalAct.Kind.LIST:
        return _("Choose the list this amendment amends: %(code)s is not a list.") % {"code": amends.code}
    if effective_from <= amends.effective_from:
        return _(
            "Order %(code)s takes effect on %(start)s; an amendment must take effect after that day. "
            "Check the effective date."
        ) % {"code": amends.code, "start": format_date(amends.effective_from)}
    if amends.ends_on and effective_from >= amends.ends_on:
        return _(
            "Order %(code)s is no longer in force from %(end)s, so an amendment taking effect on %(date)s would "
            "change nothing. Check the effective date, or the list it amends."
        ) % {"code": amends.code, "end": format_date(amends.ends_on), "date": format_date(effective_from)}
    return None


def target_problem(
    action: str, target: ProvisionVersion | None, amends: LegalAct | None, effective_from: datetime.date | None
) -> str | None:
    """A rewrite or repeal replaces the current wording of a paragraph of the amended list."""
    if target is None:
        return _("Choose the paragraph it %(action)s.") % {
            "action": _("rewrites") if action == Action.REWRITE else _("repeals")
        }
    label = f"{target.provision.act.code} {target.provision.label}"
    if amends is not None and target.provision.act_id != amends.pk:
        return _("%(label)s belongs to order %(code)s, not to %(amended)s, which this amendment amends.") % {
            "label": label,
            "code": target.provision.act.code,
            "amended": amends.code,
        }
    if target.ended_by_id:
        return _(
            "The wording of %(label)s you chose has since been replaced by %(code)s: choose the paragraph again, "
            "so that you change its current wording."
        ) % {"label": label, "code": target.ended_by.code}
    if effective_from and effective_from <= target.in_force_from:
        return _(
            "The current wording of %(label)s is in force from %(start)s; an amendment taking effect on %(date)s "
            "cannot replace it. Check the effective date."
        ) % {"label": label, "start": format_date(target.in_force_from), "date": format_date(effective_from)}
    return None


def added_paragraph_problems(
    amends: LegalAct | None, effective_from: datetime.date | None, rows: list[ChangeRow]
) -> list[tuple[ChangeRow, str]]:
    """Rows adding a paragraph that is already in force on the day the amendment takes effect. One query."""
    wanted = {(r.appendix, r.paragraph) for r in rows if r.appendix and r.paragraph}
    if amends is None or effective_from is None or not wanted:
        return []
    in_force = set(
        ProvisionVersion.objects.in_force(on=effective_from)
        .filter(provision__act=amends, provision__appendix__in={a for a, _p in wanted})
        .values_list("provision__appendix", "provision__paragraph")
    )
    return [
        (
            row,
            _(
                "Appendix %(appendix)s, paragraph %(paragraph)s of %(code)s is in force on %(date)s: "
                "choose “rewrites a paragraph” to change it."
            )
            % {
                "appendix": row.appendix,
                "paragraph": row.paragraph,
                "code": amends.code,
                "date": format_date(effective_from),
            },
        )
        for row in rows
        if (row.appendix, row.paragraph) in in_force
    ]


def amendment_leaves_no_activity_problem(
    amends: LegalAct | None, effective_from: datetime.date | None, rows: list[ChangeRow]
) -> str | None:
    """An amendment that would leave its list without any activity is an abrogation in disguise."""
    if amends is None or effective_from is None:
        return None
    if any(r.action == Action.ADD and r.appendix == 1 for r in rows):
        return None
    repealed = {r.target.provision_id for r in rows if r.action == Action.REPEAL and r.target is not None}
    if not repealed:
        return None
    remaining = (
        ProvisionVersion.objects.in_force(on=effective_from)
        .filter(provision__act=amends, provision__appendix=1)
        .exclude(provision_id__in=repealed)
        .exists()
    )
    if not remaining:
        return _(
            "After this amendment no activity of %(code)s would be in force. To end a list, enter an abrogation."
        ) % {"code": amends.code}
    return None


def abrogation_problems(abrogates: list[LegalAct], abrogated_from: datetime.date | None) -> list[str]:
    problems = []
    for act in abrogates:
        if act.kind != LegalAct.Kind.LIST:
            problems.append(_("Only a list can be abrogated here: %(code)s is not a list.") % {"code": act.code})
            continue
        if act.abrogated_by_id:
            problems.append(
                _("Order %(code)s is already abrogated by %(by)s from %(date)s.")
                % {"code": act.code, "by": act.abrogated_by.code, "date": format_date(act.abrogated_from)}
            )
            continue
        if abrogated_from is None:
            continue
        if abrogated_from <= act.effective_from:
            problems.append(
                _(
                    "Order %(code)s takes effect on %(start)s; it can only be abrogated from a later day. "
                    "Check the date from which it is abrogated."
                )
                % {"code": act.code, "start": format_date(act.effective_from)}
            )
        elif act.valid_until and abrogated_from >= act.valid_until:
            problems.append(
                _(
                    "Order %(code)s is valid only until %(until)s, so abrogating it from %(date)s would change "
                    "nothing. Check the date."
                )
                % {"code": act.code, "until": format_date(act.valid_until), "date": format_date(abrogated_from)}
            )
        else:
            ended = copy.copy(act)
            ended.abrogated_from = abrogated_from
            emptied = ended._wordings_left_without_a_period()
            if emptied:
                problems.append(
                    _(
                        "Abrogated from %(date)s, these wordings would end before they start: %(wordings)s. "
                        "Check the date."
                    )
                    % {"date": format_date(abrogated_from), "wordings": "; ".join(emptied)}
                )
    return problems


def act_facts_snapshot(act: LegalAct) -> dict:
    """The facts of an act a correction may change, as JSON (dates as ISO), to notice a change since."""
    values = {}
    for name in ACT_FACTS:
        value = getattr(act, name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else value
    return values


def correction_problems(change: CatalogChange) -> list[str]:
    """A correction starts from the act as it is, and leaves every wording with a period."""
    act = change.target_act
    if act is None:
        return [_("Choose the act whose facts you correct.")]
    problems = []
    if change.target_act_facts and change.target_act_facts != act_facts_snapshot(act):
        problems.append(
            _(
                "The facts of %(code)s have changed since this draft was made (another correction was published). "
                "Discard this draft and start again from the act as it is now."
            )
            % {"code": act.code}
        )
    corrected = corrected_act(change)
    if not any(getattr(corrected, name) != getattr(act, name) for name in ACT_FACTS):
        problems.append(_("Nothing is changed: change at least one fact, or discard this draft."))
    emptied = corrected._wordings_left_without_a_period()
    if emptied:
        problems.append(
            _("With these dates, these wordings would end before they start: %(wordings)s. Check the dates.")
            % {"wordings": "; ".join(emptied)}
        )
    if act.kind == LegalAct.Kind.LIST:
        overlap = list_overlap_problem(corrected.effective_from, corrected.ends_on, exclude_pk=act.pk)
        if overlap:
            problems.append(overlap)
    if act.kind == LegalAct.Kind.AMENDMENT and act.amends_id:
        problem = amended_list_problem(act.amends, corrected.effective_from)
        if problem:
            problems.append(problem)
    return problems


def corrected_act(change: CatalogChange) -> LegalAct:
    """The corrected act as it would be, unsaved."""
    act = copy.copy(change.target_act)
    for name in ACT_FACTS:
        setattr(act, name, getattr(change, name))
    if act.kind != LegalAct.Kind.LIST:
        act.valid_until = change.target_act.valid_until
    return act


def wording_target_problem(target: ProvisionVersion | None) -> str | None:
    if target is None:
        return _("Choose the wording whose text you enter.")
    if target.text_recorded:
        return _(
            "The text of %(label)s (%(start)s – %(end)s) is already recorded. A change in the law is an amendment."
        ) % {
            "label": f"{target.provision.act.code} {target.provision.label}",
            "start": target.in_force_from_display,
            "end": target.in_force_until_display,
        }
    return None


def change_rows(change: CatalogChange) -> list[ChangeRow]:
    """The rows of a change with the wordings they target, in the order the pages show them. One query."""
    return list(
        change.rows.select_related(
            "target__provision__act", "target__introduced_by", "target__ended_by", "target__provision"
        ).order_by("appendix", "paragraph", "pk")
    )


def change_problems(change: CatalogChange, rows: list[ChangeRow] | None = None) -> list[str]:
    """What stands in the way of publishing `change` against the catalog as it is now ([] when nothing).

    The forms refused bad input when the draft was saved; this repeats the checks that depend on the
    published catalog, which may have moved since (another change published in between).
    """
    problems: list[str] = []
    rows = change_rows(change) if rows is None else rows

    def add(problem, label=None):
        if problem:
            problems.append(f"{label}: {problem}" if label else problem)

    if change.enters_an_act:
        add(code_problem(change.code, change=change))
        if change.signed_on is None or change.effective_from is None:
            problems.append(_("Enter the dates the act was signed and takes effect."))
            return problems
    if change.kind == Kind.LIST:
        end = min([d for d in (change.valid_until,) if d], default=None)
        add(list_overlap_problem(change.effective_from, end))
        if not [r for r in rows if r.appendix == 1]:
            problems.append(_("Enter at least one activity (Appendix 1)."))
        criteria = [r for r in rows if r.appendix == 2]
        if criteria and change.sets_no_own_production_criteria:
            problems.append(_("It both lists criteria of own production and states that it sets none."))
        if not criteria and not change.sets_no_own_production_criteria:
            problems.append(_("Enter its criteria of own production (Appendix 2), or state that it sets none."))
    elif change.kind == Kind.AMENDMENT:
        if change.amends is None:
            problems.append(_("Choose the list this amendment amends."))
            return problems
        add(amended_list_problem(change.amends, change.effective_from))
        if not rows:
            problems.append(_("Enter what the amendment changes: at least one paragraph."))
        for row in rows:
            if row.action in (Action.REWRITE, Action.REPEAL):
                add(target_problem(row.action, row.target, change.amends, change.effective_from), row.label)
        added = [row for row in rows if row.action == Action.ADD]
        for row, problem in added_paragraph_problems(change.amends, change.effective_from, added):
            add(problem, row.label)
        add(amendment_leaves_no_activity_problem(change.amends, change.effective_from, rows))
    elif change.kind == Kind.ABROGATION:
        abrogates = list(change.abrogates.select_related("abrogated_by"))
        if not abrogates:
            problems.append(_("Choose the list this act abrogates."))
        if change.abrogated_from is None:
            problems.append(_("Enter the day from which the list is abrogated."))
        problems.extend(abrogation_problems(abrogates, change.abrogated_from))
    elif change.kind == Kind.ACT_FACTS:
        problems.extend(correction_problems(change))
    elif change.kind == Kind.WORDING:
        if not rows:
            problems.append(_("Choose at least one wording and enter its text."))
        for row in rows:
            add(wording_target_problem(row.target), row.label)
    return problems


# --- applying a change to the law's tables -------------------------------------------------------------------


def _new_act(change: CatalogChange, kind: str, *, user, reason: str) -> LegalAct:
    act = LegalAct(
        code=change.code.strip(),
        kind=kind,
        title=change.title,
        issuer=change.issuer,
        signed_on=change.signed_on,
        registration_number=change.registration_number,
        registered_on=change.registered_on,
        effective_from=change.effective_from,
        effective_from_confirmed=change.effective_from_confirmed,
        effective_from_basis=change.effective_from_basis,
        valid_until=change.valid_until if kind == LegalAct.Kind.LIST else None,
        amends=change.amends if kind == LegalAct.Kind.AMENDMENT else None,
        sets_no_own_production_criteria=change.sets_no_own_production_criteria and kind == LegalAct.Kind.LIST,
    )
    act._history_user = user
    act._change_reason = reason
    act._period_change_reason = reason
    act.save()
    return act


def _version(provision: Provision, row: ChangeRow, introduced_by: LegalAct) -> ProvisionVersion:
    version = ProvisionVersion(
        provision=provision,
        text=row.text.strip(),
        text_recorded=True,
        footnote=row.footnote.strip(),
        introduced_by=introduced_by,
        accepted_certificate_kinds=list(row.accepted_certificate_kinds or []) if provision.appendix == 2 else [],
    )
    version.in_force_from, version.in_force_until = version.period_from_acts()
    return version


def apply_change(
    change: CatalogChange, *, user=None, reason: str = "", rows: list[ChangeRow] | None = None
) -> LegalAct | None:
    """Write `change` into the law's tables and return the act it created or corrected.

    Runs inside the caller's transaction: `change_publish` commits it, the preview rolls it back. A fixed
    number of queries however many rows (bulk writes, each with its history rows).
    """
    rows = change_rows(change) if rows is None else rows
    history = {"default_user": user, "default_change_reason": reason}
    if change.kind == Kind.LIST:
        act = _new_act(change, LegalAct.Kind.LIST, user=user, reason=reason)
        provisions = bulk_create_with_history(
            [Provision(act=act, appendix=r.appendix, paragraph=r.paragraph) for r in rows], Provision, **history
        )
        versions = [_version(p, r, act) for p, r in zip(provisions, rows, strict=True)]
        bulk_create_with_history(versions, ProvisionVersion, **history)
        return act
    if change.kind == Kind.AMENDMENT:
        act = _new_act(change, LegalAct.Kind.AMENDMENT, user=user, reason=reason)
        # Copies: the rows' targets stay as they are in memory, for the page that shows the preview beside them.
        ended = [copy.copy(r.target) for r in rows if r.action in (Action.REWRITE, Action.REPEAL)]
        for version in ended:
            version.ended_by = act
            # Ended before the new wordings start, so that no two periods overlap even for a moment.
            version.in_force_from, version.in_force_until = version.period_from_acts()
        if ended:
            fields = ["ended_by", "in_force_from", "in_force_until"]
            bulk_update_with_history(ended, ProvisionVersion, fields, **history)
        added = [r for r in rows if r.action == Action.ADD]
        existing = {}
        if added:
            wanted = Q()
            for r in added:
                wanted |= Q(appendix=r.appendix, paragraph=r.paragraph)
            existing = {
                (p.appendix, p.paragraph): p
                for p in Provision.objects.filter(wanted, act=change.amends).select_related("act")
            }
        missing = [
            Provision(act=change.amends, appendix=r.appendix, paragraph=r.paragraph)
            for r in added
            if (r.appendix, r.paragraph) not in existing
        ]
        for provision in bulk_create_with_history(missing, Provision, **history) if missing else []:
            existing[(provision.appendix, provision.paragraph)] = provision
        versions = []
        for r in rows:
            if r.action == Action.REWRITE:
                versions.append(_version(r.target.provision, r, act))
            elif r.action == Action.ADD:
                versions.append(_version(existing[(r.appendix, r.paragraph)], r, act))
        if versions:
            bulk_create_with_history(versions, ProvisionVersion, **history)
        ProvisionVersion.objects.resync_periods(user=user, reason=reason)
        return act
    if change.kind == Kind.ABROGATION:
        act = _new_act(change, LegalAct.Kind.ABROGATION, user=user, reason=reason)
        lists = list(change.abrogates.all())
        for listed in lists:
            listed.abrogated_by = act
            listed.abrogated_from = change.abrogated_from
        bulk_update_with_history(lists, LegalAct, ["abrogated_by", "abrogated_from"], **history)
        ProvisionVersion.objects.resync_periods(user=user, reason=reason)
        return act
    if change.kind == Kind.ACT_FACTS:
        act = corrected_act(change)
        act._history_user = user
        act._change_reason = reason
        act._period_change_reason = reason
        act.save(update_fields=list(ACT_FACTS))  # only the facts corrected: an abrogation meanwhile stays
        return act
    if change.kind == Kind.WORDING:
        versions = []
        for r in rows:
            version = copy.copy(r.target)
            version.text, version.text_recorded = r.text.strip(), True
            if r.footnote.strip():
                version.footnote = r.footnote.strip()
            if version.provision.appendix == 2:
                version.accepted_certificate_kinds = list(r.accepted_certificate_kinds or [])
            versions.append(version)
        bulk_update_with_history(
            versions, ProvisionVersion, ["text", "text_recorded", "footnote", "accepted_certificate_kinds"], **history
        )
        return None
    raise ValueError(change.kind)  # pragma: no cover - every kind is handled above


# --- the workflow of a change ------------------------------------------------------------------------------


def _locked(change: CatalogChange) -> CatalogChange:
    return (
        CatalogChange.objects.select_for_update(of=("self",))
        .select_related("created_by", "amends", "target_act")
        .get(pk=change.pk)
    )


def _save(change: CatalogChange, user, reason: str, fields: list[str]) -> CatalogChange:
    change._history_user = user
    change._change_reason = reason
    change.save(update_fields=fields)  # a step, not an edit: "last edited" stays the last edit
    return change


@transaction.atomic
def change_submit(*, change: CatalogChange, user) -> CatalogChange:
    """The author hands the draft to another editor for approval, once nothing stands in its way."""
    change = _locked(change)
    _require(user, change, "submit")
    problems = change_problems(change)
    if problems:
        raise ChangeError(*problems)
    change.state = State.AWAITING_APPROVAL
    change.submitted_at = timezone.now()
    return _save(change, user, "Submitted for approval", ["state", "submitted_at"])


@transaction.atomic
def change_take_back(*, change: CatalogChange, user) -> CatalogChange:
    """The author takes a submitted change back to edit it."""
    change = _locked(change)
    _require(user, change, "take_back")
    change.state = State.DRAFT
    change.submitted_at = None
    return _save(change, user, "Taken back by its author", ["state", "submitted_at"])


@transaction.atomic
def change_return(*, change: CatalogChange, user, note: str) -> CatalogChange:
    """Another editor returns a submitted change to its author, saying what to change."""
    change = _locked(change)
    _require(user, change, "return")
    note = (note or "").strip()
    if not note:
        raise ChangeError(_("Say what the author should change before you return it."))
    change.state = State.DRAFT
    change.submitted_at = None
    change.returned_by, change.returned_at, change.return_note = user, timezone.now(), note
    return _save(
        change, user, "Returned to its author", ["state", "submitted_at", "returned_by", "returned_at", "return_note"]
    )


@transaction.atomic
def change_discard(*, change: CatalogChange, user) -> CatalogChange:
    """The author drops a change that was never published. It stays listed, as discarded."""
    change = _locked(change)
    _require(user, change, "discard")
    change.state = State.DISCARDED
    change.discarded_at = timezone.now()
    return _save(change, user, "Discarded by its author", ["state", "discarded_at"])


def publication_reason(change: CatalogChange, approver, approved_at: datetime.datetime) -> str:
    """The history reason of every row a publication writes: both people and both times."""
    return (
        f"Change #{change.pk} ({change.summary}): entered by {person_name(change.created_by)} on "
        f"{timezone.localtime(change.created_at):%d.%m.%Y %H:%M}, approved and published by "
        f"{person_name(approver)} on {timezone.localtime(approved_at):%d.%m.%Y %H:%M}"
    )


@dataclass(frozen=True)
class Publication:
    change: CatalogChange
    act: LegalAct | None
    impact: object  # catalog.impact.Impact


def change_publish(*, change: CatalogChange, user, revision: int) -> Publication:
    """A second editor approves the change they have read (`revision`), and it is written into the catalog.

    Refused whole, never half done: the author approving their own change (unless settings.CATALOG_FOUR_EYES
    is off), a change edited since the approver read it, or one the catalog no longer admits.
    """
    from .impact import impact_between, wording_states

    try:
        with transaction.atomic():
            _one_publication_at_a_time()
            change = _locked(change)
            _require(user, change, "publish")
            if change.revision != revision:
                raise ChangeError(_("This change was edited after you opened it. Read it again before you approve it."))
            problems = change_problems(change)
            if problems:
                raise ChangeError(*problems)
            before = wording_states()
            now = timezone.now()
            act = apply_change(change, user=user, reason=publication_reason(change, user, now))
            impact = impact_between(before, wording_states())
            change.state = State.PUBLISHED
            change.approved_by, change.approved_at = user, now
            change.act = act or change.target_act
            change.impact_at_publication = impact.as_record()
            _save(
                change,
                user,
                "Approved and published",
                ["state", "approved_by", "approved_at", "act", "impact_at_publication"],
            )
            change_published.send(sender=CatalogChange, change=change, impact=impact)
            _check_constraints_now()
    except IntegrityError as error:
        # The database's own guard (e.g. overlapping periods on PostgreSQL) caught what the checks above missed.
        raise ChangeError(
            _("The catalog refused this change as it stands (%(error)s). Nothing was published.")
            % {"error": str(error).splitlines()[0][:200]}
        ) from error
    return Publication(change=change, act=act, impact=impact)


OVERLAP_CONSTRAINT = "catalog_version_periods_never_overlap"  # migration 0003
PUBLICATION_LOCK = 4_210_010  # any constant: the key of the advisory lock that orders publications


def _one_publication_at_a_time() -> None:
    """Publications run one after another, so that each checks the catalog as the one before left it (two
    amendments rewriting one paragraph, two lists for the same days). PostgreSQL: a transaction-level advisory
    lock. SQLite: a first write takes the database's write lock until the commit."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLICATION_LOCK])
    else:
        CatalogChange.objects.filter(pk=None).update(revision=0)


def _check_constraints_now() -> None:
    """On PostgreSQL, check the deferred constraints (overlapping periods) before the commit, so that a
    violation surfaces as an IntegrityError inside the publishing transaction rather than at commit."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET CONSTRAINTS {OVERLAP_CONSTRAINT} IMMEDIATE")
            # Deferred again for whatever else the surrounding transaction does (a test's, or a caller's).
            cursor.execute(f"SET CONSTRAINTS {OVERLAP_CONSTRAINT} DEFERRED")
