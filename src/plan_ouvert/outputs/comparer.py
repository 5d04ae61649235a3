"""`plan-ouvert comparer`: read two sides (git revisions, files or folders), check them and
write the French summary of their changes (views/diff.py) for a pull request's review."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.catalogue import REFERENTIELS_DIR, TYPES_DIR, Catalogue
from plan_ouvert.views.diff import introduced, render
from plan_ouvert.views.diff import shown as _shown

# --- Reading each side: a git revision, a file or a folder -------------------------------

# The only files read from a revision: what the loader reads from a plans folder.
PLANS_DIR = "plans"
# Folders of plans/ the loader reads too: the référentiels, and the kinds written as data (a
# revision's plans are read with the revision's own kinds).
DATA_DIRS = (REFERENTIELS_DIR, TYPES_DIR)
PLAN_FILE = re.compile(r"[a-z0-9-]+\.ya?ml")
REGULAR_FILE_MODES = ("100644", "100755")


class SideError(Exception):
    """One side of the comparison cannot be read; the message says why, in French."""


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], capture_output=True, check=False)
    except OSError:  # no git at all: nothing is a revision
        return subprocess.CompletedProcess(["git", *args], 127, b"", b"")


def _commit(spec: str) -> str | None:
    """The commit `spec` names, or None; options and odd syntax are never passed to git as such."""
    if not spec or spec.startswith("-"):
        return None
    result = _git("rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    commit = result.stdout.decode().strip()
    return commit if result.returncode == 0 and commit else None


def _is_explicit_path(spec: str) -> bool:
    """A path written so that it cannot be a revision: ./x, ../x, /x (or C:\\x)."""
    return spec in (".", "..") or spec.startswith(("./", "../", ".\\", "..\\")) or Path(spec).is_absolute()


def _plan_target(path: str, spec: str) -> Path | None:
    """Where a tree entry goes in the scratch folder, None if the loader would not read it.

    Names come from whoever pushed the revision: refuse any that could leave the scratch
    folder, and any plan file the site would read under a name the loader could not match.
    """
    parts = path.split("/")
    if path.startswith("/") or any(part in ("", ".", "..") or "\\" in part for part in parts):
        raise SideError(
            f"la révision « {_shown(spec)} » contient le chemin « {_shown(path)} », qui n'est pas un chemin de "
            "fichier accepté (ni « .. », ni « . », ni chemin absolu) ; rien n'a été comparé."
        )
    data_dir = len(parts) == 3 and parts[1] in DATA_DIRS
    read_by_loader = parts[0] == PLANS_DIR and (len(parts) == 2 or data_dir)
    if not read_by_loader or not parts[-1].endswith((".yml", ".yaml")):
        return None
    if not PLAN_FILE.fullmatch(parts[-1]):
        raise SideError(
            f"la révision « {_shown(spec)} » contient « {_shown(path)} », qui n'a pas un nom de fichier de plan "
            "accepté (lettres minuscules sans accents, chiffres et traits d'union, puis .yml ou .yaml) ; "
            "renommez-le."
        )
    return Path(*parts)


def _read_revision(spec: str, commit: str, scratch: Path) -> Catalogue:
    """Write the plan files of `commit` under `scratch`, then load them like a folder."""
    listing = _git("ls-tree", "-r", "-z", "--full-tree", commit, "--", PLANS_DIR)
    if listing.returncode != 0:
        raise SideError(f"impossible de lister les plans de la révision « {_shown(spec)} ».")
    files: list[tuple[Path, str]] = []
    for record in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, _kind, oid = meta.split()
        target = _plan_target(path, spec)
        if target is None:
            continue
        if mode not in REGULAR_FILE_MODES:
            raise SideError(
                f"la révision « {_shown(spec)} » contient « {_shown(path)} », qui n'est pas un fichier ordinaire "
                "(lien symbolique ou sous-module) : un plan doit être un fichier."
            )
        files.append((target, oid))
    root = scratch.resolve()
    for target, oid in files:
        destination = (root / target).resolve()
        if not destination.is_relative_to(root):  # names are checked above; never write elsewhere
            raise SideError(f"chemin « {_shown(str(target))} » refusé ; rien n'a été comparé.")
        blob = _git("cat-file", "blob", oid)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(blob.stdout)
    folder = root / PLANS_DIR
    referentiels = folder / REFERENTIELS_DIR
    referentiels.mkdir(parents=True, exist_ok=True)
    # Named, not searched for: a revision without référentiels must not borrow a folder of that
    # name found above the scratch folder, nor the kinds beside it.
    return load_catalogue([folder], referentiels_dir=referentiels)


def _read_path(spec: str) -> Catalogue:
    if not Path(spec).exists():
        raise SideError(f"« {_shown(spec)} » : fichier ou dossier introuvable.")
    return load_catalogue([Path(spec)])


def _side(spec: str, nature: str, scratch: Path) -> Catalogue:
    """Read one side. `nature` is what the user asked: revisions, files, or decide from the spelling.

    A plain argument is a revision, never a path, even when a file of that name exists: a
    change could otherwise hold a folder named HEAD with the old plans and hide itself.
    """
    if nature == "fichiers" or (nature == "auto" and _is_explicit_path(spec)):
        return _read_path(spec)
    commit = _commit(spec)
    if nature == "revisions":
        if commit is None:
            raise SideError(f"« {_shown(spec)} » n'est pas une révision git connue.")
        return _read_revision(spec, commit, scratch)
    exists = Path(spec).exists()
    if commit is not None and exists:
        raise SideError(
            f"« {_shown(spec)} » est à la fois une révision git et un fichier ou dossier : écrivez "
            f"« ./{_shown(spec)} » pour le dossier, ou ajoutez --revisions pour la révision."
        )
    if commit is not None:
        return _read_revision(spec, commit, scratch)
    if exists:
        raise SideError(
            f"« {_shown(spec)} » n'est pas une révision git : pour comparer le fichier ou dossier de ce nom, "
            f"écrivez « ./{_shown(spec)} » (ou ajoutez --fichiers)."
        )
    raise SideError(f"« {_shown(spec)} » n'est ni un fichier, ni un dossier, ni une révision git connue.")


# A build cache committed by mistake (or on purpose): named at the top of the summary.
CACHE_DIR = ".cache"


def _tracked_cache(spec: str, nature: str) -> list[str]:
    """The files under .cache/ of the revision `spec` (none when it is read as a file or folder)."""
    if nature == "fichiers" or (nature == "auto" and _is_explicit_path(spec)):
        return []
    commit = _commit(spec)
    if commit is None:
        return []
    listing = _git("ls-tree", "-r", "-z", "--name-only", "--full-tree", commit, "--", CACHE_DIR)
    names = listing.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [name for name in names if name] if listing.returncode == 0 else []


def comparer(base: str, head: str, nature: str = "auto", echec_si_erreurs: bool = False) -> int:
    """Write the French summary of the changes from `base` to `head` (revisions or paths) on stdout."""
    try:
        with tempfile.TemporaryDirectory(prefix="plan-ouvert-comparer-") as scratch:
            before = _side(base, nature, Path(scratch) / "base")
            after = _side(head, nature, Path(scratch) / "head")
            sys.stdout.write(render(before, after, _tracked_cache(head, nature)))
    except SideError as error:
        print(f"plan-ouvert : erreur : {error}", file=sys.stderr)
        return 2
    # For CI: the summary is written either way; the exit status says whether the change
    # brings errors (warnings a reviewer weighs, they do not fail the job).
    if echec_si_erreurs and any(f.severity.blocks_publication for f in introduced(before, after)):
        return 1
    return 0
