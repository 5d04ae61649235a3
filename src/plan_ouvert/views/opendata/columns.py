"""The columns of the open-data tables: their French titles, and the cells of a kind's fields."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

from plan_ouvert.formats.xlsx import SHEET_MAX
from plan_ouvert.source.echeance import fold, number_in, parse, wording
from plan_ouvert.source.kinds import Champ, Financement, Niveau
from plan_ouvert.source.model import Cible, Suivi, TempsImparti
from plan_ouvert.source.tree import Element
from plan_ouvert.views.libelles import STATUTS_SUIVI

LIST_SEPARATOR = " ; "  # between texts in one cell (texts may hold commas)
NUMBER_SEPARATOR = ", "  # between numbers in one cell: « 1, 2 »
TRUE_FALSE = ("oui", "non")  # booleans in CSV, declared in the Data Package schema


@dataclass(frozen=True)
class Column:
    name: str  # snake_case id, stable for programs: « plan_id »
    title: str  # French header of the CSV and the sheet: « Identifiant du plan »
    type: str = "string"  # Frictionless type: string, integer, number, date, boolean


@dataclass
class Table:
    name: str  # file and resource name: « moyens »
    title: str  # French sheet name and resource title (31 characters at most)
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)  # column names
    # (columns, referenced table, referenced columns): parents that always exist in a valid plan
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)

    def same_shape(self, other: Table) -> bool:
        return (self.columns, self.primary_key, self.foreign_keys) == (
            other.columns,
            other.primary_key,
            other.foreign_keys,
        )


# Columns shared by several tables keep one title, so that keys join on the same header.
PLAN = Column("plan_id", "Identifiant du plan")
RESSOURCE = Column("ressource_id", "Identifiant de la ressource")
PARTENAIRE = Column("partenaire_id", "Identifiant du partenaire")
ELEMENT = Column("element_id", "Identifiant de l'élément")
POSITION_INDICATEUR = Column("indicateur_position", "Position de l'indicateur", "integer")
ECHEANCE = Column("echeance", "Échéance (texte de la source)")
ANNEES = Column("annees", "Années du plan visées")
ANCIENS_IDS = Column("anciens_ids", "Anciens identifiants")
LIBELLE = Column("libelle", "Libellé (niveau et numéro)")
URL = Column("url", "Adresse de la page (depuis la racine du site)")
SUIVI = [
    Column("suivi_statut", "Statut du suivi"),
    Column("suivi_date", "Date du suivi", "date"),
    Column("suivi_commentaire", "Commentaire du suivi"),
]
SOURCE_TEXT = " (texte de la source)"  # after the title of a field kept in the plan's words
FIELD_COLUMN_TYPES = {"entier": "integer", "nombre": "number", "date": "date", "oui_non": "boolean"}


def number_text(value: float) -> str:
    """A number with a dot and no needless decimals: 4.0 → « 4 », 2.5 → « 2.5 »."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def joined_texts(values: Iterable[str]) -> str | None:
    joined = LIST_SEPARATOR.join(values)
    return joined or None


def joined_numbers(values: Iterable[int]) -> str | None:
    joined = NUMBER_SEPARATOR.join(str(v) for v in values)
    return joined or None


def _suivi(suivi: Suivi | None) -> list[object]:
    if suivi is None:
        return [None, None, None]
    return [STATUTS_SUIVI[suivi.statut], suivi.date, suivi.commentaire]


def target_value(cible: Cible) -> float | None:
    """The target as a number: its `valeur`, else the number its wording gives (« 2,5 M$ »)."""
    return cible.valeur if cible.valeur is not None else number_in(cible.texte)


# --- French words of a kind's levels -------------------------------------------------------

VOWELS = tuple("aeiouyh")  # a mute h elides as a vowel does: « l'habitation »


def or_words(words: Sequence[str]) -> str:
    """« a », « a ou b », « a, b ou c »."""
    return " ou ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def and_words(words: Sequence[str]) -> str:
    return " et ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def lower_first(text: str) -> str:
    """« Moyen d'action » → « moyen d'action » inside a sentence; an acronym stays: « PME »."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _elides(word: str) -> bool:
    return fold(word).startswith(VOWELS)


def _du(niveau: Niveau) -> str:
    """« de l'enjeu », « de la mesure », « du moyen d'action »."""
    word = lower_first(niveau.singulier)
    if _elides(word):
        return f"de l'{word}"
    return f"de la {word}" if niveau.feminin else f"du {word}"


def every_word(niveau: Niveau) -> str:
    """« tout l'enjeu », « toute l'orientation », « tout le chantier »."""
    word = lower_first(niveau.singulier)
    whole = "toute" if niveau.feminin else "tout"
    if _elides(word):
        return f"{whole} l'{word}"
    return f"{whole} la {word}" if niveau.feminin else f"{whole} le {word}"


def snake(text: str) -> str:
    return text.replace("-", "_")


def sheet_title(text: str) -> str:
    """A table title that a spreadsheet accepts as a sheet name: no []:*?/\\, 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:SHEET_MAX].strip()


def id_column(niveau: Niveau) -> Column:
    """« enjeu_id », « Identifiant de l'enjeu »: the key of a level's rows, and of its children's."""
    return Column(f"{snake(niveau.type)}_id", f"Identifiant {_du(niveau)}")


def numbered_by_id_at_top(niveau: Niveau, depth: int) -> bool:
    # Numbered from its id, a top-level element's number is its id (« 3 »): no column repeats
    # it. Below, the number is the id as the plan prints it (« 1-2 » → « 1.2 »).
    return niveau.numerotation == "id" and depth == 0


def numero_column(niveau: Niveau) -> Column:
    return Column("numero", f"Numéro {_du(niveau)}", "integer" if niveau.numerotation == "champ" else "string")


def field_columns(champ: Champ) -> list[Column]:
    """The columns of one field: none for indicators (their own tables), three for a follow-up."""
    if champ.type == "indicateurs":
        return []
    if champ.type == "suivi":
        return list(SUIVI)
    if champ.type in ("echeance", "temps_imparti"):
        columns = [Column(champ.cle, champ.colonne or champ.libelle + SOURCE_TEXT)]
        return [*columns, ANNEES] if champ.annees_plan else columns
    return [Column(champ.cle, champ.colonne or champ.libelle, FIELD_COLUMN_TYPES.get(champ.type, "string"))]


def unique_columns(columns: list[Column]) -> list[Column]:
    """Columns with distinct names and titles (Frictionless needs both), in their order.

    Two fields of a kind could give one header (two follow-ups, a field titled like the id);
    the later one gets a number rather than a header that no program could tell apart.
    """
    names: set[str] = set()
    titles: set[str] = set()
    unique = []
    for column in columns:
        name, title, count = column.name, column.title, 1
        while name in names or title in titles:
            count += 1
            name, title = f"{column.name}_{count}", f"{column.title} ({count})"
        names.add(name)
        titles.add(title)
        unique.append(replace(column, name=name, title=title))
    return unique


def _financement(item: Financement) -> str:
    """« Fonds régions et ruralité (10000 $) »: a funding source with what the plan says of it."""
    amount = f"{number_text(item.montant)} $" if item.montant is not None else None
    details = ", ".join(x for x in (amount, item.texte) if x)
    return f"{item.source} ({details})" if details else item.source


def field_cells(element: Element, champ: Champ, shown: Callable[[list[str]], str | None]) -> list[object]:
    """The cells of one field of an element, as many as `field_columns` gives (`shown`: partner
    ids as the plan names them)."""
    value = element.valeur(champ.cle)
    kind = champ.type
    if kind == "indicateurs":
        return []
    if kind == "suivi":
        return _suivi(value if isinstance(value, Suivi) else None)
    if kind == "echeance":
        cells: list[object] = [wording(value) or None]
        if champ.annees_plan:
            years = {t.annee_plan for t in parse(value) if t.annee_plan is not None} if value else set()
            cells.append(joined_numbers(sorted(years)))
        return cells
    if kind == "temps_imparti":
        return [value.texte if isinstance(value, TempsImparti) else None]
    if kind == "textes":
        return [joined_texts(value or [])]
    if kind == "reference":
        return [joined_numbers(value or [])]
    if kind == "partenaires":
        return [shown(value or [])]
    if kind == "financement":
        return [joined_texts(_financement(item) for item in value or [])]
    return [value]  # texte, lien, entier, nombre, date; a montant as a number or as the plan words it
