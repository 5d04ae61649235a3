"""`prive` never leaves the repository: a sentinel in every private area of every record is
searched for in the whole built site, its search index and sitemap, every export, every
report and the review summary."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import copy_project, run_cli
from .helpers import files_containing

SENTINEL = "SENTINELLE-PRIVEE-7f3a"


def add_sentinel(data: Any, counter: list[int]) -> Any:
    """A `prive` mapping holding the sentinel on the plan and on every record in it."""
    if isinstance(data, dict):
        result = {key: add_sentinel(value, counter) for key, value in data.items() if key != "prive"}
        counter[0] += 1
        result["prive"] = {"note": f"{SENTINEL} n°{counter[0]}", "personnes": [f"{SENTINEL} Nom Prénom"]}
        return result
    if isinstance(data, list):
        return [add_sentinel(item, counter) for item in data]
    return data


def _occurrences(folder: Path) -> list[str]:
    return files_containing(folder, SENTINEL)


@pytest.fixture(scope="module")
def private_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("prive") / "projet")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "."], cwd=project, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "base"],
        cwd=project,
        check=True,
    )
    counter = [0]
    for path in sorted((project / "plans").glob("*.yml")):
        data = add_sentinel(yaml.safe_load(path.read_text(encoding="utf-8")), counter)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert counter[0] > 250  # every record of the three plans carries the sentinel
    verifier = run_cli("verifier", "plans", cwd=project)
    assert verifier.returncode == 0, verifier.stdout
    assert SENTINEL not in verifier.stdout + verifier.stderr
    return project


def test_site_search_index_sitemap_and_downloads(private_project: Path) -> None:
    result = run_cli("construire", cwd=private_project)
    assert result.returncode == 0, result.stderr
    site = private_project / "site"
    assert (site / "search" / "search_index.json").is_file() and (site / "sitemap.xml").is_file()
    assert _occurrences(site) == []
    offline = run_cli("construire", "--hors-ligne", "--sortie", "site-hors-ligne", cwd=private_project)
    assert offline.returncode == 0, offline.stderr
    assert _occurrences(private_project / "site-hors-ligne") == []


def test_review_summary(private_project: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qam", "prive"],
        cwd=private_project,
        check=True,
    )
    result = run_cli("comparer", "HEAD~1", "HEAD", cwd=private_project)
    assert result.returncode == 0
    # The summary escapes Markdown (« SENTINELLE\-PRIVEE »): look for the word itself.
    assert "SENTINELLE" not in result.stdout
    assert "Aucun changement de contenu dans les plans" in result.stdout


def test_open_data_and_annual_reports(private_project: Path) -> None:
    result = run_cli("exporter", "--sortie", "donnees", "plans", cwd=private_project)
    assert result.returncode == 0, result.stderr
    assert len(list((private_project / "donnees").rglob("*.csv"))) == 14  # one per table
    assert _occurrences(private_project / "donnees") == []
    for plan, years in (("demo-mrc-fictive-pac-2024", 3), ("mrc-etchemins-pac-2022", 3)):
        for year in range(1, years + 1):
            made = run_cli("rapport", plan, "--annee", str(year), "--sortie", "rapports", cwd=private_project)
            assert made.returncode == 0, made.stderr
    assert len(list((private_project / "rapports").glob("*.xlsx"))) == 6
    assert _occurrences(private_project / "rapports") == []


def test_external_link_report(private_project: Path) -> None:
    (private_project / "plans" / "x.txt").write_text("", encoding="utf-8")
    result = run_cli("liens-externes", "plans", "--rapport", "rapport.md", cwd=private_project)
    assert result.returncode == 0
    assert SENTINEL not in (private_project / "rapport.md").read_text(encoding="utf-8")
    shutil.rmtree(private_project / "site", ignore_errors=True)
