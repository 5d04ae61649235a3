"""The page map: which public pages exist, their URLs (from stable ids) and their titles.

URLs never depend on wording, only on ids, so that a reworded action keeps its address.
Every URL is relative to the site root and ends with "/" (a folder holding index.html).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from plan_ouvert.source.echeance import fold
from plan_ouvert.source.model import AnyPlan
from plan_ouvert.source.tree import Element, PlanTree
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
__all__ += [
    "element_title",
    "organisation_id",
    "organisation_url",
    "programme_key",
    "programme_url",
    "report_file",
    "short_text",
    "slug",
    "value_url",
]


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
    numero: str = ""  # an element's number as a label beside its title: « Action 1.1 »

    @property
    def label(self) -> str:
        return self.crumb or self.title

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md"


# Where a long text may be cut for a title: after a sentence, then before a clause.
_SENTENCE = re.compile(r"[.!?…](?=\s)")
_CLAUSES = (
    ((" : ", " ; ", " — "), 0.4),
    ((", ",), 0.4),
    ((" afin ", " qui ", " pour ", " lors ", " visant ", " répondant "), 0.4),
    ((" dans ", " en ", " et ", " avec ", " auprès ", " sur "), 0.5),
)
_MARKUP = re.compile(r"\*\*(.+?)\*\*|(?<![\w*])\*([^*\n]+?)\*(?![\w*])|\[([^\]\n]+)\]\([^)\s]+\)")
_DANGLING = frozenset(
    [
        "à",
        "au",
        "aux",
        "de",
        "du",
        "des",
        "d",
        "la",
        "le",
        "les",
        "l",
        "un",
        "une",
        "et",
        "ou",
        "en",
        "sur",
        "pour",
        "par",
        "avec",
        "dans",
        "sans",
        "vers",
        "chez",
        "qui",
        "que",
        "son",
        "sa",
        "ses",
        "leur",
        "leurs",
        "ce",
        "cet",
        "cette",
        "ces",
        "notre",
        "nos",
        "votre",
        "vos",
        "afin",
        "lors",
        "entre",
        "a",
        "ont",
        "est",
        "sont",
    ]
)
TITLE_LENGTH = 90  # a page's heading: two lines of a phone, one of a desktop
CRUMB_LENGTH = 45


def short_text(text: str, limit: int = TITLE_LENGTH) -> str:
    """A text as a title: its Markdown marks removed, cut with care where it is long.

    A text that fits is kept whole (without a final period). A longer one ends at its first
    sentence if that fits, else before the last clause that fits (« , », « qui », « afin »…),
    else at the last whole word; a cut text ends with « … ». Never inside a word.
    """
    text = _MARKUP.sub(lambda m: m.group(1) or m.group(2) or m.group(3) or "", " ".join(text.split()))
    if len(text) <= limit:
        return text.rstrip(" .;:,")
    # An aside in parentheses goes first: « Soutenir le milieu (exemple : …) dans l'organisation… »
    # keeps what the action does.
    bare = " ".join(re.sub(r"\s*\([^()]*\)", "", text).split())
    if bare != text and len(bare) <= limit:
        return bare.rstrip(" .;:,")
    sentence = _SENTENCE.search(text)
    if sentence and limit // 3 <= sentence.start() < limit:
        return text[: sentence.start()].rstrip(" ;:,")
    head = text[: limit - 1]
    cut = -1
    for marks, least in _CLAUSES:  # the strongest break that leaves enough words
        found = [head.rfind(mark) for mark in marks]
        cut = max((c for c in found if c >= limit * least), default=-1)
        if cut > 0:
            break
    if cut < 0:
        cut = head.rfind(" ")
    kept = head[:cut] if cut > 0 else head
    while kept.count("(") > kept.count(")"):  # never leave a parenthesis open
        kept = kept[: kept.rfind("(")]
    words = kept.rstrip(" ,;:-—/(").split(" ")
    while len(words) > 2 and (words[-1].lower() in _DANGLING or words[-1].endswith(("'", "’"))):
        words.pop()  # « … accompagnement de… » reads as cut: end on a word that carries meaning
    return " ".join(words).rstrip(" ,;:-—/(") + "…"


def element_title(element: Element, limit: int = TITLE_LENGTH) -> str:
    """The element's own words as its title: the short title its kind gives it, else its text
    shortened; its label (« Action 1.1 ») only when it has no words of its own."""
    own = element.valeur(element.niveau.titre) if element.niveau.titre else None
    text = own or element.texte
    return short_text(str(text), limit) if text else element.libelle


def plan_label(tree: PlanTree) -> str:
    """« Plan d'intervention et d'affectation des ressources, MRC de L'Assomption, 2021 »: the plan's
    own title, its organisation and its year, what tells two plans apart in a title."""
    plan = tree.plan
    year = plan.date_plan.year if plan.date_plan else (plan.annees[0].debut if plan.annees else None)
    title = short_text(plan.titre, 70)
    sigle = tree.kind.spec.sigle
    if sigle and fold(sigle) not in fold(plan.titre):  # « (PIAR) »: two kinds' plans of one title differ
        title = f"{title} ({sigle})"
    parts = [title, plan.organisme.nom]
    if year:
        parts.append(str(year))
    return ", ".join(parts)


# A kind without a programme files no « reddition de compte » with a ministry: the kind's
# default report name is a programme's word, said otherwise for such kinds.
PROGRAMME_REPORT = "Reddition de compte"
OWN_REPORT = "Bilan annuel"


def report_name(tree: PlanTree) -> str:
    """« Reddition de compte » for a kind that declares a programme, « Bilan annuel » otherwise,
    unless the kind names its report itself."""
    spec = tree.kind.spec
    if spec.rapport == PROGRAMME_REPORT and not spec.programme:
        return OWN_REPORT
    return spec.rapport


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
    crumb = f"{short_text(plan.titre, CRUMB_LENGTH)}, {plan.organisme.nom}"
    pages.add(Page(base, "plan", plan_title(plan), plan.id, parent="plans/", crumb=crumb))
    for element in tree.elements:
        parent = element.parent.url if element.parent else base
        pages.add(
            Page(
                element.url,
                element.niveau.page,
                element_title(element),
                plan.id,
                element.id,
                parent,
                crumb=element_title(element, CRUMB_LENGTH),
                niveau=element.type,
                numero=element.libelle,
            )
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
                f"{report_name(tree)}, {tree.annee_label(annee.numero)}",
                plan.id,
                str(annee.numero),
                parent=base,
                crumb=f"{report_name(tree).split(' ')[0]} {spec.annee} {annee.numero}",
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
