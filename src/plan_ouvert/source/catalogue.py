"""A set of plan files with their kinds and référentiels, loaded together.

Loading runs in three steps: the plan kinds (built in, then plans/types/), the référentiels
(plans/referentiels/), then each plan, validated by its kind's model and turned into its
element tree. The findings here are those of reading; the checks (checks/catalogue.py) add
theirs to a loaded catalogue.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from plan_ouvert.source.findings import Finding, Severity, shown, sort_findings
from plan_ouvert.source.kinds import Kind, Kinds, TypePlan
from plan_ouvert.source.load import file_problem, load_file, plan_files
from plan_ouvert.source.model import AnyPlan, Referentiel
from plan_ouvert.source.tree import PlanTree, build_tree
from plan_ouvert.source.yamlsource import Source, link_finding

REFERENTIELS_DIR = "referentiels"
TYPES_DIR = "types"


@dataclass
class Entry:
    """A valid plan, with the file it came from (for locations and the edit link)."""

    plan: AnyPlan
    source: Source
    referentiel: Referentiel | None
    kind: Kind
    tree: PlanTree


@dataclass
class Catalogue:
    entries: list[Entry] = field(default_factory=list)
    referentiels: dict[str, Referentiel] = field(default_factory=dict)
    kinds: Kinds = field(default_factory=Kinds.builtin)
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
        return [f for f in self.findings if f.severity.blocks_publication]


# Control characters of a file name that no output escapes by itself: line breaks are (JSON,
# GitHub's %0A, one line per finding), so that a GitHub annotation still names the very file.
_NAME_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def display_path(path: Path) -> str:
    """The path as messages show it: a file name holding a control character (ESC, BEL) shows
    its code point, in the terminal, the GitHub log and the review summary alike."""
    try:
        text = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        text = str(path)
    return _NAME_CONTROL.sub(lambda m: shown(m.group()), text)


def _data_dir(path: Path, name: str = REFERENTIELS_DIR) -> Path | None:
    """The nearest `referentiels/` (or `types/`) folder beside the input or above it."""
    start = path if path.is_dir() else path.parent
    for folder in (start, *start.parents):
        candidate = folder / name
        if candidate.is_dir() or candidate.is_symlink():
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
        found = _data_dir(path)
        if found and found not in ref_dirs:
            ref_dirs.append(found)
    return plans, ref_dirs, problems


def _data_files(catalogue: Catalogue, folder: Path, kind: str) -> list[TypePlan | Referentiel]:
    """Every valid kind or référentiel file of a folder; the others leave their findings."""
    if folder.is_symlink():
        catalogue.findings.append(link_finding(display_path(folder)))
        catalogue.unreadable = True
        return []
    found = []
    for path in plan_files(folder):
        display = display_path(path)
        loaded = file_problem(path, display) or load_file(path, kind, display)
        catalogue.findings.extend(loaded.findings)
        catalogue.unreadable |= loaded.unreadable
        if isinstance(loaded.record, (TypePlan, Referentiel)):
            found.append(loaded.record)
    return found


def _load_kinds(catalogue: Catalogue, types: Path) -> None:
    """Kinds written as data in plans/types/ join the built-in ones (and may replace one)."""
    if not (types.is_dir() or types.is_symlink()):
        return
    for spec in _data_files(catalogue, types, "type"):
        if isinstance(spec, TypePlan):
            catalogue.kinds.add(spec, display_path(types / f"{spec.id}.yml"))


def load_kinds(plans_dir: Path) -> Catalogue:
    """Only the kinds of a plans folder (built in and plans/types/), with the findings of their files."""
    catalogue = Catalogue()
    _load_kinds(catalogue, plans_dir / TYPES_DIR)
    return catalogue


def read_catalogue(paths: list[Path], referentiels_dir: Path | None = None) -> Catalogue:
    """Load and validate every plan under `paths`, unchecked; never raises for bad content."""
    plan_paths, ref_dirs, problems = _inputs(paths)
    catalogue = Catalogue(findings=problems, unreadable=bool(problems))
    data_dirs = [referentiels_dir] if referentiels_dir else ref_dirs
    for folder in data_dirs:
        _load_kinds(catalogue, folder.parent / TYPES_DIR)
    for folder in data_dirs:
        for record in _data_files(catalogue, folder, "referentiel"):
            if isinstance(record, Referentiel):
                catalogue.referentiels.setdefault(record.id, record)
    seen: dict[str, Source] = {}
    for path in plan_paths:
        display = display_path(path)
        loaded = file_problem(path, display) or load_file(path, "plan", display, catalogue.kinds)
        catalogue.findings.extend(loaded.findings)
        catalogue.unreadable |= loaded.unreadable
        if not isinstance(loaded.record, AnyPlan) or loaded.source is None:
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
        referentiel = _referentiel(catalogue, plan, source)
        kind = catalogue.kinds.of(plan)
        tree = build_tree(plan, kind, referentiel)
        catalogue.entries.append(Entry(plan, source, referentiel, kind, tree))
    catalogue.findings = sort_findings(catalogue.findings)
    return catalogue


def _referentiel(catalogue: Catalogue, plan: AnyPlan, source: Source) -> Referentiel | None:
    """The référentiel the plan names; a finding when it names one that is not there."""
    if plan.programme is None:
        return None
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
    return referentiel
