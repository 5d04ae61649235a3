"""The annual report of a plan year: each follow-up element concerned, its targets and results.

Any kind of plan has one: its name is the kind's (« Reddition de compte », « Bilan annuel »)
and its years are the kind's (« An 1 (2022-2023) »). The elements reported on are those whose
level has a follow-up (suivi.py). When the plan numbers its years, the report of year N keeps
the elements that concern year N (by their échéance or a target of that year) and, for each
indicator, the targets of year N or of no year in particular. A plan that numbers no year (a
PIAR dated by calendar) reports every element in every year, and accepts any year from 1.
An element without follow-up but with indicators (a PIAR's enjeu, a plan's objectif) measures
the elements under it: its indicators get lines of their own after those elements', without
a statut.

The workbook is laid out for filing with the ministry (title block, one line per target,
landscape on letter paper, one page wide) and, like the open data, never reads the clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from plan_ouvert.source.kinds import TypePlan
from plan_ouvert.source.model import AnyPlan, Cible, Indicateur, Suivi
from plan_ouvert.source.tree import Element, PlanTree, cible_years
from plan_ouvert.views.libelles import STATUTS_SUIVI, de
from plan_ouvert.views.opendata import DATE_FORMAT, number_text, put, stamp, workbook_bytes
from plan_ouvert.views.pages import report_name
from plan_ouvert.views.suivi import followed, follows_up, numbers_years, plan_years, target_value

SANS_SUIVI = "Non renseigné"
FONT = "Calibri"
NO_VALUE = "—"
# The kinds' default report name, titled in the workbook as the ministries title it.
DEFAULT_NAME = str(TypePlan.model_fields["rapport"].default)
DEFAULT_TITLE = "Reddition de compte annuelle"
HEADERS = [
    ("Regroupement", 20),
    ("Élément", 18),
    ("Description", 48),
    ("Indicateur", 34),
    ("Cible", 24),
    ("Réalisé", 24),
    ("Cible atteinte", 11),
    ("Statut", 14),
    ("Date du statut", 13),
    ("Commentaire", 40),
]


class AnneeInconnue(ValueError):
    """The plan has no such year; the message is French, for the user."""


@dataclass(frozen=True)
class Ligne:
    """One line of the report: one target of one indicator of one element."""

    groupe: str  # « Enjeu 1 », « Objectif spécifique 1 »
    element_id: str
    element: str  # « Action 1.2 », « Moyen d'action 1.2 »
    texte: str
    indicateur: str | None
    cible: str | None
    valeur_cible: float | None
    realise: str | None
    valeur_realisee: float | None
    atteinte: bool | None  # None when the target or the result has no number
    statut: str  # French label, « Non renseigné » without follow-up
    date: dt.date | None
    commentaire: str | None

    @property
    def atteinte_label(self) -> str:
        return NO_VALUE if self.atteinte is None else ("Oui" if self.atteinte else "Non")

    @property
    def realise_label(self) -> str | None:
        if self.realise:
            return self.realise
        return number_text(self.valeur_realisee) if self.valeur_realisee is not None else None


@dataclass
class Rapport:
    tree: PlanTree
    annee: int
    annee_label: str  # « An 1 (2022-2023) » when the plan defines its years, else « An 1 »
    rows: list[Ligne]
    par_statut: dict[str, int]  # French label → number of elements, every statut listed
    elements: int  # follow-up elements reported on
    cibles: int  # lines with a target
    cibles_mesurees: int  # with a number for both target and result
    cibles_atteintes: int

    @property
    def plan(self) -> AnyPlan:
        return self.tree.plan

    @property
    def nom(self) -> str:
        """The report's name in the kind's words: « Reddition de compte », « Bilan annuel »."""
        return report_name(self.tree)

    @property
    def titre(self) -> str:
        """« Reddition de compte, An 1 (2022-2023) »: the page's title and the table's caption."""
        return f"{self.nom}, {self.annee_label}"

    @property
    def titre_classeur(self) -> str:
        return DEFAULT_TITLE if self.nom == DEFAULT_NAME else self.nom

    @property
    def lien(self) -> str:
        """The download link's words: a kind's own report name may be of either gender."""
        if self.nom == DEFAULT_NAME:
            return "Télécharger la reddition de compte (XLSX)"
        return f"Télécharger le classeur « {self.nom} » (XLSX)"

    @property
    def feuille(self) -> str:
        """The sheet's name, as short as the page's crumb: « Reddition An 1 », « Bilan Année 1 »."""
        return f"{self.nom.split(' ')[0]} {self.tree.kind.spec.annee} {self.annee}"[:31]


def known_years(tree: PlanTree) -> list[int] | None:
    """Years that can be reported on; None when any year can (a plan that numbers none)."""
    if tree.plan.annees:
        return sorted({a.numero for a in tree.plan.annees})
    years = sorted({y for e in followed(tree) for y in plan_years(tree, e)})
    return years or None


def _lines(
    groupe: str,
    element: Element,
    suivi: Suivi | None,
    keep: list[tuple[Indicateur, list[Cible]]],
    without_suivi: str = SANS_SUIVI,
) -> list[Ligne]:
    statut = STATUTS_SUIVI[suivi.statut] if suivi else without_suivi
    date = suivi.date if suivi else None
    commentaire = suivi.commentaire if suivi else None

    def line(indicateur: str | None, cible: Cible | None) -> Ligne:
        target = target_value(cible) if cible else None
        done = cible.valeur_realisee if cible else None
        met = done >= target if target is not None and done is not None else None
        return Ligne(
            groupe,
            element.id,
            element.libelle,
            element.texte or "",
            indicateur,
            cible.texte if cible else None,
            target,
            cible.realise if cible else None,
            done,
            met,
            statut,
            date,
            commentaire,
        )

    if not keep:  # no indicator: the element still gets its line
        return [line(None, None)]
    found: list[Ligne] = []
    for indicateur, cibles in keep:
        if cibles:
            found.extend(line(indicateur.texte, c) for c in cibles)
        else:
            found.append(line(indicateur.texte, None))
    return found


def _year_of(tree: PlanTree, annee: int) -> str:
    return f"{de(tree.kind.spec.annee)} {annee}"


class _Walk:
    """One pass over the tree, children before the element that measures them."""

    def __init__(self, tree: PlanTree, annee: int) -> None:
        self.tree = tree
        self.annee = annee
        self.numbered = numbers_years(tree)
        self.rows: list[Ligne] = []
        self.suivis: list[Suivi | None] = []

    def keep(self, element: Element) -> list[tuple[Indicateur, list[Cible]]]:
        return [
            (i, [c for c in i.cibles if not cible_years(c) or self.annee in cible_years(c)])
            for i in element.indicateurs
        ]

    def concerns(self, element: Element) -> bool:
        return not self.numbered or self.annee in plan_years(self.tree, element)

    def visit(self, element: Element) -> bool:
        """Add the lines of `element` and of the elements under it; whether any was added."""
        start = len(self.rows)
        if follows_up(element.niveau) and self.concerns(element):
            groupe = element.parent.libelle if element.parent else element.niveau.pluriel
            self.rows += _lines(groupe, element, element.suivi, self.keep(element))
            self.suivis.append(element.suivi)
        below = [self.visit(child) for child in element.enfants]
        if not follows_up(element.niveau) and element.indicateurs and (any(below) or self.concerns(element)):
            # Measured at this level (a PIAR measures the enjeu, not each action): the indicators
            # follow the elements under it, on lines of the element itself, which has no statut.
            self.rows += _lines(element.libelle, element, None, self.keep(element), without_suivi=NO_VALUE)
        return len(self.rows) > start


def report(tree: PlanTree, annee: int) -> Rapport:
    """The report of plan year `annee`; raises AnneeInconnue when the plan has no such year."""
    known = known_years(tree)
    if annee < 1 or (known is not None and annee not in known):
        years = ", ".join(f"{tree.kind.spec.annee} {n}" for n in known) if known else "aucune"
        raise AnneeInconnue(f"le plan « {tree.plan.id} » n'a pas {_year_of(tree, annee)} (années du plan : {years}).")
    walk = _Walk(tree, annee)
    for root in tree.roots:
        walk.visit(root)
    par_statut = {label: 0 for label in (*STATUTS_SUIVI.values(), SANS_SUIVI)}
    for suivi in walk.suivis:
        par_statut[STATUTS_SUIVI[suivi.statut] if suivi else SANS_SUIVI] += 1
    with_target = [r for r in walk.rows if r.cible is not None]
    measured = [r for r in with_target if r.atteinte is not None]
    return Rapport(
        tree,
        annee,
        tree.annee_label(annee),
        walk.rows,
        par_statut,
        len(walk.suivis),
        len(with_target),
        len(measured),
        sum(1 for r in measured if r.atteinte),
    )


def plural(number: int, word: str) -> str:
    return f"{number} {word}{'s' if number > 1 else ''}"


def _height(values: list[object]) -> float:
    """Row height in points for wrapped text: neither LibreOffice nor Excel fits it on opening."""
    lines = 1
    for value, (_, width) in zip(values, HEADERS, strict=True):
        if isinstance(value, str):
            per_line = max(int(width * 1.15), 1)  # characters of Calibri 11 per column width unit
            lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
    return 15.0 * lines


def report_xlsx(rapport: Rapport) -> bytes:
    """One sheet: title block, then one bordered line per target under a frozen header."""
    plan = rapport.plan
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = rapport.feuille
    workbook.properties.creator = "Plan ouvert"
    workbook.properties.title = f"{rapport.titre_classeur} — {plan.titre}"[:250]
    workbook.properties.language = "fr-CA"

    bold = Font(name=FONT, bold=True)
    put(sheet, 1, 1, rapport.titre_classeur).font = Font(name=FONT, bold=True, size=14)
    organisme = plan.organisme.nom
    if plan.organisme.delegataire:
        organisme += f" (délégataire : {plan.organisme.delegataire})"
    statuts = ", ".join(f"{label} : {n}" for label, n in rapport.par_statut.items() if n)
    atteintes, mesurees = rapport.cibles_atteintes, rapport.cibles_mesurees
    block = [
        ("Plan", plan.titre),
        ("Organisme", organisme),
        *([("Programme", plan.programme)] if plan.programme else []),
        ("Année", rapport.annee_label),
        ("Éléments", plural(rapport.elements, "élément") + (f" ({statuts})" if statuts else "")),
        (
            "Cibles",
            f"{plural(atteintes, 'cible')} atteinte{'s' if atteintes > 1 else ''} sur {mesurees} "
            f"mesurée{'s' if mesurees > 1 else ''} ({plural(rapport.cibles, 'cible')} pour l'année)",
        ),
    ]
    if plan.fictif:
        block.append(("Attention", "plan fictif : données de démonstration, sans valeur officielle"))
    for row, (label, value) in enumerate(block, start=2):
        put(sheet, row, 1, label).font = bold
        put(sheet, row, 2, value).font = Font(name=FONT)

    header = len(block) + 3  # one blank row after the block
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    fill = PatternFill("solid", fgColor="D9D9D9")
    for column, (title, width) in enumerate(HEADERS, start=1):
        cell = put(sheet, header, column, title)
        cell.font = bold
        cell.fill = fill
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[header].height = _height([h for h, _ in HEADERS])
    # One named style for every data cell: a single assignment per cell instead of three
    # (font, border, alignment), which dominated the cost of a site's reports.
    workbook.add_named_style(NamedStyle(name="ligne", font=Font(name=FONT), border=border, alignment=wrap))
    for row, line in enumerate(rapport.rows, start=header + 1):
        values: list[object] = [
            line.groupe,
            line.element,
            line.texte,
            line.indicateur or NO_VALUE,
            line.cible or NO_VALUE,
            line.realise_label or NO_VALUE,
            line.atteinte_label,
            line.statut,
            line.date,
            line.commentaire,
        ]
        for column, content in enumerate(values, start=1):
            put(sheet, row, column, content).style = "ligne"
        sheet.cell(row=row, column=9).number_format = DATE_FORMAT
        sheet.row_dimensions[row].height = _height(values)

    sheet.freeze_panes = f"A{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Page &P de &N"
    return workbook_bytes(workbook, stamp([plan]))
