"""The forms of the editors' one-page entry of a change (Django admin): the act's facts, and its rows.

Each form checks its own fields; the checks that depend on the published catalog come from catalog/changes.py,
which submitting and publishing run again. Every message says what to change. Certificate kinds are
checkboxes; the editor never sees how anything is stored.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import changes
from .models import CatalogChange, ChangeRow, LegalAct, ProvisionVersion, format_date

Action = ChangeRow.Action

CODE_PATTERN = re.compile(r"^[\w][\w/.\- ]*$")
MAX_TEXT = 10_000
MAX_FOOTNOTE = 2_000
MAX_ROWS = 200
DATE_HELP = gettext_lazy("DD.MM.YYYY")
APPENDIX_CHOICES = [
    ("1", gettext_lazy("Appendix 1: activities")),
    ("2", gettext_lazy("Appendix 2: criteria of own production")),
]


def _text_area(rows: int = 4):
    return forms.Textarea(attrs={"rows": rows, "cols": 60, "class": "vLargeTextField"})


def certificate_kinds_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=gettext_lazy("Certificate kinds accepted"),
        choices=ProvisionVersion.CertificateKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy("Tick, on the paragraph that names them, the certificates these criteria accept."),
        error_messages={"invalid_choice": gettext_lazy("Tick only the certificate kinds shown.")},
    )


def version_label(version: ProvisionVersion, length: int = 70) -> str:
    text = version.text if version.text_recorded else _("(wording not recorded)")
    if len(text) > length:
        text = text[: length - 1].rstrip() + "…"
    return f"{version.provision.label}: {text}"


# --- the act's facts -----------------------------------------------------------------------------------------


class FactsForm(forms.ModelForm):
    """The facts of an act: its code, title, issuer, dates. The base of the list, amendment and abrogation forms."""

    facts = [
        "code",
        "title",
        "issuer",
        "signed_on",
        "registration_number",
        "registered_on",
        "effective_from",
        "effective_from_confirmed",
        "effective_from_basis",
    ]
    required = ("code", "title", "signed_on", "effective_from")

    class Meta:
        model = CatalogChange
        fields = []  # each kind's form names its own
        widgets = {
            "title": _text_area(2),
            "issuer": _text_area(2),
            "effective_from_basis": _text_area(2),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "code": _("Code, as printed"),
            "effective_from_confirmed": _("The effective date is confirmed from the official publication"),
        }
        helps = {
            "code": _("e.g. 45/NK"),
            "title": _("The title as printed."),
            "effective_from": _(
                "The first day in force. If the act says “ten calendar days after its first official publication” "
                "and you do not have the publication date, enter the earliest possible day and leave it unconfirmed."
            ),
            "effective_from_basis": _("How the date was established. Needed while the date is unconfirmed."),
            "registration_number": _("Leave both registration fields empty if the act was not registered."),
        }
        for name, field in self.fields.items():
            if name in labels:
                field.label = labels[name]
            if name in helps:
                field.help_text = helps[name]
            if name in self.required:
                field.required = True
            if isinstance(field, forms.DateField):
                field.help_text = field.help_text or DATE_HELP
                field.error_messages["invalid"] = _("Enter the date as DD.MM.YYYY, e.g. 31.12.2025.")
            if isinstance(field, forms.CharField):
                field.max_length = field.max_length or MAX_TEXT
                field.validators.append(_max_length(field.max_length))
        for name in self.required:
            if name in self.fields:
                self.fields[name].error_messages["required"] = {
                    "code": _("Enter the act's code as printed on it, e.g. 45/NK."),
                    "title": _("Enter the act's title as printed."),
                    "signed_on": _("Enter the day the act was signed, as DD.MM.YYYY."),
                    "effective_from": _("Enter the first day the act is in force, as DD.MM.YYYY."),
                }.get(name, _("This field is needed."))

    def clean_code(self):
        code = " ".join((self.cleaned_data.get("code") or "").split())
        if not CODE_PATTERN.match(code):
            raise ValidationError(_("Use the code as printed, e.g. 45/NK: letters, digits, “/”, “-” and “.” only."))
        problem = changes.code_problem(code, change=self.instance, against_drafts=True)
        if problem:
            raise ValidationError(problem)
        return code

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):
            if isinstance(self.fields.get(name), forms.DateField):
                problem = changes.date_problem(value)
                if problem:
                    self.add_error(name, problem)
        data = self.cleaned_data
        signed, registered = data.get("signed_on"), data.get("registered_on")
        effective = data.get("effective_from")
        if "registration_number" in self.fields:
            number = (data.get("registration_number") or "").strip()
            if bool(number) != bool(registered) and "registered_on" not in self.errors:
                self.add_error(
                    "registered_on" if number else "registration_number",
                    _("Give both the registration number and the date of registration, or neither."),
                )
        if signed and registered and registered < signed:
            self.add_error(
                "registered_on",
                _("An act is registered after it is signed (%(signed)s): check the date of registration.")
                % {"signed": format_date(signed)},
            )
        if signed and effective and effective < signed:
            self.add_error(
                "effective_from",
                _("An act cannot take effect before it is signed (%(signed)s): check both dates.")
                % {"signed": format_date(signed)},
            )
        if (
            "effective_from_confirmed" in self.fields
            and effective
            and not data.get("effective_from_confirmed")
            and not (data.get("effective_from_basis") or "").strip()
        ):
            self.add_error(
                "effective_from_basis",
                _(
                    "Say how the unconfirmed date was estimated (e.g. ten calendar days after signing), or tick "
                    "that the date is confirmed."
                ),
            )
        valid_until = data.get("valid_until")
        if valid_until and effective and valid_until <= effective:
            self.add_error("valid_until", _("“Valid until” must be after the effective date: check both dates."))
        return data


def _max_length(limit: int):
    def validate(value):
        if value and len(value) > limit:
            raise ValidationError(
                _("This is %(length)d characters long; at most %(limit)d fit here. Check what was pasted.")
                % {"length": len(value), "limit": limit}
            )

    return validate


class ListForm(FactsForm):
    class Meta(FactsForm.Meta):
        fields = [*FactsForm.facts, "valid_until", "sets_no_own_production_criteria"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valid_until"].help_text = _(
            "Only if the act itself says until when it is valid: the first day no longer valid. DD.MM.YYYY."
        )
        self.fields["sets_no_own_production_criteria"].label = _("This list sets no criteria of own production")
        self.fields["sets_no_own_production_criteria"].help_text = _(
            "Tick only if the act sets no criteria of own production of goods. Otherwise enter its criteria below."
        )

    def clean(self):
        data = super().clean()
        effective = data.get("effective_from")
        if effective and not self.has_error("effective_from") and not self.has_error("valid_until"):
            problem = changes.list_overlap_problem(effective, data.get("valid_until"))
            if problem:
                self.add_error("effective_from", problem)
        return data


class ListActChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        ends = _(" until %(date)s") % {"date": format_date(obj.ends_on)} if obj.ends_on else ""
        return _("%(code)s (in force from %(start)s%(ends)s)") % {
            "code": obj.code,
            "start": format_date(obj.effective_from),
            "ends": ends,
        }


class AmendmentForm(FactsForm):
    amends = ListActChoiceField(
        queryset=LegalAct.objects.filter(kind=LegalAct.Kind.LIST).order_by("-effective_from"),
        label=gettext_lazy("Amends the list"),
        error_messages={
            "required": gettext_lazy("Choose the list this amendment amends."),
            "invalid_choice": gettext_lazy("Choose one of the lists shown."),
        },
    )

    class Meta(FactsForm.Meta):
        fields = [*FactsForm.facts, "amends"]

    def clean(self):
        data = super().clean()
        if not self.has_error("effective_from"):
            problem = changes.amended_list_problem(data.get("amends"), data.get("effective_from"))
            if problem:
                self.add_error("effective_from", problem)
        return data


class AbrogatedListsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return ListActChoiceField.label_from_instance(self, obj)


class AbrogationForm(FactsForm):
    abrogates = AbrogatedListsField(
        queryset=LegalAct.objects.filter(kind=LegalAct.Kind.LIST, abrogated_by__isnull=True).order_by(
            "-effective_from"
        ),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Lists it abrogates"),
        error_messages={
            "required": gettext_lazy("Tick the list this act abrogates."),
            "invalid_choice": gettext_lazy("Tick only lists shown here: the one sent is not a list in force."),
            "invalid_pk_value": gettext_lazy("Tick only lists shown here."),
        },
    )

    class Meta(FactsForm.Meta):
        fields = [*FactsForm.facts, "abrogates", "abrogated_from"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["abrogated_from"]
        field.required = True
        field.label = _("Abrogated from")
        field.help_text = _("The first day the list is no longer in force, as the act says. DD.MM.YYYY.")
        field.error_messages["required"] = _("Enter the first day the list is no longer in force, as DD.MM.YYYY.")

    def clean(self):
        data = super().clean()
        ended_from, effective = data.get("abrogated_from"), data.get("effective_from")
        if ended_from and effective and ended_from < effective:
            self.add_error(
                "abrogated_from",
                _(
                    "A list cannot be abrogated from before the abrogating act takes effect (%(date)s): "
                    "check both dates."
                )
                % {"date": format_date(effective)},
            )
        if "abrogates" in data and ended_from:
            for problem in changes.abrogation_problems(list(data["abrogates"]), ended_from):
                self.add_error("abrogates", problem)
        return data


class ActChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.code} ({obj.get_kind_display()})"


class CorrectionForm(FactsForm):
    """A correction of a published act's facts, above all the confirmation of its real effective date."""

    required = ("signed_on", "effective_from")
    target_act = ActChoiceField(
        queryset=LegalAct.objects.order_by("signed_on", "code"),
        label=gettext_lazy("Act"),
        error_messages={
            "required": gettext_lazy("Choose the act whose facts you correct."),
            "invalid_choice": gettext_lazy("Choose one of the acts shown."),
        },
    )

    class Meta(FactsForm.Meta):
        fields = ["target_act", *[name for name in FactsForm.facts if name != "code"], "valid_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        act = self.instance.target_act if self.instance.target_act_id else None
        if act is None and self.initial.get("target_act"):
            act = LegalAct.objects.filter(pk=self.initial["target_act"]).first()
        if act is not None:
            for name in changes.ACT_FACTS:
                value = getattr(act, name)
                shown = format_date(value) if hasattr(value, "year") else value
                if isinstance(value, bool):
                    shown = _("yes") if value else _("no")
                now = _("Now: %(value)s") % {"value": shown if shown not in ("", None) else _("(empty)")}
                field = self.fields[name]
                field.help_text = f"{now}. {field.help_text}" if field.help_text else now
        if "target_act" in self.fields and self.instance.pk:
            self.fields["target_act"].disabled = True

    def clean(self):
        data = super().clean()
        act = data.get("target_act")
        if act is not None and act.kind != LegalAct.Kind.LIST and data.get("valid_until"):
            self.add_error("valid_until", _("Only a list has a “valid until” date: clear it."))
        if act is not None and not self.errors:
            draft = CatalogChange(kind=CatalogChange.Kind.ACT_FACTS, target_act=act, **{
                name: data.get(name) for name in changes.ACT_FACTS
            })  # fmt: skip
            draft.target_act_facts = self.instance.target_act_facts or changes.act_facts_snapshot(act)
            for problem in changes.correction_problems(draft):
                self.add_error(None, problem)
        return data


class WordingForm(forms.ModelForm):
    """Recording the text of wordings not recorded: the change has no facts of its own, only rows."""

    class Meta:
        model = CatalogChange
        fields = []


FORMS = {
    CatalogChange.Kind.LIST: ListForm,
    CatalogChange.Kind.AMENDMENT: AmendmentForm,
    CatalogChange.Kind.ABROGATION: AbrogationForm,
    CatalogChange.Kind.ACT_FACTS: CorrectionForm,
    CatalogChange.Kind.WORDING: WordingForm,
}


# --- the rows -----------------------------------------------------------------------------------------------


class RowForm(forms.ModelForm):
    """One row: the fields are cut to size and stripped; the action's rules are in the subclasses."""

    class Meta:
        model = ChangeRow
        fields = ["paragraph", "text", "footnote"]
        widgets = {"text": _text_area(5), "footnote": _text_area(2)}

    def __init__(self, *args, targets=None, **kwargs):
        self.targets = targets or {}
        super().__init__(*args, **kwargs)
        if "paragraph" in self.fields:
            self.fields["paragraph"].widget.attrs.update(min=1, max=999, style="width: 5em")
            self.fields["paragraph"].error_messages["invalid"] = _("Enter the paragraph's number, e.g. 3.")
        if "text" in self.fields:
            self.fields["text"].label = _("Wording (verbatim)")
            self.fields["text"].validators.append(_max_length(MAX_TEXT))
        if "footnote" in self.fields:
            self.fields["footnote"].help_text = _("Verbatim, as printed, if there is one.")
            self.fields["footnote"].validators.append(_max_length(MAX_FOOTNOTE))

    def clean_paragraph(self):
        number = self.cleaned_data.get("paragraph")
        if number is not None and not 1 <= number <= 999:
            raise ValidationError(_("A paragraph number is between 1 and 999."))
        return number

    def clean_text(self):
        return (self.cleaned_data.get("text") or "").strip()

    def clean_footnote(self):
        return (self.cleaned_data.get("footnote") or "").strip()


class ListRowForm(RowForm):
    """A paragraph of a new list: its number in its appendix and its wording."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paragraph"].required = True
        self.fields["paragraph"].error_messages["required"] = _("Give the paragraph's number.")
        self.fields["text"].required = True
        self.fields["text"].error_messages["required"] = _("Enter the paragraph's wording, verbatim.")
        # A tabular inline shows each label once, as a column header, not next to the input: name each input
        # for screen readers (WCAG 1.3.1, axe-core's "label" rule).
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))


class CriterionRowForm(ListRowForm):
    accepted_certificate_kinds = certificate_kinds_field()

    class Meta(RowForm.Meta):
        fields = [*RowForm.Meta.fields, "accepted_certificate_kinds"]


class TargetField(forms.TypedChoiceField):
    """A wording in force, chosen by id from choices built once per page (not one query per row)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("empty_value", None)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.error_messages["invalid_choice"] = _(
            "Choose a paragraph from the list: the one sent is not a wording that can be changed here."
        )


def target_choices(versions: list[ProvisionVersion]) -> list:
    groups: dict[str, list] = {}
    for version in versions:
        groups.setdefault(version.provision.act.code, []).append((version.pk, version_label(version)))
    return [("", "---------"), *[(_("Order %(code)s") % {"code": code}, items) for code, items in groups.items()]]


class AmendmentRowForm(RowForm):
    action = forms.ChoiceField(
        label=gettext_lazy("What it does"),
        choices=[(a.value, a.label) for a in (Action.REWRITE, Action.ADD, Action.REPEAL)],
        error_messages={
            "required": gettext_lazy("Choose what this row does: rewrites, adds or repeals a paragraph."),
            "invalid_choice": gettext_lazy("Choose: rewrites, adds or repeals a paragraph."),
        },
    )
    target = TargetField(label=gettext_lazy("Paragraph in force"))
    appendix = forms.TypedChoiceField(
        label=gettext_lazy("Appendix"),
        choices=[("", "---------"), *APPENDIX_CHOICES],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=gettext_lazy("For an added paragraph."),
        error_messages={"invalid_choice": gettext_lazy("Choose Appendix 1 or Appendix 2.")},
    )
    accepted_certificate_kinds = certificate_kinds_field()

    class Meta(RowForm.Meta):
        fields = ["action", "target", "appendix", "paragraph", "text", "footnote", "accepted_certificate_kinds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = target_choices(list(self.targets.values()))
        self.fields["target"].widget.attrs["class"] = "js-target"
        self.fields["action"].widget.attrs["class"] = "js-action"
        self.fields["text"].label = _("New wording (verbatim)")
        self.fields["paragraph"].help_text = _("For an added paragraph: its number.")
        if self.instance.pk and self.instance.target_id:
            self.initial["target"] = self.instance.target_id

    def clean_target(self):
        pk = self.cleaned_data.get("target")
        return self.targets.get(pk) if pk else None

    def clean(self):
        data = super().clean()
        action, target = data.get("action"), data.get("target")
        if action in (Action.REWRITE, Action.REPEAL):
            if target is None and not self.has_error("target"):
                self.add_error(
                    "target",
                    _("Choose the paragraph it rewrites.")
                    if action == Action.REWRITE
                    else _("Choose the paragraph it repeals."),
                )
            data["appendix"], data["paragraph"] = (
                (target.provision.appendix, target.provision.paragraph) if target else (None, None)
            )
        if action == Action.REWRITE:
            if not data.get("text") and not self.has_error("text"):
                self.add_error("text", _("Enter the new wording, verbatim."))
            elif target is not None and target.text_recorded and data.get("text") == target.text.strip():
                self.add_error(
                    "text", _("The new wording is the same as the wording in force: change it, or remove this row.")
                )
        if action == Action.REPEAL and (data.get("text") or data.get("footnote")):
            self.add_error(
                "text",
                _("A repealed paragraph has no new wording: clear the wording and footnote, or choose “rewrites”."),
            )
        if action == Action.ADD:
            if target is not None:
                self.add_error(
                    "target",
                    _("An added paragraph replaces nothing: clear this, or choose “rewrites a paragraph”."),
                )
            if not data.get("appendix") and not self.has_error("appendix"):
                self.add_error("appendix", _("Choose the appendix the paragraph is added to."))
            if not data.get("paragraph") and not self.has_error("paragraph"):
                self.add_error("paragraph", _("Give the added paragraph's number."))
            if not data.get("text") and not self.has_error("text"):
                self.add_error("text", _("Enter the added paragraph's wording, verbatim."))
        appendix = data.get("appendix")
        if data.get("accepted_certificate_kinds") and appendix != 2 and action != Action.REPEAL:
            self.add_error(
                "accepted_certificate_kinds",
                _("Certificate kinds belong to criteria of own production (Appendix 2): untick them here."),
            )
        if action == Action.REPEAL:
            data["accepted_certificate_kinds"] = []
        return data

    def save(self, commit=True):
        row = super().save(commit=False)
        row.appendix, row.paragraph = self.cleaned_data.get("appendix"), self.cleaned_data.get("paragraph")
        if commit:
            row.save()
        return row


class WordingRowForm(RowForm):
    target = TargetField(label=gettext_lazy("Wording not recorded"))
    accepted_certificate_kinds = certificate_kinds_field()

    class Meta(RowForm.Meta):
        fields = ["target", "text", "footnote", "accepted_certificate_kinds"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            ("", "---------"),
            *[
                (
                    v.pk,
                    _("%(code)s %(label)s, %(start)s – %(end)s")
                    % {
                        "code": v.provision.act.code,
                        "label": v.provision.label,
                        "start": v.in_force_from_display,
                        "end": v.in_force_until_display,
                    },
                )
                for v in self.targets.values()
            ],
        ]
        self.fields["target"].widget.attrs["class"] = "js-target"
        self.fields["text"].required = True
        self.fields["text"].error_messages["required"] = _("Enter the wording's text, verbatim.")
        self.fields["footnote"].help_text = _("Verbatim, if there is one; empty keeps the footnote recorded now.")
        if self.instance.pk and self.instance.target_id:
            self.initial["target"] = self.instance.target_id

    def clean_target(self):
        pk = self.cleaned_data.get("target")
        return self.targets.get(pk) if pk else None

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target is None and not self.has_error("target"):
            self.add_error("target", _("Choose the wording whose text you enter."))
        if target is not None and data.get("accepted_certificate_kinds") and target.provision.appendix != 2:
            self.add_error(
                "accepted_certificate_kinds",
                _("Certificate kinds belong to criteria of own production (Appendix 2): untick them here."),
            )
        return data

    def save(self, commit=True):
        row = super().save(commit=False)
        row.action = Action.RECORD
        if row.target_id:
            row.appendix, row.paragraph = row.target.provision.appendix, row.target.provision.paragraph
        if commit:
            row.save()
        return row


# --- the row formsets: what holds across rows ------------------------------------------------------------


class RowFormSet(BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": gettext_lazy("A change holds at most %(num)d rows here: enter the rest in a second change."),
        "too_few_forms": gettext_lazy("Enter at least %(num)d row."),
    }

    def kept(self):
        """The rows that will be saved: filled in and not marked for removal."""
        return [
            form
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form) and hasattr(form, "cleaned_data")
        ]

    def _duplicates(self, key, message):
        seen = {}
        for form in self.kept():
            value = key(form.cleaned_data)
            if value is None:
                continue
            if value in seen:
                form.add_error(None, message(value))
            seen[value] = form


class ListRowFormSet(RowFormSet):
    appendix = 1

    def save_new(self, form, commit=True):
        form.instance.appendix = self.appendix
        form.instance.action = Action.ADD
        return super().save_new(form, commit=commit)

    def clean(self):
        super().clean()
        self._duplicates(
            lambda d: d.get("paragraph"),
            lambda n: (
                _("Paragraph %(n)s appears twice in Appendix %(appendix)s: number each paragraph once.")
                % {"n": n, "appendix": self.appendix}
            ),
        )
        kept = self.kept()
        if self.appendix == 1 and not kept:
            raise ValidationError(_("Enter at least one activity: a list without activities cannot be published."))
        if self.appendix == 2:
            sets_none = self.instance.sets_no_own_production_criteria
            if kept and sets_none:
                raise ValidationError(
                    _(
                        "You ticked “this list sets no criteria of own production” and entered criteria: "
                        "untick it, or remove the criteria."
                    )
                )
            if not kept and not sets_none:
                raise ValidationError(
                    _(
                        "Enter the list's criteria of own production (Appendix 2), or, if it sets none, tick "
                        "“this list sets no criteria of own production” above."
                    )
                )
            if kept and not any(form.cleaned_data.get("accepted_certificate_kinds") for form in kept):
                raise ValidationError(
                    _(
                        "Tick, on the paragraph that names them, the certificate kinds these criteria accept: "
                        "otherwise no applicant's goods could ever meet them."
                    )
                )


class CriterionRowFormSet(ListRowFormSet):
    appendix = 2


class AmendmentRowFormSet(RowFormSet):
    def clean(self):
        super().clean()
        kept = self.kept()
        self._duplicates(
            lambda d: (d.get("appendix"), d.get("paragraph")) if d.get("paragraph") else None,
            lambda key: (
                _(
                    "Appendix %(appendix)s, paragraph %(paragraph)s is changed twice in this amendment: "
                    "keep one row for it."
                )
                % {"appendix": key[0], "paragraph": key[1]}
            ),
        )
        if not kept:
            raise ValidationError(
                _("Enter what the amendment changes: at least one paragraph it rewrites, adds or repeals.")
            )
        amends, effective = self.instance.amends, self.instance.effective_from
        if amends is None or effective is None:
            return  # the facts above already say what is missing
        for form in kept:
            data = form.cleaned_data
            if form.errors:
                continue
            if data.get("action") in (Action.REWRITE, Action.REPEAL):
                problem = changes.target_problem(data["action"], data.get("target"), amends, effective)
                if problem:
                    form.add_error("target", problem)
        added = [
            ChangeRow(
                action=Action.ADD, appendix=f.cleaned_data.get("appendix"), paragraph=f.cleaned_data.get("paragraph")
            )
            for f in kept
            if f.cleaned_data.get("action") == Action.ADD and not f.errors
        ]
        for row, problem in changes.added_paragraph_problems(amends, effective, added):
            form = next(
                f
                for f in kept
                if (f.cleaned_data.get("appendix"), f.cleaned_data.get("paragraph")) == (row.appendix, row.paragraph)
            )
            form.add_error("paragraph", problem)
        rows = [
            ChangeRow(
                action=f.cleaned_data["action"],
                target=f.cleaned_data.get("target"),
                appendix=f.cleaned_data.get("appendix"),
            )
            for f in kept
            if not f.errors
        ]
        problem = changes.amendment_leaves_no_activity_problem(amends, effective, rows)
        if problem:
            raise ValidationError(problem)


class WordingRowFormSet(RowFormSet):
    def clean(self):
        super().clean()
        self._duplicates(
            lambda d: d.get("target").pk if d.get("target") else None,
            lambda pk: _("This wording is chosen twice: keep one row for it."),
        )
        if not self.kept():
            raise ValidationError(_("Choose at least one wording not recorded and enter its text."))
        for form in self.kept():
            problem = changes.wording_target_problem(form.cleaned_data.get("target"))
            if problem and not form.has_error("target"):
                form.add_error("target", problem)
