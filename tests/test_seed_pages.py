"""The seed plans' pages keep their URLs and their visible text across refactors.

The snapshot (tests/data/pages-sources.json) holds the text of every page of the two seed
plans, as built before plan kinds became data. A change that alters what a reader sees on a
seed page fails here; regenerate the snapshot only for a change a person has reviewed:
`PLAN_OUVERT_INSTANTANE=ecrire .venv/bin/python -m pytest tests/test_seed_pages.py`.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

SEEDS = ("mrc-lassomption-piar-2021", "mrc-etchemins-pac-2022")
SNAPSHOT = Path(__file__).parent / "data" / "pages-sources.json"


def visible_texts(site: Path) -> dict[str, str]:
    """URL → the text a reader sees in the page's article, whitespace collapsed."""
    texts: dict[str, str] = {}
    for seed in SEEDS:
        for page in sorted((site / "plans" / seed).rglob("index.html")):
            soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
            article = soup.select_one("article")
            if article is None:  # a redirect page
                continue
            # The history page lists the repository's own commits: not content of the plan.
            if page.parent.name == "historique":
                continue
            url = page.parent.relative_to(site).as_posix() + "/"
            texts[url] = re.sub(r"\s+", " ", article.get_text(" ")).strip()
    return texts


@pytest.mark.slow
def test_seed_pages_keep_their_urls_and_text(site: Path) -> None:
    current = visible_texts(site)
    if os.environ.get("PLAN_OUVERT_INSTANTANE") == "ecrire":
        SNAPSHOT.write_text(json.dumps(current, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert sorted(current) == sorted(expected), "pages ajoutées ou retirées"
    changed = [url for url in expected if current[url] != expected[url]]
    assert not changed, f"texte changé sur {len(changed)} page(s), dont {changed[0]}: {current[changed[0]]!r}"
