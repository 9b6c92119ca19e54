"""Decisions freeze their addressee (organisation name, BIN, address, director, contact) and the decider's name.

Decisions taken before this migration are filled from the organisation as its history records it at the moment
of the decision (its current particulars when no history row is that old), and from the decider's current name.
On PostgreSQL the decision table refuses UPDATE (migration 0002): its trigger is set aside for this one fill.
"""

from django.conf import settings
from django.db import migrations, models


def person_name(user):
    return f"{user.first_name} {user.last_name}".strip() or user.username


def fill(apps, schema_editor):
    Decision = apps.get_model("applications", "Decision")
    HistoricalOrganisation = apps.get_model("applications", "HistoricalOrganisation")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute('ALTER TABLE "applications_decision" DISABLE TRIGGER "applications_decision_append_only"')
    for decision in Decision.objects.select_related("application__organisation").order_by("pk"):
        organisation = decision.application.organisation
        then = (
            HistoricalOrganisation.objects.filter(id=organisation.pk, history_date__lte=decision.decided_at)
            .order_by("-history_date", "-history_id")
            .first()
        ) or organisation
        decider = User.objects.filter(pk=decision.decided_by_id).first()
        Decision.objects.filter(pk=decision.pk).update(
            addressee_name=then.name,
            addressee_bin=then.bin,
            addressee_address=then.legal_address,
            addressee_director=then.director,
            addressee_email=then.contact_email,
            addressee_phone=then.contact_phone,
            decided_by_name=person_name(decider) if decider else "",
        )
    if postgres:
        schema_editor.execute('ALTER TABLE "applications_decision" ENABLE TRIGGER "applications_decision_append_only"')


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_staff_notifications_watches_exports"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="addressee_address",
            field=models.TextField(blank=True, verbose_name="legal address (as decided)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="addressee_bin",
            field=models.CharField(blank=True, max_length=12, verbose_name="BIN (as decided)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="addressee_director",
            field=models.CharField(blank=True, max_length=255, verbose_name="director (as decided)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="addressee_email",
            field=models.CharField(blank=True, max_length=254, verbose_name="contact e-mail (as decided)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="addressee_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="organisation (as decided)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="addressee_phone",
            field=models.CharField(blank=True, max_length=32, verbose_name="contact phone (as decided)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="decided_by_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="decided by (name as decided)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="addressee_address",
            field=models.TextField(blank=True, verbose_name="legal address (as decided)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="addressee_bin",
            field=models.CharField(blank=True, max_length=12, verbose_name="BIN (as decided)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="addressee_director",
            field=models.CharField(blank=True, max_length=255, verbose_name="director (as decided)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="addressee_email",
            field=models.CharField(blank=True, max_length=254, verbose_name="contact e-mail (as decided)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="addressee_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="organisation (as decided)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="addressee_phone",
            field=models.CharField(blank=True, max_length=32, verbose_name="contact phone (as decided)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="decided_by_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="decided by (name as decided)"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
    ]
