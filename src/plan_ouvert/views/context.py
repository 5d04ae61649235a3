"""What the views of one page read from the site: the site's records and its lookups.

The site (site.py) builds these; the presenters, the portal and the share descriptions read
them through `SiteContext`, so that none of them imports the site, and the views import one
another in one direction only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from plan_ouvert.source.findings import Finding
from plan_ouvert.source.kinds import Champ, Niveau
from plan_ouvert.source.model import ElementReferentiel, Partenaire
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.completude import Completude
from plan_ouvert.views.pages import PageMap


@dataclass
class PartnerRole:
    """One partner field of a kind (porteur, collaborateur…) and the elements naming a partner in it."""

    niveau: Niveau
    champ: Champ
    ident: str  # the id of its heading on a partner's page: « porteur »
    elements: list[Element] = field(default_factory=list)

    @property
    def role(self) -> str:
        """« porteur »: the field's role, or its label when the kind gives no role."""
        return self.champ.role or self.champ.libelle.lower()


@dataclass
class PartnerRow:
    """A partner as the partner views show it: its roles, in the kind's order."""

    id: str
    partenaire: Partenaire | None  # None: named by an element but absent from the plan's registry
    roles: list[PartnerRole]


@dataclass
class Coverage:
    """An item of the référentiel (objectif général, axe) and the elements that name it."""

    item: ElementReferentiel
    elements: list[Element]


@dataclass
class ReferenceList:
    """A list of the référentiel that a kind's reference fields name (« axes »), with its coverage."""

    liste: str
    niveau: Niveau
    champ: Champ
    coverage: list[Coverage]

    @property
    def covered(self) -> int:
        return sum(1 for c in self.coverage if c.elements)


@dataclass(frozen=True)
class EcheanceItem:
    element: Element
    quand: str | None  # the échéance as the plan words it, for this group


@dataclass
class EcheanceGroup:
    ident: str  # the heading's id: « an-2 », « 2021 », « en-continu »
    titre: str
    items: list[EcheanceItem] = field(default_factory=list)


@dataclass
class Echeances:
    """Elements grouped by échéance: by plan year when the plan names plan years, by calendar year otherwise."""

    par_annee_plan: bool
    groups: list[EcheanceGroup]


@dataclass
class ValueGroup:
    """A value of a field with a view (a clientèle) and the elements that name it."""

    key: str  # the slug of its URL
    texte: str
    url: str
    elements: list[Element]


class SiteContext(Protocol):
    """The site's lookups that pages and portal read (implemented by site.Site)."""

    pages: PageMap

    @property
    def trees(self) -> list[PlanTree]: ...

    def tree(self, plan_id: str) -> PlanTree: ...

    def element(self, url: str) -> Element | None: ...

    def reference_lists(self, plan_id: str) -> list[ReferenceList]: ...

    def echeances(self, plan_id: str) -> Echeances: ...

    def findings_of(self, plan_id: str) -> list[Finding]: ...

    def completude(self, plan_id: str) -> Completude: ...
