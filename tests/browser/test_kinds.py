"""The pages of kinds written as data, in a browser: accessible, private, without script errors.

The seed plans only show the templates their kinds name (enjeu, moyen, their overviews); the
generic element page, the generic overview and the value views are checked here, on a site
built from the kinds and plans of the end-to-end tests of kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ..conftest import shared_site
from ..test_types import CLIMAT, GENERIQUE, kinds_project
from .conftest import Served, Visit, _headers_of, serve

pytestmark = pytest.mark.browser

LAYOUTS = {
    "plan": f"plans/{CLIMAT}/",
    "element-haut": f"plans/{CLIMAT}/axes/mobilite/",
    "element-non-conforme": f"plans/{CLIMAT}/chantiers/toitures/",
    "valeurs": f"plans/{CLIMAT}/secteurs/",
    "valeur": f"plans/{CLIMAT}/secteurs/batiments/",
    "partenaires": f"plans/{CLIMAT}/partenaires/",
    "partenaire": f"plans/{CLIMAT}/partenaires/cre/",
    "echeances": f"plans/{CLIMAT}/echeances/",
    "programme-niveaux": f"plans/{GENERIQUE}/programme/",
    "element-bas": f"plans/{GENERIQUE}/actions/horaire/",
}
WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def kinds_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    site = shared_site(tmp_path_factory, "types", kinds_project) / "site"  # tests/test_types.py's site
    info, stop = serve(site, _headers_of(site))
    yield info
    stop()


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_kind_pages_pass_axe_without_errors(visit: Callable[..., Visit], kinds_served: Served, layout: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    record = visit(kinds_served.base + LAYOUTS[layout])
    assert record.page.locator("h1").count() == 1
    assert record.blocked == []
    assert record.errors == []
    assert record.csp_violations() == []
    results = Axe().run(record.page, options=WCAG_AA)
    assert results.response["violations"] == [], results.generate_report()
