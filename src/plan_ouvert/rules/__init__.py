"""Program rules: small named checks, each with a stable code, a severity and a French message.

Severity follows the programme's own words: what a gabarit says « doit » is an erreur (it
blocks the build), what it says « généralement » or merely recommends is an avertissement
(reported and listed publicly), and what only makes a page more complete is an info.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..findings import Finding, Severity
from ..model import AnyPlan, Referentiel
from ..yamlsource import Source, YamlPath


@dataclass(frozen=True)
class Hit:
    """One problem found by a rule: where (a path in the YAML) and what to do."""

    path: YamlPath
    message: str
    # The exact line and column when the rule knows better than the start of `path`
    # (a character inside a text).
    at: tuple[int, int] | None = None


@dataclass(frozen=True)
class Context:
    plan: AnyPlan
    referentiel: Referentiel | None
    source: Source
    # What several rules of one plan compute alike (one pass over its texts), by name.
    memo: dict[str, Any] = field(default_factory=dict, compare=False)


Check = Callable[[Context], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    gabarit: str | None  # "piar", "pac", or None for both
    titre: str  # short French title, used in the guide and on « État du plan »
    check: Check


REGISTRY: dict[str, Rule] = {}


def rule(code: str, severity: Severity, titre: str, gabarit: str | None = None) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        REGISTRY[code] = Rule(code, severity, gabarit, titre, check)
        return check

    return register


def check_plan(plan: AnyPlan, referentiel: Referentiel | None, source: Source) -> list[Finding]:
    context = Context(plan, referentiel, source)
    findings = []
    for current in REGISTRY.values():
        if current.gabarit not in (None, plan.gabarit):
            continue
        for hit in current.check(context):
            line, column = hit.at or source.locate(hit.path)
            findings.append(
                Finding(
                    source.display,
                    line,
                    column,
                    current.code,
                    current.severity,
                    hit.message,
                    plan=plan.id,
                    record=".".join(str(p) for p in hit.path) or None,
                )
            )
    return findings


# Importing the modules registers their rules.
from . import common, pac, piar  # noqa: E402

__all__ = ["REGISTRY", "Context", "Hit", "Rule", "check_plan", "common", "pac", "piar", "rule"]
