"""`plan-ouvert construire`: the publication pipeline, one short step at a time.

1. check the plans (an erreur stops here);
2. build with MkDocs, strict, into a fresh folder beside `site/`;
3. check the built site independently (links, anchors, titles);
4. swap the new folder in place of `site/`.

Any failure removes the new folder and leaves the last good `site/` untouched. MkDocs runs
as a separate program, so this module does not import it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .catalogue import load_catalogue
from .completude import completude
from .findings import Severity, count
from .model import AnyPlan
from .sitecheck import check_site


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _fail(message: str, staging: Path | None) -> int:
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
    _say(f"construction annulée : {message}")
    _say("Le site déjà publié (site/) reste inchangé.")
    return 1


def source_date_epoch(root: Path, plans: list[AnyPlan]) -> str:
    """The date the build stamps (sitemap): the commit's, so that two builds of it are identical.

    Outside git, the latest date the plans give; never the clock.
    """
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root, capture_output=True, text=True, check=False)
    if result.returncode == 0 and result.stdout.strip().isdigit():
        return result.stdout.strip()
    dates = [d for p in plans for d in (p.date_plan, *(m.date for m in p.mises_a_jour)) if d]
    latest = max(dates) if dates else dt.date(1970, 1, 1)
    return str(int(dt.datetime(latest.year, latest.month, latest.day, tzinfo=dt.UTC).timestamp()))


def _mkdocs(staging: Path, config: Path, offline: bool, epoch: str) -> subprocess.CompletedProcess[str]:
    env = {"SOURCE_DATE_EPOCH": epoch, **os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if offline:
        env.update(PLAN_OUVERT_HORS_LIGNE="true", PLAN_OUVERT_URLS_REPERTOIRES="false")
    # Never -v or -q with --strict: -v skips anchor checks, -q exits 0 despite warnings.
    command = [
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
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


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


def _swap(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}-ancien-{os.getpid()}")
        target.rename(old)
    staging.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def build(root: Path, target: Path, offline: bool = False) -> int:
    catalogue = load_catalogue([root / "plans"])
    errors = catalogue.errors()
    for finding in errors:
        _say(finding.format())
    if errors:
        return _fail(f"{len(errors)} erreur(s) dans les plans (voir ci-dessus).", None)
    warnings = count(catalogue.findings, Severity.AVERTISSEMENT)
    _say(f"plans vérifiés : {len(catalogue.entries)} plan(s), {warnings} avertissement(s).")
    for entry in catalogue.entries:
        mine = [f for f in catalogue.findings if f.plan == entry.plan.id]
        _say(
            f"  {entry.plan.id} : complet à {completude(entry.plan).score} %, "
            f"{count(mine, Severity.AVERTISSEMENT)} avertissement(s) (voir « État du plan »)"
        )

    target = target if target.is_absolute() else root / target
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-nouveau-", dir=target.parent))
    result = _mkdocs(staging, root / "mkdocs.yml", offline, source_date_epoch(root, catalogue.plans))
    if result.returncode != 0:
        output = result.stdout + result.stderr
        for line in mkdocs_problems(output) or output.splitlines()[-20:]:
            _say(f"  {line}")
        return _fail(
            "MkDocs a signalé les problèmes ci-dessus (mode strict : tout avertissement bloque la publication).",
            staging,
        )

    problems = check_site(staging)
    for problem in problems:
        _say(f"  {problem}")
    if problems:
        return _fail(f"{len(problems)} problème(s) dans le site construit (liens, ancres ou titres).", staging)

    _swap(staging, target)
    pages = sum(1 for _ in target.rglob("index.html"))
    _say(f"site construit dans {target.name}/ : {pages} pages.")
    return 0


def command(args: argparse.Namespace) -> int:
    return build(Path.cwd(), Path(args.sortie), args.hors_ligne)
