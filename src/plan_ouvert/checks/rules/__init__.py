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

from plan_ouvert.source.findings import Finding
from plan_ouvert.source.model import AnyPlan
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.yamlsource import Source

# Importing the modules registers their rules.
from . import a_remplir, common, generic, pac, piar, prive  # noqa: F401
from .base import REGISTRY, Context, Hit, Rule, rule


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
                    public=current.public,
                )
            )
    return findings


__all__ = ["REGISTRY", "Context", "Hit", "Rule", "check_plan", "rule"]
