"""Changes to the catalog as services: drafts stay invisible, publishing writes exactly what was entered, periods
follow the acts' dates, four eyes, and every refusal is whole and says what to change."""

import datetime

import pytest
from django.test import override_settings

from catalog import changes
from catalog.changes import ChangeError, change_publish, change_submit
from catalog.models import CatalogChange, LegalAct, Provision, ProvisionVersion
from catalog.selectors import acts_with_status, catalog_on

from .workbench import Action, Kind, act, current, make_change, publish, successor_list

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def in_february_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def successor(author, approver) -> LegalAct:
    """45/TEST, published: in force from 01.03.2026 with three activities and two criteria (test data)."""
    publish(successor_list(author), author, approver)
    return act("45/TEST")


# --- drafts are invisible ----------------------------------------------------------------------------------


def test_a_draft_is_invisible_to_the_catalog_the_api_and_the_pages(client, author):
    change = successor_list(author)
    change_submit(change=change, user=author)  # awaiting approval: still not published
    assert not catalog_on(MARCH).in_force
    assert "45/TEST" not in [row["act"].code for row in acts_with_status(MARCH)]
    for url in ("/catalog/?on=01.03.2026", "/catalog/acts/", "/api/catalog/?on=2026-03-01",
                "/catalog/compare/?from=31.12.2025&to=01.03.2026"):  # fmt: skip
        page = client.get(url).content.decode()
        assert "45/TEST" not in page, url
        assert "Test activity one" not in page, url
    assert not Provision.objects.filter(act__code="45/TEST").exists()


# --- publishing writes what was entered ------------------------------------------------------------------


def test_a_published_list_is_the_catalog_from_its_effective_date(successor):
    assert catalog_on(datetime.date(2026, 2, 28)).in_force is False
    result = catalog_on(MARCH)
    assert result.act == successor
    assert [(v.provision.paragraph, v.text) for v in result.activities] == [
        (1, "Test activity one: software development (test data)."),
        (2, "Test activity two: data processing services (test data)."),
        (3, "Test activity three: computing infrastructure (test data)."),
    ]
    assert result.activities[1].footnote == "Footnote. Test footnote (test data)."
    assert [v.provision.paragraph for v in result.own_production_criteria] == [1, 2]
    assert result.accepted_certificate_kinds == {"st_kz", "industrial"}
    assert (result.criteria_state, result.criteria_notice) == ("listed", "")
    assert all(v.in_force_from == MARCH and v.in_force_until is None for v in result.activities)
    assert result.notice == ""  # the date is confirmed, every wording recorded


def test_a_list_that_sets_no_criteria_says_so_everywhere(client, author, approver):
    publish(successor_list(author, criteria=[], sets_no_own_production_criteria=True), author, approver)
    result = catalog_on(MARCH)
    assert result.act.sets_no_own_production_criteria is True
    assert result.own_production_criteria == []
    assert result.criteria_state == "none_set"
    assert result.criteria_notice == "Order 45/TEST sets no criteria of own production of goods."
    page = client.get("/catalog/", {"on": "01.03.2026"}).content.decode()
    assert "Order 45/TEST sets no criteria of own production of goods." in page
    data = client.get("/api/catalog/", {"on": "2026-03-01"}).json()
    assert data["own_production_criteria_state"] == "none_set"
    assert data["act"]["sets_no_own_production_criteria"] is True


def test_a_list_must_state_its_criteria_or_that_it_sets_none(author):
    change = successor_list(author, criteria=[])
    with pytest.raises(ChangeError) as refused:
        change_submit(change=change, user=author)
    assert refused.value.messages == ["Enter its criteria of own production (Appendix 2), or state that it sets none."]
    change.refresh_from_db()
    assert change.state == "draft"


def test_an_amendment_rewrites_adds_and_repeals_and_periods_follow_its_date(successor, author, approver):
    june = datetime.date(2026, 6, 1)
    old_two, old_three = current("45/TEST", 1, 2), current("45/TEST", 1, 3)
    amendment = make_change(
        Kind.AMENDMENT, author, code="46/TEST", title="A hypothetical amendment (test data)",
        signed_on=datetime.date(2026, 5, 10), effective_from=june, effective_from_confirmed=False,
        effective_from_basis="Ten days after publication (test data).", amends=successor,
        rows=[
            {"action": Action.REWRITE, "target": old_two, "text": "Test activity two, rewritten (test data)."},
            {"action": Action.ADD, "appendix": 1, "paragraph": 4, "text": "Test activity four (test data)."},
            {"action": Action.REPEAL, "target": old_three},
        ],
    )  # fmt: skip
    publication = publish(amendment, author, approver)
    assert publication.act.code == "46/TEST" and publication.act.amends == successor
    old_two.refresh_from_db()
    old_three.refresh_from_db()
    assert (old_two.in_force_until, old_two.ended_by.code) == (june, "46/TEST")
    assert (old_three.in_force_until, old_three.ended_by.code) == (june, "46/TEST")
    before, after = catalog_on(datetime.date(2026, 5, 31)), catalog_on(june)
    assert [v.provision.paragraph for v in before.activities] == [1, 2, 3]
    assert [(v.provision.paragraph, v.text) for v in after.activities] == [
        (1, "Test activity one: software development (test data)."),
        (2, "Test activity two, rewritten (test data)."),
        (4, "Test activity four (test data)."),
    ]
    assert after.notice == (
        "The entry into force of 46/TEST is not confirmed; the wordings shown follow the earliest possible date."
    )

    # Confirming the amendment's real date later moves every period that hangs on it, nothing edited twice.
    correction = make_change(
        Kind.ACT_FACTS, author, target_act=publication.act,
        **{name: getattr(publication.act, name) for name in changes.ACT_FACTS},
    )  # fmt: skip
    correction.target_act_facts = changes.act_facts_snapshot(publication.act)
    correction.effective_from, correction.effective_from_confirmed = datetime.date(2026, 6, 5), True
    correction.save()
    publish(correction, author, approver)
    old_two.refresh_from_db()
    assert old_two.in_force_until == datetime.date(2026, 6, 5)
    assert current("45/TEST", 1, 2).in_force_from == datetime.date(2026, 6, 5)
    assert [v.provision.paragraph for v in catalog_on(datetime.date(2026, 6, 4)).activities] == [1, 2, 3]


def test_an_abrogation_ends_the_list_from_its_date(successor, author, approver):
    abrogation = make_change(
        Kind.ABROGATION, author, code="47/TEST", title="A hypothetical abrogation (test data)",
        signed_on=datetime.date(2026, 8, 1), effective_from=datetime.date(2026, 9, 1), effective_from_confirmed=True,
        abrogated_from=datetime.date(2026, 9, 1), abrogates=[successor],
    )  # fmt: skip
    publish(abrogation, author, approver)
    successor.refresh_from_db()
    assert (successor.abrogated_by.code, successor.abrogated_from) == ("47/TEST", datetime.date(2026, 9, 1))
    assert catalog_on(datetime.date(2026, 8, 31)).in_force
    assert catalog_on(datetime.date(2026, 9, 1)).notice == (
        "No list is in force on 01.09.2026: order 45/TEST was abrogated by order 47/TEST with effect from "
        "01.09.2026, and no successor list has been entered."
    )


def test_recording_an_unrecorded_wording_fills_the_gap(author, approver):
    gap = ProvisionVersion.objects.get(provision__act__code="37/RD", provision__paragraph=1, text_recorded=False)
    change = make_change(
        Kind.WORDING, author, rows=[{"action": Action.RECORD, "target": gap, "text": "An earlier wording (test data)."}]
    )
    publish(change, author, approver)
    gap.refresh_from_db()
    assert (gap.text, gap.text_recorded, gap.in_force_until) == (
        "An earlier wording (test data).",
        True,
        datetime.date(2023, 10, 1),
    )
    assert gap.history.order_by("-history_id").first().history_user.email == "approver@example.com"
    # Recorded once: a second draft for it is refused.
    again = make_change(Kind.WORDING, author, rows=[{"action": Action.RECORD, "target": gap, "text": "Other."}])
    with pytest.raises(ChangeError, match="is already recorded"):
        change_submit(change=again, user=author)


# --- four eyes and the steps of a change -------------------------------------------------------------------


def test_the_author_cannot_approve_their_own_change(author):
    change = successor_list(author)
    change_submit(change=change, user=author)
    change.refresh_from_db()
    with pytest.raises(ChangeError) as refused:
        change_publish(change=change, user=author, revision=change.revision)
    assert refused.value.messages == [
        "You entered this change, so another catalog editor must approve it: publishing needs four eyes."
    ]
    change.refresh_from_db()
    assert change.state == "awaiting_approval"
    assert not LegalAct.objects.filter(code="45/TEST").exists()


@override_settings(CATALOG_FOUR_EYES=False)
def test_a_small_park_may_let_one_editor_publish(author):
    change = successor_list(author)
    change_submit(change=change, user=author)
    change.refresh_from_db()
    change_publish(change=change, user=author, revision=change.revision)
    change.refresh_from_db()
    assert (change.state, change.created_by, change.approved_by) == ("published", author, author)


def test_nothing_unread_is_published(author, approver):
    change = successor_list(author)
    change_submit(change=change, user=author)
    change.refresh_from_db()
    with pytest.raises(ChangeError, match="edited after you opened it"):
        change_publish(change=change, user=approver, revision=change.revision - 1)
    assert not LegalAct.objects.filter(code="45/TEST").exists()


def test_a_draft_cannot_be_published_before_it_is_submitted(author, approver):
    change = successor_list(author)
    with pytest.raises(ChangeError, match="Only a change awaiting approval can be approved or returned"):
        change_publish(change=change, user=approver, revision=change.revision)


def test_return_take_back_and_discard(author, approver):
    change = successor_list(author)
    change_submit(change=change, user=author)
    with pytest.raises(ChangeError, match="Say what the author should change"):
        changes.change_return(change=change, user=approver, note="   ")
    with pytest.raises(ChangeError, match="To change your own submitted change, take it back instead."):
        changes.change_return(change=change, user=author, note="Mine.")
    changes.change_return(change=change, user=approver, note="Paragraph 2: check the footnote (test).")
    change.refresh_from_db()
    assert (change.state, change.returned_by, change.return_note) == (
        "draft",
        approver,
        "Paragraph 2: check the footnote (test).",
    )
    with pytest.raises(ChangeError, match="Only Aigerim Seitkali, who entered this change"):
        changes.change_discard(change=change, user=approver)
    change_submit(change=change, user=author)
    changes.change_take_back(change=change, user=author)
    changes.change_discard(change=change, user=author)
    change.refresh_from_db()
    assert change.state == "discarded"
    with pytest.raises(ChangeError, match="is discarded and can no longer be discarded"):
        changes.change_discard(change=change, user=author)
    assert [h.history_change_reason for h in change.history.order_by("history_id")][1:] == [
        "Submitted for approval",
        "Returned to its author",
        "Submitted for approval",
        "Taken back by its author",
        "Discarded by its author",
    ]


def test_someone_who_is_no_editor_is_refused_every_step(author, approver):
    from tests.factories import UserFactory

    outsider = UserFactory(username="staff@example.com", is_staff=True)
    change = successor_list(author)
    for action in ("edit", "submit", "take_back", "return", "publish", "discard"):
        assert changes.refusal(outsider, change, action) == "Only catalog editors work on changes to the catalog."
    with pytest.raises(ChangeError):
        change_submit(change=change, user=outsider)


# --- the catalog may move between saving and publishing ----------------------------------------------------


def test_a_code_taken_since_the_draft_was_saved_is_refused_at_publication(author, approver):
    first, second = successor_list(author), successor_list(author, code="45/TEST-B")
    change_submit(change=first, user=author)
    change_submit(change=second, user=author)
    CatalogChange.objects.filter(pk=second.pk).update(code="45/test")  # as if typed in another case meanwhile
    first.refresh_from_db()
    change_publish(change=first, user=approver, revision=first.revision)
    second.refresh_from_db()
    with pytest.raises(ChangeError) as refused:
        change_publish(change=second, user=approver, revision=second.revision)
    assert refused.value.messages[0] == (
        "An act with the code 45/TEST is already in the catalog. Check the code as printed on the act."
    )
    assert refused.value.messages[1].startswith("Order 45/TEST is in force from 01.03.2026 with no end date;")
    assert LegalAct.objects.filter(code__iexact="45/test").count() == 1


def test_a_rewrite_of_a_wording_replaced_meanwhile_is_refused(successor, author, approver):
    target = current("45/TEST", 1, 1)

    def rewrite(code, text):
        return make_change(
            Kind.AMENDMENT, author, code=code, title="Test", signed_on=datetime.date(2026, 5, 1),
            effective_from=datetime.date(2026, 6, 1), effective_from_confirmed=True, amends=successor,
            rows=[{"action": Action.REWRITE, "target": target, "text": text}],
        )  # fmt: skip

    first, second = rewrite("46/TEST", "First rewrite (test data)."), rewrite("48/TEST", "Second rewrite (test data).")
    change_submit(change=second, user=author)
    publish(first, author, approver)
    second.refresh_from_db()
    with pytest.raises(ChangeError) as refused:
        change_publish(change=second, user=approver, revision=second.revision)
    assert refused.value.messages == [
        "Appendix 1, paragraph 1: The wording of 45/TEST Appendix 1, paragraph 1 you chose has since been replaced "
        "by 46/TEST: choose the paragraph again, so that you change its current wording."
    ]
    assert ProvisionVersion.objects.filter(introduced_by__code="48/TEST").count() == 0


def test_an_amendment_may_not_empty_its_list(successor, author):
    change = make_change(
        Kind.AMENDMENT, author, code="46/TEST", title="Test", signed_on=datetime.date(2026, 5, 1),
        effective_from=datetime.date(2026, 6, 1), effective_from_confirmed=True, amends=successor,
        rows=[{"action": Action.REPEAL, "target": current("45/TEST", 1, n)} for n in (1, 2, 3)],
    )  # fmt: skip
    with pytest.raises(ChangeError) as refused:
        change_submit(change=change, user=author)
    assert refused.value.messages == [
        "After this amendment no activity of 45/TEST would be in force. To end a list, enter an abrogation."
    ]


def test_a_correction_of_an_act_changed_since_is_refused(author, approver):
    amendment = act("413/NK")

    def confirm(day):
        change = make_change(
            Kind.ACT_FACTS, author, target_act=amendment, target_act_facts=changes.act_facts_snapshot(amendment),
            **{**{name: getattr(amendment, name) for name in changes.ACT_FACTS},
               "effective_from": day, "effective_from_confirmed": True},
        )  # fmt: skip
        return change

    first, second = confirm(datetime.date(2023, 10, 12)), confirm(datetime.date(2023, 10, 20))
    change_submit(change=second, user=author)
    publish(first, author, approver)
    second.refresh_from_db()
    with pytest.raises(ChangeError) as refused:
        change_publish(change=second, user=approver, revision=second.revision)
    assert refused.value.messages[0] == (
        "The facts of 413/NK have changed since this draft was made (another correction was published). "
        "Discard this draft and start again from the act as it is now."
    )
    amendment.refresh_from_db()
    assert amendment.effective_from == datetime.date(2023, 10, 12)


def test_a_list_overlapping_another_is_refused(author):
    change = successor_list(author, effective_from=datetime.date(2025, 12, 1), signed_on=datetime.date(2025, 11, 1))
    with pytest.raises(ChangeError) as refused:
        change_submit(change=change, user=author)
    assert refused.value.messages == [
        "Order 37/RD is in force from 27.04.2019 until 01.01.2026; with these dates both lists would be in force on "
        "the same days. Check the dates, or first publish the act that ends 37/RD."
    ]
