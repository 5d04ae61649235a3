"""Write an imported plan as a YAML file a person edits next, and its import report in Markdown.

Every text is quoted, so that French typography (« : », « # », apostrophes, « 1er ») never turns
into YAML syntax; a `# deviné : …` comment sits above each value the importer guessed.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from plan_ouvert.office.resultat import ImportReport, ImportResult

SCHEMA_LINE = "# yaml-language-server: $schema=../docs/schema/plan.schema.json\n"
Path_ = tuple[str | int, ...]


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) and not value.is_integer() else str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return "null"
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(str(value), ensure_ascii=False)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


class _Emitter:
    def __init__(self, comments: dict[Path_, str]) -> None:
        self.out: list[str] = []
        self.comments = comments

    def comment(self, path: Path_, indent: int) -> None:
        if path in self.comments:
            self.out.append(f"{' ' * indent}# deviné : {' '.join(self.comments[path].split())}")

    def mapping(self, data: dict[str, Any], indent: int, path: Path_, first_prefix: str | None = None) -> None:
        for i, (key, value) in enumerate(data.items()):
            prefix = first_prefix if (i == 0 and first_prefix is not None) else " " * indent
            here = (*path, key)
            if i > 0 or first_prefix is None:
                self.comment(here, indent)
            self.entry(prefix, key, value, indent, here)

    def entry(self, prefix: str, key: str, value: Any, indent: int, path: Path_) -> None:
        if _is_scalar(value):
            self.out.append(f"{prefix}{key}: {scalar(value)}")
        elif isinstance(value, list) and not value:
            self.out.append(f"{prefix}{key}: []")
        elif isinstance(value, dict) and not value:
            self.out.append(f"{prefix}{key}: {{}}")
        elif isinstance(value, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            self.out.append(f"{prefix}{key}: [{', '.join(scalar(v) for v in value)}]")
        elif isinstance(value, list):
            self.out.append(f"{prefix}{key}:")
            self.sequence(value, indent + 2, path)
        else:
            self.out.append(f"{prefix}{key}:")
            self.mapping(value, indent + 2, path)

    def sequence(self, items: list[Any], indent: int, path: Path_) -> None:
        for i, item in enumerate(items):
            here = (*path, i)
            self.comment(here, indent)
            if _is_scalar(item):
                self.out.append(f"{' ' * indent}- {scalar(item)}")
            elif isinstance(item, dict) and item:
                first_key = next(iter(item))
                self.comment((*here, first_key), indent)
                self.mapping(item, indent + 2, here, first_prefix=f"{' ' * indent}- ")
            elif isinstance(item, list) and item:
                self.out.append(f"{' ' * indent}-")
                self.sequence(item, indent + 2, here)
            else:
                self.out.append(f"{' ' * indent}- {'[]' if isinstance(item, list) else '{}'}")


def to_yaml(result: ImportResult, header: str = "") -> str:
    emitter = _Emitter(result.guessed_paths)
    emitter.mapping(result.data, 0, ())
    return SCHEMA_LINE + header + "\n".join(emitter.out) + "\n"


def _line(ou: str, message: str, texte: str | None) -> str:
    quoted = ""
    if texte:
        one = " / ".join(" ".join(line.split()) for line in texte.splitlines() if line.strip())
        quoted = f" — « {one if len(one) <= 400 else one[:397] + '…'} »"
    return f"- **{ou}** : {message}{quoted}"


def report_markdown(report: ImportReport, plan_path: str, kind_name: str) -> str:
    """The French import report: what was guessed, what could not be placed, and what to do next."""
    out = [
        f"# Rapport d'import : {report.source}",
        "",
        f"Plan écrit : `{plan_path}` (type : {kind_name}).",
        "",
        "Relisez le plan écrit avec ce rapport, corrigez ce qui doit l'être, puis lancez "
        f"`plan-ouvert verifier {plan_path}`.",
        "",
        f"## Lectures à vérifier ({len(report.devinettes)})",
        "",
    ]
    if report.devinettes:
        out.append("L'import a dû choisir une lecture du document ; vérifiez chacune.")
        out.append("")
        out += [_line(n.ou, n.message, n.texte) for n in report.devinettes]
    else:
        out.append("Aucune : chaque texte a trouvé sa place sans interprétation.")
    out += ["", f"## Textes non placés ({len(report.non_places)})", ""]
    if report.non_places:
        out.append(
            "Ces textes ne sont dans aucun champ publié du plan. Ceux du tableau du plan sont aussi gardés à la fin "
            "du fichier du plan : sous `prive` > `a_verifier` (jamais publiée) pour un document Word, dans `notes` "
            "pour un classeur. Replacez chacun dans le bon champ, puis retirez-le de cette liste."
        )
        out.append("")
        out += [_line(n.ou, n.message, n.texte) for n in report.non_places]
    else:
        out.append("Aucun : chaque mot du document se retrouve dans le plan (vérifié mot à mot).")
    if report.commentaires:
        out += ["", f"## Commentaires du document ({len(report.commentaires)})", ""]
        out.append("Les commentaires ne sont jamais importés dans le plan ; lisez-les avant de le publier.")
        out.append("")
        out += [_line(n.ou, n.message, n.texte) for n in report.commentaires]
    return "\n".join(out) + "\n"
