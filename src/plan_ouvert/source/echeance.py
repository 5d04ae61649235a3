"""Échéances as people write them, parsed beside their wording.

The source wording is always what is shown; the parsed terms only serve the checks
(before the plan's date, outside its years) and the views by year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MOIS = {
    "janvier": 1,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "decembre": 12,
}
MOIS_AFFICHES = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# Calendar seasons by month span: approximate on purpose, the wording stays authoritative.
SAISONS = {"printemps": (3, 6), "ete": (6, 9), "automne": (9, 12), "hiver": (12, 3)}

Genre = Literal["date", "mois", "saison", "annee", "annee_plan", "continu", "inconnu"]


@dataclass(frozen=True)
class Terme:
    texte: str
    genre: Genre
    debut: dt.date | None = None  # first day the term covers
    fin: dt.date | None = None  # last day the term covers
    depuis: bool = False  # « dès … »: from that moment on
    annee_plan: int | None = None  # « An 2 » → 2
    periode: tuple[int, int] | None = None  # « (2023-2024) » → (2023, 2024)


def fold(text: str) -> str:
    """Lowercase without accents: how people type when searching or writing dates."""
    text = unicodedata.normalize("NFD", text.lower().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in text if not unicodedata.combining(c))


# « An 2 (2023-2024) », or in a kind's own word for a plan year, « Année 2 » (never « Année 2024 »).
_AN = re.compile(r"^(fin\s+)?(?:an\s*(\d+)|annee\s+(\d{1,2}))\s*(?:\((\d{4})\s*[-–]\s*(\d{4})\))?$")
_DATE = re.compile(r"^(\d{1,2})(?:er)?\s+([a-z]+)\s+(\d{4})$")
_MOIS = re.compile(r"^([a-z]+)\s+(\d{4})$")
_ANNEE = re.compile(r"^(\d{4})$")
_PREFIX = re.compile(r"^(des|a partir de|a compter de|d'ici|d'ici le|avant le|avant|au plus tard le|le)\s+")


def _parse_one(original: str) -> Terme:
    text = fold(original).strip().rstrip(".").replace("’", "'")
    text = re.sub(r"\s+", " ", text)
    if text in ("en continu", "continu", "en continue"):
        return Terme(original, "continu")
    depuis = False
    prefix = _PREFIX.match(text)
    if prefix:
        depuis = prefix.group(1) in ("des", "a partir de", "a compter de")
        text = text[prefix.end() :]
    if m := _AN.match(text):
        periode = (int(m.group(4)), int(m.group(5))) if m.group(4) else None
        number = int(m.group(2) or m.group(3))
        return Terme(original, "annee_plan", annee_plan=number, periode=periode, depuis=depuis)
    if (m := _DATE.match(text)) and m.group(2) in MOIS:
        try:
            day = dt.date(int(m.group(3)), MOIS[m.group(2)], int(m.group(1)))
        except ValueError:
            return Terme(original, "inconnu")
        return Terme(original, "date", debut=day, fin=day, depuis=depuis)
    if (m := _MOIS.match(text)) and m.group(1) in MOIS:
        year, month = int(m.group(2)), MOIS[m.group(1)]
        last = calendar.monthrange(year, month)[1]
        return Terme(original, "mois", dt.date(year, month, 1), dt.date(year, month, last), depuis)
    if (m := _MOIS.match(text)) and m.group(1) in SAISONS:
        year = int(m.group(2))
        start, end = SAISONS[m.group(1)]
        end_year = year + 1 if end < start else year
        last = calendar.monthrange(end_year, end)[1]
        return Terme(original, "saison", dt.date(year, start, 1), dt.date(end_year, end, last), depuis)
    if m := _ANNEE.match(text):
        year = int(m.group(1))
        return Terme(original, "annee", dt.date(year, 1, 1), dt.date(year, 12, 31), depuis)
    return Terme(original, "inconnu")


def parse(value: str | list[str] | None) -> list[Terme]:
    """Split an échéance into terms: « 18 décembre 2020 et automne 2021 » gives two."""
    if value is None:
        return []
    texts = value if isinstance(value, list) else [value]
    terms = []
    for text in texts:
        for part in re.split(r"\s*(?:,|\bet\b|\n)\s*", text.strip()):
            if part:
                terms.append(_parse_one(part))
    return terms


def wording(value: str | list[str] | None) -> str:
    if value is None:
        return ""
    return " ; ".join(value) if isinstance(value, list) else value


def date_fr(day: dt.date) -> str:
    """« 30 juin 2021 », « 1er avril 2021 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MOIS_AFFICHES[day.month - 1]} {day.year}"


# --- Numbers in targets ----------------------------------------------------------------------

_NUMBER = re.compile(r"(\d+(?:[  ]\d{3})*(?:,\d+)?)\s*(M\$|k\$|\$|%)?")
# A digit run glued to letters o, O, l or I: a number typed with letters (« 5oo »).
_MISTYPED = re.compile(r"\b\d+[oOlI]+[0-9oOlI]*\b|\b[oOlI]+\d+[0-9oOlI]*\b")


_DATES = re.compile(
    r"\b\d{1,2}(?:er)?\s+(?:janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[ûu]t|septembre|octobre|novembre|"
    r"d[ée]cembre)\s+\d{4}\b|\b(?:19|20)\d{2}(?:\s*[-–]\s*(?:19|20)\d{2})?\b|\b[Aa]n\s*\d+\b",
    re.IGNORECASE,
)


def number_in(text: str) -> float | None:
    """The first number a target states: « 2,5 M$ » → 2500000, « 15 % » → 15.

    Dates, years and plan years are not targets: « avant le 31 janvier 2021 » states none.
    """
    match = _NUMBER.search(_DATES.sub(" ", text))
    if not match:
        return None
    value = float(match.group(1).replace(" ", "").replace(" ", "").replace(",", "."))
    unit = match.group(2)
    if unit == "M$":
        value *= 1_000_000
    elif unit == "k$":
        value *= 1_000
    return value


def mistyped_number(text: str) -> str | None:
    match = _MISTYPED.search(text)
    return match.group(0) if match else None
