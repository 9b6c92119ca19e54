"""The record is append-only, declared in one place (config/append_only.py) and complete: every history model
and every record model refuses UPDATE, DELETE and TRUNCATE on PostgreSQL, also with
session_replication_role = replica, and a model with history cannot be added without the triggers."""

import datetime

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from applications.models import ApplicantMessage, CatalogChangeEffect, Decision, InternalNote, Invitation, Notification
from applications.review import services as review
from catalog.models import CatalogChange, ProvisionVersion, ProvisionVersionText, PublicationCheck
from config import append_only
from tests.catalog.workbench import make_change
from tests.review.conftest import approve, require_postgres

REFUSED = "never updated or deleted"


def _models_with_history() -> set:
    """Enumerated independently of config/append_only.py: every model carrying a HistoricalRecords."""
    found = set()
    for model in apps.get_models():
        for value in vars(model).values():
            if isinstance(getattr(value, "model", None), type) and getattr(value.model, "instance_type", None):
                found.add(value.model)
    assert HistoricalRecords  # the library whose models these are
    return found


def test_every_model_with_history_and_every_record_model_declares_the_triggers():
    history = _models_with_history()
    assert len(history) >= 14  # 8 of applications, 6 of the catalog, at the time of writing
    expected = history | {apps.get_model(label) for label in append_only.RECORD_MODELS}
    assert set(append_only.protected_models()) == expected
    for model in expected:
        operations = set()
        for trigger in getattr(model._meta, "triggers", []):
            if isinstance(trigger, append_only.Refuse):
                operations |= set(str(trigger.operation).split(" OR "))
        assert operations == {"UPDATE", "DELETE", "TRUNCATE"}, model._meta.label


def _record_everything(in_review, rev, member, organisation, editor):
    review.internal_note_add(application=in_review, user=rev, body="Checked the director by phone.")
    approve(in_review, rev)
    Invitation.objects.create(organisation=organisation, email="new@example.com", invited_by=member)
    notification = Notification.objects.filter(application=in_review).first()
    Notification.objects.filter(pk=notification.pk).update(sent_at=timezone.now())
    row = {"action": "add", "appendix": 1, "paragraph": 1, "text": "Test activity (test data)."}
    change = make_change(CatalogChange.Kind.LIST, editor, rows=[row], code="1/TEST", title="test data")
    CatalogChangeEffect.objects.create(application=in_review, change=change, claims=[])
    ProvisionVersionText.objects.create(
        version=ProvisionVersion.objects.first(), language="kk", text="Сынақ мәтіні (test data).", official=True
    )
    PublicationCheck.objects.create(checked_on=datetime.date(2026, 1, 1), checked_by=editor, shown_name="E. Ditor")


@pytest.mark.django_db
def test_on_postgresql_every_protected_table_refuses_update_delete_and_truncate(
    goods_in_review, rev, member, organisation, editor
):
    require_postgres()
    _record_everything(goods_in_review, rev, member, organisation, editor)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses while deferred checks are pending
    for model in append_only.protected_models():
        table = connection.ops.quote_name(model._meta.db_table)
        for statement in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
            if not statement.startswith("TRUNCATE") and not model._default_manager.exists():
                continue
            with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(statement)
        # The row-level triggers of an empty table, and all of them: installed and firing ALWAYS.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.tgenabled, t.tgtype FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE c.relname = %s AND t.tgname LIKE 'pgtrigger_append_only%%'",
                [model._meta.db_table],
            )
            rows = cursor.fetchall()
        assert rows and all(enabled == "A" for enabled, _ in rows), model._meta.label
        # tgtype bits: 8 DELETE, 16 UPDATE, 32 TRUNCATE.
        assert {bit for _, tgtype in rows for bit in (8, 16, 32) if tgtype & bit} == {8, 16, 32}, model._meta.label
    empty = [m._meta.label for m in append_only.protected_models() if not m._default_manager.exists()]
    assert not empty


@pytest.mark.django_db
def test_replica_mode_does_not_switch_the_triggers_off(in_review, rev):
    require_postgres()
    approve(in_review, rev)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("UPDATE applications_decision SET reasons = 'edited behind the back'")


@pytest.mark.django_db
def test_an_unsent_notification_is_marked_sent_once_and_then_never_changes(in_review, rev):
    require_postgres()
    approve(in_review, rev)
    rows = Notification.objects.filter(application=in_review, sent_at__isnull=True)
    notification = rows.first()
    one = Notification.objects.filter(pk=notification.pk)
    one.update(attempts=1, last_error="SMTP down")  # a failed attempt, while unsent
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        one.update(body="Another text")  # what it says, never
    one.update(sent_at=timezone.now())
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        one.update(attempts=2)
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        one.delete()
    # An e-mail not sent yet told nobody anything: it may still be dropped.
    unsent = rows.exclude(pk=notification.pk)
    if unsent.exists():
        unsent.delete()


@pytest.mark.django_db
@pytest.mark.parametrize("model", [InternalNote, ApplicantMessage, Decision])
def test_admin_shows_notes_messages_and_decisions_read_only(admin_client, in_review, rev, model):
    review.internal_note_add(application=in_review, user=rev, body="Checked the director by phone.")
    approve(in_review, rev)
    row = model.objects.first()
    url = reverse(f"admin:applications_{model._meta.model_name}_change", args=[row.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split("<form")[-1]
    assert admin_client.post(url, {"body": "rewritten", "reasons": "rewritten"}).status_code == 403
    row.refresh_from_db()
    assert "rewritten" not in str(vars(row))
