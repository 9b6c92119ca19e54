"""The catalog on a date: one scenario per boundary day, asserting exact lists and exact sentences.

Periods are half-open [in force from, in force until): the last day of a period and the first day of the
next are both tested. Dates of 37/RD, 130/NK and 413/NK are unconfirmed estimates in the seeded data.
"""

import datetime

import pytest

from catalog.models import LegalAct, Provision, ProvisionVersion
from catalog.selectors import catalog_on
from tests.factories import LegalActFactory, ProvisionVersionFactory

pytestmark = pytest.mark.django_db

ALL = list(range(1, 20))
AMENDED_BY_413 = [1, 3, 14, 16, 17]

ORDER_UNCONFIRMED = (
    "Order 37/RD took effect not earlier than 27.04.2019 (unconfirmed): the exact date is not confirmed."
)
SOME_UNRECORDED = "Some wordings in force on this date are not recorded in the catalog."
AMENDMENTS_UNCONFIRMED = (
    "The entry into force of {codes} is not confirmed; the wordings shown follow the earliest possible date."
)


def d(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%d.%m.%Y").date()


def activities(result) -> list[tuple[int, str, bool]]:
    """(paragraph, the act that introduced the wording, wording recorded) for each activity, in order."""
    return [(v.provision.paragraph, v.introduced_by.code, v.text_recorded) for v in result.activities]


def criteria(result) -> list[tuple[int | None, str, bool]]:
    return [(v.provision.paragraph, v.introduced_by.code, v.text_recorded) for v in result.own_production_criteria]


def original_wordings(except_=()):
    return [(n, "37/RD", n not in (1, 3, 14, 16, 17, 19)) for n in ALL if n not in except_]


BEFORE_130 = original_wordings()
AFTER_130 = [*original_wordings(except_=[19])[:18], (19, "130/NK", True)]
AFTER_413 = [(n, "413/NK" if n in AMENDED_BY_413 else ("130/NK" if n == 19 else "37/RD"), True) for n in ALL]
APPENDIX_2_BEFORE_130 = [(None, "37/RD", False)]
APPENDIX_2_AFTER_130 = [(1, "130/NK", True), (2, "130/NK", True), (3, "130/NK", True)]


def test_26_04_2019_nothing_in_force_before_the_order_took_effect():
    result = catalog_on(d("26.04.2019"))
    assert result.in_force is False
    assert result.act is None
    assert result.activities == result.own_production_criteria == []
    assert result.notice == (
        "No list was in force on 26.04.2019: order 37/RD took effect not earlier than 27.04.2019 (unconfirmed)."
    )


@pytest.mark.parametrize("day", ["27.04.2019", "29.04.2022"])
def test_original_wordings_from_27_04_2019_to_29_04_2022(day):
    result = catalog_on(d(day))
    assert result.act.code == "37/RD"
    assert activities(result) == BEFORE_130
    assert criteria(result) == APPENDIX_2_BEFORE_130
    assert result.notice == f"{ORDER_UNCONFIRMED} {SOME_UNRECORDED}"
    assert result.accepted_certificate_kinds is None  # the criteria's wording is not recorded


def test_30_04_2022_paragraph_19_and_appendix_2_take_the_wording_of_130_nk():
    result = catalog_on(d("30.04.2022"))
    assert activities(result) == AFTER_130
    assert criteria(result) == APPENDIX_2_AFTER_130
    assert result.activities[18].text.startswith("Services for providing complex computing infrastructure")
    assert result.own_production_criteria[2].text == (
        "The presence of one of the criteria specified in paragraph 2 of this Appendix is sufficient to determine "
        "its own production."
    )
    assert result.notice == " ".join(
        [ORDER_UNCONFIRMED, AMENDMENTS_UNCONFIRMED.format(codes="130/NK"), SOME_UNRECORDED]
    )
    assert result.accepted_certificate_kinds == {"st_kz", "industrial"}


def test_30_09_2023_is_the_last_day_of_the_earlier_wordings_of_five_paragraphs():
    result = catalog_on(d("30.09.2023"))
    assert activities(result) == AFTER_130
    assert criteria(result) == APPENDIX_2_AFTER_130
    for version in result.activities:
        if version.provision.paragraph in AMENDED_BY_413:
            assert version.text == ""
            assert version.in_force_until_display == "not earlier than 01.10.2023 (unconfirmed)"


@pytest.mark.parametrize("day", ["01.10.2023", "31.12.2025"])
def test_from_01_10_2023_to_31_12_2025_the_wordings_of_413_nk(day):
    result = catalog_on(d(day))
    assert result.act.code == "37/RD"
    assert activities(result) == AFTER_413
    assert criteria(result) == APPENDIX_2_AFTER_130
    assert result.activities[0].text.startswith("Creation, introduction, maintenance, development, modification")
    assert result.activities[0].in_force_from_display == "not earlier than 01.10.2023 (unconfirmed)"
    assert result.activities[0].in_force_until_display == "01.01.2026"
    # Every wording is recorded now, so the "not recorded" sentence is gone.
    assert result.notice == " ".join([ORDER_UNCONFIRMED, AMENDMENTS_UNCONFIRMED.format(codes="130/NK, 413/NK")])


def test_01_01_2026_nothing_in_force_after_the_abrogation_by_521_nk():
    result = catalog_on(d("01.01.2026"))
    assert result.in_force is False
    assert result.activities == result.own_production_criteria == []
    assert result.notice == (
        "No list is in force on 01.01.2026: order 37/RD was abrogated by order 521/NK with effect from 01.01.2026, "
        "and no successor list has been entered."
    )


def test_no_version_runs_past_the_abrogation():
    assert not ProvisionVersion.objects.filter(in_force_until__isnull=True).exists()
    assert not ProvisionVersion.objects.in_force(on=d("01.01.2026")).exists()
    assert ProvisionVersion.objects.in_force(on=d("31.12.2025")).count() == 22


def test_past_the_valid_until_date_of_an_act_that_was_never_abrogated():
    """Hypothetically without 521/NK: 37/RD would have run until 01.01.2029, its own paragraph 4."""
    order = LegalAct.objects.get(code="37/RD")
    order.abrogated_by, order.abrogated_from = None, None
    order.save()
    assert activities(catalog_on(d("31.12.2028"))) == AFTER_413
    for day in ["01.01.2029", "15.06.2030"]:
        result = catalog_on(d(day))
        assert result.in_force is False
        assert result.notice == f"No list is in force on {day}: order 37/RD was valid until 01.01.2029."
    assert catalog_on(d("31.12.2028")).activities[0].in_force_until_display == "01.01.2029"


def test_a_successor_list_entered_by_an_editor_is_in_force_from_its_own_date():
    successor = LegalActFactory(code="1/TEST", signed_on=d("01.12.2025"), effective_from=d("01.01.2026"))
    provision = Provision.objects.create(act=successor, appendix=1, paragraph=1)
    ProvisionVersionFactory(provision=provision, text="A successor activity.")
    result = catalog_on(d("01.01.2026"))
    assert result.act == successor
    assert [(v.provision.paragraph, v.text) for v in result.activities] == [(1, "A successor activity.")]
    assert result.notice == ""
    assert activities(catalog_on(d("31.12.2025"))) == AFTER_413


def test_no_list_entered_at_all():
    ProvisionVersion.objects.all().delete()
    Provision.objects.all().delete()
    LegalAct.objects.update(abrogated_by=None, amends=None)
    LegalAct.objects.all().delete()
    assert catalog_on(d("01.01.2024")).notice == "No list of priority activities has been entered in the catalog."


def test_confirming_413_nk_moves_every_answer_that_depends_on_it(client):
    act = LegalAct.objects.get(code="413/NK")
    act.effective_from = d("15.10.2023")
    act.effective_from_confirmed = True
    act.save()

    # The earlier wordings now run two more weeks; the new ones start on the confirmed day.
    assert activities(catalog_on(d("01.10.2023"))) == AFTER_130
    assert activities(catalog_on(d("14.10.2023"))) == AFTER_130
    assert activities(catalog_on(d("15.10.2023"))) == AFTER_413
    first = Provision.objects.get(act__code="37/RD", appendix=1, paragraph=1)
    old, new = first.versions.select_related("introduced_by", "ended_by").order_by("in_force_from")
    assert (old.in_force_until, new.in_force_from) == (d("15.10.2023"), d("15.10.2023"))
    assert old.in_force_until_display == new.in_force_from_display == "15.10.2023"
    assert catalog_on(d("15.10.2023")).notice == " ".join(
        [ORDER_UNCONFIRMED, AMENDMENTS_UNCONFIRMED.format(codes="130/NK")]
    )

    # Every page that showed the estimate now shows the confirmed date.
    for url in [
        "/catalog/?on=15.10.2023",
        "/catalog/?on=14.10.2023",
        f"/catalog/provisions/{first.pk}/",
        "/catalog/acts/",
    ]:
        page = client.get(url).content.decode()
        assert "not earlier than 01.10.2023 (unconfirmed)" not in page, url
        assert "15.10.2023" in page, url
    payload = client.get("/api/catalog/?on=2023-10-15").json()
    assert payload["activities"][0]["in_force_from"] == "2023-10-15"
    assert payload["activities"][0]["introduced_by"] == "413/NK"
    # History records why the stored dates moved.
    assert old.history.first().history_change_reason == "Period follows a change to the dates of an act"
