"""`importer FICHIER.odt`: an OpenDocument text read through LibreOffice, or a French way out."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from plan_ouvert.office.import_word import Options, import_word
from plan_ouvert.source.kinds import Kinds

from .conftest import run_cli
from .helpers import REFERENTIELS
from .word_fixtures import Style, pac_docx

ORG = "MRC des Etchemins"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "projet"
    (project / "plans").mkdir(parents=True)
    shutil.copytree(REFERENTIELS, project / "plans" / "referentiels")
    return project


def _odt(docx_path: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice est installé par « make test »"
    out = docx_path.parent / "odt"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(docx_path.parent / 'lo').as_uri()}", "--convert-to", "odt",
         "--outdir", str(out), str(docx_path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / f"{docx_path.stem}.odt"


def test_an_odt_imports_as_its_docx_does(tmp_path: Path) -> None:
    source = pac_docx(tmp_path / "programmation.docx", Style(lines="sauts"))
    odt = _odt(source)
    project = _project(tmp_path)
    result = run_cli("importer", str(odt), "--organisme", ORG, cwd=project)
    assert result.returncode == 0, result.stderr
    written = yaml.safe_load((project / "plans" / "mrc-des-etchemins-pac-2022.yml").read_text(encoding="utf-8"))
    direct = import_word(source, Kinds.builtin(), Options(referentiels=REFERENTIELS, organisme=ORG)).data
    assert written["objectifs_specifiques"] == direct["objectifs_specifiques"]
    assert written["source"] == "programmation.odt"


def test_without_libreoffice_an_odt_gets_a_french_way_out(tmp_path: Path) -> None:
    odt = tmp_path / "programmation.odt"
    odt.write_bytes(b"PK\x03\x04 not read: LibreOffice is missing")
    project = _project(tmp_path)
    # A PATH without LibreOffice: only the Python that runs the command.
    env = {**os.environ, "PATH": str(Path(sys.executable).parent)}
    result = subprocess.run(
        [sys.executable, "-m", "plan_ouvert.cli", "importer", str(odt), "--organisme", ORG],
        cwd=project, capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    assert "LibreOffice n'est pas installé" in result.stderr
    assert "enregistrez-le au format .docx" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (project / "plans").iterdir()) == ["referentiels"]
