"""The legal catalog: acts, the provisions they contain, and the wordings of each provision over time.

Two kinds of time are kept apart (a lesson from Indigo): when a wording was legally in force (the
half-open period [in_force_from, in_force_until) of a ProvisionVersion, which follows from the legal
events of its acts) and when someone edited the record (django-simple-history).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_update_with_history

# The wordings' `text` is the one the seed gives: the unofficial English translation of the law. Official texts
# in Kazakh and Russian are recorded beside it by editors (ProvisionVersionText); nothing is ever translated.
RECORDED_LANGUAGE = "en"
RECORDED_OFFICIAL = False
# The languages an official text can be recorded in (the law is published in Kazakh and Russian).
OFFICIAL_LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский")]
# What a page says when the reader's language has no recorded text and the recorded English one is shown.
NOT_RECORDED_IN = {
    "kk": _("The official text in Kazakh is not recorded; unofficial English translation shown."),
    "ru": _("The official text in Russian is not recorded; unofficial English translation shown."),
}
OFFICIAL_IN = {"kk": _("Official text in Kazakh"), "ru": _("Official text in Russian")}


def format_date(value: datetime.date | None) -> str:
    """DD.MM.YYYY, the one date format the product shows, in every language (the date's own day, as Django's
    date_format(value, "d.m.Y") gives it, written directly: the queue formats two a row)."""
    return f"{value.day:02d}.{value.month:02d}.{value.year:04d}" if value else ""


@dataclass(frozen=True)
class ShownText:
    """A wording's text as a page shows it in one language: which language it is in, whether it is the official
    text, and, when the reader's language has none recorded, the plain sentence that says so."""

    text: str
    footnote: str
    language: str
    official: bool
    recorded: bool  # False: no text at all (the wording is "not recorded")
    fallback_notice: str = ""

    @property
    def official_label(self) -> str:
        return str(OFFICIAL_IN.get(self.language, "")) if self.official else ""

    def as_json(self, requested: str) -> dict:
        return {
            "text": self.text if self.recorded else None,
            "footnote": self.footnote or None,
            "language": self.language,
            "official": self.official,
            "requested_language": requested,
            "notice": self.fallback_notice or None,
        }


def shown_text(*, text: str, footnote: str, recorded: bool, texts: dict[str, dict], language: str) -> ShownText:
    """The text to show in `language`: the official text recorded in it, else the recorded (English) one with
    the sentence that says so. `texts` maps a language to {"text", "footnote", "official"} (a version's
    ProvisionVersionText rows, or a decision's frozen copy of them)."""
    if language in texts:
        found = texts[language]
        return ShownText(found["text"], found.get("footnote", ""), language, found.get("official", True), True)
    notice = NOT_RECORDED_IN.get(language, "") if recorded else ""
    return ShownText(text, footnote, RECORDED_LANGUAGE, RECORDED_OFFICIAL, recorded, str(notice))


class LegalAct(models.Model):
    class Kind(models.TextChoices):
        LIST = "list", _("Approves a list of priority activities")
        AMENDMENT = "amendment", _("Amends a list")
        ABROGATION = "abrogation", _("Abrogates a list")

    code = models.CharField(_("code"), max_length=32, unique=True, help_text=_('As printed, e.g. "37/RD".'))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.TextField(_("title"), blank=True, help_text=_("Blank when the title is not recorded."))
    issuer = models.TextField(_("issued by"), blank=True)
    signed_on = models.DateField(_("signed on"))
    registration_number = models.CharField(_("registration number"), max_length=32, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    effective_from = models.DateField(
        _("effective from"),
        help_text=_("The first day in force. While unconfirmed, the earliest possible day (an estimate)."),
    )
    effective_from_confirmed = models.BooleanField(
        _("effective date confirmed"),
        default=False,
        help_text=_("Tick only after checking the official publication."),
    )
    effective_from_basis = models.TextField(
        _("basis of the effective date"), blank=True, help_text=_("How the date was established.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Exclusive: the first day no longer valid.")
    )
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    abrogated_by = models.ForeignKey(
        "self",
        verbose_name=_("abrogated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="abrogates",
    )
    abrogated_from = models.DateField(
        _("abrogated from"), null=True, blank=True, help_text=_("The first day no longer in force.")
    )
    # A list states its criteria of own production (its Appendix 2 wordings) or states that it sets none:
    # "none" is a recorded fact, never the mere absence of rows.
    sets_no_own_production_criteria = models.BooleanField(
        _("sets no criteria of own production"),
        default=False,
        help_text=_("Ticked only for a list whose text sets no criteria of own production of goods."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_on", "code"]
        verbose_name = _("legal act")
        verbose_name_plural = _("legal acts")
        constraints = [
            models.CheckConstraint(
                condition=Q(sets_no_own_production_criteria=False) | Q(kind="list"),
                name="act_only_a_list_sets_no_criteria",
            ),
            models.CheckConstraint(
                condition=Q(abrogated_by__isnull=True) | Q(abrogated_from__isnull=False),
                name="act_abrogation_has_date",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("effective_from")),
                name="act_valid_until_after_effective_from",
            ),
        ]

    def __str__(self):
        return self.code

    def clean(self):
        errors = {}
        if self.abrogated_by_id and not self.abrogated_from:
            errors["abrogated_from"] = _("Give the date from which the abrogation takes effect.")
        if self.abrogated_from and not self.abrogated_by_id:
            errors["abrogated_by"] = _("Name the act that abrogates this one.")
        if self.valid_until and self.effective_from and self.valid_until <= self.effective_from:
            errors["valid_until"] = _("Valid-until must be after the effective date.")
        if self.kind == self.Kind.AMENDMENT and not self.amends_id:
            errors["amends"] = _("Name the act this amendment amends.")
        if errors:
            raise ValidationError(errors)
        emptied = self._wordings_left_without_a_period()
        if emptied:
            raise ValidationError(
                {
                    "effective_from": _(
                        "With these dates, these wordings would end before they start: %(wordings)s. "
                        "Check the dates of this act and of the acts that start or end those wordings."
                    )
                    % {"wordings": "; ".join(emptied)}
                }
            )

    def _wordings_left_without_a_period(self) -> list[str]:
        """Wordings whose derived period would be empty with this (unsaved) act's dates."""
        if not (self.pk and self.effective_from):
            return []
        versions = ProvisionVersion.objects.filter(
            Q(introduced_by=self.pk) | Q(ended_by=self.pk) | Q(provision__act=self.pk)
        ).select_related("provision__act", "introduced_by", "ended_by")
        emptied = []
        for version in versions:
            # Derive the period as it would be with the dates being edited here.
            if version.introduced_by_id == self.pk:
                version.introduced_by = self
            if version.ended_by_id == self.pk:
                version.ended_by = self
            if version.provision.act_id == self.pk:
                version.provision.act = self
            start, end = version.period_from_acts()
            if end is not None and end <= start:
                emptied.append(f"{version.provision.act.code} {version.provision.label}")
        return emptied

    @transaction.atomic
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # Every period that hangs on this act's dates moves with it: nothing is edited twice.
        # The moved wordings' history names the same user; a publishing service names its change as the reason.
        ProvisionVersion.objects.resync_periods(
            user=getattr(self, "_history_user", None), reason=getattr(self, "_period_change_reason", "")
        )

    @property
    def ends_on(self) -> datetime.date | None:
        """The first day this act is no longer in force (abrogation or expiry), or None."""
        ends = [d for d in (self.abrogated_from, self.valid_until) if d]
        return min(ends) if ends else None

    def is_in_force_on(self, on: datetime.date) -> bool:
        return self.effective_from <= on and (self.ends_on is None or on < self.ends_on)

    @property
    def effective_from_display(self) -> str:
        """'01.10.2023', or 'not earlier than 01.10.2023 (unconfirmed)' while it is an estimate."""
        if self.effective_from_confirmed:
            return format_date(self.effective_from)
        return _("not earlier than %(date)s (unconfirmed)") % {"date": format_date(self.effective_from)}


class Provision(models.Model):
    """A stable identity: "order 37/RD, Appendix 1, paragraph 3". Its wordings are ProvisionVersions.

    `paragraph` is empty for an appendix taken as a whole (used where only the appendix's earlier
    existence is known, not its paragraphs).
    """

    act = models.ForeignKey(LegalAct, verbose_name=_("act"), on_delete=models.PROTECT, related_name="provisions")
    appendix = models.PositiveSmallIntegerField(_("appendix"))
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["act__signed_on", "appendix", "paragraph"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(
                fields=["act", "appendix", "paragraph"],
                name="provision_unique_paragraph",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        return f"{self.act.code} {self.label}"

    @property
    def label(self) -> str:
        return self.label_of(self.appendix, self.paragraph)

    @staticmethod
    def label_of(appendix: int, paragraph: int | None) -> str:
        """A provision's label from its numbers (for lists read as values, without building the rows)."""
        if paragraph is None:
            return _("Appendix %(appendix)s (as a whole)") % {"appendix": appendix}
        return _("Appendix %(appendix)s, paragraph %(paragraph)s") % {"appendix": appendix, "paragraph": paragraph}


class ProvisionVersionQuerySet(models.QuerySet):
    def in_force(self, *, on: datetime.date):
        """Wordings legally in force on the day `on` (periods are half-open)."""
        return self.filter(
            Q(in_force_from__lte=on),
            Q(in_force_until__isnull=True) | Q(in_force_until__gt=on),
        )

    def overlapping(self, *, provision_id, start: datetime.date, end: datetime.date | None):
        """Versions of one provision whose period meets [start, end)."""
        qs = self.filter(provision_id=provision_id).filter(Q(in_force_until__isnull=True) | Q(in_force_until__gt=start))
        if end is not None:
            qs = qs.filter(in_force_from__lt=end)
        return qs

    def for_display(self):
        return (
            self.with_language_texts()
            .select_related("provision__act", "introduced_by", "ended_by")
            .order_by("provision__appendix", "provision__paragraph", "in_force_from")
        )

    def with_language_texts(self):
        """With the texts recorded in the language being shown (one query more), unless that language is the
        one the wordings are recorded in: English pages read nothing more."""
        return self.prefetch_related(*language_texts_prefetch())

    def resync_periods(self, *, user=None, reason: str = "") -> int:
        """Recompute every version's dates from the acts it hangs on; save those that moved, with history.

        Three queries however many wordings move (read, update, history). Returns how many moved.
        """
        moved = []
        for version in self.select_related("provision__act", "introduced_by", "ended_by"):
            start, end = version.period_from_acts()
            if (start, end) != (version.in_force_from, version.in_force_until):
                version.in_force_from, version.in_force_until = start, end
                moved.append(version)
        if moved:
            bulk_update_with_history(
                moved,
                ProvisionVersion,
                ["in_force_from", "in_force_until"],
                default_user=user,
                default_change_reason=reason or "Period follows a change to the dates of an act",
            )
        return len(moved)


class ProvisionVersion(models.Model):
    """One wording of a provision over [in_force_from, in_force_until).

    The period follows from legal events: it starts when `introduced_by` takes effect and ends when
    `ended_by` takes effect (a later amendment, or the abrogating act), or when the provision's own act
    stops being in force. The dates are stored so that queries and constraints can use them, and are
    recomputed whenever an act's dates change.
    """

    class CertificateKind(models.TextChoices):
        ST_KZ = "st_kz", _('Certificate of origin of goods in form "ST-KZ"')
        INDUSTRIAL = "industrial", _("Industrial certificate")

    provision = models.ForeignKey(
        Provision, verbose_name=_("provision"), on_delete=models.PROTECT, related_name="versions"
    )
    text = models.TextField(_("text"), blank=True, help_text=_("Verbatim. Blank only when not recorded."))
    text_recorded = models.BooleanField(
        _("text recorded"),
        default=True,
        help_text=_("Untick when the wording existed but its text has not been entered from the publication."),
    )
    footnote = models.TextField(_("footnote"), blank=True, help_text=_("Verbatim, as printed."))
    introduced_by = models.ForeignKey(
        LegalAct,
        verbose_name=_("introduced by"),
        on_delete=models.PROTECT,
        related_name="introduced_versions",
    )
    ended_by = models.ForeignKey(
        LegalAct,
        verbose_name=_("ended by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ended_versions",
        help_text=_("The act whose entry into force replaced this wording. Empty while current."),
    )
    in_force_from = models.DateField(_("in force from"), editable=False)
    in_force_until = models.DateField(_("in force until"), null=True, blank=True, editable=False)
    accepted_certificate_kinds = models.JSONField(
        _("certificate kinds accepted"),
        default=list,
        blank=True,
        help_text=_('For own-production criteria: the certificate kinds this wording accepts ("st_kz", "industrial").'),
    )
    history = HistoricalRecords()

    objects = ProvisionVersionQuerySet.as_manager()

    class Meta:
        ordering = ["provision__appendix", "provision__paragraph", "in_force_from"]
        verbose_name = _("provision version")
        verbose_name_plural = _("provision versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True) | Q(in_force_until__gt=models.F("in_force_from")),
                name="version_period_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(text_recorded=False) | ~Q(text=""),
                name="version_recorded_text_not_blank",
            ),
            models.CheckConstraint(
                condition=Q(text_recorded=True) | Q(text=""),
                name="version_unrecorded_text_blank",
            ),
        ]

    def __str__(self):
        return f"{self.provision} [{format_date(self.in_force_from)} - {format_date(self.in_force_until) or '…'})"

    def period_from_acts(self) -> tuple[datetime.date, datetime.date | None]:
        act = self.provision.act
        start = self.introduced_by.effective_from
        ends = [d for d in (self.ended_by.effective_from if self.ended_by_id else None, act.ends_on) if d]
        return start, (min(ends) if ends else None)

    @property
    def starts_confirmed(self) -> bool:
        return self.introduced_by.effective_from_confirmed

    @property
    def ends_confirmed(self) -> bool:
        if self.in_force_until is None:
            return True
        if self.ended_by_id and self.ended_by.effective_from == self.in_force_until:
            return self.ended_by.effective_from_confirmed
        # The end is the provision's act's abrogation or expiry date, both given by the law.
        return True

    @property
    def in_force_from_display(self) -> str:
        if self.starts_confirmed:
            return format_date(self.in_force_from)
        return _("not earlier than %(date)s (unconfirmed)") % {"date": format_date(self.in_force_from)}

    @property
    def in_force_until_display(self) -> str:
        if self.in_force_until is None:
            return _("until further notice")
        if self.ends_confirmed:
            return format_date(self.in_force_until)
        return _("not earlier than %(date)s (unconfirmed)") % {"date": format_date(self.in_force_until)}

    def clean(self):
        errors = {}
        if self.text_recorded and not self.text.strip():
            errors["text"] = _("Enter the verbatim text, or untick “text recorded”.")
        if not self.text_recorded and self.text:
            errors["text"] = _("A wording that is not recorded has no text: clear it or tick “text recorded”.")
        bad_kinds = set(self.accepted_certificate_kinds or []) - set(self.CertificateKind.values)
        if bad_kinds:
            errors["accepted_certificate_kinds"] = _("Unknown certificate kinds: %(kinds)s.") % {
                "kinds": ", ".join(sorted(bad_kinds))
            }
        if errors:
            raise ValidationError(errors)
        if not (self.provision_id and self.introduced_by_id):
            return
        start, end = self.period_from_acts()
        if end is not None and end <= start:
            raise ValidationError(
                _("This wording would end (%(end)s) before it starts (%(start)s).")
                % {"start": format_date(start), "end": format_date(end)}
            )
        clash = (
            ProvisionVersion.objects.overlapping(provision_id=self.provision_id, start=start, end=end)
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            raise ValidationError(
                _(
                    "This wording would be in force from %(start)s to %(end)s, which overlaps another wording "
                    "of the same provision in force from %(other_start)s to %(other_end)s. End the other "
                    "wording first (set its “ended by”), so that periods never overlap."
                )
                % {
                    "start": format_date(start),
                    "end": format_date(end) or _("open-ended"),
                    "other_start": format_date(clash.in_force_from),
                    "other_end": format_date(clash.in_force_until) or _("open-ended"),
                }
            )

    def save(self, *args, skip_period_sync: bool = False, **kwargs):
        if not skip_period_sync:
            self.in_force_from, self.in_force_until = self.period_from_acts()
        super().save(*args, **kwargs)

    def language_texts(self) -> dict[str, dict]:
        """The texts recorded in other languages, by language (prefetched by `with_language_texts`)."""
        return {t.language: {"text": t.text, "footnote": t.footnote, "official": t.official} for t in self.texts.all()}

    def shown(self, language: str | None = None) -> ShownText:
        """This wording's text in `language` (the active one by default); see `shown_text`."""
        language = language or translation.get_language() or settings.LANGUAGE_CODE
        texts = {} if language == RECORDED_LANGUAGE else self.language_texts()
        return shown_text(
            text=self.text, footnote=self.footnote, recorded=self.text_recorded, texts=texts, language=language
        )


def language_texts_prefetch(lookup: str = "texts") -> list[models.Prefetch]:
    """Prefetch the texts of wordings (at `lookup`, e.g. "provision_version__texts") in the active language;
    nothing when that language is the recorded one (English), so English pages make no query more."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language == RECORDED_LANGUAGE:
        return []
    return [models.Prefetch(lookup, queryset=ProvisionVersionText.objects.filter(language=language))]


class ProvisionVersionText(models.Model):
    """The text of one wording in another language than the recorded (English) one: the official Kazakh or
    Russian text, entered verbatim from the official publication by a catalog editor. Never machine-translated.
    Its history names who entered or corrected it; a decision freezes a copy of every language recorded then."""

    version = models.ForeignKey(
        ProvisionVersion, verbose_name=_("wording"), on_delete=models.PROTECT, related_name="texts"
    )
    language = models.CharField(_("language"), max_length=8, choices=OFFICIAL_LANGUAGES)
    text = models.TextField(_("text"), help_text=_("Verbatim, as officially published in this language."))
    footnote = models.TextField(_("footnote"), blank=True, help_text=_("Verbatim, as printed."))
    official = models.BooleanField(
        _("official text"),
        default=True,
        help_text=_("Untick if this is not the officially published text (e.g. an unofficial translation)."),
    )
    source = models.CharField(
        _("source"), max_length=500, blank=True, help_text=_("Where it was copied from, e.g. adilet.zan.kz.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "language"]
        verbose_name = _("text of a wording in a language")
        verbose_name_plural = _("texts of wordings in languages")
        constraints = [
            models.UniqueConstraint(fields=["version", "language"], name="one_text_per_wording_and_language"),
            models.CheckConstraint(condition=~Q(text=""), name="language_text_not_blank"),
        ]

    def __str__(self):
        return f"{self.version} [{self.language}]"


def person_name(user) -> str:
    """How a member of staff is named on pages: their full name, else their user name."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


class CatalogChangeQuerySet(models.QuerySet):
    def open(self):
        """Drafts and changes awaiting approval: what is not published yet."""
        return self.filter(state__in=[CatalogChange.State.DRAFT, CatalogChange.State.AWAITING_APPROVAL])

    def for_list(self):
        return self.select_related("created_by", "approved_by", "act", "amends", "target_act")


class CatalogChange(models.Model):
    """A change to the catalog that an editor enters: invisible to everyone else until it is published.

    The law's own tables (LegalAct, Provision, ProvisionVersion) hold only what is published, so every
    page, the API and the applicants' and reviewers' flows see no draft without having to filter one out.
    A change holds the facts of the act it enters (or, for a correction, the facts as they are to become)
    and its rows (ChangeRow); publishing it (catalog/changes.py) writes them into the law's tables, and
    needs a second editor's approval unless settings.CATALOG_FOUR_EYES is off. A published change is kept:
    it is the catalog's history of who entered what and who approved it, and when.
    """

    class Kind(models.TextChoices):
        LIST = "list", _("A new list of priority activities")
        AMENDMENT = "amendment", _("An amendment to a list")
        ABROGATION = "abrogation", _("An abrogation of a list")
        ACT_FACTS = "act_facts", _("A correction or confirmation of an act's dates and facts")
        WORDING = "wording", _("The text of a wording not recorded yet")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)

    # The act entered (a list, an amendment, an abrogation), or the facts of `target_act` as they will be.
    code = models.CharField(_("code"), max_length=32, blank=True, help_text=_('As printed, e.g. "37/RD".'))
    title = models.TextField(_("title"), blank=True)
    issuer = models.TextField(_("issued by"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    registration_number = models.CharField(_("registration number"), max_length=32, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_from_confirmed = models.BooleanField(_("effective date confirmed"), default=False)
    effective_from_basis = models.TextField(_("basis of the effective date"), blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    sets_no_own_production_criteria = models.BooleanField(_("sets no criteria of own production"), default=False)
    amends = models.ForeignKey(
        LegalAct, verbose_name=_("amends the list"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    abrogates = models.ManyToManyField(LegalAct, verbose_name=_("abrogates"), blank=True, related_name="+")
    abrogated_from = models.DateField(_("abrogated from"), null=True, blank=True)
    target_act = models.ForeignKey(
        LegalAct, verbose_name=_("act corrected"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # For a correction: the act's facts when the draft was made. Publishing refuses if the act has changed
    # since (someone else's correction would otherwise be silently undone), and the approver sees before/after.
    target_act_facts = models.JSONField(default=dict, blank=True, editable=False)

    # The act this change created or corrected, once published.
    act = models.ForeignKey(
        LegalAct, verbose_name=_("act"), null=True, blank=True, on_delete=models.PROTECT, related_name="changes"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited at"), auto_now=True)
    # Raised by every edit: an approval names the revision the approver read, so nothing unseen is published.
    revision = models.PositiveIntegerField(default=1, editable=False)
    submitted_at = models.DateTimeField(_("submitted for approval at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_note = models.TextField(_("why it was returned"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved and published by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("published at"), null=True, blank=True)
    discarded_at = models.DateTimeField(_("discarded at"), null=True, blank=True)
    # What the approver was shown that the change would touch, frozen at publication:
    # {"open": [{"reference", "status", "claims": [sentence, ...]}], "decided": [...]}.
    impact_at_publication = models.JSONField(default=dict, blank=True, editable=False)
    history = HistoricalRecords()

    objects = CatalogChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("change to the catalog")
        verbose_name_plural = _("changes to the catalog")
        permissions = [("publish_catalogchange", _("Can approve and publish a change to the catalog"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="published") | (Q(approved_by__isnull=False) & Q(approved_at__isnull=False)),
                name="change_published_names_its_approver",
            ),
        ]

    def __str__(self):
        return self.summary

    @property
    def summary(self) -> str:
        """One line saying what the change does, e.g. "New list 45/NK" or "Amendment 46/NK to 45/NK"."""
        code = self.code or _("(no code yet)")
        if self.kind == self.Kind.LIST:
            return _("New list %(code)s") % {"code": code}
        if self.kind == self.Kind.AMENDMENT:
            return _("Amendment %(code)s to %(list)s") % {
                "code": code,
                "list": self.amends.code if self.amends_id else "…",
            }
        if self.kind == self.Kind.ABROGATION:
            return _("Abrogation %(code)s") % {"code": code}
        if self.kind == self.Kind.ACT_FACTS:
            return _("Correction of the facts of %(code)s") % {
                "code": self.target_act.code if self.target_act_id else "…"
            }
        return str(_("Text of wordings not recorded"))

    @property
    def enters_an_act(self) -> bool:
        return self.kind in (self.Kind.LIST, self.Kind.AMENDMENT, self.Kind.ABROGATION)

    @property
    def is_open(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.AWAITING_APPROVAL)


class ChangeRow(models.Model):
    """One provision a change adds, rewrites, repeals, or whose missing text it records."""

    class Action(models.TextChoices):
        ADD = "add", _("adds a paragraph")
        REWRITE = "rewrite", _("rewrites a paragraph")
        REPEAL = "repeal", _("repeals a paragraph")
        RECORD = "record", _("records the text of a wording")

    change = models.ForeignKey(CatalogChange, on_delete=models.CASCADE, related_name="rows")
    action = models.CharField(_("what it does"), max_length=16, choices=Action.choices, default=Action.ADD)
    # The wording in force that it rewrites, repeals or completes, as it stood when the editor chose it.
    target = models.ForeignKey(
        ProvisionVersion,
        verbose_name=_("paragraph in force"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appendix = models.PositiveSmallIntegerField(_("appendix"), null=True, blank=True)
    paragraph = models.PositiveSmallIntegerField(_("paragraph"), null=True, blank=True)
    text = models.TextField(_("wording"), blank=True)
    footnote = models.TextField(_("footnote"), blank=True)
    accepted_certificate_kinds = models.JSONField(_("certificate kinds accepted"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["appendix", "paragraph", "pk"]
        verbose_name = _("row")
        verbose_name_plural = _("rows")

    def __str__(self):
        return f"{self.get_action_display()} {self.label}"

    @property
    def label(self) -> str:
        if self.target_id and self.action != self.Action.ADD:
            return self.target.provision.label
        if self.appendix and self.paragraph:
            return _("Appendix %(appendix)s, paragraph %(paragraph)s") % {
                "appendix": self.appendix,
                "paragraph": self.paragraph,
            }
        return ""

    @property
    def certificate_kind_labels(self) -> list[str]:
        labels = dict(ProvisionVersion.CertificateKind.choices)
        return [str(labels.get(kind, kind)) for kind in self.accepted_certificate_kinds or []]


class PublicationCheckQuerySet(models.QuerySet):
    def latest_first(self):
        return self.select_related("checked_by").order_by("-checked_on", "-recorded_at", "-pk")


class PublicationCheck(models.Model):
    """An editor's statement that the catalog was compared with the official publication on a day.

    Never edited: a later check is a new row. Every catalog page and the API show the latest one.
    """

    checked_on = models.DateField(_("checked on"), help_text=_("The day you compared the catalog with it."))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), on_delete=models.PROTECT, related_name="+"
    )
    shown_name = models.CharField(
        _("name shown on the catalog pages"),
        max_length=150,
        help_text=_("Your name as the public pages show it, e.g. “A. Seitkali”. Your e-mail is never shown."),
    )
    source = models.CharField(
        _("what was compared"),
        max_length=300,
        blank=True,
        help_text=_("Optional, e.g. “the texts on adilet.zan.kz”."),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = PublicationCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_on", "-recorded_at", "-pk"]
        verbose_name = _("check against the official publication")
        verbose_name_plural = _("checks against the official publication")

    def __str__(self):
        return _("Checked on %(date)s by %(name)s") % {"date": format_date(self.checked_on), "name": self.shown_name}
