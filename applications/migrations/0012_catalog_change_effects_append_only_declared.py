"""The last of the hand-written append-only SQL goes: migration 0002's function (and the trigger an earlier draft of
0006_catalog_change_effects_and_stalled_drafts hung on it, where a database has it). Every record table is now
protected by the declared triggers of django-pgtrigger (config/append_only.py). Also joins the leaves 0011."""

from django.db import migrations


def drop_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = "applications_catalogchangeeffect"
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS applications_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_catalog_change_effects_append_only"),
        ("applications", "0011_decisions_hash_chain"),
        ("applications", "0011_free_text_maximum_lengths"),
    ]

    operations = [
        # The declared triggers themselves came with 0011_catalog_change_effects_append_only.
        migrations.RunPython(drop_hand_written, migrations.RunPython.noop, elidable=False),
    ]
