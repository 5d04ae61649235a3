"""The formats layer: one reproducible zip writer, Excel writing behind one module, and the
canary that watches the one private part of openpyxl kept there."""

from __future__ import annotations

import ast
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.formats import archive, xlsx
from plan_ouvert.office.classeur import workbook, xlsx_bytes
from plan_ouvert.office.export_word import docx_bytes
from plan_ouvert.views import opendata

from .helpers import PETIT, ROOT

PACKAGE = ROOT / "src" / "plan_ouvert"
SAMPLES = [*sorted((ROOT / "plans").glob("*.yml")), PETIT / "petit-plan-action.yml"]
MOMENT = dt.datetime(2024, 5, 17, 9, 30)


def _tree(path: Path) -> Any:
    catalogue = load_catalogue([path])
    assert not catalogue.errors()
    return catalogue.entries[0].tree


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_canary_the_in_memory_sheet_writer_gives_the_bytes_of_openpyxls_public_writer(path: Path) -> None:
    """openpyxl's private sheet writer is used to skip a temporary file per sheet: if a new
    openpyxl writes sheets otherwise, the bytes differ here, before a user's file does."""
    tree = _tree(path)
    fast = xlsx.workbook_bytes(workbook(tree), MOMENT)
    public = xlsx.workbook_bytes(workbook(tree), MOMENT, in_memory=False)
    assert fast == public
    assert xlsx_bytes(tree) == xlsx.workbook_bytes(workbook(tree), opendata.stamp([tree.plan]))
    book = load_workbook(io.BytesIO(fast))
    assert book.sheetnames[:2] == ["Plan", "Éléments"]


def test_every_office_file_is_a_zip_dated_by_the_plan_never_by_the_clock() -> None:
    tree = _tree(ROOT / "plans" / "mrc-lassomption-piar-2021.yml")
    moment = opendata.stamp([tree.plan])
    expected = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    tables = opendata.tables([tree])
    for data in (xlsx_bytes(tree), docx_bytes(tree), opendata.xlsx_bytes(tables, moment)):
        with zipfile.ZipFile(io.BytesIO(data)) as made:
            members = made.infolist()
        assert members
        assert {m.date_time for m in members} == {expected}
        assert {m.external_attr for m in members} == {archive.MODE}
        assert {m.compress_type for m in members} == {zipfile.ZIP_DEFLATED}


def test_the_zip_writer_gives_the_same_bytes_for_the_same_members_and_keeps_their_order() -> None:
    members = [("b.xml", b"<b/>"), ("a.xml", b"<a/>" * 100)]
    first = archive.zip_bytes(members, MOMENT)
    assert first == archive.zip_bytes(iter(members), MOMENT)
    assert first != archive.zip_bytes(members, MOMENT.replace(year=2025))
    with zipfile.ZipFile(io.BytesIO(first)) as made:
        assert [(i.filename, made.read(i)) for i in made.infolist()] == members


def test_text_that_looks_like_a_formula_or_holds_control_characters_stays_text() -> None:
    book = xlsx.Workbook()
    sheet = book.active
    xlsx.put(sheet, 1, 1, '=HYPERLINK("http://exemple.org")\x07')
    xlsx.put(sheet, 1, 2, "x" * 40_000)
    read = load_workbook(io.BytesIO(xlsx.workbook_bytes(book, MOMENT))).active
    assert read.cell(1, 1).data_type == "s"
    assert read.cell(1, 1).value == '=HYPERLINK("http://exemple.org")'
    assert len(read.cell(1, 2).value) == xlsx.CELL_MAX


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_zip_writing_and_openpyxls_private_parts_stay_in_the_formats_layer() -> None:
    """One zip writer: no other module builds a ZipInfo, opens a zip to write, or reaches into
    openpyxl's private modules; and the formats layer knows no plan."""
    wrong = []
    for path in [*_modules(PACKAGE), *_modules(ROOT / "macros")]:
        if path.is_relative_to(PACKAGE / "formats"):
            continue
        source = path.read_text(encoding="utf-8")
        for needle in ("ZipInfo", "openpyxl.worksheet._writer", "ExcelWriter", "write_worksheet"):
            if needle in source:
                wrong.append(f"{path.relative_to(ROOT)}: {needle}")
        for node in ast.walk(ast.parse(source)):
            writes = isinstance(node, ast.Call) and ast.unparse(node.func).endswith("ZipFile")
            if writes and any(isinstance(a, ast.Constant) and a.value in ("w", "a", "x") for a in node.args[1:]):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}: zip opened to write")
    assert wrong == []
    for path in _modules(PACKAGE / "formats"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level]
        names += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [n for n in names if n.startswith("plan_ouvert")], path


@pytest.mark.parametrize(
    "folder", ["src/plan_ouvert/formats", "src/plan_ouvert/office/classeur", "src/plan_ouvert/views/opendata"]
)
def test_the_formats_modules_and_the_adapter_hold_in_one_reading(folder: str) -> None:
    long = {p.name: n for p in _modules(ROOT / folder) if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600}
    assert long == {}
