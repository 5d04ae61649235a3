"""Mapping the raw rows to a plan of a kind: the plan's fields, its elements and their parents,
the structured fields and the registries."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plan_ouvert.source.kinds import Champ, Kind, Kinds, Niveau
from plan_ouvert.source.model import ID_PATTERN

from ..budget import Budget
from ..resultat import ImportFailure, ImportReport, ImportResult
from .columns import (
    ALLOCATION_COLUMNS,
    ANNEES_COLUMNS,
    ANNEES_SHEET,
    CIBLE_COLUMNS,
    CIBLES_SHEET,
    ELEMENT_REF,
    FIELD_REF,
    FINANCEMENT_COLUMNS,
    FINANCEMENT_SHEET,
    IDENT,
    INDICATEUR_COLUMNS,
    INDICATEURS_SHEET,
    JSON_CONV,
    LEVEL,
    MISES_A_JOUR_COLUMNS,
    MISES_A_JOUR_SHEET,
    PARENT,
    PARTENAIRES_COLUMNS,
    PARTENAIRES_SHEET,
    PLAN_COLUMNS,
    PLAN_SHEET,
    RECORDS_SHEET,
    RESSOURCES_COLUMNS,
    RESSOURCES_SHEET,
    TEMPS_SHEET,
    CellError,
    Col,
    as_text,
    compare_key,
    is_blank,
    record_columns,
    set_value,
)
from .read import (
    RawSheet,
    find_sheet,
    place,
    read_csv,
    read_xlsx,
)


@dataclass
class Reader:
    """One import under way: where messages go, and the plan's unplaced text."""

    display: str
    report: ImportReport
    notes: list[str] = field(default_factory=list)

    def fail(self, where: str, message: str) -> ImportFailure:
        return ImportFailure(f"{self.display} : {where} : {message}")

    def unplaced(self, where: str, message: str, text: str) -> None:
        self.report.unplaced(where, message, text)
        self.notes.append(f"{where} : {text}")


def _match(sheet: RawSheet, columns: list[Col], reader: Reader, required: Iterable[str] = ()) -> dict[int, Col]:
    """Header position → column, tolerant of order, case and accents; an unknown header with text
    under it stops the import (its text would have nowhere to go)."""
    names: dict[str, Col] = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            names.setdefault(compare_key(name), col)
    found: dict[int, Col] = {}
    for index, header in enumerate(sheet.header):
        matched = names.get(compare_key(header)) if header else None
        if matched is None:
            if any(index < len(cells) and not is_blank(cells[index]) for _, cells in sheet.rows):
                known = " ; ".join(c.header for c in columns)
                raise reader.fail(
                    place(sheet.name, 1, index, header or None),
                    f"en-tête inconnu ; renommez la colonne comme l'une de celles-ci, ou retirez-la : {known}.",
                )
            continue
        if matched in found.values():
            raise reader.fail(place(sheet.name, 1, index, header), "colonne en double.")
        found[index] = matched
    for key in required:
        if not any(c.key == key for c in found.values()):
            header = next(c.header for c in columns if c.key == key)
            raise reader.fail(place(sheet.name, 1), f"colonne obligatoire « {header} » introuvable.")
    return found


def _cells(sheet: RawSheet, number: int, cells: list[object], found: dict[int, Col], reader: Reader) -> dict[str, Any]:
    """The values of one row, read by their columns; a value that does not fit stops the import."""
    values: dict[str, Any] = {}
    for index, col in found.items():
        value = cells[index] if index < len(cells) else None
        if is_blank(value):
            continue
        try:
            values[col.key] = col.conv.read(value)
        except (CellError, ValueError) as exc:
            raise reader.fail(place(sheet.name, number, index, sheet.header[index]), f"{exc}.") from None
    return values


def _records_of(
    sheet: RawSheet | None, columns: list[Col], reader: Reader, required: Iterable[str] = ()
) -> Iterator[tuple[RawSheet, int, dict[str, Any]]]:
    if sheet is None:
        return
    found = _match(sheet, columns, reader, required)
    for number, cells in sheet.rows:
        yield sheet, number, _cells(sheet, number, cells, found, reader)


def _plan_fields(sheet: RawSheet | None, reader: Reader) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if sheet is None:
        return data
    by_name = {compare_key(c.header): c for c in PLAN_COLUMNS} | {compare_key(c.key): c for c in PLAN_COLUMNS}
    # The sheet's own header row (Champ, Valeur, Clé) is read as the first row of fields.
    rows = [(1, list[object](sheet.header)), *sheet.rows]
    for number, cells in rows:
        label = as_text(cells[0]) if cells and cells[0] is not None else ""
        value = cells[1] if len(cells) > 1 else None
        key = as_text(cells[2]) if len(cells) > 2 and cells[2] is not None else ""
        if compare_key(label) in ("champ",) and compare_key(as_text(value or "")) == "valeur":
            continue
        col = by_name.get(compare_key(key)) or by_name.get(compare_key(label))
        if is_blank(value):
            continue
        where = place(sheet.name, number, 1, label)
        if col is None:
            if key and re.fullmatch(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*", key):
                try:
                    set_value(data, key, JSON_CONV.read(value))
                    continue
                except ValueError:
                    pass
            reader.unplaced(
                where, "champ du plan inconnu : texte gardé dans les notes du plan.", f"{label} : {as_text(value)}"
            )
            continue
        try:
            set_value(data, col.key, col.conv.read(value))
        except (CellError, ValueError) as exc:
            raise reader.fail(where, f"{exc}.") from None
    return data


def _guess_kind(sheet: RawSheet, kinds: Kinds, reader: Reader) -> Kind:
    level_col = next((i for i, h in enumerate(sheet.header) if compare_key(h) == compare_key(LEVEL.header)), None)
    words = {
        compare_key(as_text(cells[level_col]))
        for _, cells in sheet.rows
        if level_col is not None and level_col < len(cells) and cells[level_col]
    }
    fits = [
        k
        for k in kinds
        if words
        and words <= {compare_key(n.singulier) for n in k.spec.niveaux} | {compare_key(n.type) for n in k.spec.niveaux}
    ]
    if len(fits) != 1:
        known = ", ".join(sorted(k.id for k in kinds))
        raise reader.fail(
            place(sheet.name),
            "impossible de savoir le type du plan ; donnez-le (option --type, types connus : " + known + ").",
        )
    reader.report.guess(place(sheet.name), f"type de plan déduit des niveaux : « {fits[0].id} ».")
    return fits[0]


def _level_of(kind: Kind, word: str) -> Niveau | None:
    key = compare_key(word)
    return next(
        (
            n
            for n in kind.spec.niveaux
            if key in (compare_key(n.singulier), compare_key(n.pluriel), compare_key(n.type))
        ),
        None,
    )


@dataclass
class _Node:
    niveau: Niveau
    data: dict[str, Any]
    parent: str | None
    row: int


def _elements(sheet: RawSheet, kind: Kind, reader: Reader) -> dict[tuple[str, str], _Node]:
    columns = record_columns(kind)
    cols = [fc.col for fc in columns]
    by_col = {id(fc.col): fc for fc in columns}
    found = _match(sheet, cols, reader, required=("niveau", "id"))
    nodes: dict[tuple[str, str], _Node] = {}
    for number, cells in sheet.rows:
        level_index = next(i for i, c in found.items() if c.key == "niveau")
        word = cells[level_index] if level_index < len(cells) else None
        if is_blank(word):
            raise reader.fail(place(sheet.name, number, level_index, LEVEL.header), "niveau manquant.")
        niveau = _level_of(kind, as_text(word))
        if niveau is None:
            permitted = ", ".join(n.singulier for n in kind.spec.niveaux)
            raise reader.fail(
                place(sheet.name, number, level_index, LEVEL.header),
                f"niveau inconnu « {as_text(word)} » (permis : {permitted}).",
            )
        data: dict[str, Any] = {}
        parent: str | None = None
        for index, col in found.items():
            value = cells[index] if index < len(cells) else None
            if is_blank(value):
                continue
            fc = by_col[id(col)]
            where = place(sheet.name, number, index, sheet.header[index])
            if niveau.type not in fc.levels:
                reader.unplaced(where, f"colonne sans objet pour le niveau « {niveau.singulier} ».", as_text(value))
                continue
            if fc.champ_key == "niveau":
                continue
            try:
                read = col.conv.read(value)
            except (CellError, ValueError) as exc:
                raise reader.fail(where, f"{exc}.") from None
            if fc.champ_key == "parent":
                parent = str(read)
            elif fc.part is not None:
                data.setdefault(fc.champ_key, {})[fc.part] = read
            else:
                data[fc.champ_key] = read
        ident = data.get("id")
        if ident is None:
            raise reader.fail(place(sheet.name, number), "identifiant manquant.")
        ident = data["id"] = as_text(ident)
        if not re.fullmatch(ID_PATTERN.strip("^$"), ident):
            column = next(i for i, c in found.items() if c.key == "id")
            raise reader.fail(
                place(sheet.name, number, column, IDENT.header),
                f"identifiant invalide « {ident} » : minuscules sans accents, chiffres et traits d'union.",
            )
        if (niveau.type, ident) in nodes:
            raise reader.fail(
                place(sheet.name, number), f"identifiant « {ident} » en double au niveau « {niveau.singulier} »."
            )
        nodes[(niveau.type, ident)] = _Node(niveau, data, parent, number)
    return nodes


def _assemble(nodes: dict[tuple[str, str], _Node], kind: Kind, sheet: RawSheet, reader: Reader) -> list[dict[str, Any]]:
    """Attach each element to its parent, in the order of the rows."""
    niveaux = kind.spec.niveaux
    roots: list[dict[str, Any]] = []
    parent_column = next(
        (i for i, h in enumerate(sheet.header) if compare_key(h) in (compare_key(PARENT.header), "parent")), None
    )
    for node in nodes.values():
        depth = kind.spec.depth(node.niveau.type)
        if depth == 0:
            if node.parent:
                raise reader.fail(
                    place(sheet.name, node.row, parent_column, PARENT.header),
                    f"un élément du premier niveau (« {node.niveau.singulier} ») n'a pas de parent.",
                )
            roots.append(node.data)
            continue
        above = niveaux[depth - 1]
        holder = nodes.get((above.type, node.parent or ""))
        if holder is None:
            what = f"« {node.parent} »" if node.parent else "(vide)"
            raise reader.fail(
                place(sheet.name, node.row, parent_column, PARENT.header),
                f"parent {what} introuvable : il doit être l'identifiant d'un élément du niveau « {above.singulier} » "
                f"de la feuille « {sheet.name} ».",
            )
        holder.data.setdefault(node.niveau.cle, []).append(node.data)
    return roots


def _owner(
    nodes: dict[tuple[str, str], _Node], kind: Kind, values: dict[str, Any], type_: str, where: str, reader: Reader
) -> tuple[_Node, Champ]:
    niveau = _level_of(kind, as_text(values.get("niveau", "")))
    node = nodes.get((niveau.type, as_text(values.get("element", "")))) if niveau else None
    if node is None:
        raise reader.fail(
            where,
            f"élément « {values.get('niveau', '')} {values.get('element', '')} » introuvable dans la feuille "
            f"« {RECORDS_SHEET} ».",
        )
    champs = [c for c in node.niveau.champs if c.type == type_]
    wanted = values.get("champ")
    champ = next(
        (c for c in champs if wanted and compare_key(wanted) in (compare_key(c.libelle), compare_key(c.cle))),
        champs[0] if champs else None,
    )
    if champ is None:
        raise reader.fail(where, f"le niveau « {node.niveau.singulier} » n'a pas ce genre de champ.")
    return node, champ


def _structured(sheets_: dict[str, RawSheet], nodes: dict[tuple[str, str], _Node], kind: Kind, reader: Reader) -> None:
    ref = [*ELEMENT_REF, FIELD_REF]
    positions: dict[tuple[int, int], dict[str, Any]] = {}  # (id of node, position) → indicator
    for sheet, number, values in _records_of(
        find_sheet(sheets_, INDICATEURS_SHEET), [*ref, *INDICATEUR_COLUMNS], reader, ("niveau", "element", "texte")
    ):
        node, champ = _owner(nodes, kind, values, "indicateurs", place(sheet.name, number), reader)
        indicateur = {k: v for k, v in values.items() if k in ("id", "texte")}
        node.data.setdefault(champ.cle, []).append(indicateur)
        position = values.get("position", len([k for k in positions if k[0] == id(node)]) + 1)
        positions[(id(node), position)] = indicateur
    for sheet, number, values in _records_of(
        find_sheet(sheets_, CIBLES_SHEET), [*ref, *CIBLE_COLUMNS], reader, ("niveau", "element", "texte")
    ):
        node, _ = _owner(nodes, kind, values, "indicateurs", place(sheet.name, number), reader)
        owner = positions.get((id(node), values.get("position", 1)))
        if owner is None:
            raise reader.fail(
                place(sheet.name, number), "indicateur introuvable (position) dans la feuille « Indicateurs »."
            )
        cible = {k: v for k, v in values.items() if k not in ("niveau", "element", "champ", "position")}
        owner.setdefault("cibles", []).append(cible)
    for sheet, number, values in _records_of(
        find_sheet(sheets_, TEMPS_SHEET), [*ref, *ALLOCATION_COLUMNS], reader, ("niveau", "element", "ressource")
    ):
        node, champ = _owner(nodes, kind, values, "temps_imparti", place(sheet.name, number), reader)
        allocation = {k: values[k] for k in ("ressource", "part") if k in values}
        node.data.setdefault(champ.cle, {}).setdefault("allocations", []).append(allocation)
    for sheet, number, values in _records_of(
        find_sheet(sheets_, FINANCEMENT_SHEET), [*ref, *FINANCEMENT_COLUMNS], reader, ("niveau", "element", "source")
    ):
        node, champ = _owner(nodes, kind, values, "financement", place(sheet.name, number), reader)
        item = {k: v for k, v in values.items() if k not in ("niveau", "element", "champ")}
        node.data.setdefault(champ.cle, []).append(item)


def _registry(
    sheets_: dict[str, RawSheet], title: str, columns: list[Col], reader: Reader, required: str
) -> list[dict[str, Any]]:
    out = []
    for _, _, values in _records_of(find_sheet(sheets_, title), columns, reader, (required,)):
        record: dict[str, Any] = {}
        for key, value in values.items():
            set_value(record, key, value)
        out.append(record)
    return out


def import_workbook(
    path: Path,
    kinds: Kinds,
    *,
    display: str | None = None,
    gabarit: str | None = None,
    plan: Mapping[str, Any] | None = None,
) -> ImportResult:
    """Read the editable workbook (.xlsx), or its « Éléments » sheet saved as CSV, into a plan.

    `gabarit`: the plan's kind when the file does not say it (a CSV); `plan`: the plan's own
    fields (id, titre, organisme…) for a CSV, which has none. Raises ImportFailure (French,
    with sheet, row and column) for a file that cannot be read as a plan; nothing is written here.
    """
    display = display or path.name
    reader = Reader(display, ImportReport(display))
    budget = Budget(display)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = read_csv(path, display, budget)
    elif suffix in (".xlsx", ".xlsm"):
        raw = read_xlsx(path, display, budget)
    else:
        raise ImportFailure(f"{display} : format non pris en charge ; attendu un classeur .xlsx ou un fichier .csv.")
    data = _plan_fields(find_sheet(raw, PLAN_SHEET), reader)
    for key, value in (plan or {}).items():
        data.setdefault(key, value)
    records = find_sheet(raw, RECORDS_SHEET)
    if records is None:
        names = ", ".join(f"« {n} »" for n in raw)
        raise ImportFailure(
            f"{display} : feuille « {RECORDS_SHEET} » introuvable (feuilles : {names}) ; ce classeur n'est pas un plan "
            "exporté par « plan-ouvert exporter --format xlsx »."
        )
    kind_id = gabarit or data.get("gabarit")
    if kind_id is not None and kinds.get(str(kind_id)) is None:
        known = ", ".join(sorted(k.id for k in kinds))
        raise reader.fail(place(PLAN_SHEET), f"type de plan inconnu « {kind_id} » (connus : {known}).")
    kind = kinds.get(str(kind_id)) if kind_id else None
    kind = kind or _guess_kind(records, kinds, reader)
    data["gabarit"] = kind.id
    guessed: dict[tuple[str | int, ...], str] = {}
    if "id" not in data and re.fullmatch(ID_PATTERN, path.stem):
        data["id"] = path.stem
        guessed[("id",)] = "identifiant tiré du nom du fichier"
        reader.report.guess(display, f"identifiant du plan tiré du nom du fichier : « {path.stem} ».")
    missing = [k for k in ("id", "titre", "organisme") if k not in data]
    if missing:
        reader.report.unplaced(
            display,
            "le fichier ne donne pas ces champs du plan : "
            + ", ".join(missing)
            + " ; complétez-les dans le plan écrit.",
        )
    nodes = _elements(records, kind, reader)
    _structured(raw, nodes, kind, reader)
    data[kind.spec.niveaux[0].cle] = _assemble(nodes, kind, records, reader)
    partenaires = _registry(raw, PARTENAIRES_SHEET, PARTENAIRES_COLUMNS, reader, "id")
    if partenaires:
        data["partenaires"] = partenaires
    if kind.spec.ressources:
        ressources = _registry(raw, RESSOURCES_SHEET, RESSOURCES_COLUMNS, reader, "id")
        if ressources:
            data["ressources"] = ressources
    for title, columns, key, required in (
        (ANNEES_SHEET, ANNEES_COLUMNS, "annees", "numero"),
        (MISES_A_JOUR_SHEET, MISES_A_JOUR_COLUMNS, "mises_a_jour", "date"),
    ):
        found = _registry(raw, title, columns, reader, required)
        if found:
            data[key] = found
    if reader.notes:
        data["notes"] = [*data.get("notes", []), *reader.notes]
    return ImportResult(_ordered(data), reader.report, guessed)


# The plan's keys in the order a plan file gives them (the rest after, as read).
_ORDER = [
    "id",
    "anciens_ids",
    "gabarit",
    "programme",
    "titre",
    "organisme",
    "statut",
    "date_plan",
    "date_convention",
    "periode",
    "annees",
    "mises_a_jour",
    "adoption",
    "contact",
    "licence",
    "source",
    "fictif",
    "partenaires",
    "ressources",
]


def _ordered(data: dict[str, Any]) -> dict[str, Any]:
    keys = [k for k in _ORDER if k in data] + [k for k in data if k not in _ORDER]
    return {k: data[k] for k in keys}
