"""End-to-end: a plan kind written as data (no Python) gets every page, view and word of its own.

Each build runs `plan-ouvert construire` on a copy of the project (the `project` fixture's, made
once per module for the shared build) where the seed plans are replaced by plans of the kinds
under test; the tests read the HTML a visitor receives.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

from plan_ouvert.outputs import search

from .conftest import run_cli, shared_site
from .helpers import ROOT
from .kinds import PLAN_CLIMAT as KIND

CLIMAT = "mrc-test-climat-2025"
PLAN = f"""\
id: {CLIMAT}
gabarit: plan-climat
titre: Plan d'adaptation aux changements climatiques
organisme: {{nom: MRC du Test}}
statut: adopte
annees:
  - {{numero: 1, debut: 2025, fin: 2025}}
  - {{numero: 2, debut: 2026, fin: 2026}}
partenaires:
  - {{id: mrc, sigle: MRC, nom: MRC du Test}}
  - {{id: cre, sigle: CRE, nom: Conseil régional de l'environnement}}
axes:
  - id: mobilite
    texte: Réduire les émissions des transports
    chantiers:
      - id: navette
        texte: Lancer une navette rurale
        porteurs: [mrc]
        echeancier: Automne 2025
        budget: 150000
        secteurs: [Transport]
      - id: covoiturage
        texte: Promouvoir le covoiturage
        porteurs: [mrc]
        appuis: [cre]
        echeancier: En continu
        secteurs: [Transport, Bâtiments]
  - id: batiments
    texte: Adapter les bâtiments municipaux
    chantiers:
      - id: toitures
        texte: Verdir les toitures des bâtiments municipaux
        secteurs: [Bâtiments]
"""

GENERIQUE = "mrc-test-plan-action-2025"
PLAN_ACTION = f"""\
id: {GENERIQUE}
gabarit: plan-action
titre: Politique familiale et des aînés — plan d'action
organisme: {{nom: MRC du Test}}
statut: adopte
annees:
  - {{numero: 1, debut: 2025, fin: 2026}}
  - {{numero: 2, debut: 2026, fin: 2027}}
partenaires:
  - {{id: mrc, sigle: MRC, nom: MRC du Test}}
orientations:
  - id: milieu
    texte: Un milieu de vie accueillant
    objectifs:
      - id: loisirs
        texte: Offrir des loisirs à tous les âges
        actions:
          - id: parc
            texte: Aménager un parc intergénérationnel
            porteurs: [mrc]
            echeance: An 1
          - id: horaire
            texte: Allonger les heures d'ouverture de la bibliothèque
            echeance: [An 1, An 2]
"""


def text_of(node: Any) -> str:
    return " ".join(node.get_text(" ").split())


def replace_plans(project: Path, files: dict[str, str]) -> None:
    """Replace the seed plans by `files` (paths under plans/)."""
    for seed in (project / "plans").glob("*.yml"):
        seed.unlink()
    for name, text in files.items():
        path = project / "plans" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def build(project: Path, files: dict[str, str]) -> Path:
    """Replace the seed plans by `files` (paths under plans/) and build the site."""
    replace_plans(project, files)
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def kinds_project(project: Path) -> None:
    """The seed plans replaced by a plan climat (its kind written as data) and a plan of the generic kind."""
    # A hand-written page that shows an element's card and a plan's facts through the macros.
    with (project / "docs" / "a-propos.md").open("a", encoding="utf-8") as page:
        page.write(f"\n{{{{ carte_element('{CLIMAT}', 'chantier', 'navette') }}}}\n")
        page.write(f"\n{{{{ resume_plan('{CLIMAT}') }}}}\n")
    replace_plans(project, {"types/plan-climat.yml": KIND, f"{CLIMAT}.yml": PLAN, f"{GENERIQUE}.yml": PLAN_ACTION})


@pytest.fixture(scope="session")
def kinds_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_site(tmp_path_factory, "types", kinds_project) / "site"


@pytest.fixture(scope="module")
def page(kinds_site: Path) -> Callable[[str], BeautifulSoup]:
    def load(url: str) -> BeautifulSoup:
        return BeautifulSoup((kinds_site / url / "index.html").read_text(encoding="utf-8"), "html.parser")

    return load


def climat(url: str = "") -> str:
    return f"plans/{CLIMAT}/{url}"


def test_every_element_has_its_page_titled_in_the_kinds_words(page: Callable[[str], BeautifulSoup]) -> None:
    # Each page is headed by the element's own words, its number in the kind's words beside.
    titles = {
        "axes/mobilite/": ("Axe 1", "Réduire les émissions des transports"),
        "axes/batiments/": ("Axe 2", "Adapter les bâtiments municipaux"),
        "chantiers/navette/": ("Chantier 1.1", "Lancer une navette rurale"),
        "chantiers/covoiturage/": ("Chantier 1.2", "Promouvoir le covoiturage"),
        "chantiers/toitures/": ("Chantier 2.1", "Verdir les toitures des bâtiments municipaux"),
    }
    for url, (numero, title) in titles.items():
        soup = page(climat(url))
        assert text_of(soup.select_one("article h1")) == title
        assert text_of(soup.select_one("article .po-numero")) == numero
        assert text_of(soup.title).startswith(f"{title} ({numero}) — Plan d'adaptation aux changements climatiques")


def test_element_pages_link_parent_children_and_neighbours(page: Callable[[str], BeautifulSoup]) -> None:
    chantier = page(climat("chantiers/covoiturage/"))
    parent = chantier.select_one(".po-parent a")
    assert (text_of(parent), parent["href"]) == ("Axe 1", "../../axes/mobilite/")
    assert chantier.select_one("a[rel=prev]")["href"] == "../navette/"
    assert chantier.select_one("a[rel=next]")["href"] == "../toitures/"
    axe = page(climat("axes/mobilite/"))
    children = {text_of(a): a["href"] for a in axe.select_one("#chantiers").find_next("ul").select("a")}
    assert children == {"Chantier 1.1": "../../chantiers/navette/", "Chantier 1.2": "../../chantiers/covoiturage/"}
    crumbs = [text_of(li) for li in chantier.select(".po-breadcrumb li")]
    assert crumbs == [
        "Accueil",
        "Plans",
        "Plan d'adaptation aux changements climatiques, MRC du Test",
        "Réduire les émissions des transports",
        "Promouvoir le covoiturage",
    ]


def test_element_page_shows_fields_and_links_partners(page: Callable[[str], BeautifulSoup]) -> None:
    fields = page(climat("chantiers/covoiturage/")).select_one(".po-fields")
    terms = [text_of(dt) for dt in fields.select("dt")]
    # The budget, which the kind does not expect and this chantier does not give, is not shown
    # as « Non précisé »: that is said only of what the kind asks for.
    assert terms == ["Porteur", "Partenaires", "Échéancier"]
    assert "Non précisé" not in text_of(fields)
    partner = fields.select_one("a[href='../../partenaires/cre/']")
    assert partner.abbr["title"] == "Conseil régional de l'environnement"
    assert "150 000 $" in text_of(page(climat("chantiers/navette/")).select_one(".po-fields"))


def test_missing_expected_fields_are_said_on_the_page(page: Callable[[str], BeautifulSoup]) -> None:
    note = text_of(page(climat("chantiers/toitures/")).select_one(".po-non-conforme"))
    assert "Le plan adopté ne précise pas de porteur pour ce chantier." in note
    assert "Le plan adopté ne précise pas d'échéancier pour ce chantier." in note
    assert page(climat("chantiers/navette/")).select_one(".po-non-conforme") is None
    action = text_of(page(f"plans/{GENERIQUE}/actions/horaire/").select_one(".po-non-conforme"))
    assert action == "Écart au gabarit Le plan adopté ne précise pas de porteur pour cette action."


def test_overview_has_the_kinds_columns(page: Callable[[str], BeautifulSoup]) -> None:
    plan = page(climat())
    assert text_of(plan.select_one("#apercu")) == "Plan climat : vue d'ensemble"
    table = plan.select_one("table.po-apercu")
    assert [text_of(th) for th in table.select("thead th")] == [
        "Chantier",
        "Porteur et partenaires",
        "Échéancier",
        "Budget",
    ]
    groups = [text_of(th) for th in table.select("tr.po-group th")]
    assert groups == ["Axe 1 : Réduire les émissions des transports", "Axe 2 : Adapter les bâtiments municipaux"]
    rows = [[text_of(c) for c in tr.select("th, td")] for tr in table.select("tbody tr:not(.po-group)")]
    assert rows[1][:3] == ["Chantier 1.2 : Promouvoir le covoiturage", "Porteur : MRC Partenaires : CRE", "En continu"]
    assert rows[2][1] == "Non précisé"


def test_plan_page_offers_the_kinds_views(page: Callable[[str], BeautifulSoup]) -> None:
    links = {text_of(a): a["href"] for a in page(climat()).select(".po-browse a")}
    assert links["Par axe"] == "programme/"
    assert links["Par secteur visé"] == "secteurs/"
    assert links["Par partenaire"] == "partenaires/"
    assert links["Par échéance"] == "echeances/"
    assert links["Bilan annuel, Année 1 (2025)"] == "rapport/an-1/"
    programme = page(climat("programme/"))
    assert text_of(programme.h1) == "Axes et chantiers"
    assert "Les axes du plan climat et leurs chantiers." in text_of(programme.select_one("article"))


def test_partner_views_list_elements_under_their_role(page: Callable[[str], BeautifulSoup]) -> None:
    table = page(climat("partenaires/")).select_one("article table")
    assert [text_of(th) for th in table.select("thead th")] == ["Partenaire", "Porteur de", "Partenaire de"]
    assert text_of(table.caption) == "Partenaires du plan : ce qu'ils portent et où ils sont partenaires"
    rows = {text_of(tr.th): [text_of(td) for td in tr.select("td")] for tr in table.select("tbody tr")}
    assert rows["CRE — Conseil régional de l'environnement"] == ["0 chantier(s)", "1 chantier(s)"]
    cre = page(climat("partenaires/cre/"))
    assert text_of(cre.select_one("#partenaire")) == "Partenaire des chantiers"
    assert [text_of(a) for a in cre.select_one("#partenaire").find_next("ul").select("a")] == ["Chantier 1.2"]
    assert text_of(cre.select_one("#porteur").find_next("p")) == "Aucun"
    mrc = page(climat("partenaires/mrc/"))
    assert [text_of(a) for a in mrc.select_one("#porteur").find_next("ul").select("a")] == [
        "Chantier 1.1",
        "Chantier 1.2",
    ]


def test_echeances_by_calendar_year_or_by_plan_year(page: Callable[[str], BeautifulSoup]) -> None:
    view = page(climat("echeances/"))
    groups = {text_of(h2): text_of(h2.find_next("ul")) for h2 in view.select("article h2")}
    assert list(groups) == ["En continu", "2025", "Non datée"]
    assert groups["En continu"] == "Chantier 1.2 (En continu) Promouvoir le covoiturage"
    assert groups["2025"] == "Chantier 1.1 (Automne 2025) Lancer une navette rurale"
    assert groups["Non datée"].startswith("Chantier 2.1")
    years = page(f"plans/{GENERIQUE}/echeances/")
    assert [text_of(h2) for h2 in years.select("article h2")] == ["An 1 (2025-2026)", "An 2 (2026-2027)"]
    assert "Action 1.1.1" not in text_of(years.select_one("#an-2").find_next("ul"))
    plan = {text_of(a) for a in page(f"plans/{GENERIQUE}/").select(".po-browse a")}
    assert "Par échéance et année du plan" in plan


def test_value_view_groups_elements_by_value(page: Callable[[str], BeautifulSoup]) -> None:
    values = page(climat("secteurs/"))
    assert text_of(values.h1) == "Secteurs visés"
    items = [text_of(li) for li in values.select("article .po-cards li")]
    assert items == ["Secteur : Transport — 2 chantier(s)", "Secteur : Bâtiments — 2 chantier(s)"]
    one = page(climat("secteurs/batiments/"))
    assert text_of(one.select_one("#chantiers")) == "Chantiers qui visent ce secteur"
    assert [text_of(a) for a in one.select("article .po-cards a")] == ["Chantier 1.2", "Chantier 2.1"]


def test_search_index_holds_every_element_page(kinds_site: Path) -> None:
    locations = {doc.location for doc in search.read_documents(kinds_site)}
    for url in ("axes/mobilite/", "axes/batiments/", "chantiers/navette/", "chantiers/toitures/"):
        assert climat(url) in locations
    assert f"plans/{GENERIQUE}/objectifs/loisirs/" in locations


def test_generic_kind_has_three_levels_of_pages(page: Callable[[str], BeautifulSoup]) -> None:
    base = f"plans/{GENERIQUE}/"
    orientation = page(f"{base}orientations/milieu/")
    assert text_of(orientation.h1) == "Un milieu de vie accueillant"
    assert text_of(orientation.select_one(".po-numero")) == "Orientation 1"
    assert [text_of(a) for a in orientation.select_one("#objectifs").find_next("ul").select("a")] == ["Objectif 1.1"]
    objectif = page(f"{base}objectifs/loisirs/")
    assert text_of(objectif.select_one(".po-parent a")) == "Orientation 1"
    assert [text_of(a) for a in objectif.select_one("#actions").find_next("ul").select("a")] == [
        "Action 1.1.1",
        "Action 1.1.2",
    ]
    action = page(f"{base}actions/horaire/")
    assert text_of(action.h1) == "Allonger les heures d'ouverture de la bibliothèque"
    assert action.select_one(".po-parent a")["href"] == "../../objectifs/loisirs/"
    programme = text_of(page(f"{base}programme/").select_one("article"))
    assert "Les orientations du plan d'action, leurs objectifs et leurs actions." in programme
    assert "Objectif 1.1 : Offrir des loisirs à tous les âges Action 1.1.1 : Aménager un parc" in programme


def test_hand_written_pages_show_cards_and_facts_of_any_kind(page: Callable[[str], BeautifulSoup]) -> None:
    about = page("a-propos")
    card = about.select_one(".po-carte")
    link = card.select_one("a")
    assert (text_of(link), link["href"]) == ("Chantier 1.1", f"../plans/{CLIMAT}/chantiers/navette/")
    assert "Plan d'adaptation aux changements climatiques (Plan climat), MRC du Test, 2025" in text_of(card)
    assert "Lancer une navette rurale" in text_of(card)
    facts = {text_of(dt): text_of(dt.find_next("dd")) for dt in about.select(".po-facts dt")}
    assert facts["Période"] == "Année 1 (2025), Année 2 (2026)"
    assert "Programme" not in facts  # a plan of no programme


def test_kind_pages_are_valid_html(kinds_site: Path) -> None:
    from .test_html_validity import MATERIAL_KNOWN, VNU

    if shutil.which("java") is None or not VNU.is_file():
        pytest.fail("Java ou vnu.jar absent : lancez « make test », qui les installe.")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--skip-non-html", "--errors-only", str(kinds_site / "plans")],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    messages = json.loads(result.stderr)["messages"]
    assert [m for m in messages if not m["message"].startswith(MATERIAL_KNOWN)] == []
    assert len({m["url"] for m in messages}) > 20  # every page was read (Material's two known errors each)


def yaml_block(markdown: str, first_line: str) -> str:
    """The fenced YAML block of a Markdown page whose first line is `first_line`."""
    for block in re.findall(r"```yaml\n(.*?)```", markdown, flags=re.DOTALL):
        if block.startswith(first_line + "\n"):
            return str(block)
    raise AssertionError(f"aucun bloc YAML ne commence par « {first_line} »")


def test_the_guides_pdza_example_builds(project: Path) -> None:
    guide = (ROOT / "docs" / "guide" / "types.md").read_text(encoding="utf-8")
    kind = yaml_block(guide, "# plans/types/pdza.yml")
    plan = yaml_block(guide, "# plans/mrc-exemple-pdza-2024.yml")
    site = build(project, {"types/pdza.yml": kind, "mrc-exemple-pdza-2024.yml": plan})
    base = site / "plans" / "mrc-exemple-pdza-2024"

    def soup(url: str) -> BeautifulSoup:
        return BeautifulSoup((base / url / "index.html").read_text(encoding="utf-8"), "html.parser")

    action = soup("actions/banque-terres/")
    # Headed by its own words; its number is the label beside the heading.
    assert text_of(action.h1) == "Mettre en place une banque de terres"
    assert text_of(action.select_one(".po-numero")) == "Action 1.1.1"
    assert "Mettre en place une banque de terres" in text_of(action.select_one("article"))
    assert "Fonds régions et ruralité" in text_of(action.select_one("#financement").find_next("ul"))
    headers = [text_of(th) for th in soup("").select("table.po-apercu thead th")]
    assert headers == [
        "Action",
        "Porteur et partenaires",
        "Échéancier",
        "Coût estimé et financement",
        "Indicateurs et cibles",
    ]
    upa = soup("partenaires/upa/")
    assert [text_of(a) for a in upa.select_one("#partenaire").find_next("ul").select("a")] == ["Action 1.1.1"]
    years = [text_of(h2) for h2 in soup("echeances/").select("article h2")]
    assert years == ["2024", "2025"]
