"""Bad input keeps what the user typed and shows the message beside the field, on every form.

"Beside" is checked the same way everywhere: the message is rendered within the field's own block
(close to its `name=` attribute) and the field is marked invalid, not only in a banner at the top.
Forms whose refusals have their own detailed tests elsewhere (eligibility, activities, certificates, BIN,
passwords) are covered here once more for the "beside" rule; see tests/applications/test_steps.py.
"""

import datetime
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from applications.models import Application
from applications.review import services as review
from tests.factories import (
    complete_draft,
    provision,
    submitted_application,
)

pytestmark = pytest.mark.django_db

NEAR = 1500  # characters: one field's block (label, input, hint, error) in the rendered page


@pytest.fixture(autouse=True)
def in_2025():
    with time_machine.travel(datetime.datetime(2025, 6, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        yield


def assert_beside(html: str, name: str, message: str) -> None:
    """`message` is shown next to the field `name`, and the field (or its group) is marked invalid."""
    at = html.find(f'name="{name}"')
    assert at >= 0, f"no field {name}"
    block = html[max(0, at - NEAR) : at + NEAR]
    assert escape(message) in block, f"{message!r} is not beside {name}"
    assert "is-invalid" in block or 'aria-invalid="true"' in block, f"{name} is not marked invalid"


def assert_kept(html: str, typed: str) -> None:
    assert escape(typed) in html, f"{typed!r} was lost"


@pytest.fixture
def draft(member, organisation):
    return complete_draft(organisation=organisation, user=member, sells_goods=True, today=datetime.date(2025, 6, 2))


# --- accounts and organisations ---------------------------------------------------------------------


def test_sign_up_keeps_the_address_and_explains_the_password(client):
    response = client.post(
        reverse("applications:signup"),
        {"email": "new-rep@example.kz", "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-2"},
    )
    html = response.content.decode()
    assert 'value="new-rep@example.kz"' in html
    assert response.context["form"].errors["password2"]
    assert_beside(html, "password2", response.context["form"].errors["password2"][0])


def test_sign_up_with_a_taken_address_answers_as_for_any_address(client, member):
    """Whether an address has an account is never said on the page (its owner is told by e-mail)."""
    response = client.post(
        reverse("applications:signup"),
        {"email": member.email, "password1": "a-long-passphrase-1", "password2": "a-long-passphrase-1"},
    )
    assert "Check your e-mail" in response.content.decode() and "form" not in response.context


def test_organisation_form_keeps_everything_typed_and_explains_the_bin(member_client):
    typed = {
        "name": "Typed Name LLP",
        "bin": "940140000386",
        "legal_address": "Typed address 1",
        "director": "Typed Director",
        "contact_email": "typed@example.kz",
        "contact_phone": "+7 7172 123456",
    }
    response = member_client.post(reverse("applications:organisation_create"), typed)
    html = response.content.decode()
    for value in typed.values():
        assert_kept(html, value)
    assert_beside(html, "bin", response.context["form"].errors["bin"][0])


def test_organisation_edit_keeps_what_was_typed(member_client, organisation):
    response = member_client.post(
        reverse("applications:organisation_edit", args=[organisation.pk]),
        {"name": "Renamed LLP", "bin": organisation.bin, "legal_address": "", "director": "D", "contact_email": "x"},
    )
    html = response.content.decode()
    assert_kept(html, "Renamed LLP")
    assert_beside(html, "legal_address", "Enter the legal address.")
    assert_beside(html, "contact_email", response.context["form"].errors["contact_email"][0])


def test_an_invitation_to_a_mistyped_address_keeps_it(member_client, organisation):
    response = member_client.post(
        reverse("applications:organisation_invite", args=[organisation.pk]), {"email": "colleague@"}
    )
    html = response.content.decode()
    assert 'value="colleague@"' in html
    assert_beside(html, "email", response.context["invite_form"].errors["email"][0])


# --- the application's steps ---------------------------------------------------------------------------


def test_eligibility_keeps_the_answers_given_and_names_the_missing_ones(member_client, draft):
    draft.is_legal_entity = None
    draft.save()
    response = member_client.post(reverse("applications:eligibility", args=[draft.reference]), {"no_branches": "yes"})
    html = response.content.decode()
    assert 'name="no_branches" value="yes"' in html and "checked" in html
    assert_beside(html, "is_legal_entity", response.context["form"].errors["is_legal_entity"][0])


def test_activities_keep_the_explanations_typed(member_client, draft):
    p3, p4 = provision(3), provision(4)
    response = member_client.post(
        reverse("applications:activities", args=[draft.reference]),
        {f"tick_{p3.pk}": "on", f"explanation_{p3.pk}": "", f"tick_{p4.pk}": "on", f"explanation_{p4.pk}": "Typed."},
    )
    html = response.content.decode()
    assert_kept(html, "Typed.")
    assert_beside(html, f"explanation_{p3.pk}", response.context["form"].errors[f"explanation_{p3.pk}"][0])


def test_goods_without_an_answer_says_so_beside_the_question(member_client, draft):
    response = member_client.post(reverse("applications:goods", args=[draft.reference]), {})
    assert_beside(
        response.content.decode(), "sells_own_goods", "Select yes if the company sells goods it produces, or no."
    )


def test_a_certificate_refused_keeps_the_rest(member_client, draft):
    response = member_client.post(
        reverse("applications:certificates", args=[draft.reference]),
        {
            "kind": "st_kz",
            "number": "KZ-TYPED-1",
            "issued_on": "10.01.2024",
            "valid_until": "10.01.2023",
            "issuer": "Typed issuer",
            "goods": "Typed goods",
            "scan": SimpleUploadedFile("scan.pdf", b"GIF89a not a pdf"),
        },
    )
    html = response.content.decode()
    for typed in ("KZ-TYPED-1", "10.01.2024", "10.01.2023", "Typed issuer", "Typed goods"):
        assert_kept(html, typed)
    errors = response.context["form"].errors
    assert_beside(html, "scan", errors["scan"][0])
    assert_beside(html, "valid_until", errors["valid_until"][0])


def test_the_declaration_unconfirmed_says_so_beside_it(member_client, draft):
    draft.declaration_confirmed = False
    draft.save()
    response = member_client.post(reverse("applications:declaration", args=[draft.reference]), {})
    assert_beside(response.content.decode(), "confirm", "Confirm the statement of truth to submit the application.")
    draft.refresh_from_db()
    assert draft.status == "draft"


# --- the reviewer's forms ----------------------------------------------------------------------------------


@pytest.fixture
def in_review(member, organisation, rev):
    application = submitted_application(
        organisation=organisation, user=member, sells_goods=True, on=datetime.date(2025, 3, 3)
    )
    return review.application_take(application=application, user=rev, no_conflict=True)


@pytest.fixture
def rev_client(client, rev):
    client.force_login(rev)
    return client


@pytest.mark.parametrize("inline", [False, True], ids=["page", "inline"])
def test_not_confirmed_without_a_note_keeps_the_verdict_and_asks_for_the_note(rev_client, in_review, inline):
    claim = in_review.claims.order_by("pk").first()
    prefix = f"claim-{claim.pk}"
    response = rev_client.post(
        reverse("review:claim_tick", args=[in_review.reference, claim.pk]),
        {f"{prefix}-verdict": "not_confirmed", f"{prefix}-note": "  "},
        **({"headers": {"X-Review-Inline": "1"}} if inline else {}),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert re.search(rf'<input[^>]*name="{prefix}-verdict"[^>]*value="not_confirmed"[^>]*checked', html)
    assert_beside(html, f"{prefix}-note", "A note is required.")


def test_rejected_certificate_without_a_note_asks_for_it_beside_the_note(rev_client, in_review):
    certificate = in_review.certificates.get()
    prefix = f"certificate-{certificate.pk}"
    response = rev_client.post(
        reverse("review:certificate_verify", args=[in_review.reference, certificate.pk]),
        {f"{prefix}-verification": "rejected", f"{prefix}-note": ""},
    )
    assert response.status_code == 422
    assert_beside(response.content.decode(), f"{prefix}-note", "A note is required.")


def test_a_rejection_without_reasons_keeps_the_choice_and_asks_for_reasons(rev_client, in_review):
    response = rev_client.post(reverse("review:decide", args=[in_review.reference]), {"outcome": "rejected"})
    assert response.status_code == 422
    html = response.content.decode()
    assert_beside(html, "reasons", "Give the reasons.")
    assert response.context["decision_form"]["outcome"].value() == "rejected"
    assert not hasattr(Application.objects.get(pk=in_review.pk), "decision")


def test_a_request_for_changes_without_a_message_asks_for_it_beside_the_box(rev_client, in_review):
    response = rev_client.post(reverse("review:request_changes", args=[in_review.reference]), {"message": " "})
    assert response.status_code == 422
    assert_beside(response.content.decode(), "message", "Write the message.")


@pytest.mark.parametrize(("name", "message"), [("note_add", "Write the note."), ("message_send", "Write the message.")])
def test_an_empty_note_or_message_is_refused_beside_the_box(rev_client, in_review, name, message):
    response = rev_client.post(reverse(f"review:{name}", args=[in_review.reference]), {"body": ""})
    assert response.status_code == 422
    form = response.context["note_form" if name == "note_add" else "message_form"]
    assert form.errors["body"] == [message]
    html = response.content.decode()
    box = 'id="id_note_body"' if name == "note_add" else 'id="id_message_body"'
    at = html.find(box)
    assert at >= 0 and "is-invalid" in html[at - 200 : at + 400] and message in html[at : at + 600]


def test_paper_registration_keeps_what_was_typed_and_explains_a_bad_date(rev_client, organisation):
    response = rev_client.post(
        reverse("review:register_received"), {"organisation": organisation.pk, "received_on": "31.02.2025"}
    )
    html = response.content.decode()
    assert_kept(html, "31.02.2025")
    assert_beside(html, "received_on", "The day 31.02.2025 does not exist: that month has 28 days.")


def test_paper_registration_in_the_future_is_refused_on_step_1(rev_client, organisation):
    # Step 1 (the organisation and the date) is refused beside the date; step 2 is not offered.
    response = rev_client.get(
        reverse("review:register_received"), {"organisation": organisation.pk, "received_on": "15.06.2025"}
    )
    html = response.content.decode()
    assert_kept(html, "15.06.2025")
    assert_beside(html, "received_on", "The date received cannot be in the future: today is 02.06.2025.")
    assert response.context["details"] is None and "Register and submit" not in html
    # Today is accepted.
    ok = rev_client.get(
        reverse("review:register_received"), {"organisation": organisation.pk, "received_on": "02.06.2025"}
    )
    assert ok.context["details"] is not None


def test_paper_registration_in_the_future_is_refused_when_posted_too(rev_client, organisation):
    p2 = provision(2)
    response = rev_client.post(
        reverse("review:register_received"),
        {
            "organisation": organisation.pk,
            "received_on": "15.06.2025",
            "eligibility_declared": "on",
            f"explanation_{p2.pk}": "Typed by hand.",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert_kept(html, "15.06.2025")
    assert_beside(html, "received_on", "The date received cannot be in the future: today is 02.06.2025.")
    assert not Application.objects.filter(received_by_other_channel=True).exists()


# --- 5,000 characters where a few lines are meant --------------------------------------------------------
# One unbroken "word": refused beside its box with the limit and the length, and kept as typed (the page then
# wraps it: static/css/site.css, overflow-wrap).

LONG = "W" * 5000


def too_long(limit: int) -> str:
    return f"Ensure this value has at most {limit} characters (it has 5000)."


def assert_beside_long(html: str, marker: str, message: str) -> None:
    """As assert_beside, the block reaching past the 5,000 characters kept in the box (`marker`: its name= or id=)."""
    at = html.find(marker)
    assert at >= 0, f"no {marker}"
    block = html[max(0, at - NEAR) : at + len(LONG) + NEAR]
    assert escape(message) in block, f"{message!r} is not beside {marker}"
    assert "is-invalid" in block or 'aria-invalid="true"' in block, f"{marker} is not marked invalid"


def test_an_address_of_5000_characters_is_refused_beside_it_and_kept(member_client):
    typed = {
        "name": "Typed Name LLP",
        "bin": "940140000385",
        "legal_address": LONG,
        "director": "Typed Director",
        "contact_email": "typed@example.kz",
        "contact_phone": "+7 7172 123456",
    }
    response = member_client.post(reverse("applications:organisation_create"), typed)
    html = response.content.decode()
    assert_kept(html, LONG)
    assert_beside_long(html, 'name="legal_address"', too_long(500))


def test_an_explanation_of_5000_characters_is_refused_beside_it_and_kept(member_client, draft):
    p3 = provision(3)
    response = member_client.post(
        reverse("applications:activities", args=[draft.reference]),
        {f"tick_{p3.pk}": "on", f"explanation_{p3.pk}": LONG},
    )
    html = response.content.decode()
    assert_kept(html, LONG)
    assert_beside_long(html, f'name="explanation_{p3.pk}"', too_long(4000))


@pytest.mark.parametrize(("field", "limit"), [("goods", 2000), ("number", 64), ("issuer", 255)])
def test_certificate_texts_of_5000_characters_are_refused_beside_them_and_kept(member_client, draft, field, limit):
    data = {
        "kind": "industrial",
        "number": "IND-1",
        "issued_on": "15.03.2024",
        "valid_until": "14.03.2027",
        "issuer": "Chamber",
        "goods": "Routers",
        field: LONG,
        "scan": SimpleUploadedFile("c.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    }
    response = member_client.post(reverse("applications:certificates", args=[draft.reference]), data)
    html = response.content.decode()
    assert_kept(html, LONG)
    assert_beside_long(html, f'name="{field}"', too_long(limit))


@pytest.mark.parametrize(
    ("name", "data", "form", "field"),
    [
        ("note_add", {"body": LONG}, "note_form", 'id="id_note_body"'),
        ("message_send", {"body": LONG}, "message_form", 'id="id_message_body"'),
        ("request_changes", {"message": LONG}, "request_changes_form", 'name="message"'),
        ("decide", {"outcome": "rejected", "reasons": LONG}, "decision_form", 'name="reasons"'),
    ],
)
def test_reviewers_texts_of_5000_characters_are_refused_beside_the_box_and_kept(
    rev_client, in_review, name, data, form, field
):
    response = rev_client.post(reverse(f"review:{name}", args=[in_review.reference]), data)
    assert response.status_code == 422
    assert list(response.context[form].errors.values()) == [[too_long(4000)]]
    html = response.content.decode()
    assert_kept(html, LONG)
    assert_beside_long(html, field, too_long(4000))
    assert not hasattr(Application.objects.get(pk=in_review.pk), "decision")


def test_a_verdict_note_of_5000_characters_is_refused_beside_it_and_kept(rev_client, in_review):
    claim = in_review.claims.order_by("pk").first()
    prefix = f"claim-{claim.pk}"
    response = rev_client.post(
        reverse("review:claim_tick", args=[in_review.reference, claim.pk]),
        {f"{prefix}-verdict": "not_confirmed", f"{prefix}-note": LONG},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert_kept(html, LONG)
    assert_beside_long(html, f'name="{prefix}-note"', too_long(4000))


def test_a_paper_explanation_of_5000_characters_is_refused_beside_it_and_kept(rev_client, organisation):
    p2 = provision(2)
    response = rev_client.post(
        reverse("review:register_received"),
        {
            "organisation": organisation.pk,
            "received_on": "02.06.2025",
            "eligibility_declared": "on",
            f"explanation_{p2.pk}": LONG,
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert_kept(html, LONG)
    assert_beside_long(html, f'name="explanation_{p2.pk}"', too_long(4000))
    assert not Application.objects.filter(received_by_other_channel=True).exists()
