"""Échéances as people write them, parsed beside their wording.

The source wording is always what is shown; the parsed terms only serve the checks
(before the plan's date, outside its years) and the views by year.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
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

Genre = Literal[
    "date",
    "mois",
    "trimestre",
    "saison",
    "annee",
    "annees",
    "intervalle",
    "annee_plan",
    "recurrente",
    "continu",
    "au_besoin",
    "inconnu",
]


@dataclass(frozen=True)
class Terme:
    texte: str
    genre: Genre
    debut: dt.date | None = None  # first day the term covers
    fin: dt.date | None = None  # last day the term covers
    depuis: bool = False  # « dès … »: from that moment on
    annee_plan: int | None = None  # « An 2 » → 2
    periode: tuple[int, int] | None = None  # « (2023-2024) » → (2023, 2024)
    jusqua: bool = False  # « d'ici décembre 2024 », « avant le … »: at the latest by then


def fold(text: str) -> str:
    """Lowercase without accents: how people type when searching or writing dates."""
    text = unicodedata.normalize("NFD", text.lower().replace("œ", "oe").replace("æ", "ae"))
    return "".join(c for c in text if not unicodedata.combining(c))


# « An 2 (2023-2024) », or in a kind's own word for a plan year, « Année 2 » (never « Année 2024 »).
# Plan years have a digit or two: bounded, so that « An 999…9 » is never converted whole.
_AN = re.compile(r"^(fin\s+)?(?:an\s*(\d{1,3})|annee\s+(\d{1,2}))\s*(?:\((\d{4})\s*[-–]\s*(\d{4})\))?$")
_DATE = re.compile(r"^(\d{1,2})(?:er)?\s+([a-z]+)\s+(\d{4})$")
_MOIS = re.compile(r"^([a-z]+)\s+(\d{4})$")
_ANNEE = re.compile(r"^(\d{4})$")
# « 2024-2025 »: a fiscal or plan span, taken as the calendar years it spans.
_ANNEES = re.compile(r"^(\d{4})\s*[-–/]\s*(\d{2}|\d{4})$")
# Calendar quarters (January–March is T1): a plan that means fiscal quarters should say so in words.
_TRIMESTRE = re.compile(r"^(?:t([1-4])|([1-4])\s*(?:er|e|eme)\s+trimestre)\s+(?:de\s+|d'\s*)?(\d{4})$")
_ORDINAUX = {"premier": 1, "deuxieme": 2, "second": 2, "troisieme": 3, "quatrieme": 4}
_TRIMESTRE_MOT = re.compile(r"^(premier|deuxieme|second|troisieme|quatrieme)\s+trimestre\s+(?:de\s+)?(\d{4})$")
_PREFIX = re.compile(
    r"^(des|a partir de|a compter de|d'ici la fin de|d'ici|d'ici le|avant le|avant la fin de|avant|"
    r"au plus tard le|au plus tard en|au plus tard|le|en|au|a l'|a la|a|pour|fin|debut|vers)\s*"
)
_SINCE = ("des", "a partir de", "a compter de")
_UNTIL = (
    "d'ici la fin de",
    "d'ici",
    "d'ici le",
    "avant le",
    "avant la fin de",
    "avant",
    "au plus tard le",
    "au plus tard en",
    "au plus tard",
)
_RANGE = re.compile(r"^(?:de|du|d')\s*(.+?)\s+(?:a|au|jusqu'a|jusqu'en|jusqu'au)\s+(.+)$|^(.+?)\s+(?:a|au)\s+(.+)$")
_YEAR_END = re.compile(r"(\d{4})$")
# Words that make an échéance come back: « Annuellement, à l'automne », « chaque semaine ».
_RECURRENCE = re.compile(
    r"\b(?:chaque|tous les|toutes les|annuel\w*|mensuel\w*|hebdomadaire\w*|trimestriel\w*|semestriel\w*|"
    r"quotidien\w*|par annee|par an|par mois|par semaine)\b"
)
_BESOIN = re.compile(r"^(?:au besoin|selon les besoins|si besoin|sur demande|ponctuellement|ponctuel)$")
_CONTINU = ("en continu", "continu", "en continue", "continuellement", "en permanence", "permanent")


def _clean(original: str) -> str:
    text = fold(original).strip().rstrip(".").replace("’", "'")
    return re.sub(r"\s+", " ", text)


def _span(original: str, text: str, depuis: bool = False, jusqua: bool = False) -> Terme | None:
    """A term with a period of its own, without any prefix: a date, month, quarter, season, year(s)."""
    if m := _AN.match(text):
        periode = (int(m.group(4)), int(m.group(5))) if m.group(4) else None
        number = int(m.group(2) or m.group(3))
        return Terme(original, "annee_plan", annee_plan=number, periode=periode, depuis=depuis, jusqua=jusqua)
    if (m := _DATE.match(text)) and m.group(2) in MOIS:
        try:
            day = dt.date(int(m.group(3)), MOIS[m.group(2)], int(m.group(1)))
        except ValueError:
            return None
        return Terme(original, "date", day, day, depuis, jusqua=jusqua)
    if (m := _MOIS.match(text)) and m.group(1) in MOIS:
        year, month = int(m.group(2)), MOIS[m.group(1)]
        return Terme(original, "mois", *_months(year, month, year, month), depuis, jusqua=jusqua)
    if (m := _MOIS.match(text)) and m.group(1) in SAISONS:
        year = int(m.group(2))
        start, end = SAISONS[m.group(1)]
        end_year = year + 1 if end < start else year
        return Terme(original, "saison", *_months(year, start, end_year, end), depuis, jusqua=jusqua)
    quarter = _TRIMESTRE.match(text) or _TRIMESTRE_MOT.match(text)
    if quarter:
        groups = [g for g in quarter.groups() if g]
        number = _ORDINAUX.get(groups[0]) or int(groups[0])
        year = int(groups[-1])
        return Terme(original, "trimestre", *_months(year, 3 * number - 2, year, 3 * number), depuis, jusqua=jusqua)
    if m := _ANNEE.match(text):
        year = int(m.group(1))
        return Terme(original, "annee", dt.date(year, 1, 1), dt.date(year, 12, 31), depuis, jusqua=jusqua)
    if m := _ANNEES.match(text):
        first, last = int(m.group(1)), int(m.group(2))
        last = last if last >= 100 else first // 100 * 100 + last
        if last <= first:
            return None
        span = dt.date(first, 1, 1), dt.date(last, 12, 31)
        return Terme(original, "annees", *span, depuis, periode=(first, last), jusqua=jusqua)
    return None


def _months(y1: int, m1: int, y2: int, m2: int) -> tuple[dt.date, dt.date]:
    return dt.date(y1, m1, 1), dt.date(y2, m2, calendar.monthrange(y2, m2)[1])


def _range(original: str, text: str) -> Terme | None:
    """« de janvier à mars 2025 », « janvier à juin 2025 », « 2024 à 2026 »: from one term to another."""
    m = _RANGE.match(text)
    if not m:
        return None
    left, right = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    year = _YEAR_END.search(right)
    if year and not _YEAR_END.search(left) and (left in MOIS or left in SAISONS):
        left = f"{left} {year.group(1)}"
    start, end = _span(original, left), _span(original, right)
    if not start or not end or not start.debut or not end.fin or start.annee_plan or end.annee_plan:
        return None
    if end.fin < start.debut:
        return None
    return Terme(original, "intervalle", start.debut, end.fin)


def _recurrence(original: str, text: str) -> Terme | None:
    """« Annuellement, à l'automne », « Dès septembre 2024, chaque semaine »: a term that comes back;
    it starts with the « dès … » it names, if any."""
    if not _RECURRENCE.search(text):
        return None
    start = None
    for part in re.split(r"\s*,\s*", text):
        if (m := _PREFIX.match(part)) and m.group(1) in _SINCE:
            found = _span(original, part[m.end() :])
            start = found.debut if found else None
    return Terme(original, "recurrente", debut=start, depuis=start is not None)


def _parse_one(original: str) -> Terme:
    text = _clean(original)
    if text in _CONTINU:
        return Terme(original, "continu")
    if _BESOIN.match(text):
        return Terme(original, "au_besoin")
    if found := _recurrence(original, text):
        return found
    if found := _range(original, text) or _span(original, text):
        return found
    prefix = _PREFIX.match(text)
    if prefix:
        rest = text[prefix.end() :]
        depuis, jusqua = prefix.group(1) in _SINCE, prefix.group(1) in _UNTIL
        if found := _span(original, rest, depuis, jusqua) or _range(original, rest):
            return found
    return Terme(original, "inconnu")


def _with_year(parts: list[str]) -> list[str]:
    """« janvier, mars et juin 2025 »: a month without a year takes the year of the next part that has one."""
    done = []
    for index, part in enumerate(parts):
        folded = _clean(part)
        if folded in MOIS or folded in SAISONS:
            year = next((m.group(1) for p in parts[index + 1 :] if (m := _YEAR_END.search(_clean(p)))), None)
            if year:
                part = f"{part} {year}"
        done.append(part)
    return done


def parse(value: str | list[str] | None) -> list[Terme]:
    """The terms of an échéance. A wording that reads as one term stays whole (« Annuellement, à
    l'automne », « de janvier à mars 2025 »); a list gives one term per item, for the checks:
    « 18 décembre 2020 et automne 2021 » gives two. The wording shown is never cut."""
    if value is None:
        return []
    texts = value if isinstance(value, list) else [value]
    terms = []
    for text in texts:
        if not text.strip():
            continue
        whole = _parse_one(text.strip())
        parts = [p for p in re.split(r"\s*(?:,|;|\bet\b|\n)\s*", text.strip()) if p]
        if whole.genre != "inconnu" or len(parts) < 2:
            terms.append(whole)
            continue
        terms.extend(_parse_one(part) for part in _with_year(parts))
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
    if not math.isfinite(value):  # « 999…9 activités »: no figure a target could state
        return None
    unit = match.group(2)
    if unit == "M$":
        value *= 1_000_000
    elif unit == "k$":
        value *= 1_000
    return value


def mistyped_number(text: str) -> str | None:
    match = _MISTYPED.search(text)
    return match.group(0) if match else None
