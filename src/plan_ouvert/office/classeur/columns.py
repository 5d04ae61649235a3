"""The workbook's columns: how each value sits in a cell (`Conv`, used both ways), the columns of
each sheet, and those a kind's fields make."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from plan_ouvert.source.echeance import fold, parse
from plan_ouvert.source.kinds import Champ, Kind, Niveau
from plan_ouvert.views.libelles import STATUTS_PLAN, STATUTS_RESSOURCE, STATUTS_SUIVI, TEMPS
from plan_ouvert.views.opendata import number_text

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


def compare_key(text: str) -> str:
    """A header or a name as the reader compares it: no accents, no case, no punctuation."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text.replace("’", "'"))))


class CellError(ValueError):
    """A cell whose content does not fit its column; the message is French."""


# --- How a value sits in a cell, both ways ---------------------------------------------------


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_text(value: object) -> str:
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
    return [line.strip() for line in as_text(value).splitlines() if line.strip()]


def _number(value: object) -> float:
    if isinstance(value, bool):
        raise CellError("attendu un nombre")
    if isinstance(value, int | float):
        return float(value)
    text = re.sub(r"[\s\u00a0\u202f$%]", "", as_text(value)).replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise CellError(f"attendu un nombre (ex. 12000 ou 2,5), trouvé « {as_text(value)} »") from None


@dataclass(frozen=True)
class Conv:
    """How one kind of value is written in a cell and read back from it."""

    aide: str  # what the cell holds, for the « Colonnes » sheet
    write: Callable[[Any], object]
    read: Callable[[object], Any]  # never called with a blank cell; raises CellError


def _read_text(value: object) -> str:
    return as_text(value)


def _read_int(value: object) -> int:
    number = _number(value)
    if not number.is_integer():
        raise CellError(f"attendu un nombre entier, trouvé « {as_text(value)} »")
    return int(number)


def _read_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(as_text(value)[:10])
    except ValueError:
        raise CellError(f"attendu une date AAAA-MM-JJ, trouvé « {as_text(value)} »") from None


def _read_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    word = compare_key(as_text(value))
    if word in ("oui", "vrai", "true", "1"):
        return True
    if word in ("non", "faux", "false", "0"):
        return False
    raise CellError(f"attendu « oui » ou « non », trouvé « {as_text(value)} »")


_PLAIN_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _read_montant(value: object) -> float | str:
    # A number stays a number (a CSV gives it as text); the plan's own wording (« environ
    # 5 000 $ ») stays text.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = as_text(value)
    return float(text) if _PLAIN_NUMBER.fullmatch(text) else text


def _read_numbers(value: object) -> list[int]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [_read_int(value)]
    parts = [p for p in re.split(r"[,;&\n]|\bet\b", as_text(value)) if p.strip()]
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
    by_key = {compare_key(label): code for code, label in labels.items()} | {compare_key(code): code for code in labels}

    def read(value: object) -> str:
        code = by_key.get(compare_key(as_text(value)))
        if code is None:
            raise CellError(f"{what} inconnu « {as_text(value)} » (permis : {', '.join(labels.values())})")
        return code

    return Conv(f"Un de : {', '.join(labels.values())}.", lambda v: labels.get(v, v) if v else None, read)


TEXT = Conv("Texte.", lambda v: v, _read_text)


def _read_id(value: object) -> str:
    # A spreadsheet turns « 1-2 » typed in a cell into the 1st of February.
    if isinstance(value, dt.date):
        raise CellError(
            "le tableur a pris cet identifiant pour une date ; retapez-le précédé d'une apostrophe (ex. '1-2)"
        )
    return as_text(value)


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


def get_value(record: Any, key: str) -> Any:
    value = record
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def set_value(data: dict[str, Any], key: str, value: Any) -> None:
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
PLAN_LISTS = {"partenaires", "ressources", "annees", "mises_a_jour"}
# A plan field that no row of the « Plan » sheet names (a later version's) still travels, as JSON.
JSON_CONV = Conv("Valeur en JSON.", lambda v: json.dumps(v, ensure_ascii=False), lambda v: json.loads(as_text(v)))

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


def structured_fields(kind: Kind, type_: str) -> list[tuple[Niveau, Champ]]:
    return [(n, c) for n, c in kind.spec.champs() if c.type == type_]


def needs_field_column(kind: Kind, type_: str) -> bool:
    """True when a level has two fields of that type: rows then name their field."""
    counts: dict[str, int] = {}
    for niveau, _ in structured_fields(kind, type_):
        counts[niveau.type] = counts.get(niveau.type, 0) + 1
    return any(n > 1 for n in counts.values())
