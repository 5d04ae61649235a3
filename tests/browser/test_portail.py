"""The plans list filters and sorts in place; the portal pages pass axe and fit a phone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Served, Visit

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PORTAIL = {
    "plans": "plans/",
    "programmes": "programmes/",
    "programme": "programmes/acces-entreprise-quebec/",
    "organisations": "organisations/",
    "organisation": "organisations/mrc-des-etchemins/",
}


def _visible_organisations(page: object) -> list[str]:
    return page.evaluate(  # type: ignore[attr-defined, no-any-return]
        "() => [...document.querySelectorAll('#tableau-plans-corps tbody tr')]"
        ".filter(r => !r.hidden && r.offsetParent !== null)"
        ".map(r => r.querySelector('[data-label=Organisme]').textContent.trim())"
    )


def test_filter_by_region_shows_its_plans_and_says_how_many(visit: Callable[..., Visit], served: Served) -> None:
    record = visit(served.base + "plans/")
    page = record.page
    form = page.get_by_role("form", name="Filtrer la liste")
    assert form.is_visible()  # the script shows the filters it runs
    assert sorted(_visible_organisations(page)) == sorted(
        ["MRC de L'Assomption", "MRC des Etchemins", "MRC Fictive-des-Exemples"]
    )
    region = page.get_by_label("Région", exact=True)
    region.focus()
    region.select_option(label="Chaudière-Appalaches (12)")
    assert _visible_organisations(page) == ["MRC des Etchemins"]
    status = page.get_by_role("status")
    assert status.inner_text() == "1 plan affiché."
    region.select_option(label="Toutes les régions")
    assert status.inner_text() == "3 plans affichés."
    page.get_by_label("Type de plan", exact=True).select_option(label="Programmation PAC")
    assert sorted(_visible_organisations(page)) == ["MRC Fictive-des-Exemples", "MRC des Etchemins"]
    assert status.inner_text() == "2 plans affichés."
    page.get_by_role("button", name="Tout afficher").click()
    page.wait_for_function("document.getElementById('compte-plans').textContent.startsWith('3')")
    assert record.errors == [] and record.csp_violations() == []


def test_filter_hides_the_cards_on_a_phone(visit: Callable[..., Visit], served: Served) -> None:
    """On a phone each row is a card (display: block): a filtered-out card must still disappear."""
    page = visit(served.base + "plans/", width=390, height=844).page
    page.get_by_label("Région", exact=True).select_option(label="Lanaudière (14)")
    assert _visible_organisations(page) == ["MRC de L'Assomption"]
    assert page.get_by_role("status").inner_text() == "1 plan affiché."


def test_sorting_by_a_column_says_so(visit: Callable[..., Visit], served: Served) -> None:
    page = visit(served.base + "plans/").page
    heading = page.locator("#tableau-plans-corps thead th", has_text="Organisme")
    assert heading.get_attribute("aria-sort") is None
    page.get_by_role("button", name="Organisme", exact=True).click()
    assert heading.get_attribute("aria-sort") == "ascending"
    ascending = _visible_organisations(page)
    assert ascending == sorted(ascending, key=str.casefold)
    page.get_by_role("button", name="Organisme", exact=True).press("Enter")
    assert heading.get_attribute("aria-sort") == "descending"
    assert _visible_organisations(page) == list(reversed(ascending))
    assert "triés par organisme (ordre décroissant)" in page.get_by_role("status").inner_text()
    # Only one column says it sorts the list.
    assert page.locator("#tableau-plans-corps th[aria-sort]").count() == 1


@pytest.mark.parametrize("name", list(PORTAIL))
def test_portal_pages_pass_axe(visit: Callable[..., Visit], served: Served, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = visit(served.base + PORTAIL[name]).page
    results = Axe().run(page, options=WCAG_AA)
    assert results.response["violations"] == [], results.generate_report()


def test_matrix_scrolls_in_its_region_on_a_phone(visit: Callable[..., Visit], served: Served) -> None:
    page = visit(served.base + "programmes/acces-entreprise-quebec/", width=390, height=844).page
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"la page déborde : {widths[0]} px pour {widths[1]} px"
    region = page.get_by_role("region", name="Couverture du référentiel", exact=False)
    region.focus()
    assert region.evaluate("e => e === document.activeElement")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # the matrix scrolls inside, not the page
