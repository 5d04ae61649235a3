"""Shared fixtures: a copy of the project in a temporary folder, and its built site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .helpers import ROOT

PROJECT_PARTS = ("mkdocs.yml", "docs", "overrides", "macros", "plans")
CLI = [sys.executable, "-m", "plan_ouvert.cli"]


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)
    return target


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session", autouse=True)
def build_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The builds of the tests keep their cache (outside each project) in a folder of the session,
    never in the user's own ~/.cache."""
    home = tmp_path_factory.mktemp("cache-utilisateur")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "projet")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own plans, built once per test session."""
    project = copy_project(tmp_path_factory.mktemp("site") / "projet")
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="session")
def site(built_project: Path) -> Path:
    return built_project / "site"


@pytest.fixture(scope="session")
def soup(site: Path) -> Callable[[str], object]:
    from bs4 import BeautifulSoup

    def load(url: str) -> BeautifulSoup:
        path = site / url / "index.html" if url.endswith("/") or not url else site / url
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    return load
