"""A plan's version history: its declared updates, and the git commits of its YAML file."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .model import AnyPlan


@dataclass(frozen=True)
class Version:
    date: dt.date
    resume: str
    source: str  # « mise à jour » (declared in the plan) or « modification » (git)
    commit: str | None = None
    resolution: str | None = None


def git_log(path: Path) -> list[Version]:
    """Commits that touched `path`, newest first; empty outside a git repository."""
    try:
        result = subprocess.run(
            ["git", "log", "--follow", "--format=%H%x1f%as%x1f%s", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if result.returncode != 0:
        return []
    versions = []
    for line in result.stdout.splitlines():
        sha, day, subject = line.split("\x1f", 2)
        versions.append(Version(dt.date.fromisoformat(day), subject, "modification", sha))
    return versions


def history(plan: AnyPlan, path: Path) -> list[Version]:
    declared = [
        Version(m.date, m.resume or "Mise à jour du plan", "mise à jour", None, m.resolution) for m in plan.mises_a_jour
    ]
    if plan.date_plan:
        declared.append(Version(plan.date_plan, "Date du plan", "mise à jour"))
    return sorted(declared + git_log(path), key=lambda v: (v.date, v.source), reverse=True)
