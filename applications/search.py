"""Searching applications by reference, BIN or organisation name, served by an index at park scale (issue 13).

- Digits: a BIN or its first digits. A reference (AH-2025-00042) or its start: that reference. Both are
  prefixes of a unique column: on SQLite a range on its index (byte order); on PostgreSQL `LIKE 'x%'`, which
  its trigram index serves (the database's collation need not be C).
- Anything else: the organisation's name. On SQLite, each word as the start of a word of the name, through an
  FTS5 index (applications_organisation_fts, kept by triggers: migration 0008), so "soft" finds «Softline
  Kazakhstan» and "астана код" finds «Код Астаны» (case folded in every script). On PostgreSQL, the text
  each word anywhere in the name (`icontains`), through a pg_trgm GIN index on UPPER(name).
"""

import re

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from .models import Organisation

REFERENCE_START = re.compile(r"^[A-Za-z]{2}-\d")
WORD = re.compile(r"\w+")
FTS_TABLE = "applications_organisation_fts"


def _prefix(field: str, value: str) -> Q:
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": value, f"{field}__lt": value + "\U0010ffff"})
    return Q(**{f"{field}__startswith": value})


def organisations_named(text: str):
    """The ids of organisations whose name matches `text`, as a subquery."""
    words = WORD.findall(text)
    if not words:
        return Organisation.objects.none().values("pk")
    if connection.vendor == "sqlite":
        match = " ".join(f'"{word}"*' for word in words)  # quoted: never FTS5 syntax, whatever was typed
        return Organisation.objects.filter(
            pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
        ).values("pk")
    return Organisation.objects.filter(*(Q(name__icontains=word) for word in words)).values("pk")


def application_search(text: str) -> Q:
    """What the queue's "Reference, BIN or name" box finds."""
    text = text.strip()
    if text.isdigit():
        return _prefix("organisation__bin", text)
    if REFERENCE_START.match(text):
        return _prefix("reference", text.upper())
    return Q(organisation__in=organisations_named(text))
