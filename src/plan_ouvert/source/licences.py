"""The licences a plan's data may carry: a list of SPDX identifiers shipped as data.

A licence must be a standard identifier so that a catalogue (Données Québec, a DCAT harvester,
a Data Package reader) can tell what reuse it allows; free wording (« libre », « CC BY »)
cannot be read by a program. The list lives in data/licences.yml, not in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml


@dataclass(frozen=True)
class Licence:
    id: str  # SPDX identifier: « CC-BY-4.0 »
    titre: str  # French name, for readers
    url: str  # canonical address: the licence's identifier URI in DCAT


@cache
def known() -> dict[str, Licence]:
    """The shipped licences, by identifier folded to lower case (SPDX ids ignore case)."""
    text = (files("plan_ouvert") / "data" / "licences.yml").read_text(encoding="utf-8")
    return {item["id"].lower(): Licence(item["id"], item["titre"], item["url"]) for item in yaml.safe_load(text)}


def find(identifier: str | None) -> Licence | None:
    """The licence `identifier` names, or None when it is absent or unknown."""
    if not identifier:
        return None
    return known().get(identifier.strip().lower())


def unknown_message(identifier: str) -> str:
    """What an editor reads when a licence is not a known identifier."""
    choices = ", ".join(licence.id for licence in known().values())
    return (
        f"licence « {identifier} » inconnue : écrivez l'identifiant d'une licence reconnue ({choices}), "
        "pour que les catalogues de données ouvertes sachent quelle réutilisation elle permet."
    )
