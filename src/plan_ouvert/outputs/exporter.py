"""`plan-ouvert exporter`: the open data of every plan, or one plan in the ministry's Word
gabarit or the editable workbook."""

from __future__ import annotations

import sys
from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.office.telechargements import FORMATS
from plan_ouvert.views import opendata


def exporter(chemins: list[str], format: str = "donnees", sortie: str | None = None) -> int:
    """`plan-ouvert exporter [--format donnees|docx|xlsx] [--sortie …] CHEMIN…`."""
    if format == "donnees":
        return _donnees(chemins, sortie or "donnees")
    what, make = FORMATS[format]
    if len(chemins) != 1 or not Path(chemins[0]).is_file():
        print(
            f"exportation annulée : --format {format} écrit un seul plan ; donnez le chemin d'un fichier de plan "
            f"(ex. plan-ouvert exporter --format {format} plans/mon-plan.yml --sortie mon-plan.{format}).",
            file=sys.stderr,
        )
        return 2
    catalogue = load_catalogue([Path(chemins[0])])
    errors = catalogue.errors()
    for finding in errors:
        print(finding.format(), file=sys.stderr)
    if catalogue.unreadable or not catalogue.entries:
        print("exportation annulée : le fichier n'a pas pu être lu comme un plan (voir ci-dessus).", file=sys.stderr)
        return 2
    if errors:
        print(f"exportation annulée : {len(errors)} erreur(s) dans le plan (voir ci-dessus).", file=sys.stderr)
        return 1
    tree = catalogue.entries[0].tree
    target = Path(sortie or f"{tree.plan.id}.{format}")
    if not target.parent.is_dir():
        print(f"exportation annulée : le dossier « {target.parent} » n'existe pas.", file=sys.stderr)
        return 2
    if target.is_dir():
        target = target / f"{tree.plan.id}.{format}"
    try:
        target.write_bytes(make(tree))
    except OSError as exc:
        print(f"exportation annulée : impossible d'écrire « {target} » ({exc.strerror or exc}).", file=sys.stderr)
        return 2
    print(f"écrit : {target}")
    print(f"{tree.plan.id} : {what} est écrit dans {target}.", file=sys.stderr)
    return 0


def _donnees(chemins: list[str], sortie: str) -> int:
    """The open data of every plan under `chemins` (plans/ by default), written under `sortie`."""
    catalogue = load_catalogue([Path(p) for p in chemins] or [Path("plans")])
    errors = catalogue.errors()
    for finding in errors:
        print(finding.format(), file=sys.stderr)
    if catalogue.unreadable:
        print(
            "exportation annulée : un fichier ou un dossier est illisible ou introuvable (voir ci-dessus).",
            file=sys.stderr,
        )
        return 2
    if errors:
        print(f"exportation annulée : {len(errors)} erreur(s) dans les plans (voir ci-dessus).", file=sys.stderr)
        return 1
    if not catalogue.entries:
        print("exportation annulée : aucun plan trouvé.", file=sys.stderr)
        return 2
    for path in opendata.write_all([e.tree for e in catalogue.entries], Path(sortie), catalogue.kinds):
        print(f"écrit : {path}")
    count = len(catalogue.entries)
    print(f"{count} plan{'s' if count > 1 else ''} exporté{'s' if count > 1 else ''} dans {sortie}.", file=sys.stderr)
    return 0
