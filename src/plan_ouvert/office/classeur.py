"""The project's own editable workbook: one plan out to .xlsx, and back in from .xlsx or .csv.

The workbook is built from the plan's kind and its element tree, never from a kind's name:
a « Plan » sheet (the plan's own fields, one per row), an « Éléments » sheet (one row per
element, with its level, its id and its parent's id, then every field of the kinds' levels),
one sheet per structured field (indicators and their targets, time of the resources, funding),
the registries (partners, resources), the plan years and updates, and a « Colonnes » sheet that
explains each column in French. Reading it back gives the same plan (same public data): the
layout of each value is one `Conv`, used both ways.

Only public fields are written: `prive` never leaves the plan file. Text cells stay text (never
a formula), and the bytes depend only on the plan, so a rebuild gives the same file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

from plan_ouvert.source.echeance import fold, parse
from plan_ouvert.source.kinds import Champ, Kind, Kinds, Niveau
from plan_ouvert.source.model import ID_PATTERN
from plan_ouvert.source.tree import Element, PlanTree
from plan_ouvert.views.export import strip_private
from plan_ouvert.views.libelles import STATUTS_PLAN, STATUTS_RESSOURCE, STATUTS_SUIVI, TEMPS
from plan_ouvert.views.opendata import number_text, put, stamp

from .budget import Budget, check_archive, part_name
from .resultat import ImportFailure, ImportReport, ImportResult, control_character, refuse_control

# --- Sheet names (what the reader looks for, accents and case aside) --------------------------

PLAN_SHEET = "Plan"
RECORDS_SHEET = "Éléments"
INDICATEURS_SHEET = "Indicateurs"
CIBLES_SHEET = "Cibles"
TEMPS_SHEET = "Temps imparti"
FINANCEMENT_SHEET = "Financement"
PARTENAIRES_SHEET = "Partenaires"
RESSOURCES_SHEET = "Ressources"
ANNEES_SHEET = "Années du plan"
MISES_A_JOUR_SHEET = "Mises à jour"
COLONNES_SHEET = "Colonnes"

YES, NO = "oui", "non"
# A plan has at most a few hundred elements: far more rows is another file (and would only
# cost time and memory to read).
MAX_ROWS = 20_000
MAX_COLUMNS = 500  # the widest sheet of an export has a few dozen columns
MAX_CSV_BYTES = 20_000_000
SHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _key(text: str) -> str:
    """A header or a name as the reader compares it: no accents, no case, no punctuation."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text.replace("’", "'"))))


class CellError(ValueError):
    """A cell whose content does not fit its column; the message is French."""


# --- How a value sits in a cell, both ways ---------------------------------------------------


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _as_text(value: object) -> str:
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return YES if value else NO
    return str(value).strip()


def _lines(value: object) -> list[str]:
    return [line.strip() for line in _as_text(value).splitlines() if line.strip()]


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise CellError("attendu un nombre")
    if isinstance(value, int | float):
        return float(value)
    text = re.sub(r"[\s\u00a0\u202f$%]", "", _as_text(value)).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise CellError(f"attendu un nombre (ex. 12000 ou 2,5), trouvé « {_as_text(value)} »") from None


@dataclass(frozen=True)
class Conv:
    """How one kind of value is written in a cell and read back from it."""

    aide: str  # what the cell holds, for the « Colonnes » sheet
    write: Callable[[Any], object]
    read: Callable[[object], Any]  # never called with a blank cell; raises CellError


def _read_text(value: object) -> str:
    return _as_text(value)


def _read_int(value: object) -> int:
    number = _number(value)
    if not number.is_integer():
        raise CellError(f"attendu un nombre entier, trouvé « {_as_text(value)} »")
    return int(number)


def _read_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_as_text(value)[:10])
    except ValueError:
        raise CellError(f"attendu une date AAAA-MM-JJ, trouvé « {_as_text(value)} »") from None


def _read_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = _key(_as_text(value))
    if word in ("oui", "vrai", "true", "1"):
        return True
    if word in ("non", "faux", "false", "0"):
        return False
    raise CellError(f"attendu « oui » ou « non », trouvé « {_as_text(value)} »")


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _read_montant(value: object) -> float | str:
    # A number stays a number (a CSV gives it as text); the plan's own wording (« environ
    # 5 000 $ ») stays text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = _as_text(value)
    return float(text) if _PLAIN_NUMBER.fullmatch(text) else text


def _read_numbers(value: object) -> list[int]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [_read_int(value)]
    parts = [p for p in re.split(r"[,;&\n]|\bet\b", _as_text(value)) if p.strip()]
    return [_read_int(p.strip()) for p in parts]


def _write_numbers(values: list[int] | int | None) -> object:
    if values is None or values == []:
        return None
    if isinstance(values, int):
        return values
    return values[0] if len(values) == 1 else ", ".join(str(v) for v in values)


def _read_years(value: object) -> int | list[int]:
    years = _read_numbers(value)
    return years[0] if len(years) == 1 else years


def _enum(labels: Mapping[str, str], what: str) -> Conv:
    by_key = {_key(label): code for code, label in labels.items()} | {_key(code): code for code in labels}

    def read(value: object) -> str:
        code = by_key.get(_key(_as_text(value)))
        if code is None:
            raise CellError(f"{what} inconnu « {_as_text(value)} » (permis : {', '.join(labels.values())})")
        return code

    return Conv(f"Un de : {', '.join(labels.values())}.", lambda v: labels.get(v, v) if v else None, read)


TEXT = Conv("Texte.", lambda v: v, _read_text)


def _read_id(value: object) -> str:
    # A spreadsheet turns « 1-2 » typed in a cell into the 1st of February.
    if isinstance(value, dt.date):
        raise CellError(
            "le tableur a pris cet identifiant pour une date ; retapez-le précédé d'une apostrophe (ex. '1-2)"
        )
    return _as_text(value)


ID = Conv("Minuscules sans accents, chiffres et traits d'union.", lambda v: v, _read_id)
INT = Conv("Nombre entier.", lambda v: v, _read_int)
NUMBER = Conv("Nombre (sans unité).", lambda v: v, _number)
MONTANT = Conv("Montant en dollars (nombre), ou le montant dans les mots du plan.", lambda v: v, _read_montant)
DATE = Conv("Date AAAA-MM-JJ.", lambda v: v, _read_date)
BOOL = Conv("« oui » ou « non ».", lambda v: None if v is None else (YES if v else NO), _read_bool)
LINES = Conv("Un élément par ligne dans la cellule.", lambda v: "\n".join(v) if v else None, _lines)
IDS = Conv(
    "Identifiants, un par ligne dans la cellule (minuscules, chiffres, traits d'union).",
    lambda v: "\n".join(v) if v else None,
    _lines,
)
NUMBERS = Conv("Numéros séparés par des virgules (ex. 1, 7).", _write_numbers, _read_numbers)
YEARS = Conv(
    "Année(s) du plan visée(s) : un numéro (1 pour l'An 1), ou plusieurs séparés par des virgules.",
    _write_numbers,
    _read_years,
)


def _echeance(champ: Champ) -> Conv:
    """An échéance: one line per item of a list. In a field given in plan years, a single year
    is still a list (the plan's own form); elsewhere a single line is the plan's wording."""

    def read(value: object) -> str | list[str]:
        lines = _lines(value)
        if len(lines) > 1:
            return lines
        if champ.annees_plan and any(t.annee_plan is not None for t in parse(lines[0])):
            return lines
        return lines[0]

    def write(value: str | list[str] | None) -> object:
        if value is None:
            return None
        return "\n".join(value) if isinstance(value, list) else value

    aide = "Échéance dans les mots du plan ; plusieurs échéances (années du plan), une par ligne."
    return Conv(aide, write, read)


ECHEANCE = _echeance(Champ(cle="echeance", type="echeance", libelle="Échéance"))


# --- Columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    """A column of a sheet: its French header, the value's key in the record, its layout."""

    header: str
    key: str  # key in the record's mapping (dotted for a nested record: « organisme.nom »)
    conv: Conv = TEXT
    aide: str | None = None
    aliases: tuple[str, ...] = ()  # other headers accepted on reading (the YAML key, a short name)

    @property
    def explanation(self) -> str:
        return f"{self.aide} {self.conv.aide}" if self.aide else self.conv.aide


def _get(record: Any, key: str) -> Any:
    value = record
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    *parents, last = key.split(".")
    for part in parents:
        data = data.setdefault(part, {})
    data[last] = value


LEVEL = Col("Niveau", "niveau", aide="Le niveau de l'élément, dans les mots du type de plan (ex. « Action »).")
IDENT = Col(
    "Identifiant",
    "id",
    ID,
    aide="Identifiant stable de l'élément ; il fait l'adresse de sa page.",
)
PARENT = Col(
    "Identifiant du parent",
    "parent",
    ID,
    aide="Identifiant de l'élément du niveau au-dessus auquel celui-ci appartient (vide au premier niveau).",
    aliases=("Parent",),
)
NUMERO = Col("Numéro", "numero", INT, aide="Numéro de l'élément, pour les niveaux numérotés par un champ.")
ANCIENS = Col(
    "Anciens identifiants",
    "anciens_ids",
    IDS,
    aide="Identifiants précédents : leurs anciennes adresses redirigent ici.",
)
ELEMENT_REF = [
    Col("Niveau", "niveau", aide="Niveau de l'élément auquel la ligne se rattache."),
    Col("Identifiant de l'élément", "element", ID, aide="Identifiant de l'élément (feuille « Éléments »)."),
]
FIELD_REF = Col(
    "Champ", "champ", aide="Champ de l'élément, quand son niveau en a plusieurs de ce genre (vide : le premier)."
)

PLAN_COLUMNS = [
    Col("Identifiant du plan", "id", aide="Identifiant stable du plan (il fait l'adresse de ses pages)."),
    Col("Type de plan (gabarit)", "gabarit", aide="Identifiant du type de plan : piar, pac, plan-action…"),
    Col("Titre du plan", "titre"),
    Col("Programme (référentiel)", "programme", aide="Identifiant du référentiel du programme, s'il y a lieu."),
    Col("Organisme", "organisme.nom", aide="Nom de l'organisme municipal (la MRC)."),
    Col("Organisme délégataire", "organisme.delegataire"),
    Col("Site Web de l'organisme", "organisme.site_web"),
    Col("Région administrative (code)", "organisme.region", aide="Code de la région administrative (ex. 14)."),
    Col("Statut du plan", "statut", _enum(STATUTS_PLAN, "statut")),
    Col("Date du plan", "date_plan", DATE),
    Col("Date de la convention", "date_convention", DATE),
    Col("Début de la période", "periode.debut", DATE),
    Col("Fin de la période", "periode.fin", DATE),
    Col("Instance d'adoption", "adoption.instance"),
    Col("Date d'adoption", "adoption.date", DATE),
    Col("Résolution d'adoption", "adoption.resolution"),
    Col("Contact : service ou personne", "contact.nom"),
    Col("Contact : courriel", "contact.courriel"),
    Col("Contact : téléphone", "contact.telephone"),
    Col("Contact : site Web", "contact.site_web"),
    Col("Licence des données", "licence", aide="Ex. CC-BY-4.0."),
    Col("Source", "source", aide="Document d'où le plan a été transcrit."),
    Col("Plan fictif (démonstration)", "fictif", BOOL),
    Col("Anciens identifiants du plan", "anciens_ids", IDS),
    Col("Notes", "notes", LINES, aide="Textes qu'un import n'a pas su placer : à replacer, puis à retirer."),
]
# Plan keys held by sheets of their own, or by the levels.
_PLAN_LISTS = {"partenaires", "ressources", "annees", "mises_a_jour"}
# A plan field that no row of the « Plan » sheet names (a later version's) still travels, as JSON.
JSON_CONV = Conv("Valeur en JSON.", lambda v: json.dumps(v, ensure_ascii=False), lambda v: json.loads(_as_text(v)))

PARTENAIRES_COLUMNS = [
    Col("Identifiant", "id", ID, aide="Identifiant du partenaire, tel que les éléments le citent."),
    Col("Sigle", "sigle"),
    Col("Nom", "nom"),
    Col("Site Web", "site_web"),
    Col("Anciens identifiants", "anciens_ids", IDS),
]
RESSOURCES_COLUMNS = [
    Col("Identifiant", "id", ID, aide="Identifiant de la ressource, tel que le temps imparti la cite."),
    Col("Rôle", "role"),
    Col("Statut", "statut", _enum(STATUTS_RESSOURCE, "statut")),
    Col("Temps", "temps", _enum(TEMPS, "temps")),
    Col("Embauche", "embauche", aide="Moment de l'embauche, dans les mots du plan."),
    Col("Part hors programme (%)", "hors_programme", NUMBER),
]
ANNEES_COLUMNS = [
    Col("Numéro", "numero", INT, aide="1 pour l'An 1."),
    Col("Début", "debut", INT, aide="Année civile de début."),
    Col("Fin", "fin", INT, aide="Année civile de fin."),
]
MISES_A_JOUR_COLUMNS = [
    Col("Date", "date", DATE),
    Col("Résumé", "resume"),
    Col("Résolution", "resolution"),
]
INDICATEUR_COLUMNS = [
    Col("Position de l'indicateur", "position", INT, aide="1, 2, 3… dans l'ordre des indicateurs de l'élément."),
    Col("Identifiant de l'indicateur", "id", aide="Facultatif."),
    Col("Indicateur", "texte", aide="L'indicateur dans les mots du plan."),
]
CIBLE_COLUMNS = [
    Col("Position de l'indicateur", "position", INT, aide="Position de l'indicateur (feuille « Indicateurs »)."),
    Col("Année(s) du plan", "annee", YEARS),
    Col("Cible", "texte", aide="La cible dans les mots du plan."),
    Col("Valeur", "valeur", NUMBER),
    Col("Unité", "unite"),
    Col("Échéance", "echeance", ECHEANCE),
    Col("Réalisé", "realise", aide="Résultat obtenu, dans les mots du suivi."),
    Col("Valeur réalisée", "valeur_realisee", NUMBER),
]
ALLOCATION_COLUMNS = [
    Col("Ressource", "ressource", ID, aide="Identifiant d'une ressource (feuille « Ressources »)."),
    Col("Part (%)", "part", NUMBER, aide="Part du temps de la ressource, en pour cent (50 pour 50 %)."),
]
FINANCEMENT_COLUMNS = [
    Col("Source de financement", "source"),
    Col("Partenaire", "partenaire", aide="Identifiant du partenaire qui finance, s'il est au registre."),
    Col("Montant", "montant", NUMBER, aide="En dollars."),
    Col("Précision", "texte", aide="Le montant ou la précision dans les mots du plan."),
]
SUIVI_PARTS = [
    ("statut", "statut", _enum(STATUTS_SUIVI, "statut")),
    ("date", "date", DATE),
    ("commentaire", "commentaire", TEXT),
]

# Field types held by a sheet of their own (rows with a parent column), not by the records sheet.
STRUCTURED = {"indicateurs", "financement"}
FIELD_CONVS: dict[str, Conv] = {
    "texte": TEXT,
    "textes": LINES,
    "entier": INT,
    "nombre": NUMBER,
    "montant": MONTANT,
    "date": DATE,
    "partenaires": IDS,
    "reference": NUMBERS,
    "lien": TEXT,
    "oui_non": BOOL,
}


@dataclass(frozen=True)
class FieldCol:
    """A column of the records sheet for one field key, shared by the levels that have it."""

    col: Col
    levels: frozenset[str]  # level types the column applies to
    champ_key: str  # the field's key in an element's record
    part: str | None = None  # suivi: statut, date or commentaire; temps_imparti: texte


def _libelles(items: list[tuple[Niveau, Champ]]) -> str:
    seen: list[str] = []
    for _, champ in items:
        label = champ.colonne or champ.libelle
        if label not in seen:
            seen.append(label)
    return " / ".join(seen)


def record_columns(kind: Kind) -> list[FieldCol]:
    """The records sheet's columns: level, id, parent, number, then each field key once."""
    niveaux = kind.spec.niveaux
    every = frozenset(n.type for n in niveaux)
    columns = [FieldCol(LEVEL, every, "niveau"), FieldCol(IDENT, every, "id"), FieldCol(PARENT, every, "parent")]
    numbered = frozenset(n.type for n in niveaux if n.numerotation == "champ")
    if numbered:
        columns.append(FieldCol(NUMERO, numbered, "numero"))
    by_key: dict[tuple[str, str], list[tuple[Niveau, Champ]]] = {}
    for niveau, champ in kind.spec.champs():
        if champ.type not in STRUCTURED:
            by_key.setdefault((champ.cle, champ.type), []).append((niveau, champ))
    headers = {c.col.header for c in columns}
    for (cle, type_), items in by_key.items():
        levels = frozenset(n.type for n, _ in items)
        label = _libelles(items)
        if label in headers or any(c.col.header == label for c in columns):
            label = f"{label} ({cle})"
        aide = items[0][1].aide
        aliases = (cle,)
        if type_ == "suivi":
            for part, name, conv in SUIVI_PARTS:
                header = f"{label} : {name}"
                columns.append(FieldCol(Col(header, cle, conv, aliases=(f"{cle} {part}",)), levels, cle, part))
        elif type_ == "temps_imparti":
            header = f"{label} (texte)"
            aide_t = (
                "Le temps imparti dans les mots du plan ; la part de chaque ressource est dans la feuille "
                f"« {TEMPS_SHEET} »."
            )
            columns.append(FieldCol(Col(header, cle, TEXT, aide_t, aliases), levels, cle, "texte"))
        elif type_ == "echeance":
            columns.append(FieldCol(Col(label, cle, _echeance(items[0][1]), aide, aliases), levels, cle))
        else:
            columns.append(FieldCol(Col(label, cle, FIELD_CONVS[type_], aide, aliases), levels, cle))
        headers.add(label)
    columns.append(FieldCol(ANCIENS, every, "anciens_ids"))
    return columns


def _structured_fields(kind: Kind, type_: str) -> list[tuple[Niveau, Champ]]:
    return [(n, c) for n, c in kind.spec.champs() if c.type == type_]


def _needs_field_column(kind: Kind, type_: str) -> bool:
    """True when a level has two fields of that type: rows then name their field."""
    counts: dict[str, int] = {}
    for niveau, _ in _structured_fields(kind, type_):
        counts[niveau.type] = counts.get(niveau.type, 0) + 1
    return any(n > 1 for n in counts.values())


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
        value = _get(record, col.key)
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
    held = {n.cle for n in kind.spec.niveaux} | _PLAN_LISTS
    data = strip_private(plan.model_dump(mode="json", exclude_none=True, exclude_defaults=True, exclude=held))
    plan_sheet = Sheet(PLAN_SHEET, [Col("Champ", "champ"), Col("Valeur", "valeur"), Col("Clé", "cle")])
    for col in PLAN_COLUMNS:
        value = _get(plan, col.key)
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
    with_field = _needs_field_column(kind, "indicateurs")
    ref = [*ELEMENT_REF, *([FIELD_REF] if with_field else [])]
    if _structured_fields(kind, "indicateurs"):
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
        with_t = _needs_field_column(kind, "temps_imparti")
        temps = Sheet(TEMPS_SHEET, [*ELEMENT_REF, *([FIELD_REF] if with_t else []), *ALLOCATION_COLUMNS])
        for element in tree.elements:
            for champ in element.niveau.champs:
                value = element.valeur(champ.cle) if champ.type == "temps_imparti" else None
                for allocation in value.allocations if value is not None else []:
                    temps.rows.append([*_ref(element, champ, with_t), *_row(allocation, ALLOCATION_COLUMNS)])
        made.append(temps)
    if _structured_fields(kind, "financement"):
        with_f = _needs_field_column(kind, "financement")
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
    book.properties.title = ILLEGAL_CHARACTERS_RE.sub("", f"{tree.plan.titre} ({tree.plan.id})")
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


class _StampedZip(zipfile.ZipFile):
    """A zip whose every member carries the plan's date, never the clock: the same plan gives
    the same bytes, written once (no second pass to fix the dates)."""

    def __init__(self, file: io.BytesIO, moment: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self._when = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            member = zipfile.ZipInfo(zinfo_or_arcname, date_time=self._when)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            zinfo_or_arcname = member
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)


class _MemoryWriter(ExcelWriter):  # type: ignore[misc]
    """openpyxl's writer, each sheet written in memory: its own writer goes through a temporary
    file per sheet, which costs more than the sheet itself for a plan's workbook."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        out = io.BytesIO()
        writer = WorksheetWriter(ws, out)
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], out.getvalue())
        self.manifest.append(ws)


def xlsx_bytes(tree: PlanTree) -> bytes:
    """The editable workbook of one plan; the same plan gives the same bytes."""
    book = workbook(tree)
    moment = stamp([tree.plan])
    book.properties.created = book.properties.modified = moment
    out = io.BytesIO()
    with _StampedZip(out, moment) as archive:
        _MemoryWriter(book, archive).write_data()
    return out.getvalue()


# --- Reading ---------------------------------------------------------------------------------


@dataclass
class RawSheet:
    name: str
    rows: list[tuple[int, list[object]]]  # (1-based row number, cells)
    header: list[str]


def _place(sheet: str, row: int | None = None, column: int | None = None, header: str | None = None) -> str:
    where = f"feuille « {sheet} »"
    if row is not None:
        where += f", rangée {row}"
    if column is not None:
        where += f", colonne {get_column_letter(column + 1)}"
        if header:
            where += f" (« {header} »)"
    return where


def _not_a_workbook(display: str, exc: BaseException) -> ImportFailure:
    return ImportFailure(
        f"{display} : ce fichier n'est pas un classeur Excel (.xlsx) lisible ({type(exc).__name__}) ; "
        "enregistrez-le depuis votre tableur au format « Classeur Excel (.xlsx) »."
    )


def _check_workbook(path: Path, display: str, budget: Budget) -> None:
    """Before openpyxl inflates anything: the archive's declared sizes, then each sheet's rows and
    cells, counted in one streaming pass (a sheet's declared `<dimension>` is not believed)."""
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, display)
            # Every XML part, not only those under xl/worksheets/: the workbook's relationships may
            # put a sheet anywhere in the archive. Only a sheet has rows and cells in this namespace.
            for name in archive.namelist():
                if name.lower().endswith(".xml"):
                    _check_sheet(archive, name, display, budget)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise _not_a_workbook(display, exc) from None


def _check_sheet(archive: zipfile.ZipFile, name: str, display: str, budget: Budget) -> None:
    where = f"partie « {part_name(name)} »"
    row, column = 0, 0
    with archive.open(name) as stream:
        events = etree.iterparse(
            stream,
            events=("start", "end"),
            tag=(f"{SHEET_NS}row", f"{SHEET_NS}c"),
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
        )
        try:
            for event, element in events:
                if event == "end":
                    if element.tag == f"{SHEET_NS}row":
                        element.clear()
                    continue
                budget.spend()
                if element.tag == f"{SHEET_NS}row":
                    number = _row_number(element.get("r"), row + 1)
                    if number <= row:
                        raise ImportFailure(
                            f"{display} : {where} : rangée {number} après la rangée {row} ; le classeur est mal "
                            "formé. Ouvrez-le dans votre tableur et enregistrez-le de nouveau au format .xlsx."
                        )
                    if number > MAX_ROWS:
                        raise ImportFailure(
                            f"{display} : {where} : plus de {MAX_ROWS} rangées ; un plan en compte au plus quelques "
                            "centaines : ce classeur n'est pas un plan exporté par Plan ouvert."
                        )
                    row, column = number, 0
                else:
                    letters = re.match(r"[A-Z]{1,3}", element.get("r") or "")
                    found = column_index_from_string(letters.group(0)) if letters else column + 1
                    if found <= column:
                        raise ImportFailure(
                            f"{display} : {where}, rangée {row} : cellules dans le désordre ; le classeur est mal "
                            "formé. Ouvrez-le dans votre tableur et enregistrez-le de nouveau au format .xlsx."
                        )
                    if found > MAX_COLUMNS:
                        raise ImportFailure(
                            f"{display} : {where}, rangée {row} : une cellule au-delà de la colonne "
                            f"{get_column_letter(MAX_COLUMNS)} ; un plan en a quelques dizaines : ce classeur "
                            "n'est pas un plan exporté par Plan ouvert."
                        )
                    column = found
        except etree.XMLSyntaxError as exc:
            raise _not_a_workbook(display, exc) from None


def _row_number(text: str | None, default: int) -> int:
    """A row's `r` attribute (1-based), or the one after the previous row's when it has none."""
    if not text:
        return default
    if len(text) > 9 or not text.isdigit():
        raise ValueError(text)  # not a workbook a spreadsheet program wrote
    return int(text)


def _read_xlsx(path: Path, display: str, budget: Budget) -> dict[str, RawSheet]:
    _check_workbook(path, display, budget)
    try:
        book = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError) as exc:
        raise _not_a_workbook(display, exc) from None
    found: dict[str, RawSheet] = {}
    try:
        for sheet in book.worksheets:
            # Every row and cell the sheet holds is read, whatever its <dimension> declares
            # (checked above: in order, and within MAX_ROWS × MAX_COLUMNS).
            sheet.reset_dimensions()
            rows: list[tuple[int, list[object]]] = []
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                budget.spend()
                values = []
                for cell in cells:
                    value = cell.value
                    if getattr(cell, "data_type", None) == "f":
                        raise ImportFailure(
                            f"{display} : {_place(sheet.title, number, cell.column - 1)} : la cellule contient une "
                            "formule ; remplacez-la par sa valeur (copier, puis coller les valeurs)."
                        )
                    values.append(value)
                rows.append((number, values))
            found[sheet.title] = _raw(sheet.title, rows, display)
    finally:
        book.close()
    return found


def _raw(name: str, rows: list[tuple[int, list[object]]], display: str) -> RawSheet:
    for number, cells in rows:
        for index, cell in enumerate(cells):
            found = control_character(cell) if isinstance(cell, str) else None
            if found:
                raise refuse_control(f"{display} : {_place(name, number, index)}", found)
    rows = [(n, cells) for n, cells in rows if any(not _is_blank(c) for c in cells)]
    if not rows:
        return RawSheet(name, [], [])
    header = [_as_text(c) if c is not None else "" for c in rows[0][1]]
    return RawSheet(name, rows[1:], header)


def _read_csv(path: Path, display: str, budget: Budget) -> dict[str, RawSheet]:
    if path.stat().st_size > MAX_CSV_BYTES:
        raise ImportFailure(
            f"{display} : fichier CSV de plus de {MAX_CSV_BYTES // 1_000_000} Mo : ce n'est pas un plan."
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailure(
            f"{display} : ce fichier CSV n'est pas en UTF-8 ; enregistrez-le au format « CSV UTF-8 »."
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    rows: list[tuple[int, list[object]]] = []
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
        budget.spend(1 + len(cells))
        if number > MAX_ROWS or len(cells) > MAX_COLUMNS:
            raise ImportFailure(
                f"{display} : {_place(RECORDS_SHEET, number)} : plus de {MAX_ROWS} rangées ou de {MAX_COLUMNS} "
                "colonnes ; un plan en compte au plus quelques centaines : ce fichier n'est pas un plan."
            )
        rows.append((number, list[object](cells)))
    return {RECORDS_SHEET: _raw(RECORDS_SHEET, rows, display)}


def _find(sheets_: dict[str, RawSheet], title: str) -> RawSheet | None:
    return next((s for name, s in sheets_.items() if _key(name) == _key(title)), None)


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
            names.setdefault(_key(name), col)
    found: dict[int, Col] = {}
    for index, header in enumerate(sheet.header):
        matched = names.get(_key(header)) if header else None
        if matched is None:
            if any(index < len(cells) and not _is_blank(cells[index]) for _, cells in sheet.rows):
                known = " ; ".join(c.header for c in columns)
                raise reader.fail(
                    _place(sheet.name, 1, index, header or None),
                    f"en-tête inconnu ; renommez la colonne comme l'une de celles-ci, ou retirez-la : {known}.",
                )
            continue
        if matched in found.values():
            raise reader.fail(_place(sheet.name, 1, index, header), "colonne en double.")
        found[index] = matched
    for key in required:
        if not any(c.key == key for c in found.values()):
            header = next(c.header for c in columns if c.key == key)
            raise reader.fail(_place(sheet.name, 1), f"colonne obligatoire « {header} » introuvable.")
    return found


def _cells(sheet: RawSheet, number: int, cells: list[object], found: dict[int, Col], reader: Reader) -> dict[str, Any]:
    """The values of one row, read by their columns; a value that does not fit stops the import."""
    values: dict[str, Any] = {}
    for index, col in found.items():
        value = cells[index] if index < len(cells) else None
        if _is_blank(value):
            continue
        try:
            values[col.key] = col.conv.read(value)
        except (CellError, ValueError) as exc:
            raise reader.fail(_place(sheet.name, number, index, sheet.header[index]), f"{exc}.") from None
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
    by_name = {_key(c.header): c for c in PLAN_COLUMNS} | {_key(c.key): c for c in PLAN_COLUMNS}
    # The sheet's own header row (Champ, Valeur, Clé) is read as the first row of fields.
    rows = [(1, list[object](sheet.header)), *sheet.rows]
    for number, cells in rows:
        label = _as_text(cells[0]) if cells and cells[0] is not None else ""
        value = cells[1] if len(cells) > 1 else None
        key = _as_text(cells[2]) if len(cells) > 2 and cells[2] is not None else ""
        if _key(label) in ("champ",) and _key(_as_text(value or "")) == "valeur":
            continue
        col = by_name.get(_key(key)) or by_name.get(_key(label))
        if _is_blank(value):
            continue
        where = _place(sheet.name, number, 1, label)
        if col is None:
            if key and re.fullmatch(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*", key):
                try:
                    _set(data, key, JSON_CONV.read(value))
                    continue
                except ValueError:
                    pass
            reader.unplaced(
                where, "champ du plan inconnu : texte gardé dans les notes du plan.", f"{label} : {_as_text(value)}"
            )
            continue
        try:
            _set(data, col.key, col.conv.read(value))
        except (CellError, ValueError) as exc:
            raise reader.fail(where, f"{exc}.") from None
    return data


def _guess_kind(sheet: RawSheet, kinds: Kinds, reader: Reader) -> Kind:
    level_col = next((i for i, h in enumerate(sheet.header) if _key(h) == _key(LEVEL.header)), None)
    words = {
        _key(_as_text(cells[level_col]))
        for _, cells in sheet.rows
        if level_col is not None and level_col < len(cells) and cells[level_col]
    }
    fits = [
        k
        for k in kinds
        if words and words <= {_key(n.singulier) for n in k.spec.niveaux} | {_key(n.type) for n in k.spec.niveaux}
    ]
    if len(fits) != 1:
        known = ", ".join(sorted(k.id for k in kinds))
        raise reader.fail(
            _place(sheet.name),
            "impossible de savoir le type du plan ; donnez-le (option --type, types connus : " + known + ").",
        )
    reader.report.guess(_place(sheet.name), f"type de plan déduit des niveaux : « {fits[0].id} ».")
    return fits[0]


def _level_of(kind: Kind, word: str) -> Niveau | None:
    key = _key(word)
    return next((n for n in kind.spec.niveaux if key in (_key(n.singulier), _key(n.pluriel), _key(n.type))), None)


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
        if _is_blank(word):
            raise reader.fail(_place(sheet.name, number, level_index, LEVEL.header), "niveau manquant.")
        niveau = _level_of(kind, _as_text(word))
        if niveau is None:
            permitted = ", ".join(n.singulier for n in kind.spec.niveaux)
            raise reader.fail(
                _place(sheet.name, number, level_index, LEVEL.header),
                f"niveau inconnu « {_as_text(word)} » (permis : {permitted}).",
            )
        data: dict[str, Any] = {}
        parent: str | None = None
        for index, col in found.items():
            value = cells[index] if index < len(cells) else None
            if _is_blank(value):
                continue
            fc = by_col[id(col)]
            where = _place(sheet.name, number, index, sheet.header[index])
            if niveau.type not in fc.levels:
                reader.unplaced(where, f"colonne sans objet pour le niveau « {niveau.singulier} ».", _as_text(value))
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
            raise reader.fail(_place(sheet.name, number), "identifiant manquant.")
        ident = data["id"] = _as_text(ident)
        if not re.fullmatch(ID_PATTERN.strip("^$"), ident):
            column = next(i for i, c in found.items() if c.key == "id")
            raise reader.fail(
                _place(sheet.name, number, column, IDENT.header),
                f"identifiant invalide « {ident} » : minuscules sans accents, chiffres et traits d'union.",
            )
        if (niveau.type, ident) in nodes:
            raise reader.fail(
                _place(sheet.name, number), f"identifiant « {ident} » en double au niveau « {niveau.singulier} »."
            )
        nodes[(niveau.type, ident)] = _Node(niveau, data, parent, number)
    return nodes


def _assemble(nodes: dict[tuple[str, str], _Node], kind: Kind, sheet: RawSheet, reader: Reader) -> list[dict[str, Any]]:
    """Attach each element to its parent, in the order of the rows."""
    niveaux = kind.spec.niveaux
    roots: list[dict[str, Any]] = []
    parent_column = next((i for i, h in enumerate(sheet.header) if _key(h) in (_key(PARENT.header), "parent")), None)
    for node in nodes.values():
        depth = kind.spec.depth(node.niveau.type)
        if depth == 0:
            if node.parent:
                raise reader.fail(
                    _place(sheet.name, node.row, parent_column, PARENT.header),
                    f"un élément du premier niveau (« {node.niveau.singulier} ») n'a pas de parent.",
                )
            roots.append(node.data)
            continue
        above = niveaux[depth - 1]
        holder = nodes.get((above.type, node.parent or ""))
        if holder is None:
            what = f"« {node.parent} »" if node.parent else "(vide)"
            raise reader.fail(
                _place(sheet.name, node.row, parent_column, PARENT.header),
                f"parent {what} introuvable : il doit être l'identifiant d'un élément du niveau « {above.singulier} » "
                f"de la feuille « {sheet.name} ».",
            )
        holder.data.setdefault(node.niveau.cle, []).append(node.data)
    return roots


def _owner(
    nodes: dict[tuple[str, str], _Node], kind: Kind, values: dict[str, Any], type_: str, where: str, reader: Reader
) -> tuple[_Node, Champ]:
    niveau = _level_of(kind, _as_text(values.get("niveau", "")))
    node = nodes.get((niveau.type, _as_text(values.get("element", "")))) if niveau else None
    if node is None:
        raise reader.fail(
            where,
            f"élément « {values.get('niveau', '')} {values.get('element', '')} » introuvable dans la feuille "
            f"« {RECORDS_SHEET} ».",
        )
    champs = [c for c in node.niveau.champs if c.type == type_]
    wanted = values.get("champ")
    champ = next(
        (c for c in champs if wanted and _key(wanted) in (_key(c.libelle), _key(c.cle))), champs[0] if champs else None
    )
    if champ is None:
        raise reader.fail(where, f"le niveau « {node.niveau.singulier} » n'a pas ce genre de champ.")
    return node, champ


def _structured(sheets_: dict[str, RawSheet], nodes: dict[tuple[str, str], _Node], kind: Kind, reader: Reader) -> None:
    ref = [*ELEMENT_REF, FIELD_REF]
    positions: dict[tuple[int, int], dict[str, Any]] = {}  # (id of node, position) → indicator
    for sheet, number, values in _records_of(
        _find(sheets_, INDICATEURS_SHEET), [*ref, *INDICATEUR_COLUMNS], reader, ("niveau", "element", "texte")
    ):
        node, champ = _owner(nodes, kind, values, "indicateurs", _place(sheet.name, number), reader)
        indicateur = {k: v for k, v in values.items() if k in ("id", "texte")}
        node.data.setdefault(champ.cle, []).append(indicateur)
        position = values.get("position", len([k for k in positions if k[0] == id(node)]) + 1)
        positions[(id(node), position)] = indicateur
    for sheet, number, values in _records_of(
        _find(sheets_, CIBLES_SHEET), [*ref, *CIBLE_COLUMNS], reader, ("niveau", "element", "texte")
    ):
        node, _ = _owner(nodes, kind, values, "indicateurs", _place(sheet.name, number), reader)
        owner = positions.get((id(node), values.get("position", 1)))
        if owner is None:
            raise reader.fail(
                _place(sheet.name, number), "indicateur introuvable (position) dans la feuille « Indicateurs »."
            )
        cible = {k: v for k, v in values.items() if k not in ("niveau", "element", "champ", "position")}
        owner.setdefault("cibles", []).append(cible)
    for sheet, number, values in _records_of(
        _find(sheets_, TEMPS_SHEET), [*ref, *ALLOCATION_COLUMNS], reader, ("niveau", "element", "ressource")
    ):
        node, champ = _owner(nodes, kind, values, "temps_imparti", _place(sheet.name, number), reader)
        allocation = {k: values[k] for k in ("ressource", "part") if k in values}
        node.data.setdefault(champ.cle, {}).setdefault("allocations", []).append(allocation)
    for sheet, number, values in _records_of(
        _find(sheets_, FINANCEMENT_SHEET), [*ref, *FINANCEMENT_COLUMNS], reader, ("niveau", "element", "source")
    ):
        node, champ = _owner(nodes, kind, values, "financement", _place(sheet.name, number), reader)
        item = {k: v for k, v in values.items() if k not in ("niveau", "element", "champ")}
        node.data.setdefault(champ.cle, []).append(item)


def _registry(
    sheets_: dict[str, RawSheet], title: str, columns: list[Col], reader: Reader, required: str
) -> list[dict[str, Any]]:
    out = []
    for _, _, values in _records_of(_find(sheets_, title), columns, reader, (required,)):
        record: dict[str, Any] = {}
        for key, value in values.items():
            _set(record, key, value)
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
        raw = _read_csv(path, display, budget)
    elif suffix in (".xlsx", ".xlsm"):
        raw = _read_xlsx(path, display, budget)
    else:
        raise ImportFailure(f"{display} : format non pris en charge ; attendu un classeur .xlsx ou un fichier .csv.")
    data = _plan_fields(_find(raw, PLAN_SHEET), reader)
    for key, value in (plan or {}).items():
        data.setdefault(key, value)
    records = _find(raw, RECORDS_SHEET)
    if records is None:
        names = ", ".join(f"« {n} »" for n in raw)
        raise ImportFailure(
            f"{display} : feuille « {RECORDS_SHEET} » introuvable (feuilles : {names}) ; ce classeur n'est pas un plan "
            "exporté par « plan-ouvert exporter --format xlsx »."
        )
    kind_id = gabarit or data.get("gabarit")
    if kind_id is not None and kinds.get(str(kind_id)) is None:
        known = ", ".join(sorted(k.id for k in kinds))
        raise reader.fail(_place(PLAN_SHEET), f"type de plan inconnu « {kind_id} » (connus : {known}).")
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
