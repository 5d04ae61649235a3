"""`plan-ouvert liens-externes`: check the web addresses that plans cite, and write a report.

The only command that uses the network; the build never does. Each address is asked once
(HEAD, then GET for servers that refuse HEAD), a few at a time, with a short timeout.
"""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.model import Record, public_fields

URL = re.compile(r"https?://[^\s<>\"'«»)]+")
USER_AGENT = "plan-ouvert-liens/1.0 (+verification des liens des plans)"


@dataclass(frozen=True)
class Citation:
    url: str
    file: str
    line: int
    where: str  # dotted YAML path


@dataclass(frozen=True)
class Result:
    url: str
    ok: bool
    status: str  # « 200 », « 404 », « délai dépassé »...


def _strings(record: BaseModel, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for name, value in public_fields(record):  # `prive` is never sent anywhere, not even to check it
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            where = (*path, name, index) if isinstance(value, list) else (*path, name)
            if isinstance(item, str):
                yield where, item
            elif isinstance(item, BaseModel):
                yield from _strings(item, item._path if isinstance(item, Record) else where)


def citations(paths: list[Path]) -> list[Citation]:
    catalogue = load_catalogue(paths)
    found = []
    for entry in catalogue.entries:
        for where, text in _strings(entry.plan, ()):
            for url in URL.findall(text):
                line, _column = entry.source.locate(where)
                found.append(Citation(url.rstrip(".,;"), entry.source.display, line, ".".join(map(str, where))))
    return found


def check(url: str, timeout: float = 10.0) -> Result:
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, see URL)
                return Result(url, True, str(response.status))
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some servers refuse HEAD: ask again with GET
            return Result(url, False, str(exc.code))
        except TimeoutError:
            return Result(url, False, "délai dépassé")
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return Result(url, False, f"injoignable ({reason})")
    return Result(url, False, "refusé")


def report(found: list[Citation], results: dict[str, Result]) -> str:
    broken = [c for c in found if not results[c.url].ok]
    lines = [
        "# Liens externes des plans",
        "",
        f"{len(results)} adresse(s) vérifiée(s), citée(s) {len(found)} fois ; {len(broken)} citation(s) en échec.",
        "",
        "| Adresse | Résultat | Fichier | Ligne | Champ |",
        "|---|---|---|---|---|",
    ]
    for citation in sorted(found, key=lambda c: (results[c.url].ok, c.file, c.line)):
        result = results[citation.url]
        verdict = f"OK ({result.status})" if result.ok else f"**en échec : {result.status}**"
        lines.append(f"| {citation.url} | {verdict} | {citation.file} | {citation.line} | {citation.where} |")
    return "\n".join(lines) + "\n"


def liens_externes(chemins: list[str], rapport: str = "rapport-liens-externes.md", delai: float = 10.0) -> int:
    """`plan-ouvert liens-externes`: check every Web address the plans cite; write a report."""
    found = citations([Path(p) for p in chemins] or [Path("plans")])
    urls = sorted({c.url for c in found})
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(urls, pool.map(lambda u: check(u, delai), urls), strict=True))
    text = report(found, results)
    Path(rapport).write_text(text, encoding="utf-8")
    broken = sum(1 for r in results.values() if not r.ok)
    print(f"{len(urls)} adresse(s) vérifiée(s), {broken} en échec ; rapport : {rapport}", file=sys.stderr)
    return 1 if broken else 0
