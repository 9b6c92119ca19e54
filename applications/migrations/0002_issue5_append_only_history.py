"""On PostgreSQL, refuse UPDATE and DELETE on the audit history of applications, claims, certificates and
decisions, and on the decisions themselves: only a database trigger makes history rows append-only
(simple-history writes ordinary rows). Does nothing on SQLite, where the model layer is the only guard.
"""

from django.db import migrations

PROTECTED_TABLES = [
    "applications_historicalapplication",
    "applications_historicalactivityclaim",
    "applications_historicalcertificate",
    "applications_historicaldecision",
    "applications_decision",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION applications_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are never updated or deleted (audit record)', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in PROTECTED_TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
        schema_editor.execute(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION applications_refuse_change()"
        )


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in PROTECTED_TABLES:
        schema_editor.execute(f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}"')
    schema_editor.execute("DROP FUNCTION IF EXISTS applications_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
