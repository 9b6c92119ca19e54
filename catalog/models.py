"""The legal catalog: acts, the provisions they contain, and the wordings of each provision over time.

Two kinds of time are kept apart (a lesson from Indigo): when a wording was legally in force (the
half-open period [in_force_from, in_force_until) of a ProvisionVersion, which follows from the legal
events of its acts) and when someone edited the record (django-simple-history).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def format_date(value: datetime.date | None) -> str:
    """DD.MM.YYYY, the one date format the product shows."""
    return date_format(value, "d.m.Y") if value else ""


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
    history = HistoricalRecords()

    class Meta:
        ordering = ["signed_on", "code"]
        verbose_name = _("legal act")
        verbose_name_plural = _("legal acts")
        constraints = [
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
        ProvisionVersion.objects.resync_periods()

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
        if self.paragraph is None:
            return _("Appendix %(appendix)s (as a whole)") % {"appendix": self.appendix}
        return _("Appendix %(appendix)s, paragraph %(paragraph)s") % {
            "appendix": self.appendix,
            "paragraph": self.paragraph,
        }


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
        return self.select_related("provision__act", "introduced_by", "ended_by").order_by(
            "provision__appendix", "provision__paragraph", "in_force_from"
        )

    def resync_periods(self):
        """Recompute every version's dates from the acts it hangs on; save those that moved."""
        for version in self.select_related("provision__act", "introduced_by", "ended_by"):
            start, end = version.period_from_acts()
            if (start, end) != (version.in_force_from, version.in_force_until):
                version.in_force_from, version.in_force_until = start, end
                version._change_reason = "Period follows a change to the dates of an act"
                version.save(skip_period_sync=True)


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
