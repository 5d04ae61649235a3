"""The 17 régions administratives du Québec, shipped as data (data/regions.yml).

A plan names its organisation's région by code (« 14 ») or by name (« Lanaudière »). Names
match whatever the case, the accents and the kind of dash, since editors type « Saguenay-Lac-
Saint-Jean » with a hyphen where the official name has an en dash; pages always show the
official name.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from importlib import resources

import yaml

from plan_ouvert.source.echeance import fold

DATA_DIR = "data"
# Official geographic codes of the Répertoire des municipalités: 3 digits for an MRC or an
# equivalent territory, 5 digits for a municipality.
CODE_GEOGRAPHIQUE = re.compile(r"\d{3}|\d{5}")


@dataclass(frozen=True)
class Region:
    code: str  # « 14 »
    nom: str  # « Lanaudière »

    @property
    def libelle(self) -> str:
        """« Lanaudière (14) »."""
        return f"{self.nom} ({self.code})"


def _key(text: str) -> str:
    """What makes two spellings of a name one: no case, no accent, any dash or space alike."""
    return re.sub(r"[\s\-‐‑‒–—']+", "-", fold(text.strip())).strip("-")


@functools.cache
def regions() -> tuple[Region, ...]:
    """The 17 régions, in the order of their codes."""
    text = resources.files("plan_ouvert").joinpath(DATA_DIR, "regions.yml").read_text(encoding="utf-8")
    return tuple(Region(str(item["code"]), str(item["nom"])) for item in yaml.safe_load(text))


@functools.cache
def _index() -> dict[str, Region]:
    found: dict[str, Region] = {}
    for region in regions():
        found[region.code] = region
        found[str(int(region.code))] = region  # « 1 » as well as « 01 »
        found[_key(region.nom)] = region
    return found


def find_region(value: str | None) -> Region | None:
    """The région a plan names (code or name), or None when it names none or an unknown one."""
    if not value:
        return None
    return _index().get(_key(value))


def closest_region(value: str) -> Region | None:
    """The région whose name is nearest to a misspelt one, to suggest it."""
    names = {_key(r.nom): r for r in regions()}
    hint = difflib.get_close_matches(_key(value), list(names), n=1, cutoff=0.6)
    return names[hint[0]] if hint else None
