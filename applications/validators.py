"""Validators for what applicants type: the BIN and the certificate scan."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEIGHTS_FIRST = tuple(range(1, 12))
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def bin_check_digit(first_eleven: str) -> int | None:
    """The check digit of a BIN's first 11 digits (decree 565 of 11.06.2003), or None if there is none."""
    digits = [int(c) for c in first_eleven]
    for weights in (WEIGHTS_FIRST, WEIGHTS_SECOND):
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            return check
    return None


def validate_bin(value: str) -> None:
    """A BIN: 12 digits, month 01-12 in digits 3-4, and a matching 12th (check) digit."""
    value = value or ""
    if not value.isdigit() or not value.isascii():
        raise ValidationError(_("A BIN has digits only (12 of them)."), code="bin_digits")
    if len(value) != 12:
        raise ValidationError(
            _("A BIN has exactly 12 digits; this one has %(count)d.") % {"count": len(value)}, code="bin_length"
        )
    month = int(value[2:4])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("Digits 3-4 of a BIN are the month of registration (01-12), not %(month)s.") % {"month": value[2:4]},
            code="bin_month",
        )
    expected = bin_check_digit(value[:11])
    if expected is None:
        raise ValidationError(
            _("This BIN cannot be valid: its first 11 digits give no check digit. Check for a typing error."),
            code="bin_no_check_digit",
        )
    if int(value[11]) != expected:
        raise ValidationError(
            _("The check digit (the 12th) does not match the first 11 digits. Check for a typing error."),
            code="bin_check_digit",
        )
