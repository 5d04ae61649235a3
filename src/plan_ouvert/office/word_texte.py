"""Text of a Word cell as a plan reads it: lines, typed numbers, lists, dates, amounts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any

from plan_ouvert.office import bilan, word
from plan_ouvert.source.echeance import MOIS, fold

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
def words_of(text: str) -> frozenset[str]:
    return frozenset(w for w in norm(text).split() if len(w) > 2 or w.isdigit()) - {"les", "des", "par", "aux", "une"}


def without_nothing(paragraphs: list[word.Paragraph]) -> list[word.Paragraph]:
    """A cell's paragraphs without the lines that say « nothing here » (« — », « N/A », « S.O. »)."""
    out = []
    for p in paragraphs:
        kept = [line for line in p.text.split("\n") if not bilan.is_nothing(line)]
        if any(line.strip() for line in kept):
            out.append(dataclasses.replace(p, text="\n".join(kept)))
    return out


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
