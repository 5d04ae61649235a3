"""`nouveau` on a kind written as data: a starter that invents no value a plan may not have."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from .conftest import run_cli
from .helpers import petit, plans_folder
from .test_kinds import _project


def test_a_generated_starter_invents_no_deadline_year_or_porteur(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    result = run_cli("nouveau", "chantiers", "mrc-nouveau-chantiers", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (folder / "mrc-nouveau-chantiers.yml").read_text(encoding="utf-8")
    assert "En continu" not in text
    data = yaml.safe_load(text)
    # No plan years and no partner the MRC did not write: only placeholders to fill.
    assert "annees" not in data
    assert data["partenaires"] == []
    assert not re.search(r"\b20\d\d\b", text.replace("AAAA", ""))


def test_the_programme_of_a_kind_comes_from_its_referentiel(tmp_path: Path) -> None:
    folder = _project(tmp_path)
    result = run_cli("nouveau", "pac", "mrc-nouveau-pac", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((folder / "mrc-nouveau-pac.yml").read_text(encoding="utf-8"))
    assert data["programme"] == "mifi-pac"


def _values(text: str) -> str:
    """The file without its comments: what the plan says."""
    return "\n".join(line.split("  #")[0] for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_the_hand_written_starters_pre_fill_no_year_porteur_or_number(tmp_path: Path) -> None:
    _project(tmp_path)
    for kind in ("piar", "pac"):
        result = run_cli("nouveau", kind, f"mrc-x-{kind}", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        text = (tmp_path / "plans" / f"mrc-x-{kind}.yml").read_text(encoding="utf-8")
        values = _values(text)
        assert not re.search(r"\b20\d\d\b", values), values  # no plan year, date or échéance
        data = yaml.safe_load(text)
        assert "annees" not in data and "date_plan" not in data
        assert data.get("partenaires", []) == []
        for record in data.get("objectifs_specifiques", []) + data.get("enjeux", []):
            for leaf in record.get("moyens", []) + record.get("actions", []):
                assert "echeance" not in leaf and leaf.get("porteurs", []) == []
                assert all(i["texte"] == "À remplir" and not i.get("cibles") for i in leaf.get("indicateurs", []))
            assert record.get("axes", []) == [] and record.get("objectifs_generaux", []) == []
            assert "temps_imparti" not in record


def test_a_generated_starter_fills_no_sample_date_number_reference_or_yes_no(tmp_path: Path) -> None:
    _project(tmp_path)
    result = run_cli("nouveau", "plan-action", "mrc-x-plan-action", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "plans" / "mrc-x-plan-action.yml").read_text(encoding="utf-8")
    assert "2025-01-01" not in text and "[1]" not in text and "false" not in text
    assert not re.search(r":\s+\d+\s*(#|$)", text, flags=re.MULTILINE), text


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ('"À remplir"', "À remplir"),
        ('"à compléter"', "à compléter"),
        ('"A COMPLETER"', "A COMPLETER"),
        ('"xxx"', "xxx"),
        ('"Rencontre avec XXX le 12 mai"', "XXX"),
        ('"Projet (à compléter)"', "à compléter"),
    ],
)
def test_a_placeholder_left_is_an_error_at_its_line_and_column(tmp_path: Path, value: str, placeholder: str) -> None:
    folder = plans_folder(
        tmp_path,
        {"petit-pac.yml": petit("petit-pac").replace("  nom: MRC de Petite-Rivière\n", f"  nom: {value}\n", 1)},
    )
    result = run_cli("verifier", str(folder), cwd=tmp_path)
    assert result.returncode != 0
    line = next(i for i, t in enumerate((folder / "petit-pac.yml").read_text().splitlines(), 1) if value in t)
    assert f"petit-pac.yml:{line}:3: erreur SAISIE-E001: « {placeholder} » est encore à remplacer" in result.stdout
    built = run_cli("construire", cwd=tmp_path)
    assert built.returncode != 0


def test_words_that_only_look_like_a_placeholder_pass(tmp_path: Path) -> None:
    text = petit("petit-pac").replace(
        "  nom: MRC de Petite-Rivière\n", '  nom: "MRC de Petite-Rivière (XXe siècle), à remplir les salles"\n', 1
    )
    assert (
        "SAISIE-E001"
        not in run_cli("verifier", str(plans_folder(tmp_path, {"petit-pac.yml": text})), cwd=tmp_path).stdout
    )
