"""The applicant's home: their organisations' applications with status and dates, in constant queries."""

import datetime

import pytest
from django.urls import reverse

from applications.applicant.services import application_create
from tests.factories import OrganisationFactory, member_of, submitted_application

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_applications_with_status_and_dates(in_2025, member_client, member, organisation):
    submitted_application(organisation=organisation, user=member, on=datetime.date(2025, 6, 2))
    application_create(organisation=organisation, user=member, today=datetime.date(2025, 6, 2))
    page = member_client.get(reverse("applications:dashboard")).content.decode()
    assert "AH-2025-00001" in page and "AH-2025-00002" in page
    assert "Submitted" in page and "Draft" in page
    assert page.count("02.06.2025") >= 3  # started, submitted, last change
    assert "Continue" in page and "View" in page
    assert "Steppe Software LLP" in page and "Start a new application" in page


def test_a_newcomer_is_asked_to_register_an_organisation(client, member):
    client.force_login(member)
    page = client.get(reverse("applications:dashboard")).content.decode()
    assert "Start by registering your organisation" in page


def test_the_home_page_query_count_does_not_grow_with_applications(
    in_2025, member_client, member, organisation, django_assert_num_queries
):
    second = member_of(OrganisationFactory(name="Second LLP"), member).organisations.get(name="Second LLP")
    for n in range(50):
        application_create(organisation=organisation if n % 2 else second, user=member)
    member_client.get(reverse("applications:dashboard"))  # warm up the session
    # 1 session, 2 user, 3 the user's groups (roles for the navigation bar), 4 whether the address is
    # verified, 5 the organisations, 6 the applications joined with their organisation. Nothing per row.
    with django_assert_num_queries(6):
        response = member_client.get(reverse("applications:dashboard"))
    assert response.content.decode().count("Continue</a>") == 50
