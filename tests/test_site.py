"""End-to-end: the seed plans built by MkDocs, checked on the HTML a visitor receives."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import bs4
import pytest
import yaml

from plan_ouvert.outputs import search
from plan_ouvert.outputs.sitecheck import check_site

from .helpers import ROOT

PIAR = "plans/mrc-lassomption-piar-2021/"
PAC = "plans/mrc-etchemins-pac-2022/"


def text_of(node: Any) -> str:
    return " ".join(node.get_text(" ").split())


def test_built_site_passes_the_independent_check(site: Path) -> None:
    assert check_site(site) == []


def test_every_record_has_its_page_with_all_its_source_content(site: Path, soup: Any) -> None:
    piar = yaml.safe_load((site.parent / "plans" / "mrc-lassomption-piar-2021.yml").read_text(encoding="utf-8"))
    for enjeu in piar["enjeux"]:
        page = text_of(soup(f"{PIAR}enjeux/{enjeu['id']}/").select_one("article"))
        assert " ".join(enjeu["enonce"].split()) in page
        for value in [*enjeu["objectifs"], *(i["texte"] for i in enjeu["indicateurs"])]:
            assert " ".join(value.split()) in page
        if enjeu.get("temps_imparti", {}).get("texte"):
            assert enjeu["temps_imparti"]["texte"] in page
        for action in enjeu["actions"]:
            action_page = text_of(soup(f"{PIAR}actions/{action['id']}/").select_one("article"))
            # A short text is the page's heading, shown without its final period.
            assert " ".join(action["texte"].split()).rstrip(".") in action_page
            assert action["echeance"] in action_page


def test_every_moyen_page_carries_every_field(site: Path, soup: Any) -> None:
    pac = yaml.safe_load((site.parent / "plans" / "mrc-etchemins-pac-2022.yml").read_text(encoding="utf-8"))
    moyens = [m for o in pac["objectifs_specifiques"] for m in o["moyens"]]
    assert [m["id"] for m in moyens][:2] == ["1-1", "1-2"] and moyens[-1]["id"] == "7-4"
    for moyen in moyens:
        article = soup(f"{PAC}moyens/{moyen['id']}/").select_one("article")
        page = text_of(article)
        expected = [moyen["texte"].rstrip("."), *moyen.get("resultats_attendus", []), *moyen.get("clientele", [])]
        for indicateur in moyen.get("indicateurs", []):
            expected += [indicateur["texte"], *(c["texte"] for c in indicateur.get("cibles", []))]
        echeance = moyen.get("echeance") or []
        expected += echeance if isinstance(echeance, list) else [echeance]
        if moyen.get("commentaires"):
            expected.append(moyen["commentaires"])
        for value in expected:
            assert " ".join(value.split()) in page, (moyen["id"], value)
        # The heading is the moyen's own words; its number is the label beside it.
        assert text_of(article.select_one(".po-numero")) == f"Moyen d'action {moyen['id'].replace('-', '.')}"
        heading = text_of(article.select_one("h1")).rstrip("…")
        assert heading and all(word in moyen["texte"] for word in heading.split()), (heading, moyen["texte"])


def test_moyen_page_links_partners_and_shows_targets_per_year(soup: Any) -> None:
    page = soup(f"{PAC}moyens/1-3/")
    table = page.select_one("table.po-cibles-table")
    headers = [text_of(th) for th in table.select("thead th")]
    assert headers == ["Indicateur", "An 1 (2022-2023)", "An 2 (2023-2024)", "An 3 (2024-2025)"]
    first = [text_of(td) for td in table.select("tbody tr")[0].select("td")]
    assert first == ["8 rencontres", "6 rencontres", "4 rencontres"]
    partners = {a.get_text(): a["href"] for a in page.select(".po-fields a[href*='partenaires/']")}
    assert partners["TCIE"] == "../../partenaires/tcie/"
    crumbs = [text_of(li) for li in page.select(".po-breadcrumb li")]
    assert crumbs[:2] == ["Accueil", "Plans"] and crumbs[-1] == "Sensibiliser aux enjeux…"
    assert page.select_one("a[rel=prev]")["href"] == "../1-2/"
    assert page.select_one("a[rel=next]")["href"] == "../1-4/"


def test_unknown_collaborator_is_shown_not_hidden(soup: Any) -> None:
    page = text_of(soup(f"{PAC}moyens/2-1/").select_one("article"))
    assert "CJE (absent du registre des partenaires)" in page


def test_pac_overview_mirrors_the_programmation(soup: Any) -> None:
    table = soup(PAC).select_one("table.po-apercu-pac")
    assert [text_of(th) for th in table.select("thead th")] == [
        "Activité(s) et projets",
        "Partenaires",
        "Résultats attendus",
        "Indicateur(s) de performance",
        "Cible(s)",
        "Échéance",
        "Clientèle visée",
        "Commentaires",
    ]
    groups = [text_of(th) for th in table.select("tr.po-group th")]
    assert groups[5] == "Objectif spécifique 6 : AXE ENTREPRISE" and groups[0] == "Objectif spécifique 1"
    assert len(table.select("tbody tr:not(.po-group)")) == 20


def test_piar_overview_has_the_eight_columns(soup: Any) -> None:
    table = soup(PIAR).select_one("table.po-apercu-piar")
    assert len(table.select("thead th")) == 8
    rows = table.select("tbody tr")
    assert len(rows) == 6
    cells = rows[0].select("td")
    assert [text_of(c) for c in cells[:2]] == ["4", "1, 7"]
    assert all(cell.has_attr("data-label") for cell in cells)


def test_programme_page_shows_covered_and_uncovered(soup: Any) -> None:
    page = soup(f"{PIAR}programme/")
    uncovered = {li["id"] for li in page.select("li.po-uncovered")}
    assert uncovered == {"objectifs-generaux-3", "axes-2", "axes-3"}
    axe1 = text_of(page.select_one("#axes-1"))
    assert "Enjeu 1" in axe1 and "Enjeu 5" in axe1 and "Enjeu 6" in axe1


def test_browse_by_partner_year_and_clientele(soup: Any) -> None:
    cjee = text_of(soup(f"{PAC}partenaires/cjee/").select_one("article"))
    for moyen in ("1.1", "1.2", "1.3", "1.4", "2.2"):
        assert f"Moyen d'action {moyen}" in cjee
    years = soup(f"{PAC}echeances/")
    an3 = text_of(years.select_one("#an-3").find_next("ul"))
    assert "Moyen d'action 3.2" in an3 and "Moyen d'action 1.1" not in an3
    assert "Moyen d'action 1.5" in text_of(years.select_one("#non-datee").find_next("ul"))
    clienteles = soup(f"{PAC}clienteles/")
    assert "Entreprises de la MRC" in text_of(clienteles)
    piar_years = [text_of(h) for h in soup(f"{PIAR}echeances/").select("article h2")]
    assert piar_years[0] == "En continu" and "2020" in piar_years and "2021" in piar_years


def test_echeances_page_shows_a_list_of_dates_whole(soup: Any) -> None:
    """« 18 décembre 2020 et automne 2021 » is listed under 2020 and 2021, never cut in two."""
    page = soup(f"{PIAR}echeances/")
    whens = [text_of(w) for w in page.select(".po-when")]
    assert "(18 décembre 2020 et automne 2021)" in whens
    assert "(18 décembre 2020)" not in whens and "(automne 2021)" not in whens
    for year in ("2020", "2021"):
        group = text_of(page.find("h2", string=year).find_next("ul"))
        assert "18 décembre 2020 et automne 2021" in group


def test_home_lists_every_plan(soup: Any) -> None:
    rows = soup("").select("table.po-plans-table tbody tr")
    cells = {text_of(r.select_one("td[data-label=Organisme]")): r for r in rows}
    piar = cells["MRC de L'Assomption"]
    assert text_of(piar.select_one("td[data-label=Programme]")) == "Accès entreprise Québec"
    assert text_of(piar.select_one("[data-label='Dernière mise à jour']")) == "27 août 2021"
    pac = cells["MRC des Etchemins"]
    assert text_of(pac.select_one("td[data-label=Période]")) == "2022-2025"


@pytest.mark.parametrize(
    "url",
    [
        "",
        PIAR,
        f"{PIAR}enjeux/1/",
        f"{PIAR}actions/1-1/",
        f"{PAC}moyens/1-1/",
        f"{PAC}objectifs/6/",
        f"{PAC}partenaires/",
        "guide/codes/",
    ],
)
def test_pages_are_french_private_and_titled(soup: Any, url: str) -> None:
    page = soup(url)
    assert page.html["lang"] == "fr"
    html = str(page)
    assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    assert "Made with" not in html and "Material for MkDocs" not in html
    assert page.select_one("link[rel=canonical]")["href"].endswith(url)
    assert len(page.select("h1")) == 1
    assert " ".join(page.title.get_text().split()).startswith(" ".join(page.h1.get_text().split()))


def test_edit_and_report_links(soup: Any) -> None:
    links = {a.get_text(): a["href"] for a in soup(f"{PAC}moyens/3-3/").select(".po-edit a")}
    assert links["Proposer une modification"].endswith("/edit/main/plans/mrc-etchemins-pac-2022.yml")
    assert "/issues/new?title=" in links["Signaler une erreur"]


def test_open_data_downloads(site: Path, soup: Any) -> None:
    hrefs = [a["href"] for a in soup(PAC).select(".po-downloads a")]
    assert hrefs == [f"mrc-etchemins-pac-2022.{extension}" for extension in ("yml", "json", "docx", "xlsx")]
    data = json.loads((site / PAC / "mrc-etchemins-pac-2022.json").read_text(encoding="utf-8"))
    assert data["id"] == "mrc-etchemins-pac-2022" and data["gabarit"] == "pac"
    again = yaml.safe_load((site / PAC / "mrc-etchemins-pac-2022.yml").read_text(encoding="utf-8"))
    assert again == data


def test_sitemap_lists_record_pages(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r"<loc>[^<]*/plans/mrc-etchemins-pac-2022/moyens/1-1/</loc>", sitemap)


def test_search_index_has_record_pages_in_fragments(site: Path) -> None:
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []  # nothing to download before a query: the fragments hold the pages
    assert index["config"]["lang"] == ["fr"]
    documents = {doc.location: doc for doc in search.read_documents(site)}
    moyen = documents["plans/mrc-etchemins-pac-2022/moyens/1-1/"]
    # The page's own words, its number beside them, then the plan: text, no HTML entity.
    assert moyen.title.startswith("Développer une stratégie d'attraction et de rétention des personnes immigrantes")
    assert "(Moyen d'action 1.1) — " in moyen.title and moyen.title.endswith("MRC des Etchemins, 2022")
    # Every page's worker is Plan ouvert's, which loads the fragments.
    config = json.loads(
        bs4.BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
        .select_one("#__config")
        .string
    )
    assert config["search"].endswith("assets/javascripts/recherche.js")
    assert (site / "assets/javascripts/recherche.js").is_file()


def test_etat_du_plan_lists_every_warning_with_a_link(soup: Any) -> None:
    page = soup(f"{PAC}etat/")
    assert "Complétude : 92 %" in text_of(page.select_one(".po-score"))
    rows = page.select("table.po-findings tbody tr")
    assert len(rows) == 8
    first = rows[0]
    assert text_of(first.select_one("[data-label=Code]")) == "PAC-W003"
    assert first.select_one("[data-label=Élément] a")["href"] == "../moyens/1-5/"
    manques = text_of(page.select_one("#manques").find_next("ul"))
    assert "Moyen d'action 1.5 : indicateurs de performance" in manques
    assert "Partenaire « TCIE » : nom complet" in manques
    overview = text_of(soup(PAC).select_one(".po-browse"))
    # Completeness of the data, named as such: never read as progress, and no editors' counts here.
    assert "État des données, pour les organismes : complétude des données : 92 %" in overview


def test_renamed_id_keeps_a_redirect(site: Path, soup: Any) -> None:
    demo = "plans/demo-mrc-fictive-pac-2024/"
    page = soup(f"{demo}moyens/2-9/")
    assert page.select_one("meta[http-equiv=refresh]")["content"] == "0; url=../2-3/"
    assert page.select_one("link[rel=canonical]")["href"] == "../2-3/"
    assert text_of(page.h1).startswith("Page déplacée : Étudier un service de transport vers les zones d'emploi")
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/moyens/2-9/" not in sitemap


ENGLISH = re.compile(
    r"\b(Search|Skip to|Back to top|Previous|Next|Table of contents|Made with|Copy to clipboard|"
    r"Initializing|No matching|Share|Last update|Edit this page|Type to start|Not found)\b"
)


@pytest.mark.parametrize(
    "url",
    [
        "",
        PIAR,
        f"{PAC}moyens/1-1/",
        f"{PAC}suivi/",
        "plans/demo-mrc-fictive-pac-2024/",
        "guide/",
        "a-propos/",
        "404.html",
    ],
)
def test_no_english_string_on_the_page(soup: Any, url: str) -> None:
    page = soup(url)
    for script in page.select("script"):
        script.decompose()
    texts = [page.get_text(" ")]
    texts += [
        str(el.get(attr)) for attr in ("aria-label", "title", "placeholder", "alt") for el in page.select(f"[{attr}]")
    ]
    found = [m.group(0) for text in texts for m in ENGLISH.finditer(text)]
    assert found == []


def test_plan_text_markdown_subset(soup: Any) -> None:
    comment = soup("plans/demo-mrc-fictive-pac-2024/moyens/1-1/").select_one("#commentaires").find_next("p")
    assert str(comment.strong) == "<strong>gratuites</strong>"
    assert comment.em.get_text() == "en français et en anglais"


def test_annual_report_page_and_workbook(site: Path, soup: Any) -> None:
    demo = "plans/demo-mrc-fictive-pac-2024/"
    page = soup(f"{demo}rapport/an-1/")
    assert text_of(page.h1) == "Reddition de compte, An 1 (2024-2025)"
    rows = {text_of(r.th): [text_of(td) for td in r.select("td")] for r in page.select(".po-rapport-table tbody tr")}
    row = rows["Objectif spécifique 1 — Moyen d'action 1.1"]
    assert row[:4] == ["Nombre d'activités", "4 activités", "5 activités", "Oui"]
    assert row[4].startswith("En cours")
    link = page.select_one(".po-downloads a")["href"]
    assert link == "demo-mrc-fictive-pac-2024-rapport-an-1.xlsx"
    assert (site / demo / "rapport/an-1" / link).read_bytes()[:2] == b"PK"


def test_open_data_page_links_every_file(site: Path, soup: Any) -> None:
    page = soup("donnees/")
    hrefs = {a["href"] for a in page.select("a[download]")}
    assert "csv/moyens.csv" in hrefs and "datapackage.json" in hrefs  # the page sits beside its files
    csv_bytes = (site / "donnees" / "csv" / "moyens.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # BOM so that Excel reads UTF-8
    assert b"Identifiant du plan" in csv_bytes.splitlines()[0]
    assert len(page.select("table.po-donnees tbody tr")) == 14  # one row per table


def test_demo_plan_says_it_is_fictitious_on_every_page(site: Path) -> None:
    from bs4 import BeautifulSoup

    pages = [
        p
        for p in (site / "plans" / "demo-mrc-fictive-pac-2024").rglob("index.html")
        if "Page déplacée" not in p.read_text(encoding="utf-8")
    ]
    assert len(pages) > 15
    for path in pages:
        banner = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one(".po-fictif")
        assert banner is not None and "Plan fictif" in banner.get_text(), path
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Fictif" in home


def scrolling_classes(site: Path) -> set[str]:
    """Classes that the site's own stylesheet lets scroll (overflow: auto or scroll)."""
    css = (site / "assets" / "plan-ouvert.css").read_text(encoding="utf-8")
    found = set()
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if re.search(r"overflow(?:-[xy])?\s*:\s*(?:auto|scroll)", body):
            found.update(re.findall(r"\.([\w-]+)\s*(?:,|$)", selectors.strip()))
    return found


def accessible_name(page: Any, element: Any) -> str:
    if element.get("aria-label", "").strip():
        return str(element["aria-label"]).strip()
    parts = [page.find(id=ident) for ident in element.get("aria-labelledby", "").split()]
    return " ".join(text_of(part) for part in parts if part is not None)


def test_every_scrolling_box_is_a_named_region_reachable_by_keyboard(site: Path) -> None:
    from bs4 import BeautifulSoup

    classes = scrolling_classes(site)
    assert "po-table-wrap" in classes
    checked = 0
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if not any(name in html for name in classes):
            continue
        page = BeautifulSoup(html, "html.parser")
        for box in page.select(", ".join(f".{name}" for name in classes)):
            where = f"{path.relative_to(site)} : {box.get('class')}"
            assert box.get("tabindex") == "0", where
            assert box.get("role") == "region", where
            assert accessible_name(page, box), where
            checked += 1
    assert checked > 20


def test_not_found_page_is_french_and_leads_home(site: Path, soup: Any) -> None:
    page = soup("404.html")
    assert page.html["lang"] == "fr"
    assert [text_of(h) for h in page.select("h1")] == ["Page introuvable"]
    assert text_of(page.title).startswith("Page introuvable")
    assert "Not found" not in text_of(page.body)
    # The page is sent for missing addresses at any depth: its links start from the site's path.
    base = urlsplit(soup("").select_one("link[rel=canonical]")["href"]).path
    links = {text_of(a): a["href"] for a in page.select("article a")}
    assert links["Retour à l'accueil"] == base
    plans = links["Tous les plans publiés"]
    assert plans.startswith(base) and (site / plans.removeprefix(base) / "index.html").is_file()
    skip = page.select_one("a.md-skip")
    assert page.select_one(skip["href"]) is not None  # « Aller au contenu » has its target


def test_search_config_partial_is_the_themes_block_with_our_worker() -> None:
    """overrides/partials/recherche-config.html copies Material's « config » block (base.html)
    to name another search worker: it must change when the pinned theme's block changes."""
    import material

    theme = (Path(material.__file__).parent / "templates" / "base.html").read_text(encoding="utf-8")
    block = theme.split("{% block config %}", 1)[1].split("{% endblock %}", 1)[0]
    ours = (ROOT / "overrides" / "partials" / "recherche-config.html").read_text(encoding="utf-8")
    ours = ours.split("-#}", 1)[1]  # after the partial's own comment

    def norm(text: str) -> str:
        return " ".join(text.split())

    worker = re.search(r'"search": "(assets/javascripts/workers/search\.[0-9a-f]+\.min\.js)"', block)
    assert worker is not None
    expected = norm(block.replace(worker.group(1), "assets/javascripts/recherche.js"))
    assert norm(ours) == expected
