"""The publication pipeline: every failure stops with a French message and keeps the last site."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from .conftest import run_cli
from .helpers import ROOT

PAC_FILE = "plans/mrc-etchemins-pac-2022.yml"
PIAR_FILE = "plans/mrc-lassomption-piar-2021.yml"


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def published(built_copy: Path) -> tuple[Path, dict[str, bytes]]:
    """A project whose site/ has been built once: the « last good site »."""
    return built_copy, _snapshot(built_copy / "site")


def _edit(project: Path, name: str, old: str, new: str, count: int = 1) -> str:
    path = project / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, count)
    path.write_text(text, encoding="utf-8")
    return text


def _fails_and_keeps_site(project: Path, before: dict[str, bytes], *fragments: str) -> str:
    result = run_cli("construire", cwd=project)
    assert result.returncode == 1
    for fragment in fragments:
        assert fragment in result.stderr
    assert "construction annulée" in result.stderr
    assert "Le site déjà publié (site/) reste inchangé." in result.stderr
    assert _snapshot(project / "site") == before
    assert not list(project.glob(".site-nouveau-*"))  # no staging folder left behind
    assert "Traceback" not in result.stderr
    return result.stderr


def test_plan_erreur_names_the_line_and_keeps_the_site(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    # An unknown reference is an erreur (an action without échéance is only a non-conformité).
    text = _edit(project, PIAR_FILE, "    axes: [6]\n", "    axes: [6, 8]\n")
    line = text[: text.index("axes: [6, 8]")].count("\n") + 1
    stderr = _fails_and_keeps_site(project, before, f"{PIAR_FILE}:{line}:")
    assert "erreur PIAR-E003: axe 8 inexistant" in stderr
    verifier = run_cli("verifier", "plans", cwd=project)
    assert verifier.returncode == 1 and f"{PIAR_FILE}:{line}:" in verifier.stdout


def test_mkdocs_warning_fails_the_build(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    (project / "docs" / "a-propos.md").write_text("# À propos\n\nVoir [la page](absente.md).\n", encoding="utf-8")
    _fails_and_keeps_site(project, before, "absente.md", "mode strict")


def test_broken_anchor_fails_the_build(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    (project / "docs" / "a-propos.md").write_text(
        "# À propos\n\nVoir [le guide](guide/index.md#nulle-part).\n", encoding="utf-8"
    )
    _fails_and_keeps_site(project, before, "nulle-part")


def test_undefined_macro_variable_fails_the_build(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    (project / "docs" / "a-propos.md").write_text("# À propos\n\n{{ variable_inconnue }}\n", encoding="utf-8")
    _fails_and_keeps_site(project, before, "variable_inconnue")


def test_broken_link_in_raw_html_is_caught_by_the_site_check(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    (project / "docs" / "a-propos.md").write_text(
        '# À propos\n\n<p><a href="../plans/inexistant/">lien</a> <a href="../guide/#absente">ancre</a></p>\n',
        encoding="utf-8",
    )
    stderr = _fails_and_keeps_site(
        project, before, "lien brisé « ../plans/inexistant/ »", "ancre brisée « ../guide/#absente »"
    )
    assert re.search(r"2 problème\(s\) dans le site construit", stderr)


def test_broken_link_in_a_template_is_caught(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    template = project / "overrides" / "plan" / "moyen.html"
    template.write_text(
        template.read_text(encoding="utf-8").replace(
            "{{ ui.prevnext(previous, next) }}", '<a href="../../nulle-part/">x</a>{{ ui.prevnext(previous, next) }}'
        ),
        encoding="utf-8",
    )
    _fails_and_keeps_site(project, before, "lien brisé « ../../nulle-part/ »")


def test_untitled_and_duplicate_titles_fail(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    (project / "docs" / "a-propos.md").write_text("---\ntitle: Plans\n---\n\n# Plans\n", encoding="utf-8")
    _fails_and_keeps_site(project, before, "titre « Plans - Plan ouvert » partagé par 2 pages")


def test_unreadable_plan_fails_with_its_location(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    _edit(project, PAC_FILE, "  nom: MRC des Etchemins", "  nom: MRC des Etchemins\n\tsigle: x")
    _fails_and_keeps_site(project, before, f"{PAC_FILE}:", "tabulation interdite")


def test_completeness_threshold_fails_the_build(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    _edit(project, "mkdocs.yml", "completude_minimale: 0", "completude_minimale: 93")
    _fails_and_keeps_site(
        project,
        before,
        "mrc-etchemins-pac-2022 : complet à 92 %",
        "complet à 92 % seulement, sous le minimum de 93 % exigé",
    )


def test_two_builds_of_the_same_commit_are_byte_identical(tmp_path: Path) -> None:
    import subprocess

    from .conftest import copy_project

    outputs = []
    for name in ("premier", "second"):  # two clones at different paths, built at different times
        project = copy_project(tmp_path / name)
        subprocess.run(["git", "init", "-q"], cwd=project, check=True)
        subprocess.run(["git", "add", "."], cwd=project, check=True)
        subprocess.run(
            [
                "git",
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.org",
                "commit",
                "-q",
                "-m",
                "x",
                "--date=2026-01-02T03:04:05Z",
            ],
            cwd=project,
            check=True,
            env={"GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z", "PATH": "/usr/bin:/bin"},
        )
        result = run_cli("construire", cwd=project)
        assert result.returncode == 0, result.stderr
        outputs.append(_snapshot(project / "site"))
    first, second = outputs
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    # The version history links each commit: same content, same hash, so no exception is needed.
    assert different == []
    assert b"<lastmod>2026-01-02</lastmod>" in first["sitemap.xml"]


def test_inline_script_in_a_page_fails_the_build(published: tuple[Path, dict[str, bytes]]) -> None:
    project, before = published
    (project / "docs" / "a-propos.md").write_text("# À propos\n\n<script>alert(1)</script>\n", encoding="utf-8")
    _fails_and_keeps_site(
        project,
        before,
        "docs/a-propos.md : script en ligne refusé (« alert(1) ») ; seuls les scripts du thème sont permis",
    )


def _folder_links(site: Path) -> list[str]:
    """Local links of the site's pages that name a folder (« ../2-3/ », « .. »), page by page."""
    found = []
    for path in sorted(site.rglob("*.html")):
        if path.name == "404.html" and path.parent == site:
            continue  # only a web server shows it, for a missing address: its links are absolute
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        links = [str(tag["href"]) for tag in page.find_all(href=True)]
        links += [str(tag["src"]) for tag in page.find_all(src=True)]
        links += [str(m["content"]).split("url=", 1)[-1] for m in page.select("meta[http-equiv=refresh]")]
        for link in links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                continue
            if parts.path.endswith("/") or parts.path.rsplit("/", 1)[-1] in (".", ".."):
                found.append(f"{path.relative_to(site).as_posix()}: {link}")
    return found


def test_offline_variant_links_to_files_never_to_folders(project: Path) -> None:
    # A stray file beside the page fragments is no more published than the fragments are.
    (project / "overrides" / "plan" / "notes.txt").write_text("brouillon", encoding="utf-8")
    result = run_cli("construire", "--hors-ligne", "--sortie", "site-hors-ligne", cwd=project)
    assert result.returncode == 0, result.stderr
    site = project / "site-hors-ligne"
    # The demo plan renamed moyen 2-9 into 2-3 (anciens_ids): its old address still leads there.
    moved = BeautifulSoup(
        (site / "plans/demo-mrc-fictive-pac-2024/moyens/2-9/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    assert [m["content"] for m in moved.select("meta[http-equiv=refresh]")] == ["0; url=../2-3/index.html"]
    assert [a["href"] for a in moved.select("a")] == ["../2-3/index.html"]
    assert _folder_links(site) == []
    assert not (site / "plan").exists()


# Templates MkDocs renders into pages of the same name (its static templates), if overridden.
STATIC_TEMPLATES = {"404.html", "sitemap.xml"}


def test_nothing_under_overrides_is_published(site: Path) -> None:
    overrides = ROOT / "overrides"
    templates = [p.relative_to(overrides).as_posix() for p in overrides.rglob("*") if p.is_file()]
    assert "plan/plan.html" in templates
    assert [t for t in templates if (site / t).exists() and t not in STATIC_TEMPLATES] == []
    assert not (site / "plan" / "flux.xml").exists()  # the feed's raw template
    feed = (site / "flux.xml").read_text(encoding="utf-8")
    assert feed.startswith('<?xml version="1.0" encoding="utf-8"?>') and "{{" not in feed
