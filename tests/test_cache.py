"""The build cache is never a way in: outside the repository, verified, never unpickled, no link.

A hostile contributor can commit a `.cache/` folder (`git add -f`) or, where the cache lives in
reach, place files there: nothing of it may run in the build or reach the published site.
"""

from __future__ import annotations

import os
import pickle
import stat
import subprocess
from pathlib import Path
from types import SimpleNamespace

import jinja2.bccache
import pytest

from plan_ouvert.outputs import cache
from plan_ouvert.outputs.site import load_site

from .conftest import copy_project, run_cli

EDITED = "mrc-etchemins-pac-2022"


@pytest.fixture(autouse=True)
def own_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own user cache folder (and so its own machine key)."""
    home = tmp_path / "cache-utilisateur"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv(cache.CACHE_DIR_ENV, raising=False)
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    return home


# --- Where the cache lives ------------------------------------------------------------------


def test_the_cache_lives_outside_the_checkout(tmp_path: Path, own_cache_home: Path, monkeypatch: pytest.MonkeyPatch):
    project = tmp_path / "projet"
    project.mkdir()
    folder = cache.cache_dir(project)
    assert folder.is_relative_to(own_cache_home / "plan-ouvert")
    assert not folder.is_relative_to(project)
    # Its real path decides: a second checkout elsewhere has its own entries.
    other = tmp_path / "autre"
    other.mkdir()
    assert cache.cache_dir(other) != folder
    link = tmp_path / "lien"
    link.symlink_to(project)
    assert cache.cache_dir(link) == folder
    monkeypatch.setenv(cache.CACHE_DIR_ENV, str(tmp_path / "ailleurs"))
    assert cache.cache_dir(project) == tmp_path / "ailleurs"
    monkeypatch.setenv(cache.CACHE_ENV, "0")
    assert cache.Cache.for_project(project) is None


def test_the_machine_key_is_private_and_a_readable_one_is_replaced(own_cache_home: Path) -> None:
    key = cache.machine_key()
    path = own_cache_home / "plan-ouvert" / "cle"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert cache.machine_key() == key
    path.chmod(0o644)  # anyone could have read it: a new one
    assert cache.machine_key() != key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_make_clean_clears_the_cache_of_the_checkout(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "projet")
    store = cache.Cache.for_project(project)
    assert store is not None
    store.store("plans", "ab" * 10, {"plans/x/x.json": b"{}"})
    assert store.root.is_dir()
    root = Path(__file__).parents[1]
    command = ["make", "-s", "-f", str(root / "Makefile"), "clean-cache", f"BIN={root / '.venv' / 'bin'}"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert not store.root.exists()
    assert (cache.user_cache_home() / "cle").is_file()  # the machine's key stays


# --- Entries are verified ------------------------------------------------------------------

KEY = "c0" * 20
FILES = {"plans/p/p.json": b'{"id": "p"}\n', "plans/p/p.yml": b"id: p\n"}


def _store(tmp_path: Path) -> cache.Cache:
    store = cache.Cache(tmp_path / "entrees", cache.machine_key())
    store.store("plans", KEY, FILES)
    return store


def _entry(store: cache.Cache) -> Path:
    return store.root / "plans" / KEY[:2] / KEY / cache.FILES


def test_an_entry_is_restored_byte_for_byte(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert store.restore("plans", KEY, tmp_path / "site")
    assert {
        p.relative_to(tmp_path / "site").as_posix(): p.read_bytes() for p in (tmp_path / "site").rglob("*.*")
    } == FILES


def test_an_altered_entry_is_ignored_and_made_again(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (_entry(store) / "plans/p/p.json").write_bytes(b'{"id": "p", "prive": "sentinelle"}\n')
    (_entry(store) / "plans/p/page.html").write_bytes(b"<script src=x.js></script>")
    site = tmp_path / "site"
    made = cache.through_cache(store, "plans", KEY, site, lambda: dict(FILES))
    assert made is False  # produced afresh
    assert not (site / "plans/p/page.html").exists()
    assert (site / "plans/p/p.json").read_bytes() == FILES["plans/p/p.json"]
    assert store.load("plans", KEY) == FILES  # and stored again, verified


def test_an_entry_written_with_another_key_is_ignored(tmp_path: Path) -> None:
    """An entry built on the attacker's machine (their own key) and committed, for instance."""
    theirs = cache.Cache(tmp_path / "entrees", b"k" * cache.KEY_BYTES)
    theirs.store("plans", KEY, {**FILES, "plans/p/piege.html": b"<script src=/x.js></script>"})
    mine = cache.Cache(tmp_path / "entrees", cache.machine_key())
    assert mine.load("plans", KEY) is None
    assert not mine.restore("plans", KEY, tmp_path / "site")
    assert not (tmp_path / "site").exists()


def test_an_entry_holding_a_link_is_refused_even_when_sealed(tmp_path: Path) -> None:
    """A link to .git/config (with the checkout's credential) published the file: never followed."""
    secret = tmp_path / "depot" / ".git" / "config"
    secret.parent.mkdir(parents=True)
    secret.write_text("[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n", encoding="utf-8")
    store = _store(tmp_path)
    (_entry(store) / "plans/p/config.txt").symlink_to(secret)
    # Even sealed with the right key (over the bytes the link leads to), a link is refused.
    files = {**FILES, "plans/p/config.txt": secret.read_bytes()}
    (_entry(store).parent / cache.SEAL).write_text(cache.seal(store.key, "plans", KEY, files), encoding="ascii")
    site = tmp_path / "site"
    assert not store.restore("plans", KEY, site)
    assert not (site / "plans/p/config.txt").exists()
    # A linked folder too.
    store.store("plans", KEY, FILES)
    (_entry(store) / "plans/lien").symlink_to(secret.parent, target_is_directory=True)
    assert store.load("plans", KEY) is None


def test_a_name_leaving_the_entry_is_never_written(tmp_path: Path) -> None:
    store = cache.Cache(tmp_path / "entrees", cache.machine_key())
    store.store("plans", KEY, {"../../hors.html": b"x"})
    assert store.load("plans", KEY) is None
    assert not (tmp_path / "hors.html").exists()
    with pytest.raises(ValueError, match="nom de fichier refusé"):
        cache.write_files(tmp_path / "site", {"a/../../b": b"x"})


# --- Nothing unpickled -----------------------------------------------------------------------


class _Payload:
    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _crafted_bytecode(marker: Path) -> bytes:
    """A Jinja bytecode file whose checksum is a pickle that runs a command when loaded."""
    return jinja2.bccache.bc_magic + pickle.dumps(_Payload(marker)) + b"\xe3"


def _plant_bytecode(project: Path, marker: Path, folder: Path | None = None, seal: bytes = b"") -> int:
    """Crafted bytecode under every name the theme's and the site's templates would have."""
    import material

    folder = folder or project / ".cache" / "plan-ouvert" / "gabarits"
    folder.mkdir(parents=True, exist_ok=True)
    roots = [Path(material.__file__).parent / "templates", project / "overrides", project / "overrides" / "plan"]
    planted = 0
    for root in roots:
        for template in root.rglob("*.html"):
            name = template.relative_to(root).as_posix()
            for filename in {str(template), os.path.normpath(template)}:
                key = jinja2.bccache.BytecodeCache().get_cache_key(name, filename)
                (folder / f"{key}.jinja").write_bytes(seal + _crafted_bytecode(marker))
                planted += 1
    return planted


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


@pytest.mark.slow
def test_a_committed_cache_runs_nothing_publishes_nothing_and_stops_construire(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "projet")
    marker = tmp_path / "execute"
    assert _plant_bytecode(project, marker) > 50
    # A plan entry too, under the old folder, and a link in it to the repository's git config.
    evil = project / ".cache" / "plan-ouvert" / "plans" / "ab" / ("ab" * 20)
    (evil / "plans").mkdir(parents=True)
    (evil / "plans" / "piege.html").write_text("<script src='/piege.js'></script>", encoding="utf-8")
    (evil / "plans" / "config").symlink_to(project / ".git" / "config")

    # Outside git (an archive, a copied folder): nothing of it runs nor is published.
    built = run_cli("construire", cwd=project)
    assert built.returncode == 0, built.stderr
    assert not marker.exists()
    assert not list((project / "site").rglob("piege.html")) and not list((project / "site").rglob("config"))

    # Committed: the build stops, in French, naming the files.
    _git(project, "init", "-q")
    _git(project, "add", ".")
    _git(project, "add", "-f", ".cache")
    _git(project, "commit", "-q", "-m", "cache")
    before = (project / "site" / "index.html").read_bytes()
    refused = run_cli("construire", cwd=project)
    assert refused.returncode == 1
    assert "construction annulée : le dépôt suit" in refused.stderr
    assert "fichier(s) sous .cache/ (« .cache/plan-ouvert/" in refused.stderr
    assert "git rm -r --cached .cache" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not marker.exists()
    assert (project / "site" / "index.html").read_bytes() == before


@pytest.mark.slow
def test_crafted_bytecode_in_the_cache_folder_itself_is_never_loaded(tmp_path: Path) -> None:
    """Where the compiled templates are kept between builds, a file is read only if this
    machine's key sealed it: one sealed with another key (or none) is compiled afresh."""
    project = copy_project(tmp_path / "projet")
    marker = tmp_path / "execute"
    folder = cache.cache_dir(project) / "gabarits"
    other_key = cache.seal(b"k" * cache.KEY_BYTES, "gabarits", "x", {"bytecode": b""}).encode() + b"\n"
    assert _plant_bytecode(project, marker, folder, other_key) > 50
    built = run_cli("construire", cwd=project)
    assert built.returncode == 0, built.stderr
    assert not marker.exists()
    assert "Traceback" not in built.stderr


def test_compiled_templates_are_reused_only_when_sealed_by_this_machine(tmp_path: Path) -> None:
    source = "Bonjour {{ nom }}"
    env = jinja2.Environment(autoescape=True, loader=jinja2.DictLoader({"t.html": source}))
    store = cache.Cache(tmp_path / "entrees", cache.machine_key())
    bytecode = env.bytecode_cache = cache.template_cache(store)
    cache.TemplateCache._memory.clear()
    assert env.get_template("t.html").render(nom="Ève") == "Bonjour Ève"
    (written,) = (tmp_path / "entrees" / "gabarits").glob("*.jinja")
    cache.TemplateCache._memory.clear()
    assert bytecode.get_bucket(env, "t.html", None, source).code is not None  # sealed here: reused
    marker = tmp_path / "execute"
    mark = written.read_bytes().partition(b"\n")[0]
    written.write_bytes(mark + b"\n" + _crafted_bytecode(marker))  # the same seal, other bytes
    assert bytecode.get_bucket(env, "t.html", None, source).code is None
    assert not marker.exists()


# --- The key is the bytes that were loaded ---------------------------------------------------


def _write_outputs(project: Path, site, site_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The files that are no page, written as a build writes them, from the loaded `site`."""
    from macros import hooks

    from plan_ouvert.outputs.render import Settings, start_build

    monkeypatch.setenv("PLAN_OUVERT_UN_PROCESSUS", "1")
    settings = Settings.read(project, {}, site_name="Plan ouvert", site_url="", directory_urls=True)
    build = hooks._Build(settings, start_build(settings), [])
    config = SimpleNamespace(site_dir=str(site_dir), plugins={})
    hooks._start_worker(build, site, config, None)  # type: ignore[arg-type]
    assert build.worker is not None
    assert build.worker.wait_outputs() == []


def test_a_save_between_load_and_key_never_pairs_old_outputs_with_the_new_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The text moved under `prive` stayed in the plan's downloads: a save came after the plan
    was loaded and before its key was computed from the file read again."""
    project = copy_project(tmp_path / "projet")
    path = project / "plans" / f"{EDITED}.yml"
    before = path.read_text(encoding="utf-8")
    line = next(x for x in before.splitlines() if x.startswith("source:"))
    shown = line.partition(":")[2].strip().strip("\"'")
    loaded = load_site(project / "plans")  # the build has loaded the plan...
    # ...and the editor saves: the same text, now private.
    path.write_text(before.replace(line, "prive:\n  note: texte retiré", 1), encoding="utf-8")
    _write_outputs(project, loaded, tmp_path / "site-1", monkeypatch)

    # The next build loads the saved file: its downloads must not be the old ones.
    _write_outputs(project, load_site(project / "plans"), tmp_path / "site-2", monkeypatch)
    published = tmp_path / "site-2" / "plans" / EDITED
    assert shown not in (published / f"{EDITED}.yml").read_text(encoding="utf-8")
    assert shown not in (published / f"{EDITED}.json").read_text(encoding="utf-8")
    assert "texte retiré" not in (published / f"{EDITED}.json").read_text(encoding="utf-8")
