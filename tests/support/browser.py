"""Pytest plugin: Debian's Chromium driven by Playwright, cut off from everything but this machine.

Fixtures:

- `playwright_session` (session): the Playwright driver.
- `chromium` (session): headless /usr/bin/chromium. Missing Chromium fails the test, never skips
  it: `make test` installs Chromium.
- `page` (function): a factory. `page(url)` opens `url` in a fresh browser context and returns a
  `BrowserPage`; `page()` opens nothing, for a test that navigates itself. Every request, WebSocket
  included, to a host other than 127.0.0.1, localhost or [::1] is aborted and its URL recorded in
  `.blocked`; console errors land in `.console_errors` and uncaught exceptions in `.page_errors`.
  Contexts close at the end of the test.

Register it project-wide with `pytest_plugins = ["tests.support.browser"]` in tests/conftest.py
(see plugin_registration.txt), or for one run with `python -m pytest -p tests.support.browser`.
"""

from __future__ import annotations

import asyncio
import gc
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Route,
    WebSocketRoute,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = Path("/usr/bin/chromium")
# As root on a machine whose only network is the package registries: no sandbox, no GPU, and no
# background traffic of Chromium's own (each refused connection would slow the start down).
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]", "::1"})
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine: loopback hosts, data:, blob: and about: URLs."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class BrowserPage:
    """A page in its own context, with what it tried to fetch outside and what went wrong in it."""

    page: Page
    context: BrowserContext
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def goto(self, url: str) -> None:
        """Open `url` and wait until the network is quiet (blocked requests fail at once)."""
        self.page.goto(url)
        self.page.wait_for_load_state("networkidle")


PageFactory = Callable[..., BrowserPage]


def _running_playwright() -> Playwright | None:
    """The sync Playwright that other code already started in this thread, if any.

    Two `sync_playwright()` cannot run at once in one thread: the second fails with "using
    Playwright Sync API inside the asyncio loop". tests/browser/conftest.py starts its own for
    the whole session; until it takes its browser from the `chromium` fixture, share its driver.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None
    for candidate in gc.get_objects():
        if isinstance(candidate, Playwright) and candidate._loop is loop:
            return candidate
    return None


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    running = _running_playwright()
    if running is not None:
        yield running  # started elsewhere: not ours to stop
        return
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_session: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(
            f"{CHROMIUM} est introuvable : lancez « make test », qui installe Chromium (paquet Debian chromium).",
            pytrace=False,
        )
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=list(CHROMIUM_ARGS))
    yield browser
    browser.close()


def _watch(record: BrowserPage) -> None:
    """Abort and record every request that leaves this machine; collect errors."""

    def on_request(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            record.blocked.append(url)
            route.abort("blockedbyclient")

    def on_websocket(websocket: WebSocketRoute) -> None:
        if is_local(websocket.url):
            websocket.connect_to_server()
        else:
            record.blocked.append(websocket.url)
            websocket.close(code=1008, reason="blocked by the test")

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            record.console_errors.append(message.text)

    def on_page_error(error: PlaywrightError) -> None:
        record.page_errors.append(f"{error.name}: {error.message}")

    record.context.route("**/*", on_request)
    record.context.route_web_socket("**/*", on_websocket)
    record.page.on("console", on_console)
    record.page.on("pageerror", on_page_error)


@pytest.fixture
def page(chromium: Browser) -> Iterator[PageFactory]:
    contexts: list[BrowserContext] = []

    def open_page(
        url: str | None = None,
        *,
        width: int = 1280,
        height: int = 900,
        locale: str = "fr-CA",
    ) -> BrowserPage:
        # Service workers would fetch behind the routing's back: block them.
        context = chromium.new_context(
            viewport={"width": width, "height": height}, locale=locale, service_workers="block"
        )
        contexts.append(context)
        record = BrowserPage(page=context.new_page(), context=context)
        _watch(record)
        if url is not None:
            record.goto(url)
        return record

    yield open_page
    for context in contexts:
        context.close()
