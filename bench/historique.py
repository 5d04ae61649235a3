"""How the « Historique des versions » pages scale with the repository's history.

`make bench` builds from a repository of one commit; a province-wide portal accumulates
thousands. This script commits N edits of random plans (seeded, fixed dates) to a scratch
repository of synthetic plans, then times what the build does for the history pages:
`Site.history()` for every plan (one `git log` for the folder, then each version compared with
the one before it), against the bare `git log --name-status` over the folder, and checks that
both give the same commits.

    python bench/historique.py --plans 100 --commits 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402 (bench/ is not a package)
from run import OUT, git  # noqa: E402 (fixed commit dates: the same hashes at every run)

from plan_ouvert.views.historique import Version  # noqa: E402
from plan_ouvert.views.site import load_site  # noqa: E402


def folder_log(folder: Path) -> dict[str, list[Version]]:
    """Commits of every file of `folder` in one `git log`, by today's file name (renames followed)."""
    result = subprocess.run(
        ["git", "log", "-M", "--relative", "--name-status", "--format=%x1e%H%x1f%as%x1f%s", "--", "."],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    logs: dict[str, list[Version]] = {}
    renamed: dict[str, str] = {}  # a name in an older commit → the file's name today
    for block in result.stdout.split("\x1e")[1:]:
        header, _, files = block.partition("\n")
        sha, day, subject = header.split("\x1f", 2)
        version = Version(dt.date.fromisoformat(day), subject, "modification", sha)
        for line in files.splitlines():
            if not line:
                continue
            status, *paths = line.split("\t")
            name = renamed.get(paths[-1], paths[-1])
            if status.startswith("R"):
                renamed[paths[0]] = name
            logs.setdefault(name, []).append(version)
    return logs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Coût des pages d'historique selon la longueur de l'historique git.")
    parser.add_argument("--plans", type=int, default=100, help="nombre de plans (défaut : 100)")
    parser.add_argument("--commits", type=int, default=1000, help="modifications à valider (défaut : 1000)")
    args = parser.parse_args(argv)

    project = OUT / "historique"
    if project.exists():
        shutil.rmtree(project)
    plans = project / "plans"
    generate.generate(args.plans, plans)
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "plans synthétiques")
    rng = random.Random(f"{generate.SEED}-historique")
    files = sorted(plans.glob("mrc-synthetique-*.yml"))
    print(f"{args.commits} modifications validées une à une…", file=sys.stderr)
    for number in range(1, args.commits + 1):
        target = rng.choice(files)
        text = target.read_text(encoding="utf-8")
        text = re.sub(r"^(source: .*?)(?: \(révision \d+\))?$", rf"\1 (révision {number})", text, count=1, flags=re.M)
        target.write_text(text, encoding="utf-8")
        git(project, "commit", "-q", "-a", "-m", f"Révision {number} de {target.stem}")

    site = load_site(plans)
    start = time.perf_counter()
    per_plan = {e.source.path.name: site.history(e.plan.id) for e in site.catalogue.entries}
    per_plan_s = time.perf_counter() - start
    start = time.perf_counter()
    logs = folder_log(plans)
    folder_s = time.perf_counter() - start
    # The pages show what changed, never the commit message: compare the commits themselves.
    same = all(
        [v.commit for v in versions if v.source == "modification"] == [v.commit for v in logs.get(name, [])]
        for name, versions in per_plan.items()
    )
    print("| Plans | Validations | Site.history (changements comparés) | un seul git log | mêmes versions |")
    print("|---:|---:|---:|---:|---|")
    seconds = [f"{value:.2f}".replace(".", ",") for value in (per_plan_s, folder_s)]
    print(f"| {args.plans} | {args.commits + 1} | {seconds[0]} s | {seconds[1]} s | {'oui' if same else 'NON'} |")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
