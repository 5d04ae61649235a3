"""Search as a visitor meets it: Material's search box over Plan ouvert's fragmented index.

A plan of the generic kind is added to the seed plans, with actions whose words also appear
apart in other pages (a food bank and farm land, a school shuttle and a lake's wharf), so
that ranking pages that hold a query's words together first is what is tested. The download
test replaces the site's index by one of portal size (40,000 documents, about 1,000 plans)
and counts what the page requests before the first result.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from plan_ouvert.outputs import search as sharded

from ..conftest import copy_project, run_cli
from .conftest import PREFIX, Served, Visit, search_for, serve, settle_search

pytestmark = pytest.mark.browser

TERRITOIRE = "mrc-test-territoire-2025"
PLAN = f"""\
id: {TERRITOIRE}
gabarit: plan-action
titre: Plan de développement du territoire
organisme: {{nom: MRC du Lac-Exemple}}
statut: adopte
annees:
  - {{numero: 1, debut: 2025, fin: 2026}}
partenaires:
  - {{id: mrc, sigle: MRC, nom: MRC du Lac-Exemple}}
  - {{id: upa, sigle: UPA, nom: Union des producteurs agricoles}}
  - {{id: cfl, sigle: CTFL, nom: Coopérative de transport Fleuve-et-Lac}}
orientations:
  - id: agriculture
    texte: Une agriculture vivante
    objectifs:
      - id: releve
        texte: Soutenir la relève agricole
        actions:
          - id: alimentaire
            texte: Appuyer la banque alimentaire, qui reçoit les surplus cultivés sur les terres des producteurs
            porteurs: [mrc]
          - id: friches
            texte: Remettre en culture les terres en friche près de la banque de semences
            porteurs: [upa]
          - id: banque-terres
            texte: Mettre en place une banque de terres
            porteurs: [mrc, upa]
  - id: mobilite
    texte: Se déplacer entre les villages
    objectifs:
      - id: transport
        texte: Relier les villages par le transport collectif
        actions:
          - id: scolaire
            texte: Maintenir la navette scolaire des écoles primaires et nettoyer les berges du lac
            porteurs: [mrc]
          - id: quai
            texte: Réparer le quai du lac pour les bateaux de la navette fluviale d'été
            porteurs: [mrc]
          - id: navette-lac
            texte: Lancer la navette du lac entre les villages riverains
            porteurs: [cfl]
"""
ACTIONS = f"plans/{TERRITOIRE}/actions/"


@pytest.fixture(scope="session")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("recherche") / "projet")
    (project / "plans" / f"{TERRITOIRE}.yml").write_text(PLAN, encoding="utf-8")
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


@pytest.fixture(scope="session")
def search_served(search_site: Path) -> Iterator[Served]:
    info, stop = serve(search_site)
    yield info
    stop()


def results(visit: Callable[..., Visit], served: Served, query: str) -> list[tuple[str, str]]:
    """(page address relative to the site, title shown) of each result, in rank order."""
    record = visit(served.base)
    search_for(record.page, query)
    found: list[list[str]] = record.page.locator(".md-search-result__item > a:first-child").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.querySelector('h1').innerText])"
    )
    assert record.blocked == [] and record.errors == []
    return [(href.split(PREFIX, 1)[1].split("?")[0], title) for href, title in found]


def pages(visit: Callable[..., Visit], served: Served, query: str) -> list[str]:
    return [page for page, _ in results(visit, served, query)]


def action(identifier: str) -> str:
    return f"{ACTIONS}{identifier}/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("banque de terres", "banque-terres"),  # the food bank and the fallow land hold the words apart
        ("navette du lac", "navette-lac"),  # the school shuttle and the wharf too
    ],
)
def test_words_together_rank_first(
    visit: Callable[..., Visit], search_served: Served, query: str, expected: str
) -> None:
    found = pages(visit, search_served, query)
    assert action(expected) in found[:3], found[:6]
    decoys = {action("alimentaire"), action("friches"), action("scolaire"), action("quai")}
    first_decoy = min((found.index(d) for d in decoys if d in found), default=len(found))
    assert found.index(action(expected)) < first_decoy


def test_accents_are_folded(visit: Callable[..., Visit], search_served: Served) -> None:
    assert "plans/mrc-etchemins-pac-2022/echeances/" in pages(visit, search_served, "echeance")
    assert "plans/mrc-etchemins-pac-2022/echeances/" in pages(visit, search_served, "ÉCHÉANCE")
    assert f"plans/{TERRITOIRE}/objectifs/releve/" in pages(visit, search_served, "releve agricole")[:3]  # « relève »


def test_elisions_are_split(visit: Callable[..., Visit], search_served: Served) -> None:
    # « l'entreprise » is searched as « entreprise », and « d'accueil » was indexed as « accueil ».
    assert pages(visit, search_served, "l'entreprise")[:5] == pages(visit, search_served, "entreprise")[:5]
    assert "plans/mrc-etchemins-pac-2022/moyens/2-1/" in pages(visit, search_served, "activites d’accueil")[:3]


def test_partner_and_plan_names(visit: Callable[..., Visit], search_served: Served) -> None:
    found = pages(visit, search_served, "Fleuve-et-Lac")
    assert f"plans/{TERRITOIRE}/partenaires/cfl/" in found[:3], found[:5]
    assert pages(visit, search_served, "TCIE")[0] == "plans/mrc-etchemins-pac-2022/partenaires/tcie/"
    assert f"plans/{TERRITOIRE}/" in pages(visit, search_served, "plan de developpement du territoire")[:3]


def test_titles_are_text_without_entities(visit: Callable[..., Visit], search_served: Served) -> None:
    titles = [title for _, title in results(visit, search_served, "moyen d'action")]
    assert any("Moyen d'action" in title for title in titles), titles[:5]
    assert not any("&" in title for title in titles), titles


def test_keyboard_opens_a_result(visit: Callable[..., Visit], search_served: Served) -> None:
    record = visit(search_served.base)
    page = record.page
    page.keyboard.press("/")  # Material's shortcut to the search box
    assert page.evaluate("document.activeElement.classList.contains('md-search__input')")
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.keyboard.type("navette du lac", delay=20)
    settle_search(page, requested)
    assert page.locator(".md-search-result__list").get_attribute("role") == "list"
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused.split(PREFIX, 1)[1].startswith(action("navette-lac"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{action('navette-lac')}**")
    assert page.locator("h1").inner_text().startswith("Lancer la navette du lac")
    assert record.blocked == [] and record.errors == []


# --- What a phone downloads at portal scale ---------------------------------------------------

# The search's own files (Material's main script, which every page loads, is not counted).
SEARCH_FILES = ("search/", "assets/javascripts/recherche.js", "assets/javascripts/workers/", "assets/javascripts/lunr/")
PORTAL_DOCUMENTS = 40_000  # about 1,000 plans (17,350 entries at 100 synthetic plans)


def _portal_index(site: Path) -> None:
    """Material's index of a portal: 40,000 entries whose text is recombined from the site's
    own (deterministic), in place of the test site's, then fragmented as the build does."""
    material = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    own = sharded.read_documents(site)
    words = " ".join(f"{d.title} {d.text}" for d in own).split()
    rng = random.Random(25)  # noqa: S311 (reproducible text, no secret)
    docs = []
    for number in range(PORTAL_DOCUMENTS):
        plan = f"plans/mrc-portail-{number // 40:04d}/"
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(20, 120)))
        docs.append({"location": f"{plan}page-{number % 40}/", "title": f"Page {number % 40} de {plan}", "text": text})
    material["config"].pop("plan_ouvert")
    material["docs"] = docs
    shutil.rmtree(site / "search")
    (site / "search").mkdir()
    (site / "search" / "search_index.json").write_text(json.dumps(material, ensure_ascii=False), encoding="utf-8")
    sharded.write_index(site)


@pytest.fixture(scope="session")
def portal_site(search_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("portail") / "site"
    shutil.copytree(search_site, site)
    _portal_index(site)
    return site


@pytest.mark.parametrize("query", ["entreprises", "plan d'action de la MRC", "strategie"])
def test_a_phone_downloads_less_than_300_kb_before_the_first_result(
    visit: Callable[..., Visit], portal_site: Path, query: str
) -> None:
    info, stop = serve(portal_site)
    try:
        record = visit(info.base, width=390, height=844)
        requested: list[str] = []
        record.page.on("request", lambda request: requested.append(request.url))
        record.page.reload()
        record.page.wait_for_load_state("networkidle")
        record.page.locator("label.md-header__button[for='__search']").click()
        record.page.locator(".md-search__input").press_sequentially(query, delay=100)  # a quick typist
        settle_search(record.page, requested)
        assert record.page.locator(".md-search-result__item").count() > 0
    finally:
        stop()
    paths = {url.split(PREFIX, 1)[1].split("?")[0] for url in requested if PREFIX in url}
    loaded = sorted(p for p in paths if p.startswith(SEARCH_FILES))
    assert any(p.startswith("search/") for p in loaded)
    total = sum(len(gzip.compress((portal_site / p).read_bytes(), 9, mtime=0)) for p in loaded)
    whole = sum(len(gzip.compress(p.read_bytes(), 9, mtime=0)) for p in (portal_site / "search").rglob("*.js"))
    assert whole > 3_000_000  # the portal's index is large: what is loaded is a small part of it
    assert total < 300 * 1024, (total, loaded)
