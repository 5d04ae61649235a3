"""MkDocs hooks: one generated page per plan record, and plan findings in the build log.

Wiring only: the page map, the checks and the exports all come from plan_ouvert.
"""

from __future__ import annotations

import html
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from plan_ouvert.outputs import csp
from plan_ouvert.outputs.render import Renderer, Settings, start_build
from plan_ouvert.source.findings import Severity, count
from plan_ouvert.views import opendata, rapport
from plan_ouvert.views.export import to_json, to_yaml
from plan_ouvert.views.pages import plan_label, report_file
from plan_ouvert.views.site import Site, load_site

# A WARNING or ERROR on a `mkdocs.*` logger fails a --strict build: that is how a plan
# erreur stops publication.
log = logging.getLogger("mkdocs.plugins.plan_ouvert")

LUNR_FR = Path("assets") / "javascripts" / "lunr" / "min" / "lunr.fr.min.js"


@dataclass
class _Build:
    """The build under way: its settings, read once, its one renderer, and what pages collect."""

    settings: Settings
    renderer: Renderer
    # The inline scripts the theme's templates write: no other inline script may reach a page.
    theme_scripts: list[re.Pattern[str]]
    site: Site | None = None
    titles: dict[str, str] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    # Generated pages are rendered here, once, instead of going through mkdocs-macros (a
    # Jinja compilation per page) and then Python-Markdown (which re-parses the whole HTML
    # block with md_in_html).
    html: dict[str, str] = field(default_factory=dict)
    inline_hashes: set[str] = field(default_factory=set)


_builds: list[_Build] = []


def _build() -> _Build:
    return _builds[0]


def _theme_templates(config: MkDocsConfig) -> list[str]:
    return [path.read_text(encoding="utf-8") for folder in config.theme.dirs for path in Path(folder).rglob("*.html")]


@event_priority(100)  # first: every later step, mkdocs-macros' pages included, renders with it
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    settings = Settings.read(
        Path(config.config_file_path).resolve().parent,
        config.extra.get("plan_ouvert", {}),
        site_name=config.site_name,
        site_url=config.site_url,
        directory_urls=bool(config.use_directory_urls),
    )
    theme_scripts = csp.theme_scripts(_theme_templates(config))
    _builds[:] = [_Build(settings, start_build(settings), theme_scripts)]
    return config


def _report(site: Site, minimum: int, strict: bool = False) -> None:
    for finding in site.catalogue.errors():
        log.error(finding.format())
    if strict:
        # conformite_stricte: a team drafting a plan before adoption wants every departure from
        # the gabarit to stop the build; by default the adopted plan is published with them shown.
        for finding in site.catalogue.findings:
            if finding.severity is Severity.NON_CONFORMITE:
                log.error("%s (conformite_stricte dans mkdocs.yml)", finding.format())
    for entry in site.catalogue.entries:
        plan_id = entry.plan.id
        mine = site.findings_of(plan_id)
        score = site.completude(plan_id).score
        log.info(
            "%s : complet à %d %%, %d erreur(s), %d non-conformité(s), %d avertissement(s), %d info(s)",
            plan_id,
            score,
            count(mine, Severity.ERREUR),
            count(mine, Severity.NON_CONFORMITE),
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


@event_priority(100)  # before plugins that take a snapshot of the files (search, macros)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = _build()
    settings, renderer = build.settings, build.renderer
    site = build.site = load_site(settings.plans)
    _report(site, settings.completude_minimale, bool(settings.extra.get("conformite_stricte", False)))
    # The page fragments are templates, never files of the site (the theme would copy any
    # that is not named .html, such as a raw feed template).
    templates = settings.templates.resolve()
    for file in [f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve().is_relative_to(templates)]:
        files.remove(file)
    for page in site.pages:
        title = page.title
        if page.plan_id:
            title = f"{page.title} — {plan_label(site.tree(page.plan_id))}"
        build.titles[page.src_uri] = title
        build.urls[page.src_uri] = page.url
        inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.src_uri, content=_markdown(page.url), inclusion=inclusion))
    schema_url = settings.site_url.rstrip("/") + "/schema/plan.schema.json" if settings.site_url else None
    files.append(File.generated(config, "flux.xml", content=renderer.feed(site)))
    for old_url in site.pages.redirects:  # renamed ids keep their address
        files.append(File.generated(config, f"{old_url}index.html", content=renderer.redirect(site, old_url)))
    for entry in site.catalogue.entries:
        plan = entry.plan
        for annee in plan.annees:  # the annual report, ready to file, beside its page
            workbook = rapport.report_xlsx(rapport.report(entry.tree, annee.numero))
            files.append(File.generated(config, report_file(plan.id, annee.numero), content=workbook))
        files.append(File.generated(config, f"plans/{plan.id}/{plan.id}.yml", content=to_yaml(plan, schema_url)))
        files.append(File.generated(config, f"plans/{plan.id}/{plan.id}.json", content=to_json(plan)))
    return files


@event_priority(50)  # before mkdocs-macros: a generated page reaches it, and Markdown, empty
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = _build()
    url = build.urls.get(page.file.src_uri)
    if url is None or build.site is None:
        return markdown
    build.html[page.file.src_uri] = build.renderer.page(build.site, url)
    return ""


def on_page_content(html_out: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = _build()
    title = build.titles.get(page.file.src_uri)
    if title is not None:
        # The theme prints titles as HTML (and its <title> would unescape them through
        # striptags, but not meta.title): plan text goes in escaped, and stays text. Set
        # after mkdocs-macros, which would render a title holding « {{ » as a template.
        page.title = page.meta["title"] = html.escape(title, quote=True)
    return build.html.pop(page.file.src_uri, html_out)


def _source(page: Page, root: Path) -> str:
    """The page's file as its editor knows it (docs/a-propos.md), or its address if generated."""
    source = page.file.abs_src_path
    if source is None or not Path(source).is_relative_to(root):
        return page.file.src_uri
    return Path(source).relative_to(root).as_posix()


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    build = _build()
    # An inline script that no theme template writes was put in a page by hand (or slipped in
    # through a macro): it would run with the site's rights, so the build refuses it.
    for script in csp.unknown_scripts(output, build.theme_scripts):
        log.error(
            "%s : script en ligne refusé (« %s ») ; seuls les scripts du thème sont permis dans une page. "
            "Placez le code dans un fichier .js sous docs/ et nommez-le sous extra_javascript dans mkdocs.yml.",
            _source(page, build.settings.root),
            script,
        )
    if not build.settings.directory_urls:
        # The offline variant's search worker runs in an iframe written by script: no CSP there.
        return output
    hashes = csp.script_hashes(output, build.theme_scripts)
    build.inline_hashes.update(hashes)
    return csp.add_meta(output, hashes)


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """Theme pages that are no Markdown page (404.html) get the same policy as every page."""
    build = _build()
    if not template_name.endswith(".html") or not build.settings.directory_urls:
        return output
    hashes = csp.script_hashes(output, build.theme_scripts)
    build.inline_hashes.update(hashes)
    return csp.add_meta(output, hashes)


def on_post_build(config: MkDocsConfig) -> None:
    build = _build()
    site_dir = Path(config.site_dir)
    # Open data of every plan: CSV per kind of record, XLSX, JSON and datapackage.json.
    if build.site is not None:
        opendata.write_all(build.site.trees, site_dir / "donnees", build.site.catalogue.kinds)
    if build.settings.directory_urls:
        (site_dir / "_headers").write_text(csp.headers_file(sorted(build.inline_hashes)), encoding="utf-8")
    # Accent-insensitive French search: extend Material's own lunr.fr in the built site,
    # generated from the installed theme's file rather than a committed copy of it.
    target = site_dir / LUNR_FR
    if target.is_file():
        addition = (Path(__file__).parent / "lunr_fold.js").read_text(encoding="utf-8")
        target.write_text(target.read_text(encoding="utf-8") + "\n" + addition, encoding="utf-8")
