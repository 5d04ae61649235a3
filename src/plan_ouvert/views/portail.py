"""The portal across plans: programmes, organisations and régions, the coverage matrix.

What the ministry, a région or a journalist reads across plans: every plan of a programme with
its state, which plans cover which objective or axe of the programme's référentiel, and the
organisations grouped by région administrative. Computed once per build (Site.portail) in one
pass over the plans, each plan's facts once: no page scans the catalogue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from plan_ouvert.source.findings import Severity, count
from plan_ouvert.source.kinds import Niveau
from plan_ouvert.source.model import ElementReferentiel
from plan_ouvert.source.regions import Region, find_region, regions
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views import opendata, suivi
from plan_ouvert.views.libelles import STATUTS_PLAN
from plan_ouvert.views.opendata import Column, Table
from plan_ouvert.views.pages import (
    organisation_id,
    organisation_url,
    plan_url,
    programme_key,
    programme_url,
    report_url,
)
from plan_ouvert.views.presenters import liste

if TYPE_CHECKING:
    from plan_ouvert.views.context import SiteContext as Site

SANS_REGION = "Région non précisée"


@dataclass
class Rapport:
    label: str  # « An 1 (2024-2025) »
    url: str


@dataclass
class PlanRow:
    """One plan as the portal lists it."""

    tree: PlanTree
    organisation: Organisation
    region: Region | None
    programme: str  # key of its programme (« acces-entreprise-quebec »)
    programme_titre: str
    periode: str  # « 2022-2025 », or « Non précisée »
    debut: int | None  # first year covered, for ordering
    statut: str  # « En vigueur », or « Non précisé »
    completude: int  # percent
    non_conformites: int
    mise_a_jour: dt.date | None
    cibles: list[suivi.YearTargets]
    rapports: list[Rapport]
    avancement: suivi.Avancement

    @property
    def id(self) -> str:
        return self.tree.id

    @property
    def url(self) -> str:
        return plan_url(self.tree.id)

    @property
    def titre(self) -> str:
        return self.tree.plan.titre

    @property
    def type(self) -> str:
        """The kind's short name: « PIAR », « Programmation PAC »."""
        return self.tree.kind.spec.sigle

    @property
    def fictif(self) -> bool:
        return self.tree.plan.fictif

    @property
    def court(self) -> str:
        """« PIAR, 2021 », « Programmation PAC, 2022-2025 »: the plan among its organisation's."""
        plan = self.tree.plan
        when = self.periode if self.debut is not None else (str(plan.date_plan.year) if plan.date_plan else "")
        return f"{self.type}, {when}" if when else self.type

    @property
    def region_label(self) -> str:
        return self.region.libelle if self.region else SANS_REGION


@dataclass
class Organisation:
    id: str
    nom: str
    region: Region | None
    code_geographique: str | None
    site_web: str | None
    rows: list[PlanRow] = field(default_factory=list)

    @property
    def url(self) -> str:
        return organisation_url(self.id)

    @property
    def fictif(self) -> bool:
        """Every plan of the organisation is a demonstration: so is the organisation."""
        return bool(self.rows) and all(r.fictif for r in self.rows)


@dataclass(frozen=True)
class MatrixColumn:
    liste: str  # « axes »
    item: ElementReferentiel

    @property
    def entete(self) -> str:
        """The short column heading: « Axe 3 »."""
        return f"{liste(self.liste).court.capitalize()} {self.item.numero}"

    @property
    def ident(self) -> str:
        return f"{self.liste.replace('_', '-')}-{self.item.numero}"


@dataclass
class MatrixGroup:
    """A list of the référentiel in the matrix: its heading over its columns."""

    liste: str
    niveau: Niveau  # the level whose elements name the items (the enjeux)
    columns: list[MatrixColumn]

    @property
    def titre(self) -> str:
        return liste(self.liste).titre


@dataclass
class Matrix:
    """Rows: the plans; columns: the référentiel's items; cells: how many elements name the item."""

    groups: list[MatrixGroup]
    rows: list[tuple[PlanRow, list[int]]]

    @property
    def columns(self) -> list[MatrixColumn]:
        return [c for g in self.groups for c in g.columns]

    @property
    def covering(self) -> list[int]:
        """For each column, how many plans cover its item at least once."""
        return [sum(1 for _row, cells in self.rows if cells[i]) for i in range(len(self.columns))]

    @property
    def niveaux(self) -> str:
        """« enjeux »: the elements a cell counts, in the kind's words."""
        words = dict.fromkeys(g.niveau.pluriel.lower() for g in self.groups)
        return " ou ".join(words)


@dataclass
class Programme:
    key: str
    titre: str
    ministere: str | None
    rows: list[PlanRow] = field(default_factory=list)
    matrix: Matrix | None = None

    @property
    def url(self) -> str:
        return programme_url(self.key)

    def files(self) -> dict[str, str]:
        """The downloads of the programme's page, by sort, as paths from the site root."""
        base = self.url
        return {
            "plans_csv": f"{base}{self.key}-plans.csv",
            "couverture_csv": f"{base}{self.key}-couverture.csv",
            "xlsx": f"{base}{self.key}.xlsx",
        }


@dataclass
class RegionGroup:
    region: Region | None
    organisations: list[Organisation]

    @property
    def titre(self) -> str:
        return self.region.libelle if self.region else SANS_REGION

    @property
    def ident(self) -> str:
        return f"region-{self.region.code}" if self.region else "region-non-precisee"


@dataclass
class Portail:
    rows: list[PlanRow]  # every plan: by région, organisation, then period
    programmes: dict[str, Programme]
    organisations: dict[str, Organisation]
    regions: list[RegionGroup]

    def options(self) -> dict[str, list[str]]:
        """The values each filter of the plans list offers, sorted as readers look for them."""
        by_region = {r.region_label: (r.region.code if r.region else "99") for r in self.rows}
        return {
            "programme": sorted({r.programme_titre for r in self.rows}),
            "region": sorted(by_region, key=lambda label: by_region[label]),
            "organisation": sorted({r.organisation.nom for r in self.rows}, key=str.casefold),
            "periode": sorted({r.periode for r in self.rows}),
            "statut": [s for s in [*STATUTS_PLAN.values(), "Non précisé"] if any(r.statut == s for r in self.rows)],
            "type": sorted({r.type for r in self.rows}),
        }


# --- Building ---------------------------------------------------------------------------------


def periode(tree: PlanTree) -> tuple[str, int | None]:
    """« 2022-2025 » from the plan's years, else from its period."""
    plan = tree.plan
    if plan.annees:
        return f"{plan.annees[0].debut}-{plan.annees[-1].fin}", plan.annees[0].debut
    if plan.periode:
        return f"{plan.periode.debut.year}-{plan.periode.fin.year}", plan.periode.debut.year
    return "Non précisée", None


def last_update(tree: PlanTree) -> dt.date | None:
    plan = tree.plan
    dates = [m.date for m in plan.mises_a_jour]
    return max(dates) if dates else plan.date_plan


def _row(site: Site, tree: PlanTree, organisation: Organisation, titles: dict[str, str]) -> PlanRow:
    plan = tree.plan
    text, debut = periode(tree)
    key = programme_key(tree)
    return PlanRow(
        tree=tree,
        organisation=organisation,
        region=find_region(plan.organisme.region),
        programme=key,
        programme_titre=titles[key],
        periode=text,
        debut=debut,
        statut=STATUTS_PLAN[plan.statut] if plan.statut else "Non précisé",
        completude=site.completude(plan.id).score,
        non_conformites=count(site.findings_of(plan.id), Severity.NON_CONFORMITE),
        mise_a_jour=last_update(tree),
        cibles=[y for y in suivi.tableau(tree).years if y.total],
        rapports=[Rapport(tree.annee_label(a.numero), report_url(plan.id, a.numero)) for a in plan.annees],
        avancement=suivi.avancement(tree),
    )


def _matrix(site: Site, rows: list[PlanRow]) -> Matrix | None:
    """The coverage of the programme's référentiel, plan by plan (None: the kind names no list)."""
    groups: dict[str, MatrixGroup] = {}
    counts: list[dict[tuple[str, int], int]] = []
    for row in rows:
        found: dict[tuple[str, int], int] = {}
        for reference in site.reference_lists(row.id):
            group = groups.setdefault(reference.liste, MatrixGroup(reference.liste, reference.niveau, []))
            known = {c.item.numero for c in group.columns}
            for coverage in reference.coverage:
                if coverage.item.numero not in known:
                    group.columns.append(MatrixColumn(reference.liste, coverage.item))
                found[(reference.liste, coverage.item.numero)] = len(coverage.elements)
        counts.append(found)
    if not groups:
        return None
    columns = [c for g in groups.values() for c in g.columns]
    cells = [
        (row, [found.get((c.liste, c.item.numero), 0) for c in columns])
        for row, found in zip(rows, counts, strict=True)
    ]
    return Matrix(list(groups.values()), cells)


def build_portail(site: Site) -> Portail:
    trees = sorted(site.trees, key=lambda t: t.id)
    titles: dict[str, str] = {}
    programmes: dict[str, Programme] = {}
    for tree in trees:
        key = programme_key(tree)
        page = site.pages.by_url.get(programme_url(key))
        titles[key] = page.title if page else key
        if key not in programmes:
            ministere = tree.referentiel.ministere if tree.referentiel else None
            programmes[key] = Programme(key, titles[key], ministere)
    organisations: dict[str, Organisation] = {}
    rows = []
    for tree in trees:
        plan = tree.plan
        ident = organisation_id(plan)
        organisation = organisations.get(ident)
        if organisation is None:
            organisme = plan.organisme
            organisation = Organisation(
                ident, organisme.nom, find_region(organisme.region), organisme.code_geographique, organisme.site_web
            )
            organisations[ident] = organisation
        row = _row(site, tree, organisation, titles)
        if organisation.region is None:  # a later plan of the organisation names its région
            organisation.region = row.region
        organisation.rows.append(row)
        rows.append(row)
    rows.sort(key=_row_order)
    for row in rows:
        programmes[row.programme].rows.append(row)
        row.organisation.rows.sort(key=lambda r: (r.debut or 0, r.id))
    for programme in programmes.values():
        programme.matrix = _matrix(site, programme.rows)
    ordered = dict(sorted(programmes.items(), key=lambda item: (item[1].titre.casefold(), item[0])))
    return Portail(rows, ordered, organisations, _by_region(organisations))


def _row_order(row: PlanRow) -> tuple[str, str, int, str]:
    return (row.region.code if row.region else "99", row.organisation.nom.casefold(), row.debut or 0, row.id)


def _by_region(organisations: dict[str, Organisation]) -> list[RegionGroup]:
    """Régions in the order of their codes, each with its organisations by name; those without last."""
    groups: dict[str | None, list[Organisation]] = {}
    for organisation in sorted(organisations.values(), key=lambda o: (o.nom.casefold(), o.id)):
        groups.setdefault(organisation.region.code if organisation.region else None, []).append(organisation)
    found = [RegionGroup(r, groups[r.code]) for r in regions() if r.code in groups]
    if None in groups:
        found.append(RegionGroup(None, groups[None]))
    return found


# --- Downloads --------------------------------------------------------------------------------

PLAN = Column("plan_id", "Identifiant du plan")
ORGANISME = Column("organisme", "Organisme")


def plans_table(programme: Programme) -> Table:
    """The programme's plans, one row each, as its page lists them."""
    years = sorted({y.annee for row in programme.rows for y in row.cibles})
    columns = [
        PLAN,
        Column("titre", "Titre du plan"),
        ORGANISME,
        Column("region_code", "Code de la région administrative"),
        Column("region", "Région administrative"),
        Column("periode", "Période"),
        Column("type", "Type de plan"),
        Column("statut", "Statut"),
        Column("completude", "Complétude (%)", "integer"),
        Column("non_conformites", "Non-conformités", "integer"),
        Column("mise_a_jour", "Dernière mise à jour", "date"),
        *[Column(f"cibles_atteintes_an_{y}", f"Cibles atteintes, an {y}", "integer") for y in years],
        *[Column(f"cibles_mesurees_an_{y}", f"Cibles mesurées, an {y}", "integer") for y in years],
        Column("rapports", "Redditions de compte (années)"),
        Column("url", "Adresse de la page (depuis la racine du site)"),
    ]
    table = Table("plans", "Plans", columns, primary_key=["plan_id"])
    for row in programme.rows:
        by_year = {y.annee: y for y in row.cibles}
        met = [by_year[y].met if y in by_year else None for y in years]
        measured = [by_year[y].measured if y in by_year else None for y in years]
        table.rows.append(
            [
                row.id,
                row.titre,
                row.organisation.nom,
                row.region.code if row.region else None,
                row.region.nom if row.region else None,
                row.periode,
                row.type,
                row.statut,
                row.completude,
                row.non_conformites,
                row.mise_a_jour,
                *met,
                *measured,
                ", ".join(str(a.numero) for a in row.tree.plan.annees) or None,
                row.url,
            ]
        )
    return table


def matrix_table(matrix: Matrix) -> Table:
    """The coverage matrix: one row per plan, one column per item of the référentiel."""
    columns = [PLAN, ORGANISME]
    for column in matrix.columns:
        columns.append(Column(column.ident.replace("-", "_"), f"{column.entete} : {column.item.libelle}", "integer"))
    table = Table("couverture", "Couverture du référentiel", columns, primary_key=["plan_id"])
    for row, cells in matrix.rows:
        table.rows.append([row.id, row.organisation.nom, *cells])
    return table


def write_files(portail: Portail, folder: Path) -> list[Path]:
    """Each programme's downloads, beside its page: its plans and its matrix as CSV, both in one XLSX."""
    written = []
    for programme in portail.programmes.values():
        files = programme.files()
        tables = {"plans": plans_table(programme)}
        outputs = {files["plans_csv"]: opendata.csv_bytes(tables["plans"])}
        if programme.matrix is not None:
            tables["couverture"] = matrix_table(programme.matrix)
            outputs[files["couverture_csv"]] = opendata.csv_bytes(tables["couverture"])
        outputs[files["xlsx"]] = opendata.xlsx_bytes(tables, opendata.stamp([r.tree.plan for r in programme.rows]))
        for name, data in outputs.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written.append(path)
    return written
