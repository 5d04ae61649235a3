"""Every open-data file written at once, and the `exporter` command."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.kinds import Kinds
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views.export import public_data

from .assemble import (
    tables,
)
from .csvfile import csv_bytes
from .descriptor import datapackage
from .workbook import stamp, xlsx_bytes

# --- Files and command -----------------------------------------------------------------------


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_all(
    trees: Sequence[PlanTree], folder: Path, kinds: Kinds | None = None, licence: str | None = None
) -> list[Path]:
    """Write csv/<table>.csv, plans.xlsx, plans.json and datapackage.json; return the paths.

    `kinds`: the kinds the build knows (built in and plans/types/), which fix the tables' names;
    `licence`: the site's default licence, for plans that name none.
    """
    ordered = sorted(trees, key=lambda t: t.plan.id)
    plans = [t.plan for t in ordered]
    found = tables(ordered, kinds)
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    files: dict[Path, bytes] = {folder / "csv" / f"{t.name}.csv": csv_bytes(t) for t in found.values()}
    files[folder / "plans.xlsx"] = xlsx_bytes(found, stamp(plans))
    files[folder / "plans.json"] = _json([public_data(p) for p in plans])
    files[folder / "datapackage.json"] = _json(datapackage(found, plans, licence))
    for path, data in files.items():
        path.write_bytes(data)
    return list(files)


def command(args: argparse.Namespace) -> int:
    """`plan-ouvert exporter [--sortie DOSSIER] [CHEMIN...]`: args.chemins, args.sortie."""
    catalogue = load_catalogue([Path(p) for p in args.chemins] or [Path("plans")])
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
    for path in write_all([e.tree for e in catalogue.entries], Path(args.sortie), catalogue.kinds):
        print(f"écrit : {path}")
    count = len(catalogue.entries)
    print(
        f"{count} plan{'s' if count > 1 else ''} exporté{'s' if count > 1 else ''} dans {args.sortie}.", file=sys.stderr
    )
    return 0
