"""The Content Security Policy allows the theme's inline scripts, and only those."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from plan_ouvert.outputs import csp

THEME = Path(str(files("material"))) / "templates"


@pytest.fixture(scope="module")
def known() -> list[re.Pattern[str]]:
    return list(csp.theme_scripts(p.read_text(encoding="utf-8") for p in THEME.rglob("*.html")))


def _bootstrap(base_url: str) -> str:
    """Material's first inline script (__md_scope, __md_get…) as a page at `base_url` has it."""
    template = (THEME / "partials" / "javascripts" / "base.html").read_text(encoding="utf-8")
    (body,) = [b for _, b in csp.INLINE_SCRIPT.findall(template)]
    return f"<script>{csp.JINJA.sub(base_url, body)}</script>"


def test_theme_scripts_are_recognised_at_any_depth(known: list[re.Pattern[str]]) -> None:
    page = "".join(_bootstrap(url) for url in ("/plan-ouvert/", ".", "../../..")) + (
        '<script id="__config" type="application/json">{"base": ".."}</script>'
        "<script>var target=document.getElementById(location.hash.slice(1));"
        'target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))</script>'
    )
    assert csp.unknown_scripts(page, known) == []
    assert len(csp.script_hashes(page, known)) == 4


def test_other_inline_scripts_are_reported_and_never_allowed(known: list[re.Pattern[str]]) -> None:
    escaped = _bootstrap('..",location),alert(document.cookie),("')  # leaves the theme's string
    page = f"{_bootstrap('..')}<script>alert(1)</script>{escaped}"
    unknown = csp.unknown_scripts(page, known)
    assert unknown[0] == "alert(1)"
    assert len(unknown) == 2 and "alert(document.cookie)" in unknown[1]
    allowed = csp.script_hashes(page, known)
    assert allowed == csp.script_hashes(_bootstrap(".."))
    assert f"script-src 'self' {allowed[0]}\"" in csp.add_meta(f"<head>{page}</head>", allowed)


def test_every_page_but_the_cards_loads_the_framing_defence_and_redirects_have_the_policy(site: Path) -> None:
    """GitHub Pages sends no header: the page itself must refuse a frame of another origin (see
    tests/browser/test_cadre.py); the redirect pages of renamed ids carry the policy as well."""
    from bs4 import BeautifulSoup

    defence = "assets/plan-ouvert-cadre.js"
    assert (site / defence).is_file()
    pages = sorted(site.rglob("*.html"))
    redirects = cards = 0
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
        assert policy is not None, path
        scripts = [s.get("src", "") for s in soup.find_all("script")]
        relative = path.relative_to(site).as_posix()
        if relative.startswith("integrer/") and relative.count("/") == 2:  # a card
            cards += 1
            assert scripts == [] and "frame" not in policy["content"]
        elif soup.find("meta", attrs={"http-equiv": "refresh"}):
            redirects += 1
            assert "script-src 'self'" in policy["content"] and scripts == []
        else:
            loaded = [s for s in scripts if s.endswith(defence)]
            assert len(loaded) == 1, relative
            head = soup.head.find("script", src=lambda s: bool(s) and s.endswith(defence))
            assert head is not None, relative  # in <head>: before the page is drawn
    assert cards >= 3 and redirects >= 1
