"""The MkDocs adapter (macros/): a plugin class with typed settings, its state on the instance,
generated pages of their own kind, and Material's search reached from one module only."""

from __future__ import annotations

import ast
import json
import logging
from pathlib import Path

import pytest
from mkdocs.config.defaults import MkDocsConfig

from .conftest import copy_built, run_cli
from .helpers import ROOT


def _config(tmp_path: Path, section: str) -> MkDocsConfig:
    (tmp_path / "docs").mkdir(exist_ok=True)
    path = tmp_path / "mkdocs.yml"
    path.write_text(f"site_name: X\nextra:\n  plan_ouvert:\n{section}", encoding="utf-8")
    config = MkDocsConfig(config_file_path=str(path))
    with path.open(encoding="utf-8") as stream:
        config.load_file(stream)
    failed, _ = config.validate()
    assert not failed
    return config


def test_the_settings_are_typed_with_their_defaults(tmp_path: Path) -> None:
    from macros.settings import read

    typed, settings = read(_config(tmp_path, "    conformite_stricte: true\n    licence: CC0-1.0\n"))
    assert (typed.conformite_stricte, typed.licence, typed.completude_minimale, typed.plans) == (
        True,
        "CC0-1.0",
        0,
        "plans",
    )
    assert settings.plans == tmp_path / "plans"


def test_a_setting_of_the_wrong_type_stops_the_build_in_french(tmp_path: Path) -> None:
    from macros.settings import read
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError) as raised:
        read(_config(tmp_path, "    completude_minimale: beaucoup\n"))
    assert str(raised.value) == (
        "mkdocs.yml : réglage invalide : extra.plan_ouvert.completude_minimale attend un nombre entier "
        "(pourcentage, 0 pour aucun minimum)."
    )


def test_a_wrong_setting_fails_the_build_with_its_message_and_no_traceback(built_copy: Path) -> None:
    config = built_copy / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("conformite_stricte: false", "conformite_stricte: peut-être"), encoding="utf-8")
    result = run_cli("construire", cwd=built_copy)
    assert result.returncode != 0
    assert "extra.plan_ouvert.conformite_stricte attend true ou false" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_the_build_state_lives_on_the_plugin_instance_not_in_module_globals() -> None:
    """Every assignment at the top of the adapter's modules is a constant, a logger, a type or
    the one plugin instance of hooks.py: nothing a build changes."""
    allowed = {"log", "LUNR_FR", "CATALOGUE", "SECTION", "EXPECTED", "Job", "plugin", "_project"}
    for path in sorted((ROOT / "macros").glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                name = ast.unparse(target)
                assert name in allowed or name.startswith("on_"), f"{path.name}: {name}"
            assert not isinstance(node, ast.Global)


def test_generated_pages_are_pages_of_their_own_kind_and_render_without_markdown(tmp_path: Path) -> None:
    from macros.pages import PlanPage
    from mkdocs.structure.files import File, Files

    config = _config(tmp_path, "    licence: ''\n")
    file = File(
        "plans/x/index.md", src_dir=str(tmp_path / "docs"), dest_dir=str(tmp_path / "site"), use_directory_urls=True
    )
    page = PlanPage(file, config, "Titre « {{ x }} »", lambda: "<p>corps</p>", "plans/x/", "x")
    assert file.page is page  # MkDocs' navigation takes this page, never a plain one
    page.read_source(config)
    assert (page.markdown, page.meta) == ("", {"render_macros": False})
    page.render(config, Files([file]))
    assert page.content == "" and page.toc.items == []
    assert page.body() == "<p>corps</p>"


def test_only_the_search_module_reaches_into_materials_search() -> None:
    for path in sorted((ROOT / "macros").glob("*.py")):
        if path.name != "search_offload.py":
            assert "material" not in path.read_text(encoding="utf-8"), path.name


def test_canary_the_offloaded_search_index_is_materials_own_on_the_sample_site(
    built_project: Path, tmp_path: Path
) -> None:
    """The generated pages are indexed in the second process, by Material's own code fed a
    page-like object: built in one process (Material alone indexes every page), the sample
    site's index must be the same, entry for entry. A new Material that indexes otherwise
    fails here."""
    alone = copy_built(built_project, tmp_path / "projet")
    result = run_cli("construire", cwd=alone, env={"PLAN_OUVERT_UN_PROCESSUS": "1"})
    assert result.returncode == 0, result.stderr
    offloaded = json.loads((built_project / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    material = json.loads((alone / "site" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert len(material["docs"]) > 100
    assert offloaded == material


def test_an_unknown_default_licence_is_logged_on_mkdocs_logger(tmp_path: Path) -> None:
    from macros import plugin

    assert plugin.log.name.startswith("mkdocs.")  # so that --strict stops on it
    assert logging.getLogger("mkdocs.plugins.plan_ouvert") is plugin.log
