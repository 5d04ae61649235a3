"""Browser fixtures: the built site served on 127.0.0.1 under a sub-path, and Debian's Chromium.

Every request that does not go to 127.0.0.1 is aborted and recorded, so a test can assert
that a page makes no third-party request. Chromium missing is a failure, never a skip:
`make test` installs it.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import pytest

CHROMIUM = "/usr/bin/chromium"
PREFIX = "/plan-ouvert/"  # like a GitHub Pages project site
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class _Handler(http.server.SimpleHTTPRequestHandler):
    extra_headers: ClassVar[dict[str, str]] = {}

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def translate_path(self, path: str) -> str:
        if not path.startswith(PREFIX):
            return str(Path(self.directory) / "__absent__")
        return super().translate_path("/" + path[len(PREFIX) :])


@dataclass
class Served:
    base: str  # "http://127.0.0.1:PORT/plan-ouvert/"
    headers: dict[str, str] = field(default_factory=dict)


def serve(directory: Path, headers: dict[str, str] | None = None) -> tuple[Served, Callable[[], None]]:
    handler = type("Handler", (_Handler,), {"extra_headers": headers or {}})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return Served(f"http://127.0.0.1:{server.server_port}{PREFIX}", headers or {}), stop


def _headers_of(site: Path) -> dict[str, str]:
    """The headers the build wrote in _headers, as a host that honours that file would send them."""
    headers = {}
    rule = ""
    for line in (site / "_headers").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line[0].isspace():  # a rule's path; its headers follow, indented
            rule = line.strip()
        elif rule in ("/*", "/plans/*"):  # the headers of a plan's pages
            name, _, value = line.strip().partition(": ")
            headers[name] = value
    return headers


@pytest.fixture(scope="session")
def served(site: Path) -> Iterator[Served]:
    info, stop = serve(site, _headers_of(site))
    yield info
    stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} est absent : lancez « make test », qui installe Chromium.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@dataclass
class Visit:
    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__cspViolations || []"))


@pytest.fixture
def visit(browser: Any) -> Iterator[Callable[..., Visit]]:
    contexts: list[Any] = []

    def open_page(url: str, width: int = 1280, height: int = 900) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA")
        contexts.append(context)
        record = Visit(context.new_page())

        def route(request_route: Any) -> None:
            target = request_route.request.url
            if target.startswith(("http://127.0.0.1", "data:", "blob:")):
                request_route.continue_()
            else:
                record.blocked.append(target)
                request_route.abort()

        context.route("**/*", route)
        context.add_init_script(
            "window.__cspViolations = [];"
            "document.addEventListener('securitypolicyviolation',"
            " e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        record.page.on("pageerror", lambda exc: record.errors.append(str(exc)))
        record.page.on("console", lambda msg: record.errors.append(msg.text) if msg.type == "error" else None)
        record.page.goto(url)
        record.page.wait_for_load_state("networkidle")
        return record

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    shutil.rmtree(ARTIFACTS / "screenshots", ignore_errors=True)
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


_FOUND = "() => /^\\d+ documents? trouvé/.test(document.querySelector('.md-search-result__meta').innerText)"


def search_for(page: Any, query: str) -> None:
    """Put `query` in Material's search box as one query (pasted, then a key released: Material
    reads the box on each key release) and wait for its results. Typed letter by letter, each
    letter would be a query, and the results of the first letters could show first."""
    box = page.locator(".md-search__input")
    box.click()
    box.fill(query)
    box.press("End")
    page.wait_for_function(_FOUND, timeout=60000)


def settle_search(page: Any, requested: list[str]) -> None:
    """After typing letter by letter: wait for results, then until no new request was made and
    the list stayed the same for a second (the answer to the last letter comes last)."""
    page.wait_for_function(_FOUND, timeout=60000)
    previous: tuple[int, str] | None = None
    stable = 0
    while stable < 5:
        page.wait_for_timeout(200)
        current = (len(requested), page.locator(".md-search-result__list").inner_html())
        stable = stable + 1 if current == previous else 0
        previous = current
