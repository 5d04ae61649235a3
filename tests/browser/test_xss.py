"""The XSS corpus of tests/test_hostile.py, opened in Chromium: no dialog, no injected script runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..conftest import shared_site
from ..test_hostile import poison_small_plans
from .conftest import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def poisoned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_site(tmp_path_factory, "xss", poison_small_plans) / "site"


def test_payloads_run_nowhere_in_chromium(browser: Any, poisoned: Path) -> None:
    urls = sorted(
        p.relative_to(poisoned).parent.as_posix() + "/"
        for plan in ("petit-pac", "petit-piar")
        for p in (poisoned / "plans" / plan).rglob("index.html")
    )
    served, stop = serve(poisoned)
    dialogs: list[str] = []
    page = browser.new_page()
    page.set_default_timeout(90_000)  # a loaded machine must not turn a pass into a failure
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for url in urls:
            page.goto(served.base + url)
            assert page.evaluate("window.__xss === undefined"), url
    finally:
        page.close()
        stop()
    assert dialogs == []
    assert len(urls) > 20
