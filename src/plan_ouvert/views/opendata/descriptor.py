"""The Frictionless Data Package describing the tables: schema, keys, licences, dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from plan_ouvert.source import licences
from plan_ouvert.source.model import PlanBase
from plan_ouvert.views import dcat

from .columns import (
    TRUE_FALSE,
    URL,
    Column,
    Table,
)

# --- Data Package ----------------------------------------------------------------------------


def _field(column: Column) -> dict[str, Any]:
    # The CSV header is the French title, and Frictionless checks each header against the
    # field `name`: so `name` is the French title (what validates), `title` repeats it for
    # readers, and the snake_case id a program would use lives in `nom_technique`.
    described: dict[str, Any] = {"name": column.title, "title": column.title, "type": column.type}
    if column.type == "date":
        described["format"] = "default"  # ISO 8601: AAAA-MM-JJ
    if column.type == "boolean":
        described["trueValues"] = [TRUE_FALSE[0]]
        described["falseValues"] = [TRUE_FALSE[1]]
    described["nom_technique"] = column.name
    return described


def _titles(table: Table, names: list[str]) -> list[str]:
    by_name = {c.name: c.title for c in table.columns}
    return [by_name[n] for n in names]


def _datetime(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _licence(identifier: str) -> dict[str, str]:
    """A Data Package licence: its SPDX name, its canonical address and title when known."""
    known = licences.find(identifier)
    if known is None:
        return {"name": identifier, "title": identifier}
    return {"name": known.id, "path": known.url, "title": known.titre}


def _package_facts(package: dict[str, Any], plans: Sequence[PlanBase]) -> None:
    """The facts the DCAT catalogue gives too: keywords, period, territory, dates, publishers."""
    words = ["plan d'action", *(p.organisme.nom for p in plans), *(r for r in map(dcat.region, plans) if r)]
    words += [p.programme for p in plans if p.programme]
    package["keywords"] = sorted(set(words))
    periods = [t for t in (dcat.temporal(p) for p in plans) if t]
    if periods:
        package["temporal"] = {
            "start": min(t["dcat:startDate"]["@value"] for t in periods),
            "end": max(t["dcat:endDate"]["@value"] for t in periods),
        }
    places = [
        {
            k: v
            for k, v in (
                ("organisme", p.organisme.nom),
                ("region", dcat.region(p)),
                ("code_geographique", dcat.geographic_code(p)),
            )
            if v
        }
        for p in plans
        if dcat.region(p) or dcat.geographic_code(p)
    ]
    if places:
        package["spatial"] = places
    first = [d for d in map(dcat.issued, plans) if d]
    last = [d for d in map(dcat.modified, plans) if d]
    if first:
        package["created"] = _datetime(min(first))
    if last:
        package["modified"] = _datetime(max(last))
    publishers = sorted({p.organisme.nom for p in plans})
    package["contributors"] = [{"title": name, "role": "publisher"} for name in publishers]


def datapackage(tables: dict[str, Table], plans: Sequence[PlanBase], licence: str | None = None) -> dict[str, Any]:
    """A Frictionless Data Package (v1) describing the CSV files in csv/.

    `licence`: the site's default licence, for the plans that name none.
    """
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "plan-ouvert",
        "title": "Plans d'action municipaux en données ouvertes",
    }
    licences_of = {p.id: dcat.licence_of(p, licence) for p in plans}
    described = ", ".join(sorted({p.id for p in plans}))
    if plans and all(licences_of.values()):
        distinct = sorted({x for x in licences_of.values() if x})
        package["licenses"] = [_licence(x) for x in distinct]
        package["description"] = f"Données publiques des plans : {described}."
        if len(distinct) > 1:
            each = " ; ".join(f"{key} : {value}" for key, value in sorted(licences_of.items()))
            package["description"] += f" Chaque plan a sa propre licence ({each})."
    else:
        package["description"] = (
            f"Données publiques des plans : {described}. La licence des données n'est pas précisée "
            "pour tous les plans : renseignez-vous auprès de l'organisme avant de les réutiliser."
        )
    _package_facts(package, plans)
    package["description"] += (
        " Dans les fichiers CSV, un texte qui commence par =, +, -, @, une tabulation ou un retour "
        "de chariot est précédé d'une apostrophe ('), pour qu'un tableur ne le prenne pas pour une formule."
        f" La colonne « {URL.title} » donne l'adresse de la page de chaque élément sur le site du portail."
    )
    resources = []
    for table in tables.values():
        schema: dict[str, Any] = {
            "fields": [_field(c) for c in table.columns],
            "missingValues": [""],
        }
        if table.primary_key:
            schema["primaryKey"] = _titles(table, table.primary_key)
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": _titles(table, columns),
                    "reference": {"resource": other, "fields": _titles(tables[other], referenced)},
                }
                for columns, other, referenced in table.foreign_keys
            ]
        resources.append(
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": table.title,
                "path": f"csv/{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema,
            }
        )
    package["resources"] = resources
    return package
