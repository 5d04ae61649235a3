"""Framing without HTTP headers (GitHub Pages): a page of the site shown in another origin's
frame is hidden; the summary card under integrer/ stays visible there; a page opened normally
is visible. Two servers on 127.0.0.1, on two ports (two origins), neither sending any header."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .conftest import Served, Visit, serve

pytestmark = pytest.mark.browser

PAGE = "plans/mrc-etchemins-pac-2022/"
CARD = "integrer/mrc-etchemins-pac-2022/"


@pytest.fixture(scope="module")
def bare_site(site: Path) -> Iterator[Served]:
    """The built site, served without any header (as GitHub Pages would, for framing)."""
    served, stop = serve(site)
    yield served
    stop()


@pytest.fixture(scope="module")
def other_origin(tmp_path_factory: pytest.TempPathFactory, bare_site: Served) -> Iterator[Served]:
    """A site of another origin that frames the site's pages, a card, and a page in a sandbox."""
    folder = tmp_path_factory.mktemp("autre-origine")
    frames = {
        "page": f'<iframe id="cadre" src="{bare_site.base}{PAGE}" width="1000" height="700"></iframe>',
        "carte": f'<iframe id="cadre" src="{bare_site.base}{CARD}" width="600" height="400"></iframe>',
        "bac-a-sable": f'<iframe id="cadre" sandbox="allow-scripts allow-forms" src="{bare_site.base}{PAGE}" '
        'width="1000" height="700"></iframe>',
        "accueil": f'<iframe id="cadre" src="{bare_site.base}" width="1000" height="700"></iframe>',
    }
    for name, frame in frames.items():
        head = f'<head><meta charset="utf-8"><title>{name}</title></head>'
        html = f'<!doctype html><html lang="fr">{head}<body>{frame}</body></html>'
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    served, stop = serve(folder)
    assert served.base.split("/")[2] != bare_site.base.split("/")[2]  # another port: another origin
    yield served
    stop()


def _shown(visit: Visit, site: Served) -> tuple[str, bool]:
    """The framed document's display, and whether its title (h1) can be seen."""
    frame = visit.page.frame(url=lambda url: url.startswith(site.base))
    assert frame is not None
    display = frame.evaluate("getComputedStyle(document.documentElement).display")
    return display, frame.locator("h1").first.is_visible()


@pytest.mark.parametrize("framing", ["page", "accueil", "bac-a-sable"])
def test_a_page_framed_by_another_origin_is_hidden(
    visit: Callable[..., Visit], bare_site: Served, other_origin: Served, framing: str, artifacts: Path
) -> None:
    seen = visit(f"{other_origin.base}{framing}.html")
    seen.page.screenshot(path=str(artifacts / "screenshots" / f"cadre-{framing}-1280.png"))
    assert _shown(seen, bare_site) == ("none", False)
    # Nothing in it can be clicked through the frame.
    frame = seen.page.frame_locator("#cadre")
    with pytest.raises(Exception, match=r"not visible|Timeout"):
        frame.locator("a").first.click(timeout=1500)


def test_the_card_stays_visible_in_another_origin_frame(
    visit: Callable[..., Visit], other_origin: Served, artifacts: Path
) -> None:
    seen = visit(f"{other_origin.base}carte.html", width=390, height=844)
    seen.page.screenshot(path=str(artifacts / "screenshots" / "cadre-carte-390.png"))
    frame = seen.page.frame(url=lambda url: "/integrer/" in url)
    assert frame is not None
    assert frame.evaluate("getComputedStyle(document.documentElement).display") != "none"
    assert frame.locator("a").first.is_visible()
    assert frame.evaluate("document.querySelectorAll('script').length") == 0  # the card runs nothing


@pytest.mark.parametrize("width", [390, 1280])
def test_a_page_opened_normally_is_visible(visit: Callable[..., Visit], bare_site: Served, width: int) -> None:
    seen = visit(bare_site.base + PAGE, width=width)
    assert seen.page.evaluate("getComputedStyle(document.documentElement).display") == "block"
    assert seen.page.locator("h1").first.is_visible()
    assert seen.page.evaluate("document.documentElement.hasAttribute('data-cadre-refuse')") is False
    assert seen.csp_violations() == []
    assert seen.errors == []
