"""Checks of a consultation file against the plans it may name.

Errors stop the build (a file for another plan, dates in the wrong order, a channel without
its address); avertissements point at responses whose element or theme the plan does not know:
they are counted with the plan as a whole until the editor fixes the reference.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from plan_ouvert.source.catalogue import display_path
from plan_ouvert.source.consultation import Consultation, LoadedConsultation, find_element, load_all
from plan_ouvert.source.findings import Finding, Severity
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.yamlsource import YamlPath


def _finding(loaded: LoadedConsultation, path: YamlPath, code: str, severity: Severity, message: str) -> Finding:
    line, column = loaded.source.locate(path) if loaded.source else (1, 1)
    display = loaded.source.display if loaded.source else str(loaded.path)
    return Finding(display, line, column, code, severity, message)


def check(loaded: LoadedConsultation, trees: Mapping[str, PlanTree]) -> list[Finding]:
    """The findings of one consultation file; `trees`: the plans of the repository, by id."""
    consultation = loaded.consultation
    if consultation is None:
        return list(loaded.findings)
    found: list[Finding] = []
    error, warning = Severity.ERREUR, Severity.AVERTISSEMENT
    if loaded.path.stem != consultation.plan:
        found.append(
            _finding(
                loaded,
                ("plan",),
                "CONS-E003",
                error,
                f"ce fichier de consultation vise le plan « {consultation.plan} » mais s'appelle "
                f"« {loaded.path.name} » : nommez-le « {consultation.plan}.yml ».",
            )
        )
    tree = trees.get(consultation.plan)
    if tree is None:
        found.append(
            _finding(
                loaded,
                ("plan",),
                "CONS-E004",
                error,
                f"aucun plan « {consultation.plan} » dans le dépôt : le fichier de consultation nomme le plan "
                "consulté par son identifiant (« id: » du plan).",
            )
        )
    if consultation.cloture < consultation.ouverture:
        found.append(
            _finding(
                loaded,
                ("cloture",),
                "CONS-E005",
                error,
                "la date de clôture précède la date d'ouverture : vérifiez « ouverture » et « cloture ».",
            )
        )
    found += _channel(loaded, consultation)
    if tree is not None and tree.plan.statut == "projet":  # adopted: references name the draft's elements
        found += _responses(loaded, consultation, tree, warning)
    return found


def _channel(loaded: LoadedConsultation, consultation: Consultation) -> list[Finding]:
    canal = consultation.canal
    if canal is None:
        return []
    missing = {"formulaire": ("adresse", "l'adresse du formulaire"), "courriel": ("courriel", "l'adresse courriel")}
    need = missing.get(canal.type)
    if need and getattr(canal, need[0]) is None:
        return [
            _finding(
                loaded,
                ("canal", "type"),
                "CONS-E006",
                Severity.ERREUR,
                f"canal « {canal.type} » sans {need[1]} : ajoutez « {need[0]}: » sous « canal ».",
            )
        ]
    return []


def _responses(
    loaded: LoadedConsultation, consultation: Consultation, tree: PlanTree, severity: Severity
) -> list[Finding]:
    found = []
    themes = {t.id for t in consultation.themes}
    for index, reponse in enumerate(consultation.reponses):
        if reponse.element and find_element(tree, reponse.element) is None:
            found.append(
                _finding(
                    loaded,
                    ("reponses", index, "element"),
                    "CONS-W001",
                    severity,
                    f"la réponse {reponse.numero} vise « {reponse.element} », qui n'est pas un élément du plan : "
                    "elle compte pour le plan dans son ensemble. Corrigez la référence (ex. « Action 1.2 ») ou "
                    "retirez-la.",
                )
            )
        for position, theme in enumerate(reponse.themes):
            if themes and theme not in themes:
                found.append(
                    _finding(
                        loaded,
                        ("reponses", index, "themes", position),
                        "CONS-W002",
                        severity,
                        f"thème « {theme} » inconnu à la réponse {reponse.numero} : ajoutez-le sous « themes » ou "
                        "corrigez-le.",
                    )
                )
    return found


def check_folders(folders: list[Path], trees: Mapping[str, PlanTree]) -> list[Finding]:
    """The findings of the consultation files of each plans folder checked (`verifier plans/`).

    A file naming a plan that exists but is not among `trees` (a plan checked alone, or one with
    errors of its own) is left out: its plan's own findings say what to fix first.
    """
    found: list[Finding] = []
    for folder in folders:
        for loaded in load_all(folder, display_path(folder)):
            named = loaded.consultation.plan if loaded.consultation else None
            if named and named not in trees and (folder / f"{named}.yml").is_file():
                continue
            found += check(loaded, trees)
    return found
