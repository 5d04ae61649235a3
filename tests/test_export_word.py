"""The ministry's Word gabarit, filled with a plan: its columns in the ministry's order and wording,
the numbers typed as the gabarit does, landscape and readable, the same bytes on every export,
the plan's data carried for the import (YAML → docx → YAML gives the same plan), LibreOffice
opens it, and the built site offers it with the workbook on each plan's page."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from lxml import etree

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.office import import_word
from plan_ouvert.office.export_word import EMBED_NS, docx_bytes
from plan_ouvert.source.kinds import Kinds
from plan_ouvert.source.tree import PlanTree, build_tree
from plan_ouvert.views.export import public_data
from plan_ouvert.views.opendata import stamp

from .conftest import run_cli
from .helpers import PETIT, ROOT

PLANS = [*sorted((ROOT / "plans").glob("*.yml")), PETIT / "petit-plan-action.yml"]
PIAR = ROOT / "plans" / "mrc-lassomption-piar-2021.yml"
PAC = ROOT / "plans" / "mrc-etchemins-pac-2022.yml"
LIBREOFFICE_TIMEOUT = 180


def _tree(path: Path) -> tuple[PlanTree, Kinds]:
    catalogue = load_catalogue([path])
    assert catalogue.entries, [f.format() for f in catalogue.findings]
    return catalogue.entries[0].tree, catalogue.kinds


def _document(tmp_path: Path, tree: PlanTree) -> tuple[Path, Any]:
    path = tmp_path / f"{tree.plan.id}.docx"
    path.write_bytes(docx_bytes(tree))
    return path, docx.Document(str(path))


def _texts(row: Any) -> list[str]:
    return [cell.text for cell in row.cells]


def test_the_piar_follows_the_ministry_table(tmp_path: Path) -> None:
    tree, _ = _tree(PIAR)
    _, document = _document(tmp_path, tree)
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    paragraphs = [p.text for p in document.paragraphs if p.text]
    declared = tree.kind.spec.gabarit_word
    assert paragraphs[0] == declared.titres[0]
    dates, plan = document.tables
    assert _texts(dates.rows[0]) == ["Date du plan", "30 juin 2021", "Dates de mise à jour", "27 août 2021"]
    # The ministry's columns, in its order and wording.
    assert _texts(plan.rows[0]) == [c.entete for c in declared.colonnes]
    assert len(plan.rows) == 1 + len(tree.of_type("enjeu"))
    # Actions and échéances numbered in the text, the n-th beside the n-th.
    first = tree.of_type("enjeu")[0]
    cells = dict(zip(_texts(plan.rows[0]), _texts(plan.rows[1]), strict=True))
    assert cells["Enjeux à travailler par la MRC"] == first.texte
    assert cells["Axes d'intervention d'AEQ (chiffre correspondant)"] == "1 & 7"
    actions = first.enfants
    assert cells["Actions mises en place"].split("\n") == [f"{n}. {a.texte}" for n, a in enumerate(actions, 1)]
    assert cells["Échéances"].split("\n") == [f"{n}. {a.echeance_texte}" for n, a in enumerate(actions, 1)]


def test_the_header_repeats_on_each_page_and_long_rows_split(tmp_path: Path) -> None:
    tree, _ = _tree(PAC)
    _, document = _document(tmp_path, tree)
    table = document.tables[-1]
    header = table.rows[0]._tr
    assert header.trPr.find(qn("w:tblHeader")) is not None
    assert header.trPr.find(qn("w:cantSplit")) is not None
    # The plan's rows may split across pages: a long enjeu never leaves a blank half page before it.
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:cantSplit")) is None for row in table.rows[1:])
    sizes = {run.font.size for cell in table.rows[1].cells for p in cell.paragraphs for run in p.runs}
    style_size = table.rows[2].cells[0].paragraphs[0].style.font.size
    assert sizes == {None} and style_size.pt == 9  # readable: one table style, 9 points


def test_the_pac_starts_each_objective_with_a_merged_row(tmp_path: Path) -> None:
    tree, _ = _tree(PAC)
    _, document = _document(tmp_path, tree)
    table = document.tables[-1]
    first_rows = [row._tr for row in table.rows[1:3]]
    merged = first_rows[0].findall(qn("w:tc"))
    assert len(merged) == 1 and merged[0].tcPr.find(qn("w:gridSpan")) is not None
    objectif = tree.of_type("objectif")[0]
    assert table.rows[1].cells[0].text == f"Objectif spécifique {objectif.numero}"
    moyen = objectif.enfants[0]
    cell = table.rows[2].cells[0].text.split("\n")
    assert cell == [f"Moyen d’action {moyen.numero} :", moyen.texte]
    partners = table.rows[2].cells[1].text.split("\n")
    assert partners[0] == "Porteur : MRC" and partners[1] == "Collaborateur :"


def test_a_kind_without_a_declared_table_gets_one_of_its_levels(tmp_path: Path) -> None:
    tree, _ = _tree(PETIT / "petit-plan-action.yml")
    spec = tree.kind.spec.model_copy(update={"gabarit_word": None, "id": "plan-maison"})
    own = Kinds().add(spec, "plan-maison.yml")
    _, document = _document(tmp_path, build_tree(tree.plan, own))
    table = document.tables[-1]
    action = spec.niveaux[-1]
    expected = ["Orientation", "Objectif", *(c.libelle for c in action.champs if c.type != "suivi")]
    assert _texts(table.rows[0]) == expected
    row = dict(zip(expected, _texts(table.rows[1]), strict=True))
    assert row["Orientation"] == "Protéger l'eau" and row["Action"] == "Planter des arbustes en bande riveraine"
    assert row["Sources de financement"] == "Fonds régions et ruralité (10\u202f000\u00a0$)"


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_the_file_carries_the_public_data_and_is_the_same_on_every_export(tmp_path: Path, path: Path) -> None:
    tree, _ = _tree(path)
    data = docx_bytes(tree)
    assert data == docx_bytes(tree)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [n for n in archive.namelist() if n.startswith("customXml/") and "/_rels/" not in n]
        roots = {n: etree.fromstring(archive.read(n)) for n in parts}
        ours = [n for n, r in roots.items() if r.tag == f"{{{EMBED_NS}}}plan-ouvert"]
        assert len(ours) == 1
        assert json.loads(roots[ours[0]].text) == public_data(tree.plan)
        moment = stamp([tree.plan])  # the plan's latest date, never the clock
        assert {i.date_time for i in archive.infolist()} == {moment.timetuple()[:6]}
        types = archive.read("[Content_Types].xml").decode()
        assert 'Extension="xml" ContentType="application/xml"' in types
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.modified == moment.replace(tzinfo=document.core_properties.modified.tzinfo)
    related = [r.target_part.partname for r in document.part.rels.values() if r.reltype == RT.CUSTOM_XML]
    assert f"/{ours[0]}" in related


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_yaml_to_docx_to_yaml_gives_the_same_plan(tmp_path: Path, path: Path) -> None:
    tree, kinds = _tree(path)
    docx_path, _ = _document(tmp_path, tree)
    # An existing plan's id comes back only when the person importing names it (--id).
    result = import_word.import_word(docx_path, kinds, import_word.Options(plan_id=tree.plan.id))
    plan = tree.kind.model.model_validate(result.data)
    assert public_data(plan) == public_data(tree.plan)


def test_exporter_writes_the_word_file_and_refuses_what_is_not_a_plan(tmp_path: Path) -> None:
    result = run_cli("exporter", "--format", "docx", str(PIAR), "--sortie", "piar.docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "écrit : piar.docx"
    assert docx.Document(str(tmp_path / "piar.docx")).tables

    not_a_plan = tmp_path / "notes.yml"
    not_a_plan.write_text("- une liste\n", encoding="utf-8")
    refused = run_cli("exporter", "--format", "docx", str(not_a_plan), "--sortie", "notes.docx", cwd=tmp_path)
    assert refused.returncode in (1, 2), refused.stderr
    assert "exportation annulée" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "notes.docx").exists()
    missing = run_cli("exporter", "--format", "docx", "absent.yml", cwd=tmp_path)
    assert missing.returncode == 2 and "un seul plan" in missing.stderr


def _soffice(tmp_path: Path, target: str, source: Path) -> Path:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    assert program is not None, "LibreOffice est introuvable."
    outdir = tmp_path / "converti"
    command = [program, f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}", "--headless"]
    done = subprocess.run(
        [*command, "--convert-to", target, "--outdir", str(outdir), str(source)],
        capture_output=True,
        text=True,
        check=False,
        timeout=LIBREOFFICE_TIMEOUT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return outdir


def test_libreoffice_opens_the_word_file(tmp_path: Path) -> None:
    tree, _ = _tree(PAC)
    path, _ = _document(tmp_path, tree)
    text = (_soffice(tmp_path, "txt:Text (encoded):UTF8", path) / f"{path.stem}.txt").read_text(encoding="utf-8-sig")
    for element in tree.leaves:
        assert element.texte in text
    assert "Moyen d’action 1.1 :" in text and "Indicateur(s) de performance" in text


# --- The built site --------------------------------------------------------------------------


def test_each_plan_page_offers_the_word_file_and_the_workbook(
    site: Path, soup: Callable[[str], Any], built_project: Path
) -> None:
    for path in sorted((built_project / "plans").glob("*.yml")):
        plan_id = path.stem
        page = soup(f"plans/{plan_id}/")
        links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".po-downloads a")}
        word = links["Télécharger au format Word (gabarit du ministère)"]
        workbook = links["Télécharger le classeur modifiable (Excel)"]
        assert word == f"{plan_id}.docx" and workbook == f"{plan_id}.xlsx"
        document = docx.Document(str(site / "plans" / plan_id / word))
        assert document.tables
        assert "Éléments" in openpyxl.load_workbook(site / "plans" / plan_id / workbook).sheetnames
        data_page = soup("donnees/")
        assert data_page.find("a", href=f"../plans/{plan_id}/{plan_id}.docx") is not None


def test_the_text_of_a_level_above_runs_down_its_rows_once(tmp_path: Path) -> None:
    text = (PETIT / "petit-plan-action.yml").read_text(encoding="utf-8")
    second = "          - id: semis\n            texte: Semer des herbacées indigènes\n            echeance: Été 2026\n"
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "petit-plan-action.yml").write_text(text.rstrip("\n") + "\n" + second, encoding="utf-8")
    tree, _ = _tree(folder / "petit-plan-action.yml")
    assert [a.id for a in tree.leaves] == ["plantation", "semis"]
    _, document = _document(tmp_path, tree)
    table = document.tables[-1]
    first, below = (row._tr.findall(qn("w:tc")) for row in table.rows[1:3])
    # Orientation and objective: written on the first action's row, merged over the second's.
    for column in (0, 1):
        assert first[column].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
        assert below[column].tcPr.find(qn("w:vMerge")).get(qn("w:val")) is None
    assert _texts(table.rows[2])[2] == "Semer des herbacées indigènes"


def test_no_header_breaks_mid_word(tmp_path: Path) -> None:
    """« Échéance » was split « Échéan-ce » in a column sized by weight alone."""
    from plan_ouvert.office.export_word import CELL_MARGINS, TWIPS_PER_HEADER_CHAR

    for seed in (PAC, PIAR):
        tree, _ = _tree(seed)
        _, document = _document(tmp_path, tree)
        table = document.tables[-1]
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        headers = [cell.text for cell in table.rows[0].cells]
        for width, header in zip(widths, headers, strict=True):
            longest = max(len(word) for word in header.split())
            assert width >= longest * TWIPS_PER_HEADER_CHAR + CELL_MARGINS, header


def _without_data(data: bytes) -> bytes:
    """The file as an officer's copy may come back: the table and paragraphs, no data part."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            if not info.filename.startswith("customXml/"):
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


def test_adoption_and_notes_are_in_the_visible_document_and_read_back(tmp_path: Path) -> None:
    demo = ROOT / "plans" / "demo-mrc-fictive-pac-2024.yml"
    text = demo.read_text(encoding="utf-8") + (
        'notes:\n  - "Budget total : 120 000 $ sur trois ans."\n  - "Comité de suivi :\\nTCIE et CJEE"\n'
    )
    path = tmp_path / demo.name
    path.write_text(text, encoding="utf-8")
    tree, kinds = _tree(path)
    filed, document = _document(tmp_path, tree)
    paragraphs = [p.text for p in document.paragraphs if p.text.strip()]
    adoption = tree.plan.adoption
    assert adoption is not None and adoption.resolution
    line = f"Adoption : {adoption.instance}, le 20 mars 2024, résolution {adoption.resolution}"
    assert line in paragraphs
    notes = ["Budget total : 120 000 $ sur trois ans.", "Comité de suivi :\nTCIE et CJEE"]
    assert paragraphs[-3:] == ["Notes du plan", *notes]
    # Without the data part, the paragraphs alone give the adoption and the notes back, accounted for.
    filed.write_bytes(_without_data(filed.read_bytes()))
    result = import_word.import_word(filed, kinds, import_word.Options(plan_id=tree.plan.id))
    assert result.data["adoption"] == public_data(tree.plan)["adoption"] | {"date": adoption.date}
    assert result.data["notes"] == tree.plan.notes
    leftovers = [n.texte for n in result.report.non_places]
    assert not any("Adoption" in t or "Notes du plan" in t or "Budget total" in t for t in leftovers), leftovers


def test_the_piar_has_the_nine_columns_of_the_blank_gabarit_with_ressources(tmp_path: Path) -> None:
    tree, _ = _tree(PIAR)
    _, document = _document(tmp_path, tree)
    table = document.tables[-1]
    headers = _texts(table.rows[0])
    assert len(headers) == 9
    assert headers[4:7] == ["Actions mises en place", "Ressources", "Échéances"]
    cells = dict(zip(headers, _texts(table.rows[1]), strict=True))
    assert cells["Ressources"] == "Ressource spécialisée en accompagnement de projet immobilier"
    # Enjeu 2 hires two resources described alike: their role once.
    second = dict(zip(headers, _texts(table.rows[2]), strict=True))["Ressources"]
    assert second.startswith("Ressources qui accompagneront") and "\n" not in second


@pytest.mark.parametrize("path", [PIAR, PAC], ids=lambda p: p.stem)
def test_no_word_of_a_cell_breaks_mid_word(tmp_path: Path, path: Path) -> None:
    """« manufacturières » broke in a column sized by weight alone; number columns were as wide as texts."""
    from plan_ouvert.office.export_word import CELL_MARGINS, TWIPS_PER_CHAR, TWIPS_PER_HEADER_CHAR

    tree, _ = _tree(path)
    _, document = _document(tmp_path, tree)
    table = document.tables[-1]
    widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert sum(widths) <= 10 * 1440  # the page's width inside its margins
    for row in table.rows[1:]:
        for width, cell in zip(widths, row.cells, strict=True):
            parts = [p for w in cell.text.split() for p in re.split(r"(?<=/)(?=\D)", w)]
            longest = max((len(p) for p in parts), default=0)
            assert width >= longest * TWIPS_PER_CHAR + CELL_MARGINS, cell.text
    headers = _texts(table.rows[0])
    if path == PIAR:
        by_header = dict(zip(headers, widths, strict=True))
        numbers = by_header["Objectifs d'AEQ (chiffre correspondant)"]
        assert numbers <= len("correspondant)") * TWIPS_PER_HEADER_CHAR + CELL_MARGINS + 50
        assert numbers < by_header["Actions mises en place"]


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_docx_to_yaml_to_docx_to_yaml_is_stable(tmp_path: Path, path: Path) -> None:
    """A second trip through Word changes nothing: neither the plan, nor the document's table and text."""
    tree, kinds = _tree(path)
    first, document = _document(tmp_path, tree)
    options = import_word.Options(plan_id=tree.plan.id)
    once = tree.kind.model.model_validate(import_word.import_word(first, kinds, options).data)
    again_tree = build_tree(once, tree.kind)
    second = tmp_path / "second.docx"
    second.write_bytes(docx_bytes(again_tree))
    twice = tree.kind.model.model_validate(import_word.import_word(second, kinds, options).data)
    assert public_data(twice) == public_data(once) == public_data(tree.plan)
    seen = docx.Document(str(second))
    assert [p.text for p in seen.paragraphs] == [p.text for p in document.paragraphs]
    assert [[_texts(r) for r in t.rows] for t in seen.tables] == [[_texts(r) for r in t.rows] for t in document.tables]


def test_the_private_package_writer_gives_what_the_public_api_saves() -> None:
    """Canary: the skeleton is written with the Word library's private PackageWriter methods (a
    saved blank document costs most of a plan's export); its members must stay those the public
    Document.save writes for the same document."""
    from docx import Document

    from plan_ouvert.office.export_word import skeleton

    members = skeleton(True).members
    saved = io.BytesIO()
    Document().save(saved)
    with zipfile.ZipFile(saved) as archive:
        public = set(archive.namelist())
    # The skeleton drops the blank document's thumbnail and bibliography, and adds the data part.
    dropped = {n for n in public if n.startswith(("docProps/thumbnail", "customXml/")) or "stylesWithEffects" in n}
    assert {n for n in members if not n.startswith("customXml/")} == public - dropped
    assert members["[Content_Types].xml"].startswith(b"<?xml")
    assert b"<w:body>" in members["word/document.xml"]


def test_ticked_years_come_back_as_years_not_one_string(tmp_path: Path) -> None:
    """« 2024 2025 2026 2027 2028 » came back as one string, and was then flagged as changed."""
    source = (PETIT / "petit-plan-action.yml").read_text(encoding="utf-8")
    path = tmp_path / "petit-plan-action.yml"
    path.write_text(
        source.replace("echeance: Été 2025", 'echeance: ["2024", "2025", "2026", "2027", "2028"]', 1), encoding="utf-8"
    )
    tree, kinds = _tree(path)
    first, _ = _document(tmp_path, tree)
    options = import_word.Options(plan_id=tree.plan.id)
    for filed in (first.read_bytes(), _without_data(first.read_bytes())):
        first.write_bytes(filed)
        data = import_word.import_word(first, kinds, options).data
        action = data["orientations"][0]["objectifs"][0]["actions"][0]
        assert action["echeance"] == ["2024", "2025", "2026", "2027", "2028"]
    plan = tree.kind.model.model_validate(import_word.import_word(first, kinds, options).data)
    again = tmp_path / "again.docx"
    again.write_bytes(docx_bytes(build_tree(plan, tree.kind)))
    back = import_word.import_word(again, kinds, options).data
    assert back["orientations"][0]["objectifs"][0]["actions"][0]["echeance"] == ["2024", "2025", "2026", "2027", "2028"]
