"""The committed JSON Schema is the model's, plan files name it, and the guide covers every code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from plan_ouvert.checks.rules import REGISTRY
from plan_ouvert.outputs import schema

from .helpers import ROOT

SOURCE_CODES = re.compile(r'"((?:YAML|SCHEMA|COM|TYPE)-[EWI]\d{3})"')


def test_committed_schema_matches_the_model() -> None:
    for name, kind in schema.FILES.items():
        committed = (ROOT / "docs" / "schema" / name).read_text(encoding="utf-8")
        assert committed == schema.render(kind), f"docs/schema/{name} est périmé : lancez « plan-ouvert schema »"


def test_schema_describes_fields_in_french() -> None:
    plan = json.loads(schema.render("plan"))
    moyen = plan["$defs"]["PacMoyen"]["properties"]
    assert moyen["porteurs"]["description"].startswith("Porteur(s)")
    assert "minuscules sans accents" in moyen["id"]["description"]
    # One branch per kind, chosen by « gabarit: », the generic kind included.
    assert set(plan["discriminator"]["mapping"]) >= {"piar", "pac", "plan-action"}


def test_every_plan_file_names_the_schema() -> None:
    for path in (ROOT / "plans").glob("*.yml"):
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../docs/schema/plan.schema.json\n"
        ), path.name
    for path in (ROOT / "plans" / "referentiels").glob("*.yml"):
        assert path.read_text(encoding="utf-8").startswith(
            "# yaml-language-server: $schema=../../docs/schema/referentiel.schema.json\n"
        ), path.name


def _all_codes() -> set[str]:
    codes = set(REGISTRY)
    for path in (ROOT / "src" / "plan_ouvert").rglob("*.py"):
        codes |= set(SOURCE_CODES.findall(path.read_text(encoding="utf-8")))
    return codes


def test_guide_explains_every_finding_code_and_no_other() -> None:
    guide = (ROOT / "docs" / "guide" / "codes.md").read_text(encoding="utf-8")
    code = r"^\| ((?:YAML|SCHEMA|COM|TYPE|PIAR|PAC|IMPORT|SAISIE)-[EWI]\d{3}) \|"
    documented = set(re.findall(code, guide, flags=re.MULTILINE))
    codes = _all_codes()
    assert codes - documented == set(), "codes sans entrée dans docs/guide/codes.md"
    assert documented - codes == set(), "entrées du guide pour des codes qui n'existent pas"


def test_guide_severity_matches_the_rule() -> None:
    guide = (ROOT / "docs" / "guide" / "codes.md").read_text(encoding="utf-8")
    for code, rule in REGISTRY.items():
        row = re.search(rf"^\| {code} \| ([\w-]+) \|", guide, flags=re.MULTILINE)
        assert row and row.group(1) == str(rule.severity), code


def test_new_plan_templates_are_valid(tmp_path: Path) -> None:
    from .conftest import run_cli
    from .helpers import REFERENTIELS

    (tmp_path / "plans").mkdir()
    import shutil

    shutil.copytree(REFERENTIELS, tmp_path / "plans" / "referentiels")
    for programme, plan_id in (("acces-entreprise-quebec", "mrc-test-piar-2025"), ("mifi-pac", "mrc-test-pac-2025")):
        created = run_cli("nouveau", programme, plan_id, cwd=tmp_path)
        assert created.returncode == 0, created.stderr
        text = (tmp_path / "plans" / f"{plan_id}.yml").read_text(encoding="utf-8")
        assert f"id: {plan_id}" in text and "# " in text
    # An untouched starter is valid YAML of its kind, but every « À remplir » left is an erreur.
    result = run_cli("verifier", "--strict", "plans", cwd=tmp_path)
    errors = [line for line in result.stdout.splitlines() if " erreur " in line]
    assert result.returncode != 0 and errors, result.stdout + result.stderr
    assert all(" erreur SAISIE-E001: « À remplir » est encore à remplacer" in line for line in errors), errors
    assert "plans/mrc-test-piar-2025.yml:14:3: erreur SAISIE-E001" in result.stdout
    again = run_cli("nouveau", "mifi-pac", "mrc-test-pac-2025", cwd=tmp_path)
    assert again.returncode == 2 and "existe déjà" in again.stderr
