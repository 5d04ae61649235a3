"""View objects: what a page shows of an element, worked out before any template runs.

Templates only lay these out. Every domain fact (a label, whether a field is missing, which
partner an id names, the plan year of a target) and every sentence built from the kind's
words is decided here, from the element tree, so that one template serves every kind.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plan_ouvert.source.echeance import date_fr, fold, number_in, wording
from plan_ouvert.source.findings import Finding, Severity
from plan_ouvert.source.kinds import Champ, ColonneApercu, Financement, Niveau, TypePlan
from plan_ouvert.source.model import Cible, Indicateur, Partenaire, PlanBase, Referentiel, Suivi, TempsImparti
from plan_ouvert.source.tree import Element, PlanTree, cible_years
from plan_ouvert.views.libelles import STATUTS_RESSOURCE, TEMPS, montant, nombre, pourcent

# French words the templates call as views.* (they live with the labels, below every view).
from plan_ouvert.views.libelles import ce as ce
from plan_ouvert.views.libelles import compte as compte
from plan_ouvert.views.libelles import court as court
from plan_ouvert.views.libelles import de as de
from plan_ouvert.views.libelles import demonstratif as demonstratif
from plan_ouvert.views.libelles import du as du
from plan_ouvert.views.libelles import majuscule as majuscule
from plan_ouvert.views.libelles import minuscule as minuscule
from plan_ouvert.views.libelles import un as un
from plan_ouvert.views.pages import browse_url, report_name, report_url, value_url

if TYPE_CHECKING:
    from plan_ouvert.views.context import ReferenceList
    from plan_ouvert.views.context import SiteContext as Site

# --- French words ----------------------------------------------------------------------------


def nom_du_document(spec: TypePlan) -> str:
    """« Programmation », « Plan d'intervention »: the document's name without its article."""
    text = spec.document
    for article in ("le ", "la ", "les ", "l'", "l’"):
        if text.startswith(article):
            text = text[len(article) :]
            break
    return majuscule(text)


def missing_sentence(niveau: Niveau, champ: Champ) -> str:
    """What a page says where the adopted plan leaves an expected field empty."""
    return f"Le plan adopté ne précise pas {de(champ.libelle.lower())} pour {ce(niveau)}."


def missing_title(tree: PlanTree, element: Element) -> str | None:
    """« La programmation ne donne pas de libellé pour cet objectif spécifique. », when it gives none."""
    if not element.niveau.titre or element.valeur(element.niveau.titre):
        return None
    return f"{majuscule(tree.kind.spec.document)} ne donne pas de libellé pour {ce(element.niveau)}."


def element_counts(element: Element) -> str:
    """« 2 action(s), 3 indicateur(s) »: what an element holds, on its card."""
    parts = []
    if element.enfants:
        parts.append(compte(element.enfants[0].niveau, len(element.enfants)))
    if element.indicateurs:
        parts.append(f"{len(element.indicateurs)} indicateur(s)")
    return ", ".join(parts)


# --- Links -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str | None  # site URL, None when the target has no page
    title: str | None = None  # full name behind an abbreviation
    note: str | None = None  # « (absent du registre des partenaires) »


def partner_link(plan: PlanBase, ref: str, url: str | None) -> Link:
    known: Partenaire | None = next((p for p in plan.partenaires if p.id == ref), None)
    if known is None:
        return Link(ref.upper(), None, note="(absent du registre des partenaires)")
    if known.sigle and known.nom:
        return Link(known.sigle, url, title=known.nom)
    return Link(known.nom or known.sigle or known.id, url)


def partner_label(plan: PlanBase, ref: str, urls: dict[str, str]) -> Link:
    """The link to a partner of the plan, from its id (a note when the registry lacks it)."""
    return partner_link(plan, ref, urls.get(f"partenaire:{ref}"))


# --- Fields of an element --------------------------------------------------------------------


@dataclass(frozen=True)
class CibleView:
    annee: str | None  # « An 2 (2023-2024) »
    texte: str
    echeance: str
    realise: str | None
    annees: tuple[int, ...] = ()  # plan years the target is for
    annee_courte: str | None = None  # « An 1, 2 »: the years without their dates, in a narrow column
    valeur_realisee: float | None = None
    but: float | None = None  # the target as a number, to draw progress against

    @property
    def echeance_ajoutee(self) -> str:
        """The target's échéance, unless its text already says it (« … avant le 31 janvier 2021 »)."""
        return self.echeance if self.echeance and fold(self.echeance) not in fold(self.texte) else ""


@dataclass(frozen=True)
class IndicateurView:
    texte: str
    cibles: list[CibleView]


@dataclass
class ChampView:
    """One field of an element as its page shows it."""

    cle: str
    libelle: str
    type: str
    present: bool
    manque: str  # shown when absent
    non_conforme: str | None = None  # the sentence that reports a missing expected field
    texte: str | None = None  # a single value, formatted
    textes: list[str] = field(default_factory=list)
    liens: list[Link] = field(default_factory=list)
    indicateurs: list[IndicateurView] = field(default_factory=list)
    suivi: Suivi | None = None


def _montant(value: Any) -> str:
    if isinstance(value, (int, float)):
        return montant(float(value))
    return str(value)


def cible_view(tree: PlanTree, cible: Cible) -> CibleView:
    years = cible_years(cible)
    return CibleView(
        ", ".join(tree.annee_label(y) for y in years) or None,
        cible.texte,
        wording(cible.echeance),
        cible.realise,
        tuple(years),
        f"{tree.kind.spec.annee} {', '.join(str(y) for y in years)}" if years else None,
        cible.valeur_realisee,
        cible.valeur if cible.valeur is not None else number_in(cible.texte),
    )


def _cibles(tree: PlanTree, indicateur: Indicateur) -> IndicateurView:
    return IndicateurView(indicateur.texte, [cible_view(tree, c) for c in indicateur.cibles])


def _reference(referentiel: Referentiel | None, liste: str, numbers: list[int], url: str | None) -> list[Link]:
    items = {e.numero: e.libelle for e in (getattr(referentiel, liste, None) or [])} if referentiel else {}
    return [
        Link(str(n), f"{url}#{anchor(liste)}-{n}" if url else None, title=items.get(n), note=None)
        if n in items
        else Link(str(n), None, note="(absent du référentiel)")
        for n in numbers
    ]


def _financement(item: Financement) -> str:
    parts = [item.source]
    if item.montant is not None:
        parts.append(_montant(item.montant))
    if item.texte:
        parts.append(item.texte)
    return " : ".join(parts[:1]) + (" — " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def _allocations(tree: PlanTree, temps: TempsImparti) -> list[str]:
    """« 50 % — Conseiller (ressource existante, temps plein) », from the plan's registry of resources."""

    registry = {r.id: r for r in getattr(tree.plan, "ressources", None) or []}
    lines = []
    for allocation in temps.allocations:
        ressource = registry.get(allocation.ressource)
        if ressource is None:
            lines.append(f"{pourcent(allocation.part)} — {allocation.ressource} (absente du registre)")
            continue
        details = ""
        if ressource.statut:
            details = STATUTS_RESSOURCE[ressource.statut].lower()
            if ressource.temps:
                details += f", {TEMPS[ressource.temps]}"
            details = f" ({details})"
        lines.append(f"{pourcent(allocation.part)} — {ressource.role}{details}")
    return lines


def champ_view(tree: PlanTree, element: Element, champ: Champ, urls: dict[str, str]) -> ChampView:
    """`urls`: partner id → page URL, and "referentiel" → the page of the référentiel view."""
    value = element.valeur(champ.cle)
    present = value not in (None, "", [])
    view = ChampView(
        champ.cle,
        champ.libelle,
        champ.type,
        present,
        champ.manque or ("Aucune" if champ.type in ("textes",) else "Non précisé"),
    )
    if not present:
        if champ.attendu:
            view.non_conforme = missing_sentence(element.niveau, champ)
        return view
    if champ.type in ("texte", "lien"):
        view.texte = str(value)
    elif champ.type in ("entier", "nombre"):
        view.texte = nombre(float(value))
    elif champ.type == "montant":
        view.texte = _montant(value)
    elif champ.type == "date":
        view.texte = date_fr(value) if isinstance(value, dt.date) else str(value)
    elif champ.type == "echeance":
        view.textes = list(value) if isinstance(value, list) else [value]
    elif champ.type == "textes":
        view.textes = list(value)
        if champ.vue:  # each value has its page (a clientèle)
            view.liens = [Link(text, value_url(tree.id, champ.vue, text)) for text in value]
    elif champ.type == "partenaires":
        view.liens = [partner_label(tree.plan, ref, urls) for ref in value]
    elif champ.type == "reference":
        view.liens = _reference(tree.referentiel, champ.referentiel or "", list(value), urls.get("referentiel"))
    elif champ.type == "indicateurs":
        view.indicateurs = [_cibles(tree, i) for i in value]
    elif champ.type == "financement":
        view.textes = [_financement(item) for item in value]
    elif champ.type == "temps_imparti" and isinstance(value, TempsImparti):
        view.texte = value.texte
        view.textes = _allocations(tree, value)
    elif champ.type == "suivi" and isinstance(value, Suivi):
        view.suivi = value
    elif champ.type == "oui_non":
        view.texte = "Oui" if value else "Non"
    return view


def champ_views(tree: PlanTree, element: Element, urls: dict[str, str], skip: set[str]) -> list[ChampView]:
    """The fields an element's page lists, in the kind's order (the lead text and title apart)."""
    return [champ_view(tree, element, c, urls) for c in element.niveau.champs if c.cle not in skip]


def page_fields(tree: PlanTree, element: Element, urls: dict[str, str]) -> list[ChampView]:
    """The fields of an element's page: all but its lead text and its own title, shown above them."""
    skip = {k for k in (element.niveau.texte, element.niveau.titre) if k}
    return champ_views(tree, element, urls, skip)


def champ_map(tree: PlanTree, element: Element, urls: dict[str, str]) -> dict[str, ChampView]:
    """Every field of an element by its key, for the templates a kind names for its own pages."""
    return {c.cle: champ_view(tree, element, c, urls) for c in element.niveau.champs}


def non_conformities(tree: PlanTree, element: Element, findings: Sequence[Finding] = ()) -> list[str]:
    """Sentences for every departure from the gabarit on this element: the expected fields the
    adopted plan leaves empty, then the non-conformités the programme's rules found, once each."""
    sentences = [
        missing_sentence(element.niveau, champ)
        for champ in element.niveau.champs
        if champ.attendu and element.valeur(champ.cle) in (None, "", [])
    ]
    for finding in findings:
        # TYPE-W001 says in editor's words what the sentences above already say.
        if finding.severity is Severity.NON_CONFORMITE and finding.code != "TYPE-W001":
            sentences.append(finding_sentence(finding))
    return list(dict.fromkeys(sentences))


def warnings_of(findings: Sequence[Finding]) -> list[str]:
    """The avertissements found on an element, in plain French, once each."""
    return list(dict.fromkeys(finding_sentence(f) for f in findings if f.severity is Severity.AVERTISSEMENT))


def finding_sentence(finding: Finding) -> str:
    """What a reader of the page is told: the rule's own public sentence, or its message without
    the note meant for editors."""
    if finding.public:
        return finding.public
    text = finding.message.split(" Le plan est publié tel qu'adopté")[0].rstrip()
    text = _EDITORS_WORDS.sub("", text).strip()
    return majuscule(text if text.endswith((".", "?", "!", "»")) else f"{text}.")


# What a finding's message says to the editors only: a spelling suggestion, a line, a rule code.
_EDITORS_WORDS = re.compile(
    r"\s*Vouliez-vous dire[^?]*\??|\s*\(?\b[Ll]igne \d+(?:, colonne \d+)?\)?|\s*\(?\b[A-Z]{2,5}-[EWIN]\d{3}\b\)?"
)


@dataclass
class CiblesTable:
    """Indicators as rows, plan years as columns: the « cible par année » a programme asks for."""

    annees: list[str]  # column headings, « An 1 (2022-2023) »; empty when no target names a year
    rows: list[tuple[str, list[list[CibleView]]]]  # indicator, its targets for each year (one cell without years)


def cibles_table(tree: PlanTree, element: Element) -> CiblesTable | None:
    """The table of an element's indicators by plan year: the years of its échéance and of its targets."""
    indicateurs = element.indicateurs
    if not indicateurs:
        return None
    years = list(dict.fromkeys([*element.annees_plan, *(y for y, _c in element.cibles() if y is not None)]))
    years.sort()
    rows = []
    for indicateur in indicateurs:
        views = [cible_view(tree, c) for c in indicateur.cibles]
        cells = [[v for v in views if y in v.annees] for y in years] if years else [views]
        rows.append((indicateur.texte, cells))
    return CiblesTable([tree.annee_label(y) for y in years], rows)


# --- The référentiel -------------------------------------------------------------------------


@dataclass(frozen=True)
class ListeReferentiel:
    """The words of one of a référentiel's lists, as the pages use them."""

    titre: str  # « Objectifs généraux »: the heading of its part of the programme view
    un: str  # « un objectif général »: one item, in a sentence
    court: str  # « objectif »: in « Par objectif et axe de … »


# The référentiel of a programme holds these two numbered lists (model.Referentiel).
LISTES = {
    "objectifs_generaux": ListeReferentiel("Objectifs généraux", "un objectif général", "objectif"),
    "axes": ListeReferentiel("Axes d'intervention", "un axe", "axe"),
}


def gabarit_columns(referentiel: Referentiel | None) -> dict[str, str]:
    """The headings of the ministry's gabarit, by column key (« activites » → « Activité(s) et projets »)."""
    return {c.cle: c.libelle for c in referentiel.colonnes} if referentiel else {}


def anchor(liste: str) -> str:
    """« objectifs-generaux »: the id of a list's heading, and the start of its items' ids."""
    return liste.replace("_", "-")


def liste(cle: str) -> ListeReferentiel:
    return LISTES.get(cle) or ListeReferentiel(majuscule(cle.replace("_", " ")), cle.replace("_", " "), cle)


def _enumeration(words: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} et {words[-1]}"


@dataclass(frozen=True)
class Programme:
    """What the programme view says: the coverage of the référentiel, or the plan level by level."""

    intro: str
    consigne: str | None  # what the programme's gabarit asks, when the plan is a programme's
    couverture: bool  # True: coverage of the référentiel; False: the plan's elements by level


def programme(site: Site, tree: PlanTree) -> Programme:
    spec = tree.kind.spec
    lists = site.reference_lists(tree.id)
    if not lists:
        # « Les orientations du plan d'action, leurs objectifs et leurs actions. »
        intro = f"Les {minuscule(tree.niveaux[0].pluriel)} {du(spec.document)}"
        below = [f"leurs {minuscule(n.pluriel)}" for n in tree.niveaux[1:]]
        if below:
            intro += (", " if len(below) > 1 else " et ") + _enumeration(below)
        return Programme(intro + ".", None, False)
    niveau = lists[0].niveau
    nom = tree.referentiel.nom if tree.referentiel else "programme"
    covered = _enumeration([f"des {minuscule(liste(r.liste).titre)}" for r in lists])
    intro = f"La couverture {covered} de {nom} par les {minuscule(niveau.pluriel)} du plan."
    consigne = None
    if spec.programme:  # a programme's gabarit asks each element to name an item of each list
        items = _enumeration([liste(r.liste).un for r in lists])
        consigne = f"Le gabarit demande d'associer à chaque {minuscule(niveau.singulier)} au moins {items}."
    return Programme(intro, consigne, True)


def coverage_count(reference: ReferenceList) -> str:
    """« 3 sur 4 couverts par au moins un enjeu. »"""
    niveau = reference.niveau
    return (
        f"{reference.covered} sur {len(reference.coverage)} couverts par au moins "
        f"{un(niveau)} {minuscule(niveau.singulier)}."
    )


# --- Browsing a plan -------------------------------------------------------------------------


@dataclass(frozen=True)
class BrowseLink:
    vue: str  # « programme », « clienteles », « rapport », « etat »…
    label: str
    url: str


def browse_links(site: Site, tree: PlanTree) -> list[BrowseLink]:
    """The ways to browse a plan that its kind offers, in the order of the plan's page."""
    plan_id, spec = tree.id, tree.kind.spec
    links: list[BrowseLink] = []

    def add(vue: str, label: str, url: str) -> None:
        if url in site.pages.by_url:
            links.append(BrowseLink(vue, label, url))

    lists = site.reference_lists(plan_id)
    if lists:
        nom = tree.referentiel.nom if tree.referentiel else "programme"
        programme_label = f"Par {_enumeration([liste(r.liste).court for r in lists])} de {nom}"
    else:
        programme_label = f"Par {minuscule(tree.niveaux[0].singulier)}"
    add("programme", programme_label, browse_url(plan_id, "programme"))
    for _niveau, champ in spec.value_views():
        add(champ.vue or "", f"Par {minuscule(champ.libelle)}", browse_url(plan_id, champ.vue or ""))
    add("partenaires", "Par partenaire", browse_url(plan_id, "partenaires"))
    years = " et année du plan" if site.echeances(plan_id).par_annee_plan else ""
    add("echeances", f"Par échéance{years}", browse_url(plan_id, "echeances"))
    add("suivi", "Suivi et échéancier", browse_url(plan_id, "suivi"))
    add("historique", "Historique des versions", browse_url(plan_id, "historique"))
    for annee in tree.plan.annees:
        add("rapport", f"{report_name(tree)}, {tree.annee_label(annee.numero)}", report_url(plan_id, annee.numero))
    add("etat", "État des données, pour les organismes", browse_url(plan_id, "etat"))
    return links


@dataclass(frozen=True)
class Overview:
    """The words around the overview table."""

    titre: str
    consigne: str
    template: str


def overview(tree: PlanTree) -> Overview:
    spec = tree.kind.spec
    name = spec.apercu if spec.apercu.startswith("_") else f"_{spec.apercu}"
    consigne = (
        "Ce tableau reprend les colonnes du gabarit du ministère ; il s'imprime tel quel."
        if spec.programme
        else "Ce tableau présente le plan d'un coup d'œil ; il s'imprime tel quel."
    )
    return Overview(f"{nom_du_document(spec)} : vue d'ensemble", consigne, f"{name}.html")


@dataclass(frozen=True)
class Constats:
    """What « État du plan » lists of the checks: the published findings, by nature."""

    non_conformites: list[Finding]
    avertissements: list[Finding]


def constats(site: Site, plan_id: str) -> Constats:
    published = [f for f in site.findings_of(plan_id) if f.severity.is_published]
    return Constats(
        [f for f in published if f.severity is Severity.NON_CONFORMITE],
        [f for f in published if f.severity is Severity.AVERTISSEMENT],
    )


@dataclass
class Telechargement:
    """A download of the plan's page: its link's words and what it is for."""

    extension: str
    lien: str
    note: str


def telechargements(tree: PlanTree) -> list[Telechargement]:
    """The plan's files, in words that fit its kind: a ministry's gabarit only where the kind
    declares a programme, and nothing about the tools that editors use."""
    word = (
        Telechargement("docx", "Télécharger au format Word (gabarit du ministère)", "DOCX, à déposer au ministère")
        if tree.kind.spec.programme
        else Telechargement("docx", "Télécharger au format Word", "DOCX, le plan en tableau")
    )
    return [
        Telechargement("yml", "Télécharger le plan en YAML", ""),
        Telechargement("json", "Télécharger le plan en JSON", ""),
        word,
        Telechargement("xlsx", "Télécharger le classeur modifiable (Excel)", "XLSX, une ligne par élément du plan"),
    ]


def lead_text(title: str, text: str | None) -> str | None:
    """The element's whole text under its heading, unless the heading already says all of it."""
    if not text or " ".join(text.split()).rstrip(" .") == title:
        return None
    return text


def etat_summary(site: Site, plan_id: str) -> str:
    """« complétude des données : 92 % »: how much of what the kind asks the file holds, beside the
    link to the editors' page. It measures the data, never how far along the plan is."""
    return f"complétude des données : {pourcent(site.completude(plan_id).score)}"


def avancement(tree: PlanTree, under: Element | None = None) -> Any:
    """How far along the plan (or the part under an enjeu) is: suivi.Avancement."""
    from plan_ouvert.views import suivi  # suivi borrows this module's French words

    return suivi.avancement(tree, under)


def plan_intro(site: Site, tree: PlanTree) -> str:
    """« Plan d'intervention… — MRC de L'Assomption, adoption le 30 juin 2021 »: what the plan is and
    who adopted it, in one line under its title."""
    plan, spec = tree.plan, tree.kind.spec
    text = f"{spec.nom} — {plan.organisme.nom}"
    if plan.adoption is not None:
        text += f", adoption le {date_fr(plan.adoption.date)}"
    elif plan.date_plan:
        text += f", plan daté du {date_fr(plan.date_plan)}"
    return text + "."


def echeances_intro(tree: PlanTree, par_annee_plan: bool) -> str:
    dated = [n for n in tree.niveaux if any(c.type == "echeance" for c in n.champs)]
    niveau = dated[-1] if dated else tree.niveaux[-1]
    if par_annee_plan:
        return f"Ce qui est prévu à chaque année du plan, selon l'échéance de chaque {minuscule(niveau.singulier)}."
    return f"Les {minuscule(niveau.pluriel)} du plan selon leur échéance, telle que le plan l'écrit."


# --- Partners and values ---------------------------------------------------------------------

# How a partner's role reads in a sentence about what partners do.
ROLE_VERBS = {
    "porteur": "ce qu'ils portent",
    "collaborateur": "où ils collaborent",
    "partenaire": "où ils sont partenaires",
    "financeur": "ce qu'ils financent",
}


def role_label(role: str) -> str:
    """« Porteur », from the role of a partner field."""
    return majuscule(role)


def partners_caption(roles: list[str]) -> str:
    """« Partenaires du plan : ce qu'ils portent et où ils collaborent »."""
    if not roles:
        return "Partenaires du plan"
    verbs = [ROLE_VERBS.get(fold(r), f"où ils sont {minuscule(r)}s") for r in dict.fromkeys(roles)]
    return f"Partenaires du plan : {_enumeration(verbs)}"


def role_heading(role: str, niveau: Niveau) -> str:
    """« Porteur des moyens d'action »."""
    return f"{role_label(role)} des {minuscule(niveau.pluriel)}"


def values_intro(tree: PlanTree, niveau: Niveau, champ: Champ) -> str:
    """« Les clientèles visées par les moyens d'action, telles que la programmation les nomme. »"""
    title = minuscule(champ.vue_titre or champ.libelle)
    tels = "telles" if champ.vue_feminin else "tels"
    return f"Les {title} par les {minuscule(niveau.pluriel)}, {tels} que {tree.kind.spec.document} les nomme."


def value_heading(niveau: Niveau, champ: Champ) -> str:
    """« Moyens d'action qui visent cette clientèle »."""
    return f"{niveau.pluriel} qui visent {demonstratif(minuscule(champ.valeur_nom), champ.vue_feminin)}"


# --- The overview of a kind declared as data -------------------------------------------------


@dataclass
class ApercuRow:
    element: Element
    headers: list[Element]  # ancestors that start here (a group row each, outermost first)
    cells: list[list[ChampView]]


@dataclass
class Apercu:
    """The overview table of a data-defined kind: its declared columns, one row per element."""

    colonnes: list[str]
    rows: list[ApercuRow]


def apercu(tree: PlanTree, urls: dict[str, str]) -> Apercu:
    spec = tree.kind.spec
    colonnes = spec.colonnes
    if not colonnes:  # no declared columns: the lowest level's text and fields
        niveau = tree.niveaux[-1]
        colonnes = [ColonneApercu(libelle=c.libelle, niveau=niveau.type, champs=[c.cle]) for c in niveau.champs]
    level = colonnes[0].niveau
    rows: list[ApercuRow] = []
    previous: list[Element] = []
    for element in tree.of_type(level):
        chain = element.ancestors()
        start = next((i for i, (a, b) in enumerate(zip(chain, previous, strict=False)) if a is not b), None)
        if start is None:
            start = min(len(chain), len(previous))
        previous = chain
        cells: list[list[ChampView]] = []
        for colonne in colonnes:
            # A column of a higher level shows the fields of the row's ancestor at that level.
            owner = next((e for e in (element, *chain) if e.type == colonne.niveau), None)
            if owner is None:
                cells.append([])
                continue
            cells.append(
                [
                    champ_view(tree, owner, c, urls)
                    for key in colonne.champs
                    if (c := owner.niveau.champ(key)) is not None
                ]
            )
        rows.append(ApercuRow(element, chain[start:], cells))
    return Apercu([c.libelle for c in colonnes], rows)
