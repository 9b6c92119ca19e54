"""The editors' new pages keep a constant number of queries however many rows, paragraphs or changes they show."""

import datetime

import pytest
from django.urls import reverse

from catalog.changes import change_publish, change_submit
from catalog.models import ProvisionVersion

from .workbench import ADD_URL, editor, successor_list

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_february_2026(time_machine):
    time_machine.move_to(datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC), tick=False)


def count(client, django_assert_num_queries, expected: int, url: str, params=None):
    client.get(url, params)
    with django_assert_num_queries(expected):
        response = client.get(url, params)
    assert response.status_code == 200, url
    return response


def activities(n: int):
    return [(i, f"Test activity {i} (test data).", "") for i in range(1, n + 1)]


# 1 session, 2 user, 3-4 permissions (own, groups), 5 the wordings in force of every list (the paragraphs a row
# may choose, read once for all rows and for the box beside each), 6 the lists it may amend, 7 the user's groups
# (navigation). However many paragraphs the lists hold.
AMENDMENT_FORM_QUERIES = 7


@pytest.mark.parametrize("n", [1, 20])
def test_the_amendment_form(client, author, django_assert_num_queries, n):
    approver = editor("approver@example.com")
    change = successor_list(author, activities=activities(n))
    change_submit(change=change, user=author)
    change.refresh_from_db()
    change_publish(change=change, user=approver, revision=change.revision)
    client.force_login(author)
    response = count(client, django_assert_num_queries, AMENDMENT_FORM_QUERIES, ADD_URL, {"kind": "amendment"})
    assert len(response.context["current_wordings"]) == ProvisionVersion.objects.filter(ended_by=None).count()


# 1 session, 2 user, 3-4 permissions, 5 the change, 6 its activities, 7 its criteria (each row's wording in
# force comes with it), 8 the user's groups. However many rows.
LIST_EDIT_QUERIES = 8


@pytest.mark.parametrize("n", [1, 15])
def test_editing_a_list(client, author, django_assert_num_queries, n):
    change = successor_list(author, activities=activities(n))
    client.force_login(author)
    response = count(
        client, django_assert_num_queries, LIST_EDIT_QUERIES, reverse("admin:catalog_catalogchange_change",
                                                                      args=[change.pk])
    )  # fmt: skip
    assert response.context["inline_admin_formsets"][0].formset.initial_form_count() == n


# 1 session, 2 user, 3-4 permissions, 5 the count for the paginator, 6 the changes with who entered and approved
# them and their acts, 7 the count of all (for "show all"), 8 the user's groups. However many changes.
CHANGELIST_QUERIES = 8


@pytest.mark.parametrize("n", [1, 12])
def test_the_list_of_changes(client, author, django_assert_num_queries, n):
    for i in range(n):
        successor_list(author, code=f"{100 + i}/TEST")
    client.force_login(author)
    response = count(client, django_assert_num_queries, CHANGELIST_QUERIES, "/admin/catalog/catalogchange/")
    assert response.context["cl"].result_count == n


# 1 session, 2 user, 3-4 permissions, 5 the wordings not recorded (counted), 6 the acts to correct, 7 the groups.
CHOOSER_QUERIES = 7


def test_the_chooser(client, author, django_assert_num_queries):
    client.force_login(author)
    count(client, django_assert_num_queries, CHOOSER_QUERIES, ADD_URL)
