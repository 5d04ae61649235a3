"""`comparer` on real edits of the seed plans, committed in a git repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import run_cli
from .helpers import ROOT

PAC = "plans/mrc-etchemins-pac-2022.yml"
PIAR = "plans/mrc-lassomption-piar-2021.yml"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True, capture_output=True
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "depot"
    shutil.copytree(ROOT / "plans", repo / "plans")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "seeds")
    return repo


def _replace(repo: Path, name: str, old: str, new: str) -> None:
    path = repo / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _commit_and_compare(repo: Path) -> str:
    _git(repo, "commit", "-q", "-am", "edit")
    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_targets_of_moyen_2_1_and_a_moved_deadline(repo: Path) -> None:
    _replace(repo, PAC, "texte: 5 activités", "texte: 6 activités")
    _replace(repo, PAC, "texte: 70 personnes immigrantes", "texte: 75 personnes immigrantes")
    _replace(repo, PIAR, "echeance: Septembre 2021", "echeance: Décembre 2021")
    summary = _commit_and_compare(repo)
    assert summary.startswith("## Changements dans les plans\n")
    assert "### Programmation PAC, MRC des Etchemins, 2022 (`mrc-etchemins-pac-2022`)" in summary
    assert (
        "- Moyen d'action 2.1, indicateur « Nombre d’activités », An 1 : cible « 5 activités » → « 6 activités »"
    ) in summary
    assert (
        "- Moyen d'action 2.1, indicateur « Nombre de personnes immigrantes », An 3 : cible "
        "« 70 personnes immigrantes » → « 75 personnes immigrantes »"
    ) in summary
    assert "- Action 4.1 : échéance déplacée : « Septembre 2021 » → « Décembre 2021 »" in summary
    assert "Aucun problème introduit ni corrigé." in summary


def test_added_removed_reworded_and_reallocated(repo: Path) -> None:
    _replace(repo, PAC, "Faire le suivi de l’entente", "Faire le suivi de l’entente avec le MIFI")
    _replace(repo, PIAR, "part: 50", "part: 40")
    path = repo / PIAR
    text = path.read_text(encoding="utf-8")
    start = text.index("      - id: 1-2")
    end = text.index("    indicateurs:", start)
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    summary = _commit_and_compare(repo)
    assert "- Action 1.2 retirée : « Établir des relations avec les promoteurs immobiliers" in summary
    assert (
        "- Moyen d'action 7.1 : résultats attendus : Faire le suivi de l’entente → Faire le suivi de "
        "l’entente avec le MIFI"
    ) in summary
    assert "- Ressource « conseiller-financement-2 », enjeu 3 : 50 % → 40 %" in summary


def test_findings_introduced_and_fixed(repo: Path) -> None:
    _replace(repo, PAC, "texte: 5oo vues", "texte: 500 vues")
    _replace(repo, PAC, "collaborateurs: [tcie, idee, cjee]", "collaborateurs: [tcie, idee, cjjee]")
    summary = _commit_and_compare(repo)
    assert "**Problèmes corrigés**\n\n- PAC-W007 : cible « 5oo vues » (moyen 3.3)" in summary
    assert "**Nouveaux problèmes**\n\n- avertissement PAC-W008 (mrc-etchemins-pac-2022.yml, ligne" in summary


def test_changes_of_form_only_say_nothing(repo: Path) -> None:
    path = repo / PAC
    text = path.read_text(encoding="utf-8")
    text = "# Un commentaire ajouté\n" + text.replace("texte: 8 rencontres", 'texte: "8 rencontres"')
    text = text.replace("id: mrc-etchemins-pac-2022\ngabarit: pac\n", "gabarit: pac\nid: mrc-etchemins-pac-2022\n")
    path.write_text(text, encoding="utf-8")
    summary = _commit_and_compare(repo)
    assert "Aucun changement de contenu dans les plans" in summary
    assert "Aucun problème introduit ni corrigé." in summary


def test_unknown_revision_is_a_clear_error(repo: Path) -> None:
    result = run_cli("comparer", "inexistante", "HEAD", cwd=repo)
    assert result.returncode == 2
    assert "« inexistante » n'est ni un fichier, ni un dossier, ni une révision git connue." in result.stderr
