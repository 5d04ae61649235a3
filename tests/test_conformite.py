"""Publishing what was adopted: departures from the gabarit are shown where they occur, not refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.findings import Severity
from plan_ouvert.views.site import load_site

from .conftest import run_cli
from .helpers import petit, plans_folder

PLAN = "petit-piar"
NO_ECHEANCE = "Le plan adopté ne précise pas d'échéance pour cette action."
NO_AXE = "Le plan adopté n'associe cet enjeu à aucun axe d'intervention du programme."


def _departing() -> str:
    """The small PIAR, as adopted with two departures: action 1-2 has no échéance, enjeu 2 no axe."""
    text = petit(PLAN)
    for old, new in (("        echeance: 30 juin 2022\n", ""), ("axes: [6]", "axes: []")):
        assert old in text
        text = text.replace(old, new, 1)
    return text


def _obligations(text: str) -> str:
    """Enjeu 4 gathers the convention's obligations: it names no objective, and says so."""
    old = "    objectifs_generaux: [3]\n    axes: [4]\n"
    assert old in text
    return text.replace(old, "    obligations_convention: true\n", 1)


def _page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def _text(node: object) -> str:
    return " ".join(node.get_text(" ").split()) if node is not None else ""  # type: ignore[attr-defined]


@pytest.fixture
def departing(project: Path) -> Path:
    (project / "plans" / f"{PLAN}.yml").write_text(_obligations(_departing()), encoding="utf-8")
    return project


def test_an_adopted_plan_is_published_with_its_departures_shown(departing: Path) -> None:
    result = run_cli("construire", cwd=departing)
    assert result.returncode == 0, result.stderr
    assert "non-conformité(s)" in result.stderr
    site = load_site(departing / "plans")
    action = site.page_for(PLAN, "enjeux.0.actions.1")
    enjeu = site.page_for(PLAN, "enjeux.1")
    assert action is not None and enjeu is not None

    action_note = _text(_page(departing / "site", action.url).select_one(".po-non-conforme:not(.po-avertissement)"))
    assert NO_ECHEANCE in action_note
    enjeu_note = _text(_page(departing / "site", enjeu.url).select_one(".po-non-conforme:not(.po-avertissement)"))
    assert NO_AXE in enjeu_note
    assert enjeu_note.count(NO_AXE) == 1  # one sentence per departure, however many sources say it

    etat = _page(departing / "site", f"plans/{PLAN}/etat/")
    table = etat.select_one("#non-conformites").find_next("table")
    rows = {_text(r.select_one("[data-label=Code]")): r for r in table.select("tbody tr")}
    assert set(rows) == {"PIAR-E002", "PIAR-E004"}
    links = {code: r.select_one("[data-label=Élément] a")["href"] for code, r in rows.items()}
    assert links["PIAR-E004"].rstrip("/").endswith(action.url.rstrip("/").rsplit("/", 1)[-1])
    assert links["PIAR-E002"].rstrip("/").endswith(enjeu.url.rstrip("/").rsplit("/", 1)[-1])
    manques = _text(etat.select_one("#manques").find_next("ul"))
    assert "échéance" in manques and "axes d'intervention" in manques  # completeness counts them

    # Enjeu 4 gathers the convention's obligations: its page says so, and no departure is shown.
    obligations = site.page_for(PLAN, "enjeux.3")
    assert obligations is not None
    page = _page(departing / "site", obligations.url)
    assert "Cet enjeu regroupe les obligations de la convention" in _text(page.select_one(".po-obligations"))
    assert page.select_one(".po-non-conforme:not(.po-avertissement)") is None


def test_conformite_stricte_refuses_in_french_and_keeps_the_site(departing: Path) -> None:
    (departing / "site").mkdir()
    (departing / "site" / "index.html").write_text("ancien", encoding="utf-8")
    config = departing / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "conformite_stricte: false" in text
    config.write_text(text.replace("conformite_stricte: false", "conformite_stricte: true"), encoding="utf-8")
    result = run_cli("construire", cwd=departing)
    assert result.returncode == 1
    assert "non-conformité PIAR-E004: l'action 1-2 n'a pas d'échéance" in result.stderr
    assert "conformite_stricte est activé dans mkdocs.yml" in result.stderr
    assert "Traceback" not in result.stderr
    assert (departing / "site" / "index.html").read_text(encoding="utf-8") == "ancien"


def test_conformite_stricte_fails_a_mkdocs_build(departing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The setting holds for a plain MkDocs build too (the hooks log an error)."""
    import logging

    from macros import plugin

    site = load_site(departing / "plans")
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    plugin.log.addHandler(handler)
    try:
        plugin.report(site, 0, strict=False)
        assert not [r for r in records if r.levelno >= logging.ERROR]
        plugin.report(site, 0, strict=True)
    finally:
        plugin.log.removeHandler(handler)
    errors = [r.getMessage() for r in records if r.levelno >= logging.ERROR]
    assert any("PIAR-E004" in m and "conformite_stricte dans mkdocs.yml" in m for m in errors)


def test_an_enjeu_of_the_convention_obligations(tmp_path: Path) -> None:
    folder = plans_folder(tmp_path, {f"{PLAN}.yml": _obligations(petit(PLAN))})
    findings = load_catalogue([folder]).findings
    # Not required to name objectives or axes: no PIAR-E001/E002, nothing above info.
    assert [f for f in findings if f.severity is not Severity.INFO] == []
    site = load_site(folder)
    enjeu = site.find(PLAN, "enjeu", "4")
    assert enjeu is not None
    missing = [m.what for m in site.completude(PLAN).manques if m.url == enjeu.url]
    assert missing and "objectifs généraux" not in missing and "axes d'intervention" not in missing


def test_an_obligations_enjeu_counts_under_no_objective_or_axe(tmp_path: Path) -> None:
    # Even when it names some, the convention's obligations are not coverage of the programme.
    text = _obligations(petit(PLAN)).replace(
        "    obligations_convention: true\n", "    obligations_convention: true\n    axes: [4]\n", 1
    )
    site = load_site(plans_folder(tmp_path, {f"{PLAN}.yml": text}))
    axes = next(r for r in site.reference_lists(PLAN) if r.liste == "axes")
    covered = {c.item.numero: [e.id for e in c.elements] for c in axes.coverage}
    assert covered[4] == []
    assert covered[1] == ["1", "3"]
