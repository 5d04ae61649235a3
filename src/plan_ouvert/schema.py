"""JSON Schema of plan and référentiel files, generated from the model (never edited by hand)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .load import PLAN_ADAPTER
from .model import Referentiel

SCHEMA_DIR = Path("docs") / "schema"
FILES = {"plan.schema.json": "plan", "referentiel.schema.json": "referentiel"}


def schema(kind: str) -> dict[str, Any]:
    if kind == "plan":
        body = PLAN_ADAPTER.json_schema()
        title = "Plan d'action (Plan ouvert)"
    else:
        body = Referentiel.model_json_schema()
        title = "Référentiel d'un programme (Plan ouvert)"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **body}


def render(kind: str) -> str:
    return json.dumps(schema(kind), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, kind in FILES.items():
        path = folder / name
        path.write_text(render(kind), encoding="utf-8")
        written.append(path)
    return written
