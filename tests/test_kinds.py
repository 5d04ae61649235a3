"""Plan kinds as data: a kind file is checked like a plan, and every command serves its plans."""

from __future__ import annotations

import json
from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.findings import Severity

from .conftest import run_cli
from .helpers import petit, plans_folder, position
from .kinds import PACTE_RURAL as CHANTIERS
from .kinds import write_kind

PLAN = """\
id: mrc-exemple-pacte-2025
gabarit: chantiers
titre: Plan de travail 2025
organisme: {nom: MRC de l'Exemple}
partenaires:
  - {id: mrc, sigle: MRC, nom: MRC de l'Exemple}
chantiers:
  - id: loisirs
    nom: Loisirs
    projets:
      - id: sentier
        texte: Aménager un sentier
        responsable: [mrc]
        budget: 15000
        quand: Été 2025
      - id: patinoire
        texte: Rénover la patinoire
"""


def _project(tmp_path: Path, kind: str = CHANTIERS, plan: str = PLAN) -> Path:
    folder = plans_folder(tmp_path, {"mrc-exemple-pacte-2025.yml": plan})
    write_kind(folder, kind)
    return folder


def test_a_kind_written_as_data_loads_its_plans_into_an_element_tree(tmp_path: Path) -> None:
    catalogue = load_catalogue([_project(tmp_path)])
    assert catalogue.errors() == []
    tree = catalogue.entry("mrc-exemple-pacte-2025").tree
    assert [(e.libelle, e.url) for e in tree.elements] == [
        ("Chantier 1", "plans/mrc-exemple-pacte-2025/chantiers/loisirs/"),
        ("Projet 1.1", "plans/mrc-exemple-pacte-2025/projets/sentier/"),
        ("Projet 1.2", "plans/mrc-exemple-pacte-2025/projets/patinoire/"),
    ]
    assert tree.elements[1].parent is tree.elements[0]
    assert tree.elements[1].termes[0].genre == "saison"


def test_a_missing_expected_field_is_reported_not_refused(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    catalogue = load_catalogue([folder])
    missing = [f for f in catalogue.findings if f.code == "TYPE-W001"]
    assert [f.severity for f in missing] == [Severity.NON_CONFORMITE]
    assert "le projet 1.2 ne précise pas « Responsable »" in missing[0].message
    text = (folder / "mrc-exemple-pacte-2025.yml").read_text(encoding="utf-8")
    assert (missing[0].line, missing[0].column) == position(text, "id: patinoire")
    assert len(catalogue.entries) == 1  # published all the same


def test_a_faulty_kind_file_gets_french_messages_at_its_lines(tmp_path: Path) -> None:
    kind = CHANTIERS.replace("type: montant", "type: argent").replace("cle: quand", "cle: numero")
    folder = _project(tmp_path, kind)
    findings = load_catalogue([folder]).findings
    kind_findings = [f for f in findings if f.file.endswith("types/chantiers.yml")]
    assert kind_findings and all(f.severity is Severity.ERREUR for f in kind_findings)
    assert kind_findings[0].line == position(kind, "type: argent")[0]
    assert "argent" not in kind_findings[0].message or "attendu" in kind_findings[0].message
    # Without its kind, the plan cannot be read: the message names the kinds there are.
    plan = [f for f in findings if f.file.endswith("mrc-exemple-pacte-2025.yml")]
    assert plan[0].code == "SCHEMA-E003" and "plan-action" in plan[0].message


def test_a_reserved_key_in_a_kind_is_refused(tmp_path: Path) -> None:
    folder = _project(tmp_path, CHANTIERS.replace("cle: quand", "cle: numero"))
    findings = [f for f in load_catalogue([folder]).findings if f.file.endswith("types/chantiers.yml")]
    assert [f.code for f in findings] == ["SCHEMA-E009"]
    assert "« numero » est réservé" in findings[0].message


def test_an_unknown_kind_names_the_known_ones(tmp_path: Path) -> None:
    folder = plans_folder(tmp_path, {"petit-pac.yml": petit("petit-pac").replace("gabarit: pac", "gabarit: pacc")})
    findings = load_catalogue([folder]).findings
    assert [f.code for f in findings if f.severity is Severity.ERREUR] == ["SCHEMA-E003"]
    assert "connus : pac, piar, plan-action" in findings[0].message


def test_nouveau_writes_a_valid_starter_for_every_kind_and_the_schema_of_a_data_kind(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    (tmp_path / "docs" / "schema").mkdir(parents=True)
    for kind in ("piar", "pac", "plan-action", "chantiers", "acces-entreprise-quebec"):
        result = run_cli("nouveau", kind, f"mrc-nouveau-{kind}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        text = (folder / f"mrc-nouveau-{kind}.yml").read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../docs/schema/plan.schema.json\n")
    check = run_cli("verifier", "plans", cwd=tmp_path)
    # Valid plans of their kinds, but for the « À remplir » left to replace: each one an erreur.
    errors = [line for line in check.stdout.splitlines() if " erreur " in line]
    assert check.returncode != 0 and errors, check.stdout + check.stderr
    assert all("erreur SAISIE-E001" in line for line in errors), errors
    for kind in ("piar", "pac", "plan-action", "chantiers", "acces-entreprise-quebec"):
        assert f"mrc-nouveau-{kind}.yml" in check.stdout
    # VS Code completes a data kind's plan: the schema the starter names knows the kind.
    plan_schema = json.loads((tmp_path / "docs" / "schema" / "plan.schema.json").read_text(encoding="utf-8"))
    assert "chantiers" in plan_schema["discriminator"]["mapping"]
    own = json.loads((tmp_path / "docs" / "schema" / "plan-chantiers.schema.json").read_text(encoding="utf-8"))
    projet = own["$defs"]["ChantiersProjet"]["properties"]
    assert projet["responsable"]["description"] == "Responsable"


def test_nouveau_refuses_an_unknown_kind_in_french(tmp_path: Path) -> None:
    plans_folder(tmp_path, {})
    result = run_cli("nouveau", "pdza", "mrc-x", cwd=tmp_path)
    assert result.returncode == 2
    assert "« pdza » n'est ni un type de plan (pac, piar, plan-action)" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_command_publishes_each_data_kind(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_cli("schema", "sortie", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = sorted(p.name for p in (tmp_path / "sortie").iterdir())
    assert written == [
        "consultation.schema.json",
        "plan-chantiers.schema.json",
        "plan.schema.json",
        "referentiel.schema.json",
        "type.schema.json",
    ]
    kind_schema = json.loads((tmp_path / "sortie" / "type.schema.json").read_text(encoding="utf-8"))
    assert "Niveau" in kind_schema["$defs"]


def test_a_plan_year_in_the_kind_s_own_word_is_understood() -> None:
    from plan_ouvert.source.echeance import parse

    assert [t.annee_plan for t in parse("Année 2")] == [2]
    assert [t.annee_plan for t in parse("Année 2024")] == [None]  # a calendar year, not « year 2024 »
