"""Sharing and embedding: what a link preview reads, each plan's feed, the card other sites
frame, and addresses that follow the configured site URL (a custom domain)."""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.outputs import sitecheck
from plan_ouvert.views import partage

from .conftest import copy_project, run_cli
from .helpers import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"
PLAN = "mrc-lassomption-piar-2021"
DOMAIN = "https://plans.mrc-exemple.qc.ca/"
Soup = Callable[[str], Any]


def _xml(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8"))  # noqa: S314 (the build's own output)


def _meta(page: Any, **attrs: str) -> list[str]:
    return [tag["content"] for tag in page.find_all("meta", attrs=attrs)]


@pytest.fixture(scope="module")
def tree() -> Any:
    return load_catalogue([ROOT / "plans"]).entry(PLAN).tree


def test_a_plans_link_preview_shows_its_title_and_description(soup: Soup, tree: Any) -> None:
    page = soup(f"plans/{PLAN}/")
    title = page.title.get_text()
    description = partage.plan_description(tree)
    assert description == (
        "Plan d'intervention et d'affectation des ressources de la MRC de L'Assomption, 2021 : 6 enjeux, 16 actions."
    )
    assert _meta(page, property="og:title") == [title.removesuffix(" - Plan ouvert")]
    assert tree.plan.titre in _meta(page, property="og:title")[0]
    # One description only (the theme writes it; the page's own replaces the site's).
    assert _meta(page, name="description") == [description]
    assert _meta(page, property="og:description") == [description]
    assert _meta(page, property="og:locale") == ["fr_CA"]
    assert _meta(page, property="og:site_name") == ["Plan ouvert"]
    assert _meta(page, property="og:type") == ["website"]
    assert _meta(page, name="twitter:card") == ["summary"]
    assert _meta(page, property="og:url") == [page.find("link", rel="canonical")["href"]]


def test_element_and_view_pages_describe_their_own_content(soup: Soup, tree: Any) -> None:
    element = tree.leaves[0]
    page = soup(element.url)
    (description,) = _meta(page, name="description")
    assert description == partage.shorten(partage.plain(element.texte))
    assert len(description) <= partage.LIMIT
    echeances = _meta(soup(f"plans/{PLAN}/echeances/"), name="description")
    assert echeances == [
        "Échéancier : ce qui est prévu, élément par élément, et quand — "
        "Plan d'intervention et d'affectation des ressources (PIAR), MRC de L'Assomption, 2021."
    ]
    assert _meta(soup("plans/"), name="description") == [partage.PORTAL["plans"]]
    # A hand-written page without a description of its own: the site's.
    assert _meta(soup("a-propos/"), property="og:description") == [
        "Les plans d'action des MRC, publics, consultables et vérifiés."
    ]


def test_shorten_cuts_at_a_word_boundary() -> None:
    text = "Accompagner " * 30
    short = partage.shorten(text)
    assert len(short) <= partage.LIMIT and short.endswith("Accompagner…")
    assert partage.shorten("Court.") == "Court."


def test_each_plan_has_its_own_feed_linked_from_its_pages(site: Path, soup: Soup, tree: Any) -> None:
    feed = _xml(site / "plans" / PLAN / "flux.xml")
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"
    assert feed.findtext(f"{ATOM}title") == (
        "Plan d'intervention et d'affectation des ressources (PIAR), MRC de L'Assomption, 2021 : mises à jour du plan"
    )
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == len(tree.plan.mises_a_jour) + 1  # the updates and the publication
    assert all(f"/plans/{PLAN}/" in e.find(f"{ATOM}link").get("href") for e in entries)
    for url in (f"plans/{PLAN}/", tree.leaves[0].url):
        links = soup(url).find_all("link", rel="alternate", type="application/atom+xml")
        targets = {posixpath.normpath(posixpath.join(url, link["href"])) for link in links}
        assert targets == {"flux.xml", f"plans/{PLAN}/flux.xml"}, url
        # The theme fetches sitemap.xml beside each link whose rel is exactly « alternate »:
        # only the site's own feed, at the root where the sitemap is, may have it.
        plain = [link for link in links if link["rel"] == ["alternate"]]
        assert [posixpath.normpath(posixpath.join(url, link["href"])) for link in plain] == ["flux.xml"]
    (described,) = soup(f"plans/{PLAN}/").find_all("link", rel="describedby", type="application/ld+json")
    assert (site / "plans" / PLAN / described["href"]).resolve() == site / "donnees" / PLAN / "dataset.jsonld"
    visible = soup(f"plans/{PLAN}/").find("a", string="Suivre les mises à jour de ce plan (flux Atom)")
    assert visible["href"] == "flux.xml"


def test_the_card_stands_alone_without_script_and_links_back(site: Path, soup: Soup, tree: Any) -> None:
    card = soup(f"integrer/{PLAN}/")
    assert card.find("script") is None
    assert card.find("h1").get_text() == tree.plan.titre
    text = card.get_text(" ")
    assert "MRC de L'Assomption" in text and "Avancement (suivi déclaré par l'organisme)" in text
    (policy,) = _meta(card, **{"http-equiv": "Content-Security-Policy"})
    assert "default-src 'none'" in policy and "script-src" not in policy
    (style,) = card.find_all("link", rel="stylesheet")
    assert (site / "integrer" / f"{PLAN}" / style["href"]).resolve().is_file()
    (back,) = card.find_all("a")
    assert back["href"] == f"../../plans/{PLAN}/" and back["target"] == "_blank"
    # Every link, title and heading of the cards is checked like any page's.
    assert sitecheck.check_site(site) == []


def test_the_integration_page_gives_the_iframe_to_copy(soup: Soup, tree: Any) -> None:
    plan_page = soup(f"plans/{PLAN}/")
    link = plan_page.find("a", string="Intégrer ce plan à votre site")
    assert link["href"] == "integrer/"
    page = soup(f"plans/{PLAN}/integrer/")
    snippet = page.find("pre").get_text()
    assert snippet.startswith(
        '<iframe src="https://plan-ouvert.github.io/plan-ouvert/integrer/mrc-lassomption-piar-2021/"'
    )
    assert f'title="Résumé du plan : {tree.plan.titre}, MRC de L\'Assomption"' in snippet
    assert 'loading="lazy"' in snippet and 'width="' in snippet and 'height="' in snippet


def _rules(text: str) -> dict[str, dict[str, str]]:
    rules: dict[str, dict[str, str]] = {}
    path = ""
    for line in text.splitlines():
        if line and not line[0].isspace():
            path = line.strip()
            rules[path] = {}
        elif line.strip():
            name, _, value = line.strip().partition(": ")
            rules[path][name] = value
    return rules


def _matches(rule: str, path: str) -> bool:
    return path == rule or (rule.endswith("*") and path.startswith(rule[:-1]))


def test_only_the_cards_may_be_framed(site: Path) -> None:
    rules = _rules((site / "_headers").read_text(encoding="utf-8"))
    for path, framable in (
        (f"/integrer/{PLAN}/", True),
        (f"/plans/{PLAN}/", False),
        ("/", False),
        ("/donnees/", False),
    ):
        policies = [
            h["Content-Security-Policy"]
            for r, h in rules.items()
            if _matches(r, path) and "Content-Security-Policy" in h
        ]
        # Exactly one policy reaches each path: a host that merges rules cannot add 'none' to a card.
        assert len(policies) == 1, (path, policies)
        assert policies[0].endswith("frame-ancestors *" if framable else "frame-ancestors 'none'"), path
    assert rules["/*"]["X-Content-Type-Options"] == "nosniff"


@pytest.fixture(scope="module")
def custom_domain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built for a custom domain, given by the configuration only."""
    project = copy_project(tmp_path_factory.mktemp("domaine") / "projet")
    result = run_cli("construire", cwd=project, env={"PLAN_OUVERT_SITE_URL": DOMAIN})
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_addresses_follow_the_configured_domain(custom_domain: Path) -> None:
    from bs4 import BeautifulSoup

    page = BeautifulSoup((custom_domain / "plans" / PLAN / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("link", rel="canonical")["href"] == f"{DOMAIN}plans/{PLAN}/"
    assert _meta(page, property="og:url") == [f"{DOMAIN}plans/{PLAN}/"]
    sitemap = _xml(custom_domain / "sitemap.xml")
    locations = [loc.text or "" for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert locations and all(loc.startswith(DOMAIN) for loc in locations)
    for feed in (custom_domain / "flux.xml", custom_domain / "plans" / PLAN / "flux.xml"):
        links = [link.get("href") or "" for link in _xml(feed).iter(f"{ATOM}link")]
        assert links and all(href.startswith(DOMAIN) for href in links), feed
    snippet = BeautifulSoup(
        (custom_domain / "plans" / PLAN / "integrer" / "index.html").read_text(encoding="utf-8"), "html.parser"
    ).find("pre")
    assert f'src="{DOMAIN}integrer/{PLAN}/"' in snippet.get_text()
    catalogue = (custom_domain / "donnees" / "catalogue.jsonld").read_text(encoding="utf-8")
    assert f'"{DOMAIN}plans/{PLAN}/"' in catalogue and "github.io" not in catalogue


def test_the_publication_workflow_never_guesses_the_address_from_the_repository() -> None:
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8"))
    steps = [step for job in workflow["jobs"].values() for step in job.get("steps", [])]
    given = [step["env"]["PLAN_OUVERT_SITE_URL"] for step in steps if "PLAN_OUVERT_SITE_URL" in step.get("env", {})]
    assert given and all("repository" not in value and "github.io" not in value for value in given)
    # The address is the repository's configuration, else the one the Pages settings give.
    (lookup,) = [step for step in steps if step.get("id") == "adresse"]
    assert lookup["env"]["ADRESSE"] == "${{ vars.PLAN_OUVERT_SITE_URL }}"
    assert "repos/$GITHUB_REPOSITORY/pages" in lookup["run"]
