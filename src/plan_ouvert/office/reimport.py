"""Re-importing a plan already in plans/: the same plan updated, never a second one by accident.

A plan is « the same » when its kind, its organisation and its period match. Its id stays, and so
does every field the document does not carry (follow-up, links, private facts, an editor's
corrections of fields outside the table). What changes is shown with `comparer`'s French summary
before anything is written.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from plan_ouvert.office.resultat import ImportFailure, ImportReport, ImportResult
from plan_ouvert.office.word_cachees import merge
from plan_ouvert.source.echeance import fold


def _period(data: dict[str, Any]) -> str:
    annees = data.get("annees")
    if isinstance(annees, list) and annees and isinstance(annees[0], dict) and annees[0].get("debut"):
        return str(annees[0]["debut"])
    date = data.get("date_plan")
    return str(date)[:4] if date else ""


def _key(data: dict[str, Any]) -> tuple[str, str]:
    organisme = data.get("organisme")
    name = organisme.get("nom", "") if isinstance(organisme, dict) else ""
    return str(data.get("gabarit", "")), " ".join(fold(str(name)).replace("’", "'").split())


def same_plan(plans: Path, data: dict[str, Any]) -> tuple[Path, dict[str, Any]] | None:
    """The plan of plans/ for the same organisation, kind and period, if there is one."""
    key, period = _key(data), _period(data)
    found: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(plans.glob("*.yml")):
        try:
            other = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if isinstance(other, dict) and _key(other) == key and key[1]:
            found.append((path, other))
    exact = [f for f in found if _period(f[1]) == period and period]
    if exact:
        return exact[0]
    if not period and len(found) == 1:  # the document gives no period: the only plan of that kind and MRC
        return found[0]
    return None


def fused(existing: dict[str, Any], result: ImportResult) -> ImportResult:
    """The existing plan updated with what the document shows; its id and the fields it lacks kept."""
    data = merge(existing, result.data, (), ImportReport(result.report.source))
    data["id"] = existing["id"]
    result.report.guess(
        "plan existant",
        f"Le plan « {existing['id']} » (même organisme, type et période) est mis à jour : son identifiant et les "
        "champs que le document ne porte pas sont gardés.",
    )
    guessed = {path: message for path, message in result.guessed_paths.items() if path != ("id",)}
    return ImportResult(data, result.report, guessed)


def summary(existing: Path, text: str) -> str:
    """`comparer`'s French summary of the change from the plan file to the imported text."""
    from plan_ouvert.checks.catalogue import load_catalogue
    from plan_ouvert.views.diff import render

    with tempfile.TemporaryDirectory(prefix="plan-ouvert-import-") as folder:
        new = Path(folder) / existing.name
        new.write_text(text, encoding="utf-8")
        referentiels = existing.parent / "referentiels"
        shared = referentiels if referentiels.is_dir() else None
        return render(load_catalogue([existing], shared), load_catalogue([new], shared))


def refuse_second(existing: Path) -> ImportFailure:
    return ImportFailure(
        f"{existing} est déjà le plan de cet organisme pour ce type et cette période : rien n'a été écrit. "
        "Relancez avec --fusionner pour le mettre à jour (c'est le défaut), ou avec --autre-plan --id NOUVEL-ID "
        "pour écrire vraiment un second plan."
    )


def hinted(result: ImportResult) -> bool:
    """The organisation was read only in the file's hidden data, not in what the document shows."""
    return "organisme" in result.hint_only


def refuse_hinted(existing: Path) -> ImportFailure:
    return ImportFailure(
        f"{existing} a le même organisme, type et période que ce document, mais l'organisme n'est lu que dans les "
        "données cachées du fichier : rien n'a été écrit. Relancez avec --fusionner pour mettre "
        "ce plan à jour, avec --organisme pour nommer l'organisme, ou avec --autre-plan --id NOUVEL-ID."
    )
