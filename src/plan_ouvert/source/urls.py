"""Page addresses, made from stable ids only, so that a reworded element keeps its URL.

Every URL is relative to the site root and ends with "/" (a folder holding index.html). Two
records that would share an address are found here, before any page is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from plan_ouvert.source.echeance import fold

if TYPE_CHECKING:
    from plan_ouvert.source.tree import PlanTree


def element_url(plan_id: str, dossier: str, record_id: str) -> str:
    return f"plans/{plan_id}/{dossier}/{record_id}/"


def slug(text: str) -> str:
    """Lowercase ASCII slug for values that have no id of their own (clientèles)."""
    folded = fold(text)
    out = []
    for char in folded:
        out.append(char if char.isascii() and char.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)[:60] or "x"


def plan_url(plan_id: str) -> str:
    return f"plans/{plan_id}/"


def partner_url(plan_id: str, partner_id: str) -> str:
    return f"plans/{plan_id}/partenaires/{partner_id}/"


def value_url(plan_id: str, dossier: str, text: str) -> str:
    """The page of one value of a field with a view (« clienteles/personnes-immigrantes/ »)."""
    return f"plans/{plan_id}/{dossier}/{slug(text)}/"


def report_url(plan_id: str, annee: int) -> str:
    return f"plans/{plan_id}/rapport/an-{annee}/"


def report_file(plan_id: str, annee: int) -> str:
    return f"{report_url(plan_id, annee)}{plan_id}-rapport-an-{annee}.xlsx"


def browse_url(plan_id: str, vue: str) -> str:
    """A browse view's page: « partenaires/ », « echeances/ », or a field's view (« clienteles/ »)."""
    return f"plans/{plan_id}/{vue}/"


def wording_key(text: str) -> str:
    """What makes two clientèles one: the same words, whatever the case, accents and punctuation.

    Unlike `slug`, letters of every alphabet are kept: « Тоус » (Cyrillic) and « Вce » both
    slug to « x » but are two different clientèles.
    """
    return "-".join(re.findall(r"\w+", fold(text)))


@dataclass(frozen=True)
class Claim:
    """A record's claim on a URL: two claims with different keys on one URL would share a page."""

    url: str
    key: str  # what the record is
    label: str  # how a message names it
    path: tuple[str | int, ...]  # where the file writes it


def url_claims(tree: PlanTree) -> Iterator[Claim]:
    """Every record page of a plan with the place that makes it, in file order."""
    plan = tree.plan
    for partner in plan.partenaires:
        yield Claim(
            partner_url(plan.id, partner.id), f"partenaire:{partner.id}", f"partenaire {partner.id}", partner._path
        )
    for element in tree.elements:
        yield Claim(element.url, f"{element.type}:{element.id}", f"{element.type} {element.id}", element.path)
    for niveau, champ in tree.kind.spec.value_views():
        for element in tree.of_type(niveau.type):
            for index, text in enumerate(element.valeur(champ.cle) or []):
                yield Claim(
                    value_url(plan.id, champ.vue or "", text),
                    f"{champ.vue}:{wording_key(text)}",
                    f"{champ.valeur_nom.lower()} « {text[:80]} »",
                    (*element.path, champ.cle, index),
                )


def url_collisions(tree: PlanTree) -> Iterator[tuple[Claim, Claim]]:
    """Pairs (first, other) of distinct records whose pages would have one URL.

    Two records of one kind with the same id are left to the duplicate-id rule.
    """
    first: dict[str, Claim] = {}
    for claim in url_claims(tree):
        seen = first.setdefault(claim.url, claim)
        if seen.key != claim.key:
            yield seen, claim
