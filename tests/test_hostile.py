"""Hostile and broken input: nothing breaks, nothing runs, nothing escapes site/."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_ouvert.cli import main
from plan_ouvert.load import load_file

from .conftest import copy_project, run_cli
from .helpers import PETIT, petit, plans_folder

PAYLOADS = [
    "<script>window.__xss='script'</script>",
    "<img src=x onerror=\"window.__xss='img'\">",
    "<a href=\"javascript:window.__xss='lien'\">clic</a>",
    "[lien](javascript:window.__xss='md')",
    "{{ config.site_name }} {% include 'base.html' %} {# commentaire #}",
    '" onmouseover="window.__xss=\'attr\'" x="',
    "</textarea><svg onload=\"window.__xss='svg'\">",
    "<iframe src=\"data:text/html,<script>parent.__xss='data'</script>\"></iframe>",
    "{{ '' .__class__.__mro__ }}",
    "<style>body{display:none}</style>",
]
FREE_TEXT = {
    "texte",
    "enonce",
    "titre",
    "nom",
    "sigle",
    "role",
    "commentaires",
    "resume",
    "source",
    "unite",
    "realise",
    "commentaire",
    "instance",
    "resolution",
}
TEXT_LISTS = {"resultats_attendus", "clientele", "objectifs"}


def poison(data: Any, counter: list[int]) -> Any:
    """Every free-text value of a plan replaced by a payload, in turn."""
    if isinstance(data, dict):
        result = {}
        for key, value in data.items():
            if key in FREE_TEXT and isinstance(value, str):
                counter[0] += 1
                result[key] = f"Texte {counter[0]} {PAYLOADS[counter[0] % len(PAYLOADS)]}"
            elif key in TEXT_LISTS and isinstance(value, list):
                result[key] = []
                for _ in value:
                    counter[0] += 1
                    result[key].append(f"Texte {counter[0]} {PAYLOADS[counter[0] % len(PAYLOADS)]}")
            else:
                result[key] = poison(value, counter)
        return result
    if isinstance(data, list):
        return [poison(item, counter) for item in data]
    return data


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("xss") / "projet")
    for name in ("petit-piar", "petit-pac"):
        data = poison(yaml.safe_load(petit(name)), [0])
        data["suivi_exemple"] = None
        del data["suivi_exemple"]
        (project / "plans" / f"{name}.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("construire", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "site"


def test_payloads_are_shown_as_text_in_the_html(poisoned_site: Path) -> None:
    pages = list((poisoned_site / "plans" / "petit-pac").rglob("index.html"))
    pages += list((poisoned_site / "plans" / "petit-piar").rglob("index.html"))
    assert len(pages) > 20
    html = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    for marker in (
        "<script>window.__xss",
        "<img src=x onerror",
        'href="javascript:',
        "<svg onload",
        '<iframe src="data:',
        "<style>body{display:none}",
    ):
        assert marker not in html, marker
    assert "&lt;script&gt;window.__xss" in html
    assert "{{ config.site_name }}" in html  # template syntax stays text: never evaluated
    assert "__mro__" in html and "&lt;class" not in html


def test_template_syntax_in_a_title_is_not_evaluated(poisoned_site: Path) -> None:
    titles = [
        p.read_text(encoding="utf-8").split("<title>", 1)[1].split("</title>", 1)[0]
        for p in (poisoned_site / "plans").rglob("index.html")
    ]
    assert any("{{ config.site_name }}" in t or "&lt;script&gt;" in t for t in titles)


@pytest.mark.parametrize("bad_id", ["../../etc", "a/b", "1 1", "1‐1", "аxe", "Moyen-1", "1--1", "-1", ""])
def test_ids_that_could_escape_or_collide_are_refused(tmp_path: Path, bad_id: str) -> None:
    text = petit("petit-pac").replace("id: 2-1", f"id: '{bad_id}'")
    loaded = load_file(plans_folder(tmp_path, {"petit-pac.yml": text}) / "petit-pac.yml")
    assert [f.code for f in loaded.findings] == ["SCHEMA-E004"]


def test_fifty_megabyte_file(tmp_path: Path) -> None:
    path = tmp_path / "enorme.yml"
    with path.open("w", encoding="utf-8") as out:
        out.write("id: x\n")
        out.write(("# " + "x" * 97 + "\n") * 500_000)
    loaded = load_file(path)
    assert [f.code for f in loaded.findings] == ["YAML-E010"]
    assert "fichier trop volumineux (50,0 Mo)" in loaded.findings[0].message


# --- Property: any mutation of a real plan gives findings or a plan, never an exception ---

SEED = yaml.safe_load((PETIT / "petit-pac.yml").read_text(encoding="utf-8"))
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


PATHS = _paths(SEED)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(PATHS), st.one_of(st.just("supprimer"), VALUES)), min_size=1, max_size=4
    )
)
def test_mutated_plans_never_raise(tmp_path: Path, mutations: list[tuple[tuple[Any, ...], Any]]) -> None:
    data = copy.deepcopy(SEED)
    for path, value in mutations:
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if value == "supprimer":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    folder = plans_folder(tmp_path / "h", {"petit-pac.yml": yaml.safe_dump(data, allow_unicode=True)})
    code = main(["verifier", str(folder), "--format", "json"])
    assert code in (0, 1, 2)


def test_huge_string_is_refused_with_its_place(tmp_path: Path) -> None:
    text = petit("petit-pac").replace("texte: 5 activités", "texte: " + "x" * 200_000)
    loaded = load_file(plans_folder(tmp_path, {"petit-pac.yml": text}) / "petit-pac.yml")
    assert [f.code for f in loaded.findings] == ["SCHEMA-E007"]
    assert "texte trop long" in loaded.findings[0].message and "5000 au plus" in loaded.findings[0].message
    assert loaded.findings[0].line == text[: text.index("xxxx")].count("\n") + 1
