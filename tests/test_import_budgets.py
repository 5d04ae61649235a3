"""Every import has a budget: hostile Word and Excel files stop with a French message, nothing written.

Each case is the attack's own shape, built here: a chain of `basedOn` styles, a docx of empty rows,
an xlsx whose `<dimension>` is padded or whose shared strings inflate without end, rows outside
the declared dimension, and control characters. No test measures a duration (the benchmark does).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest

from plan_ouvert.office import budget as budget_module
from plan_ouvert.office import word
from plan_ouvert.office.budget import Budget
from plan_ouvert.office.classeur import import_workbook, xlsx_bytes
from plan_ouvert.office.import_word import Options, import_word
from plan_ouvert.office.resultat import ImportFailure
from plan_ouvert.source.kinds import Kinds
from plan_ouvert.views.export import public_data

from .conftest import run_cli
from .helpers import PETIT, REFERENTIELS, plans_folder
from .test_classeur import _reloaded, _tree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"


def _rewrite(path: Path, parts: dict[str, bytes]) -> Path:
    """The same archive with some parts replaced (or added)."""
    with zipfile.ZipFile(path) as source:
        kept = [(info, source.read(info)) for info in source.infolist() if info.filename not in parts]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info, data in kept:
            target.writestr(info, data)
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def _plan_docx(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("MRC de l'Essai")
    table = document.add_table(rows=2, cols=3)
    for i, text in enumerate(["Objectif", "Action", "Échéancier"]):
        table.cell(0, i).text = text
    for i, text in enumerate(["Attirer la relève", "Tenir une journée portes ouvertes", "Automne 2025"]):
        table.cell(1, i).text = text
    document.save(str(path))
    return path


def _import_docx(path: Path) -> list[dict[str, object]]:
    result = import_word(path, Kinds.builtin(), Options(kind="plan-action", referentiels=REFERENTIELS))
    return list(result.data["objectifs"])


def _cli_refuses(path: Path, tmp_path: Path, *args: str) -> str:
    """The importer's message for a hostile file; asserts that nothing was written."""
    plans = plans_folder(tmp_path / "depot", {})
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = run_cli("importer", str(path), "--plans", str(plans), *args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Rien n'a été écrit." in result.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    return result.stderr


# --- Word: a chain of styles, empty rows ------------------------------------------------------------


def _styles(count: int) -> bytes:
    """`count` paragraph styles, each based on the next; the last one numbers its paragraphs."""
    chain = "".join(f'<w:style w:styleId="s{i}"><w:basedOn w:val="s{i + 1}"/></w:style>' for i in range(count))
    numbered = '<w:pPr><w:numPr><w:numId w:val="7"/></w:numPr></w:pPr>'
    last = f'<w:style w:type="paragraph" w:styleId="s{count}">{numbered}</w:style>'
    return f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{W_NS}">{chain}{last}</w:styles>'.encode()


def test_a_chain_of_400000_styles_is_refused(tmp_path: Path) -> None:
    path = _rewrite(_plan_docx(tmp_path / "styles.docx"), {"word/styles.xml": _styles(400_000)})
    assert path.stat().st_size < 3_000_000  # the attack: about 2 MB
    message = _cli_refuses(path, tmp_path, "--type", "plan-action")
    assert "le document définit plus de 10000 styles ; un plan en a quelques centaines" in message


def test_a_long_chain_of_styles_is_resolved_once_per_style(tmp_path: Path) -> None:
    # 9,000 styles: each walking the chain to its end cost 40 million steps; resolved once, 9,000.
    path = _rewrite(_plan_docx(tmp_path / "styles.docx"), {"word/styles.xml": _styles(9_000)})
    with zipfile.ZipFile(path) as archive:
        body = archive.read(DOCUMENT).decode()
    # The action's paragraph takes the first style of the chain: numbered by the last one's list.
    styled = body.replace("<w:p><w:r><w:t>Tenir", '<w:p><w:pPr><w:pStyle w:val="s0"/></w:pPr><w:r><w:t>Tenir', 1)
    assert styled != body
    _rewrite(path, {DOCUMENT: styled.encode()})
    [paragraph] = word.read(path).tables[0].rows[1].cells[1].paragraphs
    assert (paragraph.text, paragraph.numbered, paragraph.num_id, paragraph.label) == (
        "Tenir une journée portes ouvertes",
        True,
        "7",
        1,
    )


def _rows_docx(path: Path, rows: str, count: int) -> Path:
    source = _plan_docx(path)
    with zipfile.ZipFile(source) as archive:
        body = archive.read(DOCUMENT).decode()
    end = body.rindex("</w:tbl>")
    return _rewrite(path, {DOCUMENT: (body[:end] + rows * count + body[end:]).encode()})


def test_a_docx_of_empty_rows_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    path = _rows_docx(tmp_path / "vide.docx", "<w:tr><w:tc><w:p/></w:tc></w:tr>", 3_000_000)
    assert path.stat().st_size < 400_000  # the attack: 153 KB
    message = _cli_refuses(path, tmp_path, "--type", "plan-action")
    assert "vide.docx : ce fichier se décompresserait en beaucoup plus de données qu'un plan d'action" in message
    assert "partie « word/document.xml »" in message


def test_a_docx_of_too_many_rows_is_refused_by_its_count(tmp_path: Path) -> None:
    row = "<w:tr><w:tc><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc></w:tr>"
    path = _plan_docx(tmp_path / "rangees.docx")
    with zipfile.ZipFile(path) as archive:
        body = archive.read(DOCUMENT).decode()
    end = body.rindex("</w:tbl>")
    rows = "".join(row.format(i * 7919 % 100_003) for i in range(25_000))
    _rewrite(path, {DOCUMENT: (body[:end] + rows + body[end:]).encode()})
    message = _cli_refuses(path, tmp_path, "--type", "plan-action")
    assert "les tableaux du document comptent plus de 20000 rangées ; un plan en compte quelques centaines" in message


# --- Excel: padded dimension, shared strings, rows outside the dimension -------------------------


def _workbook(tmp_path: Path, name: str = "petit-plan-action.xlsx") -> tuple[Path, object, object]:
    tree, kinds = _tree(PETIT / "petit-plan-action.yml")
    path = tmp_path / name
    path.write_bytes(xlsx_bytes(tree))
    return path, tree, kinds


def _sheets(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {n: archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/sheet")}


def _with_dimension(path: Path, ref: str) -> Path:
    parts = {
        name: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
        for name, xml in _sheets(path).items()
    }
    assert all(f'<dimension ref="{ref}"/>' in xml for xml in parts.values())
    return _rewrite(path, {name: xml.encode() for name, xml in parts.items()})


def test_a_padded_dimension_costs_nothing_and_changes_nothing(tmp_path: Path) -> None:
    path, tree, kinds = _workbook(tmp_path)
    _with_dimension(path, "A1:XFD1048576")  # the attack: 15 KB declaring every cell of the sheet…
    parts = _sheets(path)
    name = next(iter(parts))
    far = '<row r="19000"><c r="A19000" t="inlineStr"><is><t></t></is></c></row></sheetData>'
    _rewrite(path, {name: parts[name].replace("</sheetData>", far).encode()})  # … and one row far below
    result = import_workbook(path, kinds)  # type: ignore[arg-type]
    assert public_data(_reloaded(tmp_path, result.data, kinds)) == public_data(tree.plan)  # type: ignore[attr-defined]


def test_rows_and_cells_outside_the_declared_dimension_are_read(tmp_path: Path) -> None:
    path, tree, kinds = _workbook(tmp_path)
    _with_dimension(path, "A1:B2")  # declares two rows and two columns; the sheets hold more
    result = import_workbook(path, kinds)  # type: ignore[arg-type]
    assert public_data(_reloaded(tmp_path, result.data, kinds)) == public_data(tree.plan)  # type: ignore[attr-defined]


def test_shared_strings_that_inflate_without_end_are_refused(tmp_path: Path) -> None:
    path, _, _ = _workbook(tmp_path)
    with zipfile.ZipFile(path) as archive:
        types = archive.read("[Content_Types].xml").decode()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    types = types.replace("</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    huge = f'<sst xmlns="{main}" count="1" uniqueCount="1"><si><t>' + "A" * 200_000_000 + "</t></si></sst>"
    _rewrite(path, {"[Content_Types].xml": types.encode(), "xl/sharedStrings.xml": huge.encode()})
    assert path.stat().st_size < 1_000_000  # the attack: 3.6 MB inflating to 1.5 GB
    message = _cli_refuses(path, tmp_path)
    assert "petit-plan-action.xlsx : ce fichier se décompresserait en beaucoup plus de données" in message
    assert "partie « xl/sharedStrings.xml »" in message


def test_a_cell_far_beyond_a_plan_s_columns_is_refused(tmp_path: Path) -> None:
    path, _, kinds = _workbook(tmp_path)
    parts = _sheets(path)
    name = next(iter(parts))
    parts[name] = parts[name].replace("</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    _rewrite(path, {name: parts[name].encode()})
    with pytest.raises(ImportFailure, match=r"une cellule au-delà de la colonne SF ; un plan en a quelques dizaines"):
        import_workbook(path, kinds)  # type: ignore[arg-type]


# --- Control characters ------------------------------------------------------------------------------


def test_a_csv_with_nul_and_esc_is_refused_with_its_place(tmp_path: Path) -> None:
    path = tmp_path / "elements.csv"
    path.write_text(
        "Niveau,Identifiant,Identifiant du parent,Texte\n"
        "Objectif,1,,Attirer la relève\n"
        "Action,1-1,1,Tenir une journée\x1b[31m portes\x00 ouvertes\n",
        encoding="utf-8",
    )
    message = _cli_refuses(path, tmp_path, "--type", "plan-action", "--id", "essai", "--organisme", "MRC X")
    assert (
        "elements.csv : feuille « Éléments », rangée 3, colonne D : caractère de contrôle invisible (U+001B) "
        "dans le texte ; retirez-le du fichier"
    ) in message
    assert "\x1b" not in message and "\x00" not in message


def test_an_xlsx_cell_carrying_a_control_character_is_refused(tmp_path: Path) -> None:
    # XML cannot carry C0 characters, even as « &#x7; » in an XML 1.1 part: the reader refuses the
    # file; the check of every cell (the CSV case above) stands behind it.
    path, _, kinds = _workbook(tmp_path)
    parts = _sheets(path)
    name = next(n for n, xml in parts.items() if "Attirer" in xml or "<is><t>" in xml)
    changed = re.sub(r"<is><t>([^<]*)</t></is>", r"<is><t>Cloche&#x7;</t></is>", parts[name], count=1)
    changed = re.sub(r'^<\?xml version="1.0"', '<?xml version="1.1"', changed)
    assert changed != parts[name]
    _rewrite(path, {name: changed.encode()})
    with pytest.raises(ImportFailure, match=r"n'est pas un classeur Excel \(.xlsx\) lisible"):
        import_workbook(path, kinds)  # type: ignore[arg-type]


def test_control_characters_in_the_hidden_word_data_are_refused(tmp_path: Path) -> None:
    path = _plan_docx(tmp_path / "cache.docx")
    payload = '{"contact": {"nom": "Service\\u001b[2J"}}'
    xml = f'<?xml version="1.0"?><plan-ouvert xmlns="urn:plan-ouvert:plan:1">{payload}</plan-ouvert>'
    _rewrite(path, {"customXml/item9.xml": xml.encode()})
    with pytest.raises(ImportFailure, match=r"données cachées du fichier, contact > nom : caractère de contrôle"):
        _import_docx(path)


# --- The budget itself ---------------------------------------------------------------------------------


def test_the_work_budget_stops_an_import_in_french() -> None:
    budget = Budget("plan.docx", max_work=10)
    budget.spend(10)
    with pytest.raises(ImportFailure, match=r"^plan.docx : ce fichier demande beaucoup plus de travail"):
        budget.spend()


def test_the_time_budget_stops_an_import_in_french() -> None:
    budget = Budget("plan.xlsx", seconds=0)
    with pytest.raises(ImportFailure, match=r"^plan.xlsx : la lecture de ce fichier dépasse le temps permis"):
        budget.spend(5)


def test_the_memory_budget_stops_an_import_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    budget = Budget("plan.docx")
    monkeypatch.setattr(budget_module, "MAX_GROWTH_KB", -1)  # any growth is too much
    with pytest.raises(ImportFailure, match=r"^plan.docx : la lecture de ce fichier demande beaucoup plus de mémoire"):
        budget.spend(5)


def test_no_control_character_reaches_the_plan_file_from_any_source(tmp_path: Path) -> None:
    path = tmp_path / "elements.csv"
    rows = (
        "Niveau,Identifiant,Identifiant du parent,Texte\nOrientation,1,,Une relève\nObjectif,1-1,1,Attirer la relève\n"
    )
    path.write_text(rows, encoding="utf-8")
    message = _cli_refuses(path, tmp_path, "--type", "plan-action", "--id", "essai", "--organisme", "MRC\x1b[2J X")
    assert "elements.csv : champ organisme > nom : caractère de contrôle invisible (U+001B)" in message
    assert "\x1b" not in message


def test_a_sheet_stored_outside_the_worksheets_folder_is_checked_too(tmp_path: Path) -> None:
    path, _, kinds = _workbook(tmp_path)
    parts = _sheets(path)
    name = next(iter(parts))
    moved = parts[name].replace("</row>", '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    with zipfile.ZipFile(path) as archive:
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
        kept = {n: archive.read(n) for n in archive.namelist() if n != name}
    short = name.removeprefix("xl/")
    assert short in rels and f"/{name}" in types
    kept["xl/_rels/workbook.xml.rels"] = rels.replace(short, "ailleurs/feuille.xml").encode()
    kept["[Content_Types].xml"] = types.replace(f"/{name}", "/xl/ailleurs/feuille.xml").encode()
    kept["xl/ailleurs/feuille.xml"] = moved.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, data in kept.items():
            archive.writestr(part, data)
    with pytest.raises(ImportFailure, match=r"partie « xl/ailleurs/feuille.xml », rangée 1 : une cellule au-delà"):
        import_workbook(path, kinds)  # type: ignore[arg-type]


def test_a_long_table_of_rows_numbered_alike_gets_distinct_ids(tmp_path: Path) -> None:
    # Each new id was checked by walking every element read so far, and « 1-k » by trying every k
    # from 2: 11,000 such rows took more than two minutes. The ids stay those it gave.
    row = (
        "<w:tr><w:tc><w:p><w:r><w:t>Objectif {0}</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>Action {0}</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr>"
    )
    path = _plan_docx(tmp_path / "longue.docx")
    with zipfile.ZipFile(path) as archive:
        body = archive.read(DOCUMENT).decode()
    end = body.rindex("</w:tbl>")
    _rewrite(path, {DOCUMENT: (body[:end] + "".join(row.format(i) for i in range(4_000)) + body[end:]).encode()})
    result = import_word(
        path, Kinds.builtin(), Options(kind="plan-action", organisme="MRC X", referentiels=REFERENTIELS)
    )
    actions = [a["id"] for o in result.data["orientations"][0]["objectifs"] for a in o["actions"]]
    assert actions == ["1", *(f"1-{k}" for k in range(2, 4_002))]
