"""What a visitor downloads for search before the first result, measured in Chromium.

The built site is served on 127.0.0.1; for each query, a fresh browser context (empty cache)
opens the home page, types the query in the search box (100 ms between keys, a quick
typist: each key released is a query), and waits for the result count. Every file of the search
that the page requested from its opening until then is counted at its gzip size (level 9, as a
static host compresses it): Material's index, worker and lunr files for plain Material; the
stub index, the worker and the fragments for Plan ouvert. The figure kept is the largest over
the queries; the per-query figures are in the details.

Usable alone: `python bench/recherche.py SITE_DIR [QUERY…]`.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import sys
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-quic"]
# Words of the synthetic plans (bench/generate.py), from rare to very common, and the real ones.
QUERIES = (
    "entreprises",
    "l'entreprise",
    "developpement economique",
    "strategie d'attraction des personnes immigrantes",
    "echeance",
    "plan d'action de la MRC",
)
TYPING_MS = 100  # a quick typist: ten keys a second, each a query
SEARCH_FILES = ("search/", "assets/javascripts/workers/", "assets/javascripts/lunr/", "assets/javascripts/recherche.js")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def gzip_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def measure(site: Path, queries: tuple[str, ...] = QUERIES) -> dict[str, Any]:
    """{"max_gzip_bytes": …, "queries": {query: {"gzip_bytes", "files", "results"}}}."""
    from playwright.sync_api import sync_playwright

    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    measured: dict[str, Any] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for query in queries:
                measured[query] = _one(browser, base, site, query)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"max_gzip_bytes": max(q["gzip_bytes"] for q in measured.values()), "queries": measured}


def _one(browser: Any, base: str, site: Path, query: str) -> dict[str, Any]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(base)
    page.locator("label.md-header__button[for='__search']").click()  # the magnifier, on a phone
    page.locator(".md-search__input").press_sequentially(query, delay=TYPING_MS)
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && /trouvé|Aucun/.test(m.innerText); }",
        timeout=120_000,
    )
    time.sleep(0.2)
    results = page.locator(".md-search-result__item").count()
    context.close()
    paths = {url[len(base) :].split("?")[0] for url in requested if url.startswith(base)}
    files = sorted(path for path in paths if path.startswith(SEARCH_FILES))
    return {"gzip_bytes": sum(gzip_size(site / f) for f in files), "files": len(files), "results": results}


if __name__ == "__main__":
    site_dir = Path(sys.argv[1])
    figures = measure(site_dir, tuple(sys.argv[2:]) or QUERIES)
    for text, figure in figures["queries"].items():
        size, files, found = figure["gzip_bytes"] / 1024, figure["files"], figure["results"]
        print(f"{size:8.1f} Ko  {files:4d} fichiers  {found:3d} résultats  {text}")
    print(f"{figures['max_gzip_bytes'] / 1024:8.1f} Ko au plus")
