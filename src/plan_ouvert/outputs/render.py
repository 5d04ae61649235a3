"""Render plan fragments from the Jinja templates in overrides/plan/.

HTML is only ever written in templates, with autoescaping on: plan text is data, never
markup. Links are made relative to the page being rendered, so that the site works under
a sub-path (GitHub Pages project sites) as well as at a domain's root.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from plan_ouvert.outputs import csp, texte
from plan_ouvert.source import echeance, urls
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views import pages, partage, presenters, ressources, suivi
from plan_ouvert.views.libelles import STATUTS_PLAN, STATUTS_SUIVI, minuscule, montant, nombre, pourcent
from plan_ouvert.views.site import Site


def _relpath(target: str, base: str) -> str:
    """posixpath.relpath for two site-relative paths, without its os.getcwd() per call."""
    to = [p for p in posixpath.normpath(target).split("/") if p and p != "."]
    start = [p for p in posixpath.normpath(base).split("/") if p and p != "."]
    common = 0
    for a, b in zip(to, start, strict=False):
        if a != b:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + to[common:]) or "."


def relative(target: str, current: str, directory_urls: bool = True) -> str:
    """Href from the page at `current` (a site URL ending in "/") to `target`.

    Without directory URLs (a site opened from disk), folder targets get their index.html.
    """
    if target.startswith(("http://", "https://", "mailto:")):
        return target
    target, hash_, fragment = target.partition("#")
    if hash_:  # « programme/#axes-2 »: the page's href, then its anchor
        return f"{relative(target, current, directory_urls)}#{fragment}"
    base = posixpath.dirname(current.rstrip("/") + "/x") if current else ""
    path = _relpath(target or ".", base or ".")
    folder = target.endswith("/") or not target
    if folder and not path.endswith("/"):
        path += "/"
    if path in (".", "./"):
        path = "./"
    if folder and not directory_urls:
        return "index.html" if path == "./" else path + "index.html"
    return path


def nbsp(text: str) -> Markup:
    """French typography: a non-breaking space before « : ; ! ? » and inside « »."""
    escaped = str(Markup.escape(text))
    for mark in (" :", " ;", " !", " ?", " »"):
        escaped = escaped.replace(mark, "\u00a0" + mark[1:])
    return Markup(escaped.replace("« ", "«\u00a0"))  # noqa: S704 (escaped above)


# The Atom feed's template: an .html name, so that the theme never publishes the raw template
# (MkDocs copies every other file of the theme's folders into the site).
FEED_TEMPLATE = "flux.xml.html"
FEED = "flux.xml"  # the site's feed; each plan has its own beside its pages
CARD_TEMPLATE = "carte-integree.html"
# The cards live in their own top-level folder: the only path that other sites may frame
# (the `_headers` file gives it its own policy, and no other rule reaches it).
CARD_FOLDER = "integrer"
CARD_STYLE = f"{CARD_FOLDER}/carte.css"
INTEGRATION_TITLE = "Intégrer ce plan à votre site"


def plan_feed_file(plan_id: str) -> str:
    """« plans/<id>/flux.xml »: the feed of one plan, beside its pages."""
    return f"{pages.plan_url(plan_id)}flux.xml"


def card_url(plan_id: str) -> str:
    """« integrer/<id>/ »: the plan's card, the page another site shows in an <iframe>."""
    return f"{CARD_FOLDER}/{plan_id}/"


def integration_url(plan_id: str) -> str:
    return f"{pages.plan_url(plan_id)}integrer/"


def integration_page(tree: PlanTree) -> pages.Page:
    """The page « Intégrer ce plan à votre site », under the plan's page (not in the page map:
    it shows the plan's card, no content of its own)."""
    plan_id = tree.plan.id
    return pages.Page(integration_url(plan_id), "integrer", INTEGRATION_TITLE, plan_id, parent=pages.plan_url(plan_id))


@dataclass(frozen=True)
class Settings:
    """What a build needs from the site's configuration, read once when the build starts."""

    root: Path
    plans: Path
    templates: Path
    site_name: str = "Plan ouvert"
    site_url: str = ""
    # False for the offline variant, opened from disk: links name index.html, never a folder.
    directory_urls: bool = True
    completude_minimale: int = 0
    # The project's own section of the configuration, as written (templates read depot, branche).
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def read(
        cls, root: Path, extra: Mapping[str, Any], *, site_name: str, site_url: str | None, directory_urls: bool
    ) -> Settings:
        """The settings of a project at `root`, whose own section of the configuration is `extra`."""
        return cls(
            root=root,
            plans=root / extra.get("plans", "plans"),
            templates=root / extra.get("templates", "overrides/plan"),
            site_name=site_name,
            site_url=site_url or "",
            directory_urls=directory_urls,
            completude_minimale=int(extra.get("completude_minimale", 0)),
            extra=dict(extra),
        )


class Renderer:
    """The one renderer of a build: its templates are compiled once and read with its settings."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.env = Environment(
            loader=FileSystemLoader(str(settings.templates)),
            autoescape=select_autoescape(default=True, default_for_string=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
            auto_reload=False,  # one build: no stat() of every template at every page
            extensions=["jinja2.ext.do"],
        )
        self.env.filters.update(
            date_fr=lambda d: echeance.date_fr(d) if d else "",
            nombre=nombre,
            montant=montant,
            pourcent=pourcent,
            nbsp=nbsp,
            texte=texte.render,
            minuscule=minuscule,
        )
        self.env.globals.update(
            STATUTS_PLAN=STATUTS_PLAN,
            STATUTS_SUIVI=STATUTS_SUIVI,
            site_name=settings.site_name,
            plan_label=pages.plan_label,
            plan_url=pages.plan_url,
            adresses=urls,  # every address a template links to (source/urls.py), never concatenated there
            browse_url=pages.browse_url,
            report_url=pages.report_url,
            report_file=pages.report_file,
            plan_feed_file=plan_feed_file,
            card_url=card_url,
            integration_url=integration_url,
            CARD_STYLE=CARD_STYLE,
            svg_geometry=suivi.svg_geometry,
            STATUTS=suivi.STATUTS,
            views=presenters,  # templates call the page phrases as views.*
            partage=partage,
            ressources=ressources,  # the resource summary of a plan's page
            settings=settings.extra,
        )

    def render(self, template: str, site: Site, current_url: str, **context: Any) -> str:
        def href(target: str) -> str:
            return relative(target, current_url, self.settings.directory_urls)

        def doc(source: str) -> str:
            """Href to a hand-written page, from its Markdown path (« guide/codes.md »)."""
            stem = source.removesuffix(".md")
            if stem == "index" or stem.endswith("/index"):
                return href(stem.removesuffix("index"))
            if self.settings.directory_urls:
                return href(f"{stem}/")
            return relative(f"{stem}.html", current_url)

        html = self.env.get_template(template).render(site=site, href=href, doc=doc, current_url=current_url, **context)
        # Python-Markdown ends a raw HTML block at a blank line inside some elements: keep none.
        return "\n".join(line for line in html.splitlines() if line.strip())

    def _feed_entries(self, trees: list[PlanTree]) -> list[dict[str, Any]]:
        """The updates the plans declare, and their publication, newest first (no clock involved)."""
        entries = []
        for tree in trees:
            plan = tree.plan
            updates = [(m.date, m.resume or "Mise à jour du plan", m.resolution) for m in plan.mises_a_jour]
            if plan.date_plan:
                updates.append((plan.date_plan, "Publication du plan", None))
            for index, (day, resume, resolution) in enumerate(updates):
                entries.append(
                    {
                        "date": day,
                        "resume": resume,
                        "resolution": resolution,
                        "plan_id": plan.id,
                        "key": index,
                        "plan_label": pages.plan_label(tree),
                        "organisme": plan.organisme.nom,
                        "fictif": plan.fictif,
                        "url": pages.browse_url(plan.id, "historique"),
                    }
                )
        entries.sort(key=lambda e: (e["date"], e["plan_id"], e["key"]), reverse=True)
        return entries

    @property
    def base_url(self) -> str:
        """The published site's address, from the configuration only (site_url), ending in « / »."""
        return (self.settings.site_url or "/").rstrip("/") + "/"

    def feed(self, site: Site) -> str:
        """Atom feed of the updates declared in the plans, newest first (no clock involved).

        Its links are absolute, to the published site, whichever variant is being built.
        """
        return self._render_feed(
            self._feed_entries(site.trees), f"{self.settings.site_name} : mises à jour des plans", FEED
        )

    def plan_feed(self, site: Site, plan_id: str) -> str:
        """The Atom feed of one plan's updates, for who follows that plan only."""
        tree = site.tree(plan_id)
        title = f"{pages.plan_label(tree)} : mises à jour du plan"
        return self._render_feed(self._feed_entries([tree]), title, plan_feed_file(plan_id), pages.plan_url(plan_id))

    def _render_feed(self, entries: list[dict[str, Any]], title: str, path: str, alternate: str = "") -> str:
        context = {"entries": entries, "base_url": self.base_url, "title": title, "path": path, "alternate": alternate}
        return self.env.get_template(FEED_TEMPLATE).render(**context) + "\n"

    def card(self, site: Site, plan_id: str) -> str:
        """The plan's summary card, a standalone document that another site may show in a frame.

        Outside the theme: no script, its one style sheet from this site, and its link opening
        the plan's page in a new tab, never inside the frame of the site that shows the card.
        """
        tree = site.tree(plan_id)
        url = card_url(plan_id)
        html = self.render(
            CARD_TEMPLATE,
            site,
            url,
            plan=tree.plan,
            tree=tree,
            tableau=site.tableau(plan_id),
            # The plan's page, absolute when the site's address is configured: a framed card's
            # canonical page is on this site, not on the site that embeds it.
            canonical=self.base_url + pages.plan_url(plan_id)
            if self.settings.site_url
            else relative(pages.plan_url(plan_id), url),
        )
        return csp.add_meta("<!doctype html>\n" + html + "\n", [], card=True)

    def integration(self, site: Site, plan_id: str) -> str:
        """The page that gives the <iframe> snippet of the plan's card."""
        tree = site.tree(plan_id)
        page = integration_page(tree)
        context: dict[str, Any] = {"page": page, "breadcrumb": site.breadcrumb(page), "element": None}
        entry = site.entry(plan_id)
        context.update(plan=entry.plan, referentiel=entry.referentiel, entry=entry, tree=tree)
        card_src = self.base_url + card_url(plan_id) if self.settings.site_url else None
        return self.render("integrer.html", site, page.url, card_src=card_src, card=card_url(plan_id), **context)

    def redirect(self, site: Site, old_url: str) -> str:
        target = site.pages.redirects[old_url]
        tree = site.tree(target.plan_id) if target.plan_id else None
        html = self.render("redirection.html", site, old_url, target=target, tree=tree) + "\n"
        return csp.add_meta(html, []) if self.settings.directory_urls else html  # as every page (no script)

    def page(self, site: Site, url: str) -> str:
        """A generated page: its template is the page's sort (« plan », « enjeu », « element », « valeurs »…)."""
        page = site.page(url)
        context: dict[str, Any] = {"page": page, "breadcrumb": site.breadcrumb(page), "element": None}
        context["previous"], context["next"] = site.neighbours(page)
        if page.plan_id:
            entry = site.entry(page.plan_id)
            urls = site.urls(page.plan_id)
            context.update(plan=entry.plan, referentiel=entry.referentiel, entry=entry, tree=entry.tree, urls=urls)
            element = site.element(url)
            if element is not None:
                fields = presenters.page_fields(entry.tree, element, urls)
                found = site.findings_at(page.plan_id, url)
                context.update(
                    element=element,
                    fields=fields,
                    champs={f.cle: f for f in fields},
                    non_conformes=presenters.non_conformities(entry.tree, element, found),
                    avertissements=presenters.warnings_of(found),
                )
        return self.render(f"{page.kind}.html", site, url, **context)


# The renderer of the build under way. The build's first step makes it (templates are read
# afresh at each build, as `mkdocs serve` rebuilds after an edit); every page and every
# hand-written page's macro then renders with it, and so with the same settings.
_CURRENT: list[Renderer] = []


def start_build(settings: Settings) -> Renderer:
    """Make the build's one renderer."""
    _CURRENT[:] = [Renderer(settings)]
    return _CURRENT[0]


def current_renderer() -> Renderer:
    """The renderer `start_build` made for the build under way."""
    if not _CURRENT:
        raise RuntimeError("no build under way: the site's hooks (mkdocs.yml, hooks:) make the renderer")
    return _CURRENT[0]
