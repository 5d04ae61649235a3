"""Texts an import could not place, kept under `prive > a_verifier` until an editor reviews them.

Each one is a non-conformité to review: the plan is published without it (it is private), and
`verifier --strict` fails until an editor moves the text to its field or deletes it. The
message never quotes the text: it is private, and carries the document's internal locators.
"""

from __future__ import annotations

from collections.abc import Iterator

from plan_ouvert.source.findings import Severity

from .base import Context, Hit, rule

A_VERIFIER = "a_verifier"  # the key under `prive` that `importer` writes (office/import_word.py)


@rule(
    "IMPORT-W001",
    Severity.NON_CONFORMITE,
    "Texte importé à vérifier",
    public="Une partie du document source reste à vérifier par l'équipe du plan.",
)
def leftovers_to_review(ctx: Context) -> Iterator[Hit]:
    prive = getattr(ctx.plan, "prive", None)
    items = prive.get(A_VERIFIER) if isinstance(prive, dict) else None
    if not items:
        return
    listed = isinstance(items, list)
    total = len(items) if listed else 1
    for index in range(total):
        yield Hit(
            ("prive", A_VERIFIER, index) if listed else ("prive", A_VERIFIER),
            f"texte importé non placé ({index + 1} sur {total}, bloc « prive », partie « {A_VERIFIER} ») : "
            "reportez-le dans le champ du plan où il va, ou supprimez-le s'il n'a pas à y être, puis retirez-le "
            "de la liste. Il n'est pas publié tant qu'il est là.",
        )
