"""Serve a folder over HTTP on 127.0.0.1 for tests.

    with serve_directory(site, prefix="/plan-ouvert/", headers={"Content-Security-Policy": csp}) as base:
        ...  # base == "http://127.0.0.1:PORT/plan-ouvert/"

The server listens on an ephemeral port, runs in a background thread, logs nothing, and stops
when the block ends. A prefix mimics a GitHub Pages project site: the folder is served under it,
the prefix without its slash redirects to it, and every other path is a 404. Extra headers go
with every response, error pages included.
"""

from __future__ import annotations

import functools
import http.server
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

HOST = "127.0.0.1"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler under a URL prefix, quiet, with extra response headers."""

    prefix: ClassVar[str] = "/"
    extra_headers: ClassVar[Mapping[str, str]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean: no access log on stderr."""

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def do_GET(self) -> None:
        if self._outside_prefix():
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if self._outside_prefix():
            return
        super().do_HEAD()

    def _outside_prefix(self) -> bool:
        """Answer requests outside the prefix (a redirect or a 404) and say whether we did."""
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith(self.prefix):
            return False
        if path == self.prefix.rstrip("/"):
            self.send_response(http.HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", self.prefix)
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(http.HTTPStatus.NOT_FOUND)
        return True

    def translate_path(self, path: str) -> str:
        # Only called for paths under the prefix (see _outside_prefix); keep one leading slash.
        return super().translate_path("/" + path[len(self.prefix) :])


def _normalise_prefix(prefix: str) -> str:
    stripped = prefix.strip("/")
    return f"/{stripped}/" if stripped else "/"


@contextmanager
def serve_directory(
    directory: Path | str,
    *,
    prefix: str = "/",
    headers: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 under `prefix`; yield the base URL, ending with a slash."""
    root = Path(directory).resolve(strict=True)
    if not root.is_dir():
        raise NotADirectoryError(root)
    base_path = _normalise_prefix(prefix)
    handler_class = type("Handler", (_Handler,), {"prefix": base_path, "extra_headers": dict(headers or {})})
    server = http.server.ThreadingHTTPServer((HOST, 0), functools.partial(handler_class, directory=str(root)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root}", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_port}{base_path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
