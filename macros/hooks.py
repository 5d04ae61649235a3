"""MkDocs hooks: one generated page per plan record, and plan findings in the build log.

Wiring only: the page map, the checks and the exports all come from plan_ouvert.
"""

from __future__ import annotations

import html
import json
import logging
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from plan_ouvert import csp, opendata, rapport
from plan_ouvert.export import to_json, to_yaml
from plan_ouvert.findings import Severity, count
from plan_ouvert.pages import plan_label, report_file
from plan_ouvert.render import Renderer
from plan_ouvert.site import Site, load_site

# A WARNING or ERROR on a `mkdocs.*` logger fails a --strict build: that is how a plan
# erreur stops publication.
log = logging.getLogger("mkdocs.plugins.plan_ouvert")

LUNR_FR = Path("assets") / "javascripts" / "lunr" / "min" / "lunr.fr.min.js"


def _site(config: MkDocsConfig) -> Site:
    settings = config.extra.get("plan_ouvert", {})
    root = Path(config.config_file_path).parent
    return load_site(root / settings.get("plans", "plans"))


def _report(site: Site, minimum: int) -> None:
    for finding in site.catalogue.errors():
        log.error(finding.format())
    for entry in site.catalogue.entries:
        plan_id = entry.plan.id
        mine = site.findings_of(plan_id)
        score = site.completude(plan_id).score
        log.info(
            "%s : complet à %d %%, %d erreur(s), %d avertissement(s), %d info(s)",
            plan_id,
            score,
            count(mine, Severity.ERREUR),
            count(mine, Severity.AVERTISSEMENT),
            count(mine, Severity.INFO),
        )
        if score < minimum:
            log.error(
                "%s : complet à %d %% seulement, sous le minimum de %d %% exigé (completude_minimale dans "
                "mkdocs.yml) ; voir la page « État du plan ».",
                plan_id,
                score,
                minimum,
            )


def _markdown(url: str) -> str:
    # Only a macro call: plan text never enters the Markdown or its front matter, which
    # mkdocs-macros renders as templates. json.dumps quotes any URL safely.
    return f"{{{{ plan_page({json.dumps(url)}) }}}}\n"


_titles: dict[str, str] = {}
# The build's site and page renderer, set by on_files: generated pages are rendered here,
# once, instead of going through mkdocs-macros (a Jinja compilation per page) and then
# Python-Markdown (which re-parses the whole HTML block with md_in_html).
_state: dict[str, Any] = {}
_html: dict[str, str] = {}
_urls: dict[str, str] = {}


@event_priority(100)  # before plugins that take a snapshot of the files (search, macros)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    site = _site(config)
    _report(site, int(config.extra.get("plan_ouvert", {}).get("completude_minimale", 0)))
    _titles.clear()
    _html.clear()
    _urls.clear()
    _state["site"] = site
    _state["renderer"] = Renderer(
        Path(config.config_file_path).parent / config.extra.get("plan_ouvert", {}).get("templates", "overrides/plan"),
        config.site_name,
        config.extra.get("plan_ouvert", {}),
        directory_urls=bool(config.use_directory_urls),
    )
    for page in site.pages:
        title = page.title
        if page.plan_id:
            title = f"{page.title} — {plan_label(site.plan(page.plan_id))}"
        _titles[page.src_uri] = title
        _urls[page.src_uri] = page.url
        inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.src_uri, content=_markdown(page.url), inclusion=inclusion))
    schema_url = config.site_url.rstrip("/") + "/schema/plan.schema.json" if config.site_url else None
    settings = config.extra.get("plan_ouvert", {})
    root = Path(config.config_file_path).parent
    renderer = Renderer(root / settings.get("templates", "overrides/plan"), config.site_name, settings)
    files.append(File.generated(config, "flux.xml", content=renderer.feed(site, config.site_url or "/")))
    for old_url in site.pages.redirects:  # renamed ids keep their address
        files.append(File.generated(config, f"{old_url}index.html", content=renderer.redirect(site, old_url)))
    for entry in site.catalogue.entries:
        plan = entry.plan
        for annee in plan.annees:  # the annual report, ready to file, beside its page
            workbook = rapport.report_xlsx(rapport.report(plan, annee.numero))
            files.append(File.generated(config, report_file(plan.id, annee.numero), content=workbook))
        files.append(File.generated(config, f"plans/{plan.id}/{plan.id}.yml", content=to_yaml(plan, schema_url)))
        files.append(File.generated(config, f"plans/{plan.id}/{plan.id}.json", content=to_json(plan)))
    return files


@event_priority(50)  # before mkdocs-macros: a generated page reaches it, and Markdown, empty
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    url = _urls.get(page.file.src_uri)
    if url is None:
        return markdown
    _html[page.file.src_uri] = _state["renderer"].page(_state["site"], url)
    return ""


def on_page_content(html_out: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    title = _titles.get(page.file.src_uri)
    if title is not None:
        # The theme prints titles as HTML (and its <title> would unescape them through
        # striptags, but not meta.title): plan text goes in escaped, and stays text. Set
        # after mkdocs-macros, which would render a title holding « {{ » as a template.
        page.title = page.meta["title"] = html.escape(title, quote=True)
    return _html.pop(page.file.src_uri, html_out)


_inline_hashes: set[str] = set()


def _offline(config: MkDocsConfig) -> bool:
    # The offline variant's search worker runs in an iframe written by script: no CSP there.
    return not config.use_directory_urls


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    if _offline(config):
        return output
    _inline_hashes.update(csp.script_hashes(output))
    return csp.add_meta(output)


def on_post_build(config: MkDocsConfig) -> None:
    # Open data of every plan: CSV per kind of record, XLSX, JSON and datapackage.json.
    opendata.write_all(_site(config).catalogue.plans, Path(config.site_dir) / "donnees")
    if not _offline(config):
        (Path(config.site_dir) / "_headers").write_text(csp.headers_file(sorted(_inline_hashes)), encoding="utf-8")
        _inline_hashes.clear()
    # Accent-insensitive French search: extend Material's own lunr.fr in the built site,
    # generated from the installed theme's file rather than a committed copy of it.
    target = Path(config.site_dir) / LUNR_FR
    if target.is_file():
        addition = (Path(__file__).parent / "lunr_fold.js").read_text(encoding="utf-8")
        target.write_text(target.read_text(encoding="utf-8") + "\n" + addition, encoding="utf-8")
