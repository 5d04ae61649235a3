"""Helpers shared by tests: locate text in a file, check a mutated copy of a plan."""

from __future__ import annotations

import gzip
import shutil
import zipfile
from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.source.findings import Finding

ROOT = Path(__file__).resolve().parents[1]
PETIT = ROOT / "tests" / "data" / "petit"
REFERENTIELS = ROOT / "plans" / "referentiels"


def position(text: str, needle: str, occurrence: int = 1, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of the `occurrence`-th `needle` in `text`, plus `offset` columns."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1 + offset
    return line, column


def plans_folder(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REFERENTIELS, folder / "referentiels", dirs_exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def petit(name: str) -> str:
    return (PETIT / f"{name}.yml").read_text(encoding="utf-8")


def check_text(tmp_path: Path, name: str, text: str) -> list[Finding]:
    folder = plans_folder(tmp_path, {f"{name}.yml": text})
    return load_catalogue([folder]).findings


def files_containing(folder: Path, needle: str) -> list[str]:
    """Files under `folder` holding `needle`, XLSX members and gzip contents searched too."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        blobs = [path.read_bytes()]
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                blobs += [archive.read(name) for name in archive.namelist()]
        if path.suffix == ".gz":
            blobs.append(gzip.decompress(blobs[0]))
        if any(needle.encode() in blob for blob in blobs):
            found.append(str(path.relative_to(folder)))
    return found
