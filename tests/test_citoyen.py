"""What a citizen sees at the top of a plan's pages: how far along it is, named in plain French.

Expected counts come from the demo plan's YAML, read here, never from the implementation.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import yaml

from .helpers import ROOT

DEMO = "demo-mrc-fictive-pac-2024"
PIAR = "mrc-lassomption-piar-2021"


def text_of(node: Any) -> str:
    return re.sub(r"\s+", " ", node.get_text(" ")).strip()


def demo_statuses() -> Counter[str]:
    data = yaml.safe_load((ROOT / "plans" / f"{DEMO}.yml").read_text(encoding="utf-8"))
    found: Counter[str] = Counter()
    for objectif in data["objectifs_specifiques"]:
        for moyen in objectif["moyens"]:
            found[moyen["suivi"]["statut"] if moyen.get("suivi") else "sans_suivi"] += 1
    return found


def test_plan_page_says_how_far_along_the_plan_is(soup: Callable[[str], Any]) -> None:
    counts = demo_statuses()
    total = sum(counts.values())
    section = soup(f"plans/{DEMO}/").select_one("section.po-avancement")
    headline = text_of(section.select_one(".po-headline"))
    done = counts["realise"]
    assert headline.startswith(f"{done} moyen d'action réalisé sur {total}, {counts['en_cours']} en cours"), headline
    assert "prochaine échéance" in headline
    assert "(s)" not in headline
    legend = [text_of(li) for li in section.select(".po-legende-barre li")]
    assert legend[0] == f"Réalisé : {done} ({round(done * 100 / total)} %)"
    assert text_of(section.select_one(".po-when")) == "Dernier suivi déclaré : 30 avril 2026"


def test_plan_without_follow_up_says_so(soup: Callable[[str], Any]) -> None:
    section = soup(f"plans/{PIAR}/").select_one("section.po-avancement")
    assert text_of(section).endswith("Aucun suivi publié : l'organisme n'a pas encore dit où en sont ses 16 actions.")
    assert section.select_one(".po-bar") is None  # no bar for what is not known


def test_enjeu_page_counts_its_own_actions(soup: Callable[[str], Any]) -> None:
    section = soup(f"plans/{PIAR}/enjeux/1/").select_one("section.po-avancement")
    assert "ses 2 actions" in text_of(section)


def test_plans_list_and_home_show_progress_and_keep_completeness_apart(soup: Callable[[str], Any]) -> None:
    for url in ("", "plans/"):
        rows = soup(url).select("#tableau-plans-corps tbody tr")
        cells = {
            r.th.a["href"].rstrip("/").rsplit("/", 1)[-1]: text_of(r.select_one("[data-label=Avancement]"))
            for r in rows
        }
        assert cells[DEMO].startswith("1 moyen d'action réalisé sur 6"), cells
        assert cells[PIAR] == "Aucun suivi publié (16 actions)"
    browse = text_of(soup(f"plans/{PIAR}/").select_one(".po-browse"))
    assert "complétude des données : 95" in browse
    assert "complet à" not in browse and "avertissement" not in browse


# --- Titles that carry meaning --------------------------------------------------------------


def test_element_heading_is_its_own_words_with_its_number_beside(soup: Callable[[str], Any]) -> None:
    page = soup(f"plans/{PIAR}/actions/3-2/")
    assert text_of(page.select_one(".po-numero")) == "Action 3.2"
    assert text_of(page.h1) == "Optimiser l'utilisation des fonds qui nous ont été octroyés via le PAUPME"
    assert text_of(page.title).startswith(text_of(page.h1) + " (Action 3.2) — Plan d'intervention")
    crumbs = [text_of(li) for li in page.select(".po-breadcrumb li")]
    assert crumbs[2] == "Plan d'intervention et d'affectation…, MRC de L'Assomption"
    assert crumbs[-2:] == ["Plusieurs entreprises de notre territoire…", "Optimiser l'utilisation des fonds…"]


def test_long_text_is_shortened_between_words_never_inside_one() -> None:
    from plan_ouvert.views.pages import short_text

    text = (
        "Embaucher temporairement un 2e Conseiller en financement qui travaillera en priorité avec les "
        "entreprises éprouvées par la pandémie qui souhaite obtenir un soutien financier."
    )
    assert short_text(text) == "Embaucher temporairement un 2e Conseiller en financement…"
    assert short_text("Activités **gratuites**, offertes *en français*.") == "Activités gratuites, offertes en français"
    aside = (
        "Soutenir le milieu (exemple : municipalités, écoles, organismes) dans l'organisation d'activités d'accueil."
    )
    assert short_text(aside) == "Soutenir le milieu dans l'organisation d'activités d'accueil"
    assert short_text("Soutenir le milieu (exemple : " + "municipalités, " * 9 + "écoles)") == "Soutenir le milieu"


def test_search_index_titles_hold_no_html_entity(site: Any) -> None:
    import json

    from plan_ouvert.outputs import search

    assert json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"] == []
    titles = [doc.title for doc in search.read_documents(site)]
    assert not [t for t in titles if re.search(r"&#?\w+;", t)]
    assert any("Optimiser l'utilisation des fonds" in t for t in titles)


# --- Citizens' pages and editors' material apart ------------------------------------------


def test_public_pages_hold_no_editors_material(site: Any) -> None:
    from bs4 import BeautifulSoup

    editors = re.compile(
        r"vérifiez|Point à vérifier|Vouliez-vous dire|\b[A-Z]{2,5}-[EWIN]\d{3}\b|\bLigne \d|plan-ouvert importer"
    )
    found = {}
    for path in sorted((site / "plans").rglob("index.html")):
        if path.parent.name == "etat":  # the editors' page of a plan: codes and lines belong there
            continue
        article = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("article")
        if article is not None and (match := editors.search(" ".join(article.get_text(" ").split()))):
            found[str(path.relative_to(site))] = match.group(0)
    assert found == {}


def test_editors_guides_leave_the_public_tabs(soup: Callable[[str], Any]) -> None:
    tabs = [text_of(a) for a in soup("").select(".md-tabs__link")]
    assert tabs == ["Accueil", "Plans", "Données ouvertes", "À propos", "Pour les organismes"]
    guide = text_of(soup("guide/").select_one("article"))
    assert "types de plans" in guide and "codes de vérification" in guide


def test_wording_follows_the_kind(soup: Callable[[str], Any]) -> None:
    piar = text_of(soup(f"plans/{PIAR}/").select_one(".po-downloads"))
    assert "Word (gabarit du ministère)" in piar and "à déposer au ministère" in piar


def test_a_kind_without_programme_speaks_of_no_ministry(tmp_path: Any) -> None:
    from plan_ouvert.outputs.site import load_site
    from plan_ouvert.views import presenters
    from plan_ouvert.views.pages import report_name

    from .helpers import petit, plans_folder

    folder = plans_folder(tmp_path, {"petit-plan-action.yml": petit("petit-plan-action")})
    tree = load_site(folder).tree("petit-plan-action")
    words = " ".join(f"{t.lien} {t.note}" for t in presenters.telechargements(tree))
    assert "ministère" not in words and "Télécharger au format Word" in words
    assert report_name(tree) == "Bilan annuel"


# --- A sober look of the organisation's own --------------------------------------------------


def test_organisation_look_and_footer_come_from_the_configuration(project: Any) -> None:
    from bs4 import BeautifulSoup

    from .conftest import run_cli

    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace('    nom: ""\n    couleur: ""', '    nom: MRC de L\'Exemple\n    couleur: "#1f4e79"', 1)
    text = text.replace('      courriel: ""', "      courriel: info@mrc-exemple.qc.ca", 1)
    config.write_text(text, encoding="utf-8")
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stderr
    page = BeautifulSoup((project / "site" / "index.html").read_text(encoding="utf-8"), "html.parser")
    footer = text_of(page.select_one(".po-pied"))
    assert footer.startswith("MRC de L'Exemple Nous joindre : info@mrc-exemple.qc.ca")
    assert "Dernière mise à jour des plans : 30 avril 2026." in footer  # the demo plan's latest update
    assert "--md-primary-fg-color: #1f4e79" in str(page.head)
    assert "Gouvernement du Québec" not in str(page)


def test_headings_read_in_order(soup: Callable[[str], Any]) -> None:
    page = soup(f"plans/{PIAR}/")
    levels = [int(h.name[1]) for h in page.select("article h1, article h2, article h3, article h4")]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels))  # no level skipped


# --- Follow-up views ---------------------------------------------------------------------------


def test_follow_up_page_has_a_legend_today_and_real_plurals(soup: Callable[[str], Any]) -> None:
    page = soup(f"plans/{DEMO}/suivi/")
    years = [text_of(li) for li in page.select(".po-years li")]
    assert years[0].startswith("An 1 (2024-2025) : 2 cibles atteintes sur 3 mesurées (67 %) ; 4 cibles prévues.")
    assert years[1].startswith("An 2 (2025-2026) : 1 cible atteinte sur 2 mesurées (50 %)")
    assert not [y for y in years if "(s)" in y]
    legend = [text_of(li) for li in page.select("figure.po-timeline figcaption li")]
    assert legend[:5] == ["Réalisé", "En cours", "À venir", "Reporté", "Abandonné"]
    assert legend[-1].startswith("Aujourd'hui")
    marker = page.select_one("g.po-tl-aujourdhui")
    assert marker["data-colonnes"].split() == [
        "2024-01-01/2025-01-01",
        "2025-01-01/2026-01-01",
        "2026-01-01/2027-01-01",
    ]
    # Each status has its pattern, so that bars differ without colour.
    bars = {tuple(r["class"]) for r in page.select("rect.po-tl-bar")}
    assert len({c[-1] for c in bars}) == 5


def test_status_colours_are_distinct_and_contrast_with_white() -> None:
    css = (ROOT / "docs" / "assets" / "plan-ouvert.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--po-([a-z-]+): (#[0-9a-f]{6});", css))
    assert set(colours) == {"realise", "en-cours", "a-venir", "reporte", "abandonne", "sans-suivi"}
    assert len(set(colours.values())) == len(colours)

    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    for name, colour in colours.items():
        assert 1.05 / (luminance(colour) + 0.05) >= 3, name  # WCAG 1.4.11, on white


# --- The preview of a plan that cannot be read ---------------------------------------------


def test_preview_shows_a_blocked_plan_on_its_own_page(project: Any) -> None:
    import os
    import subprocess
    import sys

    from plan_ouvert.outputs import apercu

    broken = project / "plans" / "mrc-lassomption-piar-2021.yml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("enjeux:", "enjeux: [", 1), encoding="utf-8")
    env = {**os.environ, apercu.PREVIEW_ENV: str(broken), "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--no-strict", "-f", "mkdocs.yml"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    page = project / "site" / "plans" / "mrc-lassomption-piar-2021" / "index.html"
    assert page.is_file(), result.stderr
    text = page.read_text(encoding="utf-8")
    assert '<html lang="fr">' in text and "erreur" in text and "Ligne " in text
    terminal = list(apercu.french_lines(result.stderr.splitlines()))
    assert terminal and not [line for line in terminal if re.search(r"Building|Documentation built|INFO", line)]
    assert any("mrc-lassomption-piar-2021.yml:" in line for line in terminal)


def test_preview_terminal_keeps_french_and_drops_mkdocs_english() -> None:
    from plan_ouvert.outputs.apercu import french_lines

    log = [
        "INFO    -  Building documentation...",
        "INFO    -  Cleaning site directory",
        "ERROR   -  plans/x.yml:3:1: erreur COM-E001: clé inconnue « enjeu ».",
        "INFO    -  x : complet à 90 %, 1 erreur(s)",
        "INFO    -  Documentation built in 1.20 seconds",
        "INFO    -  [10:00:00] Serving on http://127.0.0.1:8000/",
    ]
    assert list(french_lines(log)) == [
        "plans/x.yml:3:1: erreur COM-E001: clé inconnue « enjeu ».",
        "x : complet à 90 %, 1 erreur(s)",
    ]
