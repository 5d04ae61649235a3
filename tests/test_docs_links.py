"""Symbolic links under docs/ are refused like those under plans/: MkDocs follows them, and a
link (or a linked folder) published a file from outside the repository."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import copy_project, run_cli

pytestmark = pytest.mark.slow

OUTSIDE_TEXT = "texte-hors-du-depot-7f3a"


def _plant_links(project: Path, outside: Path) -> None:
    outside.mkdir()
    (outside / "jeton.txt").write_text(OUTSIDE_TEXT, encoding="utf-8")
    (outside / "page.md").write_text(f"# Page d'ailleurs\n\n{OUTSIDE_TEXT}\n", encoding="utf-8")
    (project / "docs" / "jeton.txt").symlink_to(outside / "jeton.txt")
    (project / "docs" / "ailleurs").symlink_to(outside, target_is_directory=True)


def _published(site: Path) -> list[Path]:
    return [p for p in site.rglob("*") if p.is_file() and OUTSIDE_TEXT.encode() in p.read_bytes()]


def test_construire_refuses_a_link_under_docs_naming_the_file(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "projet")
    _plant_links(project, tmp_path / "ailleurs")
    result = run_cli("construire", cwd=project)
    assert result.returncode == 1
    output = result.stdout + result.stderr
    for name in ("docs/jeton.txt", "docs/ailleurs/jeton.txt", "docs/ailleurs/page.md"):
        assert f"{name} : lien symbolique refusé : une page ou un fichier du site doit être un vrai fichier" in output
    assert "Traceback" not in output
    assert not (project / "site").exists()


def test_the_preview_logs_the_link_and_publishes_nothing_from_it(tmp_path: Path) -> None:
    """The preview builds without --strict (it keeps running): the file is still left out."""
    project = copy_project(tmp_path / "projet")
    _plant_links(project, tmp_path / "ailleurs")
    site = tmp_path / "apercu"
    command = [sys.executable, "-m", "mkdocs", "build", "--no-strict", "--site-dir", str(site)]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "docs/jeton.txt : lien symbolique refusé" in result.stderr
    assert (site / "index.html").is_file()
    assert _published(site) == []
    assert not (site / "jeton.txt").exists() and not (site / "ailleurs").exists()
