"""Indexes for searching applications at park scale (applications/search.py), each for its database:
SQLite: an FTS5 index of organisation names kept by triggers; PostgreSQL: pg_trgm GIN indexes on UPPER(name),
UPPER(reference) and the BIN. Nothing on another database (the search falls back to a scan there)."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE applications_organisation_fts USING fts5(name, content='applications_organisation', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO applications_organisation_fts(applications_organisation_fts) VALUES ('rebuild')",
    "CREATE TRIGGER applications_organisation_fts_insert AFTER INSERT ON applications_organisation BEGIN "
    "INSERT INTO applications_organisation_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER applications_organisation_fts_delete AFTER DELETE ON applications_organisation BEGIN "
    "INSERT INTO applications_organisation_fts(applications_organisation_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER applications_organisation_fts_update AFTER UPDATE OF name ON applications_organisation BEGIN "
    "INSERT INTO applications_organisation_fts(applications_organisation_fts, rowid, name) "
    "VALUES ('delete', old.id, old.name); "
    "INSERT INTO applications_organisation_fts(rowid, name) VALUES (new.id, new.name); END",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS applications_organisation_fts_insert",
    "DROP TRIGGER IF EXISTS applications_organisation_fts_delete",
    "DROP TRIGGER IF EXISTS applications_organisation_fts_update",
    "DROP TABLE IF EXISTS applications_organisation_fts",
]
POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS organisation_name_trgm ON applications_organisation "
    "USING gin (UPPER(name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS organisation_bin_trgm ON applications_organisation USING gin (bin gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS application_reference_trgm ON applications_application "
    "USING gin (reference gin_trgm_ops)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX IF EXISTS organisation_name_trgm",
    "DROP INDEX IF EXISTS organisation_bin_trgm",
    "DROP INDEX IF EXISTS application_reference_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("applications", "0007_review_clock_column")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
