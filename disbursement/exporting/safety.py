"""Text from users or files is neutralised before it goes into a spreadsheet.

A cell starting with =, +, - or @ is run as a formula by Excel and
LibreOffice (CSV/formula injection); a leading apostrophe makes it text.
"""

from __future__ import annotations

DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    return value
