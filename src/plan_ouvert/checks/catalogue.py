"""A loaded catalogue, checked: every plan's findings join those of reading its files."""

from __future__ import annotations

from pathlib import Path

from plan_ouvert.checks.rules import check_plan
from plan_ouvert.source.catalogue import Catalogue, read_catalogue
from plan_ouvert.source.findings import sort_findings


def check_catalogue(catalogue: Catalogue) -> Catalogue:
    """Run the rules of each plan's kind; the findings stay sorted by file and line."""
    for entry in catalogue.entries:
        catalogue.findings.extend(check_plan(entry.tree, entry.source))
    catalogue.findings = sort_findings(catalogue.findings)
    return catalogue


def load_catalogue(paths: list[Path], referentiels_dir: Path | None = None) -> Catalogue:
    """Load, validate and check every plan under `paths`; never raises for bad content."""
    return check_catalogue(read_catalogue(paths, referentiels_dir))
