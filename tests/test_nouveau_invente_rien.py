"""`nouveau` on a kind written as data: a starter that invents no value a plan may not have."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .conftest import run_cli
from .test_kinds import _project


def test_a_generated_starter_invents_no_deadline_year_or_porteur(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    result = run_cli("nouveau", "chantiers", "mrc-nouveau-chantiers", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (folder / "mrc-nouveau-chantiers.yml").read_text(encoding="utf-8")
    assert "En continu" not in text
    data = yaml.safe_load(text)
    # No plan years and no partner the MRC did not write: only placeholders to fill.
    assert "annees" not in data
    assert data["partenaires"] == []
    assert not re.search(r"\b20\d\d\b", text.replace("AAAA", ""))


def test_the_programme_of_a_kind_comes_from_its_referentiel(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    result = run_cli("nouveau", "pac", "mrc-nouveau-pac", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((folder / "mrc-nouveau-pac.yml").read_text(encoding="utf-8"))
    assert data["programme"] == "mifi-pac"
