"""A placeholder left in a plan (« À remplir », « À compléter », « XXX ») is an erreur.

`plan-ouvert nouveau` writes « À remplir » where the adopted plan's own words go; a file that
still holds one is not the adopted plan, so it never reaches a page: the build stops on it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from plan_ouvert.source.findings import Severity

from .base import Context, Hit, rule
from .common import texts, walk

_WORDS = r"[àa]\s+(?:remplir|compl[ée]ter)"
_PLACEHOLDERS = [
    # The whole value, give or take punctuation: « À remplir », « [à compléter] », « À remplir… ».
    re.compile(rf"^[\W_]*({_WORDS})[\W_]*$", re.IGNORECASE),
    # Between brackets, or as a label that starts the value: « Projet (à compléter) », « À remplir : nom ».
    re.compile(rf"[(\[«<{{]\s*({_WORDS})\b[^)\]»>}}]*[)\]»>}}]", re.IGNORECASE),
    re.compile(rf"^\W*({_WORDS})\s*[:…]", re.IGNORECASE),
    # « XXX » (or more X) as a word of its own: « MRC de XXX », « le XXX 2025 ».
    re.compile(r"(?<!\w)(x{3,})(?!\w)", re.IGNORECASE),
]


def placeholder(text: str) -> str | None:
    """The placeholder words a text holds, as written, or None. « Les formulaires à remplir »
    is a sentence, not a placeholder."""
    for pattern in _PLACEHOLDERS:
        found = pattern.search(text)
        if found:
            return found.group(1)
    return None


@rule("SAISIE-E001", Severity.ERREUR, "Valeur à remplir laissée dans le fichier")
def placeholders_left(ctx: Context) -> Iterator[Hit]:
    for record in walk(ctx.plan):
        for path, text in texts(record):
            words = placeholder(text)
            if words:
                yield Hit(
                    path,
                    f"« {words} » est encore à remplacer en « {'.'.join(str(p) for p in path)} » : écrivez-y le "
                    "texte du plan adopté, ou retirez la ligne si le plan n'en donne pas. Le site n'est pas "
                    "construit tant qu'il en reste.",
                )
