"""The overview table fits a desktop screen and stacks on a phone."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import Served, Visit

pytestmark = pytest.mark.browser

PLANS = ["plans/mrc-lassomption-piar-2021/", "plans/mrc-etchemins-pac-2022/"]


@pytest.mark.parametrize("width", [1280, 1920])
@pytest.mark.parametrize("plan", PLANS)
def test_overview_fits_desktop_width(visit: Callable[..., Visit], served: Served, plan: str, width: int) -> None:
    page = visit(served.base + plan, width=width).page
    sizes = page.evaluate(
        "() => { const w = document.querySelector('.po-table-wrap');"
        " const t = w.querySelector('table.po-apercu');"
        " return [t.scrollWidth, w.clientWidth]; }"
    )
    assert sizes[0] <= sizes[1], f"le tableau déborde : {sizes[0]} px pour {sizes[1]} px"


@pytest.mark.parametrize("plan", PLANS)
def test_overview_stacks_on_phone(visit: Callable[..., Visit], served: Served, plan: str) -> None:
    page = visit(served.base + plan, width=390, height=844).page
    display = page.evaluate("() => getComputedStyle(document.querySelector('table.po-apercu tbody td')).display")
    assert display == "block"
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"la page déborde : {widths[0]} px pour {widths[1]} px"
