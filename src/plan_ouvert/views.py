"""View objects: what a page shows of an element, worked out before any template runs.

Templates only lay these out. Every domain fact (a label, whether a field is missing, which
partner an id names, the plan year of a target) is decided here, from the element tree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .echeance import date_fr, fold, wording
from .kinds import Champ, Financement, Niveau
from .model import Indicateur, Partenaire, PlanBase, Referentiel, Suivi, TempsImparti
from .tree import Element, PlanTree, cible_years

VOWELS = tuple("aeiouyh")


def de(word: str) -> str:
    """« de porteur », « d'échéancier »: French elision before a vowel or a mute h."""
    return f"d'{word}" if fold(word).startswith(VOWELS) else f"de {word}"


def ce(niveau: Niveau) -> str:
    """« cette action », « cet objectif », « ce moyen d'action »."""
    word = niveau.singulier.lower()
    if niveau.feminin:
        return f"cette {word}"
    return f"cet {word}" if fold(word).startswith(VOWELS) else f"ce {word}"


def missing_sentence(niveau: Niveau, champ: Champ) -> str:
    """What a page says where the adopted plan leaves an expected field empty."""
    return f"Le plan adopté ne précise pas {de(champ.libelle.lower())} pour {ce(niveau)}."


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


@dataclass(frozen=True)
class CibleView:
    annee: str | None  # « An 2 (2023-2024) »
    texte: str
    echeance: str
    realise: str | None


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
        from .render import montant  # formatting lives with the other filters

        return montant(float(value))
    return str(value)


def _cibles(tree: PlanTree, indicateur: Indicateur) -> IndicateurView:
    cibles = []
    for cible in indicateur.cibles:
        years = cible_years(cible)
        cibles.append(
            CibleView(
                ", ".join(tree.annee_label(y) for y in years) or None,
                cible.texte,
                wording(cible.echeance),
                cible.realise,
            )
        )
    return IndicateurView(indicateur.texte, cibles)


def _reference(referentiel: Referentiel | None, liste: str, numbers: list[int], url: str | None) -> list[Link]:
    items = {e.numero: e.libelle for e in (getattr(referentiel, liste, None) or [])} if referentiel else {}
    return [
        Link(str(n), f"{url}#{liste.replace('_', '-')}-{n}" if url else None, title=items.get(n), note=None)
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
        from .render import nombre

        view.texte = nombre(float(value))
    elif champ.type == "montant":
        view.texte = _montant(value)
    elif champ.type == "date":
        view.texte = date_fr(value) if isinstance(value, dt.date) else str(value)
    elif champ.type == "echeance":
        view.textes = list(value) if isinstance(value, list) else [value]
    elif champ.type == "textes":
        view.textes = list(value)
    elif champ.type == "partenaires":
        view.liens = [partner_link(tree.plan, ref, urls.get(f"partenaire:{ref}")) for ref in value]
    elif champ.type == "reference":
        view.liens = _reference(tree.referentiel, champ.referentiel or "", list(value), urls.get("referentiel"))
    elif champ.type == "indicateurs":
        view.indicateurs = [_cibles(tree, i) for i in value]
    elif champ.type == "financement":
        view.textes = [_financement(item) for item in value]
    elif champ.type == "temps_imparti" and isinstance(value, TempsImparti):
        view.texte = value.texte
        view.textes = [f"{a.part:g} % — {a.ressource}" for a in value.allocations]
    elif champ.type == "suivi" and isinstance(value, Suivi):
        view.suivi = value
    return view


def champ_views(tree: PlanTree, element: Element, urls: dict[str, str], skip: set[str]) -> list[ChampView]:
    """The fields an element's page lists, in the kind's order (the lead text and title apart)."""
    return [champ_view(tree, element, c, urls) for c in element.niveau.champs if c.cle not in skip]


def non_conformities(tree: PlanTree, element: Element) -> list[str]:
    """Sentences for every expected field the adopted plan leaves empty on this element."""
    return [
        missing_sentence(element.niveau, champ)
        for champ in element.niveau.champs
        if champ.attendu and element.valeur(champ.cle) in (None, "", [])
    ]


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
        from .kinds import ColonneApercu

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
        cells = []
        for colonne in colonnes:
            niveau = element.niveau
            cells.append(
                [champ_view(tree, element, c, urls) for key in colonne.champs if (c := niveau.champ(key)) is not None]
            )
        rows.append(ApercuRow(element, chain[start:], cells))
    return Apercu([c.libelle for c in colonnes], rows)
