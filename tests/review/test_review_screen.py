"""The review screen: pinned wording with its notices, ticks, certificate checks and the scan."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from applications.models import Certificate, CertificateKind, Verdict
from applications.review import services as review
from applications.review.selectors import review_screen
from applications.workflow import DomainError
from tests.factories import PDF_BYTES, OrganisationFactory, submitted_application

TODAY = datetime.date(2026, 11, 25)


@pytest.mark.django_db
def test_wording_not_recorded_and_amended_since_are_stated(rev):
    # Paragraph 1 on 01.05.2023: the 37/RD wording, not recorded, amended by 413/NK from 01.10.2023.
    application = submitted_application(on=datetime.date(2023, 5, 2), paragraphs=(1, 2))
    screen = review_screen(application, today=TODAY)
    p1, p2 = screen.claims
    assert p1.claim.provision_version.introduced_by.code == "37/RD"
    assert any("not recorded" in n for n in p1.notices)
    assert any("has since been amended: 413/NK, in force from not earlier than 01.10.2023" in n for n in p1.notices)
    # Paragraph 2 was never amended; the list was abrogated from 01.01.2026.
    assert p2.notices == ["This wording is no longer in force: it ended on 01.01.2026."]


@pytest.mark.django_db
def test_page_shows_the_pinned_wording_and_the_notices(client, rev, submitted):
    client.force_login(rev)
    page = client.get(reverse("review:application", args=[submitted.reference])).content.decode()
    claim = submitted.claims.first()
    assert claim.provision_version.text[:60] in page
    assert "no longer in force" in page


@pytest.mark.django_db
def test_not_confirmed_needs_a_note_and_nothing_is_saved_without_it(in_review, rev):
    claim = in_review.claims.first()
    with pytest.raises(DomainError, match="Say why"):
        review.claim_tick(claim=claim, user=rev, verdict=Verdict.NOT_CONFIRMED, note="  ")
    claim.refresh_from_db()
    assert claim.verdict == Verdict.PENDING
    review.claim_tick(claim=claim, user=rev, verdict=Verdict.NOT_CONFIRMED, note="Resells licences only.")
    claim.refresh_from_db()
    assert (claim.verdict, claim.verdict_note, claim.verdict_by) == (
        Verdict.NOT_CONFIRMED,
        "Resells licences only.",
        rev,
    )


@pytest.mark.django_db
def test_ticks_save_without_losing_the_page(client, in_review, rev):
    client.force_login(rev)
    claim = in_review.claims.first()
    url = reverse("review:claim_tick", args=[in_review.reference, claim.pk])
    prefix = f"claim-{claim.pk}"
    # Without script: back to the same card.
    response = client.post(url, {f"{prefix}-verdict": "confirmed", f"{prefix}-note": ""})
    assert response.status_code == 302 and response["Location"].endswith(f"#claim-{claim.pk}")
    # With script: the card comes back alone, to be swapped in.
    response = client.post(
        url, {f"{prefix}-verdict": "not_confirmed", f"{prefix}-note": ""}, headers={"X-Review-Inline": "1"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith("<article") and "Say why the activity is not confirmed." in html
    claim.refresh_from_db()
    assert claim.verdict == Verdict.CONFIRMED
    # A refusal without script shows the whole page again with what was typed.
    response = client.post(url, {f"{prefix}-verdict": "not_confirmed", f"{prefix}-note": ""})
    assert response.status_code == 422 and "<html" in response.content.decode()
    response = client.post(
        url,
        {f"{prefix}-verdict": "not_confirmed", f"{prefix}-note": "No such product."},
        headers={"X-Review-Inline": "1"},
    )
    assert response.status_code == 200 and "No such product." in response.content.decode()


def add_certificate(application, *, number, kind=CertificateKind.ST_KZ, issued_on, valid_until):
    certificate = Certificate(
        application=application,
        kind=kind,
        number=number,
        issued_on=issued_on,
        valid_until=valid_until,
        issuer="NCE Atameken",
        goods="Servers",
        scan_name="scan.pdf",
        scan_size=len(PDF_BYTES),
    )
    certificate.scan.save("scan.pdf", ContentFile(PDF_BYTES), save=False)
    certificate.save()
    return certificate


@pytest.mark.django_db
def test_certificate_checks(goods_submitted):
    application = goods_submitted  # reference date 03.03.2025; its certificate runs 10.01.2023-10.01.2026
    expired = add_certificate(
        application,
        number="ind-777",
        kind=CertificateKind.INDUSTRIAL,
        issued_on=datetime.date(2020, 1, 1),
        valid_until=datetime.date(2024, 12, 31),
    )
    # The same number (any case) in another organisation's application.
    other = submitted_application(organisation=OrganisationFactory(name="Copycat LLP"), on=datetime.date(2025, 1, 9))
    add_certificate(other, number="IND-777", issued_on=datetime.date(2020, 1, 1), valid_until=datetime.date(2027, 1, 1))
    screen = review_screen(application, today=TODAY)
    views = {v.certificate.pk: v for v in screen.certificates}
    first = next(v for pk, v in views.items() if pk != expired.pk)
    assert first.valid_on_reference_date and first.kind_accepted and first.same_number_elsewhere == []
    assert not views[expired.pk].valid_on_reference_date
    assert views[expired.pk].kind_accepted  # the 130/NK criteria accept industrial certificates
    assert [c.application for c in views[expired.pk].same_number_elsewhere] == [other]


@pytest.mark.django_db
def test_the_page_names_the_other_organisation_with_the_same_number_without_a_query_more(
    client, django_assert_num_queries, goods_submitted, rev
):
    from tests.test_query_counts import REVIEW_SCREEN_QUERIES

    application = review.application_take(application=goods_submitted, user=rev, no_conflict=True)
    dates = {"issued_on": datetime.date(2020, 1, 1), "valid_until": datetime.date(2027, 1, 1)}
    add_certificate(application, number="ind-777", kind=CertificateKind.INDUSTRIAL, **dates)
    others = [
        submitted_application(organisation=OrganisationFactory(name=f"Copycat {i} LLP"), on=datetime.date(2025, 1, 9))
        for i in range(2)
    ]
    for other in others:
        add_certificate(other, number="IND-777", **dates)
    client.force_login(rev)
    url = reverse("review:application", args=[application.reference])
    client.get(url)
    with django_assert_num_queries(REVIEW_SCREEN_QUERIES):
        page = client.get(url).content.decode()
    assert "Same number used by another organisation:" in page
    for other in others:
        address = reverse("review:application", args=[other.reference])
        assert f'<a href="{address}">{other.organisation.name} ({other.reference})</a>' in page


@pytest.mark.django_db
def test_kind_accepted_is_unknown_when_the_criteria_then_are_not_recorded(member):
    # 15.03.2021: Appendix 2 before 130/NK, whose wording the catalog does not record.
    application = submitted_application(user=member, on=datetime.date(2021, 3, 15), sells_goods=True)
    screen = review_screen(application, today=TODAY)
    assert screen.certificates[0].kind_accepted is None
    assert screen.own_production["accepted_kinds"] is None
    assert any("not recorded in the catalog" in p for p in screen.approval_problems)


@pytest.mark.django_db
def test_verify_and_reject_with_a_note(goods_in_review, rev, client):
    certificate = goods_in_review.certificates.get()
    with pytest.raises(DomainError, match="Say why the certificate is rejected"):
        review.certificate_verify(certificate=certificate, user=rev, verification="rejected")
    review.certificate_verify(certificate=certificate, user=rev, verification="rejected", note="Forged stamp.")
    certificate.refresh_from_db()
    assert certificate.verification == "rejected" and certificate.verification_note == "Forged stamp."
    client.force_login(rev)
    prefix = f"certificate-{certificate.pk}"
    response = client.post(
        reverse("review:certificate_verify", args=[goods_in_review.reference, certificate.pk]),
        {f"{prefix}-verification": "verified", f"{prefix}-note": ""},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.verification == "verified" and certificate.verified_by == rev


@pytest.mark.django_db
def test_scan_is_a_download_for_staff_only(client, goods_in_review, rev, member):
    certificate = goods_in_review.certificates.get()
    url = reverse("review:certificate_scan", args=[goods_in_review.reference, certificate.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(rev)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.django_db
def test_the_accepted_kinds_are_named_as_the_criteria_name_them(client, rev, goods_submitted):
    client.force_login(rev)
    page = client.get(reverse("review:application", args=[goods_submitted.reference])).content.decode()
    assert "Kinds accepted by the criteria in force on the reference date:" in page
    assert "Certificate of origin of goods in form &quot;ST-KZ&quot;</span>" in page
    assert "Industrial certificate</span>" in page


@pytest.mark.django_db
def test_a_confirmed_effective_date_that_moves_the_pinned_wording_is_flagged(rev):
    from catalog.models import LegalAct

    # Submitted on 05.10.2023: paragraph 1 pinned to 413/NK's wording, estimated in force from 01.10.2023.
    application = submitted_application(on=datetime.date(2023, 10, 5), paragraphs=(1, 2))
    assert application.claims.get(provision__paragraph=1).provision_version.introduced_by.code == "413/NK"
    screen = review_screen(application, today=TODAY)
    assert not any("Since submission the catalog's dates have changed" in n for n in screen.claims[0].notices)

    # An editor then confirms from the publication that 413/NK took effect only on 15.10.2023.
    act = LegalAct.objects.get(code="413/NK")
    act.effective_from, act.effective_from_confirmed = datetime.date(2023, 10, 15), True
    act.save()
    p1, p2 = review_screen(application, today=TODAY).claims
    assert (
        "Since submission the catalog's dates have changed: on the reference date (05.10.2023) the wording in "
        "force was the wording of 37/RD, not the one pinned at submission. Check which wording applies."
    ) in p1.notices
    assert not any("Since submission" in n for n in p2.notices)


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["0", "-1", "abc", "9" * 50, "2%00", "99999"])
def test_internal_notes_come_fifty_to_a_page_newest_first(client, in_review, rev, hostile):
    from applications.models import InternalNote

    InternalNote.objects.bulk_create(
        InternalNote(application=in_review, author=rev, body=f"note {i}") for i in range(55)
    )  # fmt: skip
    client.force_login(rev)
    url = reverse("review:application", args=[in_review.reference])
    first = client.get(url)
    page = first.content.decode()
    notes = first.context["screen"].internal_notes
    assert len(notes.items) == 50 and notes.has_next and "Older notes" in page and "Newer notes" not in page
    older = client.get(url, {"notes": 2})
    assert len(older.context["screen"].internal_notes.items) == 5 and "Newer notes" in older.content.decode()
    shown = {n.pk for n in notes.items} | {n.pk for n in older.context["screen"].internal_notes.items}
    assert len(shown) == 55
    odd = client.get(url, {"notes": hostile})
    assert odd.status_code == 200 and len(odd.context["screen"].internal_notes.items) in (50, 5)


@pytest.mark.django_db
def test_the_catalog_shown_follows_an_editors_change_at_once(client, rev):
    """The catalog on the reference date is cached by the catalog's revision: an edit shows on the next view."""
    from catalog.models import LegalAct

    application = submitted_application(on=datetime.date(2023, 10, 5), paragraphs=(1, 2))
    review.application_take(application=application, user=rev, no_conflict=True)
    client.force_login(rev)
    url = reverse("review:application", args=[application.reference])
    unconfirmed = "The entry into force of 130/NK, 413/NK is not confirmed"
    assert unconfirmed in client.get(url).content.decode()
    assert unconfirmed in client.get(url).content.decode()  # from the cache

    act = LegalAct.objects.get(code="413/NK")
    act.effective_from, act.effective_from_confirmed = datetime.date(2023, 10, 15), True
    act.save()
    page = client.get(url).content.decode()
    assert unconfirmed not in page and "The entry into force of 130/NK is not confirmed" in page
    assert "the wording in force was the wording of 37/RD, not the one pinned at submission" in page
