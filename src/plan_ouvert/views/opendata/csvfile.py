"""CSV: RFC 4180 in UTF-8 with a byte order mark, formulas neutralised."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from .columns import (
    TRUE_FALSE,
    Table,
    number_text,
)

# --- CSV -------------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE_FALSE[0] if value else TRUE_FALSE[1]
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# A spreadsheet opening a CSV runs a cell starting with one of these as a formula (« CSV
# injection »: =HYPERLINK to a hostile site, =cmd|… on old Excel). OWASP's defence: such a
# text cell starts with an apostrophe, which spreadsheets show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A text that is only a number (« -5 % », « -2,5 ») cannot be a formula: it stays readable.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\u00a0\u202f .,]*%?")


def csv_cell(value: object) -> str:
    """The CSV text of a cell: numbers, dates and booleans as `cell_text`, text neutralised."""
    text = cell_text(value)
    if isinstance(value, str) and text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(table: Table) -> bytes:
    """RFC 4180 CSV in UTF-8 with a byte order mark (Excel then reads the accents right)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=",", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.title for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")
