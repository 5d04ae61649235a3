"""Material's search index, its generated pages indexed in the second process.

Material indexes every page by parsing its HTML. For the generated pages (no table of
contents), that work is sent to the build's second process, which runs Material's own
`SearchIndex` on the page, and the entries come back in page order before the index is
written: the index is the same, entry for entry (tests/test_search_offload.py compares it
with Material's own on the sample site).

This reaches into Material (two methods of its `SearchIndex` replaced, a page-like object
fed to it): it is kept in this one module, so that a new search (issue 25) can delete it
whole. Nothing else in the adapter knows Material's search.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from material.plugins.search.plugin import SearchIndex  # type: ignore[import-untyped]
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from plan_ouvert.outputs import parallele

log = logging.getLogger("mkdocs.plugins.plan_ouvert")

Job = tuple[str, str, dict[str, Any], str]  # content, url, meta, title of one page


def search_plugin(config: MkDocsConfig) -> Any:
    """Material's search plugin of this build, if it is on."""
    plugin: Any = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    if plugin is None or not isinstance(index, SearchIndex) or not plugin.config.get("enabled", True):
        return None
    return plugin


def handler(plugin: Any) -> Callable[[Job], list[dict[str, Any]]]:
    """Material's own indexing of one generated page, run in the second process."""
    settings = dict(plugin.config)

    def index_page(job: Job) -> list[dict[str, Any]]:
        content, url, meta, title = job
        index = SearchIndex(**settings)
        index.add_entry_from_context(SimpleNamespace(content=content, url=url, meta=meta, title=title, toc=[]))
        return list(index.entries)

    return index_page


def offload(plugin: Any, worker: parallele.Worker, generated: Callable[[Page], bool]) -> None:
    """Index the pages for which `generated` is true in the worker, the others as Material does."""
    index = plugin.search_index
    add, generate = index.add_entry_from_context, index.generate_search_index
    slots: list[int] = []  # where each offloaded page's entries go in index.entries

    def add_entry(page: Page) -> None:
        if not generated(page) or page.toc.items or (page.meta.get("search") or {}).get("exclude"):
            add(page)
            return
        slots.append(len(index.entries))
        meta = {k: page.meta[k] for k in ("title", "tags", "search") if k in page.meta}
        worker.submit((page.content, page.url, meta, page.title))

    def generate_index(previous: Any) -> Any:
        results, errors = worker.collect()
        for message in errors:
            log.error("%s", message)
        if len(results) != len(slots) or any(r is None for r in results):
            log.error("l'index de recherche est incomplet : des pages générées n'ont pas été indexées.")
        merged: list[dict[str, Any]] = []
        done = 0
        for slot, entries in zip(slots, results, strict=False):
            merged += index.entries[done:slot]
            merged += entries or []
            done = slot
        index.entries = merged + index.entries[done:]
        return generate(previous)

    index.add_entry_from_context = add_entry
    index.generate_search_index = generate_index
