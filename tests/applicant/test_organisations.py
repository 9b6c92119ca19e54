"""Registering and changing an organisation: BIN messages, duplicates, membership, history."""

import datetime

import pytest
from django.urls import reverse

from applications.models import Organisation
from tests.factories import OrganisationFactory, member_of, submitted_application

pytestmark = pytest.mark.django_db


def profile(**overrides):
    return {
        "name": "Qazaq Code LLP",
        "bin": "940140000385",
        "legal_address": "Dostyk 20, Astana",
        "director": "Nurlan Abenov",
        "contact_email": "hello@qazaqcode.kz",
        "contact_phone": "+7 7172 55 02 02",
        **overrides,
    }


def test_the_creator_becomes_the_first_member_and_the_history_names_them(client, member):
    client.force_login(member)
    response = client.post(reverse("applications:organisation_create"), profile(bin="9401 4000 0385"), follow=True)
    page = response.content.decode()
    organisation = Organisation.objects.get()
    assert organisation.bin == "940140000385"  # spaces typed between groups of digits are dropped
    assert "Qazaq Code LLP is registered. You can now start an application." in page
    assert "member@example.com" in page and "Start a new application" in page
    assert list(organisation.members.all()) == [member]
    assert organisation.history.get().history_user == member
    assert organisation.memberships.get().history.get().history_user == member


@pytest.mark.parametrize(
    ("bin_", "message"),
    [
        ("940140000386", "The check digit (the 12th) does not match the first 11 digits."),
        ("94014000038", "A BIN has exactly 12 digits; this one has 11."),
        ("94014O000385", "A BIN has digits only (12 of them)."),
        ("941340000385", "Digits 3-4 of a BIN are the month of registration (01-12), not 13."),
        ("", "Enter the BIN."),
    ],
)
def test_a_wrong_bin_is_refused_with_what_is_wrong_and_the_rest_kept(client, member, bin_, message):
    client.force_login(member)
    response = client.post(reverse("applications:organisation_create"), profile(bin=bin_))
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert 'value="Qazaq Code LLP"' in page
    assert not Organisation.objects.exists()


def test_a_bin_registered_by_another_organisation_is_refused(client, member):
    OrganisationFactory(bin="940140000385")
    client.force_login(member)
    response = client.post(reverse("applications:organisation_create"), profile())
    assert "An organisation with this BIN is already registered." in response.content.decode()
    assert Organisation.objects.count() == 1


def test_other_fields_are_checked_with_plain_messages(client, member):
    client.force_login(member)
    page = client.post(
        reverse("applications:organisation_create"), profile(name="", contact_email="not-an-address", contact_phone="x")
    ).content.decode()
    assert "Enter the name of the organisation." in page
    assert "Enter a valid email address." in page
    assert "Enter a phone number of digits, spaces, brackets or dashes" in page


def test_a_member_changes_the_details(member_client, organisation):
    response = member_client.post(
        reverse("applications:organisation_edit", args=[organisation.pk]),
        profile(name="Steppe Software JSC", bin=organisation.bin),
        follow=True,
    )
    assert "The organisation&#x27;s details are saved." in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.name == "Steppe Software JSC"
    assert organisation.history.first().history_change_reason == "Profile changed"


def test_the_bin_is_fixed_once_an_application_was_submitted(member_client, member, organisation):
    submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 3, 3))
    url = reverse("applications:organisation_edit", args=[organisation.pk])
    page = member_client.get(url).content.decode()
    assert "The BIN cannot be changed after an application has been submitted." in page
    member_client.post(url, profile(name="Renamed LLP", bin="990140004654"))
    organisation.refresh_from_db()
    assert organisation.bin != "990140004654"  # a disabled field ignores what is posted
    assert organisation.name == "Renamed LLP"


def test_an_outsider_gets_404_for_every_organisation_page(outsider_client, organisation):
    for name in ("organisation_detail", "organisation_edit"):
        assert outsider_client.get(reverse(f"applications:{name}", args=[organisation.pk])).status_code == 404
    for name in ("organisation_invite", "application_start"):
        assert outsider_client.post(reverse(f"applications:{name}", args=[organisation.pk])).status_code == 404
    assert not organisation.applications.exists()
    assert outsider_client.get(reverse("applications:organisation_detail", args=[99999])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, organisation):
    for url in (
        reverse("applications:organisation_create"),
        reverse("applications:organisation_detail", args=[organisation.pk]),
        reverse("applications:organisation_edit", args=[organisation.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


def test_members_see_each_other(member_client, organisation):
    from tests.factories import UserFactory

    member_of(organisation, UserFactory(email="colleague@example.com"))
    page = member_client.get(reverse("applications:organisation_detail", args=[organisation.pk])).content.decode()
    assert "member@example.com" in page and "colleague@example.com" in page
