"""`plan-ouvert construire`: the publication pipeline, one short step at a time.

1. check the plans (an erreur stops here);
2. build with MkDocs, strict, into a fresh folder beside `site/`;
3. check the built site independently (links, anchors, titles);
4. swap the new folder in place of `site/`, in one step where the system allows it.

Steps 1 and 2 run at the same time, on two processors: MkDocs starts while the plans are
checked, and is stopped if they hold an erreur. During step 2, a second process reads each page
as soon as MkDocs writes it (outputs/parallele.py); step 3 then reads every file of the
finished site again but parses only those whose bytes differ from what was read.

Any failure removes the new folder and leaves the last good `site/` untouched; a build that
was killed leaves its folders behind, and the next build removes them. MkDocs runs as a
separate program, so this module does not import it.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.outputs import cache, parallele
from plan_ouvert.outputs.sitecheck import check_site
from plan_ouvert.source.catalogue import Catalogue
from plan_ouvert.source.findings import Finding, Severity, count
from plan_ouvert.source.model import AnyPlan
from plan_ouvert.views.completude import completude


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(message: str) -> int:
    _say(f"construction annulée : {message}")
    _say("Le site déjà publié (site/) reste inchangé.")
    return 1


def commit_epoch(root: Path) -> str | None:
    """The date of the commit being built, in seconds; None outside git."""
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode == 0 and result.stdout.strip().isdigit():
        return result.stdout.strip()
    return None


def source_date_epoch(root: Path, plans: list[AnyPlan]) -> str:
    """The date the build stamps (sitemap): the commit's, so that two builds of it are identical.

    Outside git, the latest date the plans give; never the clock.
    """
    epoch = commit_epoch(root)
    if epoch is not None:
        return epoch
    dates = [d for p in plans for d in (p.date_plan, *(m.date for m in p.mises_a_jour)) if d]
    latest = max(dates) if dates else dt.date(1970, 1, 1)
    return str(int(dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.UTC).timestamp()))


class _MkDocs:
    """`mkdocs build` running in its own process, its output kept in files (a full pipe would
    stop it while the plans are being checked)."""

    def __init__(self, staging: Path, config: Path, offline: bool, epoch: str, check_file: Path):
        self.output = tempfile.TemporaryFile()  # noqa: SIM115 (closed by wait or stop)
        env = _mkdocs_env(offline, epoch)
        env[parallele.CHECK_ENV] = str(check_file)
        self.process = subprocess.Popen(
            _mkdocs_command(staging, config), stdout=self.output, stderr=subprocess.STDOUT, env=env
        )

    def wait(self) -> tuple[int, str]:
        returncode = self.process.wait()
        self.output.seek(0)
        text = self.output.read().decode("utf-8", errors="replace")
        self.output.close()
        return returncode, text

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # its worker process stops with it (outputs/parallele.py)
            self.process.wait()
        self.output.close()


def _mkdocs_env(offline: bool, epoch: str) -> dict[str, str]:
    env = {"SOURCE_DATE_EPOCH": epoch, **os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if offline:
        env.update(PLAN_OUVERT_HORS_LIGNE="true", PLAN_OUVERT_URLS_REPERTOIRES="false")
    return env


def _mkdocs_command(staging: Path, config: Path) -> list[str]:
    # Never -v or -q with --strict: -v skips anchor checks, -q exits 0 despite warnings.
    return [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--clean",
        "--config-file",
        str(config),
        "--site-dir",
        str(staging),
    ]


_LEVELS = ("INFO", "DEBUG", "WARNING", "ERROR", "Aborted")


def mkdocs_problems(output: str) -> list[str]:
    """The warnings and errors of a MkDocs run, one line each, macro errors in French."""
    blocks: list[list[str]] = []
    for line in output.splitlines():
        if line.startswith(("WARNING", "ERROR", "Aborted", "Error", "Config value")):
            blocks.append([line])
        elif line.startswith(_LEVELS):
            blocks.append([])  # an INFO line closes the previous block
        elif blocks and blocks[-1]:
            blocks[-1].append(line)
    problems = []
    for block in filter(None, blocks):
        text = "\n".join(block)
        if "Macro Rendering Error" in text:
            where = re.search(r"_File_: `([^`]+)`", text)
            error = re.search(r"_(\w+Error)_: (.+)", text)
            detail = error.group(2) if error else "erreur inconnue"
            undefined = re.search(r"'([^']+)' is undefined", detail)
            if undefined:
                detail = f"variable ou macro « {undefined.group(1)} » non définie"
            problems.append(f"erreur de macro dans {where.group(1) if where else 'une page'} : {detail}")
        else:
            problems.append(block[0])
    return problems


# renameat2(2) on Linux: exchange two paths atomically (<linux/fs.h>, <fcntl.h>).
RENAME_EXCHANGE = 2
AT_FDCWD = -100
# The kernel or the file system cannot exchange: fall back to two renames.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one system call; False where the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2 (glibc before 2.28)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in _NO_EXCHANGE:
        return False
    raise OSError(error, os.strerror(error), str(first), None, str(second))


def swap(staging: Path, target: Path) -> None:
    """Put the built `staging` folder in place of `target`, which a visitor never finds missing.

    The exchange is one system call: killed at any moment, the build leaves either the old
    site or the new one at `target`, and at most a leftover folder beside it.
    """
    if not target.exists():
        staging.rename(target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous site
        return
    # No atomic exchange here: two renames, `target` missing for the moment between them.
    old = target.with_name(f".{target.name}-ancien-{os.getpid()}")
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


_OWNER = re.compile(r"-(?:nouveau|ancien)-(\d+)(?:-|$)")


def _running(folder: Path) -> bool:
    """Whether the build that made `folder` (its process id is in the name) still runs."""
    owner = _OWNER.search(folder.name)
    if owner is None or os.name != "posix" or int(owner.group(1)) == os.getpid():
        return False
    try:
        os.kill(int(owner.group(1)), 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(target: Path, started: float) -> list[Path]:
    """Remove the folders that killed builds of `target` left beside it; the removed ones.

    Only folders older than this build, and not those of a build still running beside it.
    """
    removed = []
    for pattern in (f".{target.name}-nouveau-*", f".{target.name}-ancien-*"):
        for folder in sorted(target.parent.glob(pattern)):
            if folder.is_symlink() or not folder.is_dir():
                continue
            if folder.stat().st_mtime < started and not _running(folder):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


class _ConfigLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without MkDocs: its tags (!ENV, !!python/name) read as empty values."""


_ConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def strict_conformity(config: Path) -> bool:
    """Whether mkdocs.yml asks departures from the gabarit to stop publication."""
    try:
        data = yaml.load(config.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506
    except (OSError, yaml.YAMLError):
        return False  # MkDocs itself reports an unreadable configuration
    extra = data.get("extra") if isinstance(data, dict) else None
    section = extra.get("plan_ouvert") if isinstance(extra, dict) else None
    return isinstance(section, dict) and section.get("conformite_stricte") is True


def _verify(root: Path) -> tuple[Catalogue, int | None]:
    """Check the plans and say so; the catalogue, and an exit status when publication stops here."""
    catalogue = load_catalogue([root / "plans"])
    errors = catalogue.errors()
    for finding in errors:
        _say(finding.format())
    if errors:
        return catalogue, _fail(f"{len(errors)} erreur(s) dans les plans (voir ci-dessus).")
    # No erreur is left here: what still fails a strict check is a departure from the gabarit.
    departures = [f for f in catalogue.findings if f.severity.fails_strict]
    if departures and strict_conformity(root / "mkdocs.yml"):
        for finding in departures:
            _say(finding.format())
        return catalogue, _fail(
            f"{len(departures)} non-conformité(s) au gabarit (voir ci-dessus) : conformite_stricte est "
            "activé dans mkdocs.yml, le site n'est pas publié et le site précédent reste en place."
        )
    warnings = count(catalogue.findings, Severity.AVERTISSEMENT)
    _say(
        f"plans vérifiés : {len(catalogue.entries)} plan(s), {len(departures)} non-conformité(s), "
        f"{warnings} avertissement(s)."
    )
    by_plan: dict[str, list[Finding]] = {}
    for finding in catalogue.findings:
        by_plan.setdefault(finding.plan or "", []).append(finding)
    for entry in catalogue.entries:
        mine = by_plan.get(entry.plan.id, [])
        _say(
            f"  {entry.plan.id} : complet à {completude(entry.tree).score} %, "
            f"{count(mine, Severity.NON_CONFORMITE)} non-conformité(s), "
            f"{count(mine, Severity.AVERTISSEMENT)} avertissement(s) (voir « État du plan »)"
        )
    return catalogue, None


def tracked_cache_message(names: list[str]) -> str:
    """Why files of a cache under git stop the build (also named in the review summary)."""
    shown = ", ".join(f"« {n.encode('unicode_escape').decode('ascii')} »" for n in names[:3])
    more = f" et {len(names) - 3} autre(s)" if len(names) > 3 else ""
    return (
        f"le dépôt suit {len(names)} fichier(s) sous .cache/ ({shown}{more}). Un cache n'a pas sa place "
        "dans le dépôt : la construction ne le lit jamais, et des fichiers qu'on y a ajoutés peuvent être un "
        "piège. Retirez-les (git rm -r --cached .cache) et validez ce changement."
    )


def build(root: Path, target: Path, offline: bool = False) -> int:
    started = time.time()
    tracked = cache.tracked_cache(root)
    if tracked:
        return _fail(tracked_cache_message(tracked))
    target = target if target.is_absolute() else root / target
    for folder in remove_leftovers(target, started):
        _say(f"dossier laissé par une construction interrompue, supprimé : {folder.name}/")
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-nouveau-{os.getpid()}-", dir=target.parent))
    # A temporary folder is private (0700); the site is read by a web server's own user.
    staging.chmod(stat.S_IMODE(target.stat().st_mode) if target.is_dir() else 0o755)
    handle, name = tempfile.mkstemp(prefix="plan-ouvert-pages-", suffix=".pickle")
    os.close(handle)
    check_file = Path(name)
    mkdocs: _MkDocs | None = None
    try:
        epoch = commit_epoch(root)
        if epoch is not None:  # in git, MkDocs needs nothing from the check: start it now
            mkdocs = _MkDocs(staging, root / "mkdocs.yml", offline, epoch, check_file)
            _yield_to()
        catalogue, stopped = _verify(root)
        if stopped is not None:
            return stopped
        if mkdocs is None:
            mkdocs = _MkDocs(
                staging, root / "mkdocs.yml", offline, source_date_epoch(root, catalogue.plans), check_file
            )
        del catalogue  # MkDocs loads its own
        return _build_into(mkdocs, staging, target, offline, check_file)
    finally:
        # A failure (or Ctrl-C) leaves nothing behind; after the swap, nothing is left here.
        if mkdocs is not None:
            mkdocs.stop()
        shutil.rmtree(staging, ignore_errors=True)
        check_file.unlink(missing_ok=True)


def _yield_to() -> None:
    """While MkDocs runs, this process (checking the plans, then waiting) gives way to it: MkDocs
    renders every page on one processor and is the longest task of the build."""
    if hasattr(os, "nice"):
        os.nice(parallele.NICE)


def _build_into(mkdocs: _MkDocs, staging: Path, target: Path, offline: bool, check_file: Path) -> int:
    returncode, output = mkdocs.wait()
    if returncode != 0:
        for line in mkdocs_problems(output) or output.splitlines()[-20:]:
            _say(f"  {line}")
        return _fail(
            "MkDocs a signalé les problèmes ci-dessus (mode strict : tout avertissement bloque la publication)."
        )

    problems = check_site(staging, directory_urls=not offline, collected=parallele.load_collected(check_file))
    for problem in problems:
        _say(f"  {problem}")
    if problems:
        return _fail(f"{len(problems)} problème(s) dans le site construit (liens, ancres ou titres).")

    swap(staging, target)
    pages = sum(1 for _ in target.rglob("index.html"))
    _say(f"site construit dans {target.name}/ : {pages} pages.")
    return 0


def construire(sortie: str = "site", hors_ligne: bool = False) -> int:
    """`plan-ouvert construire`: the site of the current folder, built into `sortie`."""
    return build(Path.cwd(), Path(sortie), hors_ligne)
