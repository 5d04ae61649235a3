"""The import's ledger: every word of the document is in the plan, in the report, or was structure.

An import is a mapping with a ledger. The document's text, normalised into words, must equal the
words of the plan's fields plus the words of the report's leftovers, once the document's own
structure is set aside: the header rows of the plan's tables, the labels the kind declares
(« Moyen d’action 1.1 : », « Porteur : »), typed numbers that became ids, the titles of the
gabarit and the dates that became date fields. Anything else that is found nowhere is not lost
silently: the importer lists it in the report (`unaccounted`), so « nothing is lost » is checked,
not promised.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from typing import Any

from plan_ouvert.office import word
from plan_ouvert.source.kinds import GabaritWord

_WORD = re.compile(r"\w+")
_TYPED_NUMBER = re.compile(r"^\s*\d{1,2}(?:\.\d{1,2})*\s*[.)\-–]?\s+")
_YEAR_LABEL = re.compile(r"^\s*an\s*\d+\s*[:\-–—]\s*", re.I)  # « An 2 : 8 activités »: the year became `annee`
_PARTNER_LABEL = re.compile(
    r"^\s*(?:porteurs?|porteur\(s\)|responsables?|collaborateurs?|collaborateur\(s\)|partenaires?|partenaire\(s\))"
    r"\s*:\s*",
    re.I,
)


# What a cell says when it says « nothing here »: the field stays empty, never a value « — ».
NOTHING = frozenset(
    {"—", "–", "-", "--", "n/a", "na", "n/d", "s/o", "s.o", "so", "sans objet", "non applicable", "ne s'applique pas",
     "aucun", "aucune", "néant", "x"}
)  # fmt: skip
# « To be determined »: a real value of a text field (an échéance), never the name of a partner.
TO_BE_DETERMINED = frozenset({"à déterminer", "a determiner", "à confirmer", "a confirmer", "à venir", "a venir"})


def _mark(line: str) -> str:
    return " ".join(line.casefold().replace("’", "'").split()).strip(" .:;")


def is_nothing(line: str) -> bool:
    return _mark(line) in NOTHING


def is_to_be_determined(line: str) -> bool:
    return _mark(line) in TO_BE_DETERMINED


def words(text: str) -> list[str]:
    """The words of a text, folded as a reader compares them (case, apostrophes, ligatures)."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("œ", "oe")
    return _WORD.findall(folded)


def _label_pattern(gabarit: GabaritWord) -> re.Pattern[str]:
    labels = [c.intitule for c in gabarit.colonnes if c.intitule]
    labels += [f.intitule for f in gabarit.rangees_fusionnees]
    alternatives = "|".join(re.escape(label).replace("’", "['’]") for label in sorted(labels, key=len, reverse=True))
    if not alternatives:
        return re.compile(r"(?!x)x")
    return re.compile(rf"^\s*(?:{alternatives})\s*[\d.]*\s*[:\-–—]?\s*", re.I)


def _content_lines(text: str, labels: re.Pattern[str]) -> Iterator[str]:
    """A cell's lines without the structure a person types around the content.

    A line said again in the same cell (the same target for years 1 and 2) is one value.
    """
    seen: set[str] = set()
    for line in text.split("\n"):
        line = labels.sub("", line, count=1)
        line = _PARTNER_LABEL.sub("", line, count=1)
        line = _TYPED_NUMBER.sub("", line, count=1)
        line = _YEAR_LABEL.sub("", line, count=1)
        key = " ".join(words(line))
        if is_nothing(line) or is_to_be_determined(line):
            continue  # read as what it means: no value
        if key not in seen:
            seen.add(key)
            yield line


def document_words(document: word.Document, gabarit: GabaritWord, structure: set[tuple[int, int]]) -> Counter[str]:
    """The words of the document's paragraphs and cells, the rows in `structure` (table, row) set aside."""
    labels = _label_pattern(gabarit)
    titles = {" ".join(words(t)) for t in gabarit.titres}
    counted: Counter[str] = Counter()
    for paragraph in document.paragraphs:
        if " ".join(words(paragraph)) not in titles:
            counted.update(w for line in _content_lines(paragraph, labels) for w in words(line))
    for table in document.tables:
        for row in table.rows:
            if (table.number, row.number) in structure:
                continue
            for cell in row.cells:
                if " ".join(words(cell.text)) in titles:
                    continue
                counted.update(w for line in _content_lines(cell.text, labels) for w in words(line))
    return counted


def _plan_strings(value: Any, names: dict[str, str], key: str | None = None) -> Iterator[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if key is None and k in ("partenaires", "gabarit", "programme", "source"):
                continue  # the registry's names count where the plan refers to them; the rest is not text
            if k == "id":
                continue
            yield from _plan_strings(v, names, k)
    elif isinstance(value, list):
        for v in value:
            yield from _plan_strings(v, names, key)
    elif isinstance(value, str) and value in names:
        yield names[value]
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def plan_words(plan: dict[str, Any], leftovers: list[str]) -> Counter[str]:
    """The words of the plan's fields (a partner reference counts as its name) and of the leftovers."""
    names = {
        str(p["id"]): str(p.get("sigle") or p.get("nom") or p["id"])
        for p in plan.get("partenaires", [])
        if isinstance(p, dict) and "id" in p
    }
    counted: Counter[str] = Counter()
    for text in _plan_strings(plan, names):
        counted.update(words(text))
    for text in leftovers:
        counted.update(words(text))
    return counted


def unaccounted(
    document: word.Document,
    gabarit: GabaritWord,
    structure: set[tuple[int, int]],
    plan: dict[str, Any],
    leftovers: list[str],
) -> Counter[str]:
    """The document's words found neither in the plan nor in the leftovers (numbers alone excepted:
    a number typed before a text became its id)."""
    missing = document_words(document, gabarit, structure) - plan_words(plan, leftovers)
    return Counter({w: n for w, n in missing.items() if not w.isdigit()})
