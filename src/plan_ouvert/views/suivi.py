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

from plan_ouvert.source.echeance import date_fr, number_in
from plan_ouvert.source.kinds import Niveau
from plan_ouvert.source.model import Cible, Suivi
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.libelles import STATUTS_SUIVI, de
from plan_ouvert.views.pages import element_title

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
    def title(self) -> str:
        """The element's own words, shortened: what a row is named after."""
        return element_title(self.element)

    @property
    def short_label(self) -> str:
        """The row's name in the timeline drawing, where space is short: « 1.2 Produire une trousse… »."""
        return f"{self.element.numero} {element_title(self.element, 34)}"

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
        """The share of measured targets met, rounded to the nearest whole percent (2 of 3: 67)."""
        return round(self.met * 100 / self.measured) if self.measured else None

    @property
    def phrase(self) -> str:
        """« 2 cibles atteintes sur 3 mesurées (67 %) ; 4 cibles prévues », real French plurals."""
        planned = f"{self.total} {_pluriel('cible', self.total)} {_pluriel('prévue', self.total)}"
        if not self.measured:
            return f"aucun résultat déclaré ; {planned}"
        met = f"{self.met} {_pluriel('cible', self.met)} {_pluriel('atteinte', self.met)}"
        return f"{met} sur {self.measured} {_pluriel('mesurée', self.measured)} ({self.percent}\u00a0%) ; {planned}"


def _pluriel(word: str, count: int) -> str:
    """French: 0 and 1 take the singular."""
    return f"{word}s" if count > 1 else word


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
    # The dates each column spans (first day, day after the last), for the « today » marker
    # that the reader's browser places: the build itself never reads the clock.
    spans: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    @property
    def statuts(self) -> list[tuple[str, str]]:
        """The legend: each status present in the drawing, in the bar's order, with its label."""
        present = {e.statut or "sans_suivi" for e, cells in self.rows if any(cells)}
        return [(s, STATUTS_SUIVI.get(s, SANS_SUIVI)) for s in BAR_ORDER if s in present]

    @property
    def spans_attr(self) -> str:
        """« 2024-01-01/2025-01-01 2025-01-01/2026-01-01 »: the columns' spans for the page's script."""
        return " ".join(f"{start.isoformat()}/{end.isoformat()}" for start, end in self.spans)


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
        spans: list[tuple[dt.date, dt.date] | None] = [_span(tree, n) for n in numbers]
    else:
        numbers = sorted({y for e in items for y in e.years})
        labels = [str(n) for n in numbers]
        heads = [(label,) for label in labels]
        spans = [(dt.date(n, 1, 1), dt.date(n + 1, 1, 1)) for n in numbers]
    rows = [(e, [n in e.years for n in numbers]) for e in items]
    known = [s for s in spans if s is not None]
    return Timeline(labels, rows, heads, known if len(known) == len(spans) else [])


def _span(tree: PlanTree, number: int) -> tuple[dt.date, dt.date] | None:
    """A plan year « 2024-2025 » spans from the start of 2024 to the start of 2025 (the plans do
    not say on which day their years turn); « 2025 » spans the calendar year."""
    annee = tree.annee(number)
    if annee is None:
        return None
    end = annee.fin if annee.fin > annee.debut else annee.debut + 1
    return dt.date(annee.debut, 1, 1), dt.date(end, 1, 1)


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


# --- Progress at a glance --------------------------------------------------------------------

# The statuses in the order a progress bar shows them: done first, then under way, then the rest.
BAR_ORDER = ("realise", "en_cours", "a_venir", "reporte", "abandonne", "sans_suivi")
SANS_SUIVI = "Sans suivi"
# Past participles of the statuses, to agree with the level's word (« 5 actions réalisées »).
_PARTICIPES = {"realise": "réalisé", "reporte": "reporté", "abandonne": "abandonné"}
_INVARIABLES = {"en_cours": "en cours", "a_venir": "à venir", "sans_suivi": "sans suivi publié"}


def accord(statut: str, count: int, feminin: bool) -> str:
    """The status as it follows a count: « réalisées », « en cours », « reporté »."""
    if statut in _INVARIABLES:
        return _INVARIABLES[statut]
    word = _PARTICIPES[statut] + ("e" if feminin else "")
    return word + ("s" if count > 1 else "")


def nom(niveau: Niveau | None, count: int) -> str:
    """« 1 action », « 19 actions », « 0 moyen d'action »: French puts 0 and 1 in the singular."""
    if niveau is None:
        return f"{count} élément" + ("s" if count > 1 else "")
    word = niveau.pluriel if count > 1 else niveau.singulier
    return f"{count} {word[:1].lower() + word[1:] if not word[1:2].isupper() else word}"


@dataclass(frozen=True)
class Segment:
    """A part of the progress bar: one status, its count and its share (a whole percent)."""

    statut: str
    label: str
    count: int
    percent: int  # rounded; the shares of a bar add up to 100


@dataclass(frozen=True)
class Echeance:
    """The next échéance of an element still open after the reference date."""

    date: dt.date  # to sort; the last day of a plan year when the plan counts in plan years
    quand: str  # « 31 mars 2026 », « An 2 (2025-2026) »
    element: Element


@dataclass
class Avancement:
    """How far along a plan (or an enjeu) is: what the top of its page and the plans list show."""

    total: int
    counts: Counter[str]
    niveau: Niveau | None  # the level counted, when only one level is followed up
    dernier_suivi: dt.date | None
    prochaine: Echeance | None = None

    @property
    def has_follow_up(self) -> bool:
        return self.total > self.counts["sans_suivi"]

    @property
    def segments(self) -> list[Segment]:
        """The bar's parts, in the bar's order, each with its share rounded to a whole percent."""
        if not self.total:
            return []
        return [
            Segment(s, STATUTS_SUIVI.get(s, SANS_SUIVI), self.counts[s], round(self.counts[s] * 100 / self.total))
            for s in BAR_ORDER
            if self.counts[s]
        ]

    def width(self, segment: Segment) -> str:
        """The segment's exact width in the bar, in CSS percent (« 33.333 »)."""
        return f"{segment.count * 100 / self.total:.3f}"

    @property
    def headline(self) -> str:
        """« 5 actions réalisées sur 19, 8 en cours, 6 à venir » or, without follow-up, what is known."""
        feminin = bool(self.niveau and self.niveau.feminin)
        if not self.total:
            return "Ce plan ne compte aucun élément suivi."
        if not self.has_follow_up:
            return f"Aucun suivi publié : l'organisme n'a pas encore dit {ou_en_sont(self.niveau, self.total)}."
        done = self.counts["realise"]
        first = f"{nom(self.niveau, done)} {accord('realise', done, feminin)} sur {self.total}"
        rest = [f"{self.counts[s]} {accord(s, self.counts[s], feminin)}" for s in BAR_ORDER[1:] if self.counts[s]]
        return ", ".join([first, *rest])

    @property
    def resume(self) -> str:
        """The headline for a table cell: « Aucun suivi publié (20 moyens d'action) » when none."""
        if self.total and not self.has_follow_up:
            return f"Aucun suivi publié ({nom(self.niveau, self.total)})"
        return self.headline

    @property
    def suite(self) -> str:
        """« prochaine échéance : Action 2.1, 31 mars 2026 », or nothing."""
        if self.prochaine is None:
            return ""
        return f"prochaine échéance : {self.prochaine.element.libelle}, {self.prochaine.quand}"

    @property
    def phrase(self) -> str:
        """The headline and the next échéance, as one sentence."""
        suite = self.suite
        return f"{self.headline} ; {suite}." if suite else (self.headline.rstrip(".") + ".")


def ou_en_sont(niveau: Niveau | None, count: int) -> str:
    """« où en sont ses 19 actions », « où en est l'unique action »."""
    if count > 1:
        return f"où en sont ses {nom(niveau, count)}"
    word = nom(niveau, 1).split(" ", 1)[1]
    return f"où en est l'unique {word}"


def avancement(tree: PlanTree, under: Element | None = None) -> Avancement:
    """The progress of the whole plan, or of the elements below `under` (an enjeu)."""
    items = elements(tree)
    if under is not None:
        inside = {id(e) for e in under.descendants()}
        items = [i for i in items if id(i.element) in inside]
    counts: Counter[str] = Counter(i.statut or "sans_suivi" for i in items)
    niveaux = {id(i.element.niveau): i.element.niveau for i in items}
    niveau = next(iter(niveaux.values())) if len(niveaux) == 1 else None
    dates = [i.suivi.date for i in items if i.suivi and i.suivi.date]
    last = max(dates) if dates else None
    reference = reference_date(tree, elements(tree)) if last else None
    upcoming = [e for i in items if reference and (e := _next_echeance(tree, i, reference)) is not None]
    upcoming.sort(key=lambda e: e.date)
    return Avancement(len(items), counts, niveau, last, upcoming[0] if upcoming else None)


def _next_echeance(tree: PlanTree, item: ElementSuivi, reference: dt.date) -> Echeance | None:
    """When an open element is due, at or after the reference date: its dated échéance, else the
    first of its plan years that has not ended (a plan year ends with its last calendar year)."""
    if item.statut in CLOSED:
        return None
    if item.fin is not None:
        return Echeance(item.fin, date_fr(item.fin), item.element) if item.fin >= reference else None
    for number in item.element.annees_plan:
        annee = tree.annee(number)
        if annee is not None and annee.fin >= reference.year:
            return Echeance(dt.date(annee.fin, 12, 31), tree.annee_label(number), item.element)
    return None
