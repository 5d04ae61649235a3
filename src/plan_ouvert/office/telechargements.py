"""Each plan's office files: the ministry's Word gabarit and the editable workbook, on the site and
from the command line.

`write_downloads` is a pure function of the plans (files in, nothing read from the machine or
the clock): the site offers both files on each plan's page, beside its YAML and JSON.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.urls import plan_url
from plan_ouvert.views import opendata

from .classeur import xlsx_bytes
from .export_word import docx_bytes

FORMATS = {"docx": ("le gabarit Word", docx_bytes), "xlsx": ("le classeur", xlsx_bytes)}


def download_file(plan_id: str, extension: str) -> str:
    """« plans/<id>/<id>.docx »: the file's address from the site's root, beside the plan's page."""
    return f"{plan_url(plan_id)}{plan_id}.{extension}"


def write_downloads(trees: Sequence[PlanTree], folder: Path) -> list[Path]:
    """Write each plan's Word gabarit and editable workbook under `folder` (the built site)."""
    written = []
    for tree in trees:
        for extension, (_, make) in FORMATS.items():
            path = folder / download_file(tree.plan.id, extension)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(make(tree))
            written.append(path)
    return written


def command(args: argparse.Namespace) -> int:
    """`plan-ouvert exporter [--format donnees|docx|xlsx] [--sortie …] CHEMIN…`."""
    if args.format == "donnees":
        args.sortie = args.sortie or "donnees"
        return opendata.command(args)
    what, make = FORMATS[args.format]
    if len(args.chemins) != 1 or not Path(args.chemins[0]).is_file():
        print(
            f"exportation annulée : --format {args.format} écrit un seul plan ; donnez le chemin d'un fichier de plan "
            f"(ex. plan-ouvert exporter --format {args.format} plans/mon-plan.yml --sortie mon-plan.{args.format}).",
            file=sys.stderr,
        )
        return 2
    catalogue = load_catalogue([Path(args.chemins[0])])
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
    target = Path(args.sortie or f"{tree.plan.id}.{args.format}")
    if not target.parent.is_dir():
        print(f"exportation annulée : le dossier « {target.parent} » n'existe pas.", file=sys.stderr)
        return 2
    if target.is_dir():
        target = target / f"{tree.plan.id}.{args.format}"
    try:
        target.write_bytes(make(tree))
    except OSError as exc:
        print(f"exportation annulée : impossible d'écrire « {target} » ({exc.strerror or exc}).", file=sys.stderr)
        return 2
    print(f"écrit : {target}")
    print(f"{tree.plan.id} : {what} est écrit dans {target}.", file=sys.stderr)
    return 0
