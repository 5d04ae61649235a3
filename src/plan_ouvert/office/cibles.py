"""Targets (« Cible(s) ») aligned with their indicator and year by the table's own structure.

A PAC row gives its indicators one per line, its échéance as plan years, and its targets one per
line. Which target belongs to which indicator and year follows from what the cell shows: a year
written before the target (« An 2 : 8 activités »), else the counts (indicators × years), the order
confirmed by the words a target shares with its indicator. Where the counts do not fit, or only
the count decides between two orders, the reading is a guess and says so.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from plan_ouvert.office.word_texte import words_of

_TARGET_YEAR = re.compile(r"^\s*an\s*(\d+)\s*[:\-–—]\s*", re.I)

Place = tuple[int, int | None]  # (indicator index, plan year or None)


@dataclass
class Alignment:
    targets: list[str]  # the targets' texts, a written year taken off
    places: list[Place]  # where each goes, in the same order
    guess: str | None = None  # French, when the reading is a guess


def _by_written_year(targets: list[str], n: int) -> Alignment | None:
    marked = [_TARGET_YEAR.match(t) for t in targets]
    if not all(marked):
        return None
    texts = [t[m.end() :].strip() for t, m in zip(targets, marked, strict=True) if m]
    seen: Counter[int] = Counter()
    places: list[Place] = []
    for m in marked:
        year = int(m.group(1)) if m else 0
        places.append((min(seen[year], n - 1), year))
        seen[year] += 1
    guess = None
    if any(count != n for count in seen.values()):
        guess = (
            f"Cibles par année qui ne sont pas une par indicateur ({n}) : réparties dans l'ordre ; vérifiez "
            "à quel indicateur chacune appartient."
        )
    return Alignment(texts, places, guess)


def _by_count(targets: list[str], indicators: list[str], years: list[int]) -> Alignment:
    n, y = len(indicators), len(years)
    by_year: list[Place] = [(i % n, years[i // n]) for i in range(len(targets))]
    if n == 1 or y == 1:
        return Alignment(targets, by_year)
    by_indicator: list[Place] = [(i // y, years[i % y]) for i in range(len(targets))]
    # The count fits both orders: the words shared by a target and its indicator decide.
    names = [words_of(text) for text in indicators]

    def score(order: list[Place]) -> int:
        return sum(len(words_of(t) & names[i]) for (i, _), t in zip(order, targets, strict=True))

    if score(by_indicator) > score(by_year):
        return Alignment(
            targets,
            by_indicator,
            f"{len(targets)} cibles pour {n} indicateurs et {y} années : lues indicateur par indicateur "
            "(leurs mots suivent cet ordre) ; vérifiez-les.",
        )
    if score(by_indicator) == score(by_year):
        return Alignment(
            targets,
            by_year,
            f"{len(targets)} cibles pour {n} indicateurs et {y} années : lues année par année (les indicateurs "
            "de l'an 1, puis de l'an 2…) ; rien dans leurs mots ne le confirme, vérifiez-les.",
        )
    return Alignment(targets, by_year)


def align(targets: list[str], indicators: list[str], years: list[int]) -> Alignment:
    """Each target's indicator (index in `indicators`) and year (one of `years`, or None)."""
    n, y = len(indicators), len(years)
    written = _by_written_year(targets, n)
    if written is not None:
        return written
    if y and len(targets) == n * y:
        return _by_count(targets, indicators, years)
    if len(targets) == n:
        return Alignment(targets, [(i, years[0] if y == 1 else None) for i in range(n)])
    if n == 1 and y and len(targets) == y:
        return Alignment(targets, [(0, years[i]) for i in range(y)])
    if n == 1:
        return Alignment(targets, [(0, years[0] if y == 1 else None) for _ in targets])
    per_year = -(-len(targets) // y) if y else len(targets)
    places: list[Place] = [
        (min(i % per_year, n - 1), years[min(i // per_year, y - 1)] if y else None) for i in range(len(targets))
    ]
    return Alignment(
        targets,
        places,
        f"{len(targets)} cibles pour {n} indicateurs et {y or 'aucune'} année(s) : réparties dans l'ordre "
        "(une année après l'autre) ; vérifiez à quel indicateur et à quelle année chacune appartient.",
    )
