"""Findings: what the checker tells an editor, with the exact place to fix."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    """How a finding weighs on publication.

    An erreur means the file cannot be read or is ambiguous: the build stops. A non-conformité
    means the adopted plan departs from its programme's gabarit: the plan is published as adopted,
    the page where the departure occurs says so, and only a strict check fails on it.
    """

    ERREUR = "erreur"  # blocks the build
    NON_CONFORMITE = "non-conformité"  # published and shown; fails only `verifier --strict`
    AVERTISSEMENT = "avertissement"  # reported, listed publicly on « État du plan »
    INFO = "info"


SEVERITY_ORDER = {Severity.ERREUR: 0, Severity.NON_CONFORMITE: 1, Severity.AVERTISSEMENT: 2, Severity.INFO: 3}


@dataclass(frozen=True, order=True)
class Finding:
    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str
    plan: str | None = None  # plan id, when the file holds a valid plan
    record: str | None = None  # dotted path of the record concerned, for reports

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity} {self.code}: {self.message}"

    def format_github(self) -> str:
        """One GitHub Actions workflow command: the annotation on the line to fix.

        File names and messages come from the plans: escaped as GitHub documents, a name holding
        a line break and « ::stop-commands:: » stays part of this one annotation.
        """
        level = {
            Severity.ERREUR: "error",
            # A departure from the gabarit does not stop publication: a warning, not an error.
            Severity.NON_CONFORMITE: "warning",
            Severity.AVERTISSEMENT: "warning",
            Severity.INFO: "notice",
        }
        properties = {
            "file": self.file,
            "line": str(self.line),
            "col": str(self.column),
            "title": f"{self.code} ({self.severity})",
        }
        listed = ",".join(f"{name}={github_property(value)}" for name, value in properties.items())
        return f"::{level[self.severity]} {listed}::{github_data(self.message)}"

    def as_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.severity)
        return data


def github_data(text: str) -> str:
    """The message part of a workflow command: %, CR and LF escaped, so it stays on one line."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A property value of a workflow command: also « : » and « , », which end a value."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, SEVERITY_ORDER[f.severity], f.code))


def findings_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2)


def count(findings: list[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity is severity)
