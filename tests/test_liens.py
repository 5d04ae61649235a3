"""`liens-externes` against a real HTTP server on 127.0.0.1 (the only network tests may use)."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import run_cli
from .helpers import petit, plans_folder


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        if self.path == "/sans-head" and self.command == "HEAD":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/ok", "/sans-head") else 404)
        self.end_headers()

    do_HEAD = _answer
    do_GET = _answer


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Handler))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_external_links_report(tmp_path: Path, server: str) -> None:
    text = (
        petit("petit-pac")
        .replace(
            "    nom: Carrefour jeunesse-emploi de Petite-Rivière\n",
            f"    nom: Carrefour jeunesse-emploi de Petite-Rivière\n    site_web: {server}/ok\n",
        )
        .replace(
            "        commentaires: Inclus dans les frais de gestion",
            f"        commentaires: Voir {server}/absent et {server}/sans-head.",
        )
    )
    text = text.replace("  - id: mrc\n", f"  - id: mrc\n    prive:\n      note: {server}/secret\n", 1)
    folder = plans_folder(tmp_path, {"petit-pac.yml": text})
    result = run_cli("liens-externes", str(folder), "--rapport", "rapport.md", cwd=tmp_path)
    assert result.returncode == 1
    assert "3 adresse(s) vérifiée(s), 1 en échec" in result.stderr
    rapport = (tmp_path / "rapport.md").read_text(encoding="utf-8")
    assert f"| {server}/absent | **en échec : 404** |" in rapport
    assert f"| {server}/ok | OK (200) |" in rapport and f"| {server}/sans-head | OK (200) |" in rapport
    line = text[: text.index(f"{server}/ok")].count("\n") + 1
    assert f"| {line} | partenaires.1.site_web |" in rapport
    assert "/secret" not in rapport  # prive is never sent anywhere


def _page(title: str, body: str) -> str:
    return f"<!doctype html><html lang=fr><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"


def test_site_check_refuses_folder_links_in_the_offline_variant(tmp_path: Path) -> None:
    from plan_ouvert.outputs.sitecheck import check_site

    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "index.html").write_text(_page("Plans", '<a href="../index.html">Accueil</a>'))
    (tmp_path / "index.html").write_text(
        _page("Accueil", '<a href="plans/">Plans</a> <a href="plans">Plans</a> <a href="plans/index.html">Plans</a>')
    )
    assert check_site(tmp_path) == []  # a web server answers a folder with its index.html
    problems = check_site(tmp_path, directory_urls=False)
    assert problems == [
        "index.html:1 : lien « plans/ » vers un dossier : la variante hors ligne s'ouvre depuis le disque, "
        "où un lien doit nommer sa page (plans/index.html).",
        "index.html:1 : lien « plans » vers un dossier : la variante hors ligne s'ouvre depuis le disque, "
        "où un lien doit nommer sa page (plans/index.html).",
    ]
