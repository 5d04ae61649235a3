"""Reading a workbook (.xlsx) or the elements' sheet (.csv) as raw rows, within the import's budgets."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from ..budget import Budget, check_archive, part_name
from ..resultat import ImportFailure, control_character, refuse_control
from .columns import (
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_ROWS,
    RECORDS_SHEET,
    SHEET_NS,
    as_text,
    compare_key,
    is_blank,
)

# --- Reading ---------------------------------------------------------------------------------


@dataclass
class RawSheet:
    name: str
    rows: list[tuple[int, list[object]]]  # (1-based row number, cells)
    header: list[str]


def place(sheet: str, row: int | None = None, column: int | None = None, header: str | None = None) -> str:
    where = f"feuille « {sheet} »"
    if row is not None:
        where += f", rangée {row}"
    if column is not None:
        where += f", colonne {get_column_letter(column + 1)}"
        if header:
            where += f" (« {header} »)"
    return where


def _not_a_workbook(display: str, exc: BaseException) -> ImportFailure:
    return ImportFailure(
        f"{display} : ce fichier n'est pas un classeur Excel (.xlsx) lisible ({type(exc).__name__}) ; "
        "enregistrez-le depuis votre tableur au format « Classeur Excel (.xlsx) »."
    )


def _check_workbook(path: Path, display: str, budget: Budget) -> None:
    """Before openpyxl inflates anything: the archive's declared sizes, then each sheet's rows and
    cells, counted in one streaming pass (a sheet's declared `<dimension>` is not believed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, display)
            # Every XML part, not only those under xl/worksheets/: the workbook's relationships may
            # put a sheet anywhere in the archive. Only a sheet has rows and cells in this namespace.
            for name in archive.namelist():
                if name.lower().endswith(".xml"):
                    _check_sheet(archive, name, display, budget)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _not_a_workbook(display, exc) from None


def _check_sheet(archive: zipfile.ZipFile, name: str, display: str, budget: Budget) -> None:
    where = f"partie « {part_name(name)} »"
    row, column = 0, 0
    with archive.open(name) as stream:
        events = etree.iterparse(
            stream,
            events=("start", "end"),
            tag=(f"{SHEET_NS}row", f"{SHEET_NS}c"),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
        )
        try:
            for event, element in events:
                if event == "end":
                    if element.tag == f"{SHEET_NS}row":
                        element.clear()
                    continue
                budget.spend()
                if element.tag == f"{SHEET_NS}row":
                    number = _row_number(element.get("r"), row + 1)
                    if number <= row:
                        raise ImportFailure(
                            f"{display} : {where} : rangée {number} après la rangée {row} ; le classeur est mal "
                            "formé. Ouvrez-le dans votre tableur et enregistrez-le de nouveau au format .xlsx."
                        )
                    if number > MAX_ROWS:
                        raise ImportFailure(
                            f"{display} : {where} : plus de {MAX_ROWS} rangées ; un plan en compte au plus quelques "
                            "centaines : ce classeur n'est pas un plan exporté par Plan ouvert."
                        )
                    row, column = number, 0
                else:
                    letters = re.match(r"[A-Z]{1,3}", element.get("r") or "")
                    found = column_index_from_string(letters.group(0)) if letters else column + 1
                    if found <= column:
                        raise ImportFailure(
                            f"{display} : {where}, rangée {row} : cellules dans le désordre ; le classeur est mal "
                            "formé. Ouvrez-le dans votre tableur et enregistrez-le de nouveau au format .xlsx."
                        )
                    if found > MAX_COLUMNS:
                        raise ImportFailure(
                            f"{display} : {where}, rangée {row} : une cellule au-delà de la colonne "
                            f"{get_column_letter(MAX_COLUMNS)} ; un plan en a quelques dizaines : ce classeur "
                            "n'est pas un plan exporté par Plan ouvert."
                        )
                    column = found
        except etree.XMLSyntaxError as exc:
            raise _not_a_workbook(display, exc) from None


def _row_number(text: str | None, default: int) -> int:
    """A row's `r` attribute (1-based), or the one after the previous row's when it has none."""
    if not text:
        return default
    if len(text) > 9 or not text.isdigit():
        raise ValueError(text)  # not a workbook a spreadsheet program wrote
    return int(text)


def read_xlsx(path: Path, display: str, budget: Budget) -> dict[str, RawSheet]:
    _check_workbook(path, display, budget)
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise _not_a_workbook(display, exc) from None
    found: dict[str, RawSheet] = {}
    try:
        for sheet in book.worksheets:
            # Every row and cell the sheet holds is read, whatever its <dimension> declares
            # (checked above: in order, and within MAX_ROWS × MAX_COLUMNS).
            sheet.reset_dimensions()
            rows: list[tuple[int, list[object]]] = []
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                budget.spend()
                values = []
                for cell in cells:
                    value = cell.value
                    if getattr(cell, "data_type", None) == "f":
                        raise ImportFailure(
                            f"{display} : {place(sheet.title, number, cell.column - 1)} : la cellule contient une "
                            "formule ; remplacez-la par sa valeur (copier, puis coller les valeurs)."
                        )
                    values.append(value)
                rows.append((number, values))
            found[sheet.title] = _raw(sheet.title, rows, display)
    finally:
        book.close()
    return found


def _raw(name: str, rows: list[tuple[int, list[object]]], display: str) -> RawSheet:
    for number, cells in rows:
        for index, cell in enumerate(cells):
            found = control_character(cell) if isinstance(cell, str) else None
            if found:
                raise refuse_control(f"{display} : {place(name, number, index)}", found)
    rows = [(n, cells) for n, cells in rows if any(not is_blank(c) for c in cells)]
    if not rows:
        return RawSheet(name, [], [])
    header = [as_text(c) if c is not None else "" for c in rows[0][1]]
    return RawSheet(name, rows[1:], header)


def read_csv(path: Path, display: str, budget: Budget) -> dict[str, RawSheet]:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFailure(
            f"{display} : fichier CSV de plus de {MAX_CSV_BYTES // 1_000_000} Mo : ce n'est pas un plan."
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailure(
            f"{display} : ce fichier CSV n'est pas en UTF-8 ; enregistrez-le au format « CSV UTF-8 »."
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[tuple[int, list[object]]] = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        budget.spend(1 + len(cells))
        if number > MAX_ROWS or len(cells) > MAX_COLUMNS:
            raise ImportFailure(
                f"{display} : {place(RECORDS_SHEET, number)} : plus de {MAX_ROWS} rangées ou de {MAX_COLUMNS} "
                "colonnes ; un plan en compte au plus quelques centaines : ce fichier n'est pas un plan."
            )
        rows.append((number, list[object](cells)))
    return {RECORDS_SHEET: _raw(RECORDS_SHEET, rows, display)}


def find_sheet(sheets_: dict[str, RawSheet], title: str) -> RawSheet | None:
    return next((s for name, s in sheets_.items() if compare_key(name) == compare_key(title)), None)
