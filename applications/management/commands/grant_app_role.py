"""Grant a PostgreSQL role what the application needs and nothing more: it reads and writes rows, owns nothing, and
so cannot alter a table, disable a trigger or TRUNCATE. Run as the owner (DATABASE_MIGRATE_URL) after `migrate`;
default privileges cover the tables later migrations create."""

import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_statements(role: str, schema: str = "public") -> list[str]:
    quoted, schema = connection.ops.quote_name(role), connection.ops.quote_name(schema)
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {quoted}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {quoted}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {quoted}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}",
    ]


class Command(BaseCommand):
    help = "Grant the application's role SELECT/INSERT/UPDATE/DELETE on every table (and sequences), nothing more."

    def add_arguments(self, parser):
        parser.add_argument("role", help="an existing PostgreSQL role, e.g. review_app")

    def handle(self, *args, role: str, **options):
        if connection.vendor != "postgresql":
            raise CommandError("grant_app_role is for PostgreSQL; SQLite has no roles.")
        if not ROLE.match(role):
            raise CommandError("Give a plain role name: lower-case letters, digits and _ (at most 63).")
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"No role {role}: create it first (CREATE ROLE {role} LOGIN PASSWORD '...').")
            if row[0]:
                raise CommandError(f"{role} is a superuser: the application must run as a role that owns nothing.")
            cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role])
            if cursor.fetchone()[0]:
                raise CommandError(f"{role} owns tables: migrate as the owner role, and grant this one.")
            for statement in grant_statements(role):
                cursor.execute(statement)
        self.stdout.write(f"Granted {role} reading and writing rows; it owns nothing.")
