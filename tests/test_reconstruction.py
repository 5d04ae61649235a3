"""Rebuilding after an edit: what did not change is reused, and the site is the one a fresh build makes.

A rebuild reuses each unchanged plan's files (workbooks, exports, downloads) from the cache,
keyed by the contents of their inputs; the site it gives must be, byte for byte, the site a
build from scratch gives for the same files. The history pages read git once for the whole
plans folder, however many plans there are.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from plan_ouvert.outputs import cache
from plan_ouvert.outputs.site import load_site
from plan_ouvert.views import historique

from .conftest import copy_project, run_cli
from .test_historique import git

pytestmark = pytest.mark.slow

EDITED = "mrc-etchemins-pac-2022"
MARKER = "Source révisée pour la reconstruction"


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _edit(project: Path) -> None:
    path = project / "plans" / f"{EDITED}.yml"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith("source:"))
    path.write_text(text.replace(line, f"source: {MARKER}", 1), encoding="utf-8")


def _entries(project: Path, section: str) -> set[str]:
    folder = cache.cache_dir(project) / section
    return {p.name for p in folder.glob("*/*")} if folder.is_dir() else set()


def test_a_rebuild_after_one_plan_changes_gives_the_bytes_of_a_fresh_build(built_copy: Path, tmp_path: Path) -> None:
    project = built_copy  # built once, from scratch
    plans_before = _entries(project, "plans")
    assert len(plans_before) == len(list((project / "plans").glob("*.yml")))

    _edit(project)
    rebuilt = run_cli("construire", cwd=project)
    assert rebuilt.returncode == 0, rebuilt.stderr
    # Only the edited plan's files were made again: one new entry, the others reused.
    plans_after = _entries(project, "plans")
    assert plans_before < plans_after and len(plans_after - plans_before) == 1

    fresh = copy_project(tmp_path / "autre")
    shutil.copy2(project / "plans" / f"{EDITED}.yml", fresh / "plans" / f"{EDITED}.yml")
    built = run_cli("construire", cwd=fresh)
    assert built.returncode == 0, built.stderr

    again, scratch = _files(project / "site"), _files(fresh / "site")
    assert sorted(again) == sorted(scratch)
    different = [name for name in again if again[name] != scratch[name]]
    assert different == []
    # The edit is in the rebuilt site: its page, and the plan's own files taken from the cache's new entry.
    assert MARKER in (project / "site" / "plans" / EDITED / "index.html").read_text(encoding="utf-8")
    assert MARKER in (project / "site" / "plans" / EDITED / f"{EDITED}.yml").read_text(encoding="utf-8")


def test_a_rebuild_without_the_cache_gives_the_same_site(built_copy: Path) -> None:
    project = built_copy  # built once, from scratch
    cached = run_cli("construire", cwd=project)  # every plan's files from the cache
    assert cached.returncode == 0, cached.stderr
    with_cache = _files(project / "site")
    shutil.rmtree(cache.cache_dir(project))
    again = run_cli("construire", cwd=project)
    assert again.returncode == 0, again.stderr
    assert _files(project / "site") == with_cache


def test_a_cache_entry_altered_on_disk_is_not_trusted_for_another_plan_text(built_copy: Path) -> None:
    """The key is the content: a plan edited back and forth finds its earlier entry, a new text a new one."""
    project = built_copy  # built once, from scratch
    path = project / "plans" / f"{EDITED}.yml"
    original = path.read_bytes()
    _edit(project)
    assert run_cli("construire", cwd=project).returncode == 0
    entries = _entries(project, "plans")
    path.write_bytes(original)  # the same bytes as the first build: its entry is found again
    assert run_cli("construire", cwd=project).returncode == 0
    assert _entries(project, "plans") == entries
    assert MARKER not in (project / "site" / "plans" / EDITED / f"{EDITED}.yml").read_text(encoding="utf-8")


def test_the_history_pages_read_git_once_for_the_whole_plans_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = copy_project(tmp_path / "depot")
    plans = repo / "plans"
    for number in range(6):  # more plans: still one git log
        source = plans / f"{EDITED}.yml"
        text = source.read_text(encoding="utf-8").replace(f"id: {EDITED}", f"id: {EDITED}-copie-{number}", 1)
        (plans / f"{EDITED}-copie-{number}.yml").write_text(text, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1", date="2026-01-01T10:00:00")
    _edit(repo)
    git(repo, "commit", "-q", "-am", "v2", date="2026-02-01T10:00:00")

    calls: list[list[str]] = []
    real_run = subprocess.run

    def counting(command: list[str], *args: Any, **kwargs: Any) -> Any:
        if command and command[0] == "git":
            calls.append(list(command))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(historique.subprocess, "run", counting)
    historique._LOGS.clear()
    site = load_site(plans)
    site.refresh_history()
    histories = {entry.plan.id: site.history(entry.plan.id) for entry in site.catalogue.entries}

    assert len(histories) == 9
    assert len([c for c in calls if "log" in c]) == 1
    assert len([c for c in calls if "rev-parse" in c]) == 1
    # Only the edited plan has an older version to read: one cat-file, for it.
    assert len([c for c in calls if "cat-file" in c]) == 1
    edited = [v for v in histories[EDITED] if v.source == "modification"]
    assert len(edited) == 2
    copies = [v for v in histories[f"{EDITED}-copie-0"] if v.source == "modification"]
    assert len(copies) == 1


def test_the_preview_builds_the_edited_plan_and_the_shared_pages_only(tmp_path: Path) -> None:
    """`plan-ouvert apercu PLAN` serves a site of that plan alone: quick to rebuild at each save."""
    from plan_ouvert.outputs.apercu import PREVIEW_ENV

    project = copy_project(tmp_path / "projet")
    env = {**os.environ, PREVIEW_ENV: str(project / "plans" / f"{EDITED}.yml"), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--no-strict", "--site-dir", str(tmp_path / "apercu")]
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    built = {p.name for p in (tmp_path / "apercu" / "plans").iterdir() if p.is_dir()}
    assert built == {EDITED}
    assert (tmp_path / "apercu" / "index.html").is_file()  # the shared pages are there
    # The plan's checks are printed in French as the preview rebuilds.
    assert f"{EDITED} : complet à" in result.stderr


def test_the_preview_of_a_missing_file_says_so_in_french(tmp_path: Path) -> None:
    result = run_cli("apercu", "plans/absent.yml", cwd=copy_project(tmp_path / "projet"))
    assert result.returncode == 2
    assert "aperçu impossible : le fichier « plans/absent.yml » n'existe pas." in result.stderr
