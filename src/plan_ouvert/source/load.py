"""From YAML files to validated model objects, with French findings for what does not fit."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from plan_ouvert.source.findings import Finding, Severity
from plan_ouvert.source.kinds import Kinds, Niveau, TypePlan
from plan_ouvert.source.model import AnyPlan, Record, Referentiel
from plan_ouvert.source.yamlsource import ReadError, Source, YamlPath, link_finding, read_yaml


@dataclass
class Loaded:
    """The outcome of loading one file: a record, or the findings that prevented it."""

    source: Source | None
    record: AnyPlan | Referentiel | TypePlan | None = None
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False


# --- pydantic errors in French --------------------------------------------------------------

_EXPECTED = {
    "string_type": "un texte",
    "list_type": "une liste (éléments commençant par « - »)",
    "int_type": "un nombre entier",
    "int_parsing": "un nombre entier",
    "int_from_float": "un nombre entier",
    "float_type": "un nombre",
    "float_parsing": "un nombre",
    "bool_type": "true ou false",
    "bool_parsing": "true ou false",
    "date_type": "une date AAAA-MM-JJ",
    "date_parsing": "une date AAAA-MM-JJ",
    "date_from_datetime_parsing": "une date AAAA-MM-JJ",
    "date_from_datetime_inexact": "une date AAAA-MM-JJ sans heure",
    "dict_type": "des clés et valeurs (« cle: valeur »)",
    "model_type": "des clés et valeurs (« cle: valeur »)",
    "model_attributes_type": "des clés et valeurs (« cle: valeur »)",
}


def _describe_input(value: Any) -> str:
    """What kind of value was found, never the value itself.

    Messages reach terminals, GitHub annotations and public pull-request comments: a value
    could be private (text under `prive:`) or the content of a file that is not a plan, so
    schema messages name the field and the kind of value, and the line shows the rest.
    """
    if value is None:
        return "rien"
    if isinstance(value, bool):
        return "true ou false"
    if isinstance(value, dict):
        return "des clés et valeurs"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, int | float):
        return "un nombre"
    if isinstance(value, dt.date):
        return "une date"
    return "un texte"


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    """The record class reachable from a field annotation (through Optional, list, Annotated)."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if origin is typing.Annotated:
        return _unwrap_model(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _unwrap_model(arg)
            if found:
                return found
    return None


def _model_at(root: type[BaseModel] | None, path: YamlPath) -> type[BaseModel] | None:
    current = root
    for part in path:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part)
        current = _unwrap_model(info.annotation) if info else None
    return current


def _data_path(data: Any, loc: tuple[Any, ...], missing: bool) -> YamlPath:
    """Keep the parts of a pydantic `loc` that index the data (drop union member names)."""
    path: list[str | int] = []
    current = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            path.append(part)
        elif missing and last and isinstance(part, str):
            path.append(part)
    return tuple(path)


# Lists of records outside the plan's levels, named as a person would before a number.
_ITEMS = {
    "indicateurs": "indicateur",
    "cibles": "cible",
    "allocations": "allocation",
    "financement": "source de financement",
    "partenaires": "partenaire",
    "ressources": "ressource",
    "mises_a_jour": "mise à jour",
    "annees": "année",
    "adoptions": "adoption",
}


def _lower_first(word: str) -> str:
    return word[:1].lower() + word[1:]


def place(path: YamlPath, niveaux: list[Niveau] | None = None) -> str:
    """Where a value is, in the words of the plan: « enjeu 2, action 1, « texte » ».

    Numbers are 1-based positions in the file, not ids: an id may be the very value in error,
    and the position is what an editor counts down the file. A level is named by the plan's
    kind (« moyen d'action »); a few record lists have their own word; any other list says
    « élément N de « clé » ». Keys keep their YAML spelling, to be found in the file.
    """
    levels = list(niveaux or [])
    words: list[str] = []
    index = 0
    while index < len(path):
        part = path[index]
        following = path[index + 1] if index + 1 < len(path) else None
        if isinstance(part, str) and isinstance(following, int):
            if levels and levels[0].cle == part:
                words.append(f"{_lower_first(levels.pop(0).singulier)} {following + 1}")
            elif part in _ITEMS:
                words.append(f"{_ITEMS[part]} {following + 1}")
            else:
                words.append(f"élément {following + 1} de « {part} »")
            index += 2
            continue
        if isinstance(part, int):
            words.append(f"élément {part + 1}")
        elif words and words[-1].startswith("« ") and index > 0 and isinstance(path[index - 1], str):
            words[-1] = f"{words[-1][:-2]}.{part} »"  # nested keys read as one: « contact.courriel »
        else:
            words.append(f"« {part} »")
        index += 1
    return ", ".join(words)


def _schema_findings(
    source: Source, exc: ValidationError, root: type[BaseModel] | None, niveaux: list[Niveau] | None = None
) -> list[Finding]:
    # Union types report one error per member for the same value: gather them by path.
    grouped: dict[YamlPath, list[Any]] = {}
    for error in exc.errors(include_url=False):
        path = _data_path(source.data, tuple(error["loc"]), error["type"] == "missing")
        grouped.setdefault(path, []).append(error)
    findings = []
    for path, errors in grouped.items():
        code, message = _french(path, errors, root, niveaux)
        line, column = source.locate(path)
        findings.append(Finding(source.display, line, column, code, Severity.ERREUR, message))
    return findings


def _fix_for(expected: list[str], received: Any) -> str:
    """How to fix a type error, in one sentence the editor can act on."""
    if "un texte" in expected:
        return ' Mettez le texte entre guillemets (ex. texte: "…").'
    if "un nombre" in expected or "un nombre entier" in expected:
        return " Écrivez seulement le nombre (ex. 12), sans unité ni espace ; le texte va dans une autre clé."
    if "une date AAAA-MM-JJ" in expected:
        return " Écrivez la date sous la forme AAAA-MM-JJ (ex. 2025-03-31), sans guillemets."
    if expected and expected[0].startswith("une liste"):
        return " Mettez chaque élément sur sa ligne, après « - »."
    return ""


def _french(
    path: YamlPath, errors: list[Any], root: type[BaseModel] | None, niveaux: list[Niveau] | None
) -> tuple[str, str]:
    where = place(path, niveaux) if path else "le fichier"
    error = errors[0]
    kind = error["type"]
    name = str(path[-1]) if path else ""
    if kind == "missing":
        parent = place(path[:-1], niveaux)
        if not parent:
            return "SCHEMA-E001", f"clé obligatoire « {name} » manquante : ajoutez-la avec les autres clés du plan."
        return "SCHEMA-E001", f"clé obligatoire « {name} » manquante en {parent} : ajoutez-la."
    if kind == "extra_forbidden":
        model = _model_at(root, path[:-1])
        allowed = sorted(model.model_fields) if model else []
        hint = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        suggestion = f" Vouliez-vous dire « {hint[0]} » ?" if hint else ""
        listed = f" Clés permises : {', '.join(allowed)}." if allowed and not hint else ""
        shown = name if len(name) <= 40 else f"{name[:40]}…"
        parent = place(path[:-1], niveaux)
        at = f" en {parent}" if parent else ""
        return "SCHEMA-E002", f"clé inconnue « {shown} »{at}.{suggestion}{listed}"
    if kind == "string_pattern_mismatch" and "https" in str(error.get("ctx", {}).get("pattern", "")):
        return "SCHEMA-E011", (
            f"adresse Web invalide en {where} : elle doit commencer par "
            "https:// (ou http://) et ne contenir ni espace ni guillemet."
        )
    if kind == "string_pattern_mismatch" and "@" in str(error.get("ctx", {}).get("pattern", "")):
        return "SCHEMA-E012", (
            f"adresse courriel invalide en {where} : une seule adresse de la forme nom@domaine.qc.ca, "
            "sans « mailto: », « ? », espace ni virgule."
        )
    if kind == "string_pattern_mismatch":
        return "SCHEMA-E004", (
            f"identifiant invalide en {where} : seulement des "
            "minuscules sans accents, des chiffres et des traits d'union (ex. « 1-1 », « cjee »)."
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return "SCHEMA-E005", (f"valeur non permise en {where} : attendu {expected.replace(' or ', ' ou ')}.")
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        ctx = error.get("ctx", {})
        bound = ", ".join(f"{'au moins' if k.startswith('g') else 'au plus'} {v}" for k, v in ctx.items())
        return "SCHEMA-E006", f"nombre hors limites en {where} : {bound}."
    if kind == "finite_number":
        return "SCHEMA-E006", (
            f"nombre infini ou indéterminé (.inf, .nan) ou trop grand (plus de 308 chiffres) en {where} : "
            "écrivez un nombre ordinaire, ou retirez la clé."
        )
    if kind in ("string_too_long", "too_long"):
        limit = error.get("ctx", {}).get("max_length")
        what = "texte" if kind == "string_too_long" else "liste"
        return "SCHEMA-E007", f"{what} trop long en {where} : {limit} au plus."
    expected = []
    for err in errors:
        label = _EXPECTED.get(err["type"])
        if label and label not in expected:
            expected.append(label)
    if expected:
        return "SCHEMA-E008", (
            f"type inattendu en {where} : attendu {' ou '.join(expected)}, reçu {_describe_input(error['input'])}."
            + _fix_for(expected, error["input"])
        )
    return "SCHEMA-E009", f"valeur invalide en {where} ({_describe_input(error['input'])})."


# --- Records keep their path -----------------------------------------------------------------


def assign_paths(record: BaseModel, path: YamlPath = ()) -> None:
    if isinstance(record, Record):
        record._path = path
    for name in type(record).model_fields:
        value = getattr(record, name)
        if isinstance(value, BaseModel):
            assign_paths(value, (*path, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    assign_paths(item, (*path, name, index))


def _finding(source: Source, path: YamlPath, code: str, message: str) -> Loaded:
    line, column = source.locate(path)
    return Loaded(source, findings=[Finding(source.display, line, column, code, Severity.ERREUR, message)])


_WHAT = {"plan": "un plan", "referentiel": "un référentiel", "type": "un type de plan"}


def _plan_model(source: Source, data: dict[str, Any], kinds: Kinds) -> type[BaseModel] | Loaded:
    """The generated class of the plan's kind, or the finding that says why there is none."""
    gabarit = data.get("gabarit")
    known = ", ".join(sorted(k.id for k in kinds)) or "aucun"
    if gabarit is None:
        return _finding(
            source, (), "SCHEMA-E003", f"clé « gabarit » manquante : elle nomme le type du plan (connus : {known})."
        )
    kind = kinds.get(gabarit) if isinstance(gabarit, str) else None
    if kind is None:
        return _finding(
            source,
            ("gabarit",),
            "SCHEMA-E003",
            f"type de plan inconnu en « gabarit » (connus : {known}) ; un nouveau type s'écrit dans "
            "plans/types/ (voir « Types de plans » dans le guide).",
        )
    return kind.model


def _validate(source: Source, kind: str, kinds: Kinds | None = None) -> Loaded:
    data = source.data
    if not isinstance(data, dict):
        return _finding(
            source,
            (),
            "SCHEMA-E010",
            f"{_WHAT[kind]} commence par des clés (« id: … ») et non par {_describe_input(data)}.",
        )
    root: type[BaseModel]
    niveaux: list[Niveau] | None = None
    if kind == "referentiel":
        root = Referentiel
    elif kind == "type":
        root = TypePlan
    else:
        known = kinds or Kinds.builtin()
        found = _plan_model(source, data, known)
        if isinstance(found, Loaded):
            return found
        root = found
        niveaux = known.get(data["gabarit"]).spec.niveaux  # type: ignore[union-attr]
    try:
        record = root.model_validate(data)
    except ValidationError as exc:
        return Loaded(source, findings=_schema_findings(source, exc, root, niveaux))
    except ValueError as exc:  # a kind whose levels cannot make a model (a reserved key)
        return _finding(source, (), "SCHEMA-E009", f"type de plan incohérent : {exc}")
    if isinstance(record, TypePlan):
        try:
            Kinds().add(record, source.display)
        except ValueError as exc:
            return _finding(source, (), "SCHEMA-E009", f"type de plan incohérent : {exc}")
    assign_paths(record)
    # The validated record holds the same content: keep only the positions (for findings).
    source.data = None
    return Loaded(source, record=record)  # type: ignore[arg-type]


def load_file(path: Path, kind: str = "plan", display: str | None = None, kinds: Kinds | None = None) -> Loaded:
    """Load a plan (or référentiel, or plan kind) file; never raises for bad content."""
    try:
        source = read_yaml(path, display)
    except ReadError as exc:
        return Loaded(None, findings=exc.findings, unreadable=exc.unreadable)
    return _validate(source, kind, kinds)


# File names become part of edit links and messages: the same alphabet as ids.
FILE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.ya?ml")


def plan_files(folder: Path) -> list[Path]:
    """The YAML files of a folder, links and badly named ones included (`file_problem` refuses
    them with a finding), hidden files (editor locks, « .#plan.yml ») left out."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.suffix.lower() in (".yml", ".yaml") and not p.name.startswith(".") and (p.is_symlink() or p.is_file())
    )


def file_problem(path: Path, display: str) -> Loaded | None:
    """Why a file given or found must not be read: a symbolic link, or a name outside
    « [a-z0-9-]+.yml »; None when it may be read. Nothing of the file is read here."""
    if path.is_symlink():
        return Loaded(None, findings=[link_finding(display)], unreadable=True)
    if not FILE_NAME.fullmatch(path.name):
        message = (
            "nom de fichier refusé : seulement des minuscules sans accents, des chiffres et des traits "
            "d'union, terminé par « .yml » (ex. « mrc-exemple-piar-2025.yml ») ; renommez le fichier."
        )
        return Loaded(None, findings=[Finding(display, 1, 1, "YAML-E015", Severity.ERREUR, message)])
    return None
