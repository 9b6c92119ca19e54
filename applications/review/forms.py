"""Forms of the reviewers' pages. They parse input; the rules live in review/services.py and permissions.py."""

import datetime

import magic
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from ..models import CertificateKind, Export, Organisation, Outcome, Status
from .selectors import ALL, OPEN, SORTS
from .services import MAX_BATCH, TICK, VERIFY, Check

MAX_SCAN_BYTES = 10 * 1024 * 1024
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]


class DDMMYYYYField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", DATE_INPUT_FORMATS)
        kwargs.setdefault("widget", forms.DateInput(format="%d.%m.%Y", attrs={"placeholder": _("DD.MM.YYYY")}))
        kwargs.setdefault("error_messages", {"invalid": _("Enter a date as DD.MM.YYYY, e.g. 31.12.2025.")})
        super().__init__(**kwargs)


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

    def more_filters(self):
        """The fields shown under "More filters"."""
        return [self[name] for name in self.MORE]

    @property
    def more_used(self) -> bool:
        return any(self.data.get(name) for name in self.MORE)


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
            raise forms.ValidationError(_("The page is out of date; reload it.")) from error


class TakeForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=_(
            "I declare that I have no conflict of interest with this organisation: I am not its member, employee, "
            "founder or relative of one, and have no interest in the outcome."
        ),
        required=False,
    )


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Assign to"), queryset=get_user_model().objects.none())

    def __init__(self, *args, reviewers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reviewers is not None:
            self.fields["reviewer"].queryset = reviewers


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
        self.fields["note"] = forms.CharField(
            label=note_label, required=False, widget=forms.Textarea(attrs={"rows": 2})
        )

    @property
    def choice(self):
        return self[self.choice_name]


class RequestChangesForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the applicant: what should they change?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    seen = SeenField()


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Outcome.APPROVED, _("Approve")), (Outcome.REJECTED, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons (sent to the applicant; required for a rejection)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    seen = SeenField()


class InternalNoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note (staff only)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note.")},
    )


class ApplicantMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the applicant"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the message.")},
    )


class ReceivedStartForm(forms.Form):
    """Step 1 of registering an application received by another channel: whose, and when received."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.order_by("name"))
    received_on = DDMMYYYYField(label=_("Received on (the reference date)"))


class ReceivedDetailsForm(forms.Form):
    """Step 2: the answers given on paper. One explanation field per activity in force on the date."""

    eligibility_declared = forms.BooleanField(
        label=_(
            "The applicant declared every eligibility condition (legal entity, state share below 50%, not a "
            "subsoil user, not in a special economic zone, no excisable goods, no branches)."
        ),
        required=False,
    )
    sells_own_goods = forms.BooleanField(label=_("The company sells goods it produces"), required=False)
    certificate_kind = forms.ChoiceField(
        label=_("Certificate kind"), required=False, choices=[("", "—"), *CertificateKind.choices]
    )
    certificate_number = forms.CharField(label=_("Certificate number"), required=False, max_length=64)
    certificate_issued_on = DDMMYYYYField(label=_("Issued on"), required=False)
    certificate_valid_until = DDMMYYYYField(label=_("Valid until"), required=False)
    certificate_issuer = forms.CharField(label=_("Issued by"), required=False, max_length=255)
    certificate_goods = forms.CharField(
        label=_("Goods covered"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    certificate_scan = forms.FileField(label=_("Scan (PDF)"), required=False)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = list(activities)
        for version in self.activities:
            self.fields[f"explanation_{version.provision_id}"] = forms.CharField(
                label=str(version.provision.label), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

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
        if data.get("sells_own_goods"):
            needed = [
                "certificate_kind",
                "certificate_number",
                "certificate_issued_on",
                "certificate_valid_until",
                "certificate_issuer",
                "certificate_goods",
                "certificate_scan",
            ]
            for name in needed:
                if not data.get(name):
                    self.add_error(name, _("Required when the company sells goods it produces."))
            scan = data.get("certificate_scan")
            if scan:
                head = scan.read(2048)
                scan.seek(0)
                if magic.from_buffer(head, mime=True) != "application/pdf":
                    self.add_error("certificate_scan", _("The scan must be a PDF document: this file is not one."))
                elif scan.size > MAX_SCAN_BYTES:
                    self.add_error("certificate_scan", _("The scan is larger than 10 MB."))
            issued, until = data.get("certificate_issued_on"), data.get("certificate_valid_until")
            if issued and until and until < issued:
                self.add_error("certificate_valid_until", _("“Valid until” cannot be before “issued on”."))
        return data

    def certificates(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("sells_own_goods"):
            return []
        return [
            {
                "kind": data["certificate_kind"],
                "number": data["certificate_number"].strip(),
                "issued_on": data["certificate_issued_on"],
                "valid_until": data["certificate_valid_until"],
                "issuer": data["certificate_issuer"],
                "goods": data["certificate_goods"],
                "scan": data["certificate_scan"],
            }
        ]


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
