"""Follow-up of a plan: statuses, results against targets, what is late, the timeline grid.

The follow-up elements are those of the levels whose kind declares a `suivi` field (the
actions, the moyens d'action…), whatever the kind. Their years are plan years when the plan
numbers its years (« An 2 » in an échéance, a target's `annee`, or the plan's `annees`), and
calendar years otherwise (the year each dated échéance ends).

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

from plan_ouvert.source.echeance import number_in
from plan_ouvert.source.kinds import Niveau
from plan_ouvert.source.model import Cible, Suivi
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.libelles import STATUTS_SUIVI, de

STATUTS = list(STATUTS_SUIVI)  # in the order the labels list them
CLOSED = ("realise", "abandonne")


# --- Years of an element ---------------------------------------------------------------------


def follows_up(niveau: Niveau) -> bool:
    """Whether the kind gives this level a follow-up (a field of type suivi)."""
    return any(c.type == "suivi" for c in niveau.champs)


def followed(tree: PlanTree) -> list[Element]:
    """The elements a follow-up can report on, in the plan's order."""
    return [e for e in tree.elements if follows_up(e.niveau)]


def echeance_years(tree: PlanTree, element: Element) -> list[int]:
    """The plan years an element's échéance names; when the plan's years are calendar years
    (« An 2 (2025-2025) »), a dated échéance is in every year its period covers (« Été 2025 » is
    in An 2, « 2024 à 2026 » in three). A recurrence (« Annuellement, à l'automne ») comes back
    in every plan year, from its « dès … » if it names one."""
    years = set(element.annees_plan)
    calendar = {a.debut: a.numero for a in tree.plan.annees if a.debut == a.fin}
    for terme in element.termes:
        if terme.genre == "recurrente":
            start = terme.debut.year if terme.debut else None
            years.update(a.numero for a in tree.plan.annees if start is None or a.fin >= start)
        elif terme.debut and terme.fin:
            years.update(calendar[y] for y in range(terme.debut.year, terme.fin.year + 1) if y in calendar)
    return sorted(years)


def plan_years(tree: PlanTree, element: Element) -> list[int]:
    """The plan years an element concerns: its échéance's and its own targets'."""
    years = set(echeance_years(tree, element))
    years.update(y for y, _cible in element.cibles() if y is not None)
    return sorted(years)


def calendar_years(element: Element) -> list[int]:
    """The calendar years the element's dated échéances cover (a quarter or a range, all its months)."""
    return sorted({y for t in element.termes if t.debut and t.fin for y in range(t.debut.year, t.fin.year + 1)})


def numbers_years(tree: PlanTree) -> bool:
    """Whether the plan counts its follow-up in plan years (An 1, An 2…) or in calendar years."""
    return bool(tree.plan.annees) or any(plan_years(tree, e) for e in followed(tree))


# --- The dashboard ---------------------------------------------------------------------------


@dataclass
class ElementSuivi:
    """A follow-up element, as the dashboard and the timeline show it."""

    element: Element
    suivi: Suivi | None
    years: list[int] = field(default_factory=list)  # plan years, or calendar years (see Timeline)
    fin: dt.date | None = None  # last day of a dated échéance

    @property
    def label(self) -> str:
        return self.element.libelle

    @property
    def short_label(self) -> str:
        """The label in the timeline drawing, where space is short: « Moyen 1.2 » for « Moyen d'action 1.2 »."""
        return f"{self.element.niveau.singulier.split()[0]} {self.element.numero}"

    @property
    def texte(self) -> str:
        return self.element.texte or ""

    @property
    def url(self) -> str:
        return self.element.url

    @property
    def statut(self) -> str | None:
        return self.suivi.statut if self.suivi else None

    @property
    def cibles(self) -> list[tuple[int | None, Cible]]:
        return self.element.cibles()


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
class Groupe:
    """The follow-up elements under one parent element (an enjeu, an objectif spécifique)."""

    label: str
    url: str | None
    counts: Counter[str] = field(default_factory=Counter)  # by statut, « sans_suivi » included


@dataclass
class Tableau:
    elements: list[ElementSuivi]
    reference: dt.date | None
    by_statut: Counter[str]
    groups: list[Groupe]
    years: list[YearTargets]
    late: list[ElementSuivi]
    niveaux: list[Niveau]  # the levels followed up, for the page's sentences

    @property
    def has_follow_up(self) -> bool:
        return any(e.suivi for e in self.elements)

    @property
    def caption(self) -> str:
        """« Nombre de moyens d'action par statut », « Nombre d'actions par statut »."""
        words = " ou ".join(n.pluriel.lower() for n in self.niveaux) or "éléments"
        return f"Nombre {de(words)} par statut"

    @property
    def none_late(self) -> str:
        """« Aucune action en retard à cette date. », in the kind's words."""
        words = " ni ".join(f"{n.aucun.lower()} {n.singulier.lower()}" for n in self.niveaux) or "aucun élément"
        return f"{words[0].upper()}{words[1:]} en retard à cette date."


def target_value(cible: Cible) -> float | None:
    return cible.valeur if cible.valeur is not None else number_in(cible.texte)


def elements(tree: PlanTree) -> list[ElementSuivi]:
    numbered = numbers_years(tree)
    found: list[ElementSuivi] = []
    for element in followed(tree):
        ends = [t.fin for t in element.termes if t.fin and not t.depuis]
        years = plan_years(tree, element) if numbered else calendar_years(element)
        found.append(ElementSuivi(element, element.suivi, years, max(ends) if ends else None))
    return found


def reference_date(tree: PlanTree, items: list[ElementSuivi]) -> dt.date | None:
    dates = [e.suivi.date for e in items if e.suivi and e.suivi.date]
    dates += [m.date for m in tree.plan.mises_a_jour]
    return max(dates) if dates else None


def _is_late(tree: PlanTree, item: ElementSuivi, reference: dt.date, numbered: bool) -> bool:
    if item.statut in CLOSED or item.suivi is None:
        return False
    if item.fin is not None:
        return item.fin < reference
    if not numbered:
        return False
    ends = {a.numero: a.fin for a in tree.plan.annees}
    last = max((ends[y] for y in item.years if y in ends), default=None)
    return last is not None and last < reference.year


def _groupe(item: ElementSuivi) -> tuple[str, str | None]:
    parent = item.element.parent
    return (parent.titre, parent.url) if parent else (item.element.niveau.pluriel, None)


def tableau(tree: PlanTree) -> Tableau:
    items = elements(tree)
    numbered = numbers_years(tree)
    reference = reference_date(tree, items)
    by_statut: Counter[str] = Counter(e.statut or "sans_suivi" for e in items)
    groups: dict[tuple[str, str | None], Groupe] = {}
    for item in items:
        key = _groupe(item)
        groups.setdefault(key, Groupe(*key)).counts[item.statut or "sans_suivi"] += 1
    years: dict[int, YearTargets] = {}
    for item in items:
        for year, cible in item.cibles:
            if year is None:
                continue
            row = years.setdefault(year, YearTargets(year, tree.annee_label(year)))
            row.total += 1
            target = target_value(cible)
            if target is not None and cible.valeur_realisee is not None:
                row.measured += 1
                row.met += cible.valeur_realisee >= target
    late = [e for e in items if reference and _is_late(tree, e, reference, numbered)]
    niveaux = [n for n in tree.niveaux if follows_up(n)]
    return Tableau(items, reference, by_statut, list(groups.values()), [years[y] for y in sorted(years)], late, niveaux)


# --- The timeline ----------------------------------------------------------------------------


@dataclass
class Timeline:
    """A grid: one row per follow-up element, one column per plan year (or calendar year)."""

    columns: list[str]
    rows: list[tuple[ElementSuivi, list[bool]]]
    # Each column's heading in the drawing, one short line per item (« An 1 », « 2024-2025 »).
    heads: list[tuple[str, ...]] = field(default_factory=list)


def year_head(tree: PlanTree, number: int) -> tuple[str, ...]:
    """A plan year on two short lines: one line « An 1 (2024-2025) » is wider than its column."""
    word = tree.kind.spec.annee
    annee = tree.annee(number)
    if annee is None:
        return (f"{word} {number}",)
    return (f"{word} {number}", str(annee.debut) if annee.debut == annee.fin else f"{annee.debut}-{annee.fin}")


def timeline(tree: PlanTree) -> Timeline:
    items = elements(tree)
    if numbers_years(tree):
        numbers = sorted({a.numero for a in tree.plan.annees} | {y for e in items for y in e.years})
        labels = [tree.annee_label(n) for n in numbers]
        heads = [year_head(tree, n) for n in numbers]
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
