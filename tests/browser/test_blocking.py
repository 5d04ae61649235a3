"""The test harness itself: a third-party request is really blocked and recorded, so that
« no request leaves 127.0.0.1 » in the other tests cannot pass by accident."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Visit, serve

pytestmark = pytest.mark.browser


def test_external_requests_are_blocked_and_recorded(tmp_path: Path, visit: Callable[..., Visit]) -> None:
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="fr"><head><title>Essai</title>'
        '<script src="https://example.com/traceur.js"></script>'
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"></head>'
        "<body><h1>Essai</h1></body></html>",
        encoding="utf-8",
    )
    served, stop = serve(tmp_path)
    try:
        record = visit(served.base)
        assert record.page.title() == "Essai"
        assert sorted(record.blocked) == [
            "https://example.com/traceur.js",
            "https://fonts.googleapis.com/css?family=Roboto",
        ]
    finally:
        stop()
