"""Shared fixtures: a copy of the project, its sites built once per test session, the CLI in-process.

Building a site takes seconds, so each distinct configuration is built once per session, even
across pytest-xdist's workers (`shared_site`), and a test that changes a built project works on
a copy of it (`built_copy`). `run_cli` calls the CLI in this process, as a user's shell would
call `plan-ouvert`, without the second of start-up a new interpreter costs; `run_cli_process`
is kept for what only a real process shows (exit status of the interpreter, the console script,
a crash, a kill).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import io
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


def copy_built(source: Path, target: Path) -> Path:
    """A copy of a built project (site, cache and all) that a test may change freely.

    The build cache lives outside the project, in a folder named after the project's path: the
    copy gets its own copy of it, as if it had been built where it is."""
    from plan_ouvert.outputs import cache

    shutil.copytree(source, target, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
    if cache.cache_dir(source).is_dir():
        shutil.copytree(cache.cache_dir(source), cache.cache_dir(target), symlinks=True)
    return target


# --- The CLI -------------------------------------------------------------------------------


def run_cli_process(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m plan_ouvert.cli ARGS` in a process of its own: for what only a process shows."""
    environment = {**os.environ, **env} if env else None
    return subprocess.run([*CLI, *args], cwd=cwd, env=environment, capture_output=True, text=True, check=False)


@contextlib.contextmanager
def _isolated(cwd: Path, env: dict[str, str] | None) -> Iterator[None]:
    """The process state a command may change or rely on, as a fresh process would have it."""
    from plan_ouvert.outputs import render
    from plan_ouvert.views import historique
    from plan_ouvert.views import site as site_module

    caches: list[Any] = [site_module._CACHE, historique._LOGS]
    saved_caches = [dict(cache) for cache in caches]
    saved_renderers = list(render._CURRENT)
    saved_environ = dict(os.environ)
    saved_cwd = Path.cwd()
    nice = os.nice
    for cache in caches:
        cache.clear()
    render._CURRENT.clear()
    os.environ.update(env or {})
    os.chdir(cwd)
    # `construire` lowers its own priority while MkDocs runs: in this process, it would stay lowered
    # for every later test, and for the builds they start.
    os.nice = lambda increment: 0
    try:
        yield
    finally:
        os.nice = nice
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_environ)
        for cache, saved in zip(caches, saved_caches, strict=True):
            cache.clear()
            cache.update(saved)
        render._CURRENT[:] = saved_renderers


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`plan-ouvert ARGS` run from `cwd` in this process: its exit status, standard output and error.

    `env` adds variables to the environment for the command's duration. What escapes the
    command is shown as the interpreter would show it: a traceback on standard error, status 1.
    """
    from plan_ouvert import cli

    out, err = io.StringIO(), io.StringIO()
    code: int
    with _isolated(cwd, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as stop:
            if stop.code is None or isinstance(stop.code, int):
                code = stop.code or 0
            else:
                print(stop.code, file=sys.stderr)
                code = 1
        except Exception:
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess([*CLI, *args], code, out.getvalue(), err.getvalue())


# --- Sites built once per session ------------------------------------------------------------


def _shared_root(factory: pytest.TempPathFactory) -> Path:
    """A folder all of this session's workers see (each xdist worker has its own base below it)."""
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_site(
    factory: pytest.TempPathFactory,
    name: str,
    prepare: Callable[[Path], None] | None = None,
    *args: str,
    base: Path | None = None,
) -> Path:
    """A project built once per test session under `name`, whichever worker asks first.

    The project is a copy of the repository (or of the built project `base`), changed by
    `prepare`, then built with `plan-ouvert construire ARGS`. Tests read it and never change
    it: a test that changes it works on `copy_built(...)`.
    """
    root = _shared_root(factory) / "sites"
    root.mkdir(exist_ok=True)
    folder, done = root / name, root / f"{name}.fait"
    with (root / f"{name}.verrou").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker building it: wait for its result
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)  # an earlier attempt that failed
            project = copy_built(base, folder / "projet") if base else copy_project(folder / "projet")
            if prepare is not None:
                prepare(project)
            result = run_cli("construire", *args, cwd=project)
            assert result.returncode == 0, result.stdout + result.stderr
            done.touch()
    return folder / "projet"


@pytest.fixture(scope="session", autouse=True)
def build_cache_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The builds of the tests keep their cache (outside each project) in a folder of the session,
    never in the user's own ~/.cache. One folder for every worker: a worker that copies a site
    another one built (copy_built) finds its cache there."""
    home = _shared_root(tmp_path_factory) / "cache-utilisateur"
    home.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(home))
        yield home


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "projet")


@pytest.fixture(scope="session")
def built_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own plans, built once per test session: read it, never change it."""
    return shared_site(tmp_path_factory, "depot")


@pytest.fixture
def built_copy(built_project: Path, tmp_path: Path) -> Path:
    """A copy of the built project (its site/ and build cache too), for a test that changes it."""
    return copy_built(built_project, tmp_path / "projet")


@pytest.fixture(scope="session")
def offline_project(tmp_path_factory: pytest.TempPathFactory, built_project: Path) -> Path:
    """The repository's plans built as the variant to open from the disk, in site-hors-ligne/."""
    return shared_site(
        tmp_path_factory, "hors-ligne", None, "--hors-ligne", "--sortie", "site-hors-ligne", base=built_project
    )


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


# --- Running in parallel (pytest-xdist) -------------------------------------------------------

BROWSER_GROUP = "navigateur"  # one Chromium at a time: it takes a processor of its own
LIBREOFFICE_GROUP = "libreoffice"  # one LibreOffice at a time, for the same reason


@functools.cache
def _module_state(path: str) -> bool:
    """Whether a test file holds module-scoped fixtures (a built site, a repository its tests share)."""
    file = ROOT / path
    text = file.read_text(encoding="utf-8") if file.is_file() else ""
    return bool(re.search(r"scope=[\"'](module|class|package)[\"']", text))


def xdist_scope(nodeid: str) -> str:
    """The tests that run on one worker, in their order: all browser tests, all LibreOffice tests,
    a test file with module-scoped fixtures (made once, then), else each test on its own."""
    path = nodeid.split("::", 1)[0]
    if path.startswith("tests/browser/"):
        return BROWSER_GROUP
    if "libreoffice" in nodeid.lower():
        return LIBREOFFICE_GROUP
    return path if _module_state(path) else nodeid


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    # xdist's own `loadgroup` marks no longer reach its scheduler with pytest 9 (it rewrites a
    # node id attribute pytest stopped reading): the groups are given to the scheduler here.
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            return xdist_scope(nodeid)

    return Scheduling(config, log)
