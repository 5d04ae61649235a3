"""Text of the adopted plan that an import could not place is published on the plan's page, never dropped."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.outputs.render import Renderer, Settings
from plan_ouvert.views.pages import plan_url
from plan_ouvert.views.site import build_site

from .helpers import ROOT, petit, plans_folder

NOTE = "Tableau 1, rangée 4, colonne « Commentaires » : Le comité aviseur sera consulté au printemps."


def _plan_page(tmp_path: Path, text: str) -> BeautifulSoup:
    folder = plans_folder(tmp_path, {"petit-piar.yml": text})
    catalogue = load_catalogue([folder])
    assert catalogue.errors() == []
    plan_id = catalogue.entries[0].plan.id
    settings = Settings(root=ROOT, plans=folder, templates=ROOT / "overrides" / "plan", extra={})
    return BeautifulSoup(Renderer(settings).page(build_site(catalogue), plan_url(plan_id)), "html.parser")


def test_notes_of_the_plan_are_shown_on_its_page(tmp_path: Path) -> None:
    text = petit("petit-piar") + f'notes:\n  - "{NOTE}"\n'
    page = _plan_page(tmp_path, text)
    heading = page.find("h2", id="notes")
    assert heading is not None and heading.get_text(strip=True) == "Notes du plan"
    assert [li.get_text(strip=True) for li in page.select("ul.po-notes li")] == [NOTE]


def test_no_notes_section_without_notes(tmp_path: Path) -> None:
    page = _plan_page(tmp_path, petit("petit-piar"))
    assert page.find("h2", id="notes") is None
