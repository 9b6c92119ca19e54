"""GET /api/catalog/?on=...: the catalog on a date as JSON, in exactly the shape the issue lists."""

import datetime
import zoneinfo

import pytest

from catalog.models import LegalAct

pytestmark = pytest.mark.django_db

URL = "/api/catalog/"
ACT_KEYS = {
    "code",
    "title",
    "effective_from",
    "effective_from_confirmed",
    "valid_until",
    "abrogated_from",
    "abrogated_by",
    "sets_no_own_production_criteria",
}
ITEM_KEYS = {
    "appendix",
    "paragraph",
    "text",
    "text_recorded",
    "footnote",
    "language",
    "official",
    "language_notice",
    "in_force_from",
    "in_force_until",
    "introduced_by",
}
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def get(client, on=None):
    return client.get(URL, {"on": on} if on is not None else {})


def test_the_shape_and_values_on_31_12_2025(client):
    response = get(client, "2025-12-31")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {
        "on", "language", "in_force", "notice", "act", "activities", "own_production_criteria",
        "own_production_criteria_state", "own_production_criteria_notice", "checked_against_official_publication",
        "checked_sentence",
    }  # fmt: skip
    assert data["own_production_criteria_state"] == "listed"
    assert data["own_production_criteria_notice"] is None
    assert data["checked_against_official_publication"] is None
    assert (
        data["checked_sentence"] == "No check of this catalog against the official publication has been recorded yet."
    )
    assert data["on"] == "2025-12-31"
    assert data["in_force"] is True
    assert data["notice"].startswith("Order 37/RD took effect not earlier than 27.04.2019 (unconfirmed)")
    assert data["act"] == {
        "code": "37/RD",
        "title": "On approval of the list of priority activities in the field of information and communication "
        "technologies and criteria for own production",
        "effective_from": "2019-04-27",
        "effective_from_confirmed": False,
        "valid_until": "2029-01-01",
        "abrogated_from": "2026-01-01",
        "abrogated_by": "521/NK",
        "sets_no_own_production_criteria": False,
    }
    assert set(data["act"]) == ACT_KEYS
    for item in data["activities"] + data["own_production_criteria"]:
        assert set(item) == ITEM_KEYS
    assert [i["paragraph"] for i in data["activities"]] == list(range(1, 20))
    assert {i["appendix"] for i in data["activities"]} == {1}
    assert [(i["appendix"], i["paragraph"]) for i in data["own_production_criteria"]] == [(2, 1), (2, 2), (2, 3)]
    first = data["activities"][0]
    assert first["text"].startswith("Creation, introduction, maintenance, development, modification and sale")
    assert first["text_recorded"] is True
    assert first["footnote"].startswith("Footnote. Paragraph 1 - as amended by the order of the Acting Minister")
    assert (first["in_force_from"], first["in_force_until"], first["introduced_by"]) == (
        "2023-10-01",
        "2026-01-01",
        "413/NK",
    )
    second = data["activities"][1]
    assert (second["footnote"], second["in_force_from"], second["introduced_by"]) == (None, "2019-04-27", "37/RD")


def test_text_is_null_where_the_wording_is_not_recorded(client):
    data = get(client, "2019-04-27").json()
    unrecorded = [i["paragraph"] for i in data["activities"] if i["text"] is None]
    assert unrecorded == [1, 3, 14, 16, 17, 19]
    assert all(i["text_recorded"] is False for i in data["activities"] if i["text"] is None)
    assert all(isinstance(i["text"], str) and i["text"] for i in data["activities"] if i["text_recorded"])
    assert data["own_production_criteria"] == [
        {
            "appendix": 2,
            "paragraph": None,
            "text": None,
            "text_recorded": False,
            "footnote": None,
            "language": "en",
            "official": False,
            "language_notice": None,
            "in_force_from": "2019-04-27",
            "in_force_until": "2022-04-30",
            "introduced_by": "37/RD",
        }
    ]


def test_nothing_in_force_from_01_01_2026(client):
    data = get(client, "2026-01-01").json()
    assert data == {
        "on": "2026-01-01",
        "language": "en",
        "in_force": False,
        "notice": "No list is in force on 01.01.2026: order 37/RD was abrogated by order 521/NK with effect from "
        "01.01.2026, and no successor list has been entered.",
        "act": None,
        "activities": [],
        "own_production_criteria": [],
        "own_production_criteria_state": "no_list",
        "own_production_criteria_notice": "No list is in force, so no criteria of own production apply.",
        "checked_against_official_publication": None,
        "checked_sentence": "No check of this catalog against the official publication has been recorded yet.",
    }


def test_today_by_default(client, time_machine):
    time_machine.move_to(datetime.datetime(2024, 3, 5, 10, 0, tzinfo=ALMATY), tick=False)
    data = get(client).json()
    assert data["on"] == "2024-03-05"
    assert data["in_force"] is True
    time_machine.move_to(datetime.datetime(2026, 2, 1, 10, 0, tzinfo=ALMATY), tick=False)
    assert get(client).json()["in_force"] is False


def test_today_is_the_day_in_almaty_not_utc(client, time_machine):
    # 31.12.2025 22:00 UTC is already 01.01.2026 in Almaty: the abrogation applies.
    time_machine.move_to(datetime.datetime(2025, 12, 31, 22, 0, tzinfo=datetime.UTC), tick=False)
    assert get(client).json()["on"] == "2026-01-01"


def test_dd_mm_yyyy_is_accepted_too(client):
    assert get(client, "30.04.2022").json() == get(client, "2022-04-30").json()
    assert get(client, " 30.04.2022 ").json()["on"] == "2022-04-30"


@pytest.mark.parametrize("bad", ["2024-13-01", "abc", "31.02.2024", "2024-02-30", "12/31/2025", "2025-1"])
def test_a_malformed_date_is_a_400_with_an_error(client, bad):
    response = get(client, bad)
    assert response.status_code == 400
    assert response.json() == {
        "error": f"“{bad}” is not a date. Use DD.MM.YYYY (e.g. 31.12.2025) or YYYY-MM-DD.",
    }


def test_a_confirmed_date_shows_as_confirmed(client):
    act = LegalAct.objects.get(code="37/RD")
    act.effective_from, act.effective_from_confirmed = datetime.date(2019, 5, 2), True
    act.save()
    data = get(client, "2019-05-01").json()
    assert data["in_force"] is False
    assert data["notice"] == "No list was in force on 01.05.2019: order 37/RD took effect on 02.05.2019."
    data = get(client, "2019-05-02").json()
    assert data["act"]["effective_from"] == "2019-05-02"
    assert data["act"]["effective_from_confirmed"] is True


def test_only_get(client):
    assert client.post(URL, {"on": "2025-12-31"}).status_code == 405
