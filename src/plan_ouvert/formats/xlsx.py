"""Excel writing, behind one module: cells that stay text, and reproducible workbook bytes.

openpyxl's own `save` stamps the clock into docProps/core.xml and zipfile stamps every member
with the current time: here both carry the given `moment`, so a rebuild gives the same file.

One private part of openpyxl is kept, for a measured reason: its writer puts each sheet of an
in-memory workbook through a temporary file on disk, which for a plan's workbook (a dozen
small sheets) costs more than writing the sheet itself. Measured with openpyxl 3.1.5 on a
shared 2-core machine (best of three): the sample plans' three workbooks take 0.05 s against
0.09 s with the public writer alone; the 100 synthetic plans' workbooks (bench/generate.py),
built and written on a busier machine, 10.6 s against 20.1 s.
`_MemoryWriter` writes the same sheet XML in memory with openpyxl's own sheet writer. The
canary test (tests/test_formats.py) writes every sample plan's workbook both ways and fails
when the bytes differ, that is when a new openpyxl changes what its writer does.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.writer.excel import ExcelWriter

from .archive import StampedZip

DATE_FORMAT = "yyyy-mm-dd"
CELL_MAX = 32767  # characters in one spreadsheet cell
SHEET_MAX = 31  # characters in a sheet name
# The zip format cannot store dates before 1980: the stamp of a workbook without any date.
EPOCH = dt.datetime(1980, 1, 1)


def _text(value: str) -> str:
    """Control characters that XML 1.0 cannot hold are dropped rather than failing the export,
    and text is cut at the 32 767 characters a spreadsheet cell holds."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))[:CELL_MAX]


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write one cell; text always stays text (openpyxl would store « =… » as a formula: plan
    text is data, never a formula)."""
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _text(value)
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def text_cell(sheet: Any, value: object) -> Any:
    """A cell of a write-only sheet, text kept as text like `put`."""
    cell = WriteOnlyCell(sheet, _text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def clean(text: str) -> str:
    """Text fit for a workbook's properties (title): no character XML 1.0 refuses."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", text))


class _MemoryWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's writer, each sheet of an in-memory workbook written in memory (see above).

    Copied from openpyxl 3.1.5's `ExcelWriter.write_worksheet`, less the temporary file."""

    def write_worksheet(self, ws: Any) -> None:
        from openpyxl.worksheet._writer import WorksheetWriter  # private: see the module's note

        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        out = io.BytesIO()
        writer = WorksheetWriter(ws, out)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], out.getvalue())
        self.manifest.append(ws)


def workbook_bytes(workbook: Workbook, moment: dt.datetime, in_memory: bool = True) -> bytes:
    """The workbook's bytes, dated `moment` inside (document properties) and in the zip.

    `in_memory=False` is openpyxl's public writer alone (what the canary compares with). A
    write-only workbook streams its rows to temporary files already: it always takes it.
    """
    workbook.properties.created = moment
    workbook.properties.modified = moment
    out = io.BytesIO()
    with StampedZip(out, moment) as archive:
        memory = in_memory and not workbook.write_only
        (_MemoryWriter if memory else ExcelWriter)(workbook, archive).write_data()
    return out.getvalue()
