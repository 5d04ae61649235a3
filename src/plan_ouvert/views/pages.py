"""The page map: which public pages exist, their URLs (from stable ids) and their titles.

URLs never depend on wording, only on ids, so that a reworded action keeps its address.
Every URL is relative to the site root and ends with "/" (a folder holding index.html).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from plan_ouvert.source.model import AnyPlan
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.urls import (
    browse_url,
    organisation_url,
    partner_url,
    plan_url,
    programme_url,
    report_file,
    report_url,
    slug,
    value_url,
)

__all__ = ["Page", "PageMap", "browse_url", "build_page_map", "partner_url", "plan_label", "plan_url", "report_url"]
__all__ += ["organisation_id", "organisation_url", "programme_key", "programme_url", "report_file", "slug", "value_url"]


@dataclass(frozen=True)
class Page:
    url: str  # "plans/mrc-etchemins-pac-2022/moyens/1-1/"
    kind: str  # template name: "plan", "enjeu", "element", "partenaires", ...
    title: str  # the h1, also the start of <title>
    plan_id: str | None = None
    record_id: str | None = None
    parent: str | None = None  # url of the breadcrumb parent
    in_nav: bool = False
    crumb: str = ""  # shorter label for breadcrumbs, when the title is long
    niveau: str | None = None  # the element type of an element page (« action »)

    @property
    def label(self) -> str:
        return self.crumb or self.title

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"


def plan_label(tree: PlanTree) -> str:
    """« PIAR, MRC de L'Assomption, 2021 »: what tells two plans apart in a title."""
    plan = tree.plan
    year = plan.date_plan.year if plan.date_plan else (plan.annees[0].debut if plan.annees else None)
    parts = [tree.kind.spec.sigle, plan.organisme.nom]
    if year:
        parts.append(str(year))
    return ", ".join(parts)


def plan_title(plan: AnyPlan) -> str:
    return f"{plan.titre} — {plan.organisme.nom}"


def organisation_id(plan: AnyPlan) -> str:
    """The organisation's stable id: the one the plan gives, else its name's (« mrc-des-etchemins »)."""
    return plan.organisme.id or slug(plan.organisme.nom)


def programme_key(tree: PlanTree) -> str:
    """The programme a plan is listed under: its référentiel, or « sans-programme-<type> » without one."""
    if tree.referentiel is not None:
        return tree.referentiel.id
    return f"sans-programme-{tree.kind.id}"


def programme_title(tree: PlanTree) -> str:
    if tree.referentiel is not None:
        return tree.referentiel.nom
    return f"{tree.kind.spec.nom}, sans programme"


@dataclass
class PageMap:
    pages: list[Page] = field(default_factory=list)
    by_url: dict[str, Page] = field(default_factory=dict)
    redirects: dict[str, Page] = field(default_factory=dict)  # old URL → page it moved to

    def add(self, page: Page) -> None:
        self.pages.append(page)
        self.by_url[page.url] = page

    def __iter__(self) -> Iterator[Page]:
        return iter(self.pages)


def build_page_map(trees: list[PlanTree]) -> PageMap:
    pages = PageMap()
    pages.add(Page("plans/", "plans", "Plans", in_nav=True))
    for tree in trees:
        _plan_pages(pages, tree)
    _portal_pages(pages, trees)
    _add_redirects(pages, trees)
    return pages


def _plan_pages(pages: PageMap, tree: PlanTree) -> None:
    plan, spec = tree.plan, tree.kind.spec
    base = plan_url(plan.id)
    pages.add(Page(base, "plan", plan_title(plan), plan.id, parent="plans/", crumb=plan_label(tree)))
    for element in tree.elements:
        parent = element.parent.url if element.parent else base
        pages.add(
            Page(element.url, element.niveau.page, element.titre, plan.id, element.id, parent, niveau=element.type)
        )
    value_views = spec.value_views()
    for vue in spec.vues:
        pages.add(Page(browse_url(plan.id, vue), vue, spec.view_title(vue), plan.id, parent=base))
        if vue == "programme" or (vue == "partenaires" and "programme" not in spec.vues):
            for _niveau, champ in value_views:  # a field's view (clientèles) after the plan's own
                title = champ.vue_titre or champ.libelle
                pages.add(Page(browse_url(plan.id, champ.vue or ""), "valeurs", title, plan.id, parent=base))
    for annee in plan.annees:
        pages.add(
            Page(
                report_url(plan.id, annee.numero),
                "rapport",
                f"{spec.rapport}, {tree.annee_label(annee.numero)}",
                plan.id,
                str(annee.numero),
                parent=base,
                crumb=f"{spec.rapport.split(' ')[0]} {spec.annee} {annee.numero}",
            )
        )
    for partenaire in plan.partenaires:
        name = partenaire.nom or partenaire.sigle or partenaire.id
        pages.add(
            Page(
                partner_url(plan.id, partenaire.id),
                "partenaire",
                f"Partenaire : {name}",
                plan.id,
                partenaire.id,
                parent=browse_url(plan.id, "partenaires"),
                crumb=name,
            )
        )
    for _niveau, champ in value_views:
        dossier = champ.vue or ""
        for key, (text, _elements) in tree.value_groups(champ).items():
            pages.add(
                Page(
                    f"plans/{plan.id}/{dossier}/{key}/",
                    "valeur",
                    f"{champ.valeur_nom} : {text}",
                    plan.id,
                    key,
                    parent=browse_url(plan.id, dossier),
                    crumb=text,
                    niveau=dossier,
                )
            )


def _portal_pages(pages: PageMap, trees: list[PlanTree]) -> None:
    """The pages across plans: one per programme, one per organisation, and their indexes.

    « programme-plans » and not « programme »: that name is a plan's own view of its référentiel.
    """
    pages.add(Page("programmes/", "programmes", "Programmes", parent="plans/"))
    programmes: dict[str, str] = {}
    organisations: dict[str, str] = {}
    for tree in sorted(trees, key=lambda t: t.id):
        programmes.setdefault(programme_key(tree), programme_title(tree))
        organisations.setdefault(organisation_id(tree.plan), tree.plan.organisme.nom)
    for key in sorted(programmes):
        pages.add(Page(programme_url(key), "programme-plans", programmes[key], record_id=key, parent="programmes/"))
    pages.add(Page("organisations/", "organisations", "Organisations", parent="plans/"))
    for key in sorted(organisations):
        pages.add(
            Page(organisation_url(key), "organisation", organisations[key], record_id=key, parent="organisations/")
        )


def _add_redirects(pages: PageMap, trees: list[PlanTree]) -> None:
    """Old ids (`anciens_ids`) keep their URL alive: a page there points to the new one."""
    for tree in trees:
        plan = tree.plan
        moved: list[tuple[str, str]] = [(plan_url(old), plan_url(plan.id)) for old in plan.anciens_ids]
        for partner in plan.partenaires:
            moved += [(partner_url(plan.id, old), partner_url(plan.id, partner.id)) for old in partner.anciens_ids]
        for element in tree.elements:
            folder = element.url.rsplit("/", 2)[0]
            moved += [(f"{folder}/{old}/", element.url) for old in element.anciens_ids]
        for old_url, new_url in moved:
            target = pages.by_url.get(new_url)
            # An old URL that a live page uses again is not redirected (COM-E007 reports it).
            if target is not None and old_url not in pages.by_url:
                pages.redirects[old_url] = target
