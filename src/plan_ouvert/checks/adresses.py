"""Records whose pages would share an address, found before any page is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.urls import partner_url, value_url, wording_key


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
