"""Smoke test of the browser support: a local page loads, its third-party script is blocked."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.server import serve_directory

if TYPE_CHECKING:  # imported at run time only once pytest has loaded it as a plugin (assertion rewriting)
    from tests.support.browser import PageFactory

# Loads the fixtures (chromium, page) even before tests/conftest.py registers the plugin;
# registering it twice is harmless.
pytest_plugins = ["tests.support.browser"]

EXTERNAL_SCRIPT = "https://example.com/traceur.js"
PAGE = f"""<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Page d’essai</title><script src="{EXTERNAL_SCRIPT}"></script></head>
<body><h1>Bonjour</h1></body>
</html>
"""


@pytest.mark.browser
def test_external_request_is_blocked_and_recorded(tmp_path: Path, page: PageFactory) -> None:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    with serve_directory(tmp_path, prefix="/plan-ouvert/") as base:
        assert base.startswith("http://127.0.0.1:")
        assert base.endswith("/plan-ouvert/")
        opened = page(base)
        assert opened.page.title() == "Page d’essai"
        assert opened.page.locator("h1").inner_text() == "Bonjour"
    assert opened.blocked == [EXTERNAL_SCRIPT]
    assert opened.page_errors == []


def test_server_prefix_and_headers(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("contenu", encoding="utf-8")
    headers = {"Content-Security-Policy": "default-src 'self'"}
    with serve_directory(tmp_path, prefix="plan-ouvert", headers=headers) as base:
        with urllib.request.urlopen(base + "a.txt") as response:
            assert response.read() == b"contenu"
            assert response.headers["Content-Security-Policy"] == "default-src 'self'"
        with urllib.request.urlopen(base.rstrip("/")) as response:  # redirected to the prefix
            assert response.url == base
        with pytest.raises(urllib.error.HTTPError) as outside:
            urllib.request.urlopen(base.replace("/plan-ouvert/", "/a.txt"))
        assert outside.value.code == 404
        assert outside.value.headers["Content-Security-Policy"] == "default-src 'self'"
        outside.value.close()


@pytest.mark.parametrize(
    ("url", "local"),
    [
        ("http://127.0.0.1:8000/x", True),
        ("http://localhost/x", True),
        ("ws://[::1]:9/x", True),
        ("data:text/plain,a", True),
        ("https://example.com/x", False),
        ("http://127.0.0.1.example.com/x", False),
        ("http://10.0.0.1/x", False),
    ],
)
def test_is_local(url: str, local: bool) -> None:
    from tests.support.browser import is_local

    assert is_local(url) is local
