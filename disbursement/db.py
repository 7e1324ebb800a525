"""Bulk inserts at the speed of the database driver.

bulk_create builds SQL value by value, which dominates the cost of writing
tens of thousands of rows. These rows are written with COPY on PostgreSQL and
one executemany elsewhere, without signals (as bulk_create). Rows that only
move from one version to the next are copied by the database itself.

Also the advisory locks that make writers of one date or one year take turns
(hold_lock).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from django.conf import settings
from django.db import connection, models

# Rows sent to the database at a time where it has no COPY.
EXECUTEMANY_CHUNK = 2000


def insert_rows(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    """Insert unsaved instances of `model` (no primary key set). Returns the number of rows."""
    attnames = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    return insert_values(model, attnames, ([getattr(obj, name) for name in attnames] for obj in objects))


def insert_values(model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows given as values in `attnames` order (the primary key, if not named, is the database's).

    For many rows built without model instances: the values are those the model's fields hold
    (ids for foreign keys). Returns the number of rows.
    """
    fields = [model._meta.get_field(name) for name in attnames]
    # Integers, strings and quantized Decimals bind as they are; dates and JSON need the backend's adaptation,
    # which is slow per value: a date or time is adapted once however many rows repeat it.
    dates = [(i, f, {}) for i, f in enumerate(fields) if isinstance(f, models.DateField)]
    jsons = [(i, f) for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    if dates or jsons:
        rows = (_adapt(row, dates, jsons) for row in rows)
    return insert_into(model._meta.db_table, [f.column for f in fields], rows)


def insert_into(table_name: str, column_names: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert rows of values already as the database takes them (insert_values adapts a model's), in
    `column_names` order, into any table (a temporary one too). Returns the number of rows."""
    # The rows stream to the database as they are made: a large file's rows are never all held at once.
    counted = _Counted(rows)
    table = connection.ops.quote_name(table_name)
    columns = ", ".join(connection.ops.quote_name(c) for c in column_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The driver's own COPY, its errors raised as Django's like every other query's: a connection lost
            # meanwhile is an OperationalError, which the tasks retry (outbox.RETRY_ON), not a driver error.
            with connection.wrap_database_errors, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in counted:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(column_names))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            # In chunks: the backend's executemany keeps every row it is given until it returns (Django's SQLite
            # wrapper peeks at the first through itertools.tee).
            while chunk := list(islice(counted, EXECUTEMANY_CHUNK)):
                cursor.executemany(sql, chunk)
    return counted.count


class _Counted:
    """An iterable's items, counted as they are taken."""

    def __init__(self, items: Iterable):
        self._items = iter(items)
        self.count = 0

    def __iter__(self):
        return self

    def __next__(self):
        item = next(self._items)
        self.count += 1
        return item


def _adapt(row: Sequence, dates: list[tuple[int, models.Field, dict]], jsons: list[tuple[int, models.Field]]) -> list:
    row = list(row)
    for i, f, seen in dates:
        value = row[i]
        if value is not None:
            found = seen.get(value)
            if found is None:
                found = seen[value] = f.get_db_prep_save(value, connection)
            row[i] = found
    for i, f in jsons:
        if row[i] is not None:
            row[i] = f.get_db_prep_save(row[i], connection)
    return row


def insert_history_of(model: type[models.Model], where: str, params: Sequence, when, user_id) -> int:
    """The "+" history records of rows of `model` just inserted, selected by `where` (SQL on its table's
    columns, with `params`), copied by the database in id order: the rows never come back to Python."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    history = model.history.model
    ops = connection.ops
    tracked = [f.column for f in history.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    when = history._meta.get_field("history_date").get_db_prep_save(when, connection)
    listed = ", ".join(ops.quote_name(c) for c in [*tracked, *extra])
    selected = ", ".join(ops.quote_name(c) for c in tracked)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ops.quote_name(history._meta.db_table)} ({listed}) "
            f"SELECT {selected}, %s, NULL, %s, %s FROM {ops.quote_name(model._meta.db_table)} "
            f"WHERE {where} ORDER BY {ops.quote_name(model._meta.pk.column)}",
            [when, "+", user_id, *params],
        )
        return cursor.rowcount


def hold_lock(key: int, value: int) -> None:
    """Wait for any other transaction holding the lock (key, value), then hold it until this transaction ends.

    A PostgreSQL advisory transaction lock: it locks no row, so reads and writes that do not ask for it never
    wait. SQLite runs one writing transaction at a time, which serialises the writers without it.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, %s::integer)", [key, value])
