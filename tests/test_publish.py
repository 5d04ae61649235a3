"""Putting a new site in place: `site/` is never missing, and killed builds leave nothing for long."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan_ouvert.outputs import publish

from .conftest import CLI


def _site(folder: Path, content: str) -> Path:
    folder.mkdir()
    (folder / "index.html").write_text(content, encoding="utf-8")
    (folder / "plans").mkdir()
    (folder / "plans" / "index.html").write_text(content, encoding="utf-8")
    return folder


def _watch(monkeypatch: pytest.MonkeyPatch, target: Path) -> list[str]:
    """After every file-system step of the swap, check that `target` holds a whole site."""
    steps: list[str] = []

    def after(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            result = original(*args, **kwargs)
            steps.append(name)
            assert (target / "plans" / "index.html").read_text(encoding="utf-8") in ("ancien", "nouveau"), name
            return result

        return step

    monkeypatch.setattr(Path, "rename", after("rename", Path.rename))
    monkeypatch.setattr(shutil, "rmtree", after("rmtree", shutil.rmtree))
    monkeypatch.setattr(publish, "exchange", after("exchange", publish.exchange))
    return steps


def test_swap_keeps_the_site_present_at_every_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = _site(tmp_path / "site", "ancien")
    staging = _site(tmp_path / ".site-nouveau-1-x", "nouveau")
    steps = _watch(monkeypatch, target)
    publish.swap(staging, target)
    assert steps == ["exchange", "rmtree"]  # one system call puts the new site in place
    assert (target / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert (target / "plans" / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # the previous site is gone


def test_swap_without_an_atomic_exchange_still_replaces_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _site(tmp_path / "site", "ancien")
    staging = _site(tmp_path / ".site-nouveau-1-x", "nouveau")
    monkeypatch.setattr(publish, "exchange", lambda first, second: False)  # another system
    publish.swap(staging, target)
    assert (target / "plans" / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_swap_puts_back_the_old_site_when_the_second_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _site(tmp_path / "site", "ancien")
    staging = tmp_path / ".site-nouveau-1-x"  # vanished: the second rename fails
    monkeypatch.setattr(publish, "exchange", lambda first, second: False)
    with pytest.raises(FileNotFoundError):
        publish.swap(staging, target)
    assert (target / "plans" / "index.html").read_text(encoding="utf-8") == "ancien"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_first_build_moves_the_new_site_in(tmp_path: Path) -> None:
    staging = _site(tmp_path / ".site-nouveau-1-x", "nouveau")
    publish.swap(staging, tmp_path / "site")
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "nouveau"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def _dead_pid() -> int:
    """A process id that no process holds (its process was started and has ended)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_leftovers_of_killed_builds_are_removed(tmp_path: Path) -> None:
    target = _site(tmp_path / "site", "publié")
    dead = _dead_pid()
    leftovers = [
        _site(tmp_path / f".site-nouveau-{dead}-abc", "à moitié construit"),
        _site(tmp_path / f".site-ancien-{dead}", "ancien site"),
        _site(tmp_path / ".site-nouveau-k2j4_x", "nom d'une version précédente"),
    ]
    kept = [
        _site(tmp_path / ".site-hors-ligne-nouveau-x", "une autre cible"),
        _site(tmp_path / f".site-nouveau-{os.getppid()}-abc", "une construction encore en cours"),
    ]
    for folder in leftovers + kept:
        os.utime(folder, (time.time() - 3600, time.time() - 3600))
    recent = _site(tmp_path / f".site-nouveau-{dead}-new", "créé après le début de la construction")
    started = time.time() - 60
    assert sorted(publish.remove_leftovers(target, started)) == sorted(leftovers)
    assert sorted(tmp_path.iterdir()) == sorted([target, recent, *kept])


def test_a_killed_build_leaves_the_site_and_the_next_build_cleans_up(built_copy: Path) -> None:
    project = built_copy  # built once by `plan-ouvert construire`
    assert (project / "site").stat().st_mode & 0o777 == 0o755  # readable by a web server's user
    before = (project / "site" / "index.html").read_bytes()
    # Its own process group: the kill reaches MkDocs too, as a power cut would.
    build = subprocess.Popen(
        [*CLI, "construire"], cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while not list(project.glob(".site-nouveau-*")) and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        os.killpg(build.pid, signal.SIGKILL)
        build.wait()
    leftover = list(project.glob(".site-nouveau-*"))
    assert len(leftover) == 1  # the build was killed after its staging folder was made
    assert (project / "site" / "index.html").read_bytes() == before

    again = subprocess.run([*CLI, "construire"], cwd=project, capture_output=True, text=True, check=False)
    assert again.returncode == 0, again.stderr
    assert f"dossier laissé par une construction interrompue, supprimé : {leftover[0].name}/" in again.stderr
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".site")) == []
    assert (project / "site" / "index.html").is_file()


# --- The check of the built site: pages read during the build, and the fast parser ----------

TRICKY = """<!doctype html><html><head><title>Plan &amp; suivi</title>
<script>if (a < b && c > d) { document.write("<a href='nulle-part'>x</a>"); }</script>
<style>a[href^="x"] > b { color: red }</style></head>
<body><!-- <a href="commentaire/"> -->
<h1 ID="haut">Titre <em>du</em>
plan</h1>
<a HREF="suivi/#an-1" title="a > b">suivi</a><a name="ancre"></a>
<img src='logo.png' alt="x"/><a href=nu>nu</a><a href="page?x=1&amp;y=2">q</a>
<p id="haut">double</p>
</body></html>"""


def test_the_fast_parser_reads_what_the_standard_parser_reads() -> None:
    from plan_ouvert.outputs import sitecheck

    fast, reference = sitecheck.parse_html(TRICKY), sitecheck.parse_html_reference(TRICKY)
    assert fast == reference
    assert fast.title == "Plan & suivi" and fast.h1 == ["Titre du plan"]
    assert [href for href, _line in fast.links] == ["suivi/#an-1", "logo.png", "nu", "page?x=1&y=2"]
    assert fast.duplicate_ids == {"haut"} and "ancre" in fast.ids


def test_the_fast_parser_agrees_on_every_page_of_the_built_site(site: Path) -> None:
    from plan_ouvert.outputs import sitecheck

    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert sitecheck.parse_html(text) == sitecheck.parse_html_reference(text), path


def _two_pages(site: Path, link: str) -> None:
    (site / "a").mkdir(parents=True)
    for folder, body in (("", f'<a href="{link}">lien</a>'), ("a/", "ici")):
        name = f"Page {folder or 'accueil'}"
        html = f"<html><head><title>{name}</title></head><body><h1>{name}</h1>{body}</body></html>"
        (site / folder / "index.html").write_text(html, encoding="utf-8")


def test_a_page_changed_after_the_build_read_it_is_read_again(tmp_path: Path) -> None:
    from plan_ouvert.outputs import parallele, sitecheck

    site = tmp_path / "site"
    _two_pages(site, "a/")
    collected = {rel: parallele.read_page(site, rel) for rel in ("index.html", "a/index.html")}
    assert sitecheck.check_site(site, collected=collected) == []
    # Written again after the worker read it (by a later step of the build): its bytes differ.
    (site / "index.html").write_text(
        (site / "index.html").read_text(encoding="utf-8").replace('href="a/"', 'href="b/"'), encoding="utf-8"
    )
    problems = sitecheck.check_site(site, collected=collected)
    assert problems == ["index.html:1 : lien brisé « b/ » (aucun fichier b/index.html)."]


def test_a_page_read_during_the_build_is_not_parsed_again(tmp_path: Path) -> None:
    from plan_ouvert.outputs import parallele, sitecheck

    site = tmp_path / "site"
    _two_pages(site, "a/")
    digest, page = parallele.read_page(site, "index.html")
    page.links.append(("manquante/", 1))  # what the build saw: the check trusts it, bytes unchanged
    problems = sitecheck.check_site(site, collected={"index.html": (digest, page)})
    assert problems == ["index.html:1 : lien brisé « manquante/ » (aucun fichier manquante/index.html)."]
