"""A set of plan files with their référentiels, loaded and checked together."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, Severity, sort_findings
from .load import file_problem, load_file, plan_files
from .model import AnyPlan, Referentiel
from .rules import check_plan
from .yamlsource import Source, link_finding

REFERENTIELS_DIR = "referentiels"


@dataclass
class Entry:
    """A valid plan, with the file it came from (for locations and the edit link)."""

    plan: AnyPlan
    source: Source
    referentiel: Referentiel | None


@dataclass
class Catalogue:
    entries: list[Entry] = field(default_factory=list)
    referentiels: dict[str, Referentiel] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    unreadable: bool = False  # some input could not be read at all (CLI exit code 2)
    _index: dict[str, Entry] = field(default_factory=dict, repr=False)

    @property
    def plans(self) -> list[AnyPlan]:
        return [e.plan for e in self.entries]

    def entry(self, plan_id: str) -> Entry:
        # Called for every page rendered: an index, not a scan, keeps builds linear.
        if len(self._index) != len(self.entries):
            self._index = {e.plan.id: e for e in self.entries}
        return self._index[plan_id]

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERREUR]


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def _referentiels_dir(path: Path) -> Path | None:
    """The nearest `referentiels/` folder beside the input or above it."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        candidate = folder / REFERENTIELS_DIR
        if candidate.is_dir():
            return candidate
    return None


def _inputs(paths: list[Path]) -> tuple[list[Path], list[Path], list[Finding]]:
    plans: list[Path] = []
    ref_dirs: list[Path] = []
    problems: list[Finding] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            plans.extend(plan_files(path))
        elif path.is_file() or path.is_symlink():
            plans.append(path)  # a link is refused when loaded, with its name
        else:
            problems.append(
                Finding(display_path(path), 1, 1, "YAML-E011", Severity.ERREUR, "fichier ou dossier introuvable.")
            )
            continue
        found = _referentiels_dir(path)
        if found and found not in ref_dirs:
            ref_dirs.append(found)
    return plans, ref_dirs, problems


def load_catalogue(paths: list[Path], referentiels_dir: Path | None = None) -> Catalogue:
    """Load, validate and check every plan under `paths`; never raises for bad content."""
    plan_paths, ref_dirs, problems = _inputs(paths)
    catalogue = Catalogue(findings=problems, unreadable=bool(problems))
    for folder in [referentiels_dir] if referentiels_dir else ref_dirs:
        if folder.is_symlink():
            catalogue.findings.append(link_finding(display_path(folder)))
            catalogue.unreadable = True
            continue
        for path in plan_files(folder):
            display = display_path(path)
            loaded = file_problem(path, display) or load_file(path, "referentiel", display)
            catalogue.findings.extend(loaded.findings)
            catalogue.unreadable |= loaded.unreadable
            if isinstance(loaded.record, Referentiel):
                catalogue.referentiels.setdefault(loaded.record.id, loaded.record)
    seen: dict[str, Source] = {}
    for path in plan_paths:
        display = display_path(path)
        loaded = file_problem(path, display) or load_file(path, "plan", display)
        catalogue.findings.extend(loaded.findings)
        catalogue.unreadable |= loaded.unreadable
        if loaded.record is None or isinstance(loaded.record, Referentiel) or loaded.source is None:
            continue
        plan, source = loaded.record, loaded.source
        line, column = source.locate(("id",))
        if plan.id in seen:
            catalogue.findings.append(
                Finding(
                    source.display,
                    line,
                    column,
                    "COM-E006",
                    Severity.ERREUR,
                    f"plan « {plan.id} » déjà défini dans {seen[plan.id].display} : chaque plan a son propre "
                    "identifiant (il fait l'adresse de ses pages).",
                    plan=plan.id,
                )
            )
            continue
        seen[plan.id] = source
        if path.stem != plan.id:
            catalogue.findings.append(
                Finding(
                    source.display,
                    line,
                    column,
                    "COM-W001",
                    Severity.AVERTISSEMENT,
                    f"le fichier s'appelle « {path.name} » mais le plan a l'identifiant « {plan.id} » : "
                    f"renommez le fichier « {plan.id}{path.suffix} » pour qu'on le retrouve.",
                    plan=plan.id,
                )
            )
        referentiel = catalogue.referentiels.get(plan.programme)
        if referentiel is None:
            line, column = source.locate(("programme",))
            known = ", ".join(sorted(catalogue.referentiels)) or "aucun référentiel trouvé"
            catalogue.findings.append(
                Finding(
                    source.display,
                    line,
                    column,
                    "COM-E005",
                    Severity.ERREUR,
                    f"programme « {plan.programme} » inconnu : il faut son référentiel dans "
                    f"plans/{REFERENTIELS_DIR}/ (connus : {known}).",
                    plan=plan.id,
                )
            )
        catalogue.findings.extend(check_plan(plan, referentiel, source))
        catalogue.entries.append(Entry(plan, source, referentiel))
    catalogue.findings = sort_findings(catalogue.findings)
    return catalogue
