"""Texts an import could not place stay private and are reported until an editor reviews them."""

from __future__ import annotations

from pathlib import Path

from .conftest import copy_project, run_cli

LEFTOVER = "tableau 2, rangée 8, colonne « Budget » : Fonds régions et ruralité SECRET-42"


def _with_leftovers(tmp_path: Path) -> Path:
    project = copy_project(tmp_path / "projet")
    path = project / "plans" / "mrc-lassomption-piar-2021.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + f'prive:\n  a_verifier:\n    - "{LEFTOVER}"\n    - "Résolution 2021-06-123"\n', encoding="utf-8"
    )
    return project


def test_each_leftover_is_a_non_conformity_that_never_quotes_it(tmp_path: Path) -> None:
    project = _with_leftovers(tmp_path)
    lines = (project / "plans" / "mrc-lassomption-piar-2021.yml").read_text(encoding="utf-8").splitlines()
    first = lines.index(f'    - "{LEFTOVER}"') + 1
    result = run_cli("verifier", "plans", cwd=project)
    out = result.stdout + result.stderr
    assert result.returncode == 0, out  # a non-conformité: the plan stays publishable
    found = [line for line in out.splitlines() if "IMPORT-W001" in line]
    assert len(found) == 2, out
    assert f"mrc-lassomption-piar-2021.yml:{first}:7" in found[0]
    assert "SECRET-42" not in out and "rangée 8" not in out and "2021-06-123" not in out
    strict = run_cli("verifier", "--strict", "plans", cwd=project)
    assert strict.returncode == 1


def test_the_guide_documents_the_code_and_where_leftovers_go() -> None:
    root = Path(__file__).resolve().parents[1]
    codes = (root / "docs" / "guide" / "codes.md").read_text(encoding="utf-8")
    assert "| IMPORT-W001 | non-conformité |" in codes
    guide = (root / "docs" / "guide" / "index.md").read_text(encoding="utf-8")
    assert "a_verifier" in guide
