"""Public forms of a plan of any kind: the data with every `prive` mapping removed, as JSON or YAML.

The dump follows the plan's own class, which its kind generated: the levels and fields are
the kind's, and nothing here knows them.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from plan_ouvert.source.model import AnyPlan, strip_private

__all__ = ["public_data", "strip_private", "to_json", "to_yaml"]


def public_data(plan: AnyPlan) -> dict[str, Any]:
    """The plan as plain JSON-ready data, without `prive` and without empty defaults."""
    data = plan.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    # The discriminator names the kind: kept whatever the dump options drop.
    data["gabarit"] = getattr(plan, "gabarit")  # noqa: B009 (a field of the kind's class)
    cleaned: dict[str, Any] = strip_private(data)
    return cleaned


def to_json(plan: AnyPlan) -> str:
    return json.dumps(public_data(plan), ensure_ascii=False, indent=2) + "\n"


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter when PyYAML has it: the same output, several times faster."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def to_yaml(plan: AnyPlan, schema_url: str | None = None) -> str:
    header = f"# yaml-language-server: $schema={schema_url}\n" if schema_url else ""
    body = yaml.dump(public_data(plan), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return header + body
