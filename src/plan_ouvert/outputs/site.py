"""The site of a plans folder, loaded and checked once per change of its files, for a build."""

from __future__ import annotations

from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.views.site import Site, build_site

_CACHE: dict[str, tuple[tuple[tuple[str, float], ...], Site]] = {}


def _stamp(folder: Path) -> tuple[tuple[str, float], ...]:
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yml", ".yaml"))
    # lstat: a link (even broken) is refused by the loader with a finding, not followed here.
    return tuple((str(p), p.lstat().st_mtime) for p in files)


def cached_site(plans_dir: Path) -> Site:
    """The site the current build loaded (the hook loads it first), without looking at files.

    Macros call this for every page: checking every YAML file each time would make a build
    quadratic in the number of plans.
    """
    cached = _CACHE.get(str(plans_dir.resolve()))
    return cached[1] if cached else load_site(plans_dir)


def load_site(plans_dir: Path, only: Path | None = None) -> Site:
    """The site for `plans_dir`, loaded once and reloaded only when a YAML file changes.

    `only`: one plan file of the folder (the preview of the plan being edited): the site holds
    that plan alone, with the kinds and référentiels of the folder.
    """
    key = str(plans_dir.resolve())
    stamp = (*_stamp(plans_dir), (str(only), 0.0))
    cached = _CACHE.get(key)
    if cached and cached[0] == stamp:
        return cached[1]
    catalogue = load_catalogue([only if only is not None else plans_dir])
    for entry in catalogue.entries:
        # Findings are placed already and pages never locate: free the YAML positions.
        entry.source.positions = {}
    site = build_site(catalogue)
    _CACHE[key] = (stamp, site)
    return site
