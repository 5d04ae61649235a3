"""MkDocs hooks: one generated page per plan record, and plan findings in the build log.

Wiring only: the page map, the checks and the exports all come from plan_ouvert.
"""

from __future__ import annotations

import functools
import html
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment
from material.plugins.search.plugin import SearchIndex  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.templates import TemplateContext

from plan_ouvert.office import telechargements
from plan_ouvert.outputs import apercu, cache, csp, parallele, render
from plan_ouvert.outputs import consultation as consultations
from plan_ouvert.outputs import search as sharded_search
from plan_ouvert.outputs.render import Renderer, Settings, start_build
from plan_ouvert.outputs.site import load_site
from plan_ouvert.source import echeance, licences, urls
from plan_ouvert.source.catalogue import Entry
from plan_ouvert.source.findings import Severity, count
from plan_ouvert.views import dcat, opendata, partage, portail, rapport
from plan_ouvert.views.export import to_json, to_yaml
from plan_ouvert.views.pages import plan_label, report_file
from plan_ouvert.views.site import Site

# A WARNING or ERROR on a `mkdocs.*` logger fails a --strict build: that is how a plan
# erreur stops publication.
log = logging.getLogger("mkdocs.plugins.plan_ouvert")

CATALOGUE = "donnees/catalogue.jsonld"  # the DCAT catalogue of the site's data


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
    inline_hashes: set[str] = field(default_factory=set)
    # The pages « Intégrer ce plan à votre site » (source → plan id): no page of the page map.
    integrations: dict[str, str] = field(default_factory=dict)
    # The second process: files that are no page, and pages read as soon as they are written.
    worker: parallele.Worker | None = None
    written: str | None = None  # the page MkDocs is writing: whole once the next one comes


_command: list[str] = ["build"]


def on_startup(command: str, dirty: bool) -> None:
    # `mkdocs serve` runs threads: no fork there, the other files are written in its process.
    _command[:] = [command]


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
    _builds[0].renderer.env.bytecode_cache = cache.template_cache(cache.Cache.for_project(settings.root))
    _check_licence(settings.extra.get("licence"), Path(config.config_file_path))
    return config


def _check_licence(identifier: object, config_file: Path) -> None:
    """The default licence (extra.plan_ouvert.licence) must be a known identifier, like a plan's."""
    if not identifier or licences.find(str(identifier)) is not None:
        return
    text = config_file.read_text(encoding="utf-8") if config_file.is_file() else ""
    match = re.search(r"^[ \t]*licence:[ \t]*", text, re.MULTILINE)
    where = config_file.name
    if match:
        line = text.count("\n", 0, match.end()) + 1
        where += f":{line}:{match.end() - text.rfind(chr(10), 0, match.end())}"
    log.error(
        "%s : %s (licence par défaut, extra.plan_ouvert.licence)", where, licences.unknown_message(str(identifier))
    )


def _report(site: Site, minimum: int, strict: bool = False) -> None:
    for finding in site.catalogue.errors():
        log.error(finding.format())
    if strict:
        # conformite_stricte: a team drafting a plan before adoption wants every departure from
        # the gabarit to stop the build; by default the adopted plan is published with them shown.
        for finding in site.catalogue.findings:
            if finding.severity.fails_strict and not finding.severity.blocks_publication:
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


def _linked_files(files: Files, config: MkDocsConfig) -> list[File]:
    """The files of docs/ reached through a symbolic link (MkDocs follows them): the link, or a
    folder on the way, could publish a file from outside the repository."""
    docs = Path(config.docs_dir)
    linked = []
    for file in files:
        if not file.abs_src_path or not Path(file.abs_src_path).is_relative_to(docs):
            continue
        parts = Path(file.abs_src_path).relative_to(docs).parts
        if any(docs.joinpath(*parts[: depth + 1]).is_symlink() for depth in range(len(parts))):
            linked.append(file)
    return linked


def _refuse_links(files: Files, config: MkDocsConfig, root: Path) -> None:
    """Refused like a link under plans/: an error (the build stops), and never published."""
    for file in _linked_files(files, config):
        shown = Path(file.abs_src_path or file.src_uri)
        where = shown.relative_to(root).as_posix() if shown.is_relative_to(root) else file.src_uri
        log.error(
            "%s : lien symbolique refusé : une page ou un fichier du site doit être un vrai fichier du dépôt "
            "(un lien pourrait publier un fichier d'ailleurs). Remplacez le lien par le fichier lui-même.",
            where,
        )
        files.remove(file)


@event_priority(100)  # before plugins that take a snapshot of the files (search, macros)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = _build()
    _refuse_links(files, config, build.settings.root)
    settings, renderer = build.settings, build.renderer
    preview = os.environ.get(apercu.PREVIEW_ENV)  # `plan-ouvert apercu`: only the plan being edited
    site = build.site = load_site(settings.plans, Path(preview) if preview else None)
    site.refresh_history()
    # The footer's « last update »: the plans' own latest update, never the build's clock.
    updates = [d for d in (portail.last_update(t) for t in site.trees) if d is not None]
    config.extra["plan_ouvert_mise_a_jour"] = echeance.date_fr(max(updates)) if updates else ""
    _report(site, settings.completude_minimale, bool(settings.extra.get("conformite_stricte", False)))
    # The page fragments are templates, never files of the site (the theme would copy any
    # that is not named .html, such as a raw feed template).
    templates = settings.templates.resolve()
    for file in [f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve().is_relative_to(templates)]:
        files.remove(file)
    for page in site.pages:
        title = f"{page.title} ({page.numero})" if page.numero else page.title
        if page.plan_id:
            title = f"{title} — {plan_label(site.tree(page.plan_id))}"
        build.titles[page.src_uri] = title
        build.urls[page.src_uri] = page.url
        inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
        files.append(File.generated(config, page.src_uri, content=_markdown(page.url), inclusion=inclusion))
    schema_url = settings.site_url.rstrip("/") + "/schema/plan.schema.json" if settings.site_url else None
    files.append(File.generated(config, "flux.xml", content=renderer.feed(site)))
    for old_url in site.pages.redirects:  # renamed ids keep their address
        files.append(File.generated(config, f"{old_url}index.html", content=renderer.redirect(site, old_url)))
    _sharing_files(files, config, site)
    _consultation_files(files, config, site)
    if preview and not site.catalogue.entries:
        # The plan being edited cannot be read: its page shows why, instead of a 404.
        blocked = apercu.blocked_page(Path(preview), site.catalogue.errors())
        for path in (f"plans/{Path(preview).stem}/index.html", "apercu-erreurs/index.html"):
            files.append(File.generated(config, path, content=blocked))
        log.info("le plan ne peut pas être lu : ses erreurs sont sur la page plans/%s/ de l'aperçu", Path(preview).stem)
    _start_worker(build, site, config, schema_url)
    return files


def _consultation_files(files: Files, config: MkDocsConfig, site: Site) -> None:
    """Public consultations: « Ce que nous avons entendu », « Ce qui a changé depuis le projet »,
    their open data (counts only) and the draft's file (outputs/consultation.py)."""
    state = consultations.start(site, _build().settings)
    for message in state.errors:
        log.error(message)
    for message in state.infos:
        log.info(message)
    for src_uri, page in state.pages.items():
        _build().titles[src_uri] = consultations.title(site, page)
        files.append(File.generated(config, src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))
    for path, content in state.files.items():
        files.append(File.generated(config, path, content=content))


def _start_worker(build: _Build, site: Site, config: MkDocsConfig, schema_url: str | None) -> None:
    """The files that are no page are written beside MkDocs, by a second process, which also
    reads each page once written and indexes the generated pages for the search."""
    site_dir = Path(config.site_dir)
    check = os.environ.get(parallele.CHECK_ENV)
    # PLAN_OUVERT_UN_PROCESSUS=1: everything in MkDocs' process (to compare, or to debug).
    fork = _command[0] != "serve" and os.environ.get("PLAN_OUVERT_UN_PROCESSUS") != "1"
    worker = build.worker = parallele.Worker(site_dir, Path(check) if check else None, fork=fork)
    store = cache.Cache.for_project(build.settings.root)
    context = _context_key(build.settings, schema_url)

    def task() -> list[str]:
        keys = []
        for entry in site.catalogue.entries:
            # The bytes the plan was loaded from, hashed once when read: never the file read again.
            key = cache.digest(context, entry.source.loaded_digest)
            keys.append(key)
            cache.through_cache(store, "plans", key, site_dir, functools.partial(_plan_files, entry, schema_url))
        # The files of all plans together: reused only when no plan changed.
        every = cache.digest(context, *keys)
        cache.through_cache(store, "site", every, site_dir, lambda: cache.capture(_shared_files(build, site)))
        return []

    search = _search_plugin(config)
    worker.start(task, _search_handler(search) if search is not None else None)
    if search is not None and worker.forked:
        _offload_search(build, worker, search)


def _search_plugin(config: MkDocsConfig) -> Any:
    plugin: Any = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    if plugin is None or not isinstance(index, SearchIndex) or not plugin.config.get("enabled", True):
        return None
    return plugin


def _search_handler(plugin: Any) -> Callable[[Any], list[dict[str, Any]]]:
    """Material's own indexing of one generated page, run in the second process."""
    settings = dict(plugin.config)

    def index_page(job: tuple[str, str, dict[str, Any], str]) -> list[dict[str, Any]]:
        content, url, meta, title = job
        index = SearchIndex(**settings)
        index.add_entry_from_context(SimpleNamespace(content=content, url=url, meta=meta, title=title, toc=[]))
        return list(index.entries)

    return index_page


def _offload_search(build: _Build, worker: parallele.Worker, plugin: Any) -> None:
    """Material indexes every page by parsing its HTML: for the generated pages (no table of
    contents), that work goes to the second process, and the entries come back in page order
    before the index is written. The index is the same, entry for entry."""
    index = plugin.search_index
    add, generate = index.add_entry_from_context, index.generate_search_index
    slots: list[int] = []  # where each offloaded page's entries go in index.entries

    def add_entry(page: Page) -> None:
        generated = page.file.src_uri in build.urls or page.file.src_uri in build.integrations
        if not generated or page.toc.items or (page.meta.get("search") or {}).get("exclude"):
            add(page)
            return
        slots.append(len(index.entries))
        meta = {k: page.meta[k] for k in ("title", "tags", "search") if k in page.meta}
        worker.submit((page.content, page.url, meta, page.title))

    def generate_index(previous: Any) -> Any:
        results, errors = worker.collect()
        for message in errors:
            log.error("%s", message)
        if len(results) != len(slots) or any(r is None for r in results):
            log.error("l'index de recherche est incomplet : des pages générées n'ont pas été indexées.")
        merged: list[dict[str, Any]] = []
        done = 0
        for slot, entries in zip(slots, results, strict=False):
            merged += index.entries[done:slot]
            merged += entries or []
            done = slot
        index.entries = merged + index.entries[done:]
        return generate(previous)

    index.add_entry_from_context = add_entry
    index.generate_search_index = generate_index


def _shared_files(build: _Build, site: Site) -> Callable[[Path], object]:
    """The writers of the files that depend on every plan (open data, programme downloads)."""

    def write(site_dir: Path) -> None:
        # Open data of every plan: CSV per kind of record, XLSX, JSON and datapackage.json.
        licence = build.settings.extra.get("licence") or None
        opendata.write_all(site.trees, site_dir / "donnees", site.catalogue.kinds, licence)
        portail.write_files(site.portail(), site_dir)  # each programme's plans and coverage, CSV and XLSX

    return write


def _context_key(settings: Settings, schema_url: str | None) -> str:
    """What a plan's own files depend on besides its file: this program, the kinds, the
    référentiels, the templates and the site's settings."""
    return cache.digest(
        cache.program_key(),
        cache.folder_key(settings.plans / "types"),
        cache.folder_key(settings.plans / "referentiels"),
        cache.folder_key(settings.templates, (".html",)),
        json.dumps([settings.site_name, settings.site_url, settings.directory_urls, schema_url], ensure_ascii=False),
        json.dumps(dict(settings.extra), sort_keys=True, default=str, ensure_ascii=False),
    )


def _plan_files(entry: Entry, schema_url: str | None) -> dict[str, bytes]:
    """The files of the site that depend on one plan only: site path → bytes."""
    plan = entry.plan
    files = {}
    for annee in plan.annees:  # the annual report, ready to file, beside its page
        files[report_file(plan.id, annee.numero)] = rapport.report_xlsx(rapport.report(entry.tree, annee.numero))
    files[f"plans/{plan.id}/{plan.id}.yml"] = to_yaml(plan, schema_url).encode("utf-8")
    files[f"plans/{plan.id}/{plan.id}.json"] = to_json(plan).encode("utf-8")
    # Each plan's Word gabarit and workbook.
    files.update(cache.capture(lambda folder: telechargements.write_downloads([entry.tree], folder)))
    return files


def _sharing_files(files: Files, config: MkDocsConfig, site: Site) -> None:
    """Each plan's feed, its embeddable card and the page giving the card's <iframe> code."""
    build = _build()
    renderer = build.renderer
    css = renderer.env.get_template("carte.css.html").render()
    files.append(File.generated(config, render.CARD_STYLE, content=css))
    # Declared now so that pages may link to it; written whole after the build (on_post_build),
    # once every file it names exists.
    files.append(File.generated(config, CATALOGUE, content="{}\n"))
    for tree in site.trees:
        plan_id = tree.plan.id
        files.append(File.generated(config, render.plan_feed_file(plan_id), content=renderer.plan_feed(site, plan_id)))
        card = renderer.card(site, plan_id)
        files.append(File.generated(config, f"{render.card_url(plan_id)}index.html", content=card))
        page = render.integration_page(tree)
        build.integrations[page.src_uri] = plan_id
        build.titles[page.src_uri] = f"{page.title} — {plan_label(tree)}"
        files.append(File.generated(config, page.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV))


@event_priority(50)  # before mkdocs-macros: a generated page reaches it, and Markdown, empty
def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = _build()
    url = build.urls.get(page.file.src_uri)
    integrated = build.integrations.get(page.file.src_uri)
    if build.site is None or (url is None and integrated is None):
        return markdown
    # Nothing for mkdocs-macros to render: it would compile an empty template per page. The
    # page's HTML is rendered when MkDocs writes the page (on_page_context), not now: MkDocs
    # reads every page before writing any, and would hold all of them in memory.
    page.meta["render_macros"] = False
    # Plan and portal pages have no Markdown headings and a small nav: both sidebars would stand
    # empty and squeeze the tables into the middle third of a desktop screen.
    page.meta["hide"] = ["navigation", "toc"]
    page.render = functools.partial(_render_nothing, page)  # type: ignore[method-assign]
    return ""


def _render_nothing(page: Page, config: MkDocsConfig, files: Files) -> None:
    """What Page.render gives for empty Markdown, without building a Markdown converter with all
    its extensions for each generated page."""
    page.content = ""
    page.toc = get_toc([])
    page.present_anchor_ids = set()
    page.links_to_anchors = {}


@event_priority(100)  # before Material's search, which indexes page.content
def on_page_context(context: TemplateContext, page: Page, config: MkDocsConfig, nav: Navigation) -> TemplateContext:
    build = _build()
    src = page.file.src_uri
    url, integrated = build.urls.get(src), build.integrations.get(src)
    if build.site is not None and integrated is not None:
        page.content = build.renderer.integration(build.site, integrated)
    elif build.site is not None and url is not None:
        page.content = build.renderer.page(build.site, url)
    elif build.site is not None and consultations.owns(src):
        page.content = consultations.render(build.renderer, build.site, src)
    if build.site is not None and (url is not None or integrated is not None) and page.content:
        where = url if url is not None else render.integration_url(integrated or "")
        plan_id = build.site.page(url).plan_id if url is not None else integrated
        page.content = consultations.decorate(build.renderer, build.site, where, plan_id, page.content)
    return context


def on_page_content(html_out: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    build = _build()
    title = build.titles.get(page.file.src_uri)
    if title is not None:
        # The theme prints titles as HTML (and its <title> would unescape them through
        # striptags, but not meta.title): plan text goes in escaped, and stays text. Set
        # after mkdocs-macros, which would render a title holding « {{ » as a template.
        # Only in text, never in an attribute: quotes stay as they are, or the search index
        # would hold « &#x27; » where an apostrophe belongs.
        page.title = page.meta["title"] = html.escape(title, quote=False)
    _share(page, config)
    return html_out


def _share(page: Page, config: MkDocsConfig) -> None:
    """What a link preview shows (description, Open Graph) and a plan's feed and metadata links.

    The theme prints page.meta as is: every value set here is escaped. A generated page gets
    the description of its content; a hand-written page keeps its front matter's, else the
    site's description, which the theme already writes as <meta name="description">.
    """
    build = _build()
    src = page.file.src_uri
    url, plan_id = build.urls.get(src), build.integrations.get(src)
    description = page.meta.get("description") or config.site_description or ""
    if build.site is not None and url is not None:
        plan_id = build.site.page(url).plan_id
        description = partage.page_description(build.site, build.site.page(url))
        page.meta["description"] = html.escape(description, quote=True)
    elif build.site is not None and plan_id is not None:
        label = plan_label(build.site.tree(plan_id))
        description = f"Le code à copier pour montrer la carte du plan ({label}) sur un autre site."
        page.meta["description"] = html.escape(description, quote=True)
    shared = {
        "site": html.escape(config.site_name, quote=True),
        "titre": page.title if src in build.titles else html.escape(page.title or "", quote=True),
        "description": html.escape(description, quote=True),
    }
    if build.site is not None and plan_id is not None:
        label = plan_label(build.site.tree(plan_id))
        shared["flux"] = render.plan_feed_file(plan_id)
        shared["flux_titre"] = html.escape(f"Mises à jour : {label}", quote=True)
        shared["dcat"] = dcat_file(plan_id)
    page.meta["partage"] = shared


def dcat_file(plan_id: str) -> str:
    """« donnees/<plan>/dataset.jsonld »: the DCAT metadata of one plan's data."""
    return urls.dataset_url(plan_id)


def _write_dcat(build: _Build, site: Site, site_dir: Path, config: MkDocsConfig) -> None:
    """The DCAT catalogue and each plan's dataset, naming the files the build actually wrote."""
    about = dcat.Catalogue(
        base_url=build.renderer.base_url,
        titre=config.site_name,
        description=config.site_description or config.site_name,
        licence=build.settings.extra.get("licence") or None,
    )
    published = tuple(dcat.MEDIA_TYPES)
    plan_files: dict[str, list[str]] = {}
    for tree in site.trees:
        folder = site_dir / "plans" / tree.plan.id
        found = [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lstrip(".") in published]
        plan_files[tree.plan.id] = [p.relative_to(site_dir).as_posix() for p in found]
        target = site_dir / dcat_file(tree.plan.id)
        target.parent.mkdir(parents=True, exist_ok=True)
        document = dcat.dataset_document(tree, about, plan_files[tree.plan.id])
        target.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    donnees = site_dir / "donnees"
    # The tables of all plans (opendata.write_all): one CSV per table, the workbook, the JSON.
    shared = sorted(donnees.glob("csv/*.csv")) + [donnees / n for n in ("plans.xlsx", "plans.json", "datapackage.json")]
    shared_paths = [p.relative_to(site_dir).as_posix() for p in shared if p.is_file()]
    catalogue = dcat.catalogue(site.trees, about, plan_files, shared_paths)
    (site_dir / CATALOGUE).write_text(json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _source(page: Page, root: Path) -> str:
    """The page's file as its editor knows it (docs/a-propos.md), or its address if generated."""
    source = page.file.abs_src_path
    if source is None or not Path(source).is_relative_to(root):
        return page.file.src_uri
    return Path(source).relative_to(root).as_posix()


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    build = _build()
    _page_written(build, page.file.abs_dest_path)
    if page.file.src_uri in build.urls or page.file.src_uri in build.integrations:
        page.content = ""  # written: nothing reads it again (see on_page_context)
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


def _page_written(build: _Build, following: str | None) -> None:
    """MkDocs writes a page right after on_post_page: the previous page is whole on disk now."""
    if build.worker is not None and build.written is not None:
        build.worker.page_written(build.written)
    build.written = following


def _worker_done(build: _Build, messages: list[str]) -> None:
    for message in messages:
        log.error("%s", message)


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    # The theme's templates, compiled once and kept (by the hash of their source).
    env.bytecode_cache = cache.template_cache(cache.Cache.for_project(_build().settings.root))
    return env


def on_serve(server: Any, config: MkDocsConfig, builder: Callable[..., Any]) -> Any:
    """The preview's server (apercu, mkdocs serve) answers only its own address: DNS rebinding."""
    host, port = server.server_address[:2]
    server.set_app(apercu.host_guard(server.get_app(), str(host), int(port)))
    return server


def on_build_error(error: Exception) -> None:
    if _builds and _builds[0].worker is not None:
        _builds[0].worker.abandon()


def on_post_build(config: MkDocsConfig) -> None:
    build = _build()
    site_dir = Path(config.site_dir)
    _page_written(build, None)
    if build.worker is not None:
        _worker_done(build, build.worker.wait_outputs())
    # The files that are no page (open data, downloads) are written by the worker: see
    # _plan_files (one plan's files) and _shared_files (those of every plan).
    # Search a phone can load: Material's whole index cut into fragments loaded on demand.
    sharded_search.write_index(site_dir)
    if build.site is not None:
        _write_dcat(build, build.site, site_dir, config)
    if build.settings.directory_urls:
        # Last: the policy is written per top-level entry of the site (see csp.headers_file).
        entries = [p.name + ("/" if p.is_dir() else "") for p in site_dir.iterdir()]
        headers = csp.headers_file(sorted(build.inline_hashes), entries, render.CARD_FOLDER)
        (site_dir / "_headers").write_text(headers, encoding="utf-8")
    if build.worker is not None:
        _worker_done(build, build.worker.finish())
        build.worker = None
