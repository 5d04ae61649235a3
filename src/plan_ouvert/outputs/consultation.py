"""Public consultations on the site: their pages, the banner and links on a plan's pages, their
open data and the draft's file. The facts all come from views.consultation; this module reads
the consultation files once per build and renders with the build's renderer.

The MkDocs hooks call `start` (the build's files), `render` and `decorate` (each page); the
home page calls the macro `consultations_en_cours()`, which reads the same build's state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from plan_ouvert.checks import consultation as checks
from plan_ouvert.outputs.render import Renderer, Settings
from plan_ouvert.source import consultation as source
from plan_ouvert.source import urls
from plan_ouvert.source.catalogue import display_path
from plan_ouvert.source.findings import Severity
from plan_ouvert.views import consultation as views
from plan_ouvert.views.export import to_yaml
from plan_ouvert.views.pages import Page, plan_label, plan_url
from plan_ouvert.views.site import Site

ENTENDU_TITLE = "Ce que nous avons entendu"
CHANGEMENTS_TITLE = "Ce qui a changé depuis le projet"


@dataclass
class Consultations:
    """The consultations of the build under way, by plan id, and their pages by source URI."""

    plans: dict[str, views.PlanConsultation] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    files: dict[str, str | bytes] = field(default_factory=dict)  # site path → content
    errors: list[str] = field(default_factory=list)  # they stop the build
    infos: list[str] = field(default_factory=list)  # avertissements: in the build's log

    @property
    def en_cours(self) -> list[views.PlanConsultation]:
        found = [pc for pc in self.plans.values() if pc.projet and pc.en_cours]
        return sorted(found, key=lambda pc: (pc.consultation.cloture, pc.plan_id))


_current: list[Consultations] = [Consultations()]


def current() -> Consultations:
    return _current[0]


def start(site: Site, settings: Settings) -> Consultations:
    """Read and check every consultation file of the build, then list its pages and files."""
    state = _current[0] = Consultations()
    try:
        today = views.build_date()
    except ValueError as exc:
        state.errors.append(f"consultation : {exc}")
        return state
    try:
        default = views.channel_from_settings(settings.extra)
    except (ValidationError, AttributeError):
        state.errors.append(
            "mkdocs.yml : extra.plan_ouvert.consultation.canal invalide : « type » formulaire (avec « adresse: "
            "https://… »), courriel (avec « courriel: nom@domaine.qc.ca ») ou depot."
        )
        return state
    depot = settings.extra.get("depot") or None
    trees = {tree.plan.id: tree for tree in site.trees}
    for loaded in source.load_all(settings.plans, display_path(settings.plans)):
        named = loaded.consultation.plan if loaded.consultation else None
        if named and named not in trees and (settings.plans / f"{named}.yml").is_file():
            continue  # a plan this build leaves out (the one-plan preview) or cannot read (reported)
        findings = checks.check(loaded, trees)
        for finding in findings:
            (state.errors if finding.severity is Severity.ERREUR else state.infos).append(finding.format())
        consultation = loaded.consultation
        if consultation is None or any(f.severity is Severity.ERREUR for f in findings):
            continue
        entry = site.entry(consultation.plan)
        draft = None
        if entry.plan.statut != "projet":
            draft = views.find_draft(entry.source.path, site.catalogue.kinds, consultation.version_projet)
        pc = views.PlanConsultation(entry.tree, consultation, today, consultation.canal or default, depot, draft)
        state.plans[pc.plan_id] = pc
        _declare(state, pc)
    return state


def _declare(state: Consultations, pc: views.PlanConsultation) -> None:
    pages = [
        Page(
            urls.entendu_url(pc.plan_id),
            "consultation-entendu",
            ENTENDU_TITLE,
            pc.plan_id,
            parent=plan_url(pc.plan_id),
        )
    ]
    if pc.changements_url:
        pages.append(
            Page(
                pc.changements_url,
                "consultation-changements",
                CHANGEMENTS_TITLE,
                pc.plan_id,
                parent=plan_url(pc.plan_id),
            )
        )
    for page in pages:
        state.pages[page.src_uri] = page
    state.files.update(views.open_data(pc))
    if pc.draft is not None:
        state.files[urls.draft_file(pc.plan_id)] = to_yaml(pc.draft.plan)


def title(site: Site, page: Page) -> str:
    """The page's <title>: its own, then the plan's label, as every plan page has."""
    return f"{page.title} — {plan_label(site.tree(page.plan_id or ''))}"


def owns(src_uri: str) -> bool:
    return src_uri in current().pages


def render(renderer: Renderer, site: Site, src_uri: str) -> str:
    """The body of « Ce que nous avons entendu » or « Ce qui a changé depuis le projet »."""
    page = current().pages[src_uri]
    pc = current().plans[page.plan_id or ""]
    entry = site.entry(pc.plan_id)
    context: dict[str, Any] = {
        "page": page,
        "breadcrumb": site.breadcrumb(page),
        "plan": entry.plan,
        "tree": entry.tree,
        "pc": pc,
        "consultation_urls": views,
    }
    if page.kind == "consultation-entendu":
        context.update(entendu=views.entendu(pc), data=urls.consultation_data_files(pc.plan_id))
    else:
        depot = pc.depot
        source_path = entry.source.display.replace(os.sep, "/")
        draft = pc.draft
        context.update(
            changements=views.changements(pc),
            draft_file=urls.draft_file(pc.plan_id),
            draft_source=f"{depot.rstrip('/')}/blob/{draft.commit}/{source_path}" if depot and draft else None,
        )
    return renderer.render(f"{page.kind}.html", site, page.url, **context)


def decorate(renderer: Renderer, site: Site, url: str, plan_id: str | None, html: str) -> str:
    """A generated page of a plan under consultation gets the banner; the plan's page and its
    elements' pages get « Donner votre avis » (or what was heard); the portal lists the open ones."""
    state = current()
    if url == "plans/" and state.en_cours:
        block = renderer.render("_consultations.html", site, url, en_cours=state.en_cours)
        return _after_first(html, "</h1>", block)
    pc = state.plans.get(plan_id or "")
    if pc is None:
        return html
    context = {"pc": pc, "consultation_urls": views}
    banner = renderer.render("_consultation_banniere.html", site, url, **context)
    # After the breadcrumb, before the title: the first thing read on the page.
    crumbs = 'class="po-breadcrumb"'
    html = (
        _after_first(html, "</nav>", banner, start=crumbs)
        if crumbs in html
        else _after_first(html, ">", banner, start="<article")
    )
    element = site.element(url)
    if element is None and url != plan_url(pc.plan_id):
        return html
    lien = pc.avis(element)
    nombre = None
    ancre = ""
    if element is not None:
        group = views.entendu(pc).of(element)
        nombre = group.nombre if group else 0
        ancre = f"#{group.ancre}" if group else ""
    part = renderer.render(
        "_consultation_avis.html",
        site,
        url,
        element=element,
        lien=lien,
        nombre=nombre,
        nombre_texte=views.about_element(nombre or 0),
        ancre=ancre,
        **context,
    )
    # On the plan's page, before its browsing links; on an element's, after its content.
    markers = ['<nav class="po-browse"'] if element is None else ['<nav class="po-prevnext"', '<aside class="po-edit"']
    for mark in markers:
        if mark in html:
            at = html.index(mark)
            return f"{html[:at]}{part}\n{html[at:]}"
    return _before_last(html, "</article>", part)


def _after_first(html: str, mark: str, block: str, start: str = "") -> str:
    begin = html.find(start) if start else 0
    at = html.find(mark, max(begin, 0))
    if begin < 0 or at < 0:
        return block + "\n" + html
    at += len(mark)
    return f"{html[:at]}\n{block}{html[at:]}"


def _before_last(html: str, mark: str, block: str) -> str:
    at = html.rfind(mark)
    if at < 0:
        return html + "\n" + block
    return f"{html[:at]}{block}\n{html[at:]}"


def en_cours_html(renderer: Renderer, site: Site, current_url: str) -> str:
    """« Consultations en cours » for a hand-written page (the home page)."""
    return renderer.render("_consultations.html", site, current_url, en_cours=current().en_cours)
