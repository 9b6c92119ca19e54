"""Decisions are chained by hash (applications/decision_chain.py); decisions taken before are sealed here, in
order of id, as they stand now. On PostgreSQL the decision table refuses UPDATE: its trigger is ignored for this
one fill (pgtrigger.ignore)."""

import pgtrigger
from django.db import migrations, models

from applications import decision_chain


def seal_existing(apps, schema_editor):
    Decision = apps.get_model("applications", "Decision")
    previous = ""
    with pgtrigger.ignore("applications.Decision:append_only"):
        for decision in Decision.objects.select_related("application").order_by("pk"):
            decision.previous_hash = previous
            previous = decision_chain.content_hash(decision, decision.application.reference)
            Decision.objects.filter(pk=decision.pk).update(previous_hash=decision.previous_hash, content_hash=previous)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_notification_kinds_of_merged_branches"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="content_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="record hash (SHA-256)"),
        ),
        migrations.AddField(
            model_name="decision",
            name="previous_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash of the previous decision"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="content_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="record hash (SHA-256)"),
        ),
        migrations.AddField(
            model_name="historicaldecision",
            name="previous_hash",
            field=models.CharField(blank=True, max_length=64, verbose_name="hash of the previous decision"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop, elidable=False),
    ]
