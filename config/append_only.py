"""The record the audit relies on, append-only in the database itself (django-pgtrigger; PostgreSQL only).

One place names what is protected: every model kept by django-simple-history (its history table), and the
record models in RECORD_MODELS. Each refuses UPDATE and DELETE row by row and TRUNCATE as a statement;
a record model may name the rows that must still change (CONDITIONS: an e-mail in the outbox is updated by
its sending until it is sent, never afterwards). The triggers are declared on the models (pgtrigger.register,
picked up by makemigrations), so a new history model gets them with its next migration, and
tests/trust/test_append_only.py fails for any model with history or in RECORD_MODELS that lacks them.

After every `migrate`, the triggers are set to fire ALWAYS (ENABLE ALWAYS TRIGGER), so that
`SET session_replication_role = replica` (superuser only) does not switch them off, and pgtrigger's escape
(`pgtrigger.ignore`, a session setting any role could set) is honoured only for the owner of the schema's objects
(migrations, tests), never for the application's role. What is still possible: the table owner (or a superuser)
can drop or disable a trigger; hence the application runs as a role that owns nothing (README, `grant_app_role`)
and `verify_decisions` checks the decisions' hash chain whatever the database allowed.
"""

import pgtrigger
from django.apps import apps
from django.db import connections

# Record models (app_label.ModelName) besides the history tables: never changed once written.
RECORD_MODELS = [
    "applications.Decision",
    "applications.InternalNote",
    "applications.ApplicantMessage",
    "applications.ConflictDeclaration",
    "applications.Notification",
    "applications.CatalogChangeEffect",
]

# The outbox: sending sets sent_at, attempts and last_error while the row is unsent; once sent, nothing changes
# and it is never deleted, and what it says (to whom, subject, body) never changes at all.
_NOTIFICATION_WORDS = ["kind", "recipients", "subject", "body", "application_id", "recipient_id", "created_at"]
# Deleting: an unsent e-mail may still be dropped (nobody was told anything yet); a sent one never.
DELETE_CONDITIONS = {"applications.Notification": pgtrigger.Q(old__sent_at__isnull=False)}
CONDITIONS = {
    "applications.Notification": pgtrigger.Q(old__sent_at__isnull=False)
    | pgtrigger.Q(
        *[pgtrigger.Q(**{f"old__{name}__df": pgtrigger.F(f"new__{name}")}) for name in _NOTIFICATION_WORDS],
        _connector="OR",
    ),
}

MESSAGE = "rows of % are never updated or deleted (audit record)"
ROW_TRIGGER = "append_only"
UPDATE_TRIGGER = "append_only_update"
DELETE_TRIGGER = "append_only_delete"
TRUNCATE_TRIGGER = "append_only_truncate"


class Refuse(pgtrigger.Trigger):
    """Raise, whatever the row: the one function of every append-only trigger."""

    when = pgtrigger.Before

    def get_func(self, model):
        return f"RAISE EXCEPTION '{MESSAGE}', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';"


def triggers_for(label: str) -> list[pgtrigger.Trigger]:
    condition = CONDITIONS.get(label)
    truncate = Refuse(name=TRUNCATE_TRIGGER, operation=pgtrigger.Truncate, level=pgtrigger.Statement)
    if condition is None:
        return [Refuse(name=ROW_TRIGGER, operation=pgtrigger.Update | pgtrigger.Delete), truncate]
    return [
        Refuse(name=UPDATE_TRIGGER, operation=pgtrigger.Update, condition=condition),
        Refuse(name=DELETE_TRIGGER, operation=pgtrigger.Delete, condition=DELETE_CONDITIONS.get(label)),
        truncate,
    ]


def history_models() -> list:
    """The history model of every model kept by django-simple-history."""
    found = []
    for model in apps.get_models():
        history = getattr(model, "history", None)
        history_model = getattr(history, "model", None)
        if history_model is not None and getattr(history_model, "instance_type", None) is model:
            found.append(history_model)
    return found


def protected_models() -> list:
    """Every model whose table is append-only: the history tables and RECORD_MODELS."""
    return history_models() + [apps.get_model(label) for label in RECORD_MODELS]


def register() -> None:
    """Declare the triggers on the models (from AppConfig.ready, once every model is loaded)."""
    for model in protected_models():
        for trigger in triggers_for(model._meta.label):
            if trigger.name not in {t.name for t in getattr(model._meta, "triggers", [])}:
                pgtrigger.register(trigger)(model)


def _should_ignore_owner_only() -> str:
    name = pgtrigger.core._ignore_func_name()
    return f"""
        CREATE OR REPLACE FUNCTION {name}(trigger_name NAME) RETURNS BOOLEAN AS $$
            DECLARE
                _pgtrigger_ignore TEXT[];
                _result BOOLEAN;
            BEGIN
                -- Only the owner of this function (who migrates) may ignore triggers; the application's role not.
                IF NOT pg_has_role(
                    current_user, (SELECT proowner FROM pg_proc WHERE oid = '{name}(name)'::regprocedure), 'MEMBER'
                ) THEN
                    RETURN FALSE;
                END IF;
                BEGIN
                    SELECT INTO _pgtrigger_ignore CURRENT_SETTING('pgtrigger.ignore');
                    EXCEPTION WHEN OTHERS THEN
                END;
                IF _pgtrigger_ignore IS NOT NULL THEN
                    SELECT trigger_name = ANY(_pgtrigger_ignore) INTO _result;
                    RETURN _result;
                END IF;
                RETURN FALSE;
            END;
        $$ LANGUAGE plpgsql;
    """


def enable_always(using: str = "default") -> int:
    """Make every append-only trigger fire ALWAYS, also under session_replication_role = replica.
    Returns how many triggers were set. Needs the table owner (run by `migrate`)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return 0
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(_should_ignore_owner_only())
        for model in protected_models():
            for trigger in getattr(model._meta, "triggers", []):
                pgid = trigger.get_pgid(model)
                cursor.execute(
                    "SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE c.relname = %s AND t.tgname = %s AND t.tgenabled <> 'A'",
                    [model._meta.db_table, pgid],
                )
                if cursor.fetchone():
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f'ALTER TABLE {table} ENABLE ALWAYS TRIGGER "{pgid}"')
                    count += 1
    return count
