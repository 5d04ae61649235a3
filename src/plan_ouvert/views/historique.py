"""A plan's version history: its declared updates, and each version of its YAML file in git.

The public reads what changed in the plan, in French, never a commit message (written for
developers, often in English): each version of the file is compared with the one before it,
as `plan-ouvert comparer` compares two sides. One `git log` lists every version of every file
of the plans folder; the files' contents are read from git only for the plan whose page is
being written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from plan_ouvert.source.catalogue import load_kinds
from plan_ouvert.source.kinds import Kinds
from plan_ouvert.source.load import load_file
from plan_ouvert.source.model import AnyPlan
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.views.diff import SECTION_TITLES, compare_plans

GIT_TIMEOUT = 60
MAX_CHANGES = 8  # lines shown per version; the commit link gives the rest
MAX_DETAILED = 20  # versions of a plan compared with the one before (the newest ones)
MAX_LINE = 240  # characters of one line: a reworded action quotes both wordings
FIRST = "Première version publiée."
OLDEST = "Plus ancienne version conservée dans le dépôt."
UNCHANGED = "Aucun changement visible du contenu du plan."
UNREADABLE = "Version du fichier qui ne se lisait pas : changements non détaillés."
NOT_DETAILED = "Version plus ancienne : changements non détaillés."
UPDATES_CHANGED = "Liste des mises à jour déclarées modifiée."
# Plan-level fields, as the comparison names them, in the words of the plan pages.
PLAN_FIELDS = {
    "titre": "Titre",
    "statut": "Statut du plan",
    "date plan": "Date du plan",
    "date convention": "Date de la convention",
    "periode": "Période",
    "annees": "Années du plan",
    "adoption": "Adoption",
    "licence": "Licence",
    "organisme": "Organisme",
}


@dataclass(frozen=True)
class Version:
    date: dt.date
    resume: str
    source: str  # « mise à jour » (declared in the plan) or « modification » (git)
    commit: str | None = None
    resolution: str | None = None
    changements: tuple[str, ...] = ()  # what changed in the plan, in French (git versions)
    autres: int = 0  # further changes, not listed


# --- One git log for the whole plans folder -------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """One commit's change to one file: the file's blobs before and after (None: absent)."""

    commit: str
    date: dt.date
    root: bool  # a commit without parent: the repository's first, or a shallow clone's oldest
    old_blob: str | None
    new_blob: str | None
    old_path: str | None  # the name before a rename


@dataclass
class FolderLog:
    head: str
    shallow: bool
    changes: dict[str, list[FileChange]] = field(default_factory=dict)  # by file name, newest first
    order: dict[str, int] = field(default_factory=dict)  # commit -> position in the log (0: newest)
    versions: dict[str, list[Version]] = field(default_factory=dict)  # by file name, once computed


_NO_BLOB = "0" * 40
_LOGS: dict[str, FolderLog] = {}


def _git(folder: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=folder, input=stdin, capture_output=True, check=False, timeout=GIT_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def _blob(value: str) -> str | None:
    return None if value == _NO_BLOB else value


def parse_log(output: str, log: FolderLog) -> None:
    """Fill `log` from `git log -z --raw --format=%x1e%H%x1f%cs%x1f%P` (newest first)."""
    for record in output.split("\x1e")[1:]:
        header, _, body = record.partition("\0")
        sha, day, parents = header.split("\x1f")
        log.order[sha] = len(log.order)
        fields = body.split("\0")
        index = 0
        while index < len(fields):
            meta = fields[index].lstrip("\n")
            index += 1
            if not meta.startswith(":"):
                continue
            _old_mode, _new_mode, old_blob, new_blob, status = meta[1:].split(" ", 4)
            old_path = None
            if status[:1] in ("R", "C"):
                old_path, path = fields[index], fields[index + 1]
                index += 2
            else:
                path = fields[index]
                index += 1
            change = FileChange(
                sha, dt.date.fromisoformat(day), not parents.strip(), _blob(old_blob), _blob(new_blob), old_path
            )
            log.changes.setdefault(path, []).append(change)


def folder_log(folder: Path) -> FolderLog | None:
    """Every commit of the files under `folder`, read once per state of the repository."""
    state = _git(folder, "rev-parse", "HEAD", "--is-shallow-repository")
    if state is None:
        return None  # not a git repository, or one without commits
    head, *rest = state.decode().split()
    key = str(folder.resolve())
    cached = _LOGS.get(key)
    if cached is not None and cached.head == head:
        return cached
    output = _git(
        folder,
        "-c",
        "log.showSignature=false",
        "log",
        "-z",
        "-M",
        "--raw",
        "--no-abbrev",
        "--relative",
        "--format=%x1e%H%x1f%cs%x1f%P",
        "--",
        ".",
    )
    if output is None:
        return None
    log = FolderLog(head, rest == ["true"])
    parse_log(output.decode("utf-8", errors="replace"), log)
    _LOGS[key] = log
    return log


def file_changes(log: FolderLog, name: str) -> list[FileChange]:
    """The changes of one file, newest first, through its renames."""
    found: list[FileChange] = []
    path: str | None = name
    newer = -1  # log position of the rename being followed: only older changes of the old name
    while path is not None:
        current, path = path, None
        for change in log.changes.get(current, []):
            if log.order[change.commit] <= newer:
                continue  # a later file that took the old name: another file
            found.append(change)
            if change.old_path is not None:
                path, newer = change.old_path, log.order[change.commit]
                break
    return found


# --- Reading versions and comparing them ----------------------------------------------------


def _read_blobs(folder: Path, blobs: list[str]) -> dict[str, bytes]:
    """The contents of `blobs`, in one `git cat-file` call."""
    output = _git(folder, "cat-file", "--batch", stdin=("\n".join(blobs) + "\n").encode()) if blobs else None
    contents: dict[str, bytes] = {}
    position = 0
    while output is not None and position < len(output):
        end = output.index(b"\n", position)
        header = output[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            contents[header[0].decode()] = output[position : position + size]
            position += size + 1
    return contents


def _load(content: bytes | None, scratch: Path, kinds: Kinds) -> AnyPlan | None:
    """A version of a plan file, loaded as the build loads plans (with today's kinds); None if
    it does not load."""
    if content is None:
        return None
    scratch.write_bytes(content)
    loaded = load_file(scratch, "plan", scratch.name, kinds)
    return loaded.record if isinstance(loaded.record, AnyPlan) else None


def _french(line: str) -> str:
    """A comparison line as the public reads it: plan fields by their name, long quotes cut."""
    field_name, separator, rest = line.partition(" : ")
    if separator and field_name.startswith(("Mise à jour ", "Mises à jour")):
        return UPDATES_CHANGED  # each declared update has its own row: no need to quote them all
    if separator and field_name in PLAN_FIELDS:
        line = f"{PLAN_FIELDS[field_name]} : {rest}"
    if len(line) > MAX_LINE:
        line = line[: MAX_LINE - 1].rstrip() + "…"
    return line


def changes_between(old: AnyPlan, new: AnyPlan, kinds: Kinds | None = None) -> list[str]:
    """What changed from `old` to `new`, in French, grouped as the comparison groups them."""
    compared = compare_plans(old, new, kinds)  # the kinds the versions were read with
    # dict.fromkeys: several updates changed read as one line.
    return list(dict.fromkeys(_french(line) for kind in SECTION_TITLES for line in compared.lines.get(kind, [])))


def _version(change: FileChange, resume: str, lines: list[str] | None = None) -> Version:
    lines = lines or []
    shown = tuple(lines[:MAX_CHANGES])
    return Version(change.date, resume, "modification", change.commit, None, shown, len(lines) - len(shown))


_UNREAD = object()  # folder_log not asked yet


def git_versions(
    path: Path, current: AnyPlan | None = None, kinds: Kinds | None = None, log: object = _UNREAD
) -> list[Version]:
    """The versions of the plan file `path` in git, newest first; empty outside a repository.

    `current` is the plan as loaded from `path`: when the newest version is that same file,
    it is not read and loaded a second time. Older versions are read with `kinds`, the kinds
    the build knows (by default those beside the file: built in and plans/types/).
    """
    if log is _UNREAD:
        log = folder_log(path.parent)
    if not isinstance(log, FolderLog):
        return []
    if path.name not in log.versions:
        known = kinds if kinds is not None else load_kinds(path.parent).kinds
        log.versions[path.name] = _compare_versions(path, log, current, known)
    return log.versions[path.name]


def blob_id(content: bytes) -> str:
    """The id git gives a file's content: a committed file and its copy on disk compare equal."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def _compare_versions(path: Path, log: FolderLog, current: AnyPlan | None, kinds: Kinds) -> list[Version]:
    """Each of the MAX_DETAILED newest versions against the last readable one before it.

    Loading a version costs about as much as loading the plan for the build: the number of
    versions compared per plan is bounded, and at most two plans are in memory at a time.
    """
    changes = [c for c in file_changes(log, path.name) if c.new_blob is not None]
    known: dict[str, AnyPlan] = {}
    if current is not None and path.is_file():
        known[blob_id(path.read_bytes())] = current
    window = [c.new_blob for c in changes[: MAX_DETAILED + 1] if c.new_blob and c.new_blob not in known]
    contents = _read_blobs(path.parent, list(dict.fromkeys(window)))
    versions: list[Version] = []
    previous: AnyPlan | None = None
    with tempfile.TemporaryDirectory() as scratch:
        for position in range(len(changes) - 1, -1, -1):  # oldest first
            change = changes[position]
            blob = change.new_blob or ""
            oldest = position == len(changes) - 1
            first = OLDEST if change.root and log.shallow else FIRST
            if position > MAX_DETAILED:  # neither read nor compared
                versions.append(_version(change, first if oldest else NOT_DETAILED))
                continue
            plan = known[blob] if blob in known else _load(contents.get(blob), Path(scratch) / path.name, kinds)
            if plan is None:
                versions.append(_version(change, UNREADABLE))
            elif oldest:
                versions.append(_version(change, first))
            elif previous is None or position == MAX_DETAILED:
                versions.append(_version(change, NOT_DETAILED))  # read only to compare the next one
            else:
                lines = changes_between(previous, plan, kinds)
                versions.append(_version(change, "" if lines else UNCHANGED, lines))
            previous = plan or previous
    return list(reversed(versions))


def history(tree: PlanTree, path: Path, kinds: Kinds | None = None, log: object = _UNREAD) -> list[Version]:
    """Declared updates and versions of the file, newest first (`kinds`: see git_versions).

    `log`: the folder's log (folder_log), when the caller read it once for every plan.
    """
    plan = tree.plan
    declared = [
        Version(m.date, m.resume or "Mise à jour du plan", "mise à jour", None, m.resolution) for m in plan.mises_a_jour
    ]
    if plan.date_plan:
        declared.append(Version(plan.date_plan, "Date du plan", "mise à jour"))
    return sorted(declared + git_versions(path, plan, kinds, log), key=lambda v: (v.date, v.source), reverse=True)
