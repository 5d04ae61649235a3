"""The open-data workbook: one sheet per table, and the date every workbook of a plan carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from plan_ouvert.formats.xlsx import DATE_FORMAT, EPOCH, text_cell, workbook_bytes
from plan_ouvert.source.model import PlanBase, Suivi, public_fields

from .columns import (
    Table,
)
from .csvfile import cell_text

# --- XLSX ------------------------------------------------------------------------------------


def _suivi_dates(value: object) -> Iterator[dt.date]:
    """The dates of every follow-up in a record and the records under it, whatever its kind."""
    if isinstance(value, Suivi):
        if value.date:
            yield value.date
    elif isinstance(value, BaseModel):
        for _name, field_value in public_fields(value):
            yield from _suivi_dates(field_value)
    elif isinstance(value, list):
        for item in value:
            yield from _suivi_dates(item)


def stamp(plans: Sequence[PlanBase]) -> dt.datetime:
    """The workbook's created and modified date: the latest date the plans give, never the clock."""
    dates: list[dt.date] = []
    for plan in plans:
        dates += [d for d in (plan.date_plan, plan.date_convention) if d]
        dates += [m.date for m in plan.mises_a_jour]
        if plan.adoption:
            dates.append(plan.adoption.date)
        dates += _suivi_dates(plan)
    if not dates:
        return EPOCH
    return max(EPOCH, dt.datetime.combine(max(dates), dt.time()))


def _width(values: Iterable[object]) -> float:
    longest = max((len(cell_text(v)) for v in values), default=0)
    return float(min(max(longest + 2, 8), 60))


def xlsx_bytes(tables: dict[str, Table], moment: dt.datetime = EPOCH) -> bytes:
    """One sheet per table: French header in bold, frozen, with a filter; typed cells.

    Written in openpyxl's write-only mode: rows stream to the file instead of living as cell
    objects until the end of the build (about 140 000 cells at 100 plans).
    """
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Plan ouvert"
    workbook.properties.title = "Plans d'action en données ouvertes"
    workbook.properties.language = "fr-CA"
    bold = Font(name="Calibri", bold=True)
    for table in tables.values():
        sheet = workbook.create_sheet(table.title[:31])
        for index, column in enumerate(table.columns, start=1):
            values = [column.title, *(r[index - 1] for r in table.rows)]
            width = 12.0 if column.type == "date" else _width(values)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 2)}"
        header = []
        for column in table.columns:
            cell = text_cell(sheet, column.title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        dates = [i for i, c in enumerate(table.columns) if c.type == "date"]
        for row in table.rows:
            cells = [text_cell(sheet, value) for value in row]
            for i in dates:
                cells[i].number_format = DATE_FORMAT
            sheet.append(cells)
    return workbook_bytes(workbook, moment)
