"""Reuse, from one build to the next, the files that depend only on their inputs' contents.

A plan's workbooks, exports and downloads depend on its file, its kind, its référentiel, the
site's settings and this program: the key of an entry is a hash of all of these, never a date
(a file touched but unchanged keeps its key; a file changed within the same second does not).

The cache is never a way into the site. Whoever can write the repository (a pull request, a
committed folder) must not be able to put files in the published site or run code in the build:
- entries live outside the repository, in the user's cache folder (`$XDG_CACHE_HOME`, else
  `~/.cache`), under `plan-ouvert/<hash of the checkout's real path>/`;
  `PLAN_OUVERT_CACHE_DIR` names another folder, `PLAN_OUVERT_CACHE=0` turns the cache off;
- each entry carries a keyed hash (HMAC-SHA256) of every file name and bytes, made with a
  secret this machine's builds create once (`plan-ouvert/cle`, mode 0600, never in the
  repository): an entry that does not verify is ignored and made again, never published;
- an entry is read as bytes and written out by name: no link is followed, an entry holding a
  link, a special file or a name leaving the entry is refused;
- nothing is unpickled from a file the build did not seal: compiled templates (which Jinja
  reads with pickle and marshal) are kept in memory and, between builds, in files sealed the
  same way and checked before they are read.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.metadata
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

import jinja2
import jinja2.bccache

# The folder an older release kept in the repository: `make clean` still removes it, and a
# tracked copy of it is refused (see tracked_cache).
LEGACY_DIR = Path(".cache")
CACHE_ENV = "PLAN_OUVERT_CACHE"
CACHE_DIR_ENV = "PLAN_OUVERT_CACHE_DIR"
APP = "plan-ouvert"
KEY_FILE = "cle"
KEY_BYTES = 32
FILES = "fichiers"  # an entry: its files under this folder, and its keyed hash beside it
SEAL = "empreinte"
# A site path as an entry holds it: relative, no empty, "." or ".." part, no backslash.
_SAFE_PART = re.compile(r"[^/\\\0]+")
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


def user_cache_home() -> Path:
    """`$XDG_CACHE_HOME/plan-ouvert`, else `~/.cache/plan-ouvert`: this user's, outside any repository."""
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / APP


def cache_dir(project: Path) -> Path:
    """Where the entries of the checkout at `project` live (its real path decides, not its name)."""
    chosen = os.environ.get(CACHE_DIR_ENV, "").strip()
    if chosen:
        return Path(chosen).expanduser().resolve()
    return user_cache_home() / digest(str(project.resolve()))[:16]


def disabled() -> bool:
    return os.environ.get(CACHE_ENV, "").strip().lower() in ("0", "false", "non", "no")


def machine_key(home: Path | None = None) -> bytes:
    """The secret of this user's builds, created at the first build (0600, in the user's cache).

    Never in a repository: an entry put there by someone else cannot carry a valid keyed hash.
    """
    home = home or user_cache_home()
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = home / KEY_FILE
    for _attempt in range(3):  # read; else make one and read it; a bad one is replaced once
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            _create_key(path)
            continue
        with os.fdopen(fd, "rb") as stream:
            info = os.fstat(stream.fileno())
            key = stream.read(KEY_BYTES + 1)
        # Only a key that no one else could have written or read is trusted.
        private = stat.S_ISREG(info.st_mode) and not info.st_mode & 0o077 and info.st_uid == os.getuid()
        if private and len(key) == KEY_BYTES:
            return key
        path.unlink(missing_ok=True)  # then a new key: every entry is made again
    raise OSError(f"clé du cache illisible : {path}")


def _create_key(path: Path) -> None:
    """Write a new key whole, then link it into place: a concurrent build never reads half a key."""
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_BYTES))
        os.link(scratch, path)
    except FileExistsError:  # another build made it first: use that one
        pass
    finally:
        scratch.unlink(missing_ok=True)


def seal(key: bytes, section: str, entry_key: str, files: dict[str, bytes]) -> str:
    """The keyed hash of an entry: its section and key, then every file's name and bytes."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (section.encode(), entry_key.encode(), len(files).to_bytes(8, "little")):
        mac.update(len(part).to_bytes(8, "little") + part)
    for name in sorted(files):
        for part in (name.encode("utf-8"), files[name]):
            mac.update(len(part).to_bytes(8, "little"))
            mac.update(part)
    return mac.hexdigest()


def safe_name(name: str) -> bool:
    """A site path that stays inside the folder it is written to."""
    parts = name.split("/")
    return bool(name) and all(_SAFE_PART.fullmatch(p) and p not in (".", "..") for p in parts)


class RefusedEntry(Exception):
    """An entry holds something no build writes (a link, a special file, an odd name)."""


def _read_entry(folder: Path) -> dict[str, bytes]:
    """Every file of `folder` as bytes, following no link; RefusedEntry if it holds anything else."""
    files: dict[str, bytes] = {}
    pending = [(folder, "")]
    while pending:
        current, prefix = pending.pop()
        with os.scandir(current) as listing:
            for item in listing:
                name = prefix + item.name
                if not safe_name(name) or item.is_symlink():
                    raise RefusedEntry(name)
                if item.is_dir(follow_symlinks=False):
                    pending.append((Path(item.path), name + "/"))
                elif item.is_file(follow_symlinks=False):
                    fd = os.open(item.path, os.O_RDONLY | os.O_NOFOLLOW)
                    with os.fdopen(fd, "rb") as stream:
                        files[name] = stream.read()
                else:
                    raise RefusedEntry(name)
    return files


class Cache:
    """Entries of files by key: each entry is a folder holding the files at their site paths,
    and their keyed hash."""

    def __init__(self, root: Path, key: bytes):
        self.root = root
        self.key = key
        self.refused: list[str] = []  # entries ignored because they did not verify

    @classmethod
    def for_project(cls, project: Path) -> Cache | None:
        """The project's cache; None when PLAN_OUVERT_CACHE=0 asks every build to start afresh."""
        if disabled():
            return None
        try:
            return cls(cache_dir(project), machine_key())
        except OSError:
            return None  # no writable cache folder: every build starts afresh

    def _entry(self, section: str, key: str) -> Path:
        return self.root / section / key[:2] / key

    def load(self, section: str, key: str) -> dict[str, bytes] | None:
        """The entry's files, verified; None when there is none or it does not verify."""
        entry = self._entry(section, key)
        try:
            if entry.is_symlink() or not entry.is_dir():
                return None
            files = _read_entry(entry / FILES)
            expected = (entry / SEAL).read_text(encoding="ascii").strip()
        except (OSError, RefusedEntry, UnicodeError):
            self._refuse(section, key)
            return None
        if not hmac.compare_digest(expected, seal(self.key, section, key, files)):
            self._refuse(section, key)
            return None
        return files

    def _refuse(self, section: str, key: str) -> None:
        """An entry no build of this machine wrote: out of the way, so that it is made again."""
        self.refused.append(f"{section}/{key}")
        entry = self._entry(section, key)
        if entry.is_symlink():
            entry.unlink(missing_ok=True)
        else:
            shutil.rmtree(entry, ignore_errors=True)

    def restore(self, section: str, key: str, target: Path) -> bool:
        """Write the entry's files into `target`; False when there is no such verified entry."""
        files = self.load(section, key)
        if files is None:
            return False
        write_files(target, files)
        return True

    def store(self, section: str, key: str, files: dict[str, bytes]) -> None:
        """Keep `files` (site path → bytes) under `key`; written aside, then renamed in one step."""
        entry = self._entry(section, key)
        if entry.is_dir() or not all(safe_name(n) for n in files):
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            scratch = Path(tempfile.mkdtemp(prefix=".ecriture-", dir=entry.parent))
        except OSError:
            return
        try:
            write_files(scratch / FILES, files)
            (scratch / SEAL).write_text(seal(self.key, section, key, files) + "\n", encoding="ascii")
            scratch.rename(entry)  # a concurrent build may have stored the same entry first
        except OSError:
            pass
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


def write_files(target: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        if not safe_name(name):
            raise ValueError(f"nom de fichier refusé : {name!r}")
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)  # never write through a link left in the target
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
    """Compiled Jinja templates, by the hash of their source: in memory while the process lives
    (the preview's server), and in the cache folder between builds, sealed like an entry.

    Jinja reads its bytecode with pickle and marshal, which a crafted file turns into code: a
    file is read only when its keyed hash, made with this machine's secret, matches its bytes.
    Compiling the theme's templates again at each build costs about 0.4 s of processor time.
    """

    _memory: ClassVar[dict[str, bytes]] = {}

    def __init__(self, folder: Path | None = None, key: bytes | None = None):
        self.folder = folder if key is not None else None
        self.key = key or b""

    def _path(self, bucket_key: str) -> Path | None:
        return self.folder / f"{bucket_key}.jinja" if self.folder is not None else None

    def _seal(self, bucket_key: str, data: bytes) -> bytes:
        return seal(self.key, "gabarits", bucket_key, {"bytecode": data}).encode("ascii")

    def _read(self, bucket_key: str) -> bytes | None:
        path = self._path(bucket_key)
        if path is None:
            return None
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
            with os.fdopen(fd, "rb") as stream:
                if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                    return None
                stored = stream.read()
        except OSError:
            return None
        mark, _, data = stored.partition(b"\n")
        return data if hmac.compare_digest(mark, self._seal(bucket_key, data)) else None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._memory.get(bucket.key)
        if data is None:
            data = self._read(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = bucket.bytecode_to_string()
        self._memory[bucket.key] = data
        path = self._path(bucket.key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, name = tempfile.mkstemp(prefix=".ecriture-", dir=path.parent)
            with os.fdopen(handle, "wb") as stream:
                stream.write(self._seal(bucket.key, data) + b"\n" + data)
            Path(name).replace(path)
        except OSError:
            pass


def template_cache(store: Cache | None) -> TemplateCache:
    if store is None:
        return TemplateCache()
    return TemplateCache(store.root / "gabarits", store.key)


def tracked_cache(root: Path) -> list[str]:
    """The files under `.cache/` that git tracks in the checkout at `root` (none outside git)."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--", str(LEGACY_DIR)], cwd=root, capture_output=True, check=False
        )
    except OSError:
        return []
    if result.returncode != 0:
        return []
    return [name for name in result.stdout.decode("utf-8", "replace").split("\0") if name]


def clear(project: Path) -> Path:
    """Remove the entries of the checkout at `project` (the machine's key stays)."""
    folder = cache_dir(project)
    shutil.rmtree(folder, ignore_errors=True)
    return folder


def main(argv: list[str]) -> int:
    """`python -m plan_ouvert.outputs.cache effacer`: what `make clean` runs."""
    if argv != ["effacer"]:
        print("usage : python -m plan_ouvert.outputs.cache effacer", file=sys.stderr)
        return 2
    folder = clear(Path.cwd())
    print(f"cache effacé : {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
