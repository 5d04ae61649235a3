"""What only a browser shows: search as people type, accessibility, privacy, keyboard, phone."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from .conftest import PREFIX, Served, Visit, search_for, settle_search

pytestmark = pytest.mark.browser

PIAR = "plans/mrc-lassomption-piar-2021/"
PAC = "plans/mrc-etchemins-pac-2022/"
LAYOUTS = {
    "accueil": "",
    "liste": "plans/",
    "plan-piar": PIAR,
    "plan-pac": PAC,
    "enjeu": f"{PIAR}enjeux/3/",
    "action": f"{PIAR}actions/3-1/",
    "objectif": f"{PAC}objectifs/6/",
    "moyen": f"{PAC}moyens/3-3/",
    "partenaires": f"{PAC}partenaires/",
    "partenaire": f"{PAC}partenaires/cjee/",
    "programme": f"{PIAR}programme/",
    "echeances": f"{PAC}echeances/",
    "clienteles": f"{PAC}clienteles/",
    "clientele": f"{PAC}clienteles/municipalites/",
    "etat": f"{PAC}etat/",
    "rapport": "plans/demo-mrc-fictive-pac-2024/rapport/an-1/",
    "suivi": "plans/demo-mrc-fictive-pac-2024/suivi/",
    "historique": f"{PAC}historique/",
    "donnees": "donnees/",
    "guide": "guide/codes/",
    # The page a host sends for any missing address: a theme template, not a Markdown page.
    "introuvable": "404.html",
}


def search(visit: Callable[..., Visit], served: Served, query: str) -> list[str]:
    """Type a query in Material's search box; return result links, relative to the site."""
    page = visit(served.base).page
    search_for(page, query)
    hrefs: list[str] = page.locator(".md-search-result__item > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    pages = [h.split(PREFIX, 1)[1].split("?")[0] for h in hrefs]
    return list(dict.fromkeys(pages))  # one entry per page, in rank order


@pytest.mark.parametrize(
    ("query", "expected", "rank"),
    [
        ("strategie", f"{PAC}moyens/1-1/", 1),  # « stratégie »: accents folded
        ("STRATEGIE", f"{PAC}moyens/1-1/", 1),
        ("benevoles", f"{PAC}moyens/2-3/", 2),  # « bénévoles »: after the clientèle « Bénévoles »
        ("trousse", f"{PAC}moyens/2-2/", 2),
        ("immigres", "plans/demo-mrc-fictive-pac-2024/moyens/1-1/", 1),  # « immigrées » (demo plan)
        ("5oo", f"{PAC}moyens/3-3/", 2),  # after the guide, which cites it as an example
        # The action that names it in its own words (its title) comes first, then its enjeu.
        ("PAUPME", f"{PIAR}enjeux/3/", 2),
    ],
)
def test_search_lands_on_the_record_page(
    visit: Callable[..., Visit], served: Served, query: str, expected: str, rank: int
) -> None:
    results = search(visit, served, query)
    assert expected in results[:rank], results[:5]


def test_search_folds_accents_of_the_query_and_the_text(visit: Callable[..., Visit], served: Served) -> None:
    results = search(visit, served, "echeance")
    assert f"{PAC}echeances/" in results
    assert any(r.startswith(f"{PAC}clienteles/elus") for r in search(visit, served, "elus"))  # « Élus »


def test_search_handles_elisions(visit: Callable[..., Visit], served: Served) -> None:
    # « d’accueil » is indexed as « accueil »: the welcome activities, kit and committees are
    # found, each first among the pages holding the words together.
    assert f"{PAC}moyens/2-1/" in search(visit, served, "activites d'accueil")[:3]
    assert f"{PAC}moyens/2-2/" in search(visit, served, "trousse d'accueil")[:2]
    assert f"{PAC}moyens/2-3/" in search(visit, served, "comite d'accueil")[:2]
    assert {f"{PAC}moyens/2-2/", f"{PAC}moyens/2-3/"} <= set(search(visit, served, "accueil"))
    # With the straight apostrophe too: « investissement » appears only as « d'investissement ».
    results = set(search(visit, served, "investissement"))
    assert {f"{PIAR}enjeux/1/", f"{PIAR}actions/2-1/"} <= results


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_no_third_party_request_and_no_script_error(visit: Callable[..., Visit], served: Served, layout: str) -> None:
    record = visit(served.base + LAYOUTS[layout])
    assert record.page.locator("h1").count() == 1
    assert record.blocked == []
    assert record.errors == []
    assert record.csp_violations() == []  # the pages work under their Content Security Policy


AXE_PAGES = LAYOUTS
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.mark.parametrize("layout", list(AXE_PAGES))
def test_axe_finds_no_violation(visit: Callable[..., Visit], served: Served, layout: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = visit(served.base + AXE_PAGES[layout]).page
    results = Axe().run(page, options=WCAG_AA)
    violations = results.response["violations"]
    assert violations == [], results.generate_report()


def test_not_found_page_stays_accessible_without_the_stylesheets(browser: Any, served: Served) -> None:
    """A site served under another address than its configured one loses its stylesheets on the
    404 page (its links start from that address): the page must still read well."""
    from axe_playwright_python.sync_playwright import Axe

    def local_without_stylesheets(route: Any) -> None:
        request = route.request
        if request.resource_type == "stylesheet" or not request.url.startswith("http://127.0.0.1"):
            route.abort()
        else:
            route.continue_()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA")
    try:
        context.route("**/*", local_without_stylesheets)
        page = context.new_page()
        page.goto(served.base + "404.html")
        page.wait_for_load_state("networkidle")
        # The theme's stylesheet did not apply: its header would stick to the top of the window.
        assert page.locator(".md-header").evaluate("e => getComputedStyle(e).position") == "static"
        results = Axe().run(page, options=WCAG_AA)
        assert results.response["violations"] == [], results.generate_report()
        assert page.get_by_role("heading", level=1).inner_text() == "Page introuvable"
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_timeline_labels_never_overlap(visit: Callable[..., Visit], served: Served, width: int) -> None:
    """Year headings, row labels and bars of the timeline, measured as drawn: no two touch."""
    page = visit(served.base + LAYOUTS["suivi"], width=width).page
    box = (
        "e => { const r = e.getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; }"
    )
    shapes = page.locator(".po-timeline svg text, .po-timeline svg rect").evaluate_all(
        f"els => els.map(e => ({{...({box})(e), name: e.textContent.trim()}}))"
    )
    frame = page.locator(".po-timeline svg").evaluate(box)
    heads = page.locator(".po-timeline svg .po-tl-head").count()
    assert heads >= 3 and len(shapes) > heads
    for shape in shapes:  # nothing is cut off at the drawing's edges
        assert frame["left"] <= shape["left"] and shape["right"] <= frame["right"] + 0.5, shape
    overlaps = [
        (a["name"], b["name"])
        for a, b in itertools.combinations(shapes, 2)
        if min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
        and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    ]
    assert overlaps == []


def test_two_taps_from_a_plan_to_any_action(visit: Callable[..., Visit], served: Served) -> None:
    page = visit(served.base).page
    page.get_by_role("link", name="Programmation des activités ou projets").first.click()
    page.get_by_role("link", name="Moyen d'action 3.3").first.click()
    assert page.url == served.base + f"{PAC}moyens/3-3/"
    # Headed by its own words, its number beside.
    assert page.locator("h1").inner_text().startswith("Développer et tenir à jour une programmation commune")
    assert page.locator(".po-numero").inner_text() == "Moyen d'action 3.3"


def test_keyboard_reaches_content_and_follows_links(visit: Callable[..., Visit], served: Served) -> None:
    page = visit(served.base + f"{PAC}moyens/1-1/").page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Aller au contenu"
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('rel')") == "next":
            break
    else:
        pytest.fail("le lien « Suivant » n'est pas atteignable au clavier")
    page.keyboard.press("Enter")
    page.wait_for_url(served.base + f"{PAC}moyens/1-2/")


def test_screenshots_phone_and_desktop(visit: Callable[..., Visit], served: Served, artifacts: Path) -> None:
    for name, width in (("telephone", 390), ("bureau", 1280)):
        record = visit(served.base + f"{PIAR}actions/3-1/", width=width)
        # On a phone, nothing is wider than the screen: no sideways scrolling.
        assert record.page.evaluate("document.documentElement.scrollWidth") <= width
        record.page.screenshot(path=str(artifacts / "screenshots" / f"action-{name}.png"), full_page=True)
    overview = visit(served.base + PAC, width=390).page
    assert overview.evaluate("document.documentElement.scrollWidth") <= 390
    label = overview.locator("table.po-apercu-pac td[data-label='Échéance']").first
    assert "Échéance" in label.evaluate("e => getComputedStyle(e, '::before').content")


def test_print_stylesheet_hides_navigation(visit: Callable[..., Visit], served: Served, artifacts: Path) -> None:
    page: Any = visit(served.base + PIAR).page
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden()
    assert page.locator(".po-edit").is_hidden()
    assert page.locator("table.po-apercu-piar").is_visible()
    page.pdf(path=str(artifacts / "plan-piar.pdf"))
    assert (artifacts / "plan-piar.pdf").stat().st_size > 10_000


@pytest.fixture(scope="session")
def offline_site(offline_project: Path) -> Path:
    return offline_project / "site-hors-ligne"


def test_offline_variant_works_opened_from_disk(browser: Any, offline_site: Path) -> None:
    page = browser.new_page()
    errors: list[str] = []
    outside: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("request", lambda request: None if request.url.startswith("file:") else outside.append(request.url))
    page.goto((offline_site / "index.html").as_uri())
    page.get_by_role("link", name="Programmation des activités ou projets").first.click()
    page.get_by_role("link", name="Moyen d'action 3.3").first.click()
    assert page.url == (offline_site / PAC / "moyens/3-3/index.html").as_uri()
    page.get_by_role("link", name="TCIE").first.click()
    assert page.locator("h1").inner_text() == "Partenaire\u00a0: TCIE"  # French spacing before the colon
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially("strategie", delay=20)
    settle_search(page, requested)
    first = page.locator(".md-search-result__item > a").first
    assert first.get_attribute("href").startswith((offline_site / PAC / "moyens/1-1/index.html").as_uri())
    assert errors == []
    assert outside == []  # no CDN, not even for the offline search worker
    page.close()
