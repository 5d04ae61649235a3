"""The portal across plans: programme pages and their coverage matrix, organisations by région,
the plans list's filters, and the downloads of both tables.

Expected counts are worked out here from the YAML files, never taken from the implementation.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from bs4 import BeautifulSoup

from plan_ouvert.source.regions import find_region, regions

from .conftest import copy_project, run_cli
from .helpers import ROOT, check_text, petit, plans_folder, position

PIAR = "mrc-lassomption-piar-2021"
AEQ = "programmes/acces-entreprise-quebec/"
MIFI = "programmes/mifi-pac/"


def text_of(node: Any) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def coverage_from_yaml(path: Path) -> dict[str, int]:
    """« Objectif 1 » → how many enjeux name objective 1 (the convention's obligations aside)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    found: Counter[str] = Counter()
    for enjeu in data["enjeux"]:
        if enjeu.get("obligations_convention") is True:
            continue
        for number in set(enjeu.get("objectifs_generaux") or []):
            found[f"Objectif {number}"] += 1
        for number in set(enjeu.get("axes") or []):
            found[f"Axe {number}"] += 1
    return found


def matrix_rows(page: BeautifulSoup) -> tuple[list[str], dict[str, list[str]]]:
    """The matrix's column headings and, by row heading, its cells as the reader sees them."""
    table = page.select_one("table.po-matrice")
    assert table is not None
    headings = [text_of(th) for th in table.select("thead tr")[-1].select("th")][1:]
    rows = {text_of(tr.th): [text_of(td) for td in tr.select("td")] for tr in table.select("tbody tr")}
    return headings, rows


# --- The repository's own plans ---------------------------------------------------------------


def test_programme_page_lists_each_plan_with_its_completeness(soup: Callable[[str], Any]) -> None:
    page = soup(MIFI)
    rows = page.select("table.po-programme-table tbody tr")
    plans = {tr.th.a["href"].rstrip("/").rsplit("/", 1)[-1]: tr for tr in rows}
    assert set(plans) == {"mrc-etchemins-pac-2022", "demo-mrc-fictive-pac-2024"}
    for plan_id, row in plans.items():
        # The completeness « État du plan » shows for the plan.
        etat = text_of(soup(f"plans/{plan_id}/etat/").select_one(".po-score strong"))
        assert etat == f"Complétude : {text_of(row.select_one('[data-label=Complétude]'))}"
    etchemins = plans["mrc-etchemins-pac-2022"]
    assert text_of(etchemins.select_one("[data-label=Région]")) == "Chaudière-Appalaches (12)"
    assert text_of(etchemins.select_one("[data-label=Période]")) == "2022-2025"
    reports = [a["href"] for a in etchemins.select("[data-label='Redditions de compte'] a")]
    assert reports == [f"../../plans/mrc-etchemins-pac-2022/rapport/an-{n}/" for n in (1, 2, 3)]
    demo = plans["demo-mrc-fictive-pac-2024"]
    assert "Fictif" in text_of(demo.th)
    assert text_of(demo.select_one("[data-label='Dernière mise à jour']")) == "30 avril 2026"
    # The demo plan publishes results: « An 1 » lists how many of its measured targets were met.
    data = yaml.safe_load((ROOT / "plans" / "demo-mrc-fictive-pac-2024.yml").read_text(encoding="utf-8"))
    an1 = [
        c
        for o in data["objectifs_specifiques"]
        for m in o["moyens"]
        for i in m.get("indicateurs", [])
        for c in i.get("cibles", [])
        if c.get("annee") == 1
    ]
    measured = [c for c in an1 if "valeur_realisee" in c]
    assert measured, "le plan de démonstration publie des résultats pour l'An 1"
    targets = text_of(demo.select_one("[data-label='Cibles atteintes']"))
    assert f"sur {len(measured)} mesurée" in targets and f"({len(an1)} cibles)" in targets


def test_matrix_counts_the_enjeux_naming_each_item(soup: Callable[[str], Any]) -> None:
    page = soup(AEQ)
    headings, rows = matrix_rows(page)
    expected = coverage_from_yaml(ROOT / "plans" / f"{PIAR}.yml")
    (label,) = [r for r in rows if r.startswith("MRC de L'Assomption")]
    assert rows[label] == [str(expected[h]) for h in headings]
    assert headings[:4] == [f"Objectif {n}" for n in range(1, 5)]
    table = page.select_one("table.po-matrice")
    assert "nombre d'enjeux" in text_of(table.caption)
    assert [text_of(th) for th in table.select("thead th[scope=colgroup]")] == [
        "Objectifs généraux",
        "Axes d'intervention",
    ]
    # Readable on a phone: the matrix scrolls inside a named region the keyboard reaches.
    region = table.find_parent("div")
    assert region["role"] == "region" and region["tabindex"] == "0"
    assert region["aria-labelledby"] == table.caption["id"]
    # The legend gives each column's official wording.
    referentiel = yaml.safe_load(
        (ROOT / "plans" / "referentiels" / "acces-entreprise-quebec.yml").read_text(encoding="utf-8")
    )
    legend = page.select_one("#legende-axes-3").find_next("dd")
    assert text_of(legend) == referentiel["axes"][2]["libelle"]


def test_programme_without_a_referentiel_list_says_so(soup: Callable[[str], Any]) -> None:
    page = soup(MIFI)
    assert page.select_one("table.po-matrice") is None
    assert "il n'y a pas de tableau de couverture" in text_of(page.select_one("article"))


def test_downloads_hold_the_plans_and_the_matrix(site: Path, soup: Callable[[str], Any]) -> None:
    links = {text_of(a): a["href"] for a in soup(AEQ).select(".po-telecharger a")}
    assert set(links) == {"liste des plans (CSV)", "tableau de couverture (CSV)", "les deux tableaux (XLSX)"}
    for href in links.values():
        assert (site / AEQ / href).is_file(), href
    expected = coverage_from_yaml(ROOT / "plans" / f"{PIAR}.yml")
    matrix = (site / AEQ / links["tableau de couverture (CSV)"]).read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(matrix)))
    assert header[:2] == ["Identifiant du plan", "Organisme"]
    assert header[2].startswith("Objectif 1 : ")
    (row,) = rows
    assert row[0] == PIAR
    assert row[2:] == [str(expected[h.split(" : ")[0]]) for h in header[2:]]
    workbook = openpyxl.load_workbook(site / AEQ / links["les deux tableaux (XLSX)"], read_only=True)
    assert workbook.sheetnames == ["Plans", "Couverture du référentiel"]
    sheet = list(workbook["Couverture du référentiel"].iter_rows(values_only=True))
    assert [str(v) for v in sheet[1][2:]] == row[2:]
    plans = (site / MIFI / "mifi-pac-plans.csv").read_text(encoding="utf-8-sig")
    ids = [r[0] for r in list(csv.reader(io.StringIO(plans)))[1:]]
    assert sorted(ids) == ["demo-mrc-fictive-pac-2024", "mrc-etchemins-pac-2022"]


def test_plan_page_links_to_its_organisation(soup: Callable[[str], Any]) -> None:
    facts = soup(f"plans/{PIAR}/").select_one(".po-facts")
    link = facts.find("dt", string="Organisme").find_next("dd").a
    assert text_of(link) == "MRC de L'Assomption"
    assert link["href"] == "../../organisations/mrc-de-l-assomption/"
    assert text_of(facts.find("dt", string="Région administrative").find_next("dd")) == "Lanaudière (14)"


def test_organisations_are_grouped_by_region(soup: Callable[[str], Any]) -> None:
    page = soup("organisations/")
    groups = {
        text_of(h2): [text_of(a) for a in h2.find_next("ul").select("li > a:first-child")]
        for h2 in page.select("article h2[id^=region-]")
    }
    assert groups == {
        "Estrie (05)": ["MRC Fictive-des-Exemples"],
        "Chaudière-Appalaches (12)": ["MRC des Etchemins"],
        "Lanaudière (14)": ["MRC de L'Assomption"],
    }
    organisation = soup("organisations/mrc-de-l-assomption/")
    assert text_of(organisation.h1) == "MRC de L'Assomption"
    rows = organisation.select("table.po-plans-table tbody tr")
    assert [r.th.a["href"] for r in rows] == [f"../../plans/{PIAR}/"]


def test_plans_list_offers_filters_and_browsing(soup: Callable[[str], Any]) -> None:
    page = soup("plans/")
    form = page.select_one("form#filtres-plans")
    # Without its script the form would do nothing: hidden until the script shows it.
    assert form.has_attr("hidden")
    labels = [text_of(label) for label in form.select("label")]
    assert labels == ["Programme", "Région", "Organisme", "Période", "Statut", "Type de plan"]
    regions_offered = [text_of(o) for o in form.select("#filtre-region option")][1:]
    assert regions_offered == ["Estrie (05)", "Chaudière-Appalaches (12)", "Lanaudière (14)"]
    assert page.select_one("#compte-plans")["role"] == "status"
    script = page.select_one("script[src$='assets/portail.js']")
    assert script is not None and not page.select("article script:not([src])")
    # Without JavaScript: the rows come ordered by région, and the browsing links are the filters.
    rows = page.select("table.po-plans-table tbody tr")
    assert [r["data-region"] for r in rows] == regions_offered
    browse = {a["href"] for a in page.select("nav.po-parcourir a")}
    assert {"../programmes/", "../organisations/", "../programmes/mifi-pac/", "../organisations/#region-14"} <= browse


def test_programmes_index_lists_each_programme(soup: Callable[[str], Any]) -> None:
    items = [text_of(li) for li in soup("programmes/").select("ul.po-programmes-liste li")]
    assert items == ["Accès entreprise Québec (MEI) : 1 plan", "Programme d’appui aux collectivités (MIFI) : 2 plans"]


# --- Régions ----------------------------------------------------------------------------------


def test_the_seventeen_regions_ship_with_their_official_names() -> None:
    assert [(r.code, r.nom) for r in regions()] == [
        ("01", "Bas-Saint-Laurent"),
        ("02", "Saguenay–Lac-Saint-Jean"),
        ("03", "Capitale-Nationale"),
        ("04", "Mauricie"),
        ("05", "Estrie"),
        ("06", "Montréal"),
        ("07", "Outaouais"),
        ("08", "Abitibi-Témiscamingue"),
        ("09", "Côte-Nord"),
        ("10", "Nord-du-Québec"),
        ("11", "Gaspésie–Îles-de-la-Madeleine"),
        ("12", "Chaudière-Appalaches"),
        ("13", "Laval"),
        ("14", "Lanaudière"),
        ("15", "Laurentides"),
        ("16", "Montérégie"),
        ("17", "Centre-du-Québec"),
    ]
    assert find_region("saguenay-lac-saint-jean") == find_region("02") == find_region("2")
    assert find_region("GASPESIE - ILES-DE-LA-MADELEINE") is not None


def test_unknown_region_is_a_french_error_at_its_line(tmp_path: Path) -> None:
    text = petit("petit-piar").replace(
        "  nom: MRC de Petite-Rivière\n", "  nom: MRC de Petite-Rivière\n  region: Lanaudiere-Nord\n"
    )
    findings = [f for f in check_text(tmp_path, "petit-piar", text) if f.code == "COM-E010"]
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.line, finding.column) == position(text, "region: Lanaudiere-Nord")
    assert finding.severity == "erreur"
    assert "région « Lanaudiere-Nord » inconnue" in finding.message
    assert "Vouliez-vous dire « Lanaudière » (14) ?" in finding.message


def test_region_by_number_and_geographic_code_format(tmp_path: Path) -> None:
    text = petit("petit-piar").replace(
        "  nom: MRC de Petite-Rivière\n", "  nom: MRC de Petite-Rivière\n  region: 02\n  code_geographique: 52-A\n"
    )
    findings = check_text(tmp_path, "petit-piar", text)
    assert [f.code for f in findings if f.code.startswith("SCHEMA") or f.code == "COM-E010"] == []
    (bad,) = [f for f in findings if f.code == "COM-W005"]
    assert (bad.line, bad.column) == position(text, "code_geographique: 52-A")
    assert "code géographique « 52-A » mal formé" in bad.message


# --- A repository with more variety: one build --------------------------------------------------


def _variant(text: str, plan_id: str, organisme: str) -> str:
    text = text.replace("id: petit-piar\n", f"id: {plan_id}\n").replace("id: petit-pac\n", f"id: {plan_id}\n")
    return text.replace("organisme:\n  nom: MRC de Petite-Rivière\n", f"organisme:\n{organisme}", 1)


@pytest.fixture(scope="module")
def portail_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two PIARs, a PAC of the same organisation as one of them, a plan without programme or région."""
    project = copy_project(tmp_path_factory.mktemp("portail") / "projet")
    shutil.rmtree(project / "plans")
    riviere = "  nom: MRC de Petite-Rivière\n  region: Saguenay-Lac-Saint-Jean\n"
    rive = "  nom: MRC de l'Autre-Rive\n  id: autre-rive\n  region: Montérégie\n"
    autre = petit("petit-piar").replace("objectifs_generaux: [1]", "objectifs_generaux: [3, 4]", 1)
    files = {
        "riviere-piar-2022.yml": _variant(petit("petit-piar"), "riviere-piar-2022", riviere),
        "riviere-pac-2023.yml": _variant(petit("petit-pac"), "riviere-pac-2023", riviere),
        "autre-rive-piar-2022.yml": _variant(autre, "autre-rive-piar-2022", rive),
        "petit-plan-action.yml": petit("petit-plan-action"),
    }
    plans = plans_folder(project, files)
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site", plans


def _soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_matrix_has_a_row_per_plan_of_the_programme(portail_site: tuple[Path, Path]) -> None:
    site, plans = portail_site
    headings, rows = matrix_rows(_soup(site, AEQ))
    assert len(rows) == 2
    for name, path in (
        ("MRC de l'Autre-Rive", "autre-rive-piar-2022.yml"),
        ("MRC de Petite-Rivière", "riviere-piar-2022.yml"),
    ):
        (label,) = [r for r in rows if r.startswith(name)]
        expected = coverage_from_yaml(plans / path)
        assert rows[label] == [str(expected[h]) for h in headings], name
    covering = [text_of(td) for td in _soup(site, AEQ).select("table.po-matrice tfoot td")]
    counts = [coverage_from_yaml(plans / p) for p in ("autre-rive-piar-2022.yml", "riviere-piar-2022.yml")]
    assert covering == [f"{sum(1 for c in counts if c[h])} sur 2" for h in headings]


def test_organisation_page_lists_all_its_plans(portail_site: tuple[Path, Path]) -> None:
    site, _plans = portail_site
    page = _soup(site, "organisations/mrc-de-petite-riviere/")
    hrefs = [tr.th.a["href"] for tr in page.select("table.po-plans-table tbody tr")]
    assert sorted(hrefs) == ["../../plans/riviere-pac-2023/", "../../plans/riviere-piar-2022/"]
    region = page.find("dt", string="Région administrative").find_next("dd")
    assert text_of(region) == "Saguenay–Lac-Saint-Jean (02)"
    # A given id makes the address, whatever the name.
    assert (site / "organisations" / "autre-rive" / "index.html").is_file()


def test_plans_without_programme_or_region(portail_site: tuple[Path, Path]) -> None:
    site, _plans = portail_site
    page = _soup(site, "programmes/sans-programme-plan-action/")
    assert text_of(page.h1) == "Plan d'action municipal, sans programme"
    assert [tr.th.a["href"] for tr in page.select("table.po-programme-table tbody tr")] == [
        "../../plans/petit-plan-action/"
    ]
    index = _soup(site, "organisations/")
    headings = [text_of(h2) for h2 in index.select("article h2[id^=region-]")]
    assert headings == ["Saguenay–Lac-Saint-Jean (02)", "Montérégie (16)", "Région non précisée"]
    rows = _soup(site, "plans/").select("table.po-plans-table tbody tr")
    assert [r["data-region"] for r in rows][-1] == "Région non précisée"
