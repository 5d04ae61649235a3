"""Open data: row counts of the real plans, CSV and XLSX read back by LibreOffice, the Data
Package validated by Frictionless, identical bytes on every run, and never a `prive` value."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.cli import main
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views.export import public_data
from plan_ouvert.views.opendata import (
    Column,
    Table,
    cell_text,
    csv_bytes,
    datapackage,
    tables,
    write_all,
    xlsx_bytes,
)

from .helpers import ROOT, files_containing, petit, plans_folder

SENTINEL = "SENTINELLE-PRIVEE-4242"
LIBREOFFICE_TIMEOUT = 180


def _edit(text: str, anchor: str, replacement: str) -> str:
    assert text.count(anchor) == 1, f"« {anchor} » must occur once in the fixture"
    return text.replace(anchor, replacement)


def petit_pac_suivi() -> str:
    """petit-pac with follow-up on moyen 1-1 and its An 1 target, and `prive` values."""
    text = petit("petit-pac")
    text = _edit(text, "licence: CC-BY-4.0\n", f"licence: CC-BY-4.0\nprive:\n  note: {SENTINEL} plan\n")
    text = _edit(
        text,
        "    nom: Carrefour jeunesse-emploi de Petite-Rivière\n",
        f"    nom: Carrefour jeunesse-emploi de Petite-Rivière\n    prive: {{contact: {SENTINEL} partenaire}}\n",
    )
    text = _edit(
        text,
        "                texte: 5 activités\n",
        "                texte: 5 activités\n"
        "                realise: 4 activités\n"
        "                valeur_realisee: 4\n",
    )
    text = _edit(
        text,
        "          - Personnes immigrantes\n",
        "          - Personnes immigrantes\n"
        "        suivi:\n"
        "          statut: en_cours\n"
        "          date: 2023-03-31\n"
        "          commentaire: Quatre activités tenues, une reportée à l'été.\n"
        "        prive:\n"
        f"          entreprises_accompagnees: [{SENTINEL} moyen, Épicerie Côté]\n",
    )
    return _edit(
        text,
        "                texte: 2 rencontres\n",
        "                texte: 2 rencontres\n"
        "                realise: 3 rencontres\n"
        "                valeur_realisee: 3\n",
    )


def petit_piar_suivi() -> str:
    text = petit("petit-piar")
    text = _edit(text, "licence: CC-BY-4.0\n", f"licence: CC-BY-4.0\nprive:\n  note: {SENTINEL} piar\n")
    text = _edit(
        text,
        "        echeance: 30 juin 2022\n",
        "        echeance: 30 juin 2022\n        suivi: {statut: realise, date: 2022-06-15}\n",
    )
    return _edit(text, "          part: 50\n", "          part: 37.5\n")


def petit_plans(tmp_path: Path) -> list[PlanTree]:
    folder = plans_folder(tmp_path, {"petit-pac.yml": petit_pac_suivi(), "petit-piar.yml": petit_piar_suivi()})
    catalogue = load_catalogue([folder])
    assert not catalogue.errors(), [f.format() for f in catalogue.errors()]
    assert len(catalogue.plans) == 2
    return [e.tree for e in catalogue.entries]


def real_plans() -> list[PlanTree]:
    catalogue = load_catalogue([ROOT / "plans"])
    assert not catalogue.errors(), [f.format() for f in catalogue.errors()]
    return [e.tree for e in catalogue.entries]


def sentinel_files(folder: Path) -> list[str]:
    return files_containing(folder, SENTINEL)


# --- Tables ----------------------------------------------------------------------------------

EXPECTED_COUNTS = {
    # Counted in the YAML files (grep and yaml.safe_load), not with the code under test.
    "mrc-etchemins-pac-2022": {
        "plans": 1,
        "annees": 3,
        "mises_a_jour": 0,
        "partenaires": 8,
        "ressources": 0,
        "enjeux": 0,
        "actions": 0,
        "actions_partenaires": 0,
        "allocations": 0,
        "objectifs_specifiques": 7,
        "moyens": 20,
        "moyens_partenaires": 42,
        "indicateurs": 39,
        "cibles": 85,
    },
    "mrc-lassomption-piar-2021": {
        "plans": 1,
        "annees": 0,
        "mises_a_jour": 1,
        "partenaires": 0,
        "ressources": 6,
        "enjeux": 6,
        "actions": 16,
        "actions_partenaires": 0,  # the seed PIAR names no partner for its actions
        "allocations": 7,
        "objectifs_specifiques": 0,
        "moyens": 0,
        "moyens_partenaires": 0,
        "indicateurs": 17,
        "cibles": 16,
    },
}


def _row(table: Table, **where: object) -> dict[str, object]:
    names = [c.name for c in table.columns]
    matches = [dict(zip(names, r, strict=True)) for r in table.rows]
    matches = [r for r in matches if all(r[k] == v for k, v in where.items())]
    assert len(matches) == 1, (table.name, where, len(matches))
    return matches[0]


def test_row_counts_and_values_of_the_real_plans() -> None:
    found = tables(real_plans())
    # The plans and their registries, each kind's levels (built-in kinds in their order), then
    # the indicators.
    assert list(found) == [
        "plans",
        "annees",
        "mises_a_jour",
        "partenaires",
        "ressources",
        "objectifs_specifiques",
        "moyens",
        "moyens_partenaires",
        "enjeux",
        "actions",
        "actions_partenaires",
        "allocations",
        "indicateurs",
        "cibles",
    ]
    for plan_id, expected in EXPECTED_COUNTS.items():
        counts = {name: sum(1 for r in t.rows if r[0] == plan_id) for name, t in found.items()}
        assert counts == expected, plan_id
    for table in found.values():
        assert table.columns[0].name == "plan_id"
        assert len({c.name for c in table.columns}) == len(table.columns)
        assert len({c.title for c in table.columns}) == len(table.columns), table.name
        assert len(table.title) <= 31
        assert all(len(r) == len(table.columns) for r in table.rows), table.name
        assert [r[0] for r in table.rows] == sorted(r[0] for r in table.rows)  # plan id order, stable

    moyen = _row(found["moyens"], plan_id="mrc-etchemins-pac-2022", moyen_id="1-2")
    assert moyen["objectif_id"] == "1" and moyen["numero"] == "1.2"
    assert moyen["annees"] == "2, 3"
    assert moyen["echeance"] == "An 2 (2023-2024) ; An 3 (2024-2025)"
    assert moyen["porteurs"] == "MRC" and moyen["collaborateurs"] == "TCIE ; IDÉE ; CJEE"
    assert moyen["clientele"] == "Partenaires et entreprises de la région ; Personne immigrante de la MRC et du Québec"
    assert moyen["commentaires"] == "La validation des activités sera faite auprès du MIFI"
    cible = _row(
        found["cibles"], plan_id="mrc-lassomption-piar-2021", element_id="5", indicateur_position=2, cible_position=1
    )
    assert cible["texte"] == "au moins 2,5 M$ par année" and cible["valeur"] == 2500000
    assert cible["unite"] == "$ / année" and cible["echeance"] == "dès 2022" and cible["type_element"] == "enjeu"
    action = _row(found["actions"], plan_id="mrc-lassomption-piar-2021", action_id="2-1")
    assert action["echeance"] == "18 décembre 2020 et automne 2021" and action["enjeu_id"] == "2"
    demo = _row(found["plans"], plan_id="demo-mrc-fictive-pac-2024")
    assert demo["fictif"] is True and demo["statut"] == "En vigueur" and demo["date_plan"] == dt.date(2024, 3, 15)
    assert _row(found["plans"], plan_id="mrc-etchemins-pac-2022")["fictif"] is False
    demo_moyen = _row(found["moyens"], plan_id="demo-mrc-fictive-pac-2024", moyen_id="1-3")
    assert demo_moyen["suivi_statut"] == "Reporté" and demo_moyen["suivi_date"] == dt.date(2025, 2, 15)
    assert demo_moyen["suivi_commentaire"] == "Formation reportée à l'An 2 (exemple)."


def test_follow_up_and_allocations_of_edited_plans(tmp_path: Path) -> None:
    found = tables(petit_plans(tmp_path))
    moyen = _row(found["moyens"], plan_id="petit-pac", moyen_id="1-1")
    assert (moyen["suivi_statut"], moyen["suivi_date"]) == ("En cours", dt.date(2023, 3, 31))
    assert moyen["suivi_commentaire"] == "Quatre activités tenues, une reportée à l'été."
    cible = _row(found["cibles"], plan_id="petit-pac", element_id="1-1", cible_position=1)
    assert (cible["annees"], cible["valeur"], cible["realise"], cible["valeur_realisee"]) == (
        "1",
        5,
        "4 activités",
        4,
    )
    action = _row(found["actions"], plan_id="petit-piar", action_id="1-2")
    assert (action["suivi_statut"], action["suivi_date"], action["suivi_commentaire"]) == (
        "Réalisé",
        dt.date(2022, 6, 15),
        None,
    )
    assert [r[1:] for r in found["allocations"].rows] == [
        ["1", None, "conseillere", 60],
        ["2", None, "conseillere", 40],
        ["2", None, "agent", 37.5],
    ]
    assert [r[1:] for r in found["moyens_partenaires"].rows] == [
        ["1-1", "porteur", 1, "mrc"],
        ["1-1", "collaborateur", 1, "cjee"],
        ["2-1", "porteur", 1, "mrc"],
    ]


# --- Files -----------------------------------------------------------------------------------


def test_csv_is_rfc_4180_utf8_with_bom() -> None:
    columns = [
        Column("texte", "Texte (source)"),
        Column("nombre", "Nombre", "number"),
        Column("jour", "Date", "date"),
        Column("vrai", "Fictif", "boolean"),
    ]
    rows: list[list[object]] = [
        ["Accueil, « intégration »\net suivi", 2.5, dt.date(2023, 3, 31), True],
        ['Guillemets "doubles"', 2500000.0, None, False],
        [None, 4, None, None],
    ]
    data = csv_bytes(Table("essai", "Essai", columns, rows))
    assert data.startswith(b"\xef\xbb\xbf")
    # Four records end with CRLF; the one bare LF is inside a quoted field.
    assert data.count(b"\r\n") == 4 and data.count(b"\n") == 5 and data.endswith(b"\r\n")
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[0] == "Texte (source),Nombre,Date,Fictif"
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["Texte (source)", "Nombre", "Date", "Fictif"],
        ["Accueil, « intégration »\net suivi", "2.5", "2023-03-31", "oui"],
        ['Guillemets "doubles"', "2500000", "", "non"],
        ["", "4", "", ""],
    ]


def test_write_all_command_and_privacy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plans = petit_plans(tmp_path)
    folder = tmp_path / "donnees"
    written = write_all(plans, folder)
    found = tables(plans)
    assert sorted(p.relative_to(folder).as_posix() for p in written) == sorted(
        [f"csv/{name}.csv" for name in found] + ["plans.xlsx", "plans.json", "datapackage.json"]
    )
    assert sentinel_files(folder) == []
    pac = next(t for t in plans if t.kind.id == "pac")  # the sentinel really is in the loaded plans
    assert SENTINEL in str(pac.plan.prive) and SENTINEL in str(pac.leaves[0].record.prive)
    assert SENTINEL in str(pac.plan.partenaires[1].prive)
    exported = json.loads((folder / "plans.json").read_text(encoding="utf-8"))
    assert exported == [public_data(t.plan) for t in sorted(plans, key=lambda t: t.plan.id)]
    assert exported[0]["objectifs_specifiques"][0]["moyens"][0]["suivi"]["statut"] == "en_cours"

    # Two exports give the same bytes, file for file.
    again = write_all(plans, tmp_path / "encore")
    for first, second in zip(written, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name

    # The command: plans given as paths, output folder, exit codes, French messages.
    sortie = tmp_path / "sortie"
    code = main(["exporter", str(tmp_path / "plans"), "--sortie", str(sortie)])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "2 plans exportés" in out.err and "écrit :" in out.out
    assert (sortie / "plans.xlsx").read_bytes() == (folder / "plans.xlsx").read_bytes()
    assert sentinel_files(sortie) == []
    assert main(["exporter", str(tmp_path / "absent"), "--sortie", str(sortie)]) == 2
    assert "introuvable" in capsys.readouterr().err


def test_command_refuses_plans_with_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = petit("petit-pac").replace("      - id: 2-1\n", "      - id: 1-1\n")  # COM-E001
    folder = plans_folder(tmp_path, {"petit-pac.yml": broken})
    code = main(["exporter", str(folder), "--sortie", str(tmp_path / "sortie")])
    assert code == 1
    assert "exportation annulée" in capsys.readouterr().err
    assert not (tmp_path / "sortie").exists()


def test_xlsx_typed_bold_frozen_and_deterministic(tmp_path: Path) -> None:
    plans = real_plans()
    found = tables(plans)
    data = xlsx_bytes(found)
    assert data == xlsx_bytes(tables(real_plans()))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == [t.title for t in found.values()]
    for table in found.values():
        sheet = workbook[table.title]
        header = [c.value for c in sheet[1]]
        assert header == [c.title for c in table.columns]
        assert all(c.font.bold for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        expected = [[dt.datetime.combine(v, dt.time()) if isinstance(v, dt.date) else v for v in r] for r in table.rows]
        assert rows == expected, table.name
        for letter, dimension in sheet.column_dimensions.items():
            assert 8 <= dimension.width <= 60, (table.name, letter)
    cibles = workbook["Cibles"]
    values = [r[7] for r in cibles.iter_rows(min_row=2, values_only=True)]
    assert 2500000 in values and all(v is None or isinstance(v, int | float) for v in values)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        core = archive.read("docProps/core.xml").decode()
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert "1980-01-01T00:00:00Z" in core


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    text = petit("petit-pac").replace(
        "texte: Informer les employeurs sur l'embauche de travailleurs immigrants",
        'texte: "=HYPERLINK(\\"https://exemple.org\\";\\"Cliquez\\")"',
    )
    # A control character (« \\x07 ») no longer loads at all (YAML-E017): formula-like text only.
    text = text.replace("commentaires: Inclus dans les frais de gestion", 'commentaires: "@SUM(A1) et cloche"')
    catalogue = load_catalogue([plans_folder(tmp_path, {"petit-pac.yml": text})])
    assert not catalogue.errors(), [f.format() for f in catalogue.errors()]
    trees = [e.tree for e in catalogue.entries]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(tables(trees))))["Moyens d'action"]
    texte, commentaires = sheet["E3"], sheet["L3"]
    assert (texte.value, texte.data_type) == ('=HYPERLINK("https://exemple.org";"Cliquez")', "s")
    assert (commentaires.value, commentaires.data_type) == ("@SUM(A1) et cloche", "s")


# --- Frictionless ----------------------------------------------------------------------------


def _frictionless() -> str:
    program = Path(sys.executable).parent / "frictionless"
    if not program.is_file():
        pytest.fail(f"frictionless est introuvable ({program}) : installez l'extra « test » (pip install -e .[test]).")
    return str(program)


def _validate(folder: Path) -> dict[str, object]:
    result = subprocess.run(
        [_frictionless(), "validate", "--json", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    report: dict[str, object] = json.loads(result.stdout)
    return report


def _errors(report: dict[str, object]) -> list[str]:
    tasks = report["tasks"]
    assert isinstance(tasks, list)
    return [f"{t['name']}: {e['type']}: {e['message']}" for t in tasks for e in t["errors"]]


def test_frictionless_validates_the_data_package(tmp_path: Path) -> None:
    real = tmp_path / "reels"
    write_all(real_plans(), real)
    report = _validate(real)
    assert report["valid"] is True, _errors(report)
    descriptor = json.loads((real / "datapackage.json").read_text(encoding="utf-8"))
    assert "licenses" not in descriptor and "licence des données n'est pas précisée" in descriptor["description"]
    assert len(descriptor["resources"]) == 14  # one per table of test_row_counts_and_values_of_the_real_plans
    moyens = next(r for r in descriptor["resources"] if r["name"] == "moyens")
    assert moyens["path"] == "csv/moyens.csv" and moyens["encoding"] == "utf-8-sig"
    assert moyens["mediatype"] == "text/csv" and moyens["format"] == "csv"
    fields = moyens["schema"]["fields"]
    assert fields[2] == {
        "name": "Identifiant du moyen d'action",
        "title": "Identifiant du moyen d'action",
        "type": "string",
        "nom_technique": "moyen_id",
    }

    petits = tmp_path / "petits"
    plans = petit_plans(tmp_path)
    write_all(plans, petits)
    report = _validate(petits)
    assert report["valid"] is True, _errors(report)
    descriptor = json.loads((petits / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor == datapackage(tables(plans), [t.plan for t in plans])
    assert descriptor["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "title": "Creative Commons Attribution 4.0 International",
            "path": "https://creativecommons.org/licenses/by/4.0/",
        }
    ]

    # The validation does look at the files: a changed header or a dangling parent id fails.
    path = petits / "csv" / "moyens.csv"
    path.write_bytes(path.read_bytes().replace(b"Porteurs", b"Porteur", 1))
    path = petits / "csv" / "actions.csv"
    path.write_bytes(path.read_bytes().replace(b"petit-piar,1,1-1", b"petit-piar,9,1-1", 1))
    report = _validate(petits)
    assert report["valid"] is False
    kinds = {e.split(": ")[1] for e in _errors(report)}
    assert kinds == {"incorrect-label", "foreign-key"}


# --- LibreOffice -----------------------------------------------------------------------------


def _soffice() -> str:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        pytest.fail("LibreOffice est introuvable : installez-le (apt-get install -y libreoffice-calc-nogui).")
    return program


def _convert(tmp_path: Path, target: str, sources: list[Path], outdir: Path, infilter: str | None = None) -> None:
    profile = (tmp_path / "profil-libreoffice").as_uri()
    command = [_soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", target]
    if infilter:
        command.append(f"--infilter={infilter}")
    command += ["--outdir", str(outdir), *map(str, sources)]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=LIBREOFFICE_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice n'a pas fini en {LIBREOFFICE_TIMEOUT} s : {' '.join(command)}")
    assert result.returncode == 0, result.stdout + result.stderr


def _same_text(expected: object, got: str) -> bool:
    """A cell of a CSV that LibreOffice wrote from our XLSX, against the source value."""
    if expected is None:
        return got == ""
    if isinstance(expected, bool):
        return got.upper() in (("TRUE", "VRAI") if expected else ("FALSE", "FAUX"))
    if isinstance(expected, int | float):
        return float(got) == float(expected)
    if isinstance(expected, dt.date):
        return got == expected.isoformat()
    return got == expected


def _same_cell(expected: object, got: object) -> bool:
    """A cell of an XLSX that LibreOffice made from our CSV, against the source value.

    CSV holds text: LibreOffice reads numbers and ISO dates back as such, also in a text
    column (« 1.2 », « 1 »), so those compare by value.
    """
    if expected is None:
        return got is None or got == ""
    if isinstance(expected, bool):
        return got == cell_text(expected)
    if isinstance(got, dt.datetime):
        return cell_text(expected) == got.date().isoformat()
    if isinstance(got, int | float) and not isinstance(got, bool):
        return float(cell_text(expected)) == float(got)
    return got == cell_text(expected)


def test_libreoffice_reads_the_xlsx_and_the_csv_files(tmp_path: Path) -> None:
    plans = real_plans() + petit_plans(tmp_path)
    folder = tmp_path / "donnees"
    write_all(plans, folder)
    found = tables(plans)

    # XLSX → one CSV per sheet (token 12 = -1: every sheet; token 9: cells as shown).
    sheets = tmp_path / "feuilles"
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    _convert(tmp_path, csv_filter, [folder / "plans.xlsx"], sheets)
    for table in found.values():
        path = sheets / f"plans-{table.title}.csv"
        assert path.is_file(), sorted(p.name for p in sheets.iterdir())
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == [c.title for c in table.columns], table.name
        assert len(rows) == len(table.rows) + 1, table.name
        for expected, got in zip(table.rows, rows[1:], strict=True):
            mismatches = [(e, g) for e, g in zip(expected, got, strict=True) if not _same_text(e, g)]
            assert not mismatches, (table.name, mismatches)

    # Each CSV → XLSX (UTF-8, comma, en-US numbers), read back with openpyxl.
    books = tmp_path / "classeurs"
    sources = [folder / "csv" / f"{name}.csv" for name in found]
    _convert(tmp_path, "xlsx", sources, books, infilter="CSV:44,34,76,1,,1033,false,false")
    for table in found.values():
        sheet = openpyxl.load_workbook(books / f"{table.name}.xlsx").active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert rows[0] == [c.title for c in table.columns], table.name
        assert len(rows) == len(table.rows) + 1, table.name
        for expected, got in zip(table.rows, rows[1:], strict=True):
            got += [None] * (len(expected) - len(got))  # trailing empty cells are not stored
            mismatches = [(e, g) for e, g in zip(expected, got, strict=True) if not _same_cell(e, g)]
            assert not mismatches, (table.name, mismatches)
    accents = Counter(ch for t in found.values() for r in t.rows for v in r if isinstance(v, str) for ch in v)
    assert all(accents[ch] for ch in "éèàçÉ’"), "the data compared hold accented text"


# --- CSV injection ---------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://x","clic")'


def _hostile_plans(tmp_path: Path) -> list[PlanTree]:
    """petit-pac with formula-like text in text columns and negative numbers in number columns."""
    text = _edit(
        petit("petit-pac"),
        "texte: Informer les employeurs sur l'embauche de travailleurs immigrants",
        "texte: '" + FORMULA + "'",
    )
    text = _edit(text, "commentaires: Inclus dans les frais de gestion", "commentaires: '@SUM(A1) et +1 418 555-1234'")
    text = _edit(
        text, "                texte: 2 rencontres\n", "                texte: '-5 %'\n                valeur: -5\n"
    )
    catalogue = load_catalogue([plans_folder(tmp_path, {"petit-pac.yml": text})])
    assert not catalogue.errors(), [f.format() for f in catalogue.errors()]
    return [e.tree for e in catalogue.entries]


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_neutralises_formula_text_and_keeps_numbers(tmp_path: Path) -> None:
    found = tables(_hostile_plans(tmp_path))
    moyens = _csv_rows(csv_bytes(found["moyens"]))
    moyen = moyens[[r[2] for r in moyens].index("2-1")]
    assert moyen[4] == "'" + FORMULA
    assert moyen[11] == "'@SUM(A1) et +1 418 555-1234"
    cibles = _csv_rows(csv_bytes(found["cibles"]))
    cible = next(r for r in cibles if r[2] == "2-1")
    assert (cible[6], cible[7]) == ("-5 %", "-5")  # a number, and a text that is only a number, stay readable
    for value, shown in [("\tcmd", "'\tcmd"), ("\r=1", "'\r=1"), ("-1-1", "'-1-1"), ("+33", "+33"), ("a=b", "a=b")]:
        table = Table("essai", "Essai", [Column("texte", "Texte")], [[value]])
        assert _csv_rows(csv_bytes(table))[1] == [shown], value
    descriptor = datapackage(found, [t.plan for t in _hostile_plans(tmp_path / "encore")])
    assert "précédé d'une apostrophe" in descriptor["description"]


def test_libreoffice_keeps_formula_text_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "donnees"
    write_all(_hostile_plans(tmp_path), folder)

    # The XLSX opened by LibreOffice: the cell is the text itself, not « clic ».
    sheets = tmp_path / "feuilles"
    csv_filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
    _convert(tmp_path, csv_filter, [folder / "plans.xlsx"], sheets)
    with (sheets / "plans-Moyens d'action.csv").open(encoding="utf-8-sig", newline="") as handle:
        moyen = next(r for r in csv.reader(handle) if r[2] == "2-1")
    assert moyen[4] == FORMULA

    # The CSV opened by LibreOffice: a text cell (shown with its apostrophe), never a formula.
    books = tmp_path / "classeurs"
    _convert(tmp_path, "xlsx", [folder / "csv" / "moyens.csv"], books, infilter="CSV:44,34,76,1,,1033,false,false")
    sheet = openpyxl.load_workbook(books / "moyens.xlsx").active
    row = next(r for r in sheet.iter_rows(min_row=2) if r[2].value == "2-1")
    assert (row[4].value, row[4].data_type) == ("'" + FORMULA, "s")
    assert (row[11].value, row[11].data_type) == ("'@SUM(A1) et +1 418 555-1234", "s")
