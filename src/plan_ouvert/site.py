"""The site's view of a catalogue: page map plus the cross-references that pages show.

Everything here is computed once per build (linear in the number of records), so that a
page never scans the whole catalogue to find its neighbours or its partners.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import historique, rapport, suivi
from .catalogue import Catalogue, Entry, load_catalogue
from .completude import Completude, completude
from .echeance import Terme, parse
from .findings import Finding
from .model import AnyPlan, ElementReferentiel, Enjeu, Moyen, ObjectifSpecifique, PlanPAC, PlanPIAR
from .pages import Page, PageMap, build_page_map, plan_url, record_url, slug


@dataclass
class PartnerRoles:
    porteur: list[Moyen] = field(default_factory=list)
    collaborateur: list[Moyen] = field(default_factory=list)


@dataclass
class Coverage:
    element: ElementReferentiel
    enjeux: list[Enjeu]


@dataclass
class Site:
    catalogue: Catalogue
    pages: PageMap
    records: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    parents: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    sequences: dict[tuple[str, str], list[Page]] = field(default_factory=dict)
    _completudes: dict[str, Completude] = field(default_factory=dict)
    _findings: dict[str, list[Finding]] = field(default_factory=dict)
    _positions: dict[int, int] = field(default_factory=dict)

    # --- lookups -------------------------------------------------------------------------

    def entry(self, plan_id: str) -> Entry:
        return self.catalogue.entry(plan_id)

    def plan(self, plan_id: str) -> AnyPlan:
        return self.entry(plan_id).plan

    def record(self, plan_id: str, kind: str, record_id: str) -> Any:
        return self.records[(plan_id, kind, record_id)]

    def parent(self, plan_id: str, kind: str, record_id: str) -> Any:
        return self.parents.get((plan_id, kind, record_id))

    def page(self, url: str) -> Page:
        return self.pages.by_url[url]

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        sequence = self.sequences.get((page.plan_id or "", page.kind), [])
        index = self._positions.get(id(page))
        if index is None:
            return None, None
        before = sequence[index - 1] if index > 0 else None
        after = sequence[index + 1] if index + 1 < len(sequence) else None
        return before, after

    def breadcrumb(self, page: Page) -> list[Page]:
        trail = []
        current = page.parent
        while current:
            parent = self.pages.by_url.get(current)
            if parent is None:
                break
            trail.append(parent)
            current = parent.parent
        return list(reversed(trail))

    def findings_of(self, plan_id: str) -> list[Finding]:
        if not self._findings:
            for finding in self.catalogue.findings:
                self._findings.setdefault(finding.plan or "", []).append(finding)
        return self._findings.get(plan_id, [])

    def completude(self, plan_id: str) -> Completude:
        if plan_id not in self._completudes:
            self._completudes[plan_id] = completude(self.plan(plan_id))
        return self._completudes[plan_id]

    def tableau(self, plan_id: str) -> suivi.Tableau:
        return suivi.tableau(self.plan(plan_id))

    def timeline(self, plan_id: str) -> suivi.Timeline:
        return suivi.timeline(self.plan(plan_id))

    def history(self, plan_id: str) -> list[historique.Version]:
        entry = self.entry(plan_id)
        return historique.history(entry.plan, entry.source.path)

    def rapport(self, plan_id: str, annee: int) -> rapport.Rapport:
        return rapport.report(self.plan(plan_id), annee)

    def page_for(self, plan_id: str, path: tuple[str | int, ...] | str | None) -> Page | None:
        """The page of the deepest record with a page along a YAML path (« enjeux.2.actions.0 »)."""
        parts: list[str | int] = []
        if isinstance(path, str):
            parts = [int(p) if p.isdigit() else p for p in path.split(".")]
        elif path:
            parts = list(path)
        current: Any = self.plan(plan_id)
        found = self.pages.by_url.get(plan_url(plan_id))
        for part in parts:
            try:
                current = current[part] if isinstance(part, int) else getattr(current, part)
            except (AttributeError, IndexError, TypeError):
                break
            kind = _KINDS.get(type(current).__name__)
            if kind and getattr(current, "id", None):
                found = self.pages.by_url.get(record_url(plan_id, kind, current.id), found)
        return found

    # --- cross-references ----------------------------------------------------------------

    def moyens(self, plan: AnyPlan) -> list[tuple[ObjectifSpecifique, Moyen]]:
        if not isinstance(plan, PlanPAC):
            return []
        return [(o, m) for o in plan.objectifs_specifiques for m in o.moyens]

    def partner_roles(self, plan: AnyPlan) -> dict[str, PartnerRoles]:
        roles: dict[str, PartnerRoles] = defaultdict(PartnerRoles)
        for _objectif, moyen in self.moyens(plan):
            for ref in moyen.porteurs:
                roles[ref].porteur.append(moyen)
            for ref in moyen.collaborateurs:
                roles[ref].collaborateur.append(moyen)
        return roles

    def coverage(self, plan: AnyPlan, kind: str) -> list[Coverage]:
        """For each objectif général or axe of the référentiel, the enjeux that serve it."""
        referentiel = self.entry(plan.id).referentiel
        if referentiel is None or not isinstance(plan, PlanPIAR):
            return []
        return [
            Coverage(element, [e for e in plan.enjeux if element.numero in getattr(e, kind)])
            for element in getattr(referentiel, kind)
        ]

    def by_plan_year(self, plan: AnyPlan) -> dict[int, list[Moyen]]:
        years: dict[int, list[Moyen]] = defaultdict(list)
        for _objectif, moyen in self.moyens(plan):
            for terme in parse(moyen.echeance):
                if terme.annee_plan is not None and moyen not in years[terme.annee_plan]:
                    years[terme.annee_plan].append(moyen)
        return dict(sorted(years.items()))

    def moyens_without_deadline(self, plan: AnyPlan) -> list[Moyen]:
        return [m for _o, m in self.moyens(plan) if not parse(m.echeance)]

    def actions_by_deadline(self, plan: AnyPlan) -> list[tuple[str, list[tuple[Terme, Any, Enjeu]]]]:
        """PIAR actions grouped: « En continu » first, then by year of their échéance."""
        if not isinstance(plan, PlanPIAR):
            return []
        groups: dict[str, list[tuple[Terme, Any, Enjeu]]] = defaultdict(list)
        for enjeu in plan.enjeux:
            for action in enjeu.actions:
                termes = parse(action.echeance) or []
                if not termes:
                    groups["Sans échéance"].append((Terme("", "inconnu"), action, enjeu))
                for terme in termes:
                    if terme.genre == "continu":
                        key = "En continu"
                    elif terme.debut:
                        key = str(terme.debut.year)
                    else:
                        key = "Autres"
                    groups[key].append((terme, action, enjeu))
        order = ["En continu", *sorted(k for k in groups if k.isdigit()), "Autres", "Sans échéance"]
        for key in groups:
            groups[key].sort(key=lambda item: (item[0].fin or item[0].debut or _FAR, item[1].id))
        return [(key, groups[key]) for key in order if key in groups]

    def clientele_moyens(self, plan: AnyPlan, key: str) -> list[Moyen]:
        return [m for _o, m in self.moyens(plan) if any(slug(c) == key for c in m.clientele)]


_FAR = dt.date(9999, 12, 31)
_KINDS = {
    "Enjeu": "enjeu",
    "Action": "action",
    "ObjectifSpecifique": "objectif",
    "Moyen": "moyen",
    "Partenaire": "partenaire",
}


def build_site(catalogue: Catalogue) -> Site:
    site = Site(catalogue, build_page_map(catalogue.plans))
    for plan in catalogue.plans:
        if isinstance(plan, PlanPIAR):
            for enjeu in plan.enjeux:
                site.records[(plan.id, "enjeu", enjeu.id)] = enjeu
                for action in enjeu.actions:
                    site.records[(plan.id, "action", action.id)] = action
                    site.parents[(plan.id, "action", action.id)] = enjeu
        else:
            for objectif in plan.objectifs_specifiques:
                site.records[(plan.id, "objectif", objectif.id)] = objectif
                for moyen in objectif.moyens:
                    site.records[(plan.id, "moyen", moyen.id)] = moyen
                    site.parents[(plan.id, "moyen", moyen.id)] = objectif
        for partenaire in plan.partenaires:
            site.records[(plan.id, "partenaire", partenaire.id)] = partenaire
    for page in site.pages:
        if page.record_id is not None:
            sequence = site.sequences.setdefault((page.plan_id or "", page.kind), [])
            site._positions[id(page)] = len(sequence)
            sequence.append(page)
    return site


_CACHE: dict[str, tuple[tuple[tuple[str, float], ...], Site]] = {}


def _stamp(folder: Path) -> tuple[tuple[str, float], ...]:
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml"))
    # lstat: a link (even broken) is refused by the loader with a finding, not followed here.
    return tuple((str(p), p.lstat().st_mtime) for p in files)


def cached_site(plans_dir: Path) -> Site:
    """The site the current build loaded (the hook loads it first), without looking at files.

    Macros call this for every page: checking every YAML file each time would make a build
    quadratic in the number of plans.
    """
    cached = _CACHE.get(str(plans_dir.resolve()))
    return cached[1] if cached else load_site(plans_dir)


def load_site(plans_dir: Path) -> Site:
    """The site for `plans_dir`, loaded once and reloaded only when a YAML file changes."""
    key = str(plans_dir.resolve())
    stamp = _stamp(plans_dir)
    cached = _CACHE.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    catalogue = load_catalogue([plans_dir])
    for entry in catalogue.entries:
        # Findings are placed already and pages never locate: free the YAML positions.
        entry.source.positions = {}
    site = build_site(catalogue)
    _CACHE[key] = (stamp, site)
    return site
