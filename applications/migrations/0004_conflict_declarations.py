"""Declarations of no conflict of interest, one per staff member and application (issue 8).

Before, only the assigned reviewer's declaration was kept, as the flag Application.no_conflict_declared.
Each application whose flag is set gets a declaration of its assigned reviewer, dated when the flag was
set (from the application's history) and written into the declaration's own history, so that the audit
timeline shows it. On PostgreSQL the declarations and their history are append-only, as the other
audit tables are (migration 0002).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The words a reviewer confirmed when taking an application before this migration (review/forms.TakeForm).
STATEMENT_BEFORE = (
    "I declare that I have no conflict of interest with this organisation: I am not its member, employee, "
    "founder or relative of one, and have no interest in the outcome."
)
PROTECTED_TABLES = ["applications_conflictdeclaration", "applications_historicalconflictdeclaration"]


def backfill(apps, schema_editor):
    Application = apps.get_model("applications", "Application")
    HistoricalApplication = apps.get_model("applications", "HistoricalApplication")
    ConflictDeclaration = apps.get_model("applications", "ConflictDeclaration")
    HistoricalConflictDeclaration = apps.get_model("applications", "HistoricalConflictDeclaration")
    # The moment declared, not the moment this migration runs (the models here are the migration's own copies).
    ConflictDeclaration._meta.get_field("created_at").auto_now_add = False
    for application in Application.objects.filter(no_conflict_declared=True, assigned_reviewer__isnull=False):
        # The latest moment the flag went from unset to set: the declaration of the reviewer assigned now.
        declared_at, declared = application.updated_at, False
        for row in HistoricalApplication.objects.filter(id=application.pk).order_by("history_date", "history_id"):
            if row.no_conflict_declared and not declared:
                declared_at = row.history_date
            declared = row.no_conflict_declared
        declaration = ConflictDeclaration.objects.create(
            application_id=application.pk,
            author_id=application.assigned_reviewer_id,
            statement=STATEMENT_BEFORE,
            created_at=declared_at,
        )
        HistoricalConflictDeclaration.objects.create(
            id=declaration.pk,
            application_id=application.pk,
            author_id=application.assigned_reviewer_id,
            statement=STATEMENT_BEFORE,
            created_at=declared_at,
            history_date=declared_at,
            history_type="+",
            history_user_id=application.assigned_reviewer_id,
            history_change_reason="Reviewer declared no conflict of interest (recorded on the application before)",
        )


def protect(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # applications_refuse_change() is installed by migration 0002.
    for table in PROTECTED_TABLES:
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION applications_refuse_change()"
        )


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in PROTECTED_TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0003_notifications"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="HistoricalConflictDeclaration",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False)),
                ("statement", models.TextField(verbose_name="statement declared")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.TextField(null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
                (
                    "application",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="applications.application",
                        verbose_name="application",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "historical declaration of no conflict of interest",
                "verbose_name_plural": "historical declarations of no conflict of interest",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ConflictDeclaration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("statement", models.TextField(verbose_name="statement declared")),
                (
                    "application",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conflict_declarations",
                        to="applications.application",
                        verbose_name="application",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "declaration of no conflict of interest",
                "verbose_name_plural": "declarations of no conflict of interest",
                "ordering": ["-created_at"],
                "abstract": False,
                "constraints": [
                    models.UniqueConstraint(fields=("application", "author"), name="conflict_declaration_once")
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(protect, unprotect, elidable=False),
    ]
