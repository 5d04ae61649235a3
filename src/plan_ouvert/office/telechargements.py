"""Each plan's office files: the ministry's Word gabarit and the editable workbook, on the site and
from the command line.

`write_downloads` is a pure function of the plans (files in, nothing read from the machine or
the clock): the site offers both files on each plan's page, beside its YAML and JSON.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.urls import plan_url

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
