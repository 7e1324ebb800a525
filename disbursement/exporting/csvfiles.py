"""The two CSV dialects every export writes: numbers as numbers, text neutralised.

- ``machine`` (the default, for scripts and dashboards): comma between fields, a point before
  decimals, ISO dates (2024-07-20), no thousands separator.
- ``excel`` ("CSV cho Excel"): what Excel opens right on a computer set to Vietnamese
  (Windows vi-VN: list separator ';', decimal mark ','): semicolon between fields, a comma before
  decimals, dates dd/mm/yyyy, no thousands separator. A double click opens it in columns, and the
  amounts and ratios are numbers Excel sums.

Both are UTF-8 with a byte order mark, so Excel reads the Vietnamese text (readers in Python use
encoding="utf-8-sig"). An empty field is an absent figure, never 0.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from disbursement.exporting.safety import neutralise


@dataclass(frozen=True)
class CsvDialect:
    code: str
    label: str
    delimiter: str
    decimal_mark: str
    date_format: str


MACHINE = CsvDialect("machine", "CSV (dấu phẩy, dấu chấm thập phân)", ",", ".", "%Y-%m-%d")
EXCEL = CsvDialect("excel", "CSV cho Excel (dấu chấm phẩy, dấu phẩy thập phân)", ";", ",", "%d/%m/%Y")
DIALECTS = {dialect.code: dialect for dialect in (MACHINE, EXCEL)}


def dialect_named(code: str | None) -> CsvDialect:
    """The dialect of a query parameter; the machine dialect when none is named. KeyError for an unknown one."""
    return DIALECTS[code or MACHINE.code]


def number_text(value: int | Decimal, dialect: CsvDialect) -> str:
    """A number as the dialect writes it: no thousands separator, its decimal mark, no trailing zeros."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = str(int(value))
    return text.replace(".", dialect.decimal_mark)


def cell_text(value, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int | Decimal):
        return number_text(value, dialect)
    if isinstance(value, dt.date):
        return value.strftime(dialect.date_format)
    return neutralise(str(value))


def write_csv(header: list[str], rows: Iterable[list], dialect: CsvDialect) -> bytes:
    """The CSV file of `rows` (numbers, dates, text or None) in `dialect`, UTF-8 with a byte order mark."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell_text(value, dialect) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
