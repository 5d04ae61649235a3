"""The plan's table in a Word document: its header row, its logical rows, a --colonnes mapping."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from plan_ouvert.office import word
from plan_ouvert.office.resultat import (
    ImportFailure,
)
from plan_ouvert.office.word_texte import joined, norm, words_of
from plan_ouvert.source.kinds import ColonneWord, GabaritWord, Kind

# --- Header recognition ------------------------------------------------------------------------


@dataclass
class Header:
    table: word.Table
    row: int  # index of the header row in table.rows
    columns: dict[int, ColonneWord]  # grid start → declared column
    unknown: dict[int, str]  # grid start → header text not recognised
    spans: dict[int, int]  # grid start → grid columns covered


MAX_HEADER = 200  # characters: a longer cell is content, never a column header


def _match_column(text: str, colonnes: list[ColonneWord], taken: set[int]) -> int | None:
    if len(text) > MAX_HEADER:
        return None
    wanted = norm(text)
    if not wanted:
        return None
    for i, col in enumerate(colonnes):
        if i not in taken and wanted in {norm(h) for h in [col.entete, *col.variantes]}:
            return i
    # Extra words around a known header (« Échéances prévues », a footnote mark): the declared
    # header's words must all be there, and make most of the cell.
    have = words_of(text)
    best, best_score = None, 0.0
    for i, col in enumerate(colonnes):
        if i in taken:
            continue
        for h in [col.entete, *col.variantes]:
            need = words_of(h)
            if need and need <= have:
                score = len(need) / len(have)
                if score > best_score and score >= 0.5:
                    best, best_score = i, score
    return best


def find_header(table: word.Table, gabarit: GabaritWord) -> Header | None:
    for index, row in enumerate(table.rows[:4]):
        taken: set[int] = set()
        columns: dict[int, ColonneWord] = {}
        unknown: dict[int, str] = {}
        spans: dict[int, int] = {}
        for cell in row.cells:
            spans[cell.grid_start] = cell.span
            found = _match_column(cell.text, gabarit.colonnes, taken)
            if found is None:
                unknown[cell.grid_start] = cell.text
            else:
                taken.add(found)
                columns[cell.grid_start] = gabarit.colonnes[found]
        levels = {c.niveau for c in columns.values()}
        # A header row names the row level's column and another, or is made only of known headers.
        if (len(columns) >= 2 and gabarit.rangee in levels) or (columns and len(row.cells) == len(columns)):
            return Header(table, index, columns, unknown, spans)
    return None


def headers_found(document: word.Document) -> list[str]:
    """What the document's tables start with, for the message that suggests --colonnes."""
    out = []
    for table in document.tables[:6]:
        if table.rows:
            cells = [" ".join(c.text.split()) for c in table.rows[0].cells if c.text.strip()]
            if cells:
                out.append(f"tableau {table.number} : " + ", ".join(f"« {c} »" for c in cells[:12]))
    return out


@dataclass
class Options:
    kind: str | None = None
    colonnes: str | None = None
    plan_id: str | None = None
    organisme: str | None = None
    referentiels: Path | None = Path("plans") / "referentiels"


@dataclass
class Logical:
    """A plan row after joining the rows a page break split: its cells by grid column."""

    table: word.Table
    rows: list[int]  # row numbers in the table
    cells: dict[int, list[word.Paragraph]]
    merged_from_above: set[int] = field(default_factory=set)
    spans: dict[int, int] = field(default_factory=dict)  # grid columns each cell of its first row covers
    parents_only: bool = False  # the row names only elements of the levels above the rows
    guesses: list[tuple[str, str, str | None]] = field(default_factory=list)  # reported once the row is mapped


class Mapper(Protocol):
    """What reading the rows asks of the mapper (word_plan.Mapper), without importing it back."""

    gabarit: GabaritWord
    row_depth: int

    def depth_of(self, header: Header, grid: int) -> int: ...

    def where(self, table: word.Table, rows: list[int], header: str | None = None) -> str: ...


# --- Rows: continuation rows, merged cells, repeated headers -----------------------------------


def logical_rows(header: Header, key: int | None, mapper: Mapper, carry: Logical | None = None) -> list[Logical]:
    """The table's rows as plan rows: a row a page break split is joined to the row above it
    (`carry`: the last row of the previous table with the same columns, for a table Word split)."""
    table = header.table
    out: list[Logical] = []
    above: dict[int, list[word.Paragraph]] = {}
    for row in table.rows[header.row + 1 :]:
        if _same_header(row, header):
            continue  # a header repeated after a page break
        cells: dict[int, list[word.Paragraph]] = {}
        merged: set[int] = set()
        for cell in row.cells:
            if cell.merge_continue:
                cells[cell.grid_start] = list(above.get(cell.grid_start, []))
                merged.add(cell.grid_start)
            else:
                cells[cell.grid_start] = cell.paragraphs
                above[cell.grid_start] = cell.paragraphs
        if not any(joined(ps) for g, ps in cells.items() if g not in merged):
            continue
        key_empty = key is not None and (key in merged or not joined(cells.get(key, [])))
        single = [g for g, ps in cells.items() if joined(ps) and g not in merged]
        first_grid = min(cells) if cells else 0
        spans = {c.grid_start: c.span for c in row.cells}
        title_row = (
            len(single) == 1
            and single[0] == first_grid
            and (_is_fusion(cells[first_grid], mapper) or 2 * spans.get(first_grid, 1) >= sum(header.spans.values()))
        )
        # A row naming only a higher level (« Orientation ») without an element of the rows' level.
        filled = [g for g, ps in cells.items() if g not in merged and joined(ps)]
        parents_only = (
            key_empty
            and any(mapper.depth_of(header, g) < mapper.row_depth for g in filled)
            and not any(mapper.depth_of(header, g) >= mapper.row_depth for g in filled)
        )
        last = out[-1] if out else carry
        if key_empty and last is not None and not last.parents_only and not title_row and not parents_only:
            previous = last
            joined_cols = []
            for grid, paragraphs in cells.items():
                if grid in merged or not joined(paragraphs):
                    continue
                previous.cells.setdefault(grid, [])
                previous.cells[grid] = [*previous.cells[grid], *paragraphs]
                joined_cols.append(
                    header.columns[grid].entete if grid in header.columns else header.unknown.get(grid, "")
                )
            previous.guesses.append(
                (
                    mapper.where(table, [row.number]),
                    f"Rangée sans « {_key_name(header, key)} » : lue comme la suite de la rangée {previous.rows[-1]}"
                    f"{'' if previous.table is table else f' du tableau {previous.table.number}'} "
                    f"(tableau coupé par un saut de page) ; son texte est joint à celui de la rangée précédente "
                    f"(colonnes {', '.join(f'« {c} »' for c in joined_cols)}).",
                    " / ".join(joined(cells[g]) for g in cells if g not in merged and joined(cells[g])),
                )
            )
            if previous.table is table:
                previous.rows.append(row.number)
            continue
        out.append(Logical(table, [row.number], cells, merged, spans=spans, parents_only=parents_only))
    return out


def _same_columns(one: Header, other: Header) -> bool:
    return {g: c.entete for g, c in one.columns.items()} == {g: c.entete for g, c in other.columns.items()}


def _key_name(header: Header, key: int | None) -> str:
    return header.columns[key].entete if key is not None and key in header.columns else "première colonne"


def _is_fusion(paragraphs: list[word.Paragraph], mapper: Mapper) -> bool:
    text = norm(joined(paragraphs))
    return any(text.startswith(norm(f.intitule)) for f in mapper.gabarit.rangees_fusionnees)


def _same_header(row: word.Row, header: Header) -> bool:
    first = header.table.rows[header.row]
    if len(row.cells) != len(first.cells) or any(len(c.text) > MAX_HEADER for c in row.cells):
        return False
    return [norm(c.text) for c in row.cells] == [norm(c.text) for c in first.cells]


# --- --colonnes ---------------------------------------------------------------------------------

_DISPOSITION_OF_TYPE = {
    "textes": "lignes",
    "partenaires": "lignes",
    "reference": "numeros",
    "indicateurs": "lignes",
    "financement": "lignes",
}


def gabarit_from_mapping(kind: Kind, mapping: str) -> GabaritWord:
    """`--colonnes "En-tête=champ,Autre=niveau.champ"` as a Word table declaration."""
    spec = kind.spec
    declared = {(c.niveau, tuple(c.champs)): c for c in (spec.gabarit_word.colonnes if spec.gabarit_word else [])}
    colonnes: list[ColonneWord] = []
    for part in re.split(r",\s*(?=[^,=]+=)", mapping.strip()):
        if "=" not in part:
            raise ImportFailure(f"--colonnes : « {part} » n'a pas la forme « En-tête=champ ».")
        entete, target = (s.strip() for s in part.rsplit("=", 1))
        niveau, cle = _resolve_field(kind, target)
        champ = spec.niveau(niveau).champ(cle)
        if champ is None:  # _resolve_field checked it
            continue
        known = declared.get((niveau, (cle,)))
        disposition = known.disposition if known else _DISPOSITION_OF_TYPE.get(champ.type, "texte")
        if champ.type == "echeance" and champ.annees_plan:
            disposition = "annees"
        colonnes.append(
            ColonneWord(
                entete=entete,
                niveau=niveau,
                champs=[cle],
                disposition=disposition,
                intitule=known.intitule if known else None,
            )
        )
    if not colonnes:
        raise ImportFailure("--colonnes est vide : donnez au moins « En-tête=champ ».")
    depths = [spec.depth(c.niveau) for c in colonnes]
    rangee = spec.gabarit_word.rangee if spec.gabarit_word else spec.niveaux[max(depths)].type
    if spec.depth(rangee) > max(depths) or all(spec.depth(c.niveau) != spec.depth(rangee) for c in colonnes):
        rangee = spec.niveaux[max(d for d in depths if not _is_list_level(colonnes, spec.niveaux[d].type))].type
    return GabaritWord(
        titres=spec.gabarit_word.titres if spec.gabarit_word else [],
        dates=spec.gabarit_word.dates if spec.gabarit_word else [],
        rangee=rangee,
        rangees_fusionnees=spec.gabarit_word.rangees_fusionnees if spec.gabarit_word else [],
        colonnes=colonnes,
    )


def _is_list_level(colonnes: list[ColonneWord], niveau: str) -> bool:
    return any(c.niveau == niveau and c.disposition == "liste" for c in colonnes)


def _resolve_field(kind: Kind, target: str) -> tuple[str, str]:
    spec = kind.spec
    if "." in target:
        type_, cle = target.split(".", 1)
        if type_ not in {n.type for n in spec.niveaux} or spec.niveau(type_).champ(cle) is None:
            raise ImportFailure(f"--colonnes : le type « {kind.id} » n'a pas de champ « {target} ».")
        return type_, cle
    for niveau in reversed(spec.niveaux):
        if niveau.champ(target) is not None:
            return niveau.type, target
    fields = sorted({f"{n.type}.{c.cle}" for n, c in spec.champs()})
    raise ImportFailure(
        f"--colonnes : le type « {kind.id} » n'a pas de champ « {target} ». Champs possibles : {', '.join(fields)}."
    )
