"""The annual reddition de compte: each action or moyen of one plan year, its targets and results.

PAC programmations number their years (« An 1 (2022-2023) »): the report of year N keeps
the moyens whose échéance covers An N and, for each indicator, the cibles whose `annee`
includes N. PIAR plans do not number their years and their cibles rarely state one: the
report of any year lists every action, then the indicators of its enjeu (a PIAR measures
the enjeu, not each action) with every cible, except a cible that names other plan years.
When a plan defines `annees`, only those years can be reported on; a PIAR without them
accepts any year from 1.

The workbook is laid out for filing with the ministry (title block, one line per target,
landscape on letter paper, one page wide) and, like the open data, never reads the clock.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

from .catalogue import load_catalogue
from .libelles import STATUTS_SUIVI
from .model import ID_PATTERN, AnyPlan, Cible, Indicateur, PlanPAC, PlanPIAR, Suivi
from .opendata import DATE_FORMAT, number_text, put, stamp, workbook_bytes
from .pages import action_number
from .rules.pac import cible_years, years_of
from .suivi import target_value, year_label

SANS_SUIVI = "Non renseigné"
FONT = "Calibri"
NO_VALUE = "—"
TITLE = "Reddition de compte annuelle"
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
    """One line of the report: one target of one indicator of one action or moyen."""

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
    plan: AnyPlan
    annee: int
    annee_label: str  # « An 1 (2022-2023) » when the plan defines its years, else « An 1 »
    rows: list[Ligne]
    par_statut: dict[str, int]  # French label → number of actions or moyens, every statut listed
    elements: int  # actions or moyens reported on
    cibles: int  # lines with a target
    cibles_mesurees: int  # with a number for both target and result
    cibles_atteintes: int


def plan_years(plan: AnyPlan) -> list[int] | None:
    """Years that can be reported on; None when any year can (a PIAR without `annees`)."""
    if plan.annees:
        return sorted({a.numero for a in plan.annees})
    if isinstance(plan, PlanPAC):
        return sorted({y for o in plan.objectifs_specifiques for m in o.moyens for y in years_of(m)})
    return None


def _lines(
    groupe: str,
    element_id: str,
    element: str,
    texte: str,
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
            element_id,
            element,
            texte,
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


def report(plan: AnyPlan, annee: int) -> Rapport:
    """The report of plan year `annee`; raises AnneeInconnue when the plan has no such year."""
    known = plan_years(plan)
    if annee < 1 or (known is not None and annee not in known):
        years = ", ".join(f"An {n}" for n in known) if known else "aucune"
        raise AnneeInconnue(f"le plan « {plan.id} » n'a pas d'An {annee} (années du plan : {years}).")
    rows: list[Ligne] = []
    suivis: list[Suivi | None] = []
    if isinstance(plan, PlanPAC):
        for objectif in plan.objectifs_specifiques:
            for moyen in objectif.moyens:
                if annee not in years_of(moyen):
                    continue
                keep = [(i, [c for c in i.cibles if annee in cible_years(c)]) for i in moyen.indicateurs]
                label = f"Moyen d'action {action_number(moyen.id)}"
                groupe = f"Objectif spécifique {objectif.numero}"
                rows += _lines(groupe, moyen.id, label, moyen.texte, moyen.suivi, keep)
                suivis.append(moyen.suivi)
    if isinstance(plan, PlanPIAR):
        for enjeu in plan.enjeux:
            groupe = f"Enjeu {enjeu.id}"
            for action in enjeu.actions:
                label = f"Action {action_number(action.id)}"
                rows += _lines(groupe, action.id, label, action.texte, action.suivi, [])
                suivis.append(action.suivi)
            # A PIAR measures the enjeu, not each action (as its gabarit lays it out): the
            # indicators follow the actions, on lines of the enjeu itself, which has no statut.
            keep = [
                (i, [c for c in i.cibles if not cible_years(c) or annee in cible_years(c)]) for i in enjeu.indicateurs
            ]
            if keep:
                rows += _lines(groupe, enjeu.id, groupe, enjeu.enonce, None, keep, without_suivi=NO_VALUE)
    par_statut = {label: 0 for label in (*STATUTS_SUIVI.values(), SANS_SUIVI)}
    for suivi in suivis:
        par_statut[STATUTS_SUIVI[suivi.statut] if suivi else SANS_SUIVI] += 1
    with_target = [r for r in rows if r.cible is not None]
    measured = [r for r in with_target if r.atteinte is not None]
    return Rapport(
        plan,
        annee,
        year_label(plan, annee),
        rows,
        par_statut,
        len(suivis),
        len(with_target),
        len(measured),
        sum(1 for r in measured if r.atteinte),
    )


def _plural(number: int, word: str) -> str:
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
    sheet.title = f"Reddition An {rapport.annee}"[:31]
    workbook.properties.creator = "Plan ouvert"
    workbook.properties.title = f"{TITLE} — {plan.titre}"[:250]
    workbook.properties.language = "fr-CA"

    bold = Font(name=FONT, bold=True)
    put(sheet, 1, 1, TITLE).font = Font(name=FONT, bold=True, size=14)
    organisme = plan.organisme.nom
    if plan.organisme.delegataire:
        organisme += f" (délégataire : {plan.organisme.delegataire})"
    statuts = ", ".join(f"{label} : {n}" for label, n in rapport.par_statut.items() if n)
    atteintes, mesurees = rapport.cibles_atteintes, rapport.cibles_mesurees
    block = [
        ("Plan", plan.titre),
        ("Organisme", organisme),
        ("Programme", plan.programme),
        ("Année", rapport.annee_label),
        ("Éléments", _plural(rapport.elements, "élément") + (f" ({statuts})" if statuts else "")),
        (
            "Cibles",
            f"{_plural(atteintes, 'cible')} atteinte{'s' if atteintes > 1 else ''} sur {mesurees} "
            f"mesurée{'s' if mesurees > 1 else ''} ({_plural(rapport.cibles, 'cible')} pour l'année)",
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


# --- Command ---------------------------------------------------------------------------------


def _error(message: str) -> int:
    print(f"plan-ouvert : erreur : {message}", file=sys.stderr)
    return 2


def _find(spec: str) -> tuple[AnyPlan | None, int]:
    """The plan named by `spec` (a file, or a plan id under plans/), or None and an exit code."""
    path = Path(spec)
    by_file = path.suffix in (".yml", ".yaml")
    if not by_file and not re.fullmatch(ID_PATTERN, spec):
        # Only a plan id or a .yml file: « ../x » or « a/b » must not reach another file.
        return None, _error(
            f"« {spec[:60]} » n'est ni un identifiant de plan (minuscules, chiffres et traits d'union) "
            "ni un fichier .yml."
        )
    if not by_file and not Path("plans").is_dir():
        return None, _error(f"plan « {spec} » introuvable : pas de dossier plans/ ici, donnez le chemin du fichier.")
    if by_file and not path.is_file():
        return None, _error(f"fichier « {spec} » introuvable.")
    catalogue = load_catalogue([path] if by_file else [Path("plans")])
    entries = (
        catalogue.entries if by_file else [e for e in catalogue.entries if spec in (e.plan.id, *e.plan.anciens_ids)]
    )
    if not entries:
        for finding in catalogue.errors():
            print(finding.format(), file=sys.stderr)
        if by_file:
            return None, _error(f"« {spec} » n'est pas un plan valide (voir ci-dessus).")
        known = ", ".join(sorted(e.plan.id for e in catalogue.entries)) or "aucun"
        return None, _error(f"plan « {spec} » introuvable dans plans/ (plans connus : {known}).")
    plan = entries[0].plan
    errors = [f for f in catalogue.errors() if f.plan == plan.id]
    for finding in errors:
        print(finding.format(), file=sys.stderr)
    if errors:
        print(
            f"plan-ouvert : rapport annulé : {len(errors)} erreur(s) dans le plan « {plan.id} » (voir ci-dessus).",
            file=sys.stderr,
        )
        return None, 1
    return plan, 0


def command(args: argparse.Namespace) -> int:
    """`plan-ouvert rapport PLAN --annee N [--sortie DOSSIER]`: args.plan, args.annee, args.sortie."""
    plan, code = _find(args.plan)
    if plan is None:
        return code
    try:
        rapport = report(plan, args.annee)
    except AnneeInconnue as problem:
        return _error(str(problem))
    folder = Path(args.sortie)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{plan.id}-rapport-an-{args.annee}.xlsx"
    target.write_bytes(report_xlsx(rapport))
    print(f"écrit : {target} ({rapport.annee_label}, {_plural(rapport.elements, 'élément')})")
    return 0
