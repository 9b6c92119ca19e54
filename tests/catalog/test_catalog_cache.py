"""The public catalog page and API answer a date from the cache while the catalog is unchanged (one query: its
revision), and any change to the catalog (a check recorded, a wording corrected) drops the cached answers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import ProvisionVersion, PublicationCheck

from .workbench import editor

pytestmark = pytest.mark.django_db
ON = datetime.date(2024, 6, 1)


def queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured), response


@pytest.mark.parametrize(
    ("url", "params"), [("/catalog/", {"on": "01.06.2024"}), ("/api/catalog/", {"on": "2024-06-01"})]
)
def test_a_second_reader_of_the_same_date_costs_one_query_and_reads_the_same(client, url, params):
    cold, first = queries(client, url, params)
    warm, second = queries(client, url, params)
    assert warm == 1 < cold
    assert first.content == second.content or url == "/catalog/"  # the page has its own CSRF token
    if url == "/catalog/":
        assert second.context["catalog"].activities == first.context["catalog"].activities


def test_a_check_recorded_and_a_wording_corrected_show_at_once(client):
    sentence = "Checked against the official publication on 30.05.2024 by A. Seitkali."
    assert sentence not in client.get("/catalog/", {"on": "01.06.2024"}).content.decode()
    before = client.get("/api/catalog/", {"on": "2024-06-01"}).json()
    PublicationCheck.objects.create(
        checked_on=datetime.date(2024, 5, 30), checked_by=editor("a@example.com"), shown_name="A. Seitkali"
    )
    assert sentence in client.get("/catalog/", {"on": "01.06.2024"}).content.decode()
    assert client.get("/api/catalog/", {"on": "2024-06-01"}).json()["checked_sentence"] == sentence

    version = ProvisionVersion.objects.in_force(on=ON).filter(provision__appendix=1).order_by("pk").first()
    page = client.get("/catalog/", {"on": "01.06.2024"}).content.decode()  # its lists now in the fragment cache
    assert version.text in page and "Corrected from the official publication." not in page
    version.text = "Corrected from the official publication."
    version.save()  # as the workbench's correction does, with its history row
    after = client.get("/api/catalog/", {"on": "2024-06-01"}).json()
    assert after != before
    assert "Corrected from the official publication." in [item["text"] for item in after["activities"]]
    assert "Corrected from the official publication." in client.get("/catalog/", {"on": "01.06.2024"}).content.decode()


def test_the_pages_lists_are_rendered_once_per_date_and_language(client, settings):
    """The page's lists (the template's {% cache %}, keyed by date, language and the catalog's revision)."""
    from django.utils import translation

    heading = "Appendix 2. Criteria of own production"
    with translation.override("kk"):
        in_kazakh = translation.gettext(heading)
    assert in_kazakh != heading
    english = client.get("/catalog/", {"on": "01.06.2024"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "kk"
    kazakh = client.get("/catalog/", {"on": "01.06.2024"}).content.decode()
    assert heading in english and in_kazakh not in english
    assert in_kazakh in kazakh and heading not in kazakh
    other_day = client.get("/catalog/", {"on": "01.01.2026"}).content.decode()
    assert in_kazakh not in other_day  # no list in force on 01.01.2026: not the cached lists of 01.06.2024


def test_the_wordings_of_provisions_come_from_the_cache_until_one_changes():
    """cached_wordings (the review screen's wordings of the claimed provisions): the revision and the wordings not
    cached yet, then the revision only; a corrected wording shows at once."""
    from catalog.models import Provision
    from catalog.selectors import cached_wordings

    ids = list(Provision.objects.filter(appendix=1).order_by("paragraph").values_list("pk", flat=True)[:3])
    expected = {
        pk: list(ProvisionVersion.objects.filter(provision_id=pk).select_related("introduced_by")) for pk in ids
    }
    with CaptureQueriesContext(connection) as cold:
        first = cached_wordings(ids)
    with CaptureQueriesContext(connection) as warm:
        second = cached_wordings(ids)
    assert len(cold) == 2 and len(warm) == 1
    assert first == second == expected and all(expected.values())
    assert [v.introduced_by.code for v in second[ids[0]]] == [v.introduced_by.code for v in expected[ids[0]]]
    assert cached_wordings([]) == {}

    version = expected[ids[0]][0]
    version.text, version.text_recorded = "Corrected from the official publication.", True
    version.save()
    assert cached_wordings(ids)[ids[0]][0].text == "Corrected from the official publication."


def test_rows_in_bulk_come_from_the_cache_until_the_catalog_changes():
    """cached_in_bulk (the timeline's provisions, wordings and acts): as in_bulk, the revision and the rows not
    cached yet, then the revision only; an edited act shows at once; no ids, no query."""
    from catalog.models import LegalAct, Provision
    from catalog.selectors import cached_in_bulk

    ids = list(Provision.objects.order_by("pk").values_list("pk", flat=True)[:3])
    queryset = Provision.objects.select_related("act")
    with CaptureQueriesContext(connection) as cold:
        first = cached_in_bulk("provision", queryset, ids)
    with CaptureQueriesContext(connection) as warm:
        second = cached_in_bulk("provision", queryset, ids)
    assert len(cold) == 2 and len(warm) == 1
    assert first == second == queryset.in_bulk(ids)
    assert [str(second[pk]) for pk in ids] == [str(p) for p in queryset.filter(pk__in=ids).order_by("pk")]
    with CaptureQueriesContext(connection) as none:
        assert cached_in_bulk("provision", queryset, []) == {}
    assert len(none) == 0

    act = second[ids[0]].act
    act.title = "Renamed from the official publication"
    act.save()
    assert cached_in_bulk("act", LegalAct.objects.all(), [act.pk])[act.pk].title == act.title
    assert cached_in_bulk("provision", queryset, ids)[ids[0]].act.title == act.title
