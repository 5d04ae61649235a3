"""`make bench`: time and memory of the build at 10, 30 and 100 synthetic plans, against a
plain mkdocs-material site of the same size.

For each size N:

1. bench/generate.py writes N plans into a scratch copy of the project (mkdocs.yml, docs/,
   overrides/, macros/, plans/) under bench/out/nN/projet/, committed in its own git
   repository (fixed dates) as a real deployment would be;
2. `plan-ouvert verifier`, `plan-ouvert construire` (the whole pipeline users run), `mkdocs
   build` alone and the site check alone are timed in that copy;
3. a baseline project under bench/out/nN/material/ gets one plain Markdown page per built
   page, at the same address, with the same amount of visible text and the same number of
   h2 headings, the theme settings of mkdocs.yml and its short navigation (the other pages
   `not_in_nav`), without the macros plugin nor the hooks; it is built with
   `mkdocs build --strict`.

Every command runs in a fresh child process: its wall-clock time comes from
time.perf_counter() around it, its CPU time from os.wait4()'s rusage. Its peak memory is the
peak over time of the SUM of the resident sizes of the child and every descendant, sampled from
/proc every 50 ms (bench/memoire.py): `peak_rss_mb` and `ratio_rss` use that sum; the largest
single process (ru_maxrss) is reported beside it as `largest_process_rss_mb` and
`ratio_rss_largest_process`. Each measurement is repeated (2 times by default) and the fastest
run is kept.

The search download (`search_download_gzip_bytes`) is measured in Chromium (bench/recherche.py):
the gzip size of every search file the home page requests, from its opening until the results
of a typed query show, the largest over a few queries; the same for plain Material.

`plan-ouvert construire` is timed with an empty cache (the checkout's build cache cleared before
each run), as in a fresh clone. At the largest size, one plan file is then edited and `plan-ouvert
construire` timed again, the cache of the previous build in place (`rebuild_one_plan_s`); then
`plan-ouvert apercu` is started on that plan, the file saved with a new text, and the time until
the server answers with the updated page is measured (`preview_one_plan_s`, polled over HTTP).

`--tailles 100` measures one size, with the rebuild and the preview, and ends with the targets
of the speed issue at that size (ratio_time, ratio_rss summed, rebuild/build, preview, search
download). `--une-fois` measures one size once (`--tailles 1000 --une-fois`): verifier, construire and
plain Material only, written to bench/out/results-N.json rather than bench/results.json.

Results: a French table on the standard output, bench/results.json, and every run in
bench/out/details.json. `--profil` adds a pyinstrument profile of `mkdocs build` at the
largest size (bench/out/profile.txt and a per-function summary in profile-resume.txt).
`--variante DIR` measures another copy of the code (DIR/src, DIR/macros, DIR/overrides), to
check a proposed fix without touching the repository.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import importlib.metadata
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from plan_ouvert.outputs import cache

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402 (bench/ is not a package)
import memoire  # noqa: E402
import recherche  # noqa: E402

SIZES = (10, 30, 100)
FIXED_DATE = "2025-01-01T12:00:00+00:00"  # the scratch repositories' commit date (no clock)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONDONTWRITEBYTECODE": "1"}
PYTHON = sys.executable


@dataclass
class Options:
    repeat: int = 2
    variant: Path | None = None  # another copy of src/, macros/ and overrides/ to measure
    once: bool = False  # verifier, construire and plain Material only (the 1,000-plan run)


OPTIONS = Options()


# --- Running and measuring -----------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    cpu_s: float  # user + system time of the process tree: steadier than wall time on a busy machine
    rss_mb: float  # peak of the summed RSS of the process tree, sampled (see memoire.py)
    largest_rss_mb: float  # ru_maxrss: the peak of the largest single process of the tree
    processes: int  # processes alive at the summed peak
    returncode: int
    stdout: str
    stderr: str


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(ENV)
    if OPTIONS.variant is not None:
        env["PYTHONPATH"] = str(OPTIONS.variant / "src")
    env.update(extra or {})
    return env


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True) -> Run:
    """Run `command` in a fresh child: wall time, CPU time and peak RSS of its process tree."""
    logs = OUT / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    out_path, err_path = logs / "stdout.txt", logs / "stderr.txt"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, env=env or child_env(), stdout=out, stderr=err)
        sampler = memoire.TreeSampler(child.pid).start()
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        sampler.stop()
    child.returncode = os.waitstatus_to_exitcode(status)
    result = Run(
        seconds,
        usage.ru_utime + usage.ru_stime,
        max(sampler.peak_sum / 1024 / 1024, usage.ru_maxrss / 1024),
        usage.ru_maxrss / 1024,  # kilobytes on Linux
        sampler.peak_processes,
        child.returncode,
        out_path.read_text(encoding="utf-8", errors="replace"),
        err_path.read_text(encoding="utf-8", errors="replace"),
    )
    if check and result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise SystemExit(f"échec ({result.returncode}) de {' '.join(command)} dans {cwd} :\n{tail}")
    return result


def best(command: list[str], cwd: Path, before: Any = None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run `command` OPTIONS.repeat times; the fastest run, and all of them."""
    runs = []
    for _ in range(OPTIONS.repeat):
        if before is not None:
            before()
        runs.append(run(command, cwd, env))
    fastest = min(runs, key=lambda r: r.seconds)
    return {
        "s": fastest.seconds,
        "rss_mb": fastest.rss_mb,
        "largest_rss_mb": fastest.largest_rss_mb,
        "processes_at_peak": fastest.processes,
        "cpu_s": min(r.cpu_s for r in runs),
        "runs_s": [round(r.seconds, 3) for r in runs],
        "runs_rss_mb": [round(r.rss_mb, 1) for r in runs],
        "runs_largest_rss_mb": [round(r.largest_rss_mb, 1) for r in runs],
    }


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- Scratch projects ----------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    env = {
        **ENV,
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    }
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, env=env, check=True, capture_output=True)


def plan_project(size: int) -> Path:
    """A copy of the project whose plans/ holds `size` synthetic plans, in its own git repository."""
    project = OUT / f"n{size}" / "projet"
    if project.exists():
        shutil.rmtree(project)
    project.mkdir(parents=True)
    code = OPTIONS.variant or ROOT
    parts = {"mkdocs.yml": ROOT, "docs": ROOT, "overrides": code, "macros": code}
    for part, origin in parts.items():
        source = origin / part
        if source.is_dir():
            shutil.copytree(source, project / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / part)
    generate.generate(size, project / "plans")
    (project / ".gitignore").write_text("site/\n.site-*\n__pycache__/\n", encoding="utf-8")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", f"{size} plans synthétiques")
    return project


class _PageText(HTMLParser):
    """Visible text and h2 count inside Material's content <article>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # <article> nesting, counted from the content article
        self.chars = 0
        self.h2 = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            if self.depth or "md-content__inner" in (dict(attrs).get("class") or ""):
                self.depth += 1
        elif tag == "h2" and self.depth:
            self.h2 += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article" and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.chars += len(" ".join(data.split()))


def page_shapes(site: Path) -> dict[str, tuple[int, int]]:
    """Each built page (source path of its Markdown) → (visible characters, h2 headings)."""
    shapes = {}
    for html in sorted(site.rglob("index.html")):
        parser = _PageText()
        parser.feed(html.read_text(encoding="utf-8"))
        rel = html.relative_to(site).parent.as_posix()
        source = "index.md" if rel == "." else f"{rel}/index.md"
        shapes[source] = (parser.chars, parser.h2)
    return shapes


WORDS = sorted(
    {
        w.strip(".,;:()«»'’").lower()
        for text in generate.ACTIONS + generate.MOYENS + generate.ENONCES + generate.OBJECTIFS + generate.RESULTATS
        for w in text.split()
        if len(w) > 2
    }
)


def _text(rng: random.Random, size: int) -> str:
    """About `size` characters of French-looking sentences, cut at a word."""
    words: list[str] = []
    length = 0
    while length < size:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(8, 20))).capitalize() + "."
        words.append(sentence)
        length += len(sentence) + 1
    text = " ".join(words)
    if len(text) > size:
        text = text[:size].rsplit(" ", 1)[0].rstrip(".,") + "."
    return text


def _markdown(rng: random.Random, title: str, chars: int, headings: int) -> str:
    """A plain Markdown page: h1, `headings` h2 sections, paragraphs and lists, `chars` of text."""
    lines = [f"# {title}", ""]
    remaining = max(chars - len(title), 40)
    sections = headings + 1
    for section in range(sections):
        if section:
            heading = _text(rng, rng.randrange(12, 40)).rstrip(".")
            lines += [f"## {heading}", ""]
            remaining -= len(heading)
        target = max(remaining // (sections - section), 20)
        written = 0
        while written < target:
            size = min(target - written, rng.randrange(150, 450))
            if size > 120 and rng.random() < 0.3:
                items = [_text(rng, size // 3) for _ in range(3)]
                lines += [f"- {item}" for item in items] + [""]
                written += sum(len(item) for item in items)
            else:
                paragraph = _text(rng, size)
                lines += [paragraph, ""]
                written += len(paragraph)
        remaining -= written
    return "\n".join(lines)


class _ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml with its !ENV tags: the default value of each (its last element)."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)[-1]
    return None


_ConfigLoader.add_constructor("!ENV", _env_tag)


def project_config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506
    return loaded


def baseline_config(project: dict[str, Any]) -> dict[str, Any]:
    """mkdocs.yml without what Plan ouvert adds: same theme settings, search and nav; no macros, no hooks."""
    theme = {k: v for k, v in project["theme"].items() if k != "custom_dir"}
    plugins = []
    for plugin in project.get("plugins", []):
        name, settings = next(iter(plugin.items())) if isinstance(plugin, dict) else (plugin, None)
        if name == "search":
            plugins.append({"search": settings})
    extra = {k: v for k, v in project.get("extra", {}).items() if k == "generator"}
    config = {
        "site_name": project["site_name"],
        "site_url": project.get("site_url"),
        "docs_dir": "docs",
        "site_dir": "site",
        "strict": True,
        "theme": theme,
        "extra": extra,
        "extra_css": project.get("extra_css", []),
        "markdown_extensions": project.get("markdown_extensions", []),
        "plugins": plugins,
        "validation": project.get("validation", {}),
        "not_in_nav": "*",  # every page but the nav's, as the plan pages are
        "nav": project.get("nav", []),
    }
    return config


def baseline_project(size: int, shapes: dict[str, tuple[int, int]]) -> Path:
    """Plain Markdown pages at the built pages' addresses, with their text volume."""
    project = OUT / f"n{size}" / "material"
    if project.exists():
        shutil.rmtree(project)
    docs = project / "docs"
    docs.mkdir(parents=True)
    source_config = project_config()
    for css in source_config.get("extra_css", []):
        (docs / css).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / "docs" / css, docs / css)
    nav_paths = [path for item in source_config.get("nav", []) for path in item.values()]
    # A nav entry « guide/codes.md » is built as guide/codes/index.html: same page here.
    renamed = {f"{p.removesuffix('.md')}/index.md": p for p in nav_paths if not p.endswith("index.md")}
    for source, (chars, headings) in shapes.items():
        rng = random.Random(f"{generate.SEED}-base-{source}")
        path = docs / renamed.get(source, source)
        path.parent.mkdir(parents=True, exist_ok=True)
        title = source.removesuffix("index.md").strip("/").rsplit("/", 1)[-1] or "Accueil"
        path.write_text(_markdown(rng, title.replace("-", " ").capitalize(), chars, headings), encoding="utf-8")
    header = "# Baseline of bench/run.py: mkdocs-material alone with the theme settings of mkdocs.yml.\n"
    body = yaml.safe_dump(baseline_config(source_config), allow_unicode=True, sort_keys=False, width=1000)
    (project / "mkdocs.yml").write_text(header + body, encoding="utf-8")
    return project


# --- Measurements --------------------------------------------------------------------------


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


def index_size(site: Path) -> tuple[int, int]:
    """Bytes of every file under search/ (Material's whole index, or our stub and all its
    fragments), raw and gzipped one file at a time (level 9, as a static host would serve them)."""
    files = [path.read_bytes() for path in sorted((site / "search").rglob("*")) if path.is_file()]
    return sum(map(len, files)), sum(len(gzip.compress(data, compresslevel=9, mtime=0)) for data in files)


def epoch(project: Path) -> str:
    result = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=project, capture_output=True, text=True)
    return result.stdout.strip()


CLI = [PYTHON, "-m", "plan_ouvert.cli"]
SITECHECK = (
    "import sys; from pathlib import Path; from plan_ouvert.outputs.sitecheck import check_site; "
    "sys.exit(min(len(check_site(Path('site'))), 1))"
)


def measure_size(size: int) -> dict[str, Any]:
    say(f"— {size} plans : génération et copie du projet…")
    project = plan_project(size)
    verifier = best([*CLI, "verifier", "plans"], project)
    say(f"  vérifier : {verifier['s']:.2f} s")

    # As in a fresh clone: nothing kept from an earlier build.
    build = best([*CLI, "construire"], project, before=lambda: cache.clear(project))
    site = project / "site"
    pages = count_pages(site)
    raw_index, gz_index = index_size(site)
    say(f"  construire : {build['s']:.2f} s, {pages} pages, {build['rss_mb']:.0f} Mo")

    # As publish.py calls it: same options, same SOURCE_DATE_EPOCH.
    # Every MkDocs run starts without an output folder, as `construire` does (its staging
    # folder is new; removing the previous site/ after the swap is part of its time).
    mk_site = OUT / f"n{size}" / "mk"
    mkdocs_cmd = [PYTHON, "-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(mk_site)]
    mkdocs_env = child_env({"SOURCE_DATE_EPOCH": epoch(project)})

    def fresh_mkdocs() -> None:
        shutil.rmtree(mk_site, ignore_errors=True)
        cache.clear(project)

    mkdocs_only: dict[str, Any] = {"s": float("nan")}
    sitecheck: dict[str, Any] = {"s": float("nan")}
    if not OPTIONS.once:
        mkdocs_only = best(mkdocs_cmd, project, before=fresh_mkdocs, env=mkdocs_env)
        say(f"  MkDocs seul : {mkdocs_only['s']:.2f} s")
        shutil.rmtree(mk_site, ignore_errors=True)
        sitecheck = best([PYTHON, "-c", SITECHECK], project)
        say(f"  vérification du site seule (sans les pages lues pendant la construction) : {sitecheck['s']:.2f} s")

    shapes = page_shapes(site)
    base = baseline_project(size, shapes)
    baseline = best(
        [PYTHON, "-m", "mkdocs", "build", "--strict", "--clean"],
        base,
        before=lambda: shutil.rmtree(base / "site", ignore_errors=True),
        env=dict(ENV),
    )
    base_pages = count_pages(base / "site")
    base_raw, base_gz = index_size(base / "site")
    say(f"  Material seul : {baseline['s']:.2f} s, {base_pages} pages, {baseline['rss_mb']:.0f} Mo")
    say("  recherche : octets téléchargés avant le premier résultat (Chromium)…")
    download = recherche.measure(site)
    base_download = recherche.measure(base / "site", recherche.QUERIES[:1])
    say(
        f"  recherche : {download['max_gzip_bytes'] / 1024:.0f} Ko gzip au plus "
        f"(Material seul : {base_download['max_gzip_bytes'] / 1024:.0f} Ko)"
    )

    result = {
        "pages": pages,
        "verifier_s": round(verifier["s"], 3),
        "build_s": round(build["s"], 3),
        "mkdocs_only_s": None if OPTIONS.once else round(mkdocs_only["s"], 3),
        "baseline_build_s": round(baseline["s"], 3),
        "ratio_time": round(build["s"] / baseline["s"], 3),
        "peak_rss_mb": round(build["rss_mb"], 1),  # summed over the process tree
        "baseline_peak_rss_mb": round(baseline["rss_mb"], 1),
        "ratio_rss": round(build["rss_mb"] / baseline["rss_mb"], 3),
        "largest_process_rss_mb": round(build["largest_rss_mb"], 1),
        "baseline_largest_process_rss_mb": round(baseline["largest_rss_mb"], 1),
        "ratio_rss_largest_process": round(build["largest_rss_mb"] / baseline["largest_rss_mb"], 3),
        "s_per_page": round(build["s"] / pages, 5),
        "search_files_gzip_bytes": gz_index,
        "search_download_gzip_bytes": download["max_gzip_bytes"],
        "baseline_search_download_gzip_bytes": base_download["max_gzip_bytes"],
    }
    details = {
        **result,
        "plans": size,
        "baseline_pages": base_pages,
        "text_chars": sum(c for c, _ in shapes.values()),
        "baseline_text_chars": sum(c for c, _ in page_shapes(base / "site").values()),
        "verifier": verifier,
        "construire": build,
        "mkdocs_only": mkdocs_only,
        "sitecheck": sitecheck,
        "baseline": baseline,
        "search_download": download,
        "baseline_search_download": base_download,
        "search_index_bytes": raw_index,
        "baseline_search_index_bytes": base_raw,
        "baseline_search_index_gzip_bytes": base_gz,
    }
    return {"result": result, "details": details, "project": project}


def _edit_source(target: Path, word: str, number: int) -> str:
    """Append « (word number) » to the plan's `source` line, shown on its page; the new text."""
    text = target.read_text(encoding="utf-8")
    marker = f"({word} {number})"
    text = re.sub(rf"^(source: .*?)(?: \({word} \d+\))?$", rf"\1 {marker}", text, count=1, flags=re.M)
    target.write_text(text, encoding="utf-8")
    return marker


def rebuild_one_plan(project: Path) -> dict[str, Any]:
    """Edit one plan file, then time the `plan-ouvert construire` a user would run (cache of the
    previous build in place: outputs of the unchanged plans are reused)."""
    target = sorted((project / "plans").glob("mrc-synthetique-*.yml"))[0]
    edits = iter(range(1, OPTIONS.repeat + 1))
    run([*CLI, "construire"], project)  # the previous build, whose cache the rebuild finds
    return best([*CLI, "construire"], project, before=lambda: _edit_source(target, "révision", next(edits)))


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a local server)
            return str(response.read().decode("utf-8", errors="replace"))
    except (OSError, ValueError):
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def preview_one_plan(project: Path, saves: int = 5) -> dict[str, Any]:
    """`plan-ouvert apercu PLAN`: time from saving the plan file to its page served updated.

    The page is polled over HTTP every 20 ms; each save appends a new marker to the plan's
    `source`, which its page shows. The median of `saves` saves is kept (the first server build
    is not counted: it happens once, when the editor starts the preview).
    """
    target = sorted((project / "plans").glob("mrc-synthetique-*.yml"))[0]
    port = _free_port()
    url = f"http://127.0.0.1:{port}/plans/{target.stem}/"
    logs = OUT / "logs" / "apercu.txt"
    logs.parent.mkdir(parents=True, exist_ok=True)
    with logs.open("wb") as log:
        server = subprocess.Popen(
            [*CLI, "apercu", str(target.relative_to(project)), "--port", str(port)],
            cwd=project,
            env=child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            started = time.perf_counter()
            first = None
            while first is None and time.perf_counter() - started < 600 and server.poll() is None:
                first = _get(url)
                time.sleep(0.05)
            if first is None:
                raise SystemExit(f"l'aperçu n'a pas répondu : voir {logs}")
            startup = time.perf_counter() - started
            times = []
            for number in range(1, saves + 1):
                time.sleep(1.0)  # the server's file watcher sees each save apart
                marker = _edit_source(target, "aperçu", number)
                saved = time.perf_counter()
                while time.perf_counter() - saved < 120:
                    page = _get(url)
                    if page is not None and marker in page:
                        break
                    time.sleep(0.02)
                else:
                    raise SystemExit(f"l'aperçu n'a pas montré la modification en 120 s : voir {logs}")
                times.append(time.perf_counter() - saved)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    times.sort()
    return {"s": times[len(times) // 2], "runs_s": [round(t, 3) for t in times], "startup_s": round(startup, 3)}


WORD_COPIES = 10  # its objectives ten times: 51 pages (LibreOffice, A4), the synthetic PAC alone 6


def word_document(project: Path) -> Path:
    """A Word document of about 50 pages in the ministry's PAC gabarit: a synthetic PAC whose
    objectifs spécifiques are repeated (renumbered), written by `plan-ouvert exporter`."""
    source = sorted((project / "plans").glob("mrc-synthetique-*-pac-*.yml"))[0]
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    objectifs = []
    for _copy in range(WORD_COPIES):
        for original in data["objectifs_specifiques"]:
            numero = len(objectifs) + 1
            item = copy.deepcopy(original)
            item["id"], item["numero"] = str(numero), numero
            for position, moyen in enumerate(item.get("moyens", []), 1):
                moyen["id"] = f"{numero}-{position}"
            objectifs.append(item)
    data["id"] = "mrc-synthetique-grand-pac"
    data["objectifs_specifiques"] = objectifs
    plan = project / "plans" / "mrc-synthetique-grand-pac.yml"  # beside the référentiels it names
    document = OUT / "import" / "grand-pac.docx"
    document.parent.mkdir(parents=True, exist_ok=True)
    try:
        plan.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        run([*CLI, "exporter", "--format", "docx", str(plan), "--sortie", str(document)], project)
    finally:
        plan.unlink(missing_ok=True)
    return document


def import_word(project: Path) -> dict[str, Any]:
    """`plan-ouvert importer` of a Word document of about 50 pages (word_document)."""
    document = word_document(project)
    output = OUT / "import" / "importe.yml"

    def clean() -> None:
        output.unlink(missing_ok=True)
        output.with_suffix(".md").unlink(missing_ok=True)

    # A second plan beside the synthetic PAC it was made from (same MRC, kind and period): a fresh
    # import, not an update of that plan.
    command = [
        *CLI, "importer", str(document), "--sortie", str(output), "--organisme", "MRC synthétique", "--autre-plan",
    ]  # fmt: skip
    measured = best(command, project, before=clean)
    measured["document_bytes"] = document.stat().st_size
    return measured


def _rewritten(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """A copy of the archive `source` with some parts replaced."""
    import zipfile

    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out,
    ):
        for info in original.infolist():
            if info.filename not in parts:
                out.writestr(info, original.read(info))
        for name, data in parts.items():
            out.writestr(name, data)
    return target


def _hostile_documents(document: Path) -> dict[str, Path]:
    """The attacks of the security review, made from `document`: a chain of 400,000 `basedOn` styles
    in about 2 MB, and a docx of three million empty rows in about 250 KB."""
    import zipfile

    folder = OUT / "import"
    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    chain = "".join(f'<w:style w:styleId="s{i}"><w:basedOn w:val="s{i + 1}"/></w:style>' for i in range(400_000))
    styles = f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{namespace}">{chain}</w:styles>'
    with zipfile.ZipFile(document) as archive:
        body = archive.read("word/document.xml").decode()
    end = body.rindex("</w:tbl>")
    empty = body[:end] + "<w:tr><w:tc><w:p/></w:tc></w:tr>" * 3_000_000 + body[end:]
    return {
        "styles": _rewritten(document, folder / "styles-en-chaine.docx", {"word/styles.xml": styles.encode()}),
        "rangees_vides": _rewritten(document, folder / "rangees-vides.docx", {"word/document.xml": empty.encode()}),
    }


def import_refusals(project: Path) -> dict[str, Any]:
    """`plan-ouvert importer` of hostile Word files: each must be refused (exit 2), fast and small."""
    import gc

    cases = _hostile_documents(word_document(project))
    gc.collect()
    out: dict[str, Any] = {}
    for name, path in cases.items():
        target = path.with_suffix(".yml")
        command = [*CLI, "importer", str(path), "--sortie", str(target), "--organisme", "MRC synthétique"]
        refused = run(command, project, check=False)
        if refused.returncode != 2 or target.exists():
            raise SystemExit(f"{path.name} : le fichier hostile n'a pas été refusé ({refused.returncode}).")
        # No peak memory here: the child's counts the hostile text this process held when it forked.
        out[name] = {"s": round(refused.seconds, 3), "bytes": path.stat().st_size}
    return out


# --- Profile -------------------------------------------------------------------------------


def profile(project: Path) -> list[str]:
    """pyinstrument over `mkdocs build` of `project`: the text report and a per-function summary."""
    session = OUT / "profile.pyisession"
    pyinstrument = Path(PYTHON).parent / "pyinstrument"
    if not pyinstrument.exists():
        raise SystemExit("pyinstrument manque : installez les dépendances de test (pip install -e '.[test]').")
    shutil.rmtree(OUT / "profil-site", ignore_errors=True)
    build = ["-m", "mkdocs", "build", "--strict", "--clean", "--site-dir", str(OUT / "profil-site")]
    env = child_env({"SOURCE_DATE_EPOCH": epoch(project)})
    run([str(pyinstrument), "-o", str(session), "-r", "pyisession", *build], project, env)
    run([str(pyinstrument), "--load", str(session), "-r", "text", "-o", str(OUT / "profile.txt")], project, env)
    summary = inclusive_summary(session)
    (OUT / "profile-resume.txt").write_text("\n".join(summary) + "\n", encoding="utf-8")
    return summary


def inclusive_summary(session_path: Path, limit: int = 60) -> list[str]:
    """Time spent in each function, callees included, counted once per stack (top `limit`)."""
    from pyinstrument.session import Session

    root = Session.load(str(session_path)).root_frame()
    if root is None:
        return []
    total = root.time
    spent: dict[str, float] = defaultdict(float)
    stack: list[tuple[Any, frozenset[str]]] = [(root, frozenset())]
    while stack:
        frame, seen = stack.pop()
        key = f"{frame.function}  {frame.file_path_short}:{frame.line_no}"
        if key not in seen:
            spent[key] += frame.time
            seen = seen | {key}
        stack.extend((child, seen) for child in frame.children)
    ranked = sorted(spent.items(), key=lambda item: -item[1])[:limit]
    return [f"{seconds:8.2f} s {100 * seconds / total:5.1f} %  {name}" for name, seconds in ranked]


# --- Report --------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = "inconnu"
    memory_gb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {
        name: importlib.metadata.version(name) for name in ("mkdocs", "mkdocs-material", "mkdocs-macros-plugin")
    }
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": memory_gb,
        "python": platform.python_version(),
        "system": platform.platform(),
        **versions,
    }


def fr(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"  # not measured (--une-fois)
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")


def table(results: dict[str, Any], sizes: tuple[int, ...]) -> str:
    header = (
        "| Plans | Pages | vérifier (s) | construire (s) | dont MkDocs (s) | Material seul (s) | ratio temps "
        "| RSS somme (Mo) | RSS somme Material (Mo) | ratio RSS | plus gros processus (Mo) | Material (Mo) "
        "| ratio plus gros processus | s/page | recherche avant le 1er résultat (Ko gzip) | Material (Ko gzip) |"
    )
    lines = [header, "|" + "---:|" * 16]
    for size in sizes:
        r = results[str(size)]
        lines.append(
            f"| {size} | {r['pages']} | {fr(r['verifier_s'])} | {fr(r['build_s'])} | {fr(r['mkdocs_only_s'])} "
            f"| {fr(r['baseline_build_s'])} | {fr(r['ratio_time'])} | {fr(r['peak_rss_mb'], 0)} "
            f"| {fr(r['baseline_peak_rss_mb'], 0)} | {fr(r['ratio_rss'])} | {fr(r['largest_process_rss_mb'], 0)} "
            f"| {fr(r['baseline_largest_process_rss_mb'], 0)} | {fr(r['ratio_rss_largest_process'])} "
            f"| {fr(r['s_per_page'], 4)} | {fr(r['search_download_gzip_bytes'] / 1024, 0)} "
            f"| {fr(r['baseline_search_download_gzip_bytes'] / 1024, 0)} |"
        )
    return "\n".join(lines)


# The targets of the issue on speed at portal scale, checked at the largest size measured.
TARGETS = (
    ("ratio_time", "ratio temps (construire / Material seul)", 1.2),
    ("ratio_rss", "ratio RSS, somme de l'arbre de processus", 1.2),
    ("rebuild_ratio", "reconstruction après un plan modifié / construction complète", 0.25),
    ("preview_one_plan_s", "aperçu d'un plan, en secondes", 1.0),
    ("search_download_kb", "recherche : Ko gzip avant le premier résultat", 300.0),
)


def targets(results: dict[str, Any], size: int) -> list[str]:
    """One French line per target: the figure, the limit, met or not (— when not measured)."""
    r = results[str(size)]
    figures = {
        "ratio_time": r["ratio_time"],
        "ratio_rss": r["ratio_rss"],
        "rebuild_ratio": results.get("rebuild_ratio"),
        "preview_one_plan_s": results.get("preview_one_plan_s"),
        "search_download_kb": r["search_download_gzip_bytes"] / 1024,
    }
    lines = [f"Cibles à {size} plans :"]
    for key, label, limit in TARGETS:
        value = figures[key]
        verdict = "non mesuré" if value is None else ("atteinte" if value <= limit else "MANQUÉE")
        lines.append(f"  {label} : {fr(value)} (au plus {fr(limit)}) : {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Mesurer la construction à 10, 30 et 100 plans contre Material seul.")
    parser.add_argument("--tailles", default=",".join(map(str, SIZES)), help="nombres de plans (défaut : 10,30,100)")
    parser.add_argument("--repetitions", type=int, default=2, help="essais par mesure, le plus rapide est gardé")
    parser.add_argument("--profil", action="store_true", help="profiler aussi MkDocs au plus grand nombre de plans")
    parser.add_argument("--variante", type=Path, help="autre copie du code à mesurer (DOSSIER/src, macros, overrides)")
    parser.add_argument("--resultats", type=Path, help="fichier JSON des résultats (défaut : bench/results.json)")
    parser.add_argument(
        "--une-fois",
        action="store_true",
        help="une seule mesure de vérifier, construire et Material seul (ex. --tailles 1000 --une-fois)",
    )
    args = parser.parse_args(argv)
    sizes = tuple(sorted(int(s) for s in args.tailles.split(",")))
    OPTIONS.once = args.une_fois
    OPTIONS.repeat = 1 if OPTIONS.once else max(args.repetitions, 1)
    OPTIONS.variant = args.variante.resolve() if args.variante else None
    default_results = BENCH / "results.json" if OPTIONS.variant is None else OUT / "results-variante.json"
    if OPTIONS.once:
        default_results = OUT / f"results-{'-'.join(map(str, sizes))}.json"
    results_path = args.resultats or default_results
    OUT.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()

    results: dict[str, Any] = {}
    details: dict[str, Any] = {"repetitions": OPTIONS.repeat, "variante": str(OPTIONS.variant or ""), "sizes": {}}
    projects = {}
    for size in sizes:
        measured = measure_size(size)
        results[str(size)] = measured["result"]
        details["sizes"][str(size)] = measured["details"]
        projects[size] = measured["project"]

    largest, smallest = sizes[-1], sizes[0]
    results["per_page_growth"] = round(results[str(largest)]["s_per_page"] / results[str(smallest)]["s_per_page"], 3)
    largest_result = results[str(largest)]
    rebuild: dict[str, Any] = {"s": float("nan")}
    if not OPTIONS.once:
        say(f"— {largest} plans : reconstruction après la modification d'un plan…")
        rebuild = rebuild_one_plan(projects[largest])
        results["rebuild_one_plan_s"] = round(rebuild["s"], 3)
        results["rebuild_ratio"] = round(rebuild["s"] / largest_result["build_s"], 3)
        details["rebuild_one_plan"] = rebuild
        say(f"— {largest} plans : aperçu d'un plan pendant sa modification…")
        preview = preview_one_plan(projects[largest])
        results["preview_one_plan_s"] = round(preview["s"], 3)
        details["preview_one_plan"] = preview
        say(f"  aperçu : {preview['s']:.2f} s (médiane de {len(preview['runs_s'])} enregistrements)")
        imported = import_word(projects[largest])
        results["import_word_50_pages_s"] = round(imported["s"], 3)
        details["import_word_50_pages"] = imported
        say(f"  import d'un document Word d'environ 50 pages : {imported['s']:.2f} s")
        refusals = import_refusals(projects[largest])
        results["import_refus_max_s"] = max(r["s"] for r in refusals.values())
        details["import_refus"] = refusals
        say(f"  refus des documents Word hostiles : {results['import_refus_max_s']:.2f} s au plus")
    results["machine"] = machine()
    if args.profil:
        say(f"— {largest} plans : profil pyinstrument de mkdocs build…")
        details["profile_top"] = profile(projects[largest])[:25]
    details["total_s"] = round(time.perf_counter() - start, 1)

    results_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    details_name = "details.json" if OPTIONS.variant is None else "details-variante.json"
    if OPTIONS.once:
        details_name = f"details-{'-'.join(map(str, sizes))}.json"
    (OUT / details_name).write_text(json.dumps(details, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(table(results, sizes))
    print()
    if largest != smallest:
        print(f"Temps par page, {largest} plans comparés à {smallest} : × {fr(results['per_page_growth'])}")
    if not OPTIONS.once:
        print(f"Reconstruction après la modification d'un plan ({largest} plans) : {fr(rebuild['s'])} s")
        print(f"Aperçu d'un plan mis à jour après son enregistrement : {fr(results['preview_one_plan_s'])} s")
    print()
    print("\n".join(targets(results, largest)))
    print(
        f"Meilleur de {OPTIONS.repeat} essais par mesure ; durée totale : {fr(details['total_s'], 0)} s ; "
        f"résultats : {results_path.relative_to(ROOT) if results_path.is_relative_to(ROOT) else results_path}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
