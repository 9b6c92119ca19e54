"""A decision freezes its addressee and the decider's name: renaming the organisation, moving its address or
renaming the reviewer afterwards changes nothing already decided (letter, status page, review screen, export)."""

import pytest
from django.urls import reverse

from applications.models import Decision
from applications.review import exports
from applications.review.selectors import QueueFilters
from tests.review.conftest import approve


def _rename_everything(organisation, reviewer):
    organisation.name = "Renamed Later LLP"
    organisation.legal_address = "1 New Street, Almaty"
    organisation.director = "New Director"
    organisation.contact_email = "new@example.com"
    organisation.save()
    reviewer.first_name, reviewer.last_name = "Someone", "Else"
    reviewer.save()


def _letter(response) -> str:
    page = response.content.decode()
    return page[page.index('<article class="letter">') : page.index("</article>")]


@pytest.fixture
def decided(in_review, rev):
    rev.first_name, rev.last_name = "Aigerim", "Reviewer"
    rev.save()
    organisation = in_review.organisation
    decision = approve(in_review, rev)
    return decision, organisation


@pytest.mark.django_db
def test_the_decision_records_the_addressee_and_the_decider_as_they_stood(decided):
    decision, organisation = decided
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.addressee_name == organisation.name
    assert decision.addressee_bin == organisation.bin
    assert decision.addressee_address == organisation.legal_address
    assert decision.addressee_director == organisation.director
    assert decision.addressee_email == organisation.contact_email
    assert decision.addressee_phone == organisation.contact_phone
    assert decision.decided_by_name == "Aigerim Reviewer"


@pytest.mark.django_db
def test_renaming_the_organisation_after_the_decision_leaves_the_letter_unchanged(client, decided, member, rev):
    decision, organisation = decided
    old_name, old_address = organisation.name, organisation.legal_address
    client.force_login(member)
    letter_url = reverse("applications:letter", args=[decision.application.reference])
    before = _letter(client.get(letter_url))
    _rename_everything(organisation, rev)

    after = _letter(client.get(letter_url))
    assert after == before
    assert old_name in after and old_address in after and "Aigerim Reviewer" in after
    assert "Renamed Later LLP" not in after and "1 New Street" not in after and "Someone Else" not in after


@pytest.mark.django_db
def test_the_review_screen_and_the_export_name_the_decider_and_addressee_as_decided(client, decided, rev):
    decision, organisation = decided
    old_name = organisation.name
    _rename_everything(organisation, rev)
    client.force_login(rev)
    screen = client.get(reverse("review:application", args=[decision.application.reference])).content.decode()
    assert "Aigerim Reviewer" in screen and "Someone Else" not in screen

    decisions = exports.decisions_for_export(user=rev, filters=QueueFilters(status="all"))
    rows = list(exports.export_rows(decisions, exports.Labels()))
    assert rows[0][1] == old_name
    assert rows[0][8] == "Aigerim Reviewer"
