"""Validators for what applicants type: the BIN and the certificate scan."""

import math

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# The scan of a certificate: a PDF of at most 10 MB, judged by its bytes, never by its name or the
# content type the browser sent (both say whatever the client wants).
SCAN_MAX_BYTES = 10 * 1024 * 1024
PDF_MIME = "application/pdf"
# A friendly name for what libmagic says a refused file is.
KNOWN_TYPES = {
    "image/png": gettext_lazy("a PNG image"),
    "image/jpeg": gettext_lazy("a JPEG image"),
    "image/gif": gettext_lazy("a GIF image"),
    "image/tiff": gettext_lazy("a TIFF image"),
    "text/plain": gettext_lazy("a text file"),
    "text/html": gettext_lazy("an HTML page"),
    "application/zip": gettext_lazy("a ZIP archive"),
    "application/msword": gettext_lazy("a Word document"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy("a Word document"),
    "application/x-dosexec": gettext_lazy("a program"),
}


def sniff_mime(file) -> str:
    """What the file's first bytes say it is (libmagic), leaving the file at its start."""
    import magic  # libmagic1 from apt; imported here so that importing this module never needs it

    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    return magic.from_buffer(head, mime=True)


def validate_pdf_scan(file) -> None:
    """A certificate scan: not empty, at most 10 MB, and a PDF by content."""
    size = getattr(file, "size", None) or 0
    if size == 0:
        # Not code "empty": a form's FileField would replace the message with its own for that code.
        raise ValidationError(
            _("The selected file is empty. Choose the PDF scan of the certificate."), code="scan_empty"
        )
    if size > SCAN_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; a scan may be at most 10 MB. Scan at a lower resolution or compress it.")
            % {"size": f"{math.ceil(size * 10 / (1024 * 1024)) / 10:.1f}"},  # rounded up: never "10.0 MB, too large"
            code="too_large",
        )
    mime = sniff_mime(file)
    if mime == PDF_MIME:
        return
    what = KNOWN_TYPES.get(mime)
    name = getattr(file, "name", "") or ""
    if name.lower().endswith(".pdf"):
        raise ValidationError(
            _(
                "“%(name)s” is named like a PDF, but its content is not a PDF (it is %(what)s). "
                "Upload the scan as a PDF."
            )
            % {"name": name, "what": what or mime},
            code="renamed",
        )
    raise ValidationError(
        _("The scan must be a PDF; this file is %(what)s. Save or export the scan as PDF and upload it again.")
        % {"what": what or mime},
        code="not_pdf",
    )


def validate_single_line(value: str) -> None:
    """A one-line field (a name, a number, a phone): no line break, tab or other control character. Such text ends
    up in e-mail subjects, letters' headings and exports, where a line break would break them."""
    if any(ord(c) < 32 or c in "\x7f\x85\u2028\u2029" for c in value or ""):
        raise ValidationError(
            _("Type this on one line: line breaks and other control characters are not allowed here."),
            code="single_line",
        )
