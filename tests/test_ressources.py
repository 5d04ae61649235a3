"""Resources of a PIAR: hire date, share of time outside the program, the summary on the plan's page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pydantic import ValidationError

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.outputs.render import Renderer, Settings
from plan_ouvert.source.model import Ressource
from plan_ouvert.views.pages import plan_url
from plan_ouvert.views.site import build_site

from .helpers import ROOT, petit, plans_folder
from .kinds import PLAN_RH as KIND
from .kinds import write_kind


def test_ressource_accepts_embauche_and_hors_programme() -> None:
    r = Ressource.model_validate({"id": "r1", "role": "Conseillère", "embauche": "automne 2021", "hors_programme": 20})
    assert r.embauche == "automne 2021"
    assert r.hors_programme == 20


@pytest.mark.parametrize("value", [-1, 101, float("nan"), float("inf")])
def test_ressource_rejects_out_of_range_hors_programme(value: float) -> None:
    with pytest.raises(ValidationError):
        Ressource.model_validate({"id": "r1", "role": "Conseillère", "hors_programme": value})


# --- The resource summary on the plan's page --------------------------------------------------

ADOPTE = ROOT / "tests" / "data" / "adopte" / "mrc-riviere-piar-2024.yml"
NBSP = "\u00a0"


def _plan_page(folder: Path, plan_id: str) -> BeautifulSoup:
    """The plan's page as the site renders it (the page's own HTML, without the theme around it)."""
    catalogue = load_catalogue([folder])
    assert catalogue.errors() == [], catalogue.errors()
    settings = Settings(root=ROOT, plans=folder, templates=ROOT / "overrides" / "plan", extra={})
    html = Renderer(settings).page(build_site(catalogue), plan_url(plan_id))
    return BeautifulSoup(html, "html.parser")


def _visible(text: str) -> str:
    """Text as read: runs of spaces as one, the non-breaking spaces of French typography kept."""
    return re.sub(r"[ \t\n]+", " ", text).replace(" \u00a0", "\u00a0").strip()


def _rows(page: BeautifulSoup) -> dict[str, dict[str, str]]:
    """Each row of the resource table, by resource, as cell label → visible text."""
    table: Any = page.select_one("table.po-ressources")
    rows = {}
    for tr in table.select("tbody tr"):
        cells = {cell["data-label"]: _visible(cell.get_text(" ")) for cell in tr.select("th, td")}
        rows[cells["Ressource"]] = cells
    return rows


def _adopted(tmp_path: Path) -> Path:
    # r1 also works 10 % outside the programme (110 % in all); r2, hired in 2025, 20 %.
    text = ADOPTE.read_text(encoding="utf-8").replace(
        '{id: r1, role: "Conseillère aux entreprises", statut: nouvelle}',
        '{id: r1, role: "Conseillère aux entreprises", statut: nouvelle, embauche: "Automne 2024", hors_programme: 10}',
    )
    text = text.replace(
        '{id: r2, role: "Agent de développement", statut: existante}',
        '{id: r2, role: "Agent de développement", statut: existante, hors_programme: 20}',
    )
    assert text.count("hors_programme") == 2
    return plans_folder(tmp_path, {ADOPTE.name: text})


def test_summary_shows_each_share_per_enjeu_and_in_total(tmp_path: Path) -> None:
    page = _plan_page(_adopted(tmp_path), "mrc-riviere-piar-2024")
    heading: Any = page.find("h2", id="ressources")
    assert heading is not None and heading.get_text() == "Ressources"
    table: Any = page.select_one("table.po-ressources")
    assert table.caption.get_text().startswith("Temps imparti par ressource")
    assert [th["scope"] for th in table.select("thead th")] == ["col"] * 7
    assert [th["scope"] for th in table.select("tbody th")] == ["row"] * 2
    rows = _rows(page)
    r1 = rows["Conseillère aux entreprises (r1)"]
    assert r1["Statut"] == "Nouvelle ressource"
    assert r1["Embauche"] == "Automne 2024"
    assert r1["Part par enjeu"] == f"Enjeu 1{NBSP}: 40{NBSP}% Enjeu 2{NBSP}: 30{NBSP}% Enjeu 3{NBSP}: 30{NBSP}%"
    assert r1["Total au programme"] == f"100{NBSP}%"
    assert r1["Hors programme"] == f"10{NBSP}%"
    assert r1["Non affecté"] == f"Dépassement de 10{NBSP}%"
    r2 = rows["Agent de développement (r2)"]
    assert (r2["Embauche"], r2["Part par enjeu"], r2["Total au programme"]) == ("Non précisée", "Aucune", f"0{NBSP}%")
    assert (r2["Hors programme"], r2["Non affecté"]) == (f"20{NBSP}%", f"80{NBSP}%")
    # Each share links to its enjeu's page.
    links = [a["href"] for a in table.select("tbody tr:first-child a")]
    assert links == ["enjeux/1/", "enjeux/2/", "enjeux/3/"]


def test_time_outside_the_programme_makes_the_resource_over_allocated(tmp_path: Path) -> None:
    findings = load_catalogue([_adopted(tmp_path)]).findings
    [finding] = [f for f in findings if f.code == "PIAR-E005"]
    assert "« r1 » est affectée à 110 % de son temps" in finding.message
    assert "+ 10 % (hors programme)" in finding.message


def test_no_summary_for_kinds_without_resources(tmp_path: Path) -> None:
    for name in ("petit-pac", "petit-plan-action"):
        page = _plan_page(plans_folder(tmp_path / name, {f"{name}.yml": petit(name)}), name)
        assert page.select_one("table.po-ressources") is None
        assert page.find("h2", id="ressources") is None
        assert page.find("h2", id="apercu") is not None  # the page itself was rendered


# A kind of one's own that keeps resources: the summary follows its words and levels; time given
# on an action counts for the orientation above it.

PLAN_RH = """\
id: mrc-x-prh-2025
gabarit: plan-rh
titre: "Plan RH"
organisme: {nom: "MRC X"}
ressources:
  - {id: tech, role: "Technicienne", embauche: "Janvier 2025"}
orientations:
  - id: "1"
    texte: "Former"
    actions:
      - {id: a, texte: "Cours", temps_imparti: {texte: "Tech : 12,5 %", allocations: [{ressource: tech, part: 12.5}]}}
      - {id: b, texte: "Stages", temps_imparti: {allocations: [{ressource: tech, part: 25}]}}
  - id: "2"
    texte: "Recruter"
    actions:
      - {id: c, texte: "Salon", temps_imparti: {allocations: [{ressource: tech, part: 50}]}}
"""


def test_summary_follows_the_kind_of_the_plan(tmp_path: Path) -> None:
    folder = plans_folder(tmp_path, {"mrc-x-prh-2025.yml": PLAN_RH})
    write_kind(folder, KIND)
    page = _plan_page(folder, "mrc-x-prh-2025")
    [row] = _rows(page).values()
    assert row["Ressource"] == "Technicienne (tech)"
    assert row["Statut"] == "Non précisé" and row["Embauche"] == "Janvier 2025"
    assert row["Part par orientation"] == f"Orientation 1{NBSP}: 37,5{NBSP}% Orientation 2{NBSP}: 50{NBSP}%"
    assert row["Total au programme"] == f"87,5{NBSP}%"
    assert (row["Hors programme"], row["Non affecté"]) == ("Non précisé", f"12,5{NBSP}%")


@pytest.mark.slow
def test_summary_is_on_the_built_plan_page(tmp_path_factory: pytest.TempPathFactory) -> None:
    from .conftest import shared_site
    from .test_plan_adopte import PLAN, only_the_adopted_plan

    assert PLAN == ADOPTE  # the same site as tests/test_plan_adopte.py's, built once
    project = shared_site(tmp_path_factory, "adopte", only_the_adopted_plan)
    html = (project / "site" / "plans" / "mrc-riviere-piar-2024" / "index.html").read_text(encoding="utf-8")
    page = BeautifulSoup(html, "html.parser")
    assert [h.get_text(" ", strip=True) for h in page.select("article h2")].count("Ressources") == 1
    r1 = _rows(page)["Conseillère aux entreprises (r1)"]
    assert (r1["Total au programme"], r1["Non affecté"]) == (f"100{NBSP}%", f"0{NBSP}%")
