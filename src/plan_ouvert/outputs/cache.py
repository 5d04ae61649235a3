"""Reuse, from one build to the next, the files that depend only on their inputs' contents.

A plan's workbooks, exports and downloads depend on its file, its kind, its référentiel, the
site's settings and this program: the key of an entry is a hash of all of these, never a date
(a file touched but unchanged keeps its key; a file changed within the same second does not).
Entries live outside the site, in `.cache/plan-ouvert/` beside mkdocs.yml; removing that folder
only makes the next build slower.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

import jinja2
import jinja2.bccache

CACHE_DIR = Path(".cache") / "plan-ouvert"
# The libraries whose output lands in cached files: a new version may write other bytes.
_WRITERS = ("openpyxl", "python-docx", "PyYAML", "Jinja2")
_PACKAGE = Path(__file__).resolve().parent.parent


def digest(*parts: bytes | str) -> str:
    """A hash of `parts`, each length-prefixed so that two splits of the same bytes differ."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


@functools.cache
def program_key() -> str:
    """This program as it runs: the package's version and every file of it, and its writers' versions.

    The files' contents, not only the version number: a change to the code between two
    releases must not reuse what the previous code wrote.
    """
    parts: list[bytes | str] = [_version("plan-ouvert"), *(f"{n}={_version(n)}" for n in _WRITERS)]
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            parts += [path.relative_to(_PACKAGE).as_posix(), path.read_bytes()]
    return digest(*parts)


def folder_key(folder: Path, suffixes: Iterable[str] = (".yml", ".yaml")) -> str:
    """The contents of every data file under `folder` (kinds, référentiels), with their names."""
    parts: list[bytes | str] = []
    if folder.is_dir():
        wanted = tuple(suffixes)
        for path in sorted(folder.rglob("*")):
            if path.suffix in wanted and path.is_file():
                parts += [path.relative_to(folder).as_posix(), path.read_bytes()]
    return digest(*parts)


class Cache:
    """Entries of files by key: each entry is a folder holding the files at their site paths."""

    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def for_project(cls, project: Path) -> Cache | None:
        """The project's cache; None when PLAN_OUVERT_CACHE=0 asks every build to start afresh."""
        if os.environ.get("PLAN_OUVERT_CACHE", "").strip().lower() in ("0", "false", "non", "no"):
            return None
        return cls(project / CACHE_DIR)

    def _entry(self, section: str, key: str) -> Path:
        return self.root / section / key[:2] / key

    def restore(self, section: str, key: str, target: Path) -> bool:
        """Copy the entry's files into `target`; False when there is no such entry."""
        entry = self._entry(section, key)
        if not entry.is_dir():
            return False
        shutil.copytree(entry, target, dirs_exist_ok=True, copy_function=shutil.copyfile)
        return True

    def store(self, section: str, key: str, files: dict[str, bytes]) -> None:
        """Keep `files` (site path → bytes) under `key`; written aside, then renamed in one step."""
        entry = self._entry(section, key)
        if entry.is_dir():
            return
        entry.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=".ecriture-", dir=entry.parent))
        try:
            for name, data in files.items():
                path = scratch / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            scratch.rename(entry)  # a concurrent build may have stored the same entry first
        except OSError:
            pass
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def write_files(target: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def through_cache(
    cache: Cache | None, section: str, key: str, target: Path, produce: Callable[[], dict[str, bytes]]
) -> bool:
    """Write the files `produce` makes into `target`, or the same files kept from an earlier build.

    True when the files came from the cache.
    """
    if cache is not None and cache.restore(section, key, target):
        return True
    files = produce()
    write_files(target, files)
    if cache is not None:
        cache.store(section, key, files)
    return False


def capture(write: Callable[[Path], object]) -> dict[str, bytes]:
    """The files a writer puts in a folder (site path → bytes), written into a scratch folder."""
    with tempfile.TemporaryDirectory(prefix="plan-ouvert-") as scratch:
        root = Path(scratch)
        write(root)
        return {
            path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()
        }


class TemplateCache(jinja2.BytecodeCache):
    """Compiled Jinja templates, kept by the hash of their source (Jinja checks it on load).

    Compiling the theme's and the fragments' templates costs about a second at every build,
    and at every save under the preview: kept in memory while the process lives (the
    preview's server), and under the cache folder between builds.
    """

    _memory: ClassVar[dict[str, bytes]] = {}

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _path(self, key: str) -> Path | None:
        return self.folder / f"{key}.jinja" if self.folder is not None else None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._memory.get(bucket.key)
        path = self._path(bucket.key)
        if data is None and path is not None and path.is_file():
            data = path.read_bytes()
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = bucket.bytecode_to_string()
        self._memory[bucket.key] = data
        path = self._path(bucket.key)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            scratch = path.with_name(f".{path.name}.{os.getpid()}")
            scratch.write_bytes(data)
            scratch.replace(path)


def template_cache(cache: Cache | None) -> TemplateCache:
    return TemplateCache(cache.root / "gabarits" if cache is not None else None)
