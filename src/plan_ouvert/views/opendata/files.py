"""Every open-data file written at once (the `exporter` command is in outputs/exporter.py)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
