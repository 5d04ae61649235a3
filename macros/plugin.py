"""The MkDocs adapter: one generated page per plan record, and plan findings in the build log.

Wiring only: the page map, the checks and the exports all come from plan_ouvert. The state of
a build lives on the plugin instance (`self.build`), made whole in `on_config` and replaced at
each build of `mkdocs serve`; the settings are typed (settings.PlanOuvertConfig); generated
pages are pages of their own kind (pages.GeneratedPage); Material's search is reached only
through search_offload.
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
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from plan_ouvert.checks import licences
from plan_ouvert.checks.catalogue import Entry
from plan_ouvert.office import telechargements
from plan_ouvert.outputs import apercu, cache, csp, parallele, render
from plan_ouvert.outputs.render import Renderer, Settings, start_build
from plan_ouvert.source.findings import Severity, count
from plan_ouvert.views import dcat, opendata, partage, portail, rapport
from plan_ouvert.views.export import to_json, to_yaml
from plan_ouvert.views.pages import plan_label, report_file
from plan_ouvert.views.site import Site, load_site

from . import search_offload
from .pages import GeneratedPage, IntegrationPage, PlanPage
from .settings import PlanOuvertConfig, defaults
from .settings import read as read_settings

# A WARNING or ERROR on a `mkdocs.*` logger fails a --strict build: that is how a plan
# erreur stops publication.
log = logging.getLogger("mkdocs.plugins.plan_ouvert")

LUNR_FR = Path("assets") / "javascripts" / "lunr" / "min" / "lunr.fr.min.js"
CATALOGUE = "donnees/catalogue.jsonld"  # the DCAT catalogue of the site's data


@dataclass
class Build:
    """The build under way: its settings, read once, its one renderer, and what pages collect."""

    settings: Settings
    renderer: Renderer
    # The inline scripts the theme's templates write: no other inline script may reach a page.
    theme_scripts: list[re.Pattern[str]]
    options: PlanOuvertConfig = field(default_factory=defaults)
    site: Site | None = None
    inline_hashes: set[str] = field(default_factory=set)
    # The second process: files that are no page, and pages read as soon as they are written.
    worker: parallele.Worker | None = None
    written: str | None = None  # the page MkDocs is writing: whole once the next one comes


def check_licence(identifier: object, config_file: Path) -> None:
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


def report(site: Site, minimum: int, strict: bool = False) -> None:
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


def refuse_links(files: Files, config: MkDocsConfig, root: Path) -> None:
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


def context_key(settings: Settings, schema_url: str | None) -> str:
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


def plan_files(entry: Entry, schema_url: str | None) -> dict[str, bytes]:
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


def source_name(page: Page, root: Path) -> str:
    """The page's file as its editor knows it (docs/a-propos.md), or its address if generated."""
    source = page.file.abs_src_path
    if source is None or not Path(source).is_relative_to(root):
        return page.file.src_uri
    return Path(source).relative_to(root).as_posix()


def _markdown(url: str) -> str:
    # Only a macro call: plan text never enters the Markdown or its front matter, which
    # mkdocs-macros renders as templates. json.dumps quotes any URL safely.
    return f"{{{{ plan_page({json.dumps(url)}) }}}}\n"


def _theme_templates(config: MkDocsConfig) -> list[str]:
    return [path.read_text(encoding="utf-8") for folder in config.theme.dirs for path in Path(folder).rglob("*.html")]


def dcat_file(plan_id: str) -> str:
    """« donnees/<plan>/dataset.jsonld »: the DCAT metadata of one plan's data."""
    return f"donnees/{plan_id}/dataset.jsonld"


class PlanOuvertPlugin(BasePlugin[PlanOuvertConfig]):  # type: ignore[no-untyped-call]
    """Plan ouvert in a MkDocs build. Its settings are `extra.plan_ouvert` in mkdocs.yml, read
    in `on_config` (a `hooks:` module has no block of its own under `plugins:`)."""

    def __init__(self) -> None:
        self.command = "build"
        self._build: Build | None = None

    @property
    def build(self) -> Build:
        if self._build is None:
            raise RuntimeError("Plan ouvert : la construction n'a pas commencé (on_config n'a pas été appelé).")
        return self._build

    @build.setter
    def build(self, value: Build) -> None:
        self._build = value

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` runs threads: no fork there, the other files are written in its process.
        self.command = command

    @event_priority(100)  # first: every later step, mkdocs-macros' pages included, renders with it
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        options, settings = read_settings(config)
        self.config = options
        self._build = Build(settings, start_build(settings), csp.theme_scripts(_theme_templates(config)), options)
        self.build.renderer.env.bytecode_cache = cache.template_cache(cache.Cache.for_project(settings.root))
        check_licence(options.licence, Path(config.config_file_path))
        return config

    @event_priority(100)  # before plugins that take a snapshot of the files (search, macros)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        build = self.build
        refuse_links(files, config, build.settings.root)
        settings, renderer = build.settings, build.renderer
        preview = os.environ.get(apercu.PREVIEW_ENV)  # `plan-ouvert apercu`: only the plan being edited
        site = build.site = load_site(settings.plans, Path(preview) if preview else None)
        site.refresh_history()
        report(site, build.options.completude_minimale, build.options.conformite_stricte)
        # The page fragments are templates, never files of the site (the theme would copy any
        # that is not named .html, such as a raw feed template).
        templates = settings.templates.resolve()
        for file in [f for f in files if f.abs_src_path and Path(f.abs_src_path).resolve().is_relative_to(templates)]:
            files.remove(file)
        for page in site.pages:
            title = page.title
            if page.plan_id:
                title = f"{page.title} — {plan_label(site.tree(page.plan_id))}"
            inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
            file = File.generated(config, page.src_uri, content=_markdown(page.url), inclusion=inclusion)
            files.append(file)
            body = functools.partial(renderer.page, site, page.url)
            PlanPage(file, config, title, body, page.url, page.plan_id)
        schema_url = settings.site_url.rstrip("/") + "/schema/plan.schema.json" if settings.site_url else None
        files.append(File.generated(config, "flux.xml", content=renderer.feed(site)))
        for old_url in site.pages.redirects:  # renamed ids keep their address
            files.append(File.generated(config, f"{old_url}index.html", content=renderer.redirect(site, old_url)))
        self._sharing_files(files, config, site)
        self.start_worker(site, config, schema_url)
        return files

    def start_worker(self, site: Site, config: MkDocsConfig, schema_url: str | None) -> None:
        """The files that are no page are written beside MkDocs, by a second process, which also
        reads each page once written and indexes the generated pages for the search."""
        build = self.build
        site_dir = Path(config.site_dir)
        check = os.environ.get(parallele.CHECK_ENV)
        # PLAN_OUVERT_UN_PROCESSUS=1: everything in MkDocs' process (to compare, or to debug).
        fork = self.command != "serve" and os.environ.get("PLAN_OUVERT_UN_PROCESSUS") != "1"
        worker = build.worker = parallele.Worker(site_dir, Path(check) if check else None, fork=fork)
        store = cache.Cache.for_project(build.settings.root)
        context = context_key(build.settings, schema_url)

        def task() -> list[str]:
            keys = []
            for entry in site.catalogue.entries:
                # The bytes the plan was loaded from, hashed once when read: never the file read again.
                key = cache.digest(context, entry.source.loaded_digest)
                keys.append(key)
                cache.through_cache(store, "plans", key, site_dir, functools.partial(plan_files, entry, schema_url))
            # The files of all plans together: reused only when no plan changed.
            every = cache.digest(context, *keys)
            cache.through_cache(store, "site", every, site_dir, lambda: cache.capture(self._shared_files(site)))
            return []

        search = search_offload.search_plugin(config)
        worker.start(task, search_offload.handler(search) if search is not None else None)
        if search is not None and worker.forked:
            search_offload.offload(search, worker, lambda page: isinstance(page, GeneratedPage))

    def _shared_files(self, site: Site) -> Callable[[Path], object]:
        """The writers of the files that depend on every plan (open data, programme downloads)."""
        licence = self.build.options.licence or None

        def write(site_dir: Path) -> None:
            # Open data of every plan: CSV per kind of record, XLSX, JSON and datapackage.json.
            opendata.write_all(site.trees, site_dir / "donnees", site.catalogue.kinds, licence)
            portail.write_files(site, site_dir)  # each programme's plans and coverage, CSV and XLSX

        return write

    def _sharing_files(self, files: Files, config: MkDocsConfig, site: Site) -> None:
        """Each plan's feed, its embeddable card and the page giving the card's <iframe> code."""
        renderer = self.build.renderer
        css = renderer.env.get_template("carte.css.html").render()
        files.append(File.generated(config, render.CARD_STYLE, content=css))
        # Declared now so that pages may link to it; written whole after the build (on_post_build),
        # once every file it names exists.
        files.append(File.generated(config, CATALOGUE, content="{}\n"))
        for tree in site.trees:
            plan_id = tree.plan.id
            feed = renderer.plan_feed(site, plan_id)
            files.append(File.generated(config, render.plan_feed_file(plan_id), content=feed))
            card = renderer.card(site, plan_id)
            files.append(File.generated(config, f"{render.card_url(plan_id)}index.html", content=card))
            page = render.integration_page(tree)
            file = File.generated(config, page.src_uri, content="", inclusion=InclusionLevel.NOT_IN_NAV)
            files.append(file)
            title = f"{page.title} — {plan_label(tree)}"
            IntegrationPage(file, config, title, functools.partial(renderer.integration, site, plan_id), plan_id)

    @event_priority(100)  # before Material's search, which indexes page.content
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if isinstance(page, GeneratedPage):
            page.content = page.body()
        return context

    def on_page_content(self, html_out: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if isinstance(page, GeneratedPage):
            # The theme prints titles as HTML (and its <title> would unescape them through
            # striptags, but not meta.title): plan text goes in escaped, and stays text. Set
            # after mkdocs-macros, which would render a title holding « {{ » as a template.
            page.title = page.meta["title"] = html.escape(page.plan_title, quote=True)
        self._share(page, config)
        return html_out

    def _share(self, page: Page, config: MkDocsConfig) -> None:
        """What a link preview shows (description, Open Graph) and a plan's feed and metadata links.

        The theme prints page.meta as is: every value set here is escaped. A generated page gets
        the description of its content; a hand-written page keeps its front matter's, else the
        site's description, which the theme already writes as <meta name="description">.
        """
        site = self.build.site
        description = page.meta.get("description") or config.site_description or ""
        plan_id = page.plan_id if isinstance(page, GeneratedPage) else None
        if site is not None and isinstance(page, PlanPage):
            description = partage.page_description(site, site.page(page.map_url))
            page.meta["description"] = html.escape(description, quote=True)
        elif site is not None and isinstance(page, IntegrationPage) and plan_id is not None:
            label = plan_label(site.tree(plan_id))
            description = f"Le code à copier pour montrer la carte du plan ({label}) sur un autre site."
            page.meta["description"] = html.escape(description, quote=True)
        shared = {
            "site": html.escape(config.site_name, quote=True),
            "titre": page.title if isinstance(page, GeneratedPage) else html.escape(page.title or "", quote=True),
            "description": html.escape(description, quote=True),
        }
        if site is not None and plan_id is not None:
            label = plan_label(site.tree(plan_id))
            shared["flux"] = render.plan_feed_file(plan_id)
            shared["flux_titre"] = html.escape(f"Mises à jour : {label}", quote=True)
            shared["dcat"] = dcat_file(plan_id)
        page.meta["partage"] = shared

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        build = self.build
        self._page_written(page.file.abs_dest_path)
        if isinstance(page, GeneratedPage):
            page.content = ""  # written: nothing reads it again (see on_page_context)
        # An inline script that no theme template writes was put in a page by hand (or slipped in
        # through a macro): it would run with the site's rights, so the build refuses it.
        for script in csp.unknown_scripts(output, build.theme_scripts):
            log.error(
                "%s : script en ligne refusé (« %s ») ; seuls les scripts du thème sont permis dans une page. "
                "Placez le code dans un fichier .js sous docs/ et nommez-le sous extra_javascript dans mkdocs.yml.",
                source_name(page, build.settings.root),
                script,
            )
        if not build.settings.directory_urls:
            # The offline variant's search worker runs in an iframe written by script: no CSP there.
            return output
        hashes = csp.script_hashes(output, build.theme_scripts)
        build.inline_hashes.update(hashes)
        return csp.add_meta(output, hashes)

    def on_post_template(self, output_content: str, *, template_name: str, config: MkDocsConfig) -> str:
        """Theme pages that are no Markdown page (404.html) get the same policy as every page."""
        build = self.build
        if not template_name.endswith(".html") or not build.settings.directory_urls:
            return output_content
        hashes = csp.script_hashes(output_content, build.theme_scripts)
        build.inline_hashes.update(hashes)
        return csp.add_meta(output_content, hashes)

    def _page_written(self, following: str | None) -> None:
        """MkDocs writes a page right after on_post_page: the previous page is whole on disk now."""
        build = self.build
        if build.worker is not None and build.written is not None:
            build.worker.page_written(build.written)
        build.written = following

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # The theme's templates, compiled once and kept (by the hash of their source).
        env.bytecode_cache = cache.template_cache(cache.Cache.for_project(self.build.settings.root))
        return env

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Callable[..., Any]) -> Any:
        """The preview's server (apercu, mkdocs serve) answers only its own address: DNS rebinding."""
        host, port = server.server_address[:2]
        server.set_app(apercu.host_guard(server.get_app(), str(host), int(port)))
        return server

    def on_build_error(self, *, error: Exception) -> None:
        if self._build is not None and self._build.worker is not None:
            self._build.worker.abandon()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        build = self.build
        site_dir = Path(config.site_dir)
        self._page_written(None)
        if build.worker is not None:
            _log_errors(build.worker.wait_outputs())
        # The files that are no page (open data, downloads) are written by the worker: see
        # plan_files (one plan's files) and _shared_files (those of every plan).
        # Accent-insensitive French search: extend Material's own lunr.fr in the built site,
        # generated from the installed theme's file rather than a committed copy of it.
        target = site_dir / LUNR_FR
        if target.is_file():
            addition = (Path(__file__).parent / "lunr_fold.js").read_text(encoding="utf-8")
            target.write_text(target.read_text(encoding="utf-8") + "\n" + addition, encoding="utf-8")
        if build.site is not None:
            self._write_dcat(build.site, site_dir, config)
        if build.settings.directory_urls:
            # Last: the policy is written per top-level entry of the site (see csp.headers_file).
            entries = [p.name + ("/" if p.is_dir() else "") for p in site_dir.iterdir()]
            headers = csp.headers_file(sorted(build.inline_hashes), entries, render.CARD_FOLDER)
            (site_dir / "_headers").write_text(headers, encoding="utf-8")
        if build.worker is not None:
            _log_errors(build.worker.finish())
            build.worker = None

    def _write_dcat(self, site: Site, site_dir: Path, config: MkDocsConfig) -> None:
        """The DCAT catalogue and each plan's dataset, naming the files the build actually wrote."""
        about = dcat.Catalogue(
            base_url=self.build.renderer.base_url,
            titre=config.site_name,
            description=config.site_description or config.site_name,
            licence=self.build.options.licence or None,
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
        names = ("plans.xlsx", "plans.json", "datapackage.json")
        shared = sorted(donnees.glob("csv/*.csv")) + [donnees / n for n in names]
        shared_paths = [p.relative_to(site_dir).as_posix() for p in shared if p.is_file()]
        catalogue = dcat.catalogue(site.trees, about, plan_files, shared_paths)
        text = json.dumps(catalogue, ensure_ascii=False, indent=2) + "\n"
        (site_dir / CATALOGUE).write_text(text, encoding="utf-8")


def _log_errors(messages: list[str]) -> None:
    for message in messages:
        log.error("%s", message)
