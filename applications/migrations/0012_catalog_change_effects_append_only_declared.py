"""The effects of catalog changes join the one append-only mechanism (django-pgtrigger, config/append_only.py): the
hand-written trigger of 0006_catalog_change_effects_and_stalled_drafts is dropped, and with it the last user of
migration 0002's function, which goes too."""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations


def drop_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = "applications_catalogchangeeffect"
    schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS applications_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_decisions_hash_chain"),
    ]

    operations = [
        migrations.RunPython(drop_hand_written, migrations.RunPython.noop, elidable=False),
        pgtrigger.migrations.AddTrigger(
            model_name="catalogchangeeffect",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="2f95899cc78071b76503cd1d000485e7acfe0142",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_760e2",
                    table="applications_catalogchangeeffect",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="catalogchangeeffect",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="c371402b68c55f7ca4d03a6965fd391ba33e6217",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_531df",
                    table="applications_catalogchangeeffect",
                    when="BEFORE",
                ),
            ),
        ),
    ]
