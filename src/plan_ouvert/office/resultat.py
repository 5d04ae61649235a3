"""What an import gives: the plan's data, and a French report of every guess and every text it could not place.

An import never drops text: what it cannot place goes into the plan's `notes` and into the report,
with where it came from (table, row, column), so that the person importing can find it in their file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """One line of the import report."""

    ou: str  # where in the source file, as a person finds it: « tableau 2, rangée 5, colonne « Échéances » »
    message: str  # what was guessed or what could not be placed, in French
    texte: str | None = None  # the source text concerned, verbatim, when there is one


@dataclass
class ImportReport:
    source: str  # the imported file's name, as the user gave it
    devinettes: list[Note] = field(default_factory=list)  # guesses the importer made
    non_places: list[Note] = field(default_factory=list)  # text it could not place (never published as is)
    commentaires: list[Note] = field(default_factory=list)  # the document's comments: report only, never the plan

    def guess(self, ou: str, message: str, texte: str | None = None) -> None:
        self.devinettes.append(Note(ou, message, texte))

    def unplaced(self, ou: str, message: str, texte: str | None = None) -> None:
        self.non_places.append(Note(ou, message, texte))


@dataclass
class ImportResult:
    """A plan read from an office file: its data (the plan file's mapping) and the report of the import."""

    data: dict[str, Any]
    report: ImportReport
    # YAML paths (tuples of keys and 0-based indexes) where the importer guessed: the plan file
    # carries a comment there.
    guessed_paths: dict[tuple[str | int, ...], str] = field(default_factory=dict)
    # Plan fields read only in the file's hidden data (a hint), not in what the document shows.
    hint_only: set[str] = field(default_factory=set)


class ImportFailure(Exception):
    """A file that cannot be imported: the message is French and says what to do; nothing is written."""


# C0 control characters (and DEL) a person never types: NUL, ESC, BEL… Tab and line breaks are text.
_CONTROL = frozenset(chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


def control_character(text: str) -> str | None:
    """The first control character of a text, as « U+001B », or None."""
    if text.isprintable():
        return None
    found = next((ch for ch in text if ch in _CONTROL), None)
    return None if found is None else f"U+{ord(found):04X}"


def refuse_control(where: str, found: str) -> ImportFailure:
    return ImportFailure(
        f"{where} : caractère de contrôle invisible ({found}) dans le texte ; retirez-le du fichier "
        "(il ne peut pas être publié), puis relancez l'import."
    )
