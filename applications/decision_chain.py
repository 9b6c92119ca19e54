"""Tamper evidence for decisions: each decision stores the SHA-256 of its canonical frozen content, which
includes the hash of the decision before it (by id), so that altering any decision, even behind the
application's back, breaks the chain from there on. `manage.py verify_decisions` recomputes it.

The canonical form must never change once decisions are hashed (a change would break every stored hash):
JSON with sorted keys, no whitespace, UTF-8; dates and times in ISO 8601 (times in UTC).
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db import connection

# The key of the PostgreSQL advisory lock held while a decision is chained (two decisions at once chain in turn).
CHAIN_LOCK = 0x6465_6369  # "deci"

FROZEN_FIELDS = (
    "outcome",
    "reasons",
    "decided_by_id",
    "decided_by_name",
    "act_id",
    "confirmed_activities",
    "claimed_activities",
    "sells_own_goods",
    "own_production_confirmed",
    "own_production_finding",
    "addressee_name",
    "addressee_bin",
    "addressee_address",
    "addressee_director",
    "addressee_email",
    "addressee_phone",
)


def _plain(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    # JSON values as the database gives them back (keys as strings).
    return json.loads(json.dumps(value, sort_keys=True))


def canonical(decision, reference: str) -> bytes:
    """The bytes hashed for `decision` (a Decision, or its migration-time copy) of application `reference`."""
    content = {name: _plain(getattr(decision, name)) for name in FROZEN_FIELDS}
    content["reference"] = reference
    content["decided_at"] = _plain(decision.decided_at)
    content["reference_date"] = _plain(decision.reference_date)
    content["previous_hash"] = decision.previous_hash
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(decision, reference: str) -> str:
    return hashlib.sha256(canonical(decision, reference)).hexdigest()


def lock_chain() -> None:
    """Inside the deciding transaction: one decision is chained at a time (PostgreSQL; SQLite writes in turn)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])


def seal(decision, *, reference: str, model) -> None:
    """Set `previous_hash` (the last decision's) and `content_hash` on an unsaved decision; call under
    lock_chain()."""
    last = model.objects.order_by("-pk").values_list("content_hash", flat=True).first()
    decision.previous_hash = last or ""
    decision.content_hash = content_hash(decision, reference)


@dataclass
class Verification:
    count: int
    broken: object | None  # the first decision that no longer matches
    why: str = ""


def verify(decisions) -> Verification:
    """Recompute the chain over `decisions` (ordered by id, with application loaded)."""
    previous, count = "", 0
    for decision in decisions:
        if decision.previous_hash != previous:
            return Verification(count, decision, "its link to the decision before it does not match")
        if content_hash(decision, decision.application.reference) != decision.content_hash:
            return Verification(count, decision, "its content no longer matches its hash")
        previous, count = decision.content_hash, count + 1
    return Verification(count, None)
