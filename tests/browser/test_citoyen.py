"""What a citizen meets, measured in Chromium at five screen widths, and on paper.

Pages: the plan, an upper element (enjeu), a lower element (action), the plans list, a
programme, the follow-up and a report page, for the three sample plans and for plans of
kinds written as data (a generic plan d'action and a PDZA, plus a plan of our own for search).

What is measured is what a reader sees: a word cut over two lines inside a table cell (the
line boxes of its first and last letters differ), a caption narrower than its table, a table
wider than its box without a word saying so, the page's height, axe-core's findings.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import copy_project
from ..helpers import ROOT
from ..test_types import GENERIQUE, PLAN_ACTION, build, yaml_block
from .conftest import PREFIX, Served, Visit, _headers_of, serve

pytestmark = pytest.mark.browser

PIAR = "plans/mrc-lassomption-piar-2021/"
PAC = "plans/mrc-etchemins-pac-2022/"
DEMO = "plans/demo-mrc-fictive-pac-2024/"
PDZA = "plans/mrc-exemple-pdza-2024/"
GEN = f"plans/{GENERIQUE}/"
TRANSPORT = "plans/mrc-test-transport-2025/"
WIDTHS = (320, 390, 768, 1280, 1920)
PAGES = {
    "accueil": "",
    "liste": "plans/",
    "programme-portail": "programmes/acces-entreprise-quebec/",
    "piar": PIAR,
    "piar-enjeu": f"{PIAR}enjeux/2/",
    "piar-action": f"{PIAR}actions/2-1/",
    "piar-programme": f"{PIAR}programme/",
    "piar-suivi": f"{PIAR}suivi/",
    "pac": PAC,
    "pac-objectif": f"{PAC}objectifs/1/",
    "pac-moyen": f"{PAC}moyens/1-3/",
    "pac-programme": f"{PAC}programme/",
    "pac-suivi": f"{PAC}suivi/",
    "pac-rapport": f"{PAC}rapport/an-1/",
    "demo": DEMO,
    "demo-suivi": f"{DEMO}suivi/",
    "demo-rapport": f"{DEMO}rapport/an-1/",
    "generique": GEN,
    "generique-haut": f"{GEN}orientations/milieu/",
    "generique-action": f"{GEN}actions/horaire/",
    "generique-programme": f"{GEN}programme/",
    "generique-suivi": f"{GEN}suivi/",
    "generique-rapport": f"{GEN}rapport/an-1/",
    "pdza": PDZA,
}

# A plan unlike the seeds, for search: words of the queries scattered over other actions, so
# that only the action holding them together can rank first.
TRANSPORT_PLAN = """\
id: mrc-test-transport-2025
gabarit: plan-action
titre: Plan de mobilité durable
organisme: {nom: MRC du Lac-Test}
statut: adopte
annees:
  - {numero: 1, debut: 2025, fin: 2026}
orientations:
  - id: collectif
    texte: Développer le transport collectif autour du lac
    objectifs:
      - id: desserte
        texte: Desservir les villages du lac et la gare
        actions:
          - id: navette-lac
            texte: Lancer la navette du lac entre les quatre villages riverains
            echeance: Été 2025
          - id: horaires
            texte: Publier les horaires du train et de la navette scolaire
            echeance: An 1
          - id: quai
            texte: Réaménager le quai du lac pour les cyclistes
            echeance: An 1
  - id: actif
    texte: Favoriser le transport actif
    objectifs:
      - id: velo
        texte: Relier les villages à vélo
        actions:
          - id: pistes
            texte: Prolonger la piste cyclable vers la banque alimentaire et les terres du rang
            echeance: An 1
          - id: stationnement
            texte: Ajouter des supports à vélo près de la banque et de l'église
            echeance: An 1
"""

# A page is at most this many times as tall as its text would be set in one column of the
# screen's width (lines of 24 px, glyphs of 8 px on average in DejaVu Sans), plus room for the
# header, the navigation and white space. An overview table leaves room in its cells (its
# columns hold unequal amounts of text), which the factor allows: the seed overviews measure
# 2.6 to 3.2 times their text. Before this bound, the L'Assomption PIAR at 1280 px, every word
# cut, was 20,500 px tall: 9 times its text.
HEIGHT_FACTOR = 3.5
HEIGHT_ROOM = 2000

MEASURE = r"""
() => {
  const out = {broken: [], captions: [], uncued: [], overflow: false, height: 0, chars: 0};
  const word = /[\p{L}\p{N}’']{2,}/gu;
  const cells = document.querySelectorAll("article td, article th");
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      for (const m of node.data.matchAll(word)) {
        const range = document.createRange();
        range.setStart(node, m.index); range.setEnd(node, m.index + 1);
        const first = range.getClientRects()[0];
        range.setStart(node, m.index + m[0].length - 1); range.setEnd(node, m.index + m[0].length);
        const last = range.getClientRects()[0];
        if (!first || !last || Math.abs(first.top - last.top) < first.height / 2) continue;
        range.setStart(node, m.index);
        const width = Array.from(range.getClientRects()).reduce((a, r) => a + r.width, 0);
        const style = getComputedStyle(cell);
        const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        if (width <= room + 1) out.broken.push(m[0]);  // a word its cell could hold, cut
      }
    }
  }
  for (const table of document.querySelectorAll("article table")) {
    const caption = table.querySelector("caption");
    if (!caption) continue;
    const c = caption.getBoundingClientRect(), t = table.getBoundingClientRect();
    const label = caption.textContent.trim();
    if (c.width + 1 < Math.min(t.width, table.parentElement.clientWidth)) out.captions.push(label);
    if (c.height > 6 * parseFloat(getComputedStyle(caption).lineHeight)) out.captions.push("haute : " + label);
  }
  for (const wrap of document.querySelectorAll(".po-table-wrap")) {
    if (wrap.scrollWidth <= wrap.clientWidth + 1) continue;
    const hint = wrap.previousElementSibling;
    const cued = hint && hint.classList.contains("po-defile") && wrap.tabIndex === 0;
    if (!cued) out.uncued.push(wrap.getAttribute("aria-labelledby"));
  }
  out.overflow = document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;
  out.height = document.documentElement.scrollHeight;
  const article = document.querySelector("article") || document.querySelector(".md-content");
  out.chars = article.innerText.length;
  return out;
}
"""


@pytest.fixture(scope="module")
def citizen_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample plans with a generic plan, the guide's PDZA and a plan of our own for search."""
    project = copy_project(tmp_path_factory.mktemp("citoyen") / "projet")
    guide = (ROOT / "docs" / "guide" / "types.md").read_text(encoding="utf-8")
    seeds = {p.name: p.read_text(encoding="utf-8") for p in (project / "plans").glob("*.yml")}
    return build(
        project,
        {
            **seeds,
            "types/pdza.yml": yaml_block(guide, "# plans/types/pdza.yml"),
            "mrc-exemple-pdza-2024.yml": yaml_block(guide, "# plans/mrc-exemple-pdza-2024.yml"),
            f"{GENERIQUE}.yml": PLAN_ACTION,
            "mrc-test-transport-2025.yml": TRANSPORT_PLAN,
        },
    )


@pytest.fixture(scope="module")
def citizen(citizen_site: Path) -> Iterator[Served]:
    info, stop = serve(citizen_site, _headers_of(citizen_site))
    yield info
    stop()


def _bound(width: int, chars: int) -> int:
    columns = min(width - 32, 1200) / 8
    return int(HEIGHT_FACTOR * chars / columns * 24) + HEIGHT_ROOM


@pytest.mark.parametrize("width", WIDTHS)
def test_tables_read_at_every_width(browser: Any, citizen: Served, width: int, artifacts: Path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-CA")
    page = context.new_page()
    problems: dict[str, Any] = {}
    try:
        for name, url in PAGES.items():
            page.goto(citizen.base + url)
            page.wait_for_load_state("load")
            found = page.evaluate(MEASURE)
            bound = _bound(width, found["chars"])
            issues = {k: found[k] for k in ("broken", "captions", "uncued") if found[k]}
            if found["overflow"]:
                issues["page plus large que l'écran"] = True
            if found["height"] > bound:
                issues["hauteur"] = (found["height"], bound)
            if issues:
                problems[name] = issues
            if width in (390, 1280) and name in ("piar", "pac", "demo", "piar-action", "liste", "demo-suivi"):
                page.screenshot(path=str(artifacts / "screenshots" / f"citoyen-{name}-{width}.png"), full_page=True)
    finally:
        context.close()
    assert problems == {}


@pytest.mark.parametrize("width", (390, 1280))
def test_citizen_pages_pass_axe(browser: Any, citizen: Served, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900}, locale="fr-CA")
    page = context.new_page()
    axe = Axe()
    found = {}
    try:
        for name, url in PAGES.items():
            page.goto(citizen.base + url)
            page.wait_for_load_state("load")
            violations = axe.run(page, options=WCAG_AA).response["violations"]
            if violations:
                found[name] = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    finally:
        context.close()
    assert found == {}


WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _search(visit: Callable[..., Visit], served: Served, query: str) -> tuple[list[str], list[str]]:
    page = visit(served.base).page
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").press_sequentially(query, delay=20)
    page.wait_for_function(
        "() => { const m = document.querySelector('.md-search-result__meta');"
        " return m && /trouvé/.test(m.innerText); }",
        timeout=15000,
    )
    items = page.locator(".md-search-result__item > a")
    hrefs = items.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    titles = page.locator(".md-search-result__item h1, .md-search-result__item h2").all_inner_texts()
    pages = [h.split(PREFIX, 1)[1].split("?")[0].split("#")[0] for h in hrefs]
    return list(dict.fromkeys(pages)), titles


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("banque de terres", f"{PDZA}actions/banque-terres/"),
        ("navette du lac", f"{TRANSPORT}actions/navette-lac/"),
        ("quai du lac", f"{TRANSPORT}actions/quai/"),
        ("piste cyclable", f"{TRANSPORT}actions/pistes/"),
        ("heures d'ouverture", f"{GEN}actions/horaire/"),
    ],
)
def test_several_words_rank_the_page_holding_them_together(
    visit: Callable[..., Visit], citizen: Served, query: str, expected: str
) -> None:
    results, titles = _search(visit, citizen, query)
    assert expected in results[:3], results[:6]
    assert not [t for t in titles if re.search(r"&#?\w+;", t)], titles


def test_search_titles_show_apostrophes_not_entities(visit: Callable[..., Visit], citizen: Served) -> None:
    _results, titles = _search(visit, citizen, "utilisation des fonds")
    assert any("Optimiser l'utilisation des fonds" in t for t in titles), titles
    assert not [t for t in titles if "&#" in t or "';" in t], titles


def _pdf_of(browser: Any, url: str) -> bytes:
    context = browser.new_context(locale="fr-CA")
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("load")
    page.emulate_media(media="print")
    pdf: bytes = page.pdf(prefer_css_page_size=True, print_background=True)
    context.close()
    return pdf


def test_piar_prints_landscape_in_at_most_eight_pages(browser: Any, citizen: Served) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(_pdf_of(browser, citizen.base + PIAR)))
    assert len(reader.pages) <= 8
    box = reader.pages[0].mediabox
    assert box.width > box.height  # landscape
    # A header row never stands alone at the foot of a page: every page that shows the
    # overview's header row (« Enjeux à travailler… ») also shows a row of it (« Enjeu 2 : »).
    for number, pdf_page in enumerate(reader.pages, start=1):
        text = " ".join(pdf_page.extract_text().split())
        header = text.find("Enjeux à travailler")
        if header >= 0:
            assert re.search(r"Enjeu \d", text[header:]), f"page {number} : en-tête du tableau sans rangée"
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert ".docx" in text  # a download prints its address


def test_timeline_marks_today_from_the_readers_date(browser: Any, citizen: Served) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA")
    page = context.new_page()
    try:
        page.clock.set_fixed_time("2025-07-01T12:00:00")
        page.goto(citizen.base + f"{DEMO}suivi/")
        page.wait_for_load_state("load")
        marker = page.locator("g.po-tl-aujourdhui")
        assert marker.get_attribute("data-place") == ""
        x = float(marker.locator("line").get_attribute("x1") or 0)
        x0, cell = float(marker.get_attribute("data-x0") or 0), float(marker.get_attribute("data-cellule") or 0)
        assert x0 + cell < x < x0 + 2 * cell  # July 2025: in the second column, An 2 (2025-2026)
        page.emulate_media(media="print")
        assert page.locator("figure.po-timeline figcaption").is_visible()  # the legend prints
    finally:
        context.close()
