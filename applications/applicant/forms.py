"""Forms parse and validate what applicants type. They hold no workflow rules: services decide what may change."""

import calendar
import datetime
import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog.models import format_date

from ..models import ADDRESS_MAX, TEXT_MAX, Application, Certificate, Organisation
from ..validators import validate_bin, validate_pdf_scan
from .accounts import password_reset_request
from .services import normalise_email

User = get_user_model()

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def yes_no_initial(value: bool | None) -> str | None:
    return {True: "yes", False: "no"}.get(value)


def as_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


# Accounts ---------------------------------------------------------------------------------------------


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with the e-mail address (the username), in any letter case."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": gettext_lazy(
            "The e-mail address or password is not right. Check both (the password is case-sensitive)."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "inputmode": "email"})
        # Each refusal names its field (not Django's "This field is required.").
        self.fields["username"].error_messages["required"] = _("Enter your e-mail address.")
        self.fields["password"].error_messages["required"] = _("Enter your password.")

    def clean_username(self):
        return normalise_email(self.cleaned_data.get("username", ""))


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=150,  # it is the username too
        help_text=gettext_lazy("You will log in with it; password resets are sent to it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": gettext_lazy("Enter your e-mail address.")},
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html,
        error_messages={"required": gettext_lazy("Choose a password.")},
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": gettext_lazy("Type the password again.")},
    )

    def clean_email(self):
        # Whether the address has an account is never said here (accounts.account_sign_up tells its owner).
        return normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            email = cleaned.get("email") or ""
            try:
                password_validation.validate_password(password1, User(username=email, email=email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; saving it writes the e-mail to the outbox after the response, never in the request."""

    def save(self, *args, **kwargs):
        password_reset_request(email=self.cleaned_data["email"])


# Organisations -----------------------------------------------------------------------------------------

phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-]{7,20}$",
    gettext_lazy("Enter a phone number of digits, spaces, brackets or dashes, e.g. +7 7172 123456."),
)


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "bin", "legal_address", "director", "contact_email", "contact_phone"]
        # The others are the model's own names ("BIN", "Legal address", "Contact e-mail"...).
        labels = {"name": gettext_lazy("Name of the organisation"), "director": gettext_lazy("Director (full name)")}
        help_texts = {
            "name": gettext_lazy("As registered, e.g. Steppe Software LLP."),
            "bin": gettext_lazy("The business identification number: 12 digits, e.g. 940140000385."),
        }
        widgets = {
            "legal_address": forms.Textarea(attrs={"rows": 2}),
            "bin": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        error_messages = {
            "name": {"required": gettext_lazy("Enter the name of the organisation.")},
            "bin": {"required": gettext_lazy("Enter the BIN.")},
            "legal_address": {"required": gettext_lazy("Enter the legal address.")},
            "director": {"required": gettext_lazy("Enter the director's name.")},
            "contact_email": {"required": gettext_lazy("Enter a contact e-mail address.")},
            "contact_phone": {"required": gettext_lazy("Enter a contact phone number.")},
        }

    def __init__(self, *args, bin_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_phone"].validators.append(phone_validator)
        address = self.fields["legal_address"]
        address.max_length = ADDRESS_MAX
        address.validators.append(MaxLengthValidator(ADDRESS_MAX))
        address.widget.attrs["maxlength"] = str(ADDRESS_MAX)
        # Spaces typed between groups of digits are removed (clean_bin), so the length is checked after that.
        self.fields["bin"].validators = []
        self.fields["bin"].max_length = None
        self.fields["bin"].widget.attrs["maxlength"] = "16"
        if not bin_editable:
            self.fields["bin"].disabled = True
            self.fields["bin"].help_text = _(
                "The BIN cannot be changed after an application has been submitted. Contact the park to correct it."
            )

    def clean_bin(self):
        value = re.sub(r"\s", "", self.cleaned_data.get("bin") or "")
        validate_bin(value)  # here, so that only its one precise message is shown, not also a length message
        return value


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address of the person to invite"),
        max_length=150,  # an account's address (its username) is at most this long
        help_text=gettext_lazy("They can then see and change this organisation's applications."),
        error_messages={"required": gettext_lazy("Enter the e-mail address of the person to invite.")},
    )


# Application steps -------------------------------------------------------------------------------------


ELIGIBILITY_HINTS = {
    "is_legal_entity": gettext_lazy("Individual entrepreneurs cannot apply."),
    # xgettext:no-python-format
    "state_share_below_50": gettext_lazy("A company 50% or more owned by the state cannot apply."),
    "not_subsoil_user": gettext_lazy("Subsoil users cannot apply."),
    "not_sez_participant": gettext_lazy("Participants of a special economic zone cannot apply."),
    "no_excisable_goods": gettext_lazy("Producers of excisable goods cannot apply."),
    "no_branches": gettext_lazy("A company with branches at registration cannot apply."),
}


class EligibilityForm(forms.Form):
    """Six declarations, each phrased so that "yes" means the company can apply."""

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Application.ELIGIBILITY_FIELDS:
            statement = Application._meta.get_field(name).verbose_name
            self.fields[name] = forms.ChoiceField(
                label=statement,
                help_text=ELIGIBILITY_HINTS[name],
                choices=YES_NO,
                widget=forms.RadioSelect,
                initial=yes_no_initial(getattr(application, name)),
                error_messages={
                    "required": _("Select yes or no: “%(statement)s”.") % {"statement": statement},
                },
            )

    def answers(self) -> dict[str, bool]:
        """The answers given, even when others are missing (a draft keeps what was typed)."""
        data = getattr(self, "cleaned_data", {})
        return {name: as_bool(data[name]) for name in Application.ELIGIBILITY_FIELDS if data.get(name)}


class ActivitiesForm(forms.Form):
    """A tick and an explanation for each activity of Appendix 1 in force on the reference date."""

    def __init__(self, *args, versions, claims, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = list(versions)
        chosen = {claim.provision_id: claim.explanation for claim in claims}
        for version in self.versions:
            pid = version.provision_id
            self.fields[f"tick_{pid}"] = forms.BooleanField(
                label=_("The company carries on paragraph %(n)s") % {"n": version.provision.paragraph},
                required=False,
                initial=pid in chosen,
            )
            self.fields[f"explanation_{pid}"] = forms.CharField(
                label=_("What the company does in this activity: its main products or services"),
                required=False,
                max_length=TEXT_MAX,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=chosen.get(pid, ""),
            )

    def rows(self):
        """(version, tick field, explanation field) for the template."""
        return [
            (version, self[f"tick_{version.provision_id}"], self[f"explanation_{version.provision_id}"])
            for version in self.versions
        ]

    def clean(self):
        cleaned = super().clean()
        ticked = 0
        for version in self.versions:
            pid, n = version.provision_id, version.provision.paragraph
            tick, explanation = cleaned.get(f"tick_{pid}"), (cleaned.get(f"explanation_{pid}") or "").strip()
            if tick:
                ticked += 1
                if not explanation:
                    self.add_error(
                        f"explanation_{pid}",
                        _("Explain what the company does in paragraph %(n)s: its main products or services.")
                        % {"n": n},
                    )
            elif explanation:
                self.add_error(
                    f"tick_{pid}",
                    _("Tick paragraph %(n)s if the company carries it on, or clear its explanation.") % {"n": n},
                )
        if not ticked:
            raise forms.ValidationError(_("Choose at least one activity the company carries on."), code="none")
        return cleaned

    def choices(self) -> dict[int, str]:
        """The ticked activities with their explanations as typed (possibly empty): a draft keeps them."""
        data = getattr(self, "cleaned_data", {})
        return {
            version.provision_id: (data.get(f"explanation_{version.provision_id}") or "").strip()
            for version in self.versions
            if data.get(f"tick_{version.provision_id}")
        }


class GoodsForm(forms.Form):
    sells_own_goods = forms.ChoiceField(
        label=gettext_lazy("Does the company sell goods it produces?"),
        help_text=gettext_lazy(
            "For example devices or equipment it manufactures. If it does, each kind of goods needs a certificate "
            "of own production: a certificate of origin in form “ST-KZ” or an industrial certificate."
        ),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Select yes if the company sells goods it produces, or no.")},
    )

    def value(self) -> bool:
        return as_bool(self.cleaned_data["sells_own_goods"])


class DateInput(forms.DateInput):
    """Dates typed as DD.MM.YYYY, the product's one date format (YYYY-MM-DD is accepted too: config/formats)."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": gettext_lazy("DD.MM.YYYY"),
                "inputmode": "numeric",
                "autocomplete": "off",
                **(attrs or {}),
            },
            format="%d.%m.%Y",
        )


# A date written in one of the accepted shapes (DD.MM.YYYY, or YYYY-MM-DD), whatever its numbers.
DMY_SHAPE = re.compile(r"^\s*(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4})\s*$")
ISO_SHAPE = re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})\s*$")


def impossible_date_message(value: str) -> str | None:
    """For a value written in the right shape whose day or month does not exist (31.02.2025, 01.13.2025),
    the sentence that says so; None for anything else (a real date, or a value of another shape)."""
    match = DMY_SHAPE.match(value or "") or ISO_SHAPE.match(value or "")
    if not match:
        return None
    day, month, year = (int(match[name]) for name in ("day", "month", "year"))
    if not 1 <= month <= 12:
        return _("There is no month %(month)s: a month is 01 to 12.") % {"month": match["month"]}
    if year < 1:
        return _("There is no year %(year)s.") % {"year": match["year"]}
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        return _("The day %(date)s does not exist: that month has %(last)s days.") % {
            "date": f"{day:02d}.{month:02d}.{year:04d}",
            "last": last,
        }
    return None


class DDMMYYYYField(forms.DateField):
    """A date typed as DD.MM.YYYY: every date field of the product's forms. A date of the right shape whose day
    or month does not exist is told so, not "enter a date as DD.MM.YYYY"."""

    widget = DateInput
    default_error_messages = {"invalid": gettext_lazy("Enter a date as DD.MM.YYYY, e.g. 31.12.2025.")}

    def to_python(self, value):
        if isinstance(value, str):
            message = impossible_date_message(value)
            if message:
                raise forms.ValidationError(message, code="impossible")
        return super().to_python(value)


class ScanField(forms.FileField):
    """A certificate's scan, judged by validators.validate_pdf_scan alone (empty, too large, not a PDF by its
    bytes), so that every refusal is said in its words."""

    default_validators = [validate_pdf_scan]

    def __init__(self, **kwargs):
        super().__init__(
            allow_empty_file=True,  # an empty file is refused by validate_pdf_scan, in its own words
            widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
            **kwargs,
        )


# Dates no certificate of own production can have: none was issued before the Republic of Kazakhstan's
# certificates existed (we refuse dates before 01.01.1991: a typing error such as 1024 for 2024), and none is
# valid for more than 50 years from the reference date (9999 is a placeholder, not a date). A date between
# is accepted; one on which the certificate is not valid is only warned about (Certificate.validity_warning).
CERTIFICATES_FROM = datetime.date(1991, 1, 1)
CERTIFICATE_MAX_YEARS = 50


def latest_valid_until(reference_date: datetime.date) -> datetime.date:
    """The last credible "valid until": the reference date plus CERTIFICATE_MAX_YEARS years (28.02 for 29.02)."""
    year = reference_date.year + CERTIFICATE_MAX_YEARS
    return reference_date.replace(
        year=year, day=min(reference_date.day, calendar.monthrange(year, reference_date.month)[1])
    )


class CertificateForm(forms.ModelForm):
    """A certificate of own production with its scan: added by the applicant, or by staff registering an
    application received on paper (there with the prefix "certificate", its fields "certificate_<name>")."""

    scan = ScanField(
        label=gettext_lazy("Scan of the certificate (PDF, at most 10 MB)"),
        error_messages={"required": gettext_lazy("Choose the PDF scan of the certificate.")},
    )

    class Meta:
        model = Certificate
        fields = ["kind", "number", "issued_on", "valid_until", "issuer", "goods"]
        # The others are the model's own names ("Issued on", "Valid until", "Issued by").
        labels = {
            "kind": gettext_lazy("Kind of certificate"),
            "number": gettext_lazy("Certificate number"),
            "goods": gettext_lazy("Goods the certificate covers"),
        }
        help_texts = {
            "issued_on": gettext_lazy("DD.MM.YYYY, e.g. 15.03.2024"),
            "valid_until": gettext_lazy("DD.MM.YYYY, e.g. 14.03.2027"),
            "issuer": gettext_lazy("E.g. the regional Chamber of Entrepreneurs."),
        }
        field_classes = {"issued_on": DDMMYYYYField, "valid_until": DDMMYYYYField}
        widgets = {"kind": forms.RadioSelect, "goods": forms.Textarea(attrs={"rows": 2})}
        error_messages = {
            "kind": {"required": gettext_lazy("Select the kind of certificate.")},
            "number": {"required": gettext_lazy("Enter the certificate number.")},
            "issued_on": {
                "required": gettext_lazy("Enter the date of issue."),
                "invalid": gettext_lazy("Enter the date of issue as DD.MM.YYYY, e.g. 15.03.2024."),
            },
            "valid_until": {
                "required": gettext_lazy("Enter the date the certificate is valid until."),
                "invalid": gettext_lazy("Enter the date as DD.MM.YYYY, e.g. 14.03.2027."),
            },
            "issuer": {"required": gettext_lazy("Enter who issued the certificate.")},
            "goods": {"required": gettext_lazy("Enter the goods the certificate covers.")},
        }

    def __init__(self, *args, reference_date: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # The kind is a choice between two; Django would add an empty "---------" radio.
        self.fields["kind"].choices = [c for c in self.fields["kind"].choices if c[0]]
        self.reference_date = reference_date

    def add_prefix(self, field_name):
        return f"{self.prefix}_{field_name}" if self.prefix else field_name

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on < CERTIFICATES_FROM:
            raise forms.ValidationError(
                _("No certificate of own production was issued before %(date)s: check the year.")
                % {"date": format_date(CERTIFICATES_FROM)}
            )
        if issued_on > timezone.localdate():
            raise forms.ValidationError(_("The date of issue cannot be in the future."))
        return issued_on

    def clean_valid_until(self):
        valid_until = self.cleaned_data["valid_until"]
        latest = latest_valid_until(self.reference_date or timezone.localdate())
        if valid_until < CERTIFICATES_FROM:
            raise forms.ValidationError(
                _("No certificate of own production was valid before %(date)s: check the year.")
                % {"date": format_date(CERTIFICATES_FROM)}
            )
        if valid_until > latest:
            raise forms.ValidationError(
                _(
                    "A certificate valid after %(date)s (%(years)s years from the reference date) is not credible: "
                    "check the year."
                )
                % {"date": format_date(latest), "years": CERTIFICATE_MAX_YEARS}
            )
        return valid_until


class DeclarationForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy(
            "I confirm that the information in this application is true and complete, and that I may submit it "
            "on behalf of the organisation."
        ),
        error_messages={"required": gettext_lazy("Confirm the statement of truth to submit the application.")},
    )
