"""Keyset ("seek") pagination: a page is the rows that sort after (or before) the row a link names, so the
database reads one page of rows through the sort's index however deep the page is, where OFFSET steps over every
row before it (issue 13: the queue's last page of 100,000 applications).

The cursor in a link is the sort key of that row (its values, JSON in URL-safe base64). It comes from the
address, so it is read as untrusted input: anything that does not decode to one value of the right type per
sort field is no cursor at all (the first page).

django-cursor-pagination (0.3) was tried first: it orders NULLS LAST, which SQLite can only emulate by sorting
every matching row (the cost this module exists to avoid), and compares every value as text, which PostgreSQL
refuses for a date column. Here the order is each database's own, and the cursor's values keep their types.
"""

import base64
import binascii
import datetime
import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection, models
from django.db.models import Expression, F, Q, QuerySet

MAX_CURSOR_LENGTH = 1_000  # a cursor of the queue's sorts is under 200 characters


@dataclass(frozen=True)
class Key:
    """One field of the sort: its lookup path, whether it is descending, and its model field (for the type)."""

    path: str
    descending: bool
    field: models.Field
    null: bool  # whether the column can hold NULL in the rows paged (the caller may know better than the field)

    @property
    def nulls_after(self) -> bool:
        """Whether NULL sorts after every value in this direction (the database's own default order)."""
        return connection.features.nulls_order_largest != self.descending

    def value_of(self, row) -> object:
        for name in self.path.split("__"):
            row = getattr(row, name) if row is not None else None
        return row

    def encode(self, value) -> object:
        return value.isoformat() if isinstance(value, datetime.date) else value

    def decode(self, raw) -> object:
        """The value of a cursor's item, or ValueError when it is not one of this field's type."""
        if raw is None:
            if not self.null:
                raise ValueError("null")
            return None
        if isinstance(self.field, models.DateField) and not isinstance(self.field, models.DateTimeField):
            return datetime.date.fromisoformat(str(raw))
        if isinstance(self.field, (models.CharField, models.TextField)) and isinstance(raw, str):
            return raw
        if isinstance(self.field, models.IntegerField) and isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        raise ValueError(repr(raw))

    def beyond(self, value) -> Q:
        """The rows that sort strictly after `value` in this field's direction."""
        if value is None:  # past NULL: the values, when NULL sorts first; nothing, when it sorts last
            return Q(**{f"{self.path}__isnull": False}) if not self.nulls_after else Q(pk__in=[])
        after = Q(**{f"{self.path}__{'lt' if self.descending else 'gt'}": value})
        return after | Q(**{f"{self.path}__isnull": True}) if self.nulls_after and self.null else after

    def same(self, value) -> Q:
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})

    def reversed(self) -> "Key":
        return Key(self.path, not self.descending, self.field, self.null)


def keys_of(queryset: QuerySet, not_null=frozenset()) -> list[Key]:
    """The sort of a queryset as keys; it must end in a unique field, so that the order is total. `not_null`
    names nullable fields that hold no NULL in these rows (a constraint says so)."""
    keys = []
    for item in queryset.query.order_by:
        path = item.lstrip("-")
        model, field = queryset.model, None
        for name in path.split("__"):
            field = model._meta.get_field(name)
            model = field.related_model or model
        keys.append(Key(path, item.startswith("-"), field, field.null and path not in not_null))
    if not keys or not keys[-1].field.unique:
        raise ValueError("keyset pagination needs an order that ends in a unique field")
    return keys


def encode_cursor(keys: list[Key], row) -> str:
    text = json.dumps([key.encode(key.value_of(row)) for key in keys], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(keys: list[Key], cursor: str) -> list | None:
    """The values a cursor holds, or None when it is not a cursor of this sort."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        if not isinstance(raw, list) or len(raw) != len(keys):
            return None
        return [key.decode(item) for key, item in zip(keys, raw, strict=True)]
    except (ValueError, binascii.Error, UnicodeDecodeError, RecursionError):
        return None


class RowAfter(Expression):
    """(a, b, ...) > (x, y, ...) in SQL's row-value comparison, which both SQLite (3.15+) and PostgreSQL answer
    from an index on (a, b, ...) by starting the index scan at (x, y, ...). Django 5.2 writes its own tuple
    lookups out as ORs on SQLite (a > x OR (a = x AND b > y)), which SQLite answers by sorting every row."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, keys: list[Key], values: list):
        super().__init__()
        self.columns = [F(key.path) for key in keys]
        self.fields = [key.field for key in keys]
        self.values = values
        self.operator = "<" if keys[0].descending else ">"

    def get_source_expressions(self):
        return self.columns

    def set_source_expressions(self, expressions):
        self.columns = expressions

    def as_sql(self, compiler, connection):
        columns, params = [], []
        for column in self.columns:
            sql, column_params = compiler.compile(column)
            columns.append(sql)
            params.extend(column_params)
        params.extend(
            field.get_db_prep_value(value, connection) for field, value in zip(self.fields, self.values, strict=True)
        )
        marks = ", ".join(["%s"] * len(self.values))
        return f"({', '.join(columns)}) {self.operator} ({marks})", params


def after(keys: list[Key], values: list) -> Q:
    """The rows that sort after the row with these values: (a > x) or (a = x and b > y) or ..., as one row-value
    comparison where all keys go one way (the queue's sorts), the row has a value in each, and no NULL sorts
    after a value (a NULL never compares greater: that is where those rows are, only when NULL sorts first)."""
    if (
        len({key.descending for key in keys}) == 1
        and None not in values
        and not any(key.null and key.nulls_after for key in keys)
    ):
        return Q(RowAfter(keys, values))
    branches = []
    for i, key in enumerate(keys):
        equal = [keys[j].same(values[j]) for j in range(i)]
        branches.append(reduce(lambda q, other: q & other, equal, key.beyond(values[i])))
    return reduce(or_, branches)


@dataclass
class KeysetPage:
    rows: list
    has_next: bool
    has_previous: bool
    next_cursor: str = ""  # of the last row: the next page starts after it
    previous_cursor: str = ""  # of the first row: the previous page ends before it


def keyset_page(
    queryset: QuerySet,
    per_page: int,
    *,
    after_cursor: str = "",
    before_cursor: str = "",
    last: bool = False,
    not_null=frozenset(),
) -> KeysetPage:
    """One page of an ordered queryset: the first, the one after or before a cursor, or the last. One query,
    of at most per_page + 1 rows (a second for the first page when the row a link named is gone)."""
    keys = keys_of(queryset, not_null)
    # Said to the database too: PostgreSQL sorts NULL last, so the last page's backward index scan would otherwise
    # step over every row without one (5,000 drafts at 100,000 applications: 6 ms) before the first it lists.
    queryset = queryset.filter(**{f"{key.path}__isnull": False for key in keys if key.path in not_null})
    original = queryset
    backwards = last or bool(before_cursor and not after_cursor)
    cursor = before_cursor if backwards else after_cursor
    values = decode_cursor(keys, cursor) if cursor and not last else None
    if cursor and values is None and not last:  # not a cursor of this sort: the first page
        backwards = False
    if backwards:
        keys_used = [key.reversed() for key in keys]
        queryset = queryset.order_by(*[("-" if key.descending else "") + key.path for key in keys_used])
    else:
        keys_used = keys
    if values is not None:
        queryset = queryset.filter(after(keys_used, values))
    taken = list(queryset[: per_page + 1])
    if not taken and values is not None:  # the row the link named has gone, and nothing is beyond it: the first page
        return keyset_page(original, per_page, not_null=not_null)
    more = len(taken) > per_page
    rows = taken[:per_page]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, not last and values is not None
    else:
        has_previous, has_next = values is not None, more
    return KeysetPage(
        rows=rows,
        has_next=has_next and bool(rows),
        has_previous=has_previous and bool(rows),
        next_cursor=encode_cursor(keys, rows[-1]) if rows else "",
        previous_cursor=encode_cursor(keys, rows[0]) if rows else "",
    )
