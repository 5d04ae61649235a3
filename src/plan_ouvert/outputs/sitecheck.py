"""An independent check of a built site: every internal link and anchor resolves, every page
has one h1 and a title that starts with it, and no two pages share a title.

It reads the HTML files as a visitor's browser would see them, raw HTML and generated pages
included, so it catches what MkDocs' own validation cannot see.
"""

from __future__ import annotations

import hashlib
import html
import os
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

SKIPPED_SCHEMES = ("http", "https", "mailto", "tel", "data", "javascript")


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    links: list[tuple[str, int]] = field(default_factory=list)  # (href, line)
    title: str = ""
    h1: list[str] = field(default_factory=list)
    duplicate_ids: set[str] = field(default_factory=set)


class _ReferenceParser(HTMLParser):
    """The standard library's HTML parser: slower, kept to check the fast one against it (tests)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in_title = False
        self._h1_depth = 0
        self._h1_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        _start_tag(self.page, tag, dict(attrs), self.getpos()[0])
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            self._h1_depth += 1
            self._h1_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag == "h1" and self._h1_depth:
            self._h1_depth -= 1
            self.page.h1.append(" ".join("".join(self._h1_text).split()))

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.page.title += data
        if self._h1_depth:
            self._h1_text.append(data)


def _start_tag(page: ParsedPage, tag: str, values: dict[str, str | None], line: int) -> None:
    ident = values.get("id")
    if ident:
        if ident in page.ids:
            page.duplicate_ids.add(ident)
        page.ids.add(ident)
    if tag == "a" and values.get("name"):
        page.ids.add(values["name"] or "")
    if tag in _LINKED:
        for attribute in ("href", "src"):
            target = values.get(attribute)
            if target is not None:
                page.links.append((target, line))


def parse_html_reference(text: str) -> ParsedPage:
    parser = _ReferenceParser()
    parser.feed(text)
    parser.close()
    page = parser.page
    page.title = " ".join(page.title.split())
    return page


# The fast parser: one regular expression finds every tag, comment and script of a page (in C),
# where html.parser calls back into Python for every piece. Only what the check needs is read:
# ids, link targets with their line, the <title> and the <h1> texts. Raw text elements (script,
# style) are skipped whole, as a browser does; attribute values may hold « > » when quoted.
_QUOTED = r"""[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*"""
_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"
    rf"|<(script|style)\b({_QUOTED})>.*?(?:</(?i:\1)\s*>|\Z)"
    rf"|<(/?)([a-zA-Z][^\s/>]*)({_QUOTED})>"
    r"|<![^>]*>|<\?[^>]*>",
    re.S | re.I,
)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
_MARKUP = re.compile(rf"<!--.*?(?:-->|\Z)|</?[a-zA-Z][^\s/>]*{_QUOTED}>|<![^>]*>|<\?[^>]*>", re.S)
_LINKED = frozenset(("a", "link", "script", "img", "iframe", "source"))


def _attributes(text: str) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for match in _ATTRIBUTE.finditer(text):
        name, double, single, bare = match.groups()
        value = double if double is not None else single if single is not None else bare
        values[name.lower()] = html.unescape(value) if value is not None and "&" in value else value
    return values


def _text(fragment: str) -> str:
    """The text of a piece of HTML, as html.parser's data would give it."""
    return html.unescape(_MARKUP.sub("", fragment))


def parse_html(text: str) -> ParsedPage:
    page = ParsedPage()
    line, counted = 1, 0
    title_from: int | None = None
    h1_depth, h1_from = 0, 0
    for match in _TOKEN.finditer(text):
        raw, raw_attributes, closing, name, attributes = match.groups()
        if raw is not None:
            tag, attributes, closing = raw.lower(), raw_attributes, ""
        elif name is None:
            continue  # comment, doctype, processing instruction
        else:
            tag = name.lower()
        start = match.start()
        if closing:
            if tag == "title" and title_from is not None:
                page.title += _text(text[title_from:start])
                title_from = None
            elif tag == "h1" and h1_depth:
                h1_depth -= 1
                page.h1.append(" ".join(_text(text[h1_from:start]).split()))
            continue
        line += text.count("\n", counted, start)
        counted = start
        # Only attributes named like id, name, href or src matter (a quick test spares the rest).
        low = attributes.lower()
        if "id" in low or "href" in low or "src" in low or "name" in low:
            _start_tag(page, tag, _attributes(attributes), line)
        if tag == "title":
            title_from = match.end()
        elif tag == "h1":
            h1_depth += 1
            h1_from = match.end()
    page.title = " ".join(page.title.split())
    return page


class _Target(NamedTuple):
    file: str | None  # the file the link opens; None off the site, ".." above it
    fragment: str
    folder: bool  # the link names a folder, which only a web server turns into its index.html


def _target_file(site: Path, page_rel: str, href: str, dirs: set[str] | None = None) -> _Target:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return _Target(None, "", False)
    path = unquote(parts.path)
    if not path:
        return _Target(page_rel, parts.fragment, False)
    base = posixpath.dirname(page_rel)
    resolved = posixpath.normpath(posixpath.join(base, path)) if not path.startswith("/") else path.lstrip("/")
    if resolved.startswith(".."):
        return _Target("..", parts.fragment, False)
    resolved = posixpath.normpath(resolved)  # the same spelling as the walk of the site
    is_dir = resolved in dirs if dirs is not None else (site / resolved).is_dir()
    folder = path.endswith("/") or is_dir
    if folder:
        resolved = posixpath.normpath(posixpath.join(resolved, "index.html"))
    return _Target(resolved, parts.fragment, folder)


def _parse_file(path: str) -> ParsedPage:
    return parse_html(Path(path).read_text(encoding="utf-8", errors="replace"))


def _link_problems(
    rel: str,
    page: ParsedPage,
    files: set[str],
    pages: dict[str, ParsedPage],
    directory_urls: bool,
    resolve: Callable[[str, str], _Target],
) -> list[str]:
    problems: list[str] = []
    for href, line in page.links:
        if href.partition(":")[0].lower() in SKIPPED_SCHEMES:
            continue
        target, fragment, folder = resolve(rel, href)
        if target is None:
            continue
        if target == "..":
            problems.append(f"{rel}:{line} : lien « {href} » qui sort du site.")
            continue
        if folder and not directory_urls:
            # Opened from disk, a folder shows a file listing (or nothing), not its page.
            problems.append(
                f"{rel}:{line} : lien « {href} » vers un dossier : la variante hors ligne s'ouvre "
                f"depuis le disque, où un lien doit nommer sa page ({target})."
            )
            continue
        if target not in files:
            problems.append(f"{rel}:{line} : lien brisé « {href} » (aucun fichier {target}).")
            continue
        if fragment and target.endswith(".html"):
            ids = pages[target].ids if target in pages else set()
            if fragment not in ids:
                problems.append(f"{rel}:{line} : ancre brisée « {href} » (aucun id « {fragment} » dans {target}).")
    return problems


def _resolver(site: Path, dirs: set[str]) -> Callable[[str, str], _Target]:
    """_target_file, remembered per folder and href: most links of a site repeat from page to page."""
    known: dict[tuple[str, str], _Target] = {}

    def resolve(rel: str, href: str) -> _Target:
        folder = posixpath.dirname(rel)
        if href.startswith("#"):  # the page itself: not shared with its folder's other pages
            return _Target(rel, href[1:], False)
        found = known.get((folder, href))
        if found is None:
            found = known[(folder, href)] = _target_file(site, rel, href, dirs)
        return found

    return resolve


def _walk(site: Path) -> tuple[set[str], set[str]]:
    """Every file and folder of the site, as paths relative to it: one walk answers every
    « does this file exist » (no stat per link)."""
    files: set[str] = set()
    dirs: set[str] = {"."}
    for folder, subfolders, names in os.walk(site):
        rel_folder = Path(folder).relative_to(site).as_posix()
        prefix = "" if rel_folder == "." else f"{rel_folder}/"
        dirs.update(f"{prefix}{d}" for d in subfolders)
        files.update(f"{prefix}{n}" for n in names)
    return files, dirs


def page_digest(data: bytes) -> str:
    """The hash that tells whether a page file still holds the bytes read during the build."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_pages(
    site: Path, html_files: list[str], collected: Mapping[str, tuple[str, ParsedPage]] | None = None
) -> dict[str, ParsedPage]:
    """Every page of the site as it is on disk.

    `collected` holds pages read while the build wrote them, with the hash of the bytes read:
    a page whose file still has those bytes is not parsed again; any other (written later,
    changed since, never seen) is.
    """
    pages: dict[str, ParsedPage] = {}
    missing: list[str] = []
    for rel in html_files:
        seen = collected.get(rel) if collected else None
        if seen is not None and page_digest((site / rel).read_bytes()) == seen[0]:
            pages[rel] = seen[1]
            continue
        missing.append(rel)
    # Parsing is most of the time: spread it over the processors.
    workers = min(os.cpu_count() or 1, 8)
    paths = [str(site / rel) for rel in missing]
    if workers > 1 and len(missing) > 200:
        with ProcessPoolExecutor(workers) as pool:
            parsed = list(pool.map(_parse_file, paths, chunksize=64))
    else:
        parsed = [_parse_file(t) for t in paths]
    pages.update(zip(missing, parsed, strict=True))
    return {rel: pages[rel] for rel in html_files}


def check_site(
    site: Path, directory_urls: bool = True, collected: Mapping[str, tuple[str, ParsedPage]] | None = None
) -> list[str]:
    """French messages, one per problem; empty when the site is sound.

    `directory_urls` is False for a site opened from disk (the offline variant): there a link
    to a folder is broken, since no server answers it with the folder's index.html.
    `collected`: pages the build read as it wrote them (see read_pages).
    """
    files, dirs = _walk(site)
    html_files = sorted(f for f in files if f.endswith(".html"))
    pages = read_pages(site, html_files, collected)
    resolve = _resolver(site, dirs)
    problems: list[str] = []
    titles: dict[str, list[str]] = defaultdict(list)
    for rel, page in pages.items():
        if rel == "404.html":
            continue
        if not page.title:
            problems.append(f"{rel} : page sans titre (<title>).")
        else:
            titles[page.title].append(rel)
        if len(page.h1) != 1:
            problems.append(f"{rel} : {len(page.h1)} titres <h1> au lieu d'un seul.")
        elif not page.title.startswith(page.h1[0]):
            problems.append(f"{rel} : le titre « {page.title} » ne commence pas par le <h1> « {page.h1[0]} ».")
        for ident in sorted(page.duplicate_ids):
            problems.append(f"{rel} : identifiant id=« {ident} » en double dans la page.")
        problems += _link_problems(rel, page, files, pages, directory_urls, resolve)
    for title, where in titles.items():
        if len(where) > 1:
            problems.append(f"titre « {title} » partagé par {len(where)} pages : {', '.join(where[:5])}.")
    return problems
