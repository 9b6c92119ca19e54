"""Forms of the reviewers' pages. They parse input; the rules live in review/services.py and permissions.py."""

import datetime
from html import escape

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import format_date

from ..applicant.forms import CertificateForm, DDMMYYYYField
from ..models import TEXT_MAX, Export, Organisation, Outcome, Status
from ..permissions import assignable_reviewers
from .selectors import ALL, OPEN, SORTS
from .services import MAX_BATCH, NO_CONFLICT_STATEMENT, TICK, VERIFY, Check


def options_html(choices, chosen: str) -> SafeString:
    """The <option> elements of a select, escaped as Django's escape does (html.escape), in one pass: the queue's
    selects offer about 130 options (the activities, the reviewers twice), which a template loop, or format_html
    an option, renders several times slower."""
    options = []
    for value, label in choices:
        selected = " selected" if str(value) == chosen else ""
        options.append(f'<option value="{escape(str(value))}"{selected}>{escape(str(label))}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value and label escaped above


def text_field(label, *, rows: int, required_message=None, max_length: int = TEXT_MAX) -> forms.CharField:
    """A box for words, at most `max_length` characters; required when `required_message` says what to write."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required_message is not None,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required_message} if required_message else None,
    )


class QueueFilterForm(forms.Form):
    """The queue's filters, all in the URL so that a view can be bookmarked."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[(OPEN, _("Awaiting the park (submitted or in review)")), (ALL, _("Any status"))]
        + [(value, label) for value, label in Status.choices if value != Status.DRAFT],
    )
    assigned = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[("anyone", _("Anyone")), ("me", _("To me")), ("unassigned", _("Unassigned"))],
    )
    activity = forms.ChoiceField(label=_("Activity claimed"), required=False)
    submitted_from = DDMMYYYYField(label=_("Submitted from"), required=False)
    submitted_to = DDMMYYYYField(label=_("Submitted to"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    catalog_changed = forms.BooleanField(label=_("Affected by a catalog change"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[(k, v[0]) for k, v in SORTS.items()])
    per_page = forms.TypedChoiceField(
        label=_("Per page"), required=False, coerce=int, choices=[(25, "25"), (50, "50"), (100, "100")], empty_value=25
    )
    due_from = DDMMYYYYField(label=_("Due from"), required=False)
    due_to = DDMMYYYYField(label=_("Due to"), required=False)
    decided_from = DDMMYYYYField(label=_("Decided from"), required=False)
    decided_to = DDMMYYYYField(label=_("Decided to"), required=False)
    decided_by = forms.ChoiceField(label=_("Decided by"), required=False)

    # Pairs of dates that make a period: (start, end).
    PERIODS = [("submitted_from", "submitted_to"), ("due_from", "due_to"), ("decided_from", "decided_to")]
    MORE = ["due_from", "due_to", "decided_from", "decided_to", "decided_by"]

    def __init__(self, *args, activity_choices=(), reviewer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", _("Any activity")), *activity_choices]
        self.fields["assigned"].choices = [*self.fields["assigned"].choices, *reviewer_choices]
        self.fields["decided_by"].choices = [("", _("Anyone")), ("me", _("Me")), *reviewer_choices]

    def clean(self):
        data = super().clean()
        for start_name, end_name in self.PERIODS:
            start, end = data.get(start_name), data.get(end_name)
            if start and end and end < start:
                self.add_error(end_name, _("The end of the period is before its start."))
        return data

    SELECTS = ["status", "assigned", "activity", "sort", "per_page"]

    def _options(self, name: str) -> SafeString:
        return options_html(self.fields[name].choices, str(self[name].value()))

    @property
    def selects(self) -> list[tuple]:
        """The selects of the first row of filters, in the form's order, each with its options."""
        return [(self[name], self._options(name)) for name in self.fields if name in self.SELECTS]

    @property
    def decided_by_options(self) -> SafeString:
        return self._options("decided_by")

    def more_filters(self):
        """The fields shown under "More filters"."""
        return [self[name] for name in self.MORE]

    @property
    def more_used(self) -> bool:
        return any(self.data.get(name) for name in self.MORE)


OUT_OF_DATE = _("The page is out of date; reload it.")


class SeenField(forms.CharField):
    """When the reviewer's page was drawn: the application's `updated_at`, to refuse acting on a stale page."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError as error:
            raise forms.ValidationError(OUT_OF_DATE) from error


class ScreenForm(forms.Form):
    """A form of the review screen, made for one application (whose data some of them need)."""

    def __init__(self, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application


class TakeForm(ScreenForm):
    """Taking an application, or declaring on one: the reviewer confirms the statement of no conflict."""

    no_conflict = forms.BooleanField(label=NO_CONFLICT_STATEMENT, required=False)


class AssignForm(ScreenForm):
    """The reviewers a lead may assign: permissions.assignable_reviewers (never a member of the applicant)."""

    reviewer = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = assignable_reviewers(self.application)


class CheckForm(forms.Form):
    """A reviewer's check of one item (review/services.Check): ticking a claimed activity or verifying a
    certificate. The choice is named as the item's field ("verdict", "verification"), then a note."""

    LABELS = {
        TICK: (_("Verdict"), _("Internal note (required for not confirmed)")),
        VERIFY: (_("Verification"), _("Internal note (required for rejected)")),
    }

    def __init__(self, *args, check: Check, **kwargs):
        super().__init__(*args, **kwargs)
        label, note_label = self.LABELS[check]
        self.choice_name = check.fields[0]
        choices = dict(check.model._meta.get_field(self.choice_name).choices)
        self.fields[self.choice_name] = forms.ChoiceField(
            label=label,
            choices=[(value, choices[value]) for value in (check.passed, check.failed)],
            widget=forms.RadioSelect,
        )
        self.fields["note"] = text_field(note_label, rows=2)

    @property
    def choice(self):
        return self[self.choice_name]


class RequestChangesForm(ScreenForm):
    message = text_field(_("Message to the applicant: what should they change?"), rows=4)
    seen = SeenField()


class DecisionForm(ScreenForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Outcome.APPROVED, _("Approve")), (Outcome.REJECTED, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reasons = text_field(_("Reasons (sent to the applicant; required for a rejection)"), rows=4)
    seen = SeenField()


class InternalNoteForm(ScreenForm):
    body = text_field(_("Internal note (staff only)"), rows=3, required_message=_("Write the note."))


class ApplicantMessageForm(ScreenForm):
    body = text_field(_("Message to the applicant"), rows=3, required_message=_("Write the message."))


class ReceivedStartForm(forms.Form):
    """Step 1 of registering an application received by another channel: whose, and when received."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.order_by("name"))
    received_on = DDMMYYYYField(label=_("Received on (the reference date)"))

    def clean_received_on(self):
        # Here, on step 1, so that step 2 is never filled in for a date the service would refuse.
        received_on = self.cleaned_data["received_on"]
        today = timezone.localdate()
        if received_on > today:
            raise forms.ValidationError(
                gettext("The date received cannot be in the future: today is %(today)s.")
                % {"today": format_date(today)}
            )
        return received_on


class ReceivedDetailsForm(forms.Form):
    """Step 2: the answers given on paper. One explanation field per activity in force on the date, and the
    certificate of own production as the applicant adds one (applicant/forms.CertificateForm, its fields
    named "certificate_<field>"), checked only when the company sells goods it produces."""

    eligibility_declared = forms.BooleanField(
        label=_(
            "The applicant declared every eligibility condition (legal entity, state share below 50%, not a "
            "subsoil user, not in a special economic zone, no excisable goods, no branches)."
        ),
        required=False,
    )
    sells_own_goods = forms.BooleanField(label=_("The company sells goods it produces"), required=False)

    def __init__(self, data=None, files=None, *, activities=(), received_on=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.certificate = CertificateForm(data, files, prefix="certificate", reference_date=received_on)
        self.activities = list(activities)
        for version in self.activities:
            self.fields[f"explanation_{version.provision_id}"] = text_field(str(version.provision.label), rows=2)

    def activity_fields(self):
        return [(version, self[f"explanation_{version.provision_id}"]) for version in self.activities]

    def explanations(self) -> dict[int, str]:
        return {
            version.provision_id: self.cleaned_data[f"explanation_{version.provision_id}"]
            for version in self.activities
            if self.cleaned_data.get(f"explanation_{version.provision_id}", "").strip()
        }

    def clean(self):
        data = super().clean()
        if not any(data.get(f"explanation_{v.provision_id}", "").strip() for v in self.activities):
            raise forms.ValidationError(_("Enter what the company does for at least one activity it claims."))
        if data.get("sells_own_goods") and not self.certificate.is_valid():
            raise forms.ValidationError(_("Complete the certificate of own production: see the fields marked below."))
        return data

    def certificates(self) -> list[dict]:
        """The certificate to attach (review/services.application_register_received), if goods are sold."""
        return [self.certificate.cleaned_data] if self.cleaned_data.get("sells_own_goods") else []


class ReferencesField(forms.Field):
    """The references of the rows ticked in the queue (checkboxes of one name)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return [str(item).strip()[:40] for item in value if str(item).strip()]

    def validate(self, value):
        if not value:
            raise forms.ValidationError(_("Select at least one application."))
        if len(value) > MAX_BATCH:
            raise forms.ValidationError(_("Select at most %(n)s applications at a time.") % {"n": MAX_BATCH})


class BatchForm(forms.Form):
    """The queue's batch actions on the ticked rows: take them, or (a lead reviewer) assign them to a reviewer."""

    action = forms.ChoiceField(
        choices=[("take", _("Take into review")), ("assign", _("Assign"))],
        error_messages={"required": _("Choose what to do."), "invalid_choice": _("Choose what to do.")},
    )
    references = ReferencesField()
    reviewer = forms.ChoiceField(label=_("Assign to"), required=False)
    no_conflict = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with any of the selected organisations: I am not a "
            "member, employee, founder or relative of one, and have no interest in the outcome."
        ),
        required=False,
    )
    # The queue's filters, to go back to the same list.
    back = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)

    def __init__(self, *args, reviewer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = [("", _("Choose a reviewer")), *reviewer_choices]

    @property
    def reviewer_options(self) -> SafeString:
        return options_html(self.fields["reviewer"].choices, str(self["reviewer"].value()))

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("reviewer"):
            self.add_error("reviewer", _("Choose the reviewer to assign them to."))
        return data


class ExportForm(forms.Form):
    """Which decisions to export, filtered like the queue, and in which format."""

    decided_from = DDMMYYYYField(label=_("Decided from"))
    decided_to = DDMMYYYYField(label=_("Decided to"))
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[
            (ALL, _("Approved or rejected")),
            (Outcome.APPROVED, _("Approved")),
            (Outcome.REJECTED, _("Rejected")),
        ],
    )
    q = forms.CharField(label=_("Reference, BIN or name"), required=False, max_length=100)
    activity = forms.ChoiceField(label=_("Activity claimed"), required=False)
    decided_by = forms.ChoiceField(label=_("Decided by"), required=False)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=Export.Format.choices,
        initial=Export.Format.XLSX,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, activity_choices=(), reviewer_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].choices = [("", _("Any activity")), *activity_choices]
        self.fields["decided_by"].choices = [("", _("Anyone")), ("me", _("Me")), *reviewer_choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("decided_from"), data.get("decided_to")
        if start and end and end < start:
            self.add_error("decided_to", _("The end of the period is before its start."))
        return data


class PreferenceForm(forms.Form):
    digest_only = forms.TypedChoiceField(
        label=_("How do you want to be told?"),
        coerce=lambda value: value == "digest",
        choices=[
            (
                "immediate",
                _("An e-mail for each update (assigned to me, resubmitted, withdrawn…), and the daily digest"),
            ),
            ("digest", _("Only the daily digest, which then also lists the updates since the last one")),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose one."), "invalid_choice": _("Choose one.")},
    )
