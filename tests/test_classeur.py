"""The editable workbook: YAML → xlsx → YAML gives the same plan, the workbook reads as a person
expects (French headers, one row per element, a sheet that explains the columns), and a bad
workbook gives a French message that says where (sheet, row, column), with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.office.classeur import import_workbook, xlsx_bytes
from plan_ouvert.office.resultat import ImportFailure
from plan_ouvert.source.load import load_file
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views.export import public_data

from .conftest import run_cli
from .helpers import PETIT, ROOT, petit, plans_folder

# Both seeds, the demo plan, and a plan of the data-defined generic kind.
PLANS = [*sorted((ROOT / "plans").glob("*.yml")), PETIT / "petit-plan-action.yml"]
LIBREOFFICE_TIMEOUT = 180


def _tree(path: Path) -> tuple[PlanTree, Any]:
    catalogue = load_catalogue([path])
    assert catalogue.entries, [f.format() for f in catalogue.findings]
    return catalogue.entries[0].tree, catalogue.kinds


def _written(tmp_path: Path, tree: PlanTree, name: str | None = None) -> Path:
    path = tmp_path / (name or f"{tree.plan.id}.xlsx")
    path.write_bytes(xlsx_bytes(tree))
    return path


def _reloaded(tmp_path: Path, data: dict[str, Any], kinds: Any) -> Any:
    """The imported data written as a plan file and loaded as any plan is."""
    target = tmp_path / "relu" / f"{data['id']}.yml"
    target.parent.mkdir(exist_ok=True)
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded = load_file(target, kinds=kinds)
    assert loaded.record is not None, [f.format() for f in loaded.findings]
    return loaded.record


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.stem)
def test_yaml_to_xlsx_to_yaml_gives_the_same_plan(tmp_path: Path, path: Path) -> None:
    tree, kinds = _tree(path)
    result = import_workbook(_written(tmp_path, tree), kinds)
    assert public_data(_reloaded(tmp_path, result.data, kinds)) == public_data(tree.plan)
    assert not result.report.non_places


def test_the_workbook_is_the_same_bytes_on_every_export() -> None:
    tree, _ = _tree(ROOT / "plans" / "mrc-etchemins-pac-2022.yml")
    assert xlsx_bytes(tree) == xlsx_bytes(tree)


def test_the_workbook_has_a_row_per_element_with_french_headers(tmp_path: Path) -> None:
    tree, _ = _tree(ROOT / "plans" / "mrc-etchemins-pac-2022.yml")
    book = openpyxl.load_workbook(_written(tmp_path, tree))
    assert book.sheetnames[:2] == ["Plan", "Éléments"]
    assert {"Indicateurs", "Cibles", "Partenaires", "Années du plan", "Colonnes"} <= set(book.sheetnames)
    rows = list(book["Éléments"].iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["Niveau", "Identifiant", "Identifiant du parent"]
    assert {"Moyen d'action", "Porteurs", "Clientèle visée", "Échéance", "Suivi : statut"} <= set(header)
    assert len(rows) - 1 == len(tree.elements)
    moyen = tree.element("moyen", "1-1")
    assert moyen is not None
    row = next(r for r in rows if r[1] == "1-1")
    assert row[0] == "Moyen d'action" and row[2] == moyen.parent.id  # type: ignore[union-attr]
    # A list: one item per line in the cell.
    assert row[header.index("Clientèle visée")] == "\n".join(moyen.valeur("clientele"))
    plan = {r[0]: r[1] for r in book["Plan"].iter_rows(min_row=2, values_only=True)}
    assert plan["Organisme"] == "MRC des Etchemins"
    assert plan["Type de plan (gabarit)"] == "pac"
    explained = {(r[0], r[1]) for r in book["Colonnes"].iter_rows(min_row=2, values_only=True)}
    assert all(("Éléments", h) in explained for h in header)


def test_plan_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    formula = '=HYPERLINK("https://exemple.invalid","clic")'
    text = petit("petit-plan-action").replace("texte: Planter des arbustes en bande riveraine", f"texte: '{formula}'")
    folder = plans_folder(tmp_path, {"petit-plan-action.yml": text})
    tree, kinds = _tree(folder / "petit-plan-action.yml")
    path = _written(tmp_path, tree)
    sheet = openpyxl.load_workbook(path)["Éléments"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == formula)
    assert cell.data_type == "s"
    assert public_data(_reloaded(tmp_path, import_workbook(path, kinds).data, kinds)) == public_data(tree.plan)


def _rewrite(path: Path, sheet_name: str, change: Any) -> None:
    """Rewrite one sheet's rows (a list of lists, header first) through `change`."""
    book = openpyxl.load_workbook(path)
    sheet = book[sheet_name]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    rows = change(rows)
    sheet.delete_rows(1, sheet.max_row)
    for row in rows:
        sheet.append(row)
    book.save(path)


def test_reordered_columns_and_headers_typed_otherwise_read_the_same(tmp_path: Path) -> None:
    tree, kinds = _tree(ROOT / "plans" / "mrc-lassomption-piar-2021.yml")
    path = _written(tmp_path, tree)

    def shuffle(rows: list[list[Any]]) -> list[list[Any]]:
        header = [str(h) for h in rows[0]]
        header = [h.upper() if i % 2 else h.lower().replace("é", "e").replace("É", "E") for i, h in enumerate(header)]
        return [list(reversed(r)) for r in [header, *rows[1:]]]

    _rewrite(path, "Éléments", shuffle)
    _rewrite(path, "Indicateurs", lambda rows: [list(reversed(r)) for r in rows])
    result = import_workbook(path, kinds)
    assert public_data(_reloaded(tmp_path, result.data, kinds)) == public_data(tree.plan)


def test_the_records_sheet_alone_as_csv_gives_the_elements(tmp_path: Path) -> None:
    tree, kinds = _tree(ROOT / "plans" / "mrc-etchemins-pac-2022.yml")
    sheet = openpyxl.load_workbook(_written(tmp_path, tree))["Éléments"]
    out = io.StringIO()
    writer = csv.writer(out)
    for row in sheet.iter_rows(values_only=True):
        writer.writerow(["" if v is None else v for v in row])
    path = tmp_path / "programmation.csv"
    path.write_text(out.getvalue(), encoding="utf-8")

    result = import_workbook(path, kinds)
    # The kind is read from the levels' words; the plan's own fields are not in a CSV: the
    # report says which to complete.
    assert result.data["gabarit"] == "pac"
    assert any("titre" in n.message and "organisme" in n.message for n in result.report.non_places)
    assert any("type de plan déduit" in n.message for n in result.report.devinettes)
    expected = [(o.id, [m.id for m in o.moyens]) for o in tree.plan.objectifs_specifiques]  # type: ignore[attr-defined]
    assert [(o["id"], [m["id"] for m in o["moyens"]]) for o in result.data["objectifs_specifiques"]] == expected
    texts = [m["texte"] for o in result.data["objectifs_specifiques"] for m in o["moyens"]]
    assert texts == [e.texte for e in tree.leaves]

    given = {"titre": "Programmation", "organisme": {"nom": "MRC des Etchemins"}, "programme": "mifi-pac"}
    completed = import_workbook(path, kinds, gabarit="pac", plan=given)
    assert not completed.report.non_places
    assert completed.data["organisme"] == {"nom": "MRC des Etchemins"}
    assert completed.data["id"] == "programmation"  # from the file's name, a guess the report lists
    assert ("id",) in completed.guessed_paths


def test_text_in_a_column_that_does_not_apply_goes_to_the_notes(tmp_path: Path) -> None:
    tree, kinds = _tree(ROOT / "plans" / "mrc-lassomption-piar-2021.yml")
    path = _written(tmp_path, tree)

    def stray(rows: list[list[Any]]) -> list[list[Any]]:
        column = rows[0].index("Échéance")
        rows[1][column] = "Texte égaré"  # row 2: an enjeu, which has no échéance
        return rows

    _rewrite(path, "Éléments", stray)
    result = import_workbook(path, kinds)
    note = result.report.non_places[0]
    assert "feuille « Éléments », rangée 2, colonne" in note.ou and "Échéance" in note.ou
    assert note.texte == "Texte égaré"
    assert any("Texte égaré" in n for n in result.data["notes"])


# --- Bad input ---------------------------------------------------------------------------------


def _failure(path: Path, kinds: Any) -> str:
    with pytest.raises(ImportFailure) as caught:
        import_workbook(path, kinds)
    return str(caught.value)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_text("ceci n'est pas un classeur", encoding="utf-8")
    _, kinds = _tree(PETIT / "petit-plan-action.yml")
    message = _failure(path, kinds)
    assert message.startswith("plan.xlsx : ") and "n'est pas un classeur Excel" in message


def test_an_unknown_header_is_refused_with_its_place(tmp_path: Path) -> None:
    tree, kinds = _tree(PETIT / "petit-plan-action.yml")
    path = _written(tmp_path, tree)

    def extra(rows: list[list[Any]]) -> list[list[Any]]:
        return [[*rows[0], "Responsable interne"], *[[*r, "Julie"] for r in rows[1:]]]

    _rewrite(path, "Éléments", extra)
    message = _failure(path, kinds)
    last = openpyxl.utils.get_column_letter(len(openpyxl.load_workbook(path)["Éléments"][1]))
    assert f"feuille « Éléments », rangée 1, colonne {last} (« Responsable interne ») : en-tête inconnu" in message


def test_a_row_whose_parent_does_not_exist_is_refused_with_its_place(tmp_path: Path) -> None:
    tree, kinds = _tree(PETIT / "petit-plan-action.yml")
    path = _written(tmp_path, tree)

    def orphan(rows: list[list[Any]]) -> list[list[Any]]:
        rows[-1][2] = "inexistant"
        return rows

    _rewrite(path, "Éléments", orphan)
    message = _failure(path, kinds)
    assert (
        "feuille « Éléments », rangée 4, colonne C (« Identifiant du parent ») : parent « inexistant » introuvable"
        in (message)
    )


def test_a_formula_typed_in_the_workbook_is_refused(tmp_path: Path) -> None:
    tree, kinds = _tree(PETIT / "petit-plan-action.yml")
    path = _written(tmp_path, tree)
    book = openpyxl.load_workbook(path)
    book["Éléments"]["D2"] = "=1+1"
    book.save(path)
    assert "feuille « Éléments », rangée 2, colonne D : la cellule contient une formule" in _failure(path, kinds)


def test_importer_writes_nothing_for_a_bad_workbook(tmp_path: Path) -> None:
    tree, _ = _tree(PETIT / "petit-plan-action.yml")
    path = _written(tmp_path, tree, "plan.xlsx")
    _rewrite(path, "Éléments", lambda rows: [*rows[:-1], [rows[-1][0], rows[-1][1], "inexistant"]])
    plans = plans_folder(tmp_path, {})
    before = sorted(p.name for p in plans.iterdir())
    result = run_cli("importer", str(path), "--plans", str(plans), cwd=tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "parent « inexistant » introuvable" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in plans.iterdir()) == before


# --- Command line and LibreOffice --------------------------------------------------------------


def test_exporter_writes_the_workbook_and_refuses_a_folder(tmp_path: Path) -> None:
    plan = ROOT / "plans" / "mrc-etchemins-pac-2022.yml"
    result = run_cli("exporter", "--format", "xlsx", str(plan), "--sortie", "programmation.xlsx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "écrit : programmation.xlsx"
    assert "Éléments" in openpyxl.load_workbook(tmp_path / "programmation.xlsx").sheetnames

    refused = run_cli("exporter", "--format", "xlsx", str(ROOT / "plans"), "--sortie", "tous.xlsx", cwd=tmp_path)
    assert refused.returncode == 2
    assert "écrit un seul plan" in refused.stderr and "Traceback" not in refused.stderr
    assert not (tmp_path / "tous.xlsx").exists()


def test_libreoffice_opens_the_workbook(tmp_path: Path) -> None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    assert program is not None, "LibreOffice est introuvable."
    tree, _ = _tree(PETIT / "petit-plan-action.yml")
    path = _written(tmp_path, tree)
    profile = (tmp_path / "profil").as_uri()
    # Token 12 = -1: one CSV per sheet.
    target = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    command = [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    done = subprocess.run(
        [*command, "--outdir", str(tmp_path / "csv"), str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=LIBREOFFICE_TIMEOUT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    records = (tmp_path / "csv" / f"{path.stem}-Éléments.csv").read_text(encoding="utf-8")
    assert "Planter des arbustes en bande riveraine" in records
    assert "Restaurer les rives" in records


def test_an_id_the_spreadsheet_turned_into_a_date_is_refused_with_a_fix(tmp_path: Path) -> None:
    tree, kinds = _tree(PETIT / "petit-plan-action.yml")
    path = _written(tmp_path, tree)
    book = openpyxl.load_workbook(path)
    book["Éléments"]["B3"] = dt.datetime(2026, 2, 1)  # « 1-2 » as a spreadsheet reads it
    book.save(path)
    message = _failure(path, kinds)
    assert "feuille « Éléments », rangée 3, colonne B (« Identifiant ») : le tableur a pris cet identifiant" in message
    assert "apostrophe" in message
