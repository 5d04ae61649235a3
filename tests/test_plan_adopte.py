"""A PIAR as an MRC adopted it, flaws included: published, each flaw shown where it occurs.

The plan (tests/data/adopte/) was written as a new user would from a Word PIAR: seven enjeux,
one resource split across three enjeux, an enjeu for the convention's obligations, échéances
as people write them, an action without échéance, an enjeu without axe.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from .conftest import run_cli, shared_site
from .helpers import ROOT

PLAN = ROOT / "tests" / "data" / "adopte" / "mrc-riviere-piar-2024.yml"
BASE = "plans/mrc-riviere-piar-2024/"


def only_the_adopted_plan(project: Path) -> None:
    """The plans of the repository replaced by tests/data/adopte's PIAR, as adopted."""
    for other in (project / "plans").glob("*.yml"):
        other.unlink()
    shutil.copy(PLAN, project / "plans" / PLAN.name)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_site(tmp_path_factory, "adopte", only_the_adopted_plan)


def _text(built: Path, url: str) -> str:
    soup = BeautifulSoup((built / "site" / url / "index.html").read_text(encoding="utf-8"), "html.parser")
    article: Any = soup.select_one("article")
    return re.sub(r"\s+", " ", article.get_text(" "))


@pytest.mark.slow
def test_the_adopted_plan_is_published_with_each_flaw_on_its_page(built: Path) -> None:
    assert "Le plan adopté ne précise pas d'échéance pour cette action." in _text(built, f"{BASE}actions/3-1/")
    assert "Écart au gabarit" in _text(built, f"{BASE}enjeux/2/")
    etat = _text(built, f"{BASE}etat/")
    assert "Non-conformités au gabarit (8)" in etat  # one échéance, one axe, six enjeux without indicator
    assert "PIAR-E004" in etat and "PIAR-E002" in etat


@pytest.mark.slow
def test_echeances_are_shown_as_written_and_placed_in_time(built: Path) -> None:
    page = _text(built, f"{BASE}echeances/")
    for wording in ("T3 2024", "Annuellement, à l'automne", "Mars et octobre de chaque année", "D'ici décembre 2024"):
        assert wording in page
    assert "Au besoin" in page
    # « Non datée » is only for what has no échéance at all: action 3-1.
    non_datee = page.split("Non datée", 1)[1]
    assert "Action 3.1" in non_datee and "Action 6.1" not in non_datee


@pytest.mark.slow
def test_the_convention_obligations_enjeu_is_outside_coverage(built: Path) -> None:
    assert "obligations" in _text(built, f"{BASE}enjeux/7/").lower()
    programme = _text(built, f"{BASE}programme/")
    assert "Enjeu 7" not in programme


def test_verifier_publishes_but_strict_refuses(tmp_path: Path) -> None:
    folder = tmp_path / "plans"
    shutil.copytree(ROOT / "plans" / "referentiels", folder / "referentiels")
    shutil.copy(PLAN, folder / PLAN.name)
    plain = run_cli("verifier", "plans", cwd=tmp_path)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "non-conformité PIAR-E004" in plain.stdout
    strict = run_cli("verifier", "--strict", "plans", cwd=tmp_path)
    assert strict.returncode == 1


@pytest.mark.slow
def test_actions_name_their_partners(built: Path) -> None:
    partenaires = _text(built, f"{BASE}partenaires/")
    assert "ne nomme aucun partenaire" not in partenaires
    assert "Action 2.1" in _text(built, f"{BASE}partenaires/iq/")
    assert "Action 1.1" in _text(built, f"{BASE}partenaires/cteq/")
