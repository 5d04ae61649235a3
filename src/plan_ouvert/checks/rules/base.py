"""What a rule is: its code, severity and French title, the context it reads and the hits it gives."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from plan_ouvert.source.findings import Severity
from plan_ouvert.source.model import Referentiel
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
