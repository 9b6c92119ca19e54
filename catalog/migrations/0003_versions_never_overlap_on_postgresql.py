"""On PostgreSQL the database itself refuses two wordings of one provision with overlapping periods.

An exclusion constraint over daterange(in_force_from, in_force_until, '[)') (half-open, NULL = open-ended),
deferred to the end of the transaction: when an act's date moves, LegalAct.save() re-derives the periods one
wording at a time, and the intermediate states may overlap. SQLite has no such constraint; there
ProvisionVersion.clean() (admin and forms) is the guard. Not declared in the model's Meta because SQLite
cannot build it.
"""

from django.db import migrations

CONSTRAINT = "catalog_version_periods_never_overlap"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE catalog_provisionversion ADD CONSTRAINT {CONSTRAINT} EXCLUDE USING gist "
        "(provision_id WITH =, daterange(in_force_from, in_force_until, '[)') WITH &&) "
        "DEFERRABLE INITIALLY DEFERRED"
    )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE catalog_provisionversion DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_load_order_37_rd")]

    operations = [migrations.RunPython(add, remove)]
