"""The catalog pages: on a date, one provision's timeline, the comparison of two dates, the legal acts."""

import datetime
import re
import zoneinfo

import pytest
from django.utils.html import escape

from catalog.models import LegalAct, Provision, ProvisionVersion
from tests.factories import AmendmentFactory, LegalActFactory, ProvisionVersionFactory

pytestmark = pytest.mark.django_db

ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def today_is(time_machine):
    def move(day: str):
        date = datetime.datetime.strptime(day, "%d.%m.%Y")
        time_machine.move_to(date.replace(hour=12, tzinfo=ALMATY), tick=False)

    return move


def text_of(response) -> str:
    """The page's visible text with whitespace collapsed, for exact sentences that span template lines."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def paragraph(number: int, appendix: int = 1) -> Provision:
    return Provision.objects.get(act__code="37/RD", appendix=appendix, paragraph=number)


# The catalog on a date


def test_catalog_on_a_date_in_the_past_shows_its_wordings_and_a_banner(client, today_is):
    today_is("10.02.2025")
    response = client.get("/catalog/", {"on": "30.09.2023"})
    assert response.status_code == 200
    catalog = response.context["catalog"]
    assert [v.provision.paragraph for v in catalog.activities] == list(range(1, 20))
    text = text_of(response)
    assert "You are looking at the catalog as it stood on 30.09.2023, not today (10.02.2025)." in text
    assert "The list as the law stood on 30.09.2023." in text
    assert "Order 37/RD — On approval of the list of priority activities" in text
    assert "In force from not earlier than 27.04.2019 (unconfirmed) · until 01.01.2026" in text
    # Paragraph 1 was in force with a wording that is not recorded; paragraph 19 has 130/NK's text.
    assert text.count("Wording not recorded") == 5
    assert escape(paragraph(19).versions.get(introduced_by__code="130/NK").text) in response.content.decode()
    assert "Paragraph 4 History of this paragraph Fundamental and applied researches" in text
    assert "Appendix 2, paragraph 3 History The presence of one of the criteria" in text


def test_catalog_today_by_default_has_no_banner(client, today_is):
    today_is("31.12.2025")
    response = client.get("/catalog/")
    text = text_of(response)
    assert response.context["catalog"].on == datetime.date(2025, 12, 31)
    assert "You are looking at the catalog as it stood on" not in text
    assert 'value="31.12.2025"' in response.content.decode()
    assert "Wording not recorded" not in text
    assert "The entry into force of 130/NK, 413/NK is not confirmed" in text


def test_catalog_when_nothing_is_in_force_gives_the_reason(client, today_is):
    today_is("01.02.2026")
    text = text_of(client.get("/catalog/", {"on": "2026-01-01"}))
    assert (
        "No list in force No list is in force on 01.01.2026: order 37/RD was abrogated by order 521/NK with effect "
        "from 01.01.2026, and no successor list has been entered." in text
    )
    assert "Appendix 1." not in text
    text = text_of(client.get("/catalog/", {"on": "26.04.2019"}))
    assert (
        "No list was in force on 26.04.2019: order 37/RD took effect not earlier than 27.04.2019 (unconfirmed)." in text
    )


@pytest.mark.parametrize("bad", ["31.02.2024", "2024-13-01", "abc"])
def test_a_bad_date_is_explained_beside_the_field(client, today_is, bad):
    today_is("31.12.2025")
    response = client.get("/catalog/", {"on": bad})
    assert response.status_code == 200
    html = response.content.decode()
    message = escape(f"“{bad}” is not a date. Use DD.MM.YYYY (e.g. 31.12.2025) or YYYY-MM-DD.")
    assert f'<div id="id_on_error" class="invalid-feedback">{message}</div>' in html
    assert re.search(r'<input type="text" name="on" id="id_on" class="form-control is-invalid" value="[^"]*"', html)
    assert f'value="{escape(bad)}"' in html  # what the person typed stays in the field
    assert 'aria-describedby="id_on_help id_on_error"' in html
    assert response.context["catalog"].on == datetime.date(2025, 12, 31)  # today is shown meanwhile


def test_navigation_by_role(client, member, editor):
    client.force_login(member)
    assert "Edit catalog (admin)" not in text_of(client.get("/catalog/"))
    client.force_login(editor)
    assert "Edit catalog (admin)" in text_of(client.get("/catalog/"))


def _add_paragraphs(count: int) -> None:
    """Hypothetical further paragraphs of Appendix 1 of 37/RD, each with two wordings, for query counting."""
    order, amendment = LegalAct.objects.get(code="37/RD"), AmendmentFactory(
        code="99/TEST", amends=LegalAct.objects.get(code="37/RD"), signed_on=datetime.date(2024, 1, 1),
        effective_from=datetime.date(2024, 2, 1),
    )  # fmt: skip
    for number in range(20, 20 + count):
        provision = Provision.objects.create(act=order, appendix=1, paragraph=number)
        ProvisionVersionFactory(provision=provision, introduced_by=order, ended_by=amendment)
        ProvisionVersionFactory(provision=provision, introduced_by=amendment, footnote="Test footnote.")


def test_the_catalog_page_makes_the_same_number_of_queries_however_many_provisions(client, django_assert_num_queries):
    # 4 queries: the catalog's revision (the cache's key), the list acts (with the act that abrogated each),
    # then the wordings in force with their provision, provision's act, introducing and ending acts in one
    # join, then the latest check against the official publication with its editor. An anonymous visitor has
    # no session or user to load, and the navigation's roles need no query for them. Asked again while the
    # catalog is unchanged: only the revision (the answer is cached).
    with django_assert_num_queries(4):
        response = client.get("/catalog/", {"on": "31.12.2025"})
    assert len(response.context["catalog"].activities) == 19
    with django_assert_num_queries(1):
        client.get("/catalog/", {"on": "31.12.2025"})

    _add_paragraphs(20)
    with django_assert_num_queries(4):
        response = client.get("/catalog/", {"on": "31.12.2025"})
    assert len(response.context["catalog"].activities) == 39
    assert text_of(response).count("Introduced by 99/TEST") == 20


def test_the_catalog_page_for_a_signed_in_editor_adds_only_the_session_and_user(
    client, editor, django_assert_num_queries
):
    client.force_login(editor)
    # 4 catalog queries (above) + the session + the user + the user's groups (roles for the navigation).
    with django_assert_num_queries(7):
        client.get("/catalog/", {"on": "31.12.2025"})
    _add_paragraphs(20)
    with django_assert_num_queries(7):
        client.get("/catalog/", {"on": "31.12.2025"})


# One provision's timeline


def test_the_timeline_of_a_paragraph_whose_earlier_wording_is_not_recorded(client):
    provision = paragraph(1)
    response = client.get(f"/catalog/provisions/{provision.pk}/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Order 37/RD, Appendix 1, paragraph 1" in text
    # Newest first: the wording of 413/NK, then the earlier one that is not recorded.
    newest = text.index(
        "Introduced by 413/NK · in force from not earlier than 01.10.2023 (unconfirmed) · until 01.01.2026"
    )
    oldest = text.index(
        "Introduced by 37/RD · in force from not earlier than 27.04.2019 (unconfirmed) · until not earlier than "
        "01.10.2023 (unconfirmed)"
    )
    assert newest < oldest
    assert "Wording not recorded" in text
    assert "No comparison possible: the earlier wording is not recorded." in text
    assert "Footnote. Paragraph 1 - as amended by the order of the Acting Minister" in text
    assert "<ins" not in response.content.decode()


def test_the_timeline_shows_word_differences_between_recorded_wordings(client):
    """A hypothetical amendment of paragraph 2 (test data, not law) gives two recorded wordings to compare."""
    provision = paragraph(2)
    amendment = AmendmentFactory(
        code="98/TEST",
        amends=provision.act,
        signed_on=datetime.date(2024, 1, 1),
        effective_from=datetime.date(2024, 2, 1),
    )
    old = provision.versions.get()
    old.ended_by = amendment
    old.save()
    ProvisionVersionFactory(
        provision=provision,
        introduced_by=amendment,
        text=old.text.replace("Creation, experimental", "Creation, pilot").replace("(except for", "(including"),
    )
    response = client.get(f"/catalog/provisions/{provision.pk}/")
    html = response.content.decode()
    assert '<del class="diff">experimental</del><ins class="diff">pilot</ins>' in html
    assert '<del class="diff">(except for</del><ins class="diff">(including</ins>' in html
    assert "Introduced by 98/TEST · in force from 01.02.2024 · until 01.01.2026" in text_of(response)
    assert (
        "Introduced by 37/RD · in force from not earlier than 27.04.2019 (unconfirmed) · until 01.02.2024"
        in text_of(response)
    )


def test_an_unknown_provision_is_a_404(client):
    assert client.get("/catalog/provisions/999999/").status_code == 404


# Comparing two dates


def labels(differences) -> list[str]:
    return [str(d.provision.label) for d in differences]


def test_compare_30_09_2023_with_01_10_2023_five_paragraphs_changed(client):
    response = client.get("/catalog/compare/", {"from": "30.09.2023", "to": "01.10.2023"})
    comparison = response.context["comparison"]
    assert labels(comparison.changed) == [f"Appendix 1, paragraph {n}" for n in (1, 3, 14, 16, 17)]
    assert comparison.added == comparison.removed == []
    assert len(comparison.unchanged) == 14 + 3
    text = text_of(response)
    assert "0 added · 5 changed · 0 removed · 17 unchanged" in text
    assert text.count("No word comparison possible: one of the two wordings is not recorded.") == 5
    assert text.count("Wording of 37/RD → wording of 413/NK") == 5


def test_compare_29_04_2022_with_30_04_2022_the_rewriting_by_130_nk(client):
    comparison = client.get("/catalog/compare/", {"from": "2022-04-29", "to": "2022-04-30"}).context["comparison"]
    assert labels(comparison.changed) == ["Appendix 1, paragraph 19"]
    assert labels(comparison.added) == [f"Appendix 2, paragraph {n}" for n in (1, 2, 3)]
    assert labels(comparison.removed) == ["Appendix 2 (as a whole)"]


def test_compare_31_12_2025_with_01_01_2026_everything_removed(client):
    response = client.get("/catalog/compare/", {"from": "31.12.2025", "to": "01.01.2026"})
    comparison = response.context["comparison"]
    assert len(comparison.removed) == 22
    assert comparison.added == comparison.changed == comparison.unchanged == []
    text = text_of(response)
    assert "0 added · 0 changed · 22 removed · 0 unchanged" in text
    assert "01.01.2026 : No list is in force on 01.01.2026: order 37/RD was abrogated by order 521/NK" in text


def test_compare_with_a_bad_date_explains_it(client):
    response = client.get("/catalog/compare/", {"from": "31.02.2024", "to": "01.01.2026"})
    assert escape("“31.02.2024” is not a date.") in response.content.decode()
    assert 'id="id_from" value="31.02.2024" class="form-control is-invalid"' in response.content.decode()


# The legal acts


def act_rows(response) -> dict[str, str]:
    return {row["act"].code: str(row["status"]) for row in response.context["rows"]}


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (
            "20.04.2019",
            {
                "37/RD": "Not yet in force",
                "130/NK": "Amendment to 37/RD, not yet in effect",
                "413/NK": "Amendment to 37/RD, not yet in effect",
                "521/NK": "Abrogation of 37/RD, not yet in effect",
            },
        ),
        (
            "31.12.2025",
            {
                "37/RD": "In force",
                "130/NK": "Amendment to 37/RD, in effect",
                "413/NK": "Amendment to 37/RD, in effect",
                "521/NK": "Abrogation of 37/RD, not yet in effect",
            },
        ),
        (
            "01.01.2026",
            {
                "37/RD": "Abrogated by 521/NK from 01.01.2026",
                # What they amended went with the act: never "in effect" after it.
                "130/NK": "Amendment to 37/RD; the amended act abrogated from 01.01.2026",
                "413/NK": "Amendment to 37/RD; the amended act abrogated from 01.01.2026",
                "521/NK": "Abrogation of 37/RD, in effect",
            },
        ),
    ],
)
def test_the_acts_page_gives_each_status(client, today_is, today, expected):
    today_is(today)
    response = client.get("/catalog/acts/")
    assert act_rows(response) == expected
    text = text_of(response)
    assert f"Status on {today}." in text
    assert "Amended by 130/NK, 413/NK" in text
    assert "№ 18523, 16.04.2019" in text
    assert "not earlier than 27.04.2019 (unconfirmed)" in text
    assert "01.01.2029" in text


def test_the_acts_page_shows_an_expiry(client, today_is):
    today_is("02.01.2029")
    LegalActFactory(code="2/TEST", effective_from=datetime.date(2026, 3, 1), valid_until=datetime.date(2029, 1, 1))
    assert act_rows(client.get("/catalog/acts/"))["2/TEST"] == "Expired on 01.01.2029"


def test_no_catalog_page_says_until_twice(client, today_is):
    # "until until further notice" came from putting a period's end ("until further notice") after "until".
    from catalog.models import Provision

    today_is("31.12.2025")
    pages = ["/catalog/acts/", "/catalog/compare/?from=30.09.2023&to=01.01.2026"]
    pages += [f"/catalog/?on={day}" for day in ("01.05.2019", "01.06.2022", "10.10.2023", "31.12.2025", "01.01.2026")]
    pages += [f"/catalog/provisions/{pk}/" for pk in Provision.objects.values_list("pk", flat=True)]
    for page in pages:
        text = " ".join(text_of(client.get(page)).split())
        assert "until until" not in text.lower(), page


def test_the_acts_page_query_count_does_not_grow_with_acts(client, django_assert_num_queries):
    # 3 queries: the acts with what each amends and who abrogated it, then all amendments prefetched, then the
    # latest check against the official publication.
    with django_assert_num_queries(3):
        client.get("/catalog/acts/")
    for n in range(5):
        AmendmentFactory(code=f"{n}/AM", amends=LegalAct.objects.get(code="37/RD"), signed_on=datetime.date(2024, 1, 1),
                         effective_from=datetime.date(2024, 2, 1))  # fmt: skip
    with django_assert_num_queries(3):
        client.get("/catalog/acts/")
    assert ProvisionVersion.objects.count() == 29
