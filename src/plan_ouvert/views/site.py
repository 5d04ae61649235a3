"""The site's view of a catalogue: page map plus the cross-references that pages show.

Everything here is computed from the plans' element trees, once per build and linear in the
number of elements, so that a page never scans the whole catalogue to find its neighbours,
its partners or its échéances. Nothing here knows a kind's shape: partner roles come from the
kind's partner fields, the référentiel's coverage from its reference fields, value views
(clientèles) from its fields with a view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from plan_ouvert.source.catalogue import Catalogue, Entry
from plan_ouvert.source.echeance import Terme
from plan_ouvert.source.findings import Finding
from plan_ouvert.source.kinds import Champ, Niveau
from plan_ouvert.source.model import AnyPlan, Partenaire
from plan_ouvert.source.regions import Region, find_region
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views import historique, rapport, suivi
from plan_ouvert.views.completude import Completude, completude
from plan_ouvert.views.context import (
    Coverage,
    EcheanceGroup,
    EcheanceItem,
    Echeances,
    PartnerRole,
    PartnerRow,
    ReferenceList,
    ValueGroup,
)
from plan_ouvert.views.pages import (
    Page,
    PageMap,
    browse_url,
    build_page_map,
    organisation_id,
    organisation_url,
    partner_url,
    plan_url,
    slug,
    value_url,
)
from plan_ouvert.views.portail import Portail, build_portail

CONTINU = "En continu"
RECURRENTE = "Récurrente"
AU_BESOIN = "Au besoin"
AUTRES = "Autres échéances"  # wording not understood: shown as written
SANS = "Non datée"
_FAR = dt.date(9999, 12, 31)


@dataclass
class Site:
    catalogue: Catalogue
    pages: PageMap
    elements: dict[str, Element] = field(default_factory=dict)  # URL → element of an element page
    sequences: dict[tuple[str, str, str], list[Page]] = field(default_factory=dict)
    _positions: dict[int, int] = field(default_factory=dict)
    _paths: dict[tuple[str, tuple[str | int, ...]], str] = field(default_factory=dict)  # (plan, YAML path) → URL
    _completudes: dict[str, Completude] = field(default_factory=dict)
    _findings: dict[str, list[Finding]] = field(default_factory=dict)
    _findings_at: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)  # (plan, URL) → findings
    _roles: dict[str, dict[str, PartnerRow]] = field(default_factory=dict)
    _references: dict[str, list[ReferenceList]] = field(default_factory=dict)
    _echeances: dict[str, Echeances] = field(default_factory=dict)
    _values: dict[tuple[str, str], dict[str, ValueGroup]] = field(default_factory=dict)
    _urls: dict[str, dict[str, str]] = field(default_factory=dict)
    _folder_logs: dict[str, historique.FolderLog | None] = field(default_factory=dict)  # folder → its git log
    _portail: list[Portail] = field(default_factory=list)

    # --- lookups -------------------------------------------------------------------------

    def entry(self, plan_id: str) -> Entry:
        return self.catalogue.entry(plan_id)

    def plan(self, plan_id: str) -> AnyPlan:
        return self.entry(plan_id).plan

    def tree(self, plan_id: str) -> PlanTree:
        return self.entry(plan_id).tree

    @property
    def trees(self) -> list[PlanTree]:
        return [e.tree for e in self.catalogue.entries]

    def page(self, url: str) -> Page:
        return self.pages.by_url[url]

    def element(self, url: str) -> Element | None:
        """The element whose page is at `url` (None for any other page)."""
        return self.elements.get(url)

    def organisation_url(self, plan_id: str) -> str:
        """The page of the plan's organisation (« organisations/mrc-des-etchemins/ »)."""
        return organisation_url(organisation_id(self.plan(plan_id)))

    def region_of(self, plan_id: str) -> Region | None:
        """The région administrative the plan's organisation names (None when it names none)."""
        return find_region(self.plan(plan_id).organisme.region)

    def view_of(self, page: Page) -> str:
        """The folder of a value view's page (« clienteles »): the field's view it lists."""
        return page.niveau or page.url.rstrip("/").rsplit("/", 1)[-1]

    def find(self, plan_id: str, type_: str, element_id: str) -> Element | None:
        return self.tree(plan_id).element(type_, element_id)

    def neighbours(self, page: Page) -> tuple[Page | None, Page | None]:
        """The pages before and after `page` among the plan's pages of its sort and level."""
        sequence = self.sequences.get(_sequence_key(page), [])
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

    def findings_at(self, plan_id: str, url: str) -> list[Finding]:
        """The findings a page shows: those whose record lies on that page (its element or a part of it).

        Only non-conformités and avertissements: an erreur stops the build before any page, and
        an info is for editors.
        """
        if not any(key[0] == plan_id for key in self._findings_at):
            self._findings_at[(plan_id, "")] = []  # marks the plan as indexed
            for finding in self.findings_of(plan_id):
                if not finding.severity.is_published:
                    continue
                page = self.page_for(plan_id, finding.record)
                if page is not None:
                    self._findings_at.setdefault((plan_id, page.url), []).append(finding)
        return self._findings_at.get((plan_id, url), [])

    def page_for(self, plan_id: str, path: tuple[str | int, ...] | str | None) -> Page | None:
        """The page of the deepest record with a page along a YAML path (« enjeux.2.actions.0 »)."""
        parts: tuple[str | int, ...] = ()
        if isinstance(path, str):
            parts = tuple(int(p) if p.isdigit() else p for p in path.split(".") if p)
        elif path:
            parts = tuple(path)
        for end in range(len(parts), 0, -1):
            url = self._paths.get((plan_id, parts[:end]))
            if url is not None:
                return self.pages.by_url.get(url)
        return self.pages.by_url.get(plan_url(plan_id))

    def urls(self, plan_id: str) -> dict[str, str]:
        """What view objects link to: « partenaire:<id> » → the partner's page, « referentiel » → the view
        that lists the référentiel's items (when the kind offers it)."""
        if plan_id not in self._urls:
            tree = self.tree(plan_id)
            found = {f"partenaire:{p.id}": partner_url(plan_id, p.id) for p in tree.plan.partenaires}
            programme = browse_url(plan_id, "programme")
            if programme in self.pages.by_url and self.reference_lists(plan_id):
                found["referentiel"] = programme
            self._urls[plan_id] = found
        return self._urls[plan_id]

    # --- what other modules work out -----------------------------------------------------

    def portail(self) -> Portail:
        """The pages across plans (programmes, organisations, régions), worked out once per build."""
        if not self._portail:
            self._portail.append(build_portail(self))
        return self._portail[0]

    def completude(self, plan_id: str) -> Completude:
        if plan_id not in self._completudes:
            self._completudes[plan_id] = completude(self.tree(plan_id))
        return self._completudes[plan_id]

    def tableau(self, plan_id: str) -> suivi.Tableau:
        return suivi.tableau(self.tree(plan_id))

    def timeline(self, plan_id: str) -> suivi.Timeline:
        return suivi.timeline(self.tree(plan_id))

    def history(self, plan_id: str) -> list[historique.Version]:
        entry = self.entry(plan_id)
        folder = str(entry.source.path.parent)
        if folder not in self._folder_logs:  # one git call per folder and build, not one per plan
            self._folder_logs[folder] = historique.folder_log(entry.source.path.parent)
        return historique.history(entry.tree, entry.source.path, self.catalogue.kinds, self._folder_logs[folder])

    def refresh_history(self) -> None:
        """A new build: read git again (a commit may have come without any plan file changing)."""
        self._folder_logs.clear()

    def rapport(self, plan_id: str, annee: int) -> rapport.Rapport:
        return rapport.report(self.tree(plan_id), annee)

    # --- cross-references ----------------------------------------------------------------

    def partner_fields(self, plan_id: str) -> list[tuple[Niveau, Champ]]:
        """The kind's partner fields (porteurs, collaborateurs…), in the kind's order."""
        return [(n, c) for n, c in self.tree(plan_id).kind.spec.champs() if c.type == "partenaires"]

    def partner_rows(self, plan_id: str) -> list[PartnerRow]:
        """Every partner of the registry, then every id named without being in it, with its roles."""
        return list(self._partners(plan_id).values())

    def partner_row(self, plan_id: str, partner_id: str) -> PartnerRow | None:
        """One partner with its roles, one per partner field of the kind (empty ones included)."""
        return self._partners(plan_id).get(partner_id)

    def _partners(self, plan_id: str) -> dict[str, PartnerRow]:
        if plan_id not in self._roles:
            tree = self.tree(plan_id)
            fields = self.partner_fields(plan_id)
            position = {id(c): i for i, (_n, c) in enumerate(fields)}
            roles = [c.role or c.libelle.lower() for _n, c in fields]
            # Headings are named after the role, or after the field when two fields share a role.
            idents = [slug(r) if roles.count(r) == 1 else slug(c.cle) for r, (_n, c) in zip(roles, fields, strict=True)]

            def row(ref: str, partenaire: Partenaire | None) -> PartnerRow:
                return PartnerRow(
                    ref, partenaire, [PartnerRole(n, c, i) for (n, c), i in zip(fields, idents, strict=True)]
                )

            rows = {p.id: row(p.id, p) for p in tree.plan.partenaires}
            for element in tree.elements:
                for champ, refs in element.partenaires():
                    for ref in refs:
                        found = rows.get(ref) or rows.setdefault(ref, row(ref, None))
                        named = found.roles[position[id(champ)]].elements
                        if not named or named[-1] is not element:  # named twice in one field
                            named.append(element)
            self._roles[plan_id] = rows
        return self._roles[plan_id]

    def reference_lists(self, plan_id: str) -> list[ReferenceList]:
        """For each référentiel list the kind's reference fields name, its items and the elements naming each."""
        if plan_id not in self._references:
            self._references[plan_id] = _reference_lists(self.tree(plan_id))
        return self._references[plan_id]

    def echeances(self, plan_id: str) -> Echeances:
        """The elements with an échéance field, grouped as the échéances view shows them."""
        if plan_id not in self._echeances:
            self._echeances[plan_id] = _echeances(self.tree(plan_id))
        return self._echeances[plan_id]

    def value_groups(self, plan_id: str, dossier: str) -> list[ValueGroup]:
        """The values of the field whose view is `dossier` (« clienteles »), in order of appearance."""
        return list(self._value_index(plan_id, dossier).values())

    def value_group(self, plan_id: str, dossier: str, key: str) -> ValueGroup | None:
        return self._value_index(plan_id, dossier).get(key)

    def _value_index(self, plan_id: str, dossier: str) -> dict[str, ValueGroup]:
        if (plan_id, dossier) not in self._values:
            champ = self.value_field(plan_id, dossier)
            groups = self.tree(plan_id).value_groups(champ) if champ else {}
            self._values[(plan_id, dossier)] = {
                key: ValueGroup(key, text, value_url(plan_id, dossier, text), elements)
                for key, (text, elements) in groups.items()
            }
        return self._values[(plan_id, dossier)]

    def value_field(self, plan_id: str, dossier: str) -> Champ | None:
        return next((c for _n, c in self.tree(plan_id).kind.spec.value_views() if c.vue == dossier), None)

    def value_level(self, plan_id: str, dossier: str) -> Niveau | None:
        return next((n for n, c in self.tree(plan_id).kind.spec.value_views() if c.vue == dossier), None)


def _reference_lists(tree: PlanTree) -> list[ReferenceList]:
    if tree.referentiel is None:
        return []
    found = []
    for niveau, champ in tree.kind.spec.champs():
        if champ.type != "reference" or not champ.referentiel:
            continue
        by_number: dict[int, list[Element]] = {}
        for element in tree.of_type(niveau.type):
            if champ.cle in element.dispenses:
                continue  # the convention's obligations count under no objective or axe
            for number in dict.fromkeys(element.valeur(champ.cle) or []):
                by_number.setdefault(number, []).append(element)
        items = getattr(tree.referentiel, champ.referentiel, None) or []
        coverage = [Coverage(item, by_number.get(item.numero, [])) for item in items]
        found.append(ReferenceList(champ.referentiel, niveau, champ, coverage))
    return found


def _echeance_keys(terme: Terme) -> list[str]:
    """The groups one term puts its element in: every calendar year its period covers, or its genre."""
    if terme.genre == "continu":
        return [CONTINU]
    if terme.genre == "recurrente":
        return [RECURRENTE]
    if terme.genre == "au_besoin":
        return [AU_BESOIN]
    if terme.debut and terme.fin:
        return [str(y) for y in range(terme.debut.year, terme.fin.year + 1)]
    if terme.debut or terme.fin:
        return [str((terme.debut or terme.fin or _FAR).year)]
    return [AUTRES]


def _echeances(tree: PlanTree) -> Echeances:
    """« An 1 »… when the plan names plan years, then « En continu », calendar years, « Récurrente »,
    « Au besoin », « Autres » (wording not understood), « Non datée » (no échéance at all).

    An element appears once per group, always with its whole échéance as written: a list such
    as « 18 décembre 2020 et automne 2021 » is never cut, it is listed under each year it names.
    """
    dated = [e for e in tree.elements if any(c.type == "echeance" for c in e.niveau.champs)]
    par_annee_plan = any(e.annees_plan for e in dated)
    years: dict[int, EcheanceGroup] = {}
    others: dict[str, dict[int, tuple[dt.date, int, EcheanceItem]]] = {}
    sans = EcheanceGroup(slug(SANS), SANS)
    for position, element in enumerate(dated):
        if not element.termes:
            sans.items.append(EcheanceItem(element, None))
            continue
        for year in element.annees_plan:
            group = years.setdefault(year, EcheanceGroup(f"an-{year}", tree.annee_label(year)))
            group.items.append(EcheanceItem(element, element.echeance_texte))
        for terme in element.termes:
            if terme.annee_plan is not None:
                continue
            when = terme.fin or terme.debut or _FAR
            for key in _echeance_keys(terme):
                group_items = others.setdefault(key, {})
                earlier = group_items.get(position)
                if earlier is None or when < earlier[0]:
                    group_items[position] = (when, position, EcheanceItem(element, element.echeance_texte))
    groups = [years[y] for y in sorted(years)]
    order = [CONTINU, *sorted(k for k in others if k.isdigit()), RECURRENTE, AU_BESOIN, AUTRES]
    for key in order:
        if key in others:
            items = sorted(others[key].values(), key=lambda t: (t[0], t[1]))
            groups.append(EcheanceGroup(slug(key), key, [item for _w, _p, item in items]))
    if sans.items:
        groups.append(sans)
    return Echeances(par_annee_plan, groups)


def _sequence_key(page: Page) -> tuple[str, str, str]:
    """Pages of one plan that follow one another: elements of a level, partners, values of a view."""
    return (page.plan_id or "", page.kind, page.niveau or "")


def build_site(catalogue: Catalogue) -> Site:
    trees = [e.tree for e in catalogue.entries]
    site = Site(catalogue, build_page_map(trees))
    for tree in trees:
        for element in tree.elements:
            site.elements[element.url] = element
            site._paths[(tree.id, tuple(element.path))] = element.url
        for index, partenaire in enumerate(tree.plan.partenaires):
            site._paths[(tree.id, ("partenaires", index))] = partner_url(tree.id, partenaire.id)
    for page in site.pages:
        if page.record_id is not None:
            sequence = site.sequences.setdefault(_sequence_key(page), [])
            site._positions[id(page)] = len(sequence)
            sequence.append(page)
    return site
