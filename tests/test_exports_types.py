"""Open data and `comparer` for kinds other than the PIAR and the PAC: a kind written as data in
plans/types/, and the generic kind `plan-action`. What is checked is what a reader gets: the
CSV files with their French headers, the Data Package validated by Frictionless, and the review
summary rendered from Markdown."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from pathlib import Path

import markdown
import openpyxl
import pytest
from bs4 import BeautifulSoup

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.views.opendata import tables

from .conftest import run_cli
from .helpers import files_containing, petit, plans_folder
from .kinds import PDZA, write_kind
from .test_opendata import _errors, _validate

PLAN_ID = "mrc-exemple-pdza-2025"
SENTINEL = "SENTINELLE-PRIVEE-PDZA"
PLAN = f"""\
id: {PLAN_ID}
gabarit: pdza
titre: Plan de développement de la zone agricole
organisme: {{nom: MRC de l'Exemple}}
date_plan: 2025-03-01
licence: CC-BY-4.0
prive: {{note: {SENTINEL} plan}}
annees:
  - {{numero: 1, debut: 2025, fin: 2026}}
  - {{numero: 2, debut: 2026, fin: 2027}}
partenaires:
  - {{id: mrc, sigle: MRC, nom: MRC de l'Exemple}}
  - {{id: upa, sigle: UPA, nom: Union des producteurs agricoles}}
chantiers:
  - id: releve
    nom: Relève agricole
    mesures:
      - id: accompagner
        texte: Accompagner les fermes de la relève
        responsables: [mrc, upa]
        quand: [An 1 (2025-2026), An 2 (2026-2027)]
        budget: 25000
        priorite: 1
        debut: 2025-04-01
        indicateurs:
          - texte: Fermes accompagnées
            cibles:
              - {{annee: 1, texte: 5 fermes}}
        suivi: {{statut: en_cours, date: 2025-06-30, prive: {{note: {SENTINEL} suivi}}}}
        prive: {{entreprises: [{SENTINEL} mesure]}}
      - id: banque-terres
        texte: Tenir une banque de terres
        responsables: [mrc]
        quand: En continu
        budget: inclus dans le budget de la MRC
"""

# Headers as the kind file words them: ids and numbers from the level's name, fields from
# their libellé (or `colonne`), the échéance kept as written beside its plan years.
CHANTIERS_HEADERS = [
    "Identifiant du plan",
    "Identifiant du chantier",
    "Numéro du chantier",
    "Chantier",
    "Anciens identifiants",
    "Libellé (niveau et numéro)",
    "Adresse de la page (depuis la racine du site)",
]
MESURES_HEADERS = [
    "Identifiant du plan",
    "Identifiant du chantier",
    "Identifiant de la mesure",
    "Numéro de la mesure",
    "Mesure",
    "Responsable",
    "Échéance (texte de la source)",
    "Années du plan visées",
    "Budget prévu",
    "Priorité",
    "Début",
    "Statut du suivi",
    "Date du suivi",
    "Commentaire du suivi",
    "Anciens identifiants",
    "Libellé (niveau et numéro)",
    "Adresse de la page (depuis la racine du site)",
]


def _project(tmp_path: Path) -> Path:
    """plans/ with the PDZA kind, a PDZA plan, a PIAR and a plan of the generic kind."""
    folder = plans_folder(
        tmp_path,
        {
            f"{PLAN_ID}.yml": PLAN,
            "petit-piar.yml": petit("petit-piar"),
            "petit-plan-action.yml": petit("petit-plan-action").replace(
                "montant: 10000}", f"montant: 10000, prive: {{note: {SENTINEL} financement}}}}"
            ),
        },
    )
    write_kind(folder, PDZA)
    return folder


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("exports")
    folder = _project(root)
    result = run_cli("exporter", "--sortie", "donnees", str(folder), cwd=root)
    assert result.returncode == 0, result.stderr
    assert "3 plans exportés" in result.stderr
    return root / "donnees"


def test_a_kind_written_as_data_gets_a_table_per_level_with_its_words(exported: Path) -> None:
    assert _header(exported / "csv" / "chantiers.csv") == CHANTIERS_HEADERS
    assert _header(exported / "csv" / "mesures.csv") == MESURES_HEADERS
    mesures = {row["Identifiant de la mesure"]: row for row in _csv(exported / "csv" / "mesures.csv")}
    first = mesures["accompagner"]
    assert first["Identifiant du chantier"] == "releve"
    assert (first["Numéro de la mesure"], first["Libellé (niveau et numéro)"]) == ("1.1", "Mesure 1.1")
    assert first["Adresse de la page (depuis la racine du site)"] == f"plans/{PLAN_ID}/mesures/accompagner/"
    assert first["Responsable"] == "MRC ; UPA"
    assert first["Échéance (texte de la source)"] == "An 1 (2025-2026) ; An 2 (2026-2027)"
    assert first["Années du plan visées"] == "1, 2"
    assert (first["Budget prévu"], first["Priorité"], first["Début"]) == ("25000", "1", "2025-04-01")
    assert (first["Statut du suivi"], first["Date du suivi"]) == ("En cours", "2025-06-30")
    assert mesures["banque-terres"]["Budget prévu"] == "inclus dans le budget de la MRC"
    links = _csv(exported / "csv" / "mesures_partenaires.csv")
    assert [
        (r["Identifiant de la mesure"], r["Rôle (responsable)"], r["Identifiant du partenaire"]) for r in links
    ] == [
        ("accompagner", "responsable", "mrc"),
        ("accompagner", "responsable", "upa"),
        ("banque-terres", "responsable", "mrc"),
    ]
    cibles = [r for r in _csv(exported / "csv" / "cibles.csv") if r["Identifiant du plan"] == PLAN_ID]
    assert [
        (r["Type d'élément (niveau du plan)"], r["Identifiant de l'élément"], r["Cible (texte de la source)"])
        for r in cibles
    ] == [("mesure", "accompagner", "5 fermes")]
    plans = {r["Identifiant du plan"]: r for r in _csv(exported / "csv" / "plans.csv")}
    assert plans[PLAN_ID]["Gabarit (type de plan)"] == "pdza"
    data = json.loads((exported / "plans.json").read_text(encoding="utf-8"))
    assert next(p for p in data if p["id"] == PLAN_ID)["gabarit"] == "pdza"
    assert files_containing(exported, SENTINEL) == []
    assert SENTINEL in (exported.parent / "plans" / f"{PLAN_ID}.yml").read_text(encoding="utf-8")
    assert f"{SENTINEL} financement" in (exported.parent / "plans" / "petit-plan-action.yml").read_text(
        encoding="utf-8"
    )


def test_the_generic_kind_and_the_piar_keep_tables_of_their_own(exported: Path) -> None:
    files = sorted(p.name for p in (exported / "csv").iterdir())
    # `actions` is the PIAR's level name: the generic kind's actions, with other fields, get
    # a table prefixed by their kind.
    assert {"enjeux.csv", "actions.csv", "orientations.csv", "objectifs.csv", "plan_action_actions.csv"} <= set(files)
    assert _header(exported / "csv" / "actions.csv")[:5] == [
        "Identifiant du plan",
        "Identifiant de l'enjeu",
        "Identifiant de l'action",
        "Numéro de l'action",
        "Action",
    ]
    assert _header(exported / "csv" / "plan_action_actions.csv") == [
        "Identifiant du plan",
        "Identifiant de l'orientation",
        "Identifiant de l'objectif",
        "Identifiant de l'action",
        "Numéro de l'action",
        "Action",
        "Porteur",
        "Partenaires",
        "Échéancier (texte de la source)",
        "Coût estimé",
        "Sources de financement",
        "Commentaires",
        "Statut du suivi",
        "Date du suivi",
        "Commentaire du suivi",
        "Anciens identifiants",
        "Libellé (niveau et numéro)",
        "Adresse de la page (depuis la racine du site)",
    ]
    (action,) = _csv(exported / "csv" / "plan_action_actions.csv")
    assert (action["Numéro de l'action"], action["Libellé (niveau et numéro)"]) == ("1.1.1", "Action 1.1.1")
    assert (action["Porteur"], action["Partenaires"], action["Coût estimé"]) == ("MRC", "OBV", "12000")
    assert action["Sources de financement"] == "Fonds régions et ruralité (10000 $)"
    assert [
        r["Rôle (porteur ou partenaire)"] for r in _csv(exported / "csv" / "plan_action_actions_partenaires.csv")
    ] == [
        "porteur",
        "partenaire",
    ]
    (objectif,) = _csv(exported / "csv" / "objectifs.csv")
    assert (objectif["Identifiant de l'orientation"], objectif["Objectif"]) == ("eau", "Restaurer les rives")
    sheets = openpyxl.load_workbook(exported / "plans.xlsx", read_only=True).sheetnames
    assert {"Chantiers", "Mesures", "Actions", "Actions (Plan d'action)", "Orientations"} <= set(sheets)
    assert len(sheets) == len(set(sheets)) == len(files)


def test_frictionless_validates_the_tables_of_every_kind(exported: Path) -> None:
    report = _validate(exported)
    assert report["valid"] is True, _errors(report)
    descriptor = json.loads((exported / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in descriptor["resources"]}
    mesures = resources["mesures"]["schema"]
    assert mesures["foreignKeys"] == [
        {
            "fields": ["Identifiant du plan", "Identifiant du chantier"],
            "reference": {"resource": "chantiers", "fields": ["Identifiant du plan", "Identifiant du chantier"]},
        }
    ]
    types = {f["name"]: f["type"] for f in mesures["fields"]}
    assert (types["Priorité"], types["Début"], types["Budget prévu"]) == ("integer", "date", "string")
    actions = resources["plan_action_actions"]["schema"]["foreignKeys"][0]["reference"]
    assert actions == {"resource": "objectifs", "fields": ["Identifiant du plan", "Identifiant de l'objectif"]}

    # A mesure whose chantier is not in the plan fails the validation: the key is checked.
    path = exported / "csv" / "mesures.csv"
    original = path.read_bytes()
    try:
        path.write_bytes(
            original.replace(f"{PLAN_ID},releve,banque-terres".encode(), f"{PLAN_ID},x,banque-terres".encode())
        )
        report = _validate(exported)
        assert report["valid"] is False
        assert {e.split(": ")[1] for e in _errors(report)} == {"foreign-key"}
    finally:
        path.write_bytes(original)


# --- comparer -------------------------------------------------------------------------------


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _items(summary: str) -> list[str]:
    html = BeautifulSoup(markdown.markdown(summary), "html.parser")
    return [" ".join(li.get_text().split()) for li in html.find_all("li")]


def _html(summary: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.markdown(summary), "html.parser")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "depot"
    shutil.copytree(_project(tmp_path), repo / "plans")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "plans")
    return repo


def test_comparer_names_elements_of_a_kind_written_as_data(repo: Path) -> None:
    plan = repo / "plans" / f"{PLAN_ID}.yml"
    _edit(plan, "texte: Accompagner les fermes de la relève", "texte: Accompagner les fermes de la relève agricole")
    _edit(plan, "texte: 5 fermes", "texte: 8 fermes")
    _edit(plan, "budget: 25000", "budget: 30000")
    plan.write_text(
        plan.read_text(encoding="utf-8") + "      - id: foires\n        texte: Tenir des foires agricoles\n",
        encoding="utf-8",
    )
    _git(repo, "commit", "-q", "-am", "edit")
    # The kinds are read from each revision, not from the working tree.
    shutil.rmtree(repo / "plans" / "types")

    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "SENTINELLE" not in result.stdout
    html = _html(result.stdout)
    assert [h.get_text() for h in html.find_all("h3")] == [
        f"Plan de développement de la zone agricole (PDZA), MRC de l'Exemple, 2025 ({PLAN_ID})"
    ]
    assert [s.get_text() for s in html.find_all("strong")] == ["Mesures", "Indicateurs", "Nouveaux problèmes"]
    items = _items(result.stdout)
    assert (
        "Mesure 1.1 reformulée : « Accompagner les fermes de la relève » → "
        "« Accompagner les fermes de la relève agricole »"
    ) in items
    assert "Mesure 1.1 : budget : 25000 → 30000" in items
    assert "Mesure 1.3 ajoutée : « Tenir des foires agricoles »" in items
    assert "Mesure 1.1, indicateur 1 « Fermes accompagnées », cible 1 (An 1) : « 5 fermes » → « 8 fermes »" in items
    new = html.find("strong", string="Nouveaux problèmes").find_next("ul").find_all("li")
    assert [li.get_text().startswith(f"non-conformité TYPE-W001 ({PLAN_ID}.yml, ligne") for li in new] == [True]
    assert "la mesure 1.3 ne précise pas « Responsable »" in new[0].get_text()


def test_comparer_reads_a_kind_added_in_the_compared_revision(repo: Path) -> None:
    kind = (repo / "plans" / "types" / "pdza.yml").read_text(encoding="utf-8")
    _git(repo, "rm", "-q", "-r", "plans/types", f"plans/{PLAN_ID}.yml")
    _git(repo, "commit", "-q", "-m", "sans le PDZA")
    (repo / "plans" / "types").mkdir()
    (repo / "plans" / "types" / "pdza.yml").write_text(kind, encoding="utf-8")
    (repo / "plans" / f"{PLAN_ID}.yml").write_text(PLAN, encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "PDZA")
    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    html = _html(result.stdout)
    assert [h.get_text() for h in html.find_all("h3")] == [
        f"Nouveau plan : Plan de développement de la zone agricole (PDZA), MRC de l'Exemple, 2025 ({PLAN_ID})"
    ]
    assert "Aucun problème introduit ni corrigé." in html.get_text()


def test_comparer_names_elements_of_the_generic_kind(repo: Path) -> None:
    plan = repo / "plans" / "petit-plan-action.yml"
    _edit(plan, "texte: Protéger l'eau", "texte: Protéger l'eau et les milieux humides")
    _edit(plan, "{annee: 2, texte: 5 km}", "{annee: 2, texte: 7 km}")
    _edit(plan, "echeance: Été 2025", "echeance: Automne 2025")
    _edit(plan, "partenaires: [obv]", "partenaires: []")
    _git(repo, "commit", "-q", "-am", "edit")
    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    html = _html(result.stdout)
    assert [h.get_text() for h in html.find_all("h3")] == [
        "Plan d'action en environnement, MRC de l'Exemple, 2024 (petit-plan-action)"
    ]
    assert [s.get_text() for s in html.find_all("strong")] == ["Orientations", "Actions", "Indicateurs"]
    items = _items(result.stdout)
    assert "Orientation 1 reformulée : « Protéger l'eau » → « Protéger l'eau et les milieux humides »" in items
    assert (
        "Objectif 1.1, indicateur 1 « Kilomètres de rives restaurées », cible 1 (An 2) : « 5 km » → « 7 km »"
    ) in items
    assert "Action 1.1.1 : échéance déplacée : « Été 2025 » → « Automne 2025 »" in items
    assert "Action 1.1.1 : partenaires : obv → (rien)" in items


def test_a_kind_words_cannot_inject_markup_in_the_summary(repo: Path) -> None:
    # A kind's words are data of the change under review, like plan text.
    hostile = "Mesures <img src=https://x/y.png> ![i](https://x/i.png) **gras** [l](https://x)"
    _edit(repo / "plans" / "types" / "pdza.yml", "    pluriel: Mesures\n", f"    pluriel: '{hostile}'\n")
    _edit(repo / "plans" / f"{PLAN_ID}.yml", "texte: Tenir une banque de terres", "texte: Tenir une banque")
    _git(repo, "commit", "-q", "-am", "edit")
    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    html = _html(result.stdout)
    assert html.find_all("img") == [] and html.find_all("a") == []
    assert [s.get_text() for s in html.find_all("strong")] == [hostile]


def test_table_names_do_not_depend_on_which_plans_are_exported(tmp_path: Path) -> None:
    # Without any PIAR plan, the generic kind's actions keep the name they have beside one.
    catalogue = load_catalogue([plans_folder(tmp_path, {"petit-plan-action.yml": petit("petit-plan-action")})])
    assert catalogue.errors() == []
    assert list(tables([e.tree for e in catalogue.entries], catalogue.kinds)) == [
        "plans",
        "annees",
        "mises_a_jour",
        "partenaires",
        "orientations",
        "objectifs",
        "plan_action_actions",
        "plan_action_actions_partenaires",
        "indicateurs",
        "cibles",
    ]
