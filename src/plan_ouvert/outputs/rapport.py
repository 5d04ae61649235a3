"""`plan-ouvert rapport`: one plan's annual report (reddition de compte), written as a workbook."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.catalogue import Entry
from plan_ouvert.source.model import ID_PATTERN
from plan_ouvert.views.rapport import AnneeInconnue, plural, report, report_xlsx


def _error(message: str) -> int:
    print(f"plan-ouvert : erreur : {message}", file=sys.stderr)
    return 2


def _find(spec: str) -> tuple[Entry | None, int]:
    """The plan named by `spec` (a file, or a plan id under plans/), or None and an exit code."""
    path = Path(spec)
    by_file = path.suffix in (".yml", ".yaml")
    if not by_file and not re.fullmatch(ID_PATTERN, spec):
        # Only a plan id or a .yml file: « ../x » or « a/b » must not reach another file.
        return None, _error(
            f"« {spec[:60]} » n'est ni un identifiant de plan (minuscules, chiffres et traits d'union) "
            "ni un fichier .yml."
        )
    if not by_file and not Path("plans").is_dir():
        return None, _error(f"plan « {spec} » introuvable : pas de dossier plans/ ici, donnez le chemin du fichier.")
    if by_file and not path.is_file():
        return None, _error(f"fichier « {spec} » introuvable.")
    catalogue = load_catalogue([path] if by_file else [Path("plans")])
    entries = (
        catalogue.entries if by_file else [e for e in catalogue.entries if spec in (e.plan.id, *e.plan.anciens_ids)]
    )
    if not entries:
        for finding in catalogue.errors():
            print(finding.format(), file=sys.stderr)
        if by_file:
            return None, _error(f"« {spec} » n'est pas un plan valide (voir ci-dessus).")
        known = ", ".join(sorted(e.plan.id for e in catalogue.entries)) or "aucun"
        return None, _error(f"plan « {spec} » introuvable dans plans/ (plans connus : {known}).")
    entry = entries[0]
    plan = entry.plan
    errors = [f for f in catalogue.errors() if f.plan == plan.id]
    for finding in errors:
        print(finding.format(), file=sys.stderr)
    if errors:
        print(
            f"plan-ouvert : rapport annulé : {len(errors)} erreur(s) dans le plan « {plan.id} » (voir ci-dessus).",
            file=sys.stderr,
        )
        return None, 1
    return entry, 0


def rapport(plan: str, annee: int, sortie: str = "rapports") -> int:
    """`plan-ouvert rapport PLAN --annee N [--sortie DOSSIER]`."""
    entry, code = _find(plan)
    if entry is None:
        return code
    record = entry.plan
    try:
        written = report(entry.tree, annee)
    except AnneeInconnue as problem:
        return _error(str(problem))
    folder = Path(sortie)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{record.id}-rapport-an-{annee}.xlsx"
    target.write_bytes(report_xlsx(written))
    print(f"écrit : {target} ({written.annee_label}, {plural(written.elements, 'élément')})")
    return 0
