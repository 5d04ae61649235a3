"""A Word file's hidden data part (customXml, which Word never shows) is a hint, not a source of truth.

The attack: a document whose visible table is one plan and whose hidden part names another
existing plan's id, another organisation, a contact e-mail, a licence, `fictif: false` and
partners' web sites. None of it may reach the plan file without a line in the import report.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import yaml

from plan_ouvert.office.import_word import Options, import_word
from plan_ouvert.office.yamlwriter import report_markdown, to_yaml
from plan_ouvert.source.kinds import Kinds

from .conftest import copy_project, run_cli
from .helpers import REFERENTIELS
from .word_fixtures import PAC, Style, pac_docx, seed

OTHER_PLAN = "mrc-lassomption-piar-2021"  # an existing plan of the repository


def _hidden(path: Path, data: dict[str, Any]) -> Path:
    payload = json.dumps(data, ensure_ascii=False, default=str)
    payload = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    xml = f'<?xml version="1.0" encoding="UTF-8"?><plan-ouvert xmlns="urn:plan-ouvert:plan:1">{payload}</plan-ouvert>'
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("customXml/item9.xml", xml)
    return path


def _attack(tmp_path: Path) -> Path:
    """The PAC seed in Word, and a hidden part that disagrees with it."""
    data = seed(PAC)
    data["id"] = OTHER_PLAN
    data["organisme"] = {"nom": "MRC Piégée", "site_web": "https://piege.example/mrc"}
    data["contact"] = {"courriel": "piege@example.org"}
    data["licence"] = "Tous droits réservés"
    data["fictif"] = False
    data["partenaires"][2]["site_web"] = "https://piege.example/tcie"
    return _hidden(pac_docx(tmp_path / "programmation.docx", Style()), data)


def test_hidden_values_the_document_does_not_show_are_readings_to_check(tmp_path: Path) -> None:
    result = import_word(_attack(tmp_path), Kinds.builtin(), Options(referentiels=REFERENTIELS))
    data = result.data
    # Another plan's id is never taken from the hidden part.
    assert data["id"] != OTHER_PLAN
    hidden = {n.ou: n.texte or "" for n in result.report.devinettes}
    assert any(
        n.message.startswith("Les données cachées du fichier donnent l'identifiant d'un plan existant")
        and f"--id {OTHER_PLAN}" in n.message
        for n in result.report.devinettes
    )
    plan_line = hidden["données cachées du fichier, plan"]
    assert "licence : Tous droits réservés" in plan_line and "fictif : false" in plan_line
    assert hidden["données cachées du fichier, contact"] == "courriel : piege@example.org"
    assert "site_web : https://piege.example/mrc" in hidden["données cachées du fichier, organisme"]
    assert "nom : MRC Piégée" in hidden["données cachées du fichier, organisme"]
    assert hidden["données cachées du fichier, partenaires > 3"] == "site_web : https://piege.example/tcie"
    # The plan file says it too, next to each such value.
    text = to_yaml(result)
    for key in ("contact", "licence", "fictif", "organisme", "partenaires"):
        assert f"# deviné : lu dans les données cachées du fichier, que Word ne montre pas : à vérifier\n{key}:" in text
    report = report_markdown(result.report, "plans/x.yml", "PAC")
    assert "## Lectures à vérifier (0)" not in report


def test_hidden_values_the_table_shows_otherwise_give_way_to_the_table(tmp_path: Path) -> None:
    data = seed(PAC)
    data["objectifs_specifiques"][0]["moyens"][0]["texte"] = "Texte caché qui contredit le tableau"
    path = _hidden(pac_docx(tmp_path / "programmation.docx", Style()), data)
    result = import_word(path, Kinds.builtin(), Options(referentiels=REFERENTIELS, organisme="MRC Autre"))
    shown = seed(PAC)["objectifs_specifiques"][0]["moyens"][0]["texte"]
    assert result.data["objectifs_specifiques"][0]["moyens"][0]["texte"] == shown
    assert result.data["organisme"] == {"nom": "MRC Autre"}  # --organisme wins over the hidden part


def test_importer_never_writes_over_another_plan_from_hidden_data(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "projet")
    before = (project / "plans" / f"{OTHER_PLAN}.yml").read_bytes()
    result = run_cli("importer", str(_attack(tmp_path)), "--remplacer", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (project / "plans" / f"{OTHER_PLAN}.yml").read_bytes() == before
    written = next(p for p in (project / "plans").glob("*.yml") if p.name.startswith("mrc-piegee"))
    plan = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert plan["id"] != OTHER_PLAN
    report = written.with_suffix(".md").read_text(encoding="utf-8")
    assert "données cachées du fichier, contact** : valeurs lues dans une partie cachée du fichier" in report
