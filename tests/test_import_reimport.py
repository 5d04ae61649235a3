"""Re-importing a plan already in plans/: the same plan updated, its other fields kept, the change shown."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import docx
import yaml

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.office.export_word import docx_bytes

from .conftest import run_cli
from .helpers import REFERENTIELS
from .word_fixtures import PAC, PAC_HEADERS

ORG = "MRC des Etchemins"
EDITED = "Inclus dans les frais de gestion, revu par le comité en mars"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "projet"
    (project / "plans").mkdir(parents=True)
    shutil.copytree(REFERENTIELS, project / "plans" / "referentiels")
    return project


def _hand_completed(project: Path) -> Path:
    """The seed plan with fields a Word table never carries, completed by hand after a first import."""
    data = yaml.safe_load(PAC.read_text(encoding="utf-8"))
    data["licence"] = "CC-BY-4.0"
    first = data["objectifs_specifiques"][0]["moyens"][0]
    first["suivi"] = {"statut": "en_cours"}
    path = project / "plans" / PAC.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _edited_export(plan: Path, out: Path) -> Path:
    """The plan exported to Word, then one cell edited as an officer would."""
    tree = load_catalogue([plan], plan.parent / "referentiels").entries[0].tree
    out.write_bytes(docx_bytes(tree))
    document = docx.Document(str(out))
    table = document.tables[-1]
    row = next(r for r in table.rows if r.cells[0].text.startswith("Moyen d’action 1.1"))
    cell = row.cells[PAC_HEADERS.index("Commentaires")]
    cell.text = EDITED
    document.save(str(out))
    return out


def _without(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in keys}


def test_reimport_changes_only_the_edited_field(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plan = _hand_completed(project)
    before = yaml.safe_load(plan.read_text(encoding="utf-8"))
    source = _edited_export(plan, tmp_path / "programmation.docx")
    result = run_cli("importer", str(source), cwd=project)
    assert result.returncode == 0, result.stderr
    # The change is shown in comparer's words before it is written.
    assert "## Changements dans les plans" in result.stdout
    assert "revu par le comité en mars" in result.stdout
    assert sorted(p.name for p in (project / "plans").glob("*.yml")) == [plan.name]
    after = yaml.safe_load(plan.read_text(encoding="utf-8"))
    assert after["id"] == before["id"]
    assert after["licence"] == "CC-BY-4.0"
    first_after = after["objectifs_specifiques"][0]["moyens"][0]
    first_before = before["objectifs_specifiques"][0]["moyens"][0]
    assert first_after["commentaires"] == EDITED
    assert first_after["suivi"] == {"statut": "en_cours"}
    assert _without(first_after, "commentaires") == _without(first_before, "commentaires")
    assert after["objectifs_specifiques"][1:] == before["objectifs_specifiques"][1:]
    assert _without(after, "objectifs_specifiques", "source", "notes") == _without(
        before, "objectifs_specifiques", "source", "notes"
    )


def test_a_second_plan_for_the_same_mrc_kind_and_period_only_when_asked(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plan = _hand_completed(project)
    source = _edited_export(plan, tmp_path / "programmation.docx")
    before = plan.read_bytes()
    # Asked for, under the published plan's own id: refused, nothing written.
    refused = run_cli("importer", str(source), "--autre-plan", "--id", "mrc-etchemins-pac-2022", cwd=project)
    assert refused.returncode == 2
    assert "est déjà le plan de cet organisme" in refused.stderr and "--fusionner" in refused.stderr
    assert "Traceback" not in refused.stderr and "Rien n'a été écrit." in refused.stderr
    assert plan.read_bytes() == before
    second = run_cli("importer", str(source), "--autre-plan", "--id", "mrc-etchemins-pac-2022-bis", cwd=project)
    assert second.returncode == 0, second.stderr
    assert (project / "plans" / "mrc-etchemins-pac-2022-bis.yml").is_file()
    assert plan.read_bytes() == before


def test_fusionner_without_a_plan_to_update_says_so(tmp_path: Path) -> None:
    project = _project(tmp_path)
    plan = _hand_completed(project)
    source = _edited_export(plan, tmp_path / "programmation.docx")
    plan.unlink()
    result = run_cli("importer", str(source), "--fusionner", cwd=project)
    assert result.returncode == 2
    assert "aucun plan" in result.stderr and "relancez sans --fusionner" in result.stderr
    assert sorted(p.name for p in (project / "plans").glob("*.yml")) == []


def test_hidden_data_alone_never_picks_a_published_plan_to_update(tmp_path: Path) -> None:
    """A file whose visible text names no MRC, and whose hidden part names the one of a published plan."""
    from .test_import_hidden_data import _hidden
    from .word_fixtures import Style, pac_docx, seed

    project = _project(tmp_path)
    plan = _hand_completed(project)
    before = plan.read_bytes()
    hidden = seed(PAC)
    hidden["objectifs_specifiques"][0]["moyens"][0]["texte"] = "Texte caché"
    source = _hidden(pac_docx(tmp_path / "programmation.docx", Style()), hidden)
    refused = run_cli("importer", str(source), cwd=project)
    assert refused.returncode == 2, refused.stdout
    assert "n'est lu que dans les données cachées" in refused.stderr and "Traceback" not in refused.stderr
    assert plan.read_bytes() == before
    assert sorted(p.name for p in (project / "plans").glob("*.yml")) == [plan.name]
