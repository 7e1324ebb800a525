"""Bulk inserts at the speed of the database driver.

bulk_create builds SQL value by value, which dominates the cost of writing
tens of thousands of rows. These rows are written with COPY on PostgreSQL and
one executemany elsewhere, without signals (as bulk_create).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models


def insert_rows(model: type[models.Model], objects: Iterable[models.Model]) -> int:
    """Insert unsaved instances of `model` (no primary key set). Returns the number of rows."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    # Integers, strings and quantized Decimals bind as they are; dates and JSON need the backend's adaptation.
    adapted = [(i, f) for i, f in enumerate(fields) if isinstance(f, models.DateField | models.JSONField)]
    rows = []
    for obj in objects:
        row = [getattr(obj, f.attname) for f in fields]
        for i, f in adapted:
            if row[i] is not None:
                row[i] = f.get_db_prep_save(row[i], connection)
        rows.append(row)
    if not rows:
        return 0
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
    return len(rows)
