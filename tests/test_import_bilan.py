"""The import's ledger: every word of a Word document ends in the plan or in the import report.

Each fixture is written by the tests: the seed plans in the layouts MRC files use, the Word export
of every sample plan (and of a plan of a data-defined kind), and files saved again by LibreOffice.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.office import bilan
from plan_ouvert.office.export_word import docx_bytes
from plan_ouvert.office.import_word import Options, import_word
from plan_ouvert.office.resultat import ImportResult
from plan_ouvert.office.yamlwriter import report_markdown
from plan_ouvert.source.kinds import Kinds

from .helpers import PETIT, REFERENTIELS, ROOT
from .word_fixtures import PAC, PAC_HEADERS, Style, pac_docx, piar_docx, seed

LEDGER = "ensemble du document"
STYLES = {
    "tape-paragraphes": Style(),
    "auto-sauts": Style(numbering="auto", lines="sauts"),
    "tape-sauts-fusion": Style(lines="sauts", merged=True),
    "auto-fusion-gabarit": Style(numbering="auto", merged=True, gabarit=True),
}
SAMPLES = [*sorted((ROOT / "plans").glob("*.yml")), PETIT / "petit-plan-action.yml"]


def _import(path: Path, kinds: Kinds | None = None, **options: Any) -> ImportResult:
    return import_word(path, kinds or Kinds.builtin(), Options(referentiels=REFERENTIELS, **options))


def _resaved(path: Path, folder: Path) -> Path:
    """The same document opened and saved again by LibreOffice (another word processor's XML)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice est installé par « make test »"
    out = folder / "libreoffice"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{folder}/lo-profile", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / path.name


def _leftover_texts(result: ImportResult) -> list[str]:
    return [n.texte or "" for n in result.report.non_places]


def _assert_conserved(result: ImportResult) -> None:
    """Nothing the ledger had to add itself: the importer put every word somewhere."""
    assert [n for n in result.report.non_places if n.ou == LEDGER] == []


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    folder = tmp_path_factory.mktemp("bilan")
    made: dict[str, Path] = {}

    def make(name: str) -> Path:
        if name not in made:
            which, _, style = name.partition(":")
            builder = piar_docx if which == "piar" else pac_docx
            made[name] = builder(folder / f"{which}-{len(made)}.docx", STYLES[style])
        return made[name]

    return make


@pytest.mark.parametrize("which", ["piar", "pac"])
@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_word_of_a_ministry_table_is_placed_or_reported(
    fixtures: Callable[[str], Path], which: str, style: str
) -> None:
    organisme = "MRC de L'Assomption" if which == "piar" else "MRC des Etchemins"
    result = _import(fixtures(f"{which}:{style}"), organisme=organisme)
    _assert_conserved(result)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_every_word_of_an_exported_plan_comes_back(tmp_path: Path, sample: Path) -> None:
    catalogue = load_catalogue([sample])
    tree = catalogue.entries[0].tree
    path = tmp_path / f"{tree.plan.id}.docx"
    path.write_bytes(docx_bytes(tree))
    result = _import(path, catalogue.kinds)
    _assert_conserved(result)
    assert result.report.non_places == []


def test_a_file_saved_again_by_libreoffice_keeps_its_ledger(fixtures: Callable[[str], Path], tmp_path: Path) -> None:
    resaved = _resaved(fixtures("pac:tape-sauts-fusion"), tmp_path)
    result = _import(resaved, organisme="MRC des Etchemins")
    _assert_conserved(result)
    assert result.report.non_places == []


def test_the_ledger_finds_a_word_the_plan_lost(fixtures: Callable[[str], Path]) -> None:
    """The check itself can fail: a plan missing one indicator's words is caught, word by word."""
    from plan_ouvert.office import word

    path = fixtures("pac:tape-paragraphes")
    result = _import(path, organisme="MRC des Etchemins")
    document = word.read(path)
    kind = Kinds.builtin().get("pac")
    assert kind is not None and kind.spec.gabarit_word is not None
    gabarit = kind.spec.gabarit_word
    header = {(document.tables[-1].number, 1)}
    assert not bilan.unaccounted(document, gabarit, header, result.data, [])
    first = result.data["objectifs_specifiques"][0]["moyens"][0]
    first["indicateurs"][0]["texte"] = ""
    lost = bilan.unaccounted(document, gabarit, header, result.data, [])
    assert lost and set(lost) <= set(
        bilan.words(seed(PAC)["objectifs_specifiques"][0]["moyens"][0]["indicateurs"][0]["texte"])
    )


# --- A PAC as MRCs write it: text around the table, a second table, revisions, a comment --------


def _tracked(paragraph: Any, kept: str, inserted: str, deleted: str) -> None:
    """A paragraph with a tracked insertion and a tracked deletion, as Word writes them."""
    paragraph.text = ""
    paragraph.add_run(kept)
    ins = OxmlElement("w:ins")
    ins.set(qn("w:id"), "901")
    ins.set(qn("w:author"), "Agente")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.set(qn("xml:space"), "preserve")
    text.text = inserted
    run.append(text)
    ins.append(run)
    paragraph._p.append(ins)
    dele = OxmlElement("w:del")
    dele.set(qn("w:id"), "902")
    dele.set(qn("w:author"), "Agente")
    run = OxmlElement("w:r")
    text = OxmlElement("w:delText")
    text.set(qn("xml:space"), "preserve")
    text.text = deleted
    run.append(text)
    dele.append(run)
    paragraph._p.append(dele)


AROUND_BEFORE = "Délégataire : MRC des Etchemins, convention signée le 12 mai 2022."
AROUND_AFTER = "Budget total de la programmation : 150 000 $ sur trois ans."
SECOND_TABLE = ["Ressource", "Agente de développement en immigration, 4 jours par semaine"]
COMMENT = "Vérifier la cible avec le comité"


def _pac_as_mrcs_write_it(path: Path) -> Path:
    pac_docx(path, Style(lines="sauts"))
    document = docx.Document(str(path))
    table = document.tables[-1]
    table._tbl.addprevious(document.add_paragraph(AROUND_BEFORE)._p)
    document.add_paragraph(AROUND_AFTER)
    ressources = document.add_table(rows=1, cols=2)
    for i, text in enumerate(SECOND_TABLE):
        ressources.cell(0, i).text = text
    row = next(r for r in table.rows if r.cells[0].text.startswith("Moyen d’action 1.1"))
    cell = row.cells[PAC_HEADERS.index("Commentaires")]
    _tracked(cell.paragraphs[0], "Inclus ", "dans les frais de gestion", "hors budget")
    document.add_comment(row.cells[PAC_HEADERS.index("Cible(s)")].paragraphs[0].runs, text=COMMENT, author="Agente")
    document.save(str(path))
    return path


@pytest.fixture(scope="module")
def pac_of_an_mrc(tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    path = _pac_as_mrcs_write_it(tmp_path_factory.mktemp("mrc") / "programmation.docx")
    return _import(path, organisme="MRC des Etchemins")


def _plan_text(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(_plan_text(v) for v in value.values())
    if isinstance(value, list):
        return " ".join(_plan_text(v) for v in value)
    return str(value)


def test_text_around_the_table_and_a_second_table_are_reported_not_lost(pac_of_an_mrc: ImportResult) -> None:
    _assert_conserved(pac_of_an_mrc)
    leftovers = _leftover_texts(pac_of_an_mrc)
    assert AROUND_BEFORE in leftovers
    assert AROUND_AFTER in leftovers
    assert " | ".join(SECOND_TABLE) in leftovers
    # Reported, never published: none of it is in the plan's notes.
    notes = " ".join(pac_of_an_mrc.data.get("notes", []))
    assert "Délégataire" not in notes and "Budget total" not in notes


def test_tracked_changes_read_as_accepted_and_said(pac_of_an_mrc: ImportResult) -> None:
    first = pac_of_an_mrc.data["objectifs_specifiques"][0]["moyens"][0]
    assert first["commentaires"] == "Inclus dans les frais de gestion"
    assert "hors budget" not in _plan_text(pac_of_an_mrc.data)
    said = [n.message for n in pac_of_an_mrc.report.devinettes if n.ou == "modifications suivies"]
    assert said and "1 insertion(s), 1 suppression(s)" in said[0] and "acceptées" in said[0]


def test_comments_are_listed_in_the_report_only(pac_of_an_mrc: ImportResult) -> None:
    assert [(n.ou, n.texte) for n in pac_of_an_mrc.report.commentaires] == [("commentaire 1 de Agente", COMMENT)]
    assert COMMENT not in _plan_text(pac_of_an_mrc.data)
    markdown = report_markdown(pac_of_an_mrc.report, "plans/x.yml", "PAC")
    assert "## Commentaires du document (1)" in markdown
    assert f"« {COMMENT} »" in markdown
    assert "ne sont jamais importés dans le plan" in markdown


# --- Cells as MRCs fill them: « — », « N/A », « À déterminer », targets by indicator or by year ----


def _pac_rows(path: Path, rows: list[list[list[str]]]) -> Path:
    """A PAC programmation table: one objectif, then one row per moyen, each cell's lines broken
    with Shift+Enter (a line break inside one paragraph)."""
    document = docx.Document()
    document.add_paragraph("Programme d’appui aux collectivités")
    table = document.add_table(rows=1, cols=len(PAC_HEADERS))
    for i, header in enumerate(PAC_HEADERS):
        table.cell(0, i).text = header
    title = table.add_row().cells
    title[0].merge(title[-1]).text = "Objectif spécifique 1 : Attirer"
    for values in rows:
        cells = table.add_row().cells
        for cell, lines in zip(cells, values, strict=True):
            cell.text = ""
            paragraph = cell.paragraphs[0]
            for i, line in enumerate(lines):
                if i:
                    paragraph.add_run().add_break()
                paragraph.add_run(line)
    document.save(str(path))
    return path


def _moyen(texte: str, **cells: list[str]) -> list[list[str]]:
    columns = ["partenaires", "resultats", "indicateurs", "cibles", "echeance", "clientele", "commentaires"]
    return [[f"Moyen d’action 1.{texte[0]} :", texte[2:]], *(cells.get(c, []) for c in columns)]


@pytest.fixture(scope="module")
def cells_as_mrcs_fill_them(tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    rows = [
        _moyen(
            "1 Accueillir les nouveaux arrivants",
            partenaires=["Porteur : MRC", "Collaborateur : —"],
            indicateurs=["Nombre d’activités", "Nombre de personnes rejointes"],
            # Written indicator by indicator (years 1 then 2 of each), not year by year.
            cibles=["5 activités", "8 activités", "40 personnes rejointes", "60 personnes rejointes"],
            echeance=["An 1 (2022-2023)", "An 2 (2023-2024)"],
            clientele=["N/A"],
            commentaires=["—"],
        ),
        _moyen(
            "2 Former les intervenants",
            partenaires=["Porteur : À déterminer"],
            indicateurs=["Nombre de formations", "Nombre de participants"],
            cibles=["An 1 : 2 formations", "An 1 : 20 participants", "An 2 : 3 formations", "An 2 : —"],
            echeance=["An 1 (2022-2023)", "An 2 (2023-2024)"],
            clientele=["Intervenants", "S.O."],
        ),
    ]
    path = _pac_rows(tmp_path_factory.mktemp("cellules") / "programmation.docx", rows)
    return _import(path, organisme="MRC des Etchemins")


def _cibles(moyen: dict[str, Any]) -> list[list[tuple[Any, str]]]:
    return [[(c.get("annee"), c["texte"]) for c in i.get("cibles", [])] for i in moyen["indicateurs"]]


def test_nothing_marks_leave_the_field_empty(cells_as_mrcs_fill_them: ImportResult) -> None:
    first, second = cells_as_mrcs_fill_them.data["objectifs_specifiques"][0]["moyens"]
    assert "collaborateurs" not in first
    assert "clientele" not in first and "commentaires" not in first
    assert second["clientele"] == ["Intervenants"]
    assert "porteurs" not in second
    assert all(p.get("nom") not in ("—", "À déterminer") for p in cells_as_mrcs_fill_them.data.get("partenaires", []))
    said = [n for n in cells_as_mrcs_fill_them.report.devinettes if "aucun partenaire inscrit" in n.message]
    assert [n.texte for n in said] == ["Porteur : À déterminer"]
    _assert_conserved(cells_as_mrcs_fill_them)


def test_targets_follow_their_indicator_by_their_words(cells_as_mrcs_fill_them: ImportResult) -> None:
    first = cells_as_mrcs_fill_them.data["objectifs_specifiques"][0]["moyens"][0]
    assert _cibles(first) == [
        [(1, "5 activités"), (2, "8 activités")],
        [(1, "40 personnes rejointes"), (2, "60 personnes rejointes")],
    ]
    said = [n.message for n in cells_as_mrcs_fill_them.report.devinettes if "indicateur par indicateur" in n.message]
    assert len(said) == 1


def test_targets_with_their_year_written_and_a_dash(cells_as_mrcs_fill_them: ImportResult) -> None:
    second = cells_as_mrcs_fill_them.data["objectifs_specifiques"][0]["moyens"][1]
    assert _cibles(second) == [[(1, "2 formations"), (2, "3 formations")], [(1, "20 participants")]]
