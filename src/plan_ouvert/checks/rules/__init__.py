"""Rules: small named checks, each with a stable code, a severity and a French message.

Generic rules (rules/common.py, rules/generic.py) hold for every plan and read the element
tree, so that they follow from what a plan's kind declares. Rules that only one programme has
(rules/piar.py, rules/pac.py) form named sets; a kind lists the sets it uses (`regles:`).

Severity follows the publication policy: an erreur only for what makes a file unreadable or
ambiguous (it blocks the build); a non-conformité for a departure from the programme's
gabarit (the plan is published as adopted, its page says so, `--strict` fails on it); what a
gabarit says « généralement » or what looks like a typing mistake is an avertissement; what
only makes a page more complete is an info.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from plan_ouvert.source.findings import Finding, Severity
from plan_ouvert.source.model import AnyPlan, Referentiel
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.yamlsource import Source, YamlPath


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
    tree: PlanTree
    source: Source
    # What several rules of one plan compute alike (one pass over its texts), by name.
    memo: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def plan(self) -> Any:
        # Any: the levels of a plan are fields of its kind's generated class.
        return self.tree.plan

    @property
    def referentiel(self) -> Referentiel | None:
        return self.tree.referentiel


Check = Callable[[Context], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    regles: str | None  # the rule set ("piar", "pac") a kind names, or None for every plan
    titre: str  # short French title, used in the guide and on « État du plan »
    check: Check
    # What the page of the element says to a reader, in plain French, when the rule's editor
    # message does not read well there.
    public: str | None = None


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str, severity: Severity, titre: str, regles: str | None = None, public: str | None = None
) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if code in REGISTRY:
            raise ValueError(f"duplicate rule code {code}")
        REGISTRY[code] = Rule(code, severity, regles, titre, check, public)
        return check

    return register


def check_plan(tree: PlanTree, source: Source) -> list[Finding]:
    context = Context(tree, source)
    plan: AnyPlan = tree.plan
    sets = tree.kind.spec.regles
    findings = []
    for current in REGISTRY.values():
        if current.regles is not None and current.regles not in sets:
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
from . import a_remplir, common, generic, pac, piar, prive  # noqa: E402

__all__ = [
    "REGISTRY",
    "Context",
    "Hit",
    "Rule",
    "a_remplir",
    "check_plan",
    "common",
    "generic",
    "pac",
    "piar",
    "prive",
    "rule",
]
