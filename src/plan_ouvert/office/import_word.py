"""A Word table of a plan, mapped to a plan of a kind: the import half of the ministry's gabarit.

The kind's `gabarit_word` declaration says which header holds which fields and how a cell lays
its items out; this module applies it row by row. It guesses only where the document leaves a
choice (a row split by a page break, « 1 & 7 », targets to share among indicators) and says so
in the report; text it cannot place goes to the plan's `notes`, never away.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from plan_ouvert.office import word
from plan_ouvert.office.resultat import ImportFailure, ImportReport, ImportResult
from plan_ouvert.source.echeance import MOIS, fold
from plan_ouvert.source.kinds import Champ, ColonneWord, GabaritWord, Kind, Kinds, Niveau
from plan_ouvert.source.model import ID_PATTERN

# --- Text helpers ----------------------------------------------------------------------------

_TYPED = re.compile(r"^(\d{1,2})\s*[.)\-–]\s+(.*)$", re.S)
_INLINE = re.compile(r"(?:^|(?<=\s))(\d{1,2})[.)]\s+")
_BULLET = re.compile(r"^[•·▪◦○●✓\-–]\s+")
_NUMBERS_ONLY = re.compile(r"^[\d\s,;&/+]*(?:\bet\b[\d\s,;&/+]*)*$")
_PARTNER_LABEL = re.compile(
    r"^(porteur|porteurs|porteur\(s\)|responsable|responsables|collaborateur|collaborateurs|collaborateur\(s\)|"
    r"partenaire|partenaires|partenaire\(s\))\s*:\s*(.*)$"
)
_AN = re.compile(r"(?:\bfin\s+)?\ban\s*\d+", re.I)
_AN_PARTS = re.compile(r"\ban\s*(\d+)\s*(?:\(\s*(\d{4})\s*[-–]\s*(\d{4})\s*\))?", re.I)
_FR_DATE = re.compile(r"(\d{1,2})(?:er|e)?\s+([a-zéû]+)\s+(\d{4})", re.I)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_NUM_DATE = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")


@functools.lru_cache(maxsize=4096)
def norm(text: str) -> str:
    """A header as compared: no accents, case, parentheses asides, punctuation or line breaks."""
    text = fold(text).replace("’", "'").replace("(s)", "s")
    text = re.sub(r"\([^)]*\)", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@functools.lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in norm(text).split() if len(w) > 2 or w.isdigit()) - {"les", "des", "par", "aux", "une"}


def joined(paragraphs: list[word.Paragraph]) -> str:
    """One text from a cell: its lines joined by a space, as a person reads a wrapped cell."""
    return " ".join(line.strip() for p in paragraphs for line in p.text.split("\n") if line.strip())


def lines(paragraphs: list[word.Paragraph]) -> list[str]:
    """The cell's lines, a typed bullet (« • », « - ») aside."""
    return [_BULLET.sub("", " ".join(line.split())) for p in paragraphs for line in p.text.split("\n") if line.strip()]


def _inline(line: str) -> list[str]:
    """« 1. Embaucher… 2. Établir… » typed in one line: one piece per number, when they count 1, 2, 3…"""
    starts = [m for m in _INLINE.finditer(line)]
    if len(starts) < 2 or starts[0].start() != 0 or starts[0].group(1) != "1":
        return [line]
    kept = [starts[0]]
    for m in starts[1:]:
        if int(m.group(1)) == int(kept[-1].group(1)) + 1:
            kept.append(m)
    if len(kept) < 2:
        return [line]
    bounds = [m.start() for m in kept] + [len(line)]
    return [line[a:b].strip() for a, b in itertools.pairwise(bounds)]


def slug(text: str, limit: int = 60) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", fold(text).replace("'", "-")).strip("-")
    return value[:limit].strip("-") or "element"


def parse_date(text: str) -> dt.date | None:
    folded = fold(text)
    try:
        if m := _ISO_DATE.search(folded):
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if (m := _FR_DATE.search(folded)) and m.group(2) in MOIS:
            return dt.date(int(m.group(3)), MOIS[m.group(2)], int(m.group(1)))
        if m := _NUM_DATE.search(folded):
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None
    return None


# --- Items of a cell -------------------------------------------------------------------------


@dataclass
class Items:
    texts: list[str]
    numbers: list[int | None]  # the number each item showed (typed or Word's), None if none
    numbered: bool  # at least one item carried a number


def split_items(paragraphs: list[word.Paragraph]) -> Items:
    """Numbered items of a cell: typed « 1. » or Word's automatic numbers; other lines continue an item."""
    texts: list[str] = []
    numbers: list[int | None] = []
    any_number = False
    loose: list[str] = []  # lines of a cell without any number
    # Items are the cell's outermost numbered level; a deeper level (sub-items) stays in its item.
    top_level = min((p.level for p in paragraphs if p.numbered), default=0)
    for p in paragraphs:
        parts = [piece for part in p.text.split("\n") for piece in _inline(_BULLET.sub("", part.strip()))]
        for k, line in enumerate(parts):
            if not line:
                continue
            typed = _TYPED.match(line)
            if p.numbered and k == 0 and p.level > top_level and texts:
                texts[-1] = f"{texts[-1]} {line}"
            elif p.numbered and k == 0:
                texts.append(line)
                numbers.append(p.label)
                any_number = True
            elif typed:
                texts.append(typed.group(2).strip())
                numbers.append(int(typed.group(1)))
                any_number = True
            elif texts:
                texts[-1] = f"{texts[-1]} {line}"
            else:
                loose.append(line)
    if not any_number:
        # No numbers at all: one item per paragraph, or per bullet (« • ») typed at a line's start.
        found: list[str] = []
        for p in paragraphs:
            first = True
            for raw in p.text.split("\n"):
                line = " ".join(raw.split())
                if not line:
                    continue
                if first or _BULLET.match(line):
                    found.append(_BULLET.sub("", line))
                else:
                    found[-1] = f"{found[-1]} {line}"
                first = False
        return Items(found, [None] * len(found), False)
    if loose:  # text above the first number: an item of its own, first
        texts.insert(0, " ".join(loose))
        numbers.insert(0, None)
    return Items([" ".join(t.split()) for t in texts], numbers, True)


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
    have = _words(text)
    best, best_score = None, 0.0
    for i, col in enumerate(colonnes):
        if i in taken:
            continue
        for h in [col.entete, *col.variantes]:
            need = _words(h)
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


# --- The mapping -----------------------------------------------------------------------------


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


class Mapper:
    def __init__(self, kind: Kind, gabarit: GabaritWord, report: ImportReport, registry: list[dict[str, Any]]):
        self.kind = kind
        self.gabarit = gabarit
        self.report = report
        self.niveaux = kind.spec.niveaux
        self.row_depth = kind.spec.depth(gabarit.rangee)
        self.top: list[dict[str, Any]] = []
        self.stack: list[dict[str, Any] | None] = [None] * len(self.niveaux)
        self.notes: list[str] = []
        self.partners = registry
        self.years: dict[int, Counter[tuple[int, int]]] = {}
        self.current: dict[str, Any] | None = None  # the row's element being filled
        self.embedded_rows: dict[str, dict[str, Any]] = {}  # row elements of a Plan ouvert export, by id
        # Guesses to show in the plan file: (element, key or None, message).
        self.marks: list[tuple[dict[str, Any], str | None, str]] = []

    def guess(
        self,
        ou: str,
        message: str,
        texte: str | None = None,
        key: str | None = None,
        element: dict[str, Any] | None = None,
    ) -> None:
        self.report.guess(ou, message, texte)
        target = element if element is not None else self.current
        if target is not None:
            self.marks.append((target, key, message))

    def guessed_paths(self, top: str) -> dict[tuple[str | int, ...], str]:
        """Where each guess sits in the plan's data, for a comment in the plan file."""
        paths: dict[int, tuple[str | int, ...]] = {}

        def walk(items: list[dict[str, Any]], depth: int, path: tuple[str | int, ...]) -> None:
            for i, item in enumerate(items):
                here = (*path, i)
                paths[id(item)] = here
                if depth + 1 < len(self.niveaux):
                    walk(item.get(self.niveaux[depth + 1].cle, []), depth + 1, (*here, self.niveaux[depth + 1].cle))

        walk(self.top, 0, (top,))
        out: dict[tuple[str | int, ...], str] = {}
        for element, key, message in self.marks:
            path = paths.get(id(element))
            if path is None:
                continue
            where = (*path, key) if key and key in element else (*path, "id")
            out[where] = f"{out[where]} ; {message}" if where in out else message
        return out

    # Where a text came from, as a person finds it in their file.
    @staticmethod
    def where(table: word.Table, rows: list[int], header: str | None = None) -> str:
        rangee = f"rangée {rows[0]}" if len(rows) == 1 else f"rangées {rows[0]} à {rows[-1]}"
        return f"tableau {table.number}, {rangee}" + (f", colonne « {header} »" if header else "")

    def unplaced(self, ou: str, message: str, texte: str) -> None:
        self.report.unplaced(ou, message, texte)
        self.notes.append(f"{ou} : {texte}")

    # --- elements -----------------------------------------------------------------------

    def _children(self, depth: int) -> list[dict[str, Any]]:
        if depth == 0:
            return self.top
        parent = self.parent(depth - 1, None)
        return parent.setdefault(self.niveaux[depth].cle, [])  # type: ignore[no-any-return]

    def new_element(self, depth: int, number: int | None = None, ou: str = "") -> dict[str, Any]:
        niveau = self.niveaux[depth]
        siblings = self._children(depth)
        position = len(siblings) + 1
        element: dict[str, Any] = {}
        if niveau.numerotation == "id" and depth > 0 and self.stack[depth - 1] is not None:
            parent_id = self.stack[depth - 1]["id"]  # type: ignore[index]
            element["id"] = f"{parent_id}-{number or position}"
        else:
            element["id"] = str(number or position)
        if niveau.numerotation == "champ":
            element["numero"] = number or position
        taken = {s["id"] for s in self.all_ids(depth)}
        if element["id"] in taken:
            base, k = element["id"], 2
            while f"{base}-{k}" in taken:
                k += 1
            element["id"] = f"{base}-{k}"
            self.guess(
                ou,
                f"Numéro {base} en double : identifiant {element['id']} donné à ce second élément.",
                None,
                "id",
                element,
            )
        siblings.append(element)
        self.stack[depth] = element
        for deeper in range(depth + 1, len(self.niveaux)):
            self.stack[deeper] = None
        return element

    def all_ids(self, depth: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []

        def walk(items: list[dict[str, Any]], d: int) -> None:
            for item in items:
                if d == depth:
                    found.append(item)
                elif d < len(self.niveaux) - 1:
                    walk(item.get(self.niveaux[d + 1].cle, []), d + 1)

        walk(self.top, 0)
        return found

    def parent(self, depth: int, ou: str | None) -> dict[str, Any]:
        """The current element of a level above the rows, made when the document names none."""
        current = self.stack[depth]
        if current is None:
            current = self.new_element(depth, None, ou or "")
            self.guess(
                ou or "tableau",
                f"Le document ne nomme pas d'élément « {self.niveaux[depth].singulier} » avant cette rangée : "
                f"un élément numéroté {current['id']} a été créé, sans texte.",
                element=current,
            )
        return current

    def from_embedded(self, element: dict[str, Any], targets: list[str]) -> bool:
        """Targets a Plan ouvert export wrote: the embedded data says which indicator and year each is."""
        known = self.embedded_rows.get(str(element.get("id")))
        if known is None:
            return False
        indicators = known.get("indicateurs") or []
        cibles = [c for i in indicators for c in i.get("cibles", [])]
        once = sorted(str(c.get("texte")) for c in cibles)
        # A target for several years (« annee: [1, 2] ») is written once per year.
        per_year = sorted(
            str(c.get("texte"))
            for c in cibles
            for _ in range(len(c["annee"]) if isinstance(c.get("annee"), list) else 1)
        )
        if len(indicators) != len(element.get("indicateurs") or []) or sorted(targets) not in (once, per_year):
            return False
        for shown, kept in zip(element["indicateurs"], indicators, strict=True):
            if kept.get("cibles"):
                shown["cibles"] = copy.deepcopy(kept["cibles"])
        return True

    # --- partners -----------------------------------------------------------------------

    def partner_id(self, name: str) -> str:
        wanted = fold(name.strip()).replace("’", "'")
        for partner in self.partners:
            for key in ("sigle", "nom", "id"):
                if partner.get(key) and fold(str(partner[key])).replace("’", "'") == wanted:
                    return str(partner["id"])
        new_id = slug(name)
        taken = {p["id"] for p in self.partners}
        base, k = new_id, 2
        while new_id in taken:
            new_id = f"{base}-{k}"
            k += 1
        entry: dict[str, Any] = {"id": new_id}
        compact = name.strip()
        if len(compact) <= 12 and " " not in compact and compact.upper() == compact:
            entry["sigle"] = compact
        else:
            entry["nom"] = compact
        self.partners.append(entry)
        return new_id

    def partner_names(self, text: str) -> list[str]:
        return [n.strip() for n in re.split(r"[/;,]", text) if n.strip()]

    # --- one logical row ------------------------------------------------------------------

    def merged_row(self, logical: Logical, header: Header) -> bool:
        """A row merged across the table (« Objectif spécifique 6 : AXE ENTREPRISE »)."""
        texts = {g: joined(ps) for g, ps in logical.cells.items() if joined(ps)}
        if len(texts) != 1:
            return False
        grid, text = next(iter(texts.items()))
        first = min(logical.cells) if logical.cells else 0
        ou = self.where(logical.table, logical.rows)
        for fusion in self.gabarit.rangees_fusionnees:
            pattern = re.compile(rf"^{re.escape(norm(fusion.intitule))}\s*(\d+)\b\s*(.*)$")
            match = pattern.match(norm(text))
            if match and grid == first:
                depth = self.kind.spec.depth(fusion.niveau)
                number = int(match.group(1))
                element = self.new_element(depth, number, ou)
                label = re.sub(rf"^\s*{_loose(fusion.intitule)}\s*\d+\s*[:.\-–]?\s*", "", text, flags=re.I).strip()
                if fusion.champ and label:
                    element[fusion.champ] = label
                return True
        width = sum(header.spans.values()) or 1
        if grid != first or 2 * logical.spans.get(grid, 1) < width:
            return False  # an ordinary row with only its first cell filled
        # A title row merged across the table that the kind does not declare: a new element of
        # the level above the rows that no column holds, else a note.
        free = [
            d
            for d in range(self.row_depth)
            if not any(c.niveau == self.niveaux[d].type for c in header.columns.values())
        ]
        texte = self.niveaux[free[0]].texte if free else None
        if free and texte:
            element = self.new_element(free[0], None, ou)
            element[texte] = text
            self.guess(
                ou,
                f"Rangée fusionnée lue comme un élément « {self.niveaux[free[0]].singulier} » "
                f"({element['id']}) : les rangées suivantes lui appartiennent.",
                text,
                element=element,
            )
            return True
        self.unplaced(ou, "Rangée fusionnée sur la largeur du tableau que le type de plan ne prévoit pas.", text)
        return True

    def key_grid(self, header: Header) -> int | None:
        for grid in sorted(header.columns):
            if header.columns[grid].niveau == self.gabarit.rangee:
                return grid
        return None

    def depth_of(self, header: Header, grid: int) -> int:
        col = header.columns.get(grid)
        return self.kind.spec.depth(col.niveau) if col is not None else self.row_depth

    def map_row(self, logical: Logical, header: Header) -> None:
        ou_row = self.where(logical.table, logical.rows)
        self.map_parents(logical, header, ou_row)
        if logical.parents_only:
            return
        row_cols = {g: c for g, c in header.columns.items() if self.kind.spec.depth(c.niveau) >= self.row_depth}
        number, parent_number = self.row_number(logical, row_cols)
        if parent_number is not None and self.row_depth > 0:
            parent = self.stack[self.row_depth - 1]
            if parent is None or parent.get("numero", _int(parent.get("id"))) != parent_number:
                self.new_element(self.row_depth - 1, parent_number, ou_row)
        elif self.row_depth > 0:
            self.parent(self.row_depth - 1, ou_row)
        element = self.new_element(self.row_depth, number, ou_row)
        self.current = element
        for ou, message, texte in logical.guesses:
            self.guess(ou, message, texte)
        pending_targets: list[tuple[str, list[word.Paragraph]]] = []
        children: dict[str, Items] = {}
        for grid in sorted(row_cols):
            col = row_cols[grid]
            paragraphs = logical.cells.get(grid, [])
            ou = self.where(logical.table, logical.rows, col.entete)
            if grid in logical.merged_from_above and joined(paragraphs):
                self.guess(
                    ou,
                    "Cellule fusionnée avec celle du dessus : sa valeur est reprise pour cette rangée.",
                    key=col.champs[0] if col.champs else None,
                )
            if col.disposition == "cibles":
                pending_targets.append((ou, paragraphs))
                continue
            depth = self.kind.spec.depth(col.niveau)
            if depth > self.row_depth:
                if joined(paragraphs):
                    children[f"{grid}"] = self.fill_children(element, depth, col, paragraphs, ou)
                continue
            self.fill(element, self.niveaux[depth], col, paragraphs, ou)
        for ou, paragraphs in pending_targets:
            self.fill_targets(element, paragraphs, ou)
        for grid in sorted(header.unknown):
            text = "\n".join(lines(logical.cells.get(grid, [])))
            if text:
                name = header.unknown[grid] or f"colonne {grid + 1} (sans en-tête)"
                self.unplaced(
                    self.where(logical.table, logical.rows, name), "Colonne que le type de plan ne prévoit pas.", text
                )

    def map_parents(self, logical: Logical, header: Header, ou_row: str) -> None:
        """Levels above the row, from their columns: an empty or merged cell keeps the same parent."""
        for grid in sorted(header.columns):
            col = header.columns[grid]
            depth = self.kind.spec.depth(col.niveau)
            if depth >= self.row_depth:
                continue
            text = joined(logical.cells.get(grid, []))
            current = self.stack[depth]
            key = col.champs[0] if col.champs else None
            if (
                text
                and grid not in logical.merged_from_above
                and (current is None or key is None or current.get(key) != text)
            ):
                element = self.new_element(depth, None, ou_row)
                if key:
                    element[key] = text

    def row_number(self, logical: Logical, row_cols: dict[int, ColonneWord]) -> tuple[int | None, int | None]:
        """« Moyen d'action 1.2 » gives the row's number (2) and its parent's (1)."""
        for grid, col in row_cols.items():
            if col.disposition != "intitule" or not col.intitule:
                continue
            text = joined(logical.cells.get(grid, []))
            match = re.match(rf"^\s*{_loose(col.intitule)}\s*(\d+)(?:\s*[.,\-]\s*(\d+))?", text, re.I)
            if match:
                if match.group(2):
                    return int(match.group(2)), int(match.group(1))
                return int(match.group(1)), None
        return None, None

    # --- fields -----------------------------------------------------------------------------

    def fill(
        self, element: dict[str, Any], niveau: Niveau, col: ColonneWord, paragraphs: list[word.Paragraph], ou: str
    ) -> None:
        text = joined(paragraphs)
        if not text:
            return
        if not col.champs:
            self.unplaced(ou, "Colonne sans champ dans le type de plan.", "\n".join(lines(paragraphs)))
            return
        if col.disposition == "intitule":
            body = re.sub(rf"^\s*{_loose(col.intitule or '')}\s*\d+(?:\s*[.,\-]\s*\d+)?\s*:?\s*", "", text, flags=re.I)
            if body == text and col.intitule:
                self.guess(
                    ou,
                    f"Pas de « {col.intitule} » et de numéro au début de la cellule : numéroté d'après sa position.",
                    key="id",
                )
            if body:
                element[col.champs[0]] = body
            return
        if col.disposition == "partenaires":
            self.fill_partners(element, niveau, col, paragraphs, ou)
            return
        if col.disposition == "annees":
            self.fill_years(element, col.champs[0], paragraphs, ou)
            return
        if col.disposition == "numeros":
            self.fill_numbers(element, col.champs[0], text, ou)
            return
        champ = niveau.champ(col.champs[0])
        if champ is None:
            return
        if col.disposition == "liste":
            items = split_items(paragraphs)
            self.check_numbers(items, ou)
            values = items.texts
        elif col.disposition == "lignes":
            values = lines(paragraphs)
        else:
            values = [text]
        self.set_values(element, champ, values, ou, text)

    def set_values(self, element: dict[str, Any], champ: Champ, values: list[str], ou: str, text: str) -> None:
        kind = champ.type
        if kind in ("textes",):
            element[champ.cle] = values
        elif kind == "indicateurs":
            element[champ.cle] = [{"texte": v} for v in values]
        elif kind == "partenaires":
            element[champ.cle] = [self.partner_id(n) for v in values for n in self.partner_names(v)]
        elif kind == "financement":
            element[champ.cle] = [_funding(v) for v in values]
        elif kind == "temps_imparti":
            element[champ.cle] = {"texte": " ".join(values)}
        elif kind == "reference":
            self.fill_numbers(element, champ.cle, text, ou)
        elif kind == "montant":
            joined_text = " ".join(values)
            amount = _amount(joined_text)
            element[champ.cle] = joined_text if amount is None else amount
        elif kind in ("texte", "echeance"):
            element[champ.cle] = " ".join(values)
        elif kind == "date" and (day := parse_date(text)):
            element[champ.cle] = day
        elif kind in ("entier", "nombre") and (value := _amount(text, dollars=False)) is not None:
            element[champ.cle] = int(value) if kind == "entier" else value
        elif kind == "lien" and re.match(r"^https?://\S+$", text):
            element[champ.cle] = text
        elif kind == "oui_non" and fold(text) in ("oui", "non"):
            element[champ.cle] = fold(text) == "oui"
        else:
            self.unplaced(ou, f"Texte que le champ « {champ.libelle} » ne peut pas recevoir tel quel.", text)

    def fill_numbers(self, element: dict[str, Any], key: str, text: str, ou: str) -> None:
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        if not numbers or not _NUMBERS_ONLY.match(fold(text)):
            self.unplaced(ou, "Texte qui n'est pas une liste de numéros.", text)
            if not numbers:
                return
        element[key] = numbers
        if text.strip() != ", ".join(str(n) for n in numbers) and text.strip() != str(numbers[0]):
            self.guess(ou, f"« {text} » lu comme les numéros {_and(numbers)}.", text, key)

    def check_numbers(self, items: Items, ou: str) -> None:
        shown = [n for n in items.numbers if n is not None]
        if items.numbered and shown and shown != list(range(shown[0], shown[0] + len(shown))):
            self.guess(ou, f"Numérotation irrégulière ({', '.join(map(str, shown))}) : éléments pris dans l'ordre.")
        if not items.numbered and len(items.texts) > 1:
            self.guess(ou, "Aucun numéro dans la cellule : un élément par paragraphe.")

    def fill_children(
        self, element: dict[str, Any], depth: int, col: ColonneWord, paragraphs: list[word.Paragraph], ou: str
    ) -> Items:
        """A numbered list of the level below the rows: the n-th item goes to the n-th element."""
        niveau = self.niveaux[depth]
        items = split_items(paragraphs) if col.disposition == "liste" else Items(lines(paragraphs), [], False)
        if col.disposition == "liste":
            self.check_numbers(items, ou)
        children = element.setdefault(niveau.cle, [])
        creates = niveau.texte is not None and niveau.texte in col.champs
        for n, value in enumerate(items.texts):
            if n >= len(children):
                if not creates:
                    self.unplaced(
                        ou,
                        f"Élément {n + 1} de la colonne sans « {niveau.singulier} » correspondant "
                        f"(il y en a {len(children)}).",
                        value,
                    )
                    continue
                parent_id = element["id"]
                child: dict[str, Any] = {"id": f"{parent_id}-{n + 1}" if niveau.numerotation == "id" else str(n + 1)}
                if niveau.numerotation == "champ":
                    child["numero"] = n + 1
                children.append(child)
            champ = niveau.champ(col.champs[0]) if col.champs else None
            if champ is not None:
                self.set_values(children[n], champ, [value], ou, value)
        if not creates and 0 < len(items.texts) < len(children):
            missing = ", ".join(str(k + 1) for k in range(len(items.texts), len(children)))
            self.guess(ou, f"Moins d'éléments que de « {niveau.pluriel.lower()} » : rien pour {missing}.")
        return items

    def fill_partners(
        self, element: dict[str, Any], niveau: Niveau, col: ColonneWord, paragraphs: list[word.Paragraph], ou: str
    ) -> None:
        roles = {c.role or "": c.cle for c in niveau.champs if c.type == "partenaires" and c.cle in col.champs}
        first = col.champs[0]
        current: str | None = None
        unlabelled = False
        for line in lines(paragraphs):
            match = _PARTNER_LABEL.match(fold(line).replace("’", "'"))
            rest = line
            if match:
                label = match.group(1)
                role = "collaborateur" if label.startswith("collab") or label.startswith("partenaire") else "porteur"
                current = roles.get(role) or (
                    col.champs[1] if role == "collaborateur" and len(col.champs) > 1 else first
                )
                rest = line.split(":", 1)[1]
            elif current is None:
                current, unlabelled = first, True
            for name in self.partner_names(rest):
                ids = element.setdefault(current, [])
                pid = self.partner_id(name)
                if pid not in ids:
                    ids.append(pid)
        if unlabelled:
            label = next((c.libelle for c in niveau.champs if c.cle == first), first)
            self.guess(
                ou, f"Noms sans « Porteur : » ni « Collaborateur : » lus comme {label.lower()}.", joined(paragraphs)
            )

    def fill_years(self, element: dict[str, Any], key: str, paragraphs: list[word.Paragraph], ou: str) -> None:
        text = " ".join(lines(paragraphs))
        starts = [m.start() for m in _AN.finditer(text)]
        if not starts:
            element[key] = text
            return
        head = text[: starts[0]].strip()
        parts = [" ".join(text[a:b].split()) for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
        if head:
            parts[0] = f"{head} {parts[0]}"
        element[key] = parts
        for part in parts:
            for m in _AN_PARTS.finditer(part):
                if m.group(2):
                    self.years.setdefault(int(m.group(1)), Counter())[(int(m.group(2)), int(m.group(3)))] += 1

    def fill_targets(self, element: dict[str, Any], paragraphs: list[word.Paragraph], ou: str) -> None:
        """One target per line: for each year of the row's échéance, then each indicator."""
        # Targets set side by side with tabs or runs of spaces are separate targets too.
        targets = [
            " ".join(part.split())
            for p in paragraphs
            for line in p.text.split("\n")
            for part in re.split(r"\t+| {3,}", line)
            if part.strip()
        ]
        if not targets:
            return
        indicators = element.get("indicateurs") or []
        years = [int(m.group(1)) for part in _as_list(element.get("echeance")) for m in _AN_PARTS.finditer(part)]
        if not indicators:
            self.unplaced(ou, "Cibles sans indicateur dans la rangée.", "\n".join(targets))
            return
        if self.from_embedded(element, targets):
            return
        n, y = len(indicators), len(years)
        plan: list[tuple[int, int | None]] = []
        if y and len(targets) == n * y:
            plan = [(i % n, years[i // n]) for i in range(len(targets))]
        elif len(targets) == n:
            plan = [(i, years[0] if y == 1 else None) for i in range(n)]
        elif n == 1 and y and len(targets) == y:
            plan = [(0, years[i]) for i in range(y)]
        elif n == 1:
            plan = [(0, years[0] if y == 1 else None) for _ in targets]
        else:
            per_year = -(-len(targets) // y) if y else len(targets)
            plan = [
                (min(i % per_year, n - 1), years[min(i // per_year, y - 1)] if y else None) for i in range(len(targets))
            ]
            self.guess(
                ou,
                f"{len(targets)} cibles pour {n} indicateurs et {y or 'aucune'} année(s) : réparties dans l'ordre "
                "(une année après l'autre) ; vérifiez à quel indicateur et à quelle année chacune appartient.",
                "\n".join(targets),
            )
        for (index, year), text in zip(plan, targets, strict=True):
            cible: dict[str, Any] = {"texte": text}
            if year is not None:
                cible = {"annee": year, "texte": text}
            indicators[index].setdefault("cibles", []).append(cible)


def _amount(text: str, dollars: bool = True) -> float | None:
    """« 12 000 $ », « 1,5 M$ », « 2,5 » as a number; None when the text says more than a number."""
    compact = re.sub(r"[\s\u00a0\u202f]", "", text)
    factor = 1.0
    if dollars and compact.endswith("M$"):
        compact, factor = compact[:-2], 1_000_000.0
    elif dollars:
        compact = compact.removesuffix("$")
    if not re.fullmatch(r"\d+(?:[.,]\d+)?", compact):
        return None
    return float(compact.replace(",", ".")) * factor


def _funding(line: str) -> dict[str, Any]:
    """« Fonds régions et ruralité (10 000 $, en services) »: the source, its amount, the rest."""
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", line)
    if match:
        first, _, rest = match.group(2).partition(",")
        amount = _amount(first)
        if amount is not None:
            entry: dict[str, Any] = {"source": match.group(1).strip(), "montant": amount}
            if rest.strip():
                entry["texte"] = rest.strip()
            return entry
    return {"source": line}


def _loose(text: str) -> str:
    """A regex matching `text` whatever its apostrophes and spaces."""
    out = []
    for ch in text:
        if ch in "'’":
            out.append("['’]")
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _and(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " et " + words[-1]


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
                    Mapper.where(table, [row.number]),
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


# --- The import ---------------------------------------------------------------------------------


def _candidates(kinds: Kinds, options: Options) -> list[tuple[Kind, GabaritWord]]:
    if options.kind:
        kind = kinds.get(options.kind)
        if kind is None:
            known = ", ".join(sorted(k.id for k in kinds))
            raise ImportFailure(f"--type : type de plan inconnu « {options.kind} » (types connus : {known}).")
        if options.colonnes:
            return [(kind, gabarit_from_mapping(kind, options.colonnes))]
        if kind.spec.gabarit_word is None:
            raise ImportFailure(
                f"Le type « {kind.id} » ne déclare pas de tableau Word (gabarit_word) : donnez les colonnes avec "
                '--colonnes "En-tête=champ,…".'
            )
        return [(kind, kind.spec.gabarit_word)]
    if options.colonnes:
        kind = kinds.generic()
        if kind is None:
            raise ImportFailure("--colonnes demande aussi --type (le type générique plan-action est absent).")
        return [(kind, gabarit_from_mapping(kind, options.colonnes))]
    return [(k, k.spec.gabarit_word) for k in kinds if k.spec.gabarit_word is not None]


def _plan_tables(document: word.Document, gabarit: GabaritWord) -> list[Header]:
    headers = [h for t in document.tables if (h := find_header(t, gabarit)) is not None]
    titles = {norm(t) for t in gabarit.titres}
    if titles and headers:
        # The gabarit's own instructions come first with the same headers: the plan's tables are
        # those after its title.
        title_at = next((t.number for t in document.tables if any(norm(p) in titles for p in t.before)), None)
        if title_at is not None:
            after = [h for h in headers if h.table.number >= title_at]
            if after:
                return after
    return headers


def _choose(
    document: word.Document, candidates: list[tuple[Kind, GabaritWord]], shown: str
) -> tuple[Kind, GabaritWord, list[Header]]:
    best: tuple[int, float, Kind, GabaritWord, list[Header]] | None = None
    for kind, gabarit in candidates:
        headers = _plan_tables(document, gabarit)
        if not headers:
            continue
        matched = max(len(h.columns) for h in headers)
        ratio = matched / len(gabarit.colonnes)
        if best is None or (matched, ratio) > (best[0], best[1]):
            best = (matched, ratio, kind, gabarit, headers)
    if best is None:
        found = headers_found(document)
        where = ("\n  " + "\n  ".join(found)) if found else " aucun tableau"
        raise ImportFailure(
            f"{shown} : aucun tableau de plan reconnu dans ce document. En-têtes trouvés :"
            f"{where}\nDonnez le type et la correspondance des colonnes, par exemple : --type plan-action "
            f'--colonnes "{_suggestion(document)}" (champs d\'une action : texte, porteurs, partenaires, '
            "echeance, cout, indicateurs, commentaires)."
        )
    return best[2], best[3], best[4]


def _suggestion(document: word.Document) -> str:
    """A --colonnes value built on the first table's own headers, for the person to complete."""
    for table in document.tables:
        if table.rows:
            names = [" ".join(c.text.split()) for c in table.rows[0].cells if c.text.strip()][:6]
            if names:
                return ",".join(f"{name}={'texte' if i == 0 else '…'}" for i, name in enumerate(names))
    return "Action=texte,Responsable=porteurs,Échéance=echeance"


def _dates(
    document: word.Document, gabarit: GabaritWord, report: ImportReport, notes: list[str], data: dict[str, Any]
) -> None:
    wanted = {norm(d.entete): d.champ for d in gabarit.dates}
    if not wanted:
        return
    for table in document.tables:
        for row in table.rows[:4]:
            cells = row.cells
            for i, cell in enumerate(cells):
                champ = wanted.get(norm(cell.text))
                if champ is None:
                    continue
                value = next((c.text for c in cells[i + 1 :] if c.text.strip() and norm(c.text) not in wanted), "")
                ou = f"tableau {table.number}, rangée {row.number}, « {' '.join(cell.text.split())} »"
                if not value:
                    continue
                dates = [d for part in re.split(r"[\n;,]|\bet\b", value) if (d := parse_date(part))]
                if not dates:
                    report.unplaced(ou, "Date illisible (attendu : « 30 juin 2021 » ou « 2021-06-30 »).", value)
                    notes.append(f"{ou} : {value}")
                elif champ == "mises_a_jour":
                    data["mises_a_jour"] = [{"date": d} for d in dates]
                else:
                    data[champ] = dates[0]
                    if len(dates) > 1:
                        report.guess(ou, f"Plusieurs dates : la première est retenue ({dates[0].isoformat()}).", value)


def _title(document: word.Document, gabarit: GabaritWord, kind: Kind, report: ImportReport) -> str:
    titles = {norm(t): t for t in gabarit.titres}
    found = [p for p in document.paragraphs if norm(p) in titles]
    for table in document.tables[:1]:
        found += [c.text for r in table.rows[:3] for c in r.cells if norm(c.text) in titles]
    if found:
        title = " ".join(found[-1].split())
        if title.upper() == title and any(ch.isalpha() for ch in title):
            sentence = title[0] + title[1:].lower()
            report.guess("titre du document", f"Titre en majuscules écrit « {sentence} ».", title)
            return sentence
        return title
    # A document of its own shape: its first line of text is its title, not the kind's name.
    first = next((" ".join(p.split()) for p in document.paragraphs if p.strip()), None)
    if first is not None and len(first) <= 200:
        report.guess(
            "titre du document", "Aucun titre du gabarit : la première ligne du document est prise comme titre.", first
        )
        return first
    report.guess(
        "titre du document", f"Aucun titre reconnu : le nom du type de plan est pris comme titre ({kind.spec.nom})."
    )
    return kind.spec.nom


def _organisme(document: word.Document, options: Options, report: ImportReport) -> str | None:
    if options.organisme:
        return options.organisme
    for text in document.paragraphs[:40]:
        if re.match(r"^(MRC|Municipalité régionale de comté|Ville|Municipalité)\b", text) and len(text) <= 80:
            report.guess("paragraphes au-dessus du tableau", f"Organisme lu dans le document : « {text} ».", text)
            return text
    return None


def _referentiel(kind: Kind, folder: Path | None) -> str | None:
    if folder is None or not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("gabarit") == kind.id and isinstance(data.get("id"), str):
            return str(data["id"])
    return None


def import_word(path: Path, kinds: Kinds, options: Options, display: str | None = None) -> ImportResult:
    """Read a Word file into a plan of a kind; ImportFailure (French) when it is not a plan."""
    shown = display or path.name
    report = ImportReport(shown)
    try:
        document = word.read(path)
    except word.WordError as exc:
        raise ImportFailure(str(exc)) from None
    embedded = _embedded_data(document)
    kind, gabarit, headers = _choose(document, _candidates(kinds, options), shown)
    used = {h.table.number for h in headers}
    for table in document.tables:
        if table.number not in used and find_header(table, gabarit) is not None:
            report.guess(
                f"tableau {table.number}",
                "Tableau aux en-têtes du plan placé avant le titre du plan : lu comme les consignes du gabarit, "
                "il n'est pas importé.",
            )
    registry = [dict(p) for p in embedded.get("partenaires", [])] if embedded else []
    mapper = Mapper(kind, gabarit, report, registry)
    if embedded:
        mapper.embedded_rows = _rows_by_id(embedded, kind, gabarit.rangee)
    pairs: list[tuple[Header, Logical]] = []
    for header in headers:
        for name in (n for _, n in sorted(header.unknown.items()) if n):
            report.guess(
                f"tableau {header.table.number}, en-tête « {' '.join(name.split())} »",
                "Colonne inconnue du type de plan : son texte va dans les notes du plan.",
            )
        carry = pairs[-1][1] if pairs and _same_columns(pairs[-1][0], header) else None
        pairs += [(header, row) for row in logical_rows(header, mapper.key_grid(header), mapper, carry)]
    # Rows are mapped once every table is read: a table's last row may go on in the next table.
    for header, logical in pairs:
        if not mapper.merged_row(logical, header):
            mapper.map_row(logical, header)
    if not mapper.top:
        raise ImportFailure(
            f"{shown} : le tableau du plan a été trouvé (tableau {headers[0].table.number}) mais il ne contient "
            "aucune rangée remplie."
        )
    notes = mapper.notes
    plan: dict[str, Any] = {"id": "", "gabarit": kind.id}
    plan_marks: dict[str, str] = {}
    if not embedded:  # an export carries these in its data
        plan_marks = _plan_facts(plan, document, gabarit, kind, options, mapper, report)
    data: dict[str, Any] = {}
    _dates(document, gabarit, report, notes, data)
    plan.update(data)
    plan["source"] = shown
    if mapper.partners:
        plan["partenaires"] = mapper.partners
    top = kind.spec.niveaux[0].cle
    plan[top] = mapper.top
    if notes:
        plan["notes"] = _cap_notes(notes)
    if embedded:
        plan = _merge_embedded(embedded, plan, top, report)
    if "organisme" not in plan:
        raise ImportFailure(
            f'{shown} : le document ne nomme pas l\'organisme. Relancez avec --organisme "MRC de …" '
            "(le nom de la MRC ou de la municipalité)."
        )
    if options.plan_id:
        plan["id"] = options.plan_id
    elif not plan.get("id"):
        year = _year_of(plan)
        plan["id"] = slug("-".join(x for x in [plan["organisme"]["nom"], kind.id, year] if x))
        report.guess(
            "identifiant du plan", f"Identifiant fait du nom de l'organisme, du type et de l'année : {plan['id']}."
        )
    if not re.match(ID_PATTERN, str(plan["id"])):
        raise ImportFailure(
            f"--id : « {plan['id']} » n'est pas un identifiant valide "
            "(minuscules sans accents, chiffres et traits d'union)."
        )
    _validate(kind, plan, shown)
    guessed: dict[tuple[str | int, ...], str] = {} if embedded else mapper.guessed_paths(top)
    if not options.plan_id and not embedded:
        guessed[("id",)] = "fait du nom de l'organisme, du type et de l'année"
    for name, message in plan_marks.items():
        if name in plan:
            guessed[(name,)] = message
    return ImportResult(_ordered(plan), report, guessed)


def _plan_facts(
    plan: dict[str, Any],
    document: word.Document,
    gabarit: GabaritWord,
    kind: Kind,
    options: Options,
    mapper: Mapper,
    report: ImportReport,
) -> dict[str, str]:
    """The plan's own fields a real MRC file gives (or lets guess); the guesses by field."""
    marks: dict[str, str] = {}
    counted = len(report.devinettes)

    def marked(key: str, value: Any) -> Any:
        # A plan-level value whose reading added a guess gets the comment in the plan file.
        nonlocal counted
        if len(report.devinettes) > counted:
            marks[key] = report.devinettes[-1].message
        counted = len(report.devinettes)
        return value

    organisme = marked("organisme", _organisme(document, options, report))
    title = marked("titre", _title(document, gabarit, kind, report))
    if kind.spec.programme:
        programme = _referentiel(kind, options.referentiels)
        if not programme:
            raise ImportFailure(
                f"Un plan « {kind.id} » nomme le référentiel de son programme, et aucun référentiel de ce type "
                f"n'est dans {options.referentiels} : lancez l'import depuis le dossier du dépôt (celui qui "
                "contient plans/), ou donnez --plans DOSSIER."
            )
        plan["programme"] = programme
        report.guess(
            "programme",
            f"Référentiel du programme : {programme} (celui des plans « {kind.id} » dans {options.referentiels}).",
        )
        marked("programme", programme)
    plan["titre"] = title
    if organisme:
        plan["organisme"] = {"nom": organisme}
    years = marked("annees", _plan_years(mapper, report))
    if years:
        plan["annees"] = years
    return marks


def _year_of(plan: dict[str, Any]) -> str:
    if isinstance(plan.get("date_plan"), dt.date):
        return str(plan["date_plan"].year)
    if plan.get("annees"):
        return str(plan["annees"][0]["debut"])
    return ""


def _plan_years(mapper: Mapper, report: ImportReport) -> list[dict[str, int]]:
    years = []
    for number in sorted(mapper.years):
        counts = mapper.years[number]
        (debut, fin), _ = counts.most_common(1)[0]
        if len(counts) > 1:
            others = ", ".join(f"({a}-{b})" for (a, b) in counts if (a, b) != (debut, fin))
            report.guess(
                "colonne des échéances",
                f"An {number} est ({debut}-{fin}) le plus souvent, mais aussi {others} : ({debut}-{fin}) est retenu "
                "pour les années du plan ; les échéances gardent leur texte.",
            )
        years.append({"numero": number, "debut": debut, "fin": fin})
    return years


def _cap_notes(notes: list[str]) -> list[str]:
    capped = [n if len(n) <= 5000 else n[:4990] + " […]" for n in notes]
    if len(capped) > 200:
        capped = [*capped[:199], " / ".join(capped[199:])[:5000]]
    return capped


def _ordered(plan: dict[str, Any]) -> dict[str, Any]:
    first = ["id", "gabarit", "programme", "titre", "organisme"]
    out = {k: plan[k] for k in first if k in plan}
    out.update({k: v for k, v in plan.items() if k not in out and k != "notes"})
    if "notes" in plan:
        out["notes"] = plan["notes"]
    return out


def _validate(kind: Kind, plan: dict[str, Any], shown: str) -> None:
    from pydantic import ValidationError

    try:
        kind.model.model_validate(plan)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ImportFailure(
            f"{shown} : le plan lu ne respecte pas le type « {kind.id} » ({where} : {first['msg']}). "
            "Signalez ce document à l'équipe de Plan ouvert."
        ) from None


# --- Embedded data (a Plan ouvert export) ---------------------------------------------------------


def _embedded_data(document: word.Document) -> dict[str, Any] | None:
    if not document.embedded:
        return None
    try:
        data = json.loads(document.embedded.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return data if isinstance(data, dict) else None


def _rows_by_id(data: dict[str, Any], kind: Kind, rangee: str) -> dict[str, dict[str, Any]]:
    niveaux = kind.spec.niveaux
    target = kind.spec.depth(rangee)
    out: dict[str, dict[str, Any]] = {}

    def walk(items: Any, depth: int) -> None:
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if depth == target:
                out[str(item.get("id"))] = item
            elif depth + 1 < len(niveaux):
                walk(item.get(niveaux[depth + 1].cle), depth + 1)

    walk(data.get(niveaux[0].cle), 0)
    return out


def _referenced(data: Any, registry_key: str = "partenaires") -> set[str]:
    """Every id a plan's data names in a list (porteurs, collaborateurs…), its registry aside."""
    found: set[str] = set()

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k != registry_key or key is not None:
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, str):
                    found.add(v)
                else:
                    walk(v, key)

    walk(data, None)
    return found


def _merge_embedded(
    embedded: dict[str, Any], visible: dict[str, Any], top: str, report: ImportReport
) -> dict[str, Any]:
    """The embedded data, with what the table shows taking precedence (and every change reported)."""
    merged = dict(embedded)
    for key in (top, "date_plan", "mises_a_jour", "notes"):
        if key not in visible:
            continue
        if key in embedded:
            merged[key] = merge(embedded[key], visible[key], (key,), report)
        else:
            merged[key] = visible[key]
    if "partenaires" in visible:
        # The embedded registry plus the names the table adds; a name the exported plan already
        # used without a registry entry stays without one.
        known = {p.get("id") for p in embedded.get("partenaires", [])}
        used = _referenced(embedded)
        added = [p for p in visible["partenaires"] if p["id"] not in known and p["id"] not in used]
        merged["partenaires"] = [*embedded.get("partenaires", []), *added]
        if not merged["partenaires"]:
            del merged["partenaires"]
    return merged


def merge(base: Any, shown: Any, path: tuple[str | int, ...], report: ImportReport) -> Any:
    if isinstance(base, dict) and isinstance(shown, dict):
        out = dict(base)
        for key, value in shown.items():
            if key == "id" and key in base:
                continue  # an id is not in the table (the import numbers what it reads): the data's stays
            out[key] = (
                merge(base[key], value, (*path, key), report)
                if key in base
                else _changed(None, value, (*path, key), report)
            )
        return out
    if isinstance(base, list) and isinstance(shown, list):
        if len(base) == len(shown):
            return [merge(b, s, (*path, i), report) for i, (b, s) in enumerate(zip(base, shown, strict=True))]
        by_id = {b.get("id"): b for b in base if isinstance(b, dict) and b.get("id") is not None}
        if by_id and all(isinstance(s, dict) and s.get("id") is not None for s in shown):
            # Elements added or removed in Word: the others keep what only the data carried.
            added = [str(s["id"]) for s in shown if s["id"] not in by_id]
            removed = [str(k) for k in by_id if k not in {s["id"] for s in shown}]
            report.guess(
                _path_text(path),
                "modifié dans le document Word : "
                + " ; ".join(
                    part
                    for part in (
                        f"ajouté(s) : {', '.join(added)}" if added else "",
                        f"retiré(s) : {', '.join(removed)}" if removed else "",
                    )
                    if part
                ),
            )
            return [
                merge(by_id[s["id"]], s, (*path, i), report) if s["id"] in by_id else s for i, s in enumerate(shown)
            ]
        report.guess(
            _path_text(path),
            f"{len(base)} éléments dans les données du fichier, {len(shown)} dans le tableau : "
            "ceux du tableau sont retenus.",
        )
        return shown
    if _same(base, shown):
        return base
    return _changed(base, shown, path, report)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return str(a) == str(b)
    return bool(a == b)


def _changed(before: Any, after: Any, path: tuple[str | int, ...], report: ImportReport) -> Any:
    report.guess(_path_text(path), "modifié dans le document Word", _short(after))
    return after


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:297] + "…"


def _path_text(path: tuple[str | int, ...]) -> str:
    return " > ".join(str(p + 1) if isinstance(p, int) else p for p in path)
