"""How complete a plan is: the share of the information its kind expects that it gives.

Each expected piece counts once. What every plan is expected to give follows from its kind,
its référentiel and its own content:

- the plan's statut and data licence;
- its years (`annees`) once its échéances name plan years (« An 2 »);
- the plan's and the convention's dates when its programme sets a filing delay after the
  convention (`delai_depot_mois` in the référentiel);
- a statut for each resource of the registry (kinds with `ressources: true`), a full name for
  each partner of the registry (kinds whose levels name partners);
- each field a level declares `attendu: true`;
- for each indicator, one target per plan year its element's échéance names (suivi.py), where
  the programme's gabarit asks a target per year or the plan gives yearly targets already, and
  never for an indicator whose target covers the whole period.

A programme's gabarit may expect more than its kind file marks as expected (the kind file's
`attendu` also makes the generic check and the element pages speak, where the programme has
its own rules and pages): a level's `completude` in the kind file lists those, with the words
« État du plan » shows; a true field's `dispense` (the convention's obligations) takes some
back.

The score is what « État du plan » shows and what the build can be told to require
(`completude_minimale` in mkdocs.yml).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from plan_ouvert.source.tree import Element, PlanTree, cible_years
from plan_ouvert.source.yamlsource import YamlPath
from plan_ouvert.views.pages import partner_url, plan_url
from plan_ouvert.views.suivi import echeance_years


@dataclass(frozen=True)
class Manque:
    where: str  # « Moyen d'action 1.5 »
    what: str  # « indicateurs »
    path: YamlPath  # the record in the file
    url: str | None = None  # the page that shows it, None for the plan's own facts


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

    @property
    def presents(self) -> int:
        return self.attendus - len(self.manques)

    def expect(self, present: object, where: str, what: str, path: YamlPath = (), url: str | None = None) -> None:
        self.attendus += 1
        if not present:
            self.manques.append(Manque(where, what, path, url))


def _given(value: Any) -> bool:
    return value not in (None, "", [])


def _expected_fields(tree: PlanTree, element: Element) -> list[tuple[str, str]]:
    """(key, words) of what this element's level is expected to give, in the kind's order."""
    found = [(c.cle, c.libelle[:1].lower() + c.libelle[1:]) for c in element.niveau.champs if c.attendu]
    for attendu in element.niveau.completude:
        if attendu.cle not in {k for k, _ in found}:
            found.append((attendu.cle, attendu.mots))
    # The convention's obligations lie outside the programme's objectives and axes.
    dispensed = element.dispenses
    return [(k, w) for k, w in found if k not in dispensed]


def _plan(result: Completude, tree: PlanTree) -> None:
    plan = tree.plan
    result.expect(plan.statut, "Plan", "statut")
    result.expect(plan.licence, "Plan", "licence des données")
    if tree.referentiel is not None and tree.referentiel.delai_depot_mois is not None:
        result.expect(plan.date_plan, "Plan", "date du plan")
        result.expect(plan.date_convention, "Plan", "date de la convention")
    if any(e.annees_plan for e in tree.elements):
        result.expect(plan.annees, "Plan", "années du plan")


def _registries(result: Completude, tree: PlanTree) -> None:
    plan = tree.plan
    for index, ressource in enumerate(getattr(plan, "ressources", None) or []):
        result.expect(
            ressource.statut,
            f"Ressource « {ressource.id} »",
            "statut (nouvelle ou existante)",
            ("ressources", index),
            plan_url(plan.id),
        )
    if tree.kind.spec.has_field_type("partenaires"):
        for index, partenaire in enumerate(plan.partenaires):
            result.expect(
                partenaire.nom,
                f"Partenaire « {partenaire.sigle or partenaire.id} »",
                "nom complet",
                ("partenaires", index),
                partner_url(plan.id, partenaire.id),
            )


def _element(result: Completude, tree: PlanTree, element: Element) -> None:
    for key, words in _expected_fields(tree, element):
        result.expect(_given(element.valeur(key)), element.libelle, words, element.path, element.url)
    years = echeance_years(tree, element)
    word = tree.kind.spec.annee
    yearly = tree.kind.spec.cibles_annuelles  # a programme whose gabarit asks a target per year
    for indicateur in element.indicateurs:
        covered = {y for c in indicateur.cibles for y in cible_years(c)}
        # A target for the whole period (« 8 d'ici 2028 ») is what the plan gives: yearly
        # targets are asked only where the gabarit asks them or the plan gives some already.
        if any(not cible_years(c) for c in indicateur.cibles) or not (yearly or covered):
            continue
        for year in years:
            result.expect(
                year in covered,
                element.libelle,
                f"cible {word} {year} de « {indicateur.texte} »",
                element.path,
                element.url,
            )


def completude(tree: PlanTree) -> Completude:
    result = Completude()
    _plan(result, tree)
    _registries(result, tree)
    for element in tree.elements:
        _element(result, tree, element)
    return result
