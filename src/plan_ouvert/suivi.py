"""Follow-up of a plan: statuses, results against targets, what is late, the timeline grid.

Nothing here reads the clock: « late » is judged at the plan's own reference date (its
latest follow-up or update), so that two builds of the same commit say the same thing.
A plan year counts as past only once the calendar year after it has begun, since the
plans give their years as « 2022-2023 » without the day they end.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .echeance import number_in, parse
from .libelles import STATUTS_SUIVI
from .model import AnyPlan, Cible, PlanPAC, PlanPIAR, Suivi
from .pages import action_number, record_url
from .rules.pac import cible_years

STATUTS = list(STATUTS_SUIVI)  # in the order the labels list them
CLOSED = ("realise", "abandonne")


@dataclass
class Element:
    """An action or a moyen, as follow-up sees it."""

    label: str
    texte: str
    url: str
    groupe: str
    suivi: Suivi | None
    years: list[int] = field(default_factory=list)  # plan years (PAC) or calendar years (PIAR)
    fin: dt.date | None = None  # last day of a dated échéance (PIAR)
    cibles: list[tuple[int | None, Cible]] = field(default_factory=list)

    @property
    def statut(self) -> str | None:
        return self.suivi.statut if self.suivi else None

    @property
    def short_label(self) -> str:
        """The label in the timeline drawing, where space is short."""
        return self.label.replace("Moyen d'action", "Moyen")


@dataclass
class YearTargets:
    annee: int
    label: str
    total: int = 0  # targets for that year
    measured: int = 0  # with a number for both target and result
    met: int = 0

    @property
    def percent(self) -> int | None:
        return self.met * 100 // self.measured if self.measured else None


@dataclass
class Tableau:
    elements: list[Element]
    reference: dt.date | None
    by_statut: Counter[str]
    groups: list[tuple[str, str, Counter[str]]]  # (label, url, counts by statut)
    years: list[YearTargets]
    late: list[Element]

    @property
    def has_follow_up(self) -> bool:
        return any(e.suivi for e in self.elements)


def target_value(cible: Cible) -> float | None:
    return cible.valeur if cible.valeur is not None else number_in(cible.texte)


def year_label(plan: AnyPlan, number: int) -> str:
    for annee in plan.annees:
        if annee.numero == number:
            return f"An {number} ({annee.debut}-{annee.fin})"
    return f"An {number}"


def elements(plan: AnyPlan) -> list[Element]:
    found: list[Element] = []
    if isinstance(plan, PlanPAC):
        for objectif in plan.objectifs_specifiques:
            for moyen in objectif.moyens:
                years = [t.annee_plan for t in parse(moyen.echeance) if t.annee_plan is not None]
                cibles: list[tuple[int | None, Cible]] = [
                    (year, cible)
                    for indicateur in moyen.indicateurs
                    for cible in indicateur.cibles
                    for year in (list[int | None](cible_years(cible)) or [None])
                ]
                found.append(
                    Element(
                        f"Moyen d'action {action_number(moyen.id)}",
                        moyen.texte,
                        record_url(plan.id, "moyen", moyen.id),
                        f"Objectif spécifique {objectif.numero}",
                        moyen.suivi,
                        sorted(set(years)),
                        None,
                        cibles,
                    )
                )
    if isinstance(plan, PlanPIAR):
        for enjeu in plan.enjeux:
            for action in enjeu.actions:
                termes = parse(action.echeance)
                ends = [t.fin for t in termes if t.fin and not t.depuis]
                years = sorted({t.fin.year for t in termes if t.fin})
                found.append(
                    Element(
                        f"Action {action_number(action.id)}",
                        action.texte,
                        record_url(plan.id, "action", action.id),
                        f"Enjeu {enjeu.id}",
                        action.suivi,
                        years,
                        max(ends) if ends else None,
                    )
                )
    return found


def reference_date(plan: AnyPlan, items: list[Element]) -> dt.date | None:
    dates = [e.suivi.date for e in items if e.suivi and e.suivi.date]
    dates += [m.date for m in plan.mises_a_jour]
    return max(dates) if dates else None


def _is_late(plan: AnyPlan, element: Element, reference: dt.date) -> bool:
    if element.statut in CLOSED or element.suivi is None:
        return False
    if element.fin is not None:
        return element.fin < reference
    ends = {a.numero: a.fin for a in plan.annees}
    last = max((ends[y] for y in element.years if y in ends), default=None)
    return last is not None and last < reference.year


def tableau(plan: AnyPlan) -> Tableau:
    items = elements(plan)
    reference = reference_date(plan, items)
    by_statut: Counter[str] = Counter(e.statut or "sans_suivi" for e in items)
    groups: dict[str, Counter[str]] = {}
    urls: dict[str, str] = {}
    for element in items:
        groups.setdefault(element.groupe, Counter())[element.statut or "sans_suivi"] += 1
        urls.setdefault(element.groupe, _group_url(plan, element.groupe))
    years: dict[int, YearTargets] = {}
    for element in items:
        for year, cible in element.cibles:
            if year is None:
                continue
            row = years.setdefault(year, YearTargets(year, year_label(plan, year)))
            row.total += 1
            target = target_value(cible)
            if target is not None and cible.valeur_realisee is not None:
                row.measured += 1
                row.met += cible.valeur_realisee >= target
    late = [e for e in items if reference and _is_late(plan, e, reference)]
    return Tableau(
        items,
        reference,
        by_statut,
        [(g, urls[g], c) for g, c in groups.items()],
        [years[y] for y in sorted(years)],
        late,
    )


def _group_url(plan: AnyPlan, groupe: str) -> str:
    number = groupe.rsplit(" ", 1)[-1]
    if isinstance(plan, PlanPAC):
        for objectif in plan.objectifs_specifiques:
            if str(objectif.numero) == number:
                return record_url(plan.id, "objectif", objectif.id)
    return record_url(plan.id, "enjeu", number)


@dataclass
class Timeline:
    """A grid: one row per action or moyen, one column per plan year (or calendar year)."""

    columns: list[str]
    rows: list[tuple[Element, list[bool]]]
    # Each column's heading in the drawing, one short line per item (« An 1 », « 2024-2025 »).
    heads: list[tuple[str, ...]] = field(default_factory=list)


def year_head(plan: AnyPlan, number: int) -> tuple[str, ...]:
    """A plan year on two short lines: one line « An 1 (2024-2025) » is wider than its column."""
    for annee in plan.annees:
        if annee.numero == number:
            return (f"An {number}", f"{annee.debut}-{annee.fin}")
    return (f"An {number}",)


def timeline(plan: AnyPlan) -> Timeline:
    items = elements(plan)
    if isinstance(plan, PlanPAC):
        numbers = sorted({a.numero for a in plan.annees} | {y for e in items for y in e.years})
        labels = [year_label(plan, n) for n in numbers]
        heads = [year_head(plan, n) for n in numbers]
    else:
        numbers = sorted({y for e in items for y in e.years})
        labels = [str(n) for n in numbers]
        heads = [(label,) for label in labels]
    return Timeline(labels, [(e, [n in e.years for n in numbers]) for e in items], heads)


# Text in the drawing is 12 user units high. Over a label, the glyphs of common sans-serif fonts,
# bold included, average less than 0.75 em (digits take 0.55 to 0.7 em): columns sized for that
# keep labels apart whatever font the reader's system uses, and at any screen width, since the
# text scales with the drawing.
FONT_SIZE = 12
MAX_EM_PER_CHAR = 0.75
LINE_HEIGHT = 15


def text_width(text: str) -> int:
    """An upper bound of the width of `text` in the drawing, in user units."""
    return math.ceil(len(text) * MAX_EM_PER_CHAR * FONT_SIZE)


def svg_geometry(grid: Timeline) -> dict[str, Any]:
    """Sizes for the SVG template, from the longest labels: the drawing itself stays in Jinja."""
    gap = 12  # between two neighbouring labels, and around the row labels
    head_lines = max((len(head) for head in grid.heads), default=1)
    widest_head = max((text_width(line) for head in grid.heads for line in head), default=0)
    widest_row = max((text_width(element.short_label) for element, _cells in grid.rows), default=0)
    label_width = max(110, widest_row + gap)
    cell = max(90, widest_head + gap)
    row_height = 26
    head_height = LINE_HEIGHT * head_lines + 10
    width = label_width + cell * max(len(grid.columns), 1)
    return {
        "label_width": label_width,
        "cell": cell,
        "row_height": row_height,
        "head_height": head_height,
        "line_height": LINE_HEIGHT,
        "width": width,
        # Wide screens enlarge the drawing, and its text with it: up to 1.4 times, no more.
        "max_width": round(width * 1.4),
        "height": head_height + row_height * len(grid.rows),
    }
