"""Findings: what the checker tells an editor, with the exact place to fix."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields
from enum import StrEnum

# C0 controls, DEL and C1 controls. Raw in a terminal or a CI log, ESC, BEL or CSI (U+009B)
# recolour, retitle, move the cursor or hide what follows; a line break in a message could
# forge a finding of its own. Messages never carry one raw: `shown` writes its code point.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_NAMES = {
    0x00: "nul",
    0x07: "sonnerie",
    0x08: "retour arrière",
    0x09: "tabulation",
    0x0A: "saut de ligne",
    0x0B: "tabulation verticale",
    0x0C: "saut de page",
    0x0D: "retour chariot",
    0x1B: "échappement",
    0x7F: "suppression",
    0x85: "passage à la ligne",
    0x9B: "introducteur de séquence de contrôle",
}


def control_name(char: str) -> str:
    """« U+001B (échappement) »: a control character named without being written."""
    name = _CONTROL_NAMES.get(ord(char))
    return f"U+{ord(char):04X} ({name})" if name else f"U+{ord(char):04X}"


def shown(text: str) -> str:
    """`text` with every control character written as its code point, « [U+001B] »."""
    return CONTROL.sub(lambda m: f"[U+{ord(m.group()):04X}]", text) if CONTROL.search(text) else text


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

    # The publication policy, decided here only: the CLI, the build, the publisher, the pages
    # and the review summary ask the severity rather than naming severities again.

    @property
    def blocks_publication(self) -> bool:
        """An erreur: the build stops, nothing of the plan is published."""
        return self is Severity.ERREUR

    @property
    def is_published(self) -> bool:
        """Shown to readers, on the page where it occurs and on « État du plan »."""
        return self in (Severity.NON_CONFORMITE, Severity.AVERTISSEMENT)

    @property
    def fails_strict(self) -> bool:
        """Fails `verifier --strict` and a build with `conformite_stricte` (the erreurs fail always)."""
        return self in (Severity.ERREUR, Severity.NON_CONFORMITE)

    @property
    def is_reported(self) -> bool:
        """Printed by default and compared in a review; an info is for editors who ask (--infos)."""
        return self is not Severity.INFO

    def fails(self, strict: bool = False) -> bool:
        """Whether a check fails on it: an erreur always, a non-conformité in strict mode."""
        return self.blocks_publication or (strict and self.fails_strict)


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
    # What a page tells a reader, in plain French, when the rule's editor message does not read
    # well there (the rule's `public` sentence); never printed for editors nor exported.
    public: str | None = field(default=None, compare=False, repr=False)

    def format(self) -> str:
        """One line per finding: a file name or a message holding a line break or an escape
        sequence shows its code point instead."""
        return f"{shown(self.file)}:{self.line}:{self.column}: {self.severity} {self.code}: {shown(self.message)}"

    def format_github(self) -> str:
        """One GitHub Actions workflow command: the annotation on the line to fix.

        File names and messages come from the plans: escaped as GitHub documents, a name holding
        a line break and « ::stop-commands:: » stays part of this one annotation, and any other
        control character shows its code point.
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
        data: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "public"}
        data["severity"] = str(self.severity)
        return data


def github_data(text: str) -> str:
    """The message part of a workflow command: %, CR and LF escaped, so it stays on one line;
    other control characters (ESC, BEL…) written as their code points, never raw in the log."""
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return shown(escaped)


def github_property(text: str) -> str:
    """A property value of a workflow command: also « : » and « , », which end a value."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, SEVERITY_ORDER[f.severity], f.code))


# JSON escapes C0 controls itself, not DEL and C1 (U+009B starts a terminal sequence too).
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def findings_json(findings: list[Finding]) -> str:
    text = json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2)
    # These characters can only stand inside JSON strings, where « \u009b » means the same.
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def count(findings: list[Finding], severity: Severity) -> int:
    return sum(1 for f in findings if f.severity is severity)
