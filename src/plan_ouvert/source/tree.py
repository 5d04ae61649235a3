"""The element tree: each plan turned once into typed elements that every output reads.

An element is one record of the plan's hierarchy (an enjeu, an action, an orientation, a moyen
d'action…) with what every page, view, check and export needs already worked out: its level
and the kind's words for it, its number and label (« Moyen d'action 1.2 »), its URL, its
parent and children, its parsed échéances and the plan years it covers. Nothing downstream
knows a plan's shape: it walks this tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from plan_ouvert.source.echeance import Terme, parse, wording
from plan_ouvert.source.kinds import Champ, Kind, Niveau
from plan_ouvert.source.model import AnneePlan, Cible, Indicateur, PlanBase, Referentiel, Suivi
from plan_ouvert.source.urls import element_url, slug
from plan_ouvert.source.yamlsource import YamlPath


def cible_years(cible: Cible) -> list[int]:
    """The plan years a target is for (« annee: [1, 2] » → [1, 2])."""
    if cible.annee is None:
        return []
    return cible.annee if isinstance(cible.annee, list) else [cible.annee]


@dataclass(eq=False)
class Element:
    plan_id: str
    niveau: Niveau
    record: Any
    path: YamlPath
    numero: str  # « 1.2 », as the plan numbers it
    url: str
    parent: Element | None = None
    enfants: list[Element] = field(default_factory=list)
    depth: int = 0
    termes: list[Terme] = field(default_factory=list)  # parsed échéance

    # --- identity and words --------------------------------------------------------------

    @property
    def id(self) -> str:
        return str(self.record.id)

    @property
    def type(self) -> str:
        return self.niveau.type

    @property
    def libelle(self) -> str:
        """« Moyen d'action 1.2 »: the level's word and the element's number."""
        return f"{self.niveau.singulier} {self.numero}"

    @property
    def titre(self) -> str:
        """The page title: the label, and the element's own short title if the kind has one."""
        own = self.valeur(self.niveau.titre) if self.niveau.titre else None
        return f"{self.libelle} : {own}" if own else self.libelle

    @property
    def texte(self) -> str | None:
        """The element's main text (an action's wording, an enjeu's statement)."""
        return self.valeur(self.niveau.texte) if self.niveau.texte else None

    @property
    def dispenses(self) -> set[str]:
        """Fields this element need not give (the kind's `dispense`: the convention's obligations
        lie outside the programme's objectives and axes)."""
        return self.niveau.dispenses(self.record)

    def valeur(self, cle: str) -> Any:
        return getattr(self.record, cle, None)

    def champs(self) -> Iterator[tuple[Champ, Any]]:
        for champ in self.niveau.champs:
            yield champ, self.valeur(champ.cle)

    @property
    def anciens_ids(self) -> list[str]:
        return list(self.record.anciens_ids)

    # --- derived facts -------------------------------------------------------------------

    @property
    def echeance(self) -> str | list[str] | None:
        champ = next((c for c in self.niveau.champs if c.type == "echeance"), None)
        return self.valeur(champ.cle) if champ else None

    @property
    def echeance_texte(self) -> str:
        return wording(self.echeance)

    @property
    def annees_plan(self) -> list[int]:
        """Plan years (« An 2 ») the échéance names."""
        return sorted({t.annee_plan for t in self.termes if t.annee_plan is not None})

    @property
    def suivi(self) -> Suivi | None:
        champ = next((c for c in self.niveau.champs if c.type == "suivi"), None)
        value = self.valeur(champ.cle) if champ else None
        return value if isinstance(value, Suivi) else None

    @property
    def indicateurs(self) -> list[Indicateur]:
        found: list[Indicateur] = []
        for champ in self.niveau.champs:
            if champ.type == "indicateurs":
                found.extend(self.valeur(champ.cle) or [])
        return found

    def cibles(self) -> list[tuple[int | None, Cible]]:
        """Each target with the plan year it is for (None when it names none)."""
        return [
            (year, cible)
            for indicateur in self.indicateurs
            for cible in indicateur.cibles
            for year in (list[int | None](cible_years(cible)) or [None])
        ]

    def partenaires(self) -> list[tuple[Champ, list[str]]]:
        """(field, partner ids) for each partner field, in the kind's order."""
        return [(c, list(self.valeur(c.cle) or [])) for c in self.niveau.champs if c.type == "partenaires"]

    def ancestors(self) -> list[Element]:
        trail = []
        current = self.parent
        while current is not None:
            trail.append(current)
            current = current.parent
        return list(reversed(trail))

    def descendants(self) -> Iterator[Element]:
        for child in self.enfants:
            yield child
            yield from child.descendants()


@dataclass
class PlanTree:
    plan: PlanBase
    kind: Kind
    referentiel: Referentiel | None
    roots: list[Element] = field(default_factory=list)
    elements: list[Element] = field(default_factory=list)  # depth-first, in the plan's order
    _index: dict[tuple[str, str], Element] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.plan.id

    @property
    def niveaux(self) -> list[Niveau]:
        return self.kind.spec.niveaux

    def of_type(self, type_: str) -> list[Element]:
        return [e for e in self.elements if e.type == type_]

    @property
    def leaves(self) -> list[Element]:
        """Elements of the lowest level: the actions, the moyens d'action."""
        return self.of_type(self.niveaux[-1].type)

    def element(self, type_: str, record_id: str) -> Element | None:
        return self._index.get((type_, record_id))

    def annee(self, number: int) -> AnneePlan | None:
        return next((a for a in self.plan.annees if a.numero == number), None)

    def annee_label(self, number: int) -> str:
        """« An 1 (2022-2023) », in the kind's word for a plan year."""
        word = self.kind.spec.annee
        annee = self.annee(number)
        if annee is None:
            return f"{word} {number}"
        span = str(annee.debut) if annee.debut == annee.fin else f"{annee.debut}-{annee.fin}"
        return f"{word} {number} ({span})"

    def value_groups(self, champ: Champ) -> dict[str, tuple[str, list[Element]]]:
        """Slug → (wording, elements) for a field with a view (clientèles), in order of appearance."""

        groups: dict[str, tuple[str, list[Element]]] = {}
        for element in self.elements:
            if element.niveau.champ(champ.cle) is not champ:
                continue
            for text in element.valeur(champ.cle) or []:
                groups.setdefault(slug(text), (text, []))[1].append(element)
        return groups


def _numero(niveau: Niveau, record: Any, parent: Element | None, position: int) -> str:
    if niveau.numerotation == "champ" and getattr(record, "numero", None) is not None:
        return str(record.numero)
    if niveau.numerotation == "id":
        return str(record.id).replace("-", ".")
    own = str(position + 1)
    return f"{parent.numero}.{own}" if parent is not None else own


def build_tree(plan: PlanBase, kind: Kind, referentiel: Referentiel | None = None) -> PlanTree:
    """Walk the plan once, level by level, into its element tree."""
    tree = PlanTree(plan, kind, referentiel)
    niveaux = kind.spec.niveaux

    def walk(container: Any, path: YamlPath, depth: int, parent: Element | None) -> list[Element]:
        niveau = niveaux[depth]
        made = []
        for position, record in enumerate(getattr(container, niveau.cle, None) or []):
            here = (*path, niveau.cle, position)
            element = Element(
                plan.id,
                niveau,
                record,
                here,
                _numero(niveau, record, parent, position),
                element_url(plan.id, niveau.dossier, str(record.id)),
                parent,
                depth=depth,
            )
            echeance = element.echeance
            element.termes = parse(echeance) if echeance else []
            tree.elements.append(element)
            tree._index.setdefault((niveau.type, element.id), element)
            if depth + 1 < len(niveaux):
                element.enfants = walk(record, here, depth + 1, element)
            made.append(element)
        return made

    tree.roots = walk(plan, (), 0, None)
    return tree
