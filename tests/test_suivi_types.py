"""Follow-up, annual report and completeness for plans of any kind, in the kind's own words.

Two plans: one of the generic kind shipped with Plan ouvert (plan-action, three levels), and
one of a kind written as data in the repository's plans/types/ (« chantiers », a follow-up
field named « avancement », a year called « Année », a report called « Bilan annuel »).
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views.completude import completude
from plan_ouvert.views.rapport import AnneeInconnue, report, report_xlsx
from plan_ouvert.views.suivi import svg_geometry, tableau, text_width, timeline

from .helpers import plans_folder
from .kinds import REVITALISATION as CHANTIERS_KIND
from .kinds import write_kind

CHANTIERS_PLAN = """\
id: revitalisation-2024
gabarit: chantiers
titre: Plan de revitalisation du cœur villageois
organisme: {nom: Municipalité de l'Exemple}
statut: adopte
licence: CC-BY-4.0
annees:
  - {numero: 1, debut: 2024, fin: 2024}
  - {numero: 2, debut: 2025, fin: 2025}
mises_a_jour:
  - {date: 2025-03-01, resume: Bilan de l'année 1}
partenaires:
  - {id: municipalite, nom: Municipalité de l'Exemple}
axes:
  - id: commerces
    texte: Animer la rue principale
    indicateurs:
      - texte: Commerces ouverts
        cibles:
          - {annee: 1, texte: 12 commerces, realise: 13 commerces, valeur_realisee: 13}
    chantiers:
      - id: facades
        texte: Rénover les façades
        responsables: [municipalite]
        echeance: Automne 2024
        indicateurs:
          - texte: Façades rénovées
            cibles:
              - {annee: 1, texte: 10 façades, realise: 6 façades, valeur_realisee: 6}
        avancement: {statut: en_cours, date: 2025-02-15, commentaire: Quatre façades attendent le printemps.}
      - id: marche
        texte: Tenir un marché public
        responsables: [municipalite]
        echeance: Été 2024 et été 2025
        avancement: {statut: realise, date: 2024-09-30}
  - id: logement
    texte: Loger les familles
    chantiers:
      - id: terrains
        texte: Viabiliser des terrains
        echeance: "2025"
"""

PLAN_ACTION = """\
id: plan-climat-2024
gabarit: plan-action
titre: Plan climat
organisme: {nom: MRC de l'Exemple}
statut: adopte
licence: CC-BY-4.0
annees:
  - {numero: 1, debut: 2024, fin: 2024}
  - {numero: 2, debut: 2025, fin: 2025}
partenaires:
  - {id: mrc, nom: MRC de l'Exemple}
orientations:
  - id: energie
    texte: Réduire les émissions
    objectifs:
      - id: batiments
        texte: Rénover les bâtiments municipaux
        indicateurs:
          - texte: Bâtiments rénovés
            cibles:
              - {annee: 2, texte: 3 bâtiments, realise: 3 bâtiments, valeur_realisee: 3}
        actions:
          - id: audit
            texte: Faire l'audit énergétique
            porteurs: [mrc]
            echeance: Mars 2024
            suivi: {statut: realise, date: 2024-03-20}
          - id: chaudieres
            texte: Remplacer les chaudières
            porteurs: [mrc]
            echeance: [An 2]
            indicateurs:
              - texte: Chaudières remplacées
                cibles:
                  - {annee: 2, texte: 4 chaudières, realise: 2 chaudières, valeur_realisee: 2}
            suivi: {statut: en_cours, date: 2025-06-30}
"""


def _tree(tmp_path: Path, name: str, text: str, kinds: dict[str, str] | None = None) -> PlanTree:
    for kind_text in (kinds or {}).values():
        write_kind(tmp_path / "plans", kind_text)
    catalogue = load_catalogue([plans_folder(tmp_path, {f"{name}.yml": text})])
    assert not catalogue.errors(), [f.format() for f in catalogue.errors()]
    return catalogue.entry(name).tree


@pytest.fixture
def chantiers(tmp_path: Path) -> PlanTree:
    return _tree(tmp_path, "revitalisation-2024", CHANTIERS_PLAN, {"chantiers": CHANTIERS_KIND})


@pytest.fixture
def plan_action(tmp_path: Path) -> PlanTree:
    return _tree(tmp_path, "plan-climat-2024", PLAN_ACTION)


def _rows(tree: PlanTree, annee: int) -> list[tuple[object, ...]]:
    return [
        (r.groupe, r.element, r.indicateur, r.cible, r.realise, r.atteinte_label, r.statut)
        for r in report(tree, annee).rows
    ]


# --- A kind written as data -------------------------------------------------------------------


def test_dashboard_of_a_new_kind_speaks_its_words(chantiers: PlanTree) -> None:
    board = tableau(chantiers)
    assert [e.label for e in board.elements] == ["Chantier 1.1", "Chantier 1.2", "Chantier 2.1"]
    assert board.caption == "Nombre de chantiers par statut"
    assert [(g.label, g.url, dict(g.counts)) for g in board.groups] == [
        ("Axe 1", "plans/revitalisation-2024/axes/commerces/", {"en_cours": 1, "realise": 1}),
        ("Axe 2", "plans/revitalisation-2024/axes/logement/", {"sans_suivi": 1}),
    ]
    assert str(board.reference) == "2025-03-01"  # the latest declared update
    # « Automne 2024 » ended before the reference date and the chantier is still under way.
    assert [(e.label, e.statut) for e in board.late] == [("Chantier 1.1", "en_cours")]
    assert [(y.label, y.total, y.measured, y.met) for y in board.years] == [("Année 1 (2024)", 1, 1, 0)]


def test_timeline_of_a_new_kind_places_calendar_deadlines_in_plan_years(chantiers: PlanTree) -> None:
    grid = timeline(chantiers)
    assert grid.columns == ["Année 1 (2024)", "Année 2 (2025)"]
    assert grid.heads == [("Année 1", "2024"), ("Année 2", "2025")]
    # Rows are named by the element's number and its own words, not by the level's name.
    assert [(e.short_label.split(" ", 1)[0], cells) for e, cells in grid.rows] == [
        ("1.1", [True, False]),
        ("1.2", [True, True]),
        ("2.1", [False, True]),
    ]
    assert grid.rows[0][0].short_label == "1.1 Rénover les façades"
    # The drawing's label column fits the kind's longest label.
    assert svg_geometry(grid)["label_width"] >= text_width("1.1 Rénover les façades")


def test_annual_report_of_a_new_kind(chantiers: PlanTree) -> None:
    first = report(chantiers, 1)
    assert first.titre == "Bilan annuel, Année 1 (2024)"
    assert _rows(chantiers, 1) == [
        ("Axe 1", "Chantier 1.1", "Façades rénovées", "10 façades", "6 façades", "Non", "En cours"),
        ("Axe 1", "Chantier 1.2", None, None, None, "—", "Réalisé"),
        # The axe measures its chantiers: its indicator follows them, without a statut.
        ("Axe 1", "Axe 1", "Commerces ouverts", "12 commerces", "13 commerces", "Oui", "—"),
    ]
    assert (first.elements, first.cibles, first.cibles_mesurees, first.cibles_atteintes) == (2, 2, 2, 1)
    assert _rows(chantiers, 2) == [
        ("Axe 1", "Chantier 1.2", None, None, None, "—", "Réalisé"),
        ("Axe 1", "Axe 1", "Commerces ouverts", None, None, "—", "—"),
        ("Axe 2", "Chantier 2.1", None, None, None, "—", "Non renseigné"),
    ]
    with pytest.raises(AnneeInconnue, match=r"n'a pas d'Année 3 \(années du plan : Année 1, Année 2\)\.$"):
        report(chantiers, 3)


def test_workbook_of_a_new_kind(chantiers: PlanTree) -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(report(chantiers, 1)))).active
    assert sheet.title == "Bilan Année 1"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "Bilan annuel"
    block = {r[0]: r[1] for r in rows[1:8] if r[0]}
    assert block["Année"] == "Année 1 (2024)"
    assert "Programme" not in block  # a kind without a programme
    header = next(i for i, r in enumerate(rows) if r[0] == "Regroupement")
    assert [r[1] for r in rows[header + 1 :]] == ["Chantier 1.1", "Chantier 1.2", "Axe 1"]


def test_completeness_of_a_new_kind_follows_its_declarations(chantiers: PlanTree) -> None:
    result = completude(chantiers)
    assert [(m.where, m.what, m.url) for m in result.manques] == [
        ("Chantier 2.1", "responsable", "plans/revitalisation-2024/chantiers/terrains/")
    ]
    # Statut, licence, the partner's name, each chantier's text and responsible, and the
    # target of Année 1 (« Automne 2024 ») of chantier 1.1's indicator.
    assert (result.attendus, result.score) == (10, 90)


# --- The generic kind shipped with Plan ouvert ------------------------------------------------


def test_dashboard_and_timeline_of_a_plan_action(plan_action: PlanTree) -> None:
    board = tableau(plan_action)
    assert board.caption == "Nombre d'actions par statut"
    assert [(g.label, g.url) for g in board.groups] == [("Objectif 1.1", "plans/plan-climat-2024/objectifs/batiments/")]
    assert board.late == [] and board.none_late == "Aucune action en retard à cette date."
    assert [(y.label, y.measured, y.met) for y in board.years] == [("An 2 (2025)", 1, 0)]
    grid = timeline(plan_action)
    assert grid.columns == ["An 1 (2024)", "An 2 (2025)"]
    assert [(e.label, cells) for e, cells in grid.rows] == [
        ("Action 1.1.1", [True, False]),
        ("Action 1.1.2", [False, True]),
    ]


def test_annual_report_of_a_plan_action(plan_action: PlanTree) -> None:
    # A kind without a programme files no « reddition de compte » with a ministry.
    assert report(plan_action, 2).titre == "Bilan annuel, An 2 (2025)"
    assert _rows(plan_action, 2) == [
        ("Objectif 1.1", "Action 1.1.2", "Chaudières remplacées", "4 chaudières", "2 chaudières", "Non", "En cours"),
        ("Objectif 1.1", "Objectif 1.1", "Bâtiments rénovés", "3 bâtiments", "3 bâtiments", "Oui", "—"),
    ]
    assert _rows(plan_action, 1) == [
        ("Objectif 1.1", "Action 1.1.1", None, None, None, "—", "Réalisé"),
        ("Objectif 1.1", "Objectif 1.1", "Bâtiments rénovés", None, None, "—", "—"),
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(report(plan_action, 2)))).active
    assert sheet.title == "Bilan An 2" and sheet["A1"].value == "Bilan annuel"


def test_completeness_of_a_plan_action(plan_action: PlanTree) -> None:
    result = completude(plan_action)
    assert result.manques == [] and result.score == 100
    # Statut, licence, the plan years (an échéance names « An 2 »), the partner's name, then
    # the kind's `attendu` fields (four texts, two porteurs, two échéances), and the An 2
    # target of action 1.1.2's indicator.
    assert result.attendus == 13
