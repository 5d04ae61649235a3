"""The hidden data part of a Plan ouvert export: a hint merged under what the document shows."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from typing import Any

from plan_ouvert.office import word
from plan_ouvert.office.resultat import (
    ImportReport,
    control_character,
    refuse_control,
)
from plan_ouvert.office.word_tableau import Options
from plan_ouvert.source.kinds import Kind
from plan_ouvert.source.model import ID_PATTERN

# --- Embedded data (a Plan ouvert export) ---------------------------------------------------------


def _embedded_data(document: word.Document, shown: str, report: ImportReport) -> dict[str, Any] | None:
    if not document.embedded:
        return None
    try:
        data = json.loads(document.embedded.decode("utf-8"))
        leaves = _leaves(data, ()) if isinstance(data, dict) else []
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    if len(leaves) > MAX_HIDDEN_VALUES:
        report.guess(
            "données cachées du fichier",
            f"plus de {MAX_HIDDEN_VALUES} valeurs, bien plus qu'un plan : ignorées ; le plan est lu du document seul.",
        )
        return None
    for path, value in leaves:
        found = control_character(value) if isinstance(value, str) else None
        if found:
            raise refuse_control(f"{shown} : données cachées du fichier, {_path_text(path) or 'plan'}", found)
    return data


# The hidden data part is a hint: a value it gives that the document does not show is listed in the
# report, and its plan-level key carries this comment in the plan file.
HIDDEN = "lu dans les données cachées du fichier, que Word ne montre pas : à vérifier"
MAX_HIDDEN_VALUES = 20_000  # a large plan's export holds a few thousand


def _with_hidden_data(
    plan: dict[str, Any],
    embedded: dict[str, Any],
    document: word.Document,
    options: Options,
    top: str,
    report: ImportReport,
) -> tuple[dict[str, Any], dict[tuple[str | int, ...], str]]:
    """The plan read from the table, completed by the hidden data part (a Plan ouvert export's).

    What the table, the document or the person importing says wins; every value only the hidden
    part gives is reported (and its plan-level key marked); an existing plan's id is not taken.
    """
    visible = copy.deepcopy(plan)
    # The partners were matched against the hidden registry: only their names are in the table.
    visible["partenaires"] = [
        {k: v for k, v in p.items() if k in ("id", "nom", "sigle")} for p in visible.get("partenaires", [])
    ]
    plan = _merge_embedded(embedded, plan, top, report)
    read = ImportReport(report.source)
    seen = _organisme(document, options, read)
    hidden_org = plan["organisme"] if isinstance(plan.get("organisme"), dict) else {}
    hidden_name = hidden_org.get("nom")
    as_exported = f"{hidden_name} ({hidden_org['delegataire']})" if hidden_org.get("delegataire") else hidden_name
    if seen and seen not in (hidden_name, as_exported):
        plan["organisme"] = visible["organisme"] = {"nom": seen}
        report.devinettes += read.devinettes
        if hidden_name:
            report.guess(
                "organisme",
                f"Organisme du document : « {seen} » ; les données cachées du fichier en nommaient un autre.",
                _short(hidden_name),
            )
    if options.plan_id:
        plan["id"] = visible["id"] = options.plan_id
    _hidden_plan_id(plan, options, report)
    return plan, _hidden_readings(plan, visible, document, top, report)


def _leaves(value: Any, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [(path, value)]


def _at(data: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        if isinstance(data, dict) and isinstance(step, str) and step in data:
            data = data[step]
        elif isinstance(data, list) and isinstance(step, int) and step < len(data):
            data = data[step]
        else:
            return _MISSING
    return data


_MISSING = object()


def _visible_text(document: word.Document) -> str:
    texts = [*document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return " ".join(" ".join(texts).split()).replace("’", "'").casefold()


def _hidden_readings(
    plan: dict[str, Any], visible: dict[str, Any], document: word.Document, top: str, report: ImportReport
) -> dict[tuple[str | int, ...], str]:
    """Every value the hidden data part gives that the document does not show, in the report.

    Word does not show a file's custom XML parts: a document can carry there another plan's id,
    a contact or a licence that nobody reading it would see. A value is shown when the table's
    reading gave it too, or when its text appears in the document; every other one is a reading
    to check, grouped by the record that holds it. Returns the plan-level keys to comment.
    """
    text = _visible_text(document)
    by_record: dict[tuple[str | int, ...], list[tuple[str | int, Any]]] = {}
    for path, value in _leaves(plan, ()):
        if path in (("gabarit",), ("source",)) or _same(_at(visible, path), value):
            continue
        if isinstance(value, int | float) and not isinstance(value, bool):
            value_text = str(int(value)) if float(value).is_integer() else str(value)
            if value_text in text:
                continue
        shown = " ".join(str(value).split()).replace("’", "'").casefold()
        if isinstance(value, str) and len(shown) >= 3 and shown in text:
            continue
        by_record.setdefault(path[:-1], []).append((path[-1], value))
    marked: dict[tuple[str | int, ...], str] = {}
    for record, values in by_record.items():
        report.guess(
            f"données cachées du fichier, {_path_text(record) or 'plan'}",
            "valeurs lues dans une partie cachée du fichier, que Word ne montre pas : vérifiez-les avant de publier.",
            " ; ".join(f"{key} : {_short(value)}" for key, value in values),
        )
        for key, _ in values:
            first = record[0] if record else key
            if first != top:
                marked[(first,)] = HIDDEN
    return marked


def _hidden_plan_id(plan: dict[str, Any], options: Options, report: ImportReport) -> None:
    """An id from the hidden part that names an existing plan is never taken without --id."""
    plan_id = plan.get("id")
    if options.plan_id or plan_id is None:
        return
    if not isinstance(plan_id, str) or not re.match(ID_PATTERN, plan_id):
        del plan["id"]
        report.guess("identifiant du plan", "Identifiant invalide dans les données cachées du fichier : ignoré.")
        return
    existing = options.referentiels.parent / f"{plan_id}.yml" if options.referentiels else None
    if existing is not None and existing.is_file():
        del plan["id"]
        report.guess(
            "identifiant du plan",
            f"Les données cachées du fichier donnent l'identifiant d'un plan existant ({existing}) : il n'est "
            f"pas repris. Si ce document est bien ce plan, relancez avec --id {plan_id} --remplacer.",
            plan_id,
        )


def _rows_by_id(data: dict[str, Any], kind: Kind, rangee: str) -> dict[str, dict[str, Any]]:
    niveaux = kind.spec.niveaux
    target = kind.spec.depth(rangee)
    out: dict[str, dict[str, Any]] = {}

    def walk(items: Any, depth: int) -> None:
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            if depth == target:
                out[str(item.get("id"))] = item
            elif depth + 1 < len(niveaux):
                walk(item.get(niveaux[depth + 1].cle), depth + 1)

    walk(data.get(niveaux[0].cle), 0)
    return out


def _referenced(data: Any, registry_key: str = "partenaires") -> set[str]:
    """Every id a plan's data names in a list (porteurs, collaborateurs…), its registry aside."""
    found: set[str] = set()

    def walk(value: Any, key: str | None) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k != registry_key or key is not None:
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, str):
                    found.add(v)
                else:
                    walk(v, key)

    walk(data, None)
    return found


def _merge_embedded(
    embedded: dict[str, Any], visible: dict[str, Any], top: str, report: ImportReport
) -> dict[str, Any]:
    """The embedded data, with what the table shows taking precedence (and every change reported)."""
    merged = dict(embedded)
    for key in (top, "date_plan", "mises_a_jour", "notes"):
        if key not in visible:
            continue
        if key in embedded:
            merged[key] = merge(embedded[key], visible[key], (key,), report)
        else:
            merged[key] = visible[key]
    if "partenaires" in visible:
        # The embedded registry plus the names the table adds; a name the exported plan already
        # used without a registry entry stays without one.
        known = {p.get("id") for p in embedded.get("partenaires", [])}
        used = _referenced(embedded)
        added = [p for p in visible["partenaires"] if p["id"] not in known and p["id"] not in used]
        merged["partenaires"] = [*embedded.get("partenaires", []), *added]
        if not merged["partenaires"]:
            del merged["partenaires"]
    return merged


def merge(base: Any, shown: Any, path: tuple[str | int, ...], report: ImportReport) -> Any:
    if isinstance(base, dict) and isinstance(shown, dict):
        out = dict(base)
        for key, value in shown.items():
            if key == "id" and key in base:
                continue  # an id is not in the table (the import numbers what it reads): the data's stays
            out[key] = (
                merge(base[key], value, (*path, key), report)
                if key in base
                else _changed(None, value, (*path, key), report)
            )
        return out
    if isinstance(base, list) and isinstance(shown, list):
        if len(base) == len(shown):
            return [merge(b, s, (*path, i), report) for i, (b, s) in enumerate(zip(base, shown, strict=True))]
        by_id = {b.get("id"): b for b in base if isinstance(b, dict) and b.get("id") is not None}
        if by_id and all(isinstance(s, dict) and s.get("id") is not None for s in shown):
            # Elements added or removed in Word: the others keep what only the data carried.
            added = [str(s["id"]) for s in shown if s["id"] not in by_id]
            removed = [str(k) for k in by_id if k not in {s["id"] for s in shown}]
            report.guess(
                _path_text(path),
                "modifié dans le document Word : "
                + " ; ".join(
                    part
                    for part in (
                        f"ajouté(s) : {', '.join(added)}" if added else "",
                        f"retiré(s) : {', '.join(removed)}" if removed else "",
                    )
                    if part
                ),
            )
            return [
                merge(by_id[s["id"]], s, (*path, i), report) if s["id"] in by_id else s for i, s in enumerate(shown)
            ]
        report.guess(
            _path_text(path),
            f"{len(base)} éléments dans les données du fichier, {len(shown)} dans le tableau : "
            "ceux du tableau sont retenus.",
        )
        return shown
    if _same(base, shown):
        return base
    return _changed(base, shown, path, report)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dt.date) or isinstance(b, dt.date):
        return str(a) == str(b)
    return bool(a == b)


def _changed(before: Any, after: Any, path: tuple[str | int, ...], report: ImportReport) -> Any:
    report.guess(_path_text(path), "modifié dans le document Word", _short(after))
    return after


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 300 else text[:297] + "…"


def _path_text(path: tuple[str | int, ...]) -> str:
    return " > ".join(str(p + 1) if isinstance(p, int) else p for p in path)


def _organisme(document: word.Document, options: Options, report: ImportReport) -> str | None:
    if options.organisme:
        return options.organisme
    for text in document.paragraphs[:40]:
        if re.match(r"^(MRC|Municipalité régionale de comté|Ville|Municipalité)\b", text) and len(text) <= 80:
            report.guess("paragraphes au-dessus du tableau", f"Organisme lu dans le document : « {text} ».", text)
            return text
    return None
