"""The application as a role that owns nothing (grants only, `manage.py grant_app_role`): it does its normal work,
and cannot disable a trigger, TRUNCATE, or rewrite the record, nor use pgtrigger's escape."""

import uuid

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection

from applications.applicant.services import new_draft
from applications.models import Application
from tests.review.conftest import require_postgres

REFUSED = "never updated or deleted"


@pytest.fixture
def app_role(transactional_db):
    require_postgres()
    role = f"review_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN')
    yield role
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def _as(role: str):
    """Point the default connection at `role` (the next query reconnects); returns the way back."""
    owner = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=role, PASSWORD="")

    def back():
        connection.close()
        connection.settings_dict.update(owner)

    return back


def _refused(sql: str, match: str, params=None):
    with pytest.raises(DatabaseError, match=match), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db(transaction=True)
def test_the_application_role_works_but_cannot_bend_the_record(member, organisation, app_role):
    require_postgres()
    call_command("grant_app_role", app_role)
    back = _as(app_role)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == app_role
        application = new_draft(organisation=organisation, user=member)  # normal work: rows and history written
        assert Application.history.filter(id=application.pk).count() == 1

        _refused("ALTER TABLE applications_historicalapplication DISABLE TRIGGER ALL", "must be owner")
        _refused("ALTER TABLE applications_decision DISABLE TRIGGER USER", "must be owner")
        _refused("TRUNCATE applications_historicalapplication", "permission denied")
        _refused("SET session_replication_role = replica", "permission denied")
        _refused("UPDATE applications_historicalapplication SET history_change_reason = 'x'", REFUSED)
        _refused("DELETE FROM applications_historicalapplication", REFUSED)
        # pgtrigger's escape is for the owner only.
        pgids = [t.get_pgid(Application.history.model) for t in Application.history.model._meta.triggers]
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, false)", ["{" + ",".join(pgids) + "}"])
        _refused("DELETE FROM applications_historicalapplication", REFUSED)
    finally:
        back()
    assert Application.history.filter(id=application.pk).count() == 1


@pytest.mark.django_db
def test_grant_app_role_refuses_a_bad_name_and_a_superuser():
    require_postgres()
    with pytest.raises(CommandError, match="plain role name"):
        call_command("grant_app_role", 'x"; DROP TABLE applications_decision; --')
    with pytest.raises(CommandError, match="superuser"):
        call_command("grant_app_role", "postgres")
    with pytest.raises(CommandError, match="No role"):
        call_command("grant_app_role", "no_such_role_here")


def test_grant_app_role_is_for_postgresql_only(db):
    if connection.vendor == "postgresql":
        pytest.skip("checked on SQLite")
    with pytest.raises(CommandError, match="for PostgreSQL"):
        call_command("grant_app_role", "review_app")
