"""JSON Schemas of plan, référentiel, plan kind and consultation files, generated (never edited by hand).

The plan schema covers every kind known to the repository (built in, and plans/types/): a
plan's `gabarit:` picks the branch, so that VS Code completes the keys of any kind, including
one written as data. Each kind also gets a schema of its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import Field, TypeAdapter

from plan_ouvert.source.consultation import Consultation
from plan_ouvert.source.kinds import Kind, Kinds, TypePlan
from plan_ouvert.source.model import Referentiel

SCHEMA_DIR = Path("docs") / "schema"
FILES = {
    "plan.schema.json": "plan",
    "referentiel.schema.json": "referentiel",
    "type.schema.json": "type",
    "consultation.schema.json": "consultation",  # plans/consultations/<plan>.yml
}
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _plans(kinds: list[Kind]) -> dict[str, Any]:
    models = tuple(k.model for k in sorted(kinds, key=lambda k: k.id))
    if len(models) == 1:
        return models[0].model_json_schema()
    union = Annotated[Union[models], Field(discriminator="gabarit")]  # type: ignore[valid-type]  # noqa: UP007
    return TypeAdapter(union).json_schema()


def schema(kind: str, kinds: Kinds | None = None) -> dict[str, Any]:
    """`kind`: "plan" (every kind), "referentiel", "type", or "plan-<kind id>"."""
    known = kinds or Kinds.builtin()
    if kind == "plan":
        body, title = _plans(list(known)), "Plan d'action (Plan ouvert)"
    elif kind == "referentiel":
        body, title = Referentiel.model_json_schema(), "Référentiel d'un programme (Plan ouvert)"
    elif kind == "type":
        body, title = TypePlan.model_json_schema(), "Type de plan (Plan ouvert)"
    elif kind == "consultation":
        body, title = Consultation.model_json_schema(), "Consultation publique d'un projet de plan (Plan ouvert)"
    else:
        one = known.get(kind.removeprefix("plan-"))
        if one is None:
            raise KeyError(kind)
        body, title = one.model.model_json_schema(), f"{one.spec.nom} (Plan ouvert)"
    return {"$schema": DRAFT, "title": title, **body}


def render(kind: str, kinds: Kinds | None = None) -> str:
    return json.dumps(schema(kind, kinds), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def kind_file(kind_id: str) -> str:
    """The schema file of one kind (« plan-pdza.schema.json »)."""
    return f"plan-{kind_id}.schema.json"


def write_all(folder: Path, kinds: Kinds | None = None, builtin_too: bool = False) -> list[Path]:
    """The shared schemas; a schema per kind for the kinds written as data (or all of them)."""
    known = kinds or Kinds.builtin()
    builtin = {k.id for k in Kinds.builtin()}
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, kind in FILES.items():
        path = folder / name
        path.write_text(render(kind, known), encoding="utf-8")
        written.append(path)
    for one in known:
        if builtin_too or one.id not in builtin:
            path = folder / kind_file(one.id)
            path.write_text(render(f"plan-{one.id}", known), encoding="utf-8")
            written.append(path)
    return written
