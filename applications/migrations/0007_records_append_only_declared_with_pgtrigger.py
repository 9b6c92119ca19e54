"""The record is append-only by one mechanism: triggers declared on the models with django-pgtrigger
(config/append_only.py), refusing UPDATE, DELETE and TRUNCATE on every history table, decisions, internal notes,
messages to the applicant, declarations and sent notifications. The hand-written triggers of migrations 0002 and
0004 (UPDATE and DELETE only, on seven tables) are dropped first; their function in 0012.
"""

import pgtrigger.compiler
import pgtrigger.migrations
from django.db import migrations

OLD_TRIGGERS = [
    "applications_historicalapplication",
    "applications_historicalactivityclaim",
    "applications_historicalcertificate",
    "applications_historicaldecision",
    "applications_decision",
    "applications_conflictdeclaration",
    "applications_historicalconflictdeclaration",
]


def drop_hand_written(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in OLD_TRIGGERS:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
    # The function stays until migration 0012: a sibling migration (0006_catalog_change_effects...) still uses it.


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0006_decisions_freeze_addressee_and_decider"),
    ]

    operations = [
        migrations.RunPython(drop_hand_written, migrations.RunPython.noop, elidable=False),
        pgtrigger.migrations.AddTrigger(
            model_name="applicantmessage",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="4028d71b6c22928563dfe77623e1972484750b55",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_cb04f",
                    table="applications_applicantmessage",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="applicantmessage",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="b831e114c8fb358a152f7135a551bb3cd6f3a7fc",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_aa42d",
                    table="applications_applicantmessage",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="conflictdeclaration",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="8ce2437bcc48c753f038d0048d93eba69f873225",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_b944f",
                    table="applications_conflictdeclaration",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="conflictdeclaration",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="d3610380ad563390696a7e94c81d6b2f2e75e1bd",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_b2951",
                    table="applications_conflictdeclaration",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="decision",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="7ceca4c1014605deb845dcbe577c9c8c87148dc7",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_31464",
                    table="applications_decision",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="decision",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="61d7681f5bedc706fd5fde81423b513015ac866f",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_bdbee",
                    table="applications_decision",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalactivityclaim",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="db34b778e2e47f2458174de744db79c63de347d0",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_f24a3",
                    table="applications_historicalactivityclaim",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalactivityclaim",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="2ee6814b497dd6ab4a61a7537a499e6987631369",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_bb2f1",
                    table="applications_historicalactivityclaim",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalapplicantmessage",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="0f70a7a7f0cf20be733a12c1e4b49dd6a18475c2",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_ea6b5",
                    table="applications_historicalapplicantmessage",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalapplicantmessage",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="6408611f30e3b27d6987162249c10001776fbea5",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_818ca",
                    table="applications_historicalapplicantmessage",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalapplication",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="8e27aa74cbe55e9563900d32b0ced618a39737af",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_98886",
                    table="applications_historicalapplication",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalapplication",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="ec868cbc783e5afb2a3d77c71d061f3baa2152c0",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_3f3dc",
                    table="applications_historicalapplication",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalcertificate",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="54ee50c3b2e12e006c69673022274b718f69d97b",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_e3541",
                    table="applications_historicalcertificate",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalcertificate",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="9ae4e7e1bf3a9262cce7ffeca96d9e9d482f4cc9",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_dea8b",
                    table="applications_historicalcertificate",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalconflictdeclaration",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="3d7d1c8b3b1c12513e69b7f5d72fafe7a7effcd3",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_652b3",
                    table="applications_historicalconflictdeclaration",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalconflictdeclaration",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="16c66b6b542ab639031e15cc4e9e146361545704",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_55805",
                    table="applications_historicalconflictdeclaration",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicaldecision",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="10377871a1ea6355a3aede0136380b03b3ee9614",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_73fbc",
                    table="applications_historicaldecision",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicaldecision",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="05d9944b8eced5d5c189bd0a560f6168d1981f3a",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_f1f58",
                    table="applications_historicaldecision",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalinternalnote",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="a9387d5f3a1e844c0d12bb9d1843281ffa3bc815",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_373c3",
                    table="applications_historicalinternalnote",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalinternalnote",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="6dff98744f5fb17f244d541fffdc972639226692",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_92581",
                    table="applications_historicalinternalnote",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalinvitation",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="9391ebb0a23d34cb15a24960aec115c97b358be4",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_17f7e",
                    table="applications_historicalinvitation",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalinvitation",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="12cea218de4e7c38d7a1b8d8c360e9f0c0ca2aea",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_2d29f",
                    table="applications_historicalinvitation",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalmembership",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="f7d2ba07b3b82944d25d7de3658eefe437665273",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_c4083",
                    table="applications_historicalmembership",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalmembership",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="57802efc2768b48c066d8e75371bc2e01831f5c3",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_62474",
                    table="applications_historicalmembership",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalorganisation",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="8bb17a645eb8733f9f62f0a5939553ee1c0d1811",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_9ff36",
                    table="applications_historicalorganisation",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="historicalorganisation",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="06570f15388a1c09f12c3f67a260b2df79ba3ca2",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_0756f",
                    table="applications_historicalorganisation",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="internalnote",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="905e4b6e6c093835eeb0785fccb1d174280fe3c5",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_append_only_696db",
                    table="applications_internalnote",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="internalnote",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="059116f637dc46c82d229a49e42e41e1229befa0",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_e3d21",
                    table="applications_internalnote",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="notification",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_update",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    condition='WHEN (OLD."sent_at" IS NOT NULL OR OLD."kind" IS DISTINCT FROM (NEW."kind") OR OLD."recipients" IS DISTINCT FROM (NEW."recipients") OR OLD."subject" IS DISTINCT FROM (NEW."subject") OR OLD."body" IS DISTINCT FROM (NEW."body") OR OLD."application_id" IS DISTINCT FROM (NEW."application_id") OR OLD."recipient_id" IS DISTINCT FROM (NEW."recipient_id") OR OLD."created_at" IS DISTINCT FROM (NEW."created_at"))',
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="c451197f3289e474c7662e15cec48521291f0aaf",
                    operation="UPDATE",
                    pgid="pgtrigger_append_only_update_b970a",
                    table="applications_notification",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="notification",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_delete",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="8a14ab81a97d7946299a9f7cede275578d857f39",
                    operation="DELETE",
                    pgid="pgtrigger_append_only_delete_0bab3",
                    table="applications_notification",
                    when="BEFORE",
                ),
            ),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="notification",
            trigger=pgtrigger.compiler.Trigger(
                name="append_only_truncate",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';",
                    hash="8004a1a4f78147e6419c454b60d063c4b9abf705",
                    level="STATEMENT",
                    operation="TRUNCATE",
                    pgid="pgtrigger_append_only_truncate_d4207",
                    table="applications_notification",
                    when="BEFORE",
                ),
            ),
        ),
    ]
