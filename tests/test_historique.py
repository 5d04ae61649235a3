"""The public history of a plan: what changed in each version, in French, never a commit message."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from plan_ouvert.source.load import load_file
from plan_ouvert.source.model import AnyPlan, MiseAJour
from plan_ouvert.views import historique

from .conftest import copy_project, run_cli
from .helpers import ROOT

DEMO = "demo-mrc-fictive-pac-2024"
ENGLISH_MESSAGE = "Bump year 3 target after board meeting"
SECRET = "Sentinelle-privee-historique"  # noqa: S105 (a marker, not a password)


def git(repo: Path, *args: str, date: str = "2026-01-15T10:00:00") -> None:
    """Run git with a fixed identity and commit date, whatever the machine's configuration."""
    env = {
        **os.environ,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
    }
    subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rows(page: BeautifulSoup) -> list[dict[str, Any]]:
    found = []
    for row in page.select("table.po-history tbody tr"):
        found.append(
            {
                "date": row.select_one("time")["datetime"],
                "nature": row.select_one("[data-label=Nature]").get_text(" ", strip=True),
                "text": " ".join(row.select_one("[data-label='Ce qui a changé']").get_text(" ").split()),
            }
        )
    return found


@pytest.fixture(scope="module")
def history_page(tmp_path_factory: pytest.TempPathFactory) -> BeautifulSoup:
    """A project in its own git repository: a first commit, then a target changed with an English message."""
    project = copy_project(tmp_path_factory.mktemp("historique") / "projet")
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "Initial import", date="2026-01-15T10:00:00")
    plan = project / "plans" / f"{DEMO}.yml"
    edit(plan, "{annee: 3, texte: 8 activités}", "{annee: 3, texte: 10 activités}")
    edit(plan, "note: Exemple de renseignement réservé au ministère (jamais publié).", f"note: {SECRET}")
    git(project, "commit", "-q", "-am", ENGLISH_MESSAGE, date="2026-02-20T10:00:00")
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stderr
    html = (project / "site" / "plans" / DEMO / "historique" / "index.html").read_text(encoding="utf-8")
    return BeautifulSoup(html, "html.parser")


def test_history_shows_the_change_in_french_not_the_commit_message(history_page: BeautifulSoup) -> None:
    versions = [r for r in rows(history_page) if r["nature"] == "Modification publiée"]
    assert [r["date"] for r in versions] == ["2026-02-20", "2026-01-15"]
    newest, first = versions
    assert "Moyen d'action 1.1" in newest["text"] and "An 3" in newest["text"]
    assert "« 8 activités » → « 10 activités »" in newest["text"]
    assert first["text"] == "Première version publiée."
    page = str(history_page)
    assert ENGLISH_MESSAGE not in page and "Initial import" not in page
    assert SECRET not in page  # a change to private facts never shows
    # No commit hash in what a reader reads (the link to the change carries it in its address).
    table = " ".join(history_page.select_one("table.po-history").get_text(" ").split())
    assert not re.search(r"\b[0-9a-f]{7,40}\b", table), table


def test_history_keeps_the_declared_updates(history_page: BeautifulSoup) -> None:
    declared = [r for r in rows(history_page) if r["nature"] == "Mise à jour déclarée"]
    assert {
        "date": "2026-04-30",
        "nature": "Mise à jour déclarée",
        "text": "Suivi de l'An 2 (données fictives) (résolution DEMO-2026-01)",
    } in declared
    assert [r["date"] for r in rows(history_page)] == sorted((r["date"] for r in rows(history_page)), reverse=True)


def test_history_follows_a_renamed_file_and_lists_long_changes_briefly(tmp_path: Path) -> None:
    repo = tmp_path / "depot"
    plans = repo / "plans"
    plans.mkdir(parents=True)
    source = (ROOT / "plans" / f"{DEMO}.yml").read_text(encoding="utf-8")
    (plans / "ancien-nom.yml").write_text(source, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "Add plan", date="2026-01-15T10:00:00")
    git(repo, "mv", "plans/ancien-nom.yml", f"plans/{DEMO}.yml")
    # Every moyen, indicator and target reworded: more changes than a history row lists.
    reworded = source.replace("texte: ", "texte: Nouveau libellé. ")
    (plans / f"{DEMO}.yml").write_text(reworded, encoding="utf-8")
    git(repo, "commit", "-q", "-am", "Rename and reword", date="2026-03-01T10:00:00")
    versions = historique.git_versions(plans / f"{DEMO}.yml")
    assert [(v.date.isoformat(), v.resume) for v in versions] == [
        ("2026-03-01", ""),
        ("2026-01-15", "Première version publiée."),
    ]
    newest = versions[0]
    assert len(newest.changements) == historique.MAX_CHANGES and newest.autres > 0
    assert all("Nouveau libellé." in line for line in newest.changements)
    assert newest.changements[0].startswith("Moyen d'action 1.1 reformulé : ")


def test_history_is_empty_outside_a_repository(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / f"{DEMO}.yml").write_text((ROOT / "plans" / f"{DEMO}.yml").read_text(encoding="utf-8"))
    assert historique.git_versions(folder / f"{DEMO}.yml") == []


def test_plan_fields_are_named_as_the_pages_name_them() -> None:
    loaded = load_file(ROOT / "plans" / f"{DEMO}.yml")
    plan = loaded.record
    assert isinstance(plan, AnyPlan)
    update = MiseAJour(date=dt.date(2026, 9, 1), resume="Suivi de l'An 3")
    changed = plan.model_copy(update={"date_plan": dt.date(2024, 4, 1), "mises_a_jour": [*plan.mises_a_jour, update]})
    lines = historique.changes_between(plan, changed)
    assert "Date du plan : 2024-03-15 → 2024-04-01" in lines
    assert historique.UPDATES_CHANGED in lines  # the updates have their own rows: not quoted again
    assert not [line for line in lines if line.startswith(("date plan", "mises a jour"))]


def test_only_the_newest_versions_are_compared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(historique, "MAX_DETAILED", 1)
    repo = tmp_path / "depot"
    plans = repo / "plans"
    plans.mkdir(parents=True)
    plan_file = plans / f"{DEMO}.yml"
    plan_file.write_text((ROOT / "plans" / f"{DEMO}.yml").read_text(encoding="utf-8"), encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1", date="2026-01-01T10:00:00")
    for number, day in ((10, "2026-02-01"), (12, "2026-03-01"), (14, "2026-04-01")):
        edit(plan_file, "{annee: 3, texte: ", f"{{annee: 3, texte: {number} ou ")
        git(repo, "commit", "-q", "-am", f"v{number}", date=f"{day}T10:00:00")
    current = load_file(plan_file).record
    assert isinstance(current, AnyPlan)
    versions = historique.git_versions(plan_file, current)
    assert [v.resume for v in versions] == ["", historique.NOT_DETAILED, historique.NOT_DETAILED, historique.FIRST]
    assert "« 12 ou 10 ou 8 activités » → « 14 ou 12 ou 10 ou 8 activités »" in versions[0].changements[0]


def test_history_reads_old_versions_of_a_plan_of_a_kind_written_as_data(tmp_path: Path) -> None:
    """Old versions load with the kinds beside the plans (plans/types/), not only the built-in ones."""
    from .kinds import REVITALISATION, write_kind
    from .test_suivi_types import CHANTIERS_PLAN

    repo = tmp_path / "depot"
    write_kind(repo / "plans", REVITALISATION)
    plan_file = repo / "plans" / "revitalisation-2024.yml"
    plan_file.write_text(CHANTIERS_PLAN, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1", date="2026-01-01T10:00:00")
    edit(plan_file, "texte: Rénover les façades", "texte: Rénover les façades et les enseignes")
    git(repo, "commit", "-q", "-am", "v2", date="2026-02-01T10:00:00")
    versions = historique.git_versions(plan_file)
    assert [v.resume for v in versions] == ["", historique.FIRST]  # neither « ne se lisait pas »
    assert any("Rénover les façades et les enseignes" in line for line in versions[0].changements)
