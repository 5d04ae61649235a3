"""How complete a plan is: the share of the information its gabarit expects that it gives.

Each expected piece counts once: a plan's statut, an enjeu's indicators, a moyen's échéance,
one target per indicator and year. The score is what « État du plan » shows and what the
build can be told to require (`completude_minimale` in mkdocs.yml).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .echeance import parse
from .model import AnyPlan, PlanPAC, PlanPIAR, Record
from .pages import action_number
from .rules.pac import cible_years, numero, years_of


@dataclass(frozen=True)
class Manque:
    where: str  # « Moyen d'action 1.5 »
    what: str  # « indicateurs »
    path: tuple[str | int, ...]  # the record, for a link to its page


@dataclass
class Completude:
    attendus: int = 0
    manques: list[Manque] = field(default_factory=list)

    @property
    def score(self) -> int:
        """Whole percent, rounded down so that 100 means nothing is missing."""
        if not self.attendus:
            return 100
        return (self.attendus - len(self.manques)) * 100 // self.attendus

    def expect(self, present: object, where: str, what: str, record: Record | None = None) -> None:
        self.attendus += 1
        if not present:
            self.manques.append(Manque(where, what, record._path if record else ()))


def completude(plan: AnyPlan) -> Completude:
    result = Completude()
    result.expect(plan.statut, "Plan", "statut")
    result.expect(plan.licence, "Plan", "licence des données")
    if isinstance(plan, PlanPIAR):
        result.expect(plan.date_plan, "Plan", "date du plan")
        result.expect(plan.date_convention, "Plan", "date de la convention")
        for ressource in plan.ressources:
            result.expect(
                ressource.statut, f"Ressource « {ressource.id} »", "statut (nouvelle ou existante)", ressource
            )
        for enjeu in plan.enjeux:
            where = f"Enjeu {enjeu.id}"
            for name, label in (
                ("objectifs_generaux", "objectifs généraux"),
                ("axes", "axes d'intervention"),
                ("objectifs", "objectifs à atteindre"),
                ("actions", "actions"),
                ("indicateurs", "indicateurs de performance"),
                ("temps_imparti", "temps imparti"),
            ):
                result.expect(getattr(enjeu, name), where, label, enjeu)
            for action in enjeu.actions:
                result.expect(parse(action.echeance), f"Action {action_number(action.id)}", "échéance", action)
    if isinstance(plan, PlanPAC):
        result.expect(plan.annees, "Plan", "années du plan")
        for partenaire in plan.partenaires:
            result.expect(
                partenaire.nom, f"Partenaire « {partenaire.sigle or partenaire.id} »", "nom complet", partenaire
            )
        for objectif in plan.objectifs_specifiques:
            for moyen in objectif.moyens:
                where = f"Moyen d'action {numero(moyen)}"
                for name, label in (
                    ("porteurs", "porteur"),
                    ("resultats_attendus", "résultats attendus"),
                    ("indicateurs", "indicateurs de performance"),
                    ("echeance", "échéance"),
                    ("clientele", "clientèle visée"),
                ):
                    result.expect(getattr(moyen, name), where, label, moyen)
                years = years_of(moyen)
                for indicateur in moyen.indicateurs:
                    covered = {y for c in indicateur.cibles for y in cible_years(c)}
                    for year in years:
                        result.expect(year in covered, where, f"cible An {year} de « {indicateur.texte} »", indicateur)
    return result
