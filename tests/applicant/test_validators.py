"""The BIN check digit (property-based, hypothesis) and the certificate scan checked by its content."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from applications.validators import SCAN_MAX_BYTES, bin_check_digit, validate_bin, validate_pdf_scan
from tests.factories import PDF_BYTES

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


def message_of(value) -> tuple[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate_bin(value)
    return caught.value.code, caught.value.messages[0]


# Eleven digits whose months (digits 3-4) are real months, as every real BIN's are.
first_eleven = st.builds(
    lambda yy, mm, rest: f"{yy:02d}{mm:02d}{rest}",
    st.integers(0, 99),
    st.integers(1, 12),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)


@given(first_eleven)
@example("94014000038")  # the public examples of DESIGN.md
@example("99014000465")
def test_bins_built_with_the_check_digit_always_pass(first):
    check = bin_check_digit(first)
    if check is None:
        code, message = message_of(first + "0")
        assert code == "bin_no_check_digit"
        assert "give no check digit" in message
        return
    validate_bin(first + str(check))


@given(first_eleven, st.integers(1, 9))
def test_any_other_check_digit_always_fails(first, shift):
    check = bin_check_digit(first)
    wrong = ((check if check is not None else 0) + shift) % 10
    code, message = message_of(first + str(wrong))
    if check is None:
        assert code == "bin_no_check_digit"
    else:
        assert code == "bin_check_digit"
        assert message == "The check digit (the 12th) does not match the first 11 digits. Check for a typing error."


@given(st.text(alphabet="0123456789", min_size=0, max_size=30).filter(lambda s: len(s) != 12))
def test_wrong_length_says_how_many_digits_there_are(digits):
    code, message = message_of(digits)
    if digits:
        assert code == "bin_length"
        assert message == f"A BIN has exactly 12 digits; this one has {len(digits)}."
    else:
        assert code == "bin_digits"


@given(st.text(min_size=1, max_size=14).filter(lambda s: not (s.isdigit() and s.isascii())))
def test_anything_but_digits_is_refused_as_such(text):
    code, message = message_of(text)
    assert code == "bin_digits"
    assert message == "A BIN has digits only (12 of them)."


@given(st.text(alphabet="0123456789", min_size=2, max_size=2), st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_a_month_outside_01_to_12_is_named(yy, rest):
    value = f"{yy}13{rest}"
    code, message = message_of(value)
    assert code == "bin_month"
    assert message == "Digits 3-4 of a BIN are the month of registration (01-12), not 13."


def test_the_public_examples():
    validate_bin("940140000385")
    validate_bin("990140004654")
    assert message_of("940140000386")[0] == "bin_check_digit"
    assert message_of("9401400003８5")[0] == "bin_digits"  # a full-width digit is not an ASCII digit


# The scan ---------------------------------------------------------------------------------------------


def test_a_pdf_passes_whatever_it_is_called():
    validate_pdf_scan(SimpleUploadedFile("scan.bin", PDF_BYTES, content_type="application/octet-stream"))


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("photo.png", PNG_BYTES, "The scan must be a PDF; this file is a PNG image."),
        ("scan.pdf", PNG_BYTES, "“scan.pdf” is named like a PDF, but its content is not a PDF (it is a PNG image)."),
        ("notes.pdf", b"Just some text pretending to be a PDF\n", "(it is a text file)"),
        ("empty.pdf", b"", "The selected file is empty."),
    ],
)
def test_anything_but_a_pdf_is_refused_with_what_it_is(name, content, expected):
    with pytest.raises(ValidationError) as caught:
        validate_pdf_scan(SimpleUploadedFile(name, content, content_type="application/pdf"))
    assert expected in caught.value.messages[0]


def test_a_scan_over_10_mb_is_refused_before_its_content_is_read():
    upload = SimpleUploadedFile("big.pdf", PDF_BYTES, content_type="application/pdf")
    upload.size = SCAN_MAX_BYTES + 1  # the size as the upload handler reports it; no 10 MB in memory
    with pytest.raises(ValidationError) as caught:
        validate_pdf_scan(upload)
    assert caught.value.messages == [
        "The file is 10.1 MB; a scan may be at most 10 MB. Scan at a lower resolution or compress it."
    ]
    upload.size = SCAN_MAX_BYTES
    validate_pdf_scan(upload)  # exactly 10 MB is allowed
