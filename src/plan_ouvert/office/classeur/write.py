"""Writing a plan's workbook: its sheets from the element tree, then reproducible bytes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from plan_ouvert.formats.xlsx import clean, put, workbook_bytes
from plan_ouvert.source.kinds import Champ, Kind
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.export import strip_private
from plan_ouvert.views.opendata import stamp

from .columns import (
    ALLOCATION_COLUMNS,
    ANNEES_COLUMNS,
    ANNEES_SHEET,
    CIBLE_COLUMNS,
    CIBLES_SHEET,
    COLONNES_SHEET,
    ELEMENT_REF,
    FIELD_REF,
    FINANCEMENT_COLUMNS,
    FINANCEMENT_SHEET,
    INDICATEUR_COLUMNS,
    INDICATEURS_SHEET,
    JSON_CONV,
    MISES_A_JOUR_COLUMNS,
    MISES_A_JOUR_SHEET,
    PARTENAIRES_COLUMNS,
    PARTENAIRES_SHEET,
    PLAN_COLUMNS,
    PLAN_LISTS,
    PLAN_SHEET,
    RECORDS_SHEET,
    RESSOURCES_COLUMNS,
    RESSOURCES_SHEET,
    TEMPS_SHEET,
    Col,
    FieldCol,
    get_value,
    needs_field_column,
    record_columns,
    structured_fields,
)

# --- Writing ---------------------------------------------------------------------------------


@dataclass
class Sheet:
    title: str
    columns: list[Col]
    rows: list[list[object]] = field(default_factory=list)


def _record_row(element: Element, columns: list[FieldCol]) -> list[object]:
    row: list[object] = []
    for fc in columns:
        if element.type not in fc.levels:
            row.append(None)
        elif fc.champ_key == "niveau":
            row.append(element.niveau.singulier)
        elif fc.champ_key == "id":
            row.append(element.id)
        elif fc.champ_key == "parent":
            row.append(element.parent.id if element.parent else None)
        elif fc.champ_key == "numero":
            row.append(element.record.numero)
        elif fc.champ_key == "anciens_ids":
            row.append(fc.col.conv.write(element.anciens_ids))
        else:
            value = element.valeur(fc.champ_key)
            if fc.part is not None:
                value = getattr(value, fc.part, None)
            row.append(fc.col.conv.write(value) if value is not None else None)
    return row


def _row(record: Any, columns: list[Col]) -> list[object]:
    out: list[object] = []
    for col in columns:
        value = get_value(record, col.key)
        out.append(None if value is None or value == [] else col.conv.write(value))
    return out


def _flat(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted key, value) of every plain value of the plan's own fields (« organisme.nom »)."""
    for key, value in data.items():
        if isinstance(value, dict):
            yield from _flat(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def _ref(element: Element, champ: Champ, with_field: bool) -> list[object]:
    return [element.niveau.singulier, element.id, *([champ.libelle] if with_field else [])]


def sheets(tree: PlanTree) -> list[Sheet]:
    """The workbook's sheets, with their rows, for one plan."""
    kind, plan = tree.kind, tree.plan
    # The plan's own fields as published (no `prive`), without its levels and registries.
    held = {n.cle for n in kind.spec.niveaux} | PLAN_LISTS
    data = strip_private(plan.model_dump(mode="json", exclude_none=True, exclude_defaults=True, exclude=held))
    plan_sheet = Sheet(PLAN_SHEET, [Col("Champ", "champ"), Col("Valeur", "valeur"), Col("Clé", "cle")])
    for col in PLAN_COLUMNS:
        value = get_value(plan, col.key)
        if col.key == "gabarit":
            value = kind.id
        if value is None or value == [] or (col.key == "fictif" and not value):
            continue
        plan_sheet.rows.append([col.header, col.conv.write(value), col.key])
    written = {c.key for c in PLAN_COLUMNS}
    for key, value in _flat(data):
        if key not in written:  # a field this workbook has no row for: kept as JSON, read back as such
            plan_sheet.rows.append([key, JSON_CONV.write(value), key])

    columns = record_columns(kind)
    records = Sheet(RECORDS_SHEET, [fc.col for fc in columns])
    records.rows = [_record_row(e, columns) for e in tree.elements]

    made = [plan_sheet, records]
    with_field = needs_field_column(kind, "indicateurs")
    ref = [*ELEMENT_REF, *([FIELD_REF] if with_field else [])]
    if structured_fields(kind, "indicateurs"):
        indicateurs = Sheet(INDICATEURS_SHEET, [*ref, *INDICATEUR_COLUMNS])
        cibles = Sheet(CIBLES_SHEET, [*ref, *CIBLE_COLUMNS])
        for element in tree.elements:
            position = 0
            for champ in element.niveau.champs:
                if champ.type != "indicateurs":
                    continue
                for indicateur in element.valeur(champ.cle) or []:
                    position += 1
                    head = _ref(element, champ, with_field)
                    indicateurs.rows.append(
                        [
                            *head,
                            *_row({"position": position}, INDICATEUR_COLUMNS[:1]),
                            *_row(indicateur, INDICATEUR_COLUMNS[1:]),
                        ]
                    )
                    for cible in indicateur.cibles:
                        cibles.rows.append([*head, position, *_row(cible, CIBLE_COLUMNS[1:])])
        made += [indicateurs, cibles]
    if kind.spec.has_field_type("temps_imparti"):
        with_t = needs_field_column(kind, "temps_imparti")
        temps = Sheet(TEMPS_SHEET, [*ELEMENT_REF, *([FIELD_REF] if with_t else []), *ALLOCATION_COLUMNS])
        for element in tree.elements:
            for champ in element.niveau.champs:
                value = element.valeur(champ.cle) if champ.type == "temps_imparti" else None
                for allocation in value.allocations if value is not None else []:
                    temps.rows.append([*_ref(element, champ, with_t), *_row(allocation, ALLOCATION_COLUMNS)])
        made.append(temps)
    if structured_fields(kind, "financement"):
        with_f = needs_field_column(kind, "financement")
        financement = Sheet(FINANCEMENT_SHEET, [*ELEMENT_REF, *([FIELD_REF] if with_f else []), *FINANCEMENT_COLUMNS])
        for element in tree.elements:
            for champ in element.niveau.champs:
                if champ.type == "financement":
                    for item in element.valeur(champ.cle) or []:
                        financement.rows.append([*_ref(element, champ, with_f), *_row(item, FINANCEMENT_COLUMNS)])
        made.append(financement)
    made.append(Sheet(PARTENAIRES_SHEET, PARTENAIRES_COLUMNS, [_row(p, PARTENAIRES_COLUMNS) for p in plan.partenaires]))
    if kind.spec.ressources:
        ressources = getattr(plan, "ressources", [])
        made.append(Sheet(RESSOURCES_SHEET, RESSOURCES_COLUMNS, [_row(r, RESSOURCES_COLUMNS) for r in ressources]))
    made.append(Sheet(ANNEES_SHEET, ANNEES_COLUMNS, [_row(a, ANNEES_COLUMNS) for a in plan.annees]))
    made.append(
        Sheet(MISES_A_JOUR_SHEET, MISES_A_JOUR_COLUMNS, [_row(m, MISES_A_JOUR_COLUMNS) for m in plan.mises_a_jour])
    )
    made.append(_colonnes(kind, made))
    return made


def _colonnes(kind: Kind, made: list[Sheet]) -> Sheet:
    """The « Colonnes » sheet: each column of each sheet, explained in French."""
    sheet = Sheet(COLONNES_SHEET, [Col("Feuille", "feuille"), Col("Colonne", "colonne"), Col("Explication", "aide")])
    niveaux = ", ".join(f"« {n.singulier} »" for n in kind.spec.niveaux)
    sheet.rows.append(
        [
            PLAN_SHEET,
            "Champ, Valeur",
            "Les champs du plan, un par ligne ; la colonne « Clé » les nomme pour le "
            "programme qui relit le classeur (ne la modifiez pas).",
        ]
    )
    for col in PLAN_COLUMNS:
        sheet.rows.append([PLAN_SHEET, col.header, col.explanation])
    sheet.rows.append(
        [
            RECORDS_SHEET,
            "(toutes)",
            f"Une ligne par élément du plan ({niveaux}), dans l'ordre du plan : l'ordre "
            "des lignes donne l'ordre des éléments sous leur parent. Une cellule vide : le plan ne dit rien.",
        ]
    )
    for other in made[1:]:
        for col in other.columns:
            explanation = col.explanation
            if col.key == "niveau":
                explanation = f"Le niveau de l'élément : {niveaux}."
            sheet.rows.append([other.title, col.header, explanation])
    return sheet


# Column widths: a long text column is wide and wraps; a key column stays narrow.
_WIDE = 50.0
_NARROW = 16.0


def _width(col: Col, rows: Iterable[object]) -> float:
    longest = max((max((len(x) for x in str(v).splitlines()), default=0) for v in rows if v is not None), default=0)
    return max(min(float(max(longest, len(col.header)) + 2), _WIDE), 8.0 if longest else _NARROW)


def workbook(tree: PlanTree) -> Workbook:
    """The sheets in a workbook kept in memory: a plan's workbook is small, and streaming it
    through temporary files (openpyxl's write-only mode) costs more than it saves."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = "Plan ouvert"
    book.properties.title = clean(f"{tree.plan.titre} ({tree.plan.id})")
    book.properties.language = "fr-CA"
    bold = Font(name="Calibri", bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for made in sheets(tree):
        sheet = book.create_sheet(made.title)
        for index, col in enumerate(made.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _width(col, (r[index - 1] for r in made.rows))
            put(sheet, 1, index, col.header).font = bold
        sheet.freeze_panes = "A2"
        for number, row in enumerate(made.rows, start=2):
            for index, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = put(sheet, number, index, value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str) and ("\n" in value or len(value) > _WIDE):
                    cell.alignment = wrap
    return book


def xlsx_bytes(tree: PlanTree) -> bytes:
    """The editable workbook of one plan; the same plan gives the same bytes."""
    return workbook_bytes(workbook(tree), stamp([tree.plan]))
