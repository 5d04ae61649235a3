"""The resource summary: each resource's share of time per top-level element, in total and
outside the programme, worked out from the element tree.

A kind that keeps a registry of resources (`ressources: true`) and gives some level a field of
type temps_imparti gets this summary; nothing here knows which kind that is. An allocation
made on an action counts for the top-level element above it (its enjeu), as the ministry's
gabarit reads a PIAR: the share of each resource by enjeu.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plan_ouvert.source.kinds import Niveau
from plan_ouvert.source.model import Ressource, TempsImparti
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.libelles import STATUTS_RESSOURCE, TEMPS, pourcent


@dataclass(frozen=True)
class Part:
    """A resource's share in one top-level element (an enjeu)."""

    element: Element
    part: float

    @property
    def texte(self) -> str:
        """« 40 % », French typography."""
        return pourcent(self.part)


@dataclass
class LigneRessource:
    """One row of the summary: a resource and where its time goes."""

    id: str
    role: str
    statut: str  # « Nouvelle ressource, temps plein »; empty when the plan does not say
    embauche: str | None  # as the plan words it
    parts: list[Part] = field(default_factory=list)
    au_registre: bool = True  # False: named by an allocation, absent from the registry
    hors_programme: float | None = None

    @property
    def total(self) -> float:
        """The share of its time the plan gives the programme."""
        return sum(p.part for p in self.parts)

    @property
    def total_texte(self) -> str:
        return pourcent(self.total)

    @property
    def hors_programme_texte(self) -> str | None:
        return pourcent(self.hors_programme) if self.hors_programme is not None else None

    @property
    def reste(self) -> float:
        """What is left of 100 % once the programme and the time outside it are counted
        (negative: the resource is given more than its whole time)."""
        return 100 - self.total - (self.hors_programme or 0)

    @property
    def depasse(self) -> bool:
        return self.reste < 0

    @property
    def reste_texte(self) -> str:
        """« 20 % », or « Dépassement de 30 % » when more than 100 % is given."""
        if self.depasse:
            return f"Dépassement de {pourcent(-self.reste)}"
        return pourcent(self.reste)


@dataclass
class SommaireRessources:
    """The table of the resources of one plan."""

    niveau: Niveau  # the level the shares are given by (Enjeu)
    lignes: list[LigneRessource]

    @property
    def par(self) -> str:
        """« Part par enjeu »: the heading of the shares' column."""
        return f"Part par {self.niveau.singulier.lower()}"

    @property
    def legende(self) -> str:
        return (
            f"Temps imparti par ressource : part de son temps par {self.niveau.singulier.lower()}, "
            "au programme et hors programme"
        )


def has_summary(tree: PlanTree) -> bool:
    """Whether the kind keeps resources and lets its elements give them time."""
    return tree.kind.spec.ressources and tree.kind.spec.has_field_type("temps_imparti")


def _statut(ressource: Ressource) -> str:
    parts = [STATUTS_RESSOURCE[ressource.statut]] if ressource.statut else []
    if ressource.temps:
        parts.append(TEMPS[ressource.temps])
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def _allocations(element: Element) -> list[TempsImparti]:
    return [
        value
        for champ in element.niveau.champs
        if champ.type == "temps_imparti" and isinstance(value := element.valeur(champ.cle), TempsImparti)
    ]


def sommaire(tree: PlanTree) -> SommaireRessources | None:
    """The summary of a plan's resources, or None when its kind has none or the plan names none."""
    if not has_summary(tree):
        return None
    registry: list[Ressource] = list(getattr(tree.plan, "ressources", None) or [])
    lignes = {
        r.id: LigneRessource(r.id, r.role, _statut(r), r.embauche, hors_programme=r.hors_programme) for r in registry
    }
    for root in tree.roots:
        shares: dict[str, float] = {}
        for element in (root, *root.descendants()):
            for temps in _allocations(element):
                for allocation in temps.allocations:
                    shares[allocation.ressource] = shares.get(allocation.ressource, 0) + allocation.part
        for rid, part in shares.items():
            if rid not in lignes:  # an id the registry lacks (COM rules report it): shown as named
                lignes[rid] = LigneRessource(rid, rid, "", None, au_registre=False)
            lignes[rid].parts.append(Part(root, part))
    if not lignes:
        return None
    return SommaireRessources(tree.niveaux[0], list(lignes.values()))
