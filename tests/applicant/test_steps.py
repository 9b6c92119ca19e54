"""Each step of a draft: what it refuses, the message a person reads, and what is saved."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from applications.models import ActivityClaim, Application, Certificate, Status
from applications.validators import SCAN_MAX_BYTES
from tests.factories import PDF_BYTES, provision

from .test_validators import PNG_BYTES

pytestmark = pytest.mark.django_db


def url(name, application, *args):
    return reverse(f"applications:{name}", args=[application.reference, *args])


def text(response) -> str:
    return response.content.decode()


# 1. Eligibility ---------------------------------------------------------------------------------------


def test_the_task_list_of_a_new_draft_opens_only_eligibility(in_2025, member_client, draft):
    page = text(member_client.get(url("detail", draft)))
    assert page.count("Not started") == 1 and page.count("Cannot start yet") == 4
    response = member_client.get(url("activities", draft), follow=True)
    assert "Answer the eligibility questions first." in text(response)
    assert response.redirect_chain[-1][0] == url("detail", draft)


def test_missing_eligibility_answers_are_named_and_the_given_ones_kept(in_2025, member_client, draft):
    response = member_client.post(url("eligibility", draft), {"is_legal_entity": "yes", "no_branches": "yes"})
    page = text(response)
    assert "There is a problem" in page
    assert "Select yes or no: “The state owns less than 50% of the company”." in page
    assert page.count("Select yes or no") == 2 * 4  # in the summary at the top and beside each question
    assert 'value="yes" required id="id_is_legal_entity_0" checked' in page or "checked" in page
    draft.refresh_from_db()
    assert (draft.is_legal_entity, draft.no_branches, draft.not_subsoil_user) == (True, True, None)
    page = text(member_client.get(url("detail", draft)))
    assert "In progress" in page


def test_a_no_stops_the_application_with_an_explanation(in_2025, member_client, draft):
    answers = {name: "yes" for name in Application.ELIGIBILITY_FIELDS} | {"not_subsoil_user": "no"}
    response = member_client.post(url("eligibility", draft), answers, follow=True)
    page = text(response)
    assert response.redirect_chain[-1][0] == url("not_eligible", draft)
    assert "The company cannot apply" in page
    assert "The company is not a subsoil user" in page and "Subsoil users cannot apply." in page
    assert "The company is a legal entity</strong>" not in page  # only what failed is listed
    page = text(member_client.get(url("detail", draft)))
    assert "Not eligible" in page and page.count("Cannot start yet") == 4
    for step in ("activities", "goods", "check", "declaration"):
        response = member_client.get(url(step, draft), follow=True)
        assert response.redirect_chain[-1][0] == url("detail", draft)
    assert not draft.claims.exists()


def test_changing_a_no_to_yes_opens_the_other_sections(in_2025, member_client, draft):
    answers = {name: "yes" for name in Application.ELIGIBILITY_FIELDS}
    member_client.post(url("eligibility", draft), answers | {"no_branches": "no"})
    response = member_client.post(url("eligibility", draft), answers, follow=True)
    assert "Eligibility answers saved." in text(response)
    assert text(response).count("Cannot start yet") == 2  # check answers and declaration wait for 2 and 3


# 2. Activities ---------------------------------------------------------------------------------------


def test_the_activities_are_the_list_in_force_with_full_text(in_2025, member_client, eligible_draft):
    page = text(member_client.get(url("activities", eligible_draft)))
    assert "The list of Appendix 1 to order 37/RD as in force on 02.06.2025." in page
    assert page.count('class="form-check-input activity-tick"') == 19
    assert (
        "Data processing activities (knowledge discovery in databases) using proprietary or third-party software."
        in page
    )
    assert "Paragraph 1 - as amended by the order" in page  # the footnote, verbatim


def test_choosing_nothing_is_refused(in_2025, member_client, eligible_draft):
    page = text(member_client.post(url("activities", eligible_draft), {}))
    assert "Choose at least one activity the company carries on." in page


def test_a_tick_needs_an_explanation_and_what_was_typed_is_kept(in_2025, member_client, eligible_draft):
    p1, p3 = provision(1), provision(3)
    page = text(
        member_client.post(
            url("activities", eligible_draft),
            {f"tick_{p1.pk}": "on", f"explanation_{p1.pk}": "Our accounting software.", f"tick_{p3.pk}": "on"},
        )
    )
    assert "Explain what the company does in paragraph 3: its main products or services." in page
    assert "Our accounting software." in page
    # The draft keeps both ticks (paragraph 3 still unexplained), so nothing is lost on leaving the page.
    claims = dict(eligible_draft.claims.values_list("provision__paragraph", "explanation"))
    assert claims == {1: "Our accounting software.", 3: ""}
    assert "Explain each activity you ticked." in text(member_client.get(url("detail", eligible_draft)))


def test_an_explanation_without_a_tick_is_pointed_out(in_2025, member_client, eligible_draft):
    p1, p2 = provision(1), provision(2)
    page = text(
        member_client.post(
            url("activities", eligible_draft),
            {f"tick_{p1.pk}": "on", f"explanation_{p1.pk}": "Software.", f"explanation_{p2.pk}": "Systems."},
        )
    )
    assert "Tick paragraph 2 if the company carries it on, or clear its explanation." in page


def test_unticking_removes_the_claim_with_its_history(in_2025, member_client, member, eligible_draft):
    p1, p2 = provision(1), provision(2)
    data = {f"tick_{p1.pk}": "on", f"explanation_{p1.pk}": "A.", f"tick_{p2.pk}": "on", f"explanation_{p2.pk}": "B."}
    member_client.post(url("activities", eligible_draft), data)
    member_client.post(url("activities", eligible_draft), {f"tick_{p2.pk}": "on", f"explanation_{p2.pk}": "B."})
    assert list(eligible_draft.claims.values_list("provision__paragraph", flat=True)) == [2]
    deleted = ActivityClaim.history.filter(history_type="-").get()
    assert (deleted.provision_id, deleted.history_user) == (p1.pk, member)


def test_with_no_list_in_force_the_step_is_not_offered_and_the_reason_is_plain(in_2026, member_client, eligible_draft):
    p1 = provision(1)
    why = "No list is in force on 25.11.2026: order 37/RD was abrogated by order 521/NK with effect from "
    # The task list: step 2 cannot start, says why, and is not a link to a page with nothing to choose.
    tasks = text(member_client.get(url("detail", eligible_draft)))
    step_2 = tasks[tasks.find("2.</span>") : tasks.find('id="state-activities"')]
    assert why in step_2 and "There is nothing to choose until the park enters the list that replaces it." in step_2
    assert url("activities", eligible_draft) not in tasks
    assert "Cannot start yet" in tasks[tasks.find('id="state-activities"') :][:200]
    # Its address leads back to the task list with the same reason.
    response = member_client.get(url("activities", eligible_draft), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", eligible_draft)
    page = text(response)
    assert why in page and 'type="checkbox"' not in page
    response = member_client.post(
        url("activities", eligible_draft), {f"tick_{p1.pk}": "on", f"explanation_{p1.pk}": "X"}, follow=True
    )
    assert not eligible_draft.claims.exists()
    assert "No list is in force on 25.11.2026" in text(response)


def test_a_claim_no_longer_in_the_list_asks_to_choose_again(in_2025, member_client, eligible_draft):
    # A provision outside Appendix 1 in force stands for any wording that has since left the list.
    ActivityClaim.objects.create(application=eligible_draft, provision=provision(1, appendix=2), explanation="Old.")
    assert "no longer in force: choose again" in text(member_client.get(url("detail", eligible_draft)))
    page = text(member_client.get(url("activities", eligible_draft)))
    assert "Choose again" in page and "37/RD Appendix 2, paragraph 1" in page
    p1 = provision(1)
    member_client.post(url("activities", eligible_draft), {f"tick_{p1.pk}": "on", f"explanation_{p1.pk}": "New."})
    assert list(eligible_draft.claims.values_list("provision_id", flat=True)) == [p1.pk]


# 3. Goods and certificates ----------------------------------------------------------------------------


def certificate_data(**overrides):
    return {
        "kind": "industrial",
        "number": "IND-2024-17",
        "issued_on": "15.03.2024",
        "valid_until": "14.03.2027",
        "issuer": "National Chamber of Entrepreneurs",
        "goods": "Controller boards NR-200",
        "scan": SimpleUploadedFile("certificate.pdf", PDF_BYTES, content_type="application/pdf"),
        **overrides,
    }


@pytest.fixture
def selling_draft(member, eligible_draft):
    eligible_draft.sells_own_goods = True
    eligible_draft.save()
    return eligible_draft


def test_the_goods_question_must_be_answered(in_2025, member_client, eligible_draft):
    page = text(member_client.post(url("goods", eligible_draft), {}))
    assert "Select yes if the company sells goods it produces, or no." in page


def test_yes_leads_to_the_certificates_and_is_in_progress_until_one_is_added(in_2025, member_client, eligible_draft):
    response = member_client.post(url("goods", eligible_draft), {"sells_own_goods": "yes"}, follow=True)
    assert "No certificate added yet." in text(response)
    assert "Add at least one certificate." in text(member_client.get(url("detail", eligible_draft)))


def test_a_certificate_with_its_scan_is_added(in_2025, member_client, member, selling_draft):
    response = member_client.post(url("certificates", selling_draft), certificate_data(), follow=True)
    assert "Certificate IND-2024-17 added." in text(response)
    certificate = Certificate.objects.get()
    assert (certificate.issued_on, certificate.valid_until) == (datetime.date(2024, 3, 15), datetime.date(2027, 3, 14))
    assert certificate.scan_name == "certificate.pdf" and certificate.scan_size == len(PDF_BYTES)
    assert not certificate.scan.name.endswith("certificate.pdf")  # stored under a name of our own
    assert certificate.history.get().history_user == member
    assert "15.03.2024 – 14.03.2027" in text(response)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"valid_until": "14.03.2023"}, "“Valid until” cannot be before “issued on”."),
        ({"issued_on": "2024/03/15"}, "Enter the date of issue as DD.MM.YYYY, e.g. 15.03.2024."),
        ({"issued_on": "01.01.2026"}, "The date of issue cannot be in the future."),
        ({"issued_on": "31.02.2024"}, "The day 31.02.2024 does not exist: that month has 29 days."),
        ({"issued_on": "15.03.1024"}, "No certificate of own production was issued before 01.01.1991: check the year."),
        (
            {"valid_until": "31.12.9999"},
            "A certificate valid after 02.06.2075 (50 years from the reference date) is not credible: check the year.",
        ),
        ({"number": "N" * 5000}, "Ensure this value has at most 64 characters (it has 5000)."),
        ({"number": ""}, "Enter the certificate number."),
        ({"kind": ""}, "Select the kind of certificate."),
        ({"scan": ""}, "Choose the PDF scan of the certificate."),
        (
            {"scan": SimpleUploadedFile("photo.png", PNG_BYTES, content_type="image/png")},
            "The scan must be a PDF; this file is a PNG image.",
        ),
        (
            {
                "scan": SimpleUploadedFile(
                    "scan.pdf", b"Dear colleagues,\nplease find...\n", content_type="application/pdf"
                )
            },
            "“scan.pdf” is named like a PDF, but its content is not a PDF (it is a text file).",
        ),
        # validators.validate_pdf_scan's own words, not the form field's "The submitted file is empty."
        ({"scan": SimpleUploadedFile("empty.pdf", b"")}, "The selected file is empty."),
    ],
)
def test_certificate_refusals_are_shown_beside_the_field_and_the_rest_kept(
    in_2025, member_client, selling_draft, overrides, message
):
    page = text(member_client.post(url("certificates", selling_draft), certificate_data(**overrides)))
    assert message in page
    assert "There is a problem" in page
    assert 'value="National Chamber of Entrepreneurs"' in page
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    ("issued_on", "valid_until", "warning"),
    [
        ("15.03.2019", "14.03.2022", "Not valid on the reference date 02.06.2025: it expired on 14.03.2022."),
        ("15.03.2024", "14.03.2027", ""),
        ("15.03.2024", "02.06.2075", ""),  # the last credible day is accepted, and valid on the reference date
    ],
)
def test_a_certificate_not_valid_on_the_reference_date_is_accepted_with_a_warning(
    in_2025, member_client, selling_draft, issued_on, valid_until, warning
):
    response = member_client.post(
        url("certificates", selling_draft), certificate_data(issued_on=issued_on, valid_until=valid_until), follow=True
    )
    page = text(response)
    assert "Certificate IND-2024-17 added." in page
    assert Certificate.objects.count() == 1
    if warning:
        # Once as the message after adding, once beside the certificate in the table (which stays).
        assert page.count(warning) == 2
        assert text(member_client.get(url("certificates", selling_draft))).count(warning) == 1
    else:
        assert "Not valid on the reference date" not in page


def test_a_scan_over_10_mb_is_refused(in_2025, member_client, selling_draft):
    big = PDF_BYTES + b"\0" * (SCAN_MAX_BYTES + 1 - len(PDF_BYTES))  # one allocation; a real PDF header
    page = text(
        member_client.post(
            url("certificates", selling_draft), certificate_data(scan=SimpleUploadedFile("big.pdf", big))
        )
    )
    assert "The file is 10.1 MB; a scan may be at most 10 MB." in page
    assert not Certificate.objects.exists()


def test_answering_no_removes_the_certificates(in_2025, member_client, selling_draft):
    member_client.post(url("certificates", selling_draft), certificate_data())
    asked = member_client.post(url("goods", selling_draft), {"sells_own_goods": "no"})
    assert "Answer “no” and remove these certificates?" in text(asked) and Certificate.objects.exists()
    response = member_client.post(url("goods", selling_draft), {"sells_own_goods": "no", "confirm": "yes"}, follow=True)
    assert "The certificates added before were removed: 1." in text(response)
    assert not Certificate.objects.exists()


def test_a_certificate_can_be_removed(in_2025, member_client, selling_draft):
    member_client.post(url("certificates", selling_draft), certificate_data())
    certificate = Certificate.objects.get()
    asked = member_client.post(url("certificate_remove", selling_draft, certificate.pk))
    assert "Remove this certificate?" in text(asked) and "IND-2024-17" in text(asked)
    assert Certificate.objects.filter(pk=certificate.pk).exists()
    url_remove = url("certificate_remove", selling_draft, certificate.pk)
    response = member_client.post(url_remove, {"confirm": "yes"}, follow=True)
    assert "Certificate IND-2024-17 removed." in text(response)
    assert "No certificate added yet." in text(response)


# 4. Check your answers and 5. declaration -------------------------------------------------------------


def test_check_your_answers_shows_everything_with_a_change_link_per_section(in_2025, member_client, ready_draft):
    page = text(member_client.get(url("check", ready_draft)))
    for expected in (
        "The company has no branches",
        "We build and sell software for paragraph 1.",
        "We build and sell software for paragraph 2.",
        "Routers of the RX series",
        "10.01.2023 – 10.01.2026",
        url("eligibility", ready_draft),
        url("activities", ready_draft),
        url("goods", ready_draft),
    ):
        assert expected in page
    assert page.count(">Change<") == 3


def test_check_your_answers_shows_the_wording_each_claim_will_be_pinned_to(in_2025, member_client, ready_draft):
    from catalog.selectors import catalog_on

    in_force = {v.provision.paragraph: v for v in catalog_on(datetime.date(2025, 6, 2)).activities}
    page = text(member_client.get(url("check", ready_draft)))
    assert page.count("The wording the park will review (in force today; pinned when you submit)") == 2
    for paragraph in (1, 2):
        version = in_force[paragraph]
        # Whole, not cut to 40 words, with the act that gave it: as the review screen shows it.
        assert escape(version.text) in page and version.introduced_by.code in page
    assert escape(in_force[1].footnote) in page  # "Paragraph 1 - as amended by ..." is part of the text
    # The certificate valid until 10.01.2026 is valid on the reference date: no warning.
    assert "Not valid on the reference date" not in page


def test_the_declaration_must_be_confirmed(in_2025, member_client, ready_draft):
    page = text(member_client.post(url("declaration", ready_draft), {}))
    assert "Confirm the statement of truth to submit the application." in page
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT


def test_submitting_shows_a_confirmation_page_with_the_reference_the_due_date_and_a_printable_copy(
    in_2025, member_client, ready_draft, outsider
):
    from applications.working_days import review_due_on

    response = member_client.post(url("declaration", ready_draft), {"confirm": "on"}, follow=True)
    assert response.redirect_chain[-1][0] == url("submitted", ready_draft)
    page = " ".join(text(response).split())
    assert f"Application {ready_draft.reference} is submitted." in page
    assert f'<strong class="font-monospace fs-3">{ready_draft.reference}</strong>' in page
    # Submitted on Monday 02.06.2025: 15 working days later by the one review clock (a public holiday between).
    due = review_due_on(datetime.date(2025, 6, 2))
    assert due == datetime.date(2025, 6, 24)
    assert "within 15 working days (Kazakhstan's public holidays excluded): <strong>by 24.06.2025</strong>" in page
    assert "What happens next" in page and "data-print" in page and "applicant/print.js" in page
    # Everything submitted, without a change link.
    for expected in (
        "The company has no branches",
        "We build and sell software for paragraph 1.",
        "Routers of the RX series",
        "The wording the park reviews",
        "02.06.2025",
    ):
        assert expected in page
    assert ">Change<" not in page
    # Another organisation's member gets 404; once decided or withdrawn it is the application's own page.
    from django.test import Client

    other = Client()
    other.force_login(outsider)
    assert other.get(url("submitted", ready_draft)).status_code == 404
    from applications.applicant.services import application_withdraw

    application_withdraw(application=ready_draft, user=ready_draft.created_by)
    assert member_client.get(url("submitted", ready_draft)).url == url("detail", ready_draft)


def test_submission_pins_the_date_the_act_and_each_wording(in_2025, member_client, member, ready_draft):
    response = member_client.post(url("declaration", ready_draft), {"confirm": "on"}, follow=True)
    assert f"Application {ready_draft.reference} is submitted." in text(response)
    ready_draft.refresh_from_db()
    assert (ready_draft.status, ready_draft.reference_date, ready_draft.act.code) == (
        Status.SUBMITTED,
        datetime.date(2025, 6, 2),
        "37/RD",
    )
    assert ready_draft.declaration_confirmed and ready_draft.submitted_by == member
    for claim in ready_draft.claims.select_related("provision_version"):
        assert claim.provision_version.in_force_from <= datetime.date(2025, 6, 2)
    page = text(response)
    assert "Submitted" in page and "02.06.2025" in page and "order 37/RD" in page


def test_with_no_list_in_force_submission_is_refused_and_the_draft_unchanged(in_2026, member_client, ready_draft):
    history_before = ready_draft.history.count()
    response = member_client.post(url("declaration", ready_draft), {"confirm": "on"}, follow=True)
    page = text(response)
    assert (
        "The application cannot be submitted on 25.11.2026. No list is in force on 25.11.2026: order 37/RD was "
        "abrogated by order 521/NK with effect from 01.01.2026, and no successor list has been entered."
    ) in page
    ready_draft.refresh_from_db()
    assert ready_draft.status == Status.DRAFT
    assert not ready_draft.declaration_confirmed  # the confirmation was rolled back with the refusal
    assert ready_draft.reference_date is None and ready_draft.act is None and ready_draft.submission_count == 0
    assert not ready_draft.claims.filter(provision_version__isnull=False).exists()
    assert ready_draft.history.count() == history_before


def test_check_and_declaration_wait_until_sections_1_to_3_are_complete(in_2025, member_client, eligible_draft):
    for step in ("check", "declaration"):
        response = member_client.get(url(step, eligible_draft), follow=True)
        assert "Complete the sections above first." in text(response)
