"""The annual reddition de compte: the right lines for a plan year, French errors, a workbook
laid out for filing that opens with openpyxl, identical bytes on every run, no `prive`."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.cli import main
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views.rapport import HEADERS, AnneeInconnue, report, report_xlsx

from .helpers import ROOT, petit, plans_folder
from .test_opendata import SENTINEL, petit_pac_suivi, petit_piar_suivi

FRENCH_HEADERS = [
    "Regroupement",
    "Élément",
    "Description",
    "Indicateur",
    "Cible",
    "Réalisé",
    "Cible atteinte",
    "Statut",
    "Date du statut",
    "Commentaire",
]


@pytest.fixture
def projet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding plans/ (the edited petit plans), as the working directory."""
    plans_folder(tmp_path, {"petit-pac.yml": petit_pac_suivi(), "petit-piar.yml": petit_piar_suivi()})
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _plan(folder: Path, plan_id: str) -> PlanTree:
    catalogue = load_catalogue([folder / "plans"])
    assert not catalogue.errors(), [f.format() for f in catalogue.errors()]
    return catalogue.entry(plan_id).tree


def _run(plan: str, annee: int, sortie: Path) -> int:
    return main(["rapport", plan, "--annee", str(annee), "--sortie", str(sortie)])


def test_pac_year_1_and_year_2(projet: Path) -> None:
    tree = _plan(projet, "petit-pac")
    rapport = report(tree, 1)
    assert rapport.annee_label == "An 1 (2022-2023)"
    lines = [
        (r.groupe, r.element, r.indicateur, r.cible, r.realise, r.atteinte_label, r.statut, r.date, r.commentaire)
        for r in rapport.rows
    ]
    assert lines == [
        (
            "Objectif spécifique 1",
            "Moyen d'action 1.1",
            "Nombre d'activités",
            "5 activités",
            "4 activités",
            "Non",
            "En cours",
            dt.date(2023, 3, 31),
            "Quatre activités tenues, une reportée à l'été.",
        ),
        (
            "Objectif spécifique 2",
            "Moyen d'action 2.1",
            "Nombre de rencontres",
            "2 rencontres",
            "3 rencontres",
            "Oui",
            "Non renseigné",
            None,
            None,
        ),
    ]
    assert rapport.rows[0].texte == "Accueillir les nouveaux arrivants dans les municipalités"
    assert (rapport.rows[0].valeur_cible, rapport.rows[0].valeur_realisee, rapport.rows[0].atteinte) == (5, 4, False)
    assert rapport.par_statut == {
        "À venir": 0,
        "En cours": 1,
        "Réalisé": 0,
        "Reporté": 0,
        "Abandonné": 0,
        "Non renseigné": 1,
    }
    assert (rapport.elements, rapport.cibles, rapport.cibles_mesurees, rapport.cibles_atteintes) == (2, 2, 2, 1)

    second = report(tree, 2)
    assert second.annee_label == "An 2 (2023-2024)"
    assert [(r.element_id, r.cible, r.realise, r.atteinte_label, r.statut) for r in second.rows] == [
        ("1-1", "8 activités", None, "—", "En cours")
    ]
    assert (second.cibles, second.cibles_mesurees, second.cibles_atteintes) == (1, 0, 0)

    with pytest.raises(AnneeInconnue, match="n'a pas d'An 3 \\(années du plan : An 1, An 2\\)"):
        report(tree, 3)


def test_piar_lists_actions_then_the_indicators_of_their_enjeu(projet: Path) -> None:
    tree = _plan(projet, "petit-piar")
    rapport = report(tree, 2)  # a PIAR without `annees` numbers no year: every year is accepted
    assert rapport.annee_label == "An 2"
    assert [(r.groupe, r.element, r.indicateur, r.cible, r.statut) for r in rapport.rows[:3]] == [
        ("Enjeu 1", "Action 1.1", None, None, "Non renseigné"),
        ("Enjeu 1", "Action 1.2", None, None, "Réalisé"),
        ("Enjeu 1", "Enjeu 1", "Nombre d'entreprises visitées", "50 entreprises / année", "—"),
    ]
    assert rapport.rows[2].texte == "Peu d'entreprises connaissent les services offerts."
    assert rapport.elements == 5 and rapport.par_statut["Réalisé"] == 1 and rapport.par_statut["Non renseigné"] == 4
    assert [r.indicateur for r in rapport.rows if r.element.startswith("Enjeu")] == [
        "Nombre d'entreprises visitées",
        "Délai moyen de traitement",
        "Nombre d'entreprises démarrées",
        "Nombre de jumelages",
    ]
    with pytest.raises(AnneeInconnue):
        report(tree, 0)


def test_real_plans_can_be_reported() -> None:
    catalogue = load_catalogue([ROOT / "plans"])
    etchemins = catalogue.entry("mrc-etchemins-pac-2022").tree
    source = yaml.safe_load((ROOT / "plans" / "mrc-etchemins-pac-2022.yml").read_text(encoding="utf-8"))
    moyens = [m for o in source["objectifs_specifiques"] for m in o["moyens"]]
    for annee in (1, 2, 3):
        rapport = report(etchemins, annee)
        expected = [m["id"] for m in moyens if any(f"An {annee} (" in e for e in m.get("echeance", []))]
        assert list(dict.fromkeys(r.element_id for r in rapport.rows)) == expected
        assert rapport.elements == len(expected) and rapport.par_statut["Non renseigné"] == len(expected)
    with pytest.raises(AnneeInconnue):
        report(etchemins, 4)
    demo = report(catalogue.entry("demo-mrc-fictive-pac-2024").tree, 1)
    assert (demo.cibles, demo.cibles_mesurees, demo.cibles_atteintes) == (4, 3, 2)


def _sheet_rows(path: Path) -> list[list[object]]:
    sheet = openpyxl.load_workbook(path).active
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_command_writes_a_workbook_for_filing(projet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("petit-pac", 1, projet / "rapports") == 0
    path = projet / "rapports" / "petit-pac-rapport-an-1.xlsx"
    assert f"écrit : {path} (An 1 (2022-2023), 2 éléments)" in capsys.readouterr().out
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert sheet.title == "Reddition An 1"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Reddition de compte annuelle"
    block = {r[0]: r[1] for r in rows[1:8] if r[0]}
    tree = _plan(projet, "petit-pac")
    assert block["Plan"] == tree.plan.titre
    assert block["Organisme"] == "MRC de Petite-Rivière"
    assert block["Programme"] == "mifi-pac"
    assert block["Année"] == "An 1 (2022-2023)"
    assert block["Cibles"] == "1 cible atteinte sur 2 mesurées (2 cibles pour l'année)"
    header = next(i for i, r in enumerate(rows) if r[0] == "Regroupement")
    assert rows[header] == FRENCH_HEADERS == [h for h, _ in HEADERS]
    assert rows[header + 1] == [
        "Objectif spécifique 1",
        "Moyen d'action 1.1",
        "Accueillir les nouveaux arrivants dans les municipalités",
        "Nombre d'activités",
        "5 activités",
        "4 activités",
        "Non",
        "En cours",
        dt.datetime(2023, 3, 31),
        "Quatre activités tenues, une reportée à l'été.",
    ]
    assert rows[header + 2][4:8] == ["2 rencontres", "3 rencontres", "Oui", "Non renseigné"]
    assert len(rows) == header + 3

    # Laid out for filing: frozen header, wrapped and bordered cells, landscape, one page wide.
    assert sheet.freeze_panes == f"A{header + 2}"
    cell = sheet.cell(row=header + 2, column=3)
    assert cell.alignment.wrap_text and cell.border.left.style == "thin"
    assert all(c.font.bold for c in sheet[header + 1])
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == f"${header + 1}:${header + 1}"

    # No `prive` value, anywhere in the archive.
    with zipfile.ZipFile(path) as archive:
        assert not any(SENTINEL.encode() in archive.read(name) for name in archive.namelist())
    assert path.read_bytes().find(SENTINEL.encode()) == -1


def test_two_runs_give_identical_bytes(projet: Path) -> None:
    assert _run("petit-pac", 2, projet / "a") == 0
    assert _run("plans/petit-pac.yml", 2, projet / "b") == 0  # a file path works as well as an id
    first = (projet / "a" / "petit-pac-rapport-an-2.xlsx").read_bytes()
    assert first == (projet / "b" / "petit-pac-rapport-an-2.xlsx").read_bytes()
    tree = _plan(projet, "petit-pac")
    assert report_xlsx(report(tree, 2)) == first
    rows = [list(r) for r in openpyxl.load_workbook(io.BytesIO(first)).active.iter_rows(values_only=True)]
    assert rows[-1][:2] == ["Objectif spécifique 1", "Moyen d'action 1.1"]


def test_french_errors(projet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("petit-pac", 3, projet / "rapports") == 2
    err = capsys.readouterr().err
    assert "erreur : le plan « petit-pac » n'a pas d'An 3 (années du plan : An 1, An 2)." in err
    assert _run("plan-absent", 1, projet / "rapports") == 2
    err = capsys.readouterr().err
    assert "plan « plan-absent » introuvable dans plans/ (plans connus : petit-pac, petit-piar)" in err
    assert _run("plans/absent.yml", 1, projet / "rapports") == 2
    assert "fichier « plans/absent.yml » introuvable" in capsys.readouterr().err
    assert not (projet / "rapports").exists()

    broken = petit("petit-pac").replace("      - id: 2-1\n", "      - id: 1-1\n")  # COM-E001
    (projet / "plans" / "petit-pac.yml").write_text(broken, encoding="utf-8")
    assert _run("petit-pac", 1, projet / "rapports") == 1
    assert "rapport annulé" in capsys.readouterr().err
