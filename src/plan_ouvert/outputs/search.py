"""Search that a phone can load: Material's index cut into small fragments fetched on demand.

Material writes one search index (search/search_index.json) that every visitor downloads whole
before the first result: about 5 KB gzip per plan, several megabytes for a province-wide portal.
After the build, this module reads that index and writes in its place:

- a stub search_index.json (and, for the offline copy, search_index.js): Material's own
  configuration, no document, and the manifest of the fragments below (`config.plan_ouvert`);
- term fragments (`search/<version>/t<n>.js`): each folded term of a range of the sorted
  vocabulary → the number of pages holding it and its postings (page, impact); a term keeps
  its `MAX_POSTINGS` best pages, so that no fragment grows with the number of plans;
- document fragments (`search/<version>/d<n>.js`): `DOCS_PER_FRAGMENT` consecutive entries of
  Material's index (pages and their sections), each with its address, its title and the start
  of its text, as plain text, and the entry of its page.

The index is read once, entry by entry, and its postings kept in compact arrays: at 1,000
plans (172,641 entries) the step stays within a few hundred megabytes.

The search worker (docs/assets/javascripts/recherche.js) speaks Material's worker protocol,
so the theme's search box, its keyboard handling and its result list stay as they are; for a
query it loads only the term fragments of the query's words, ranks, then loads the document
fragments of the best results. Fragments are scripts (`planOuvertRecherche.fragment(...)`), not
JSON, so that the same files load with importScripts in a worker and from script elements when
the offline copy is opened from disk (file:, where fetch is refused).

Words are folded the same way here and in the worker: NFD without combining marks, œ → oe,
æ → ae, lower case, split on anything that is not a letter or a digit (so « l'entreprise »
gives « l » and « entreprise »), French stop words and single letters dropped. Two words that
follow each other (stop words skipped: « banque de terres » → « banque terres ») are also
indexed as a pair, so that pages holding a query's words together rank first.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import itertools
import json
import math
import re
import shutil
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INDEX = Path("search") / "search_index.json"
MAX_POSTINGS = 1500  # a term's best documents: a fragment never grows with the number of plans
FRAGMENT_BYTES = 24_000  # target size of a term fragment, before gzip
DOCS_PER_FRAGMENT = 8
SNIPPET_CHARS = 240
TITLE_WEIGHT = 4.0  # a word of the title counts as four of the text
K1, B = 1.2, 0.75  # BM25
CALLBACK = "planOuvertRecherche.fragment"

# French function words, folded (lunr.fr's list, shortened to the words that carry no meaning
# in a plan: « plan », « action » or « mrc » stay searchable).
STOP_WORDS = frozenset(
    [
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "m",
        "n",
        "s",
        "t",
        "y",
        "ete",
        "etee",
        "etees",
        "etes",
        "etant",
        "suis",
        "es",
        "est",
        "sommes",
        "sont",
        "serai",
        "sera",
        "serons",
        "seront",
        "serait",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "aurai",
        "aura",
        "eu",
        "eue",
        "eues",
        "eus",
        "avait",
        "ceci",
        "cela",
        "cet",
        "cette",
        "ici",
        "ils",
        "leurs",
        "quel",
        "quelle",
        "quelles",
        "quels",
        "sans",
        "soi",
    ]
)

_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")


def fold(text: str) -> str:
    """The form words are indexed and searched in: « Échéance » → « echeance »."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    return bare.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE").lower()


def words(text: str) -> list[str]:
    """The indexed words of a text, in order (stop words and single letters dropped)."""
    return [w for w in _WORD.findall(fold(text)) if (len(w) > 1 or w.isdigit()) and w not in STOP_WORDS]


def plain(markup: str) -> str:
    """Material's index holds HTML (text) and escaped titles: the text a reader sees."""
    return " ".join(html.unescape(_TAG.sub(" ", markup)).split())


@dataclass(frozen=True)
class Document:
    location: str
    title: str
    text: str
    parent: int  # the page a section belongs to (itself for a page)


@dataclass(frozen=True)
class Written:
    """What the build wrote: fragment counts, and sizes a visitor may download (gzip bytes)."""

    documents: int
    term_fragments: int
    document_fragments: int
    stub_gzip: int
    largest_term_fragment_gzip: int
    largest_document_fragment_gzip: int


def _snippet(text: str) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


def _saturated(tf: int, length: int, average: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / max(average, 1.0)))


def _with_pairs(terms: list[str]) -> list[str]:
    return terms + [f"{a} {b}" for a, b in itertools.pairwise(terms) if a != b]


class Postings:
    """Each term (a word, or two words that follow each other) → the pages holding it, with
    its count in the page's title and in the rest of the page, in compact arrays (a portal of
    1,000 plans holds millions of them).

    A page is an entry that is no section; its sections' titles and text count as its text, so
    that a query finds pages (the worker then shows the sections holding its words). Material
    lists a page's sections right after it: a page is complete when the next one starts.
    """

    def __init__(self) -> None:
        self.terms: dict[str, tuple[array[int], array[int], array[int]]] = {}
        self.lengths: dict[int, tuple[int, int]] = {}  # page → (title words, other words)
        self._page = -1
        self._title: Counter[str] = Counter()
        self._text: Counter[str] = Counter()
        self._length = [0, 0]

    def add(self, number: int, page: int, title: str, text: str) -> None:
        if page != self._page:
            self._flush()
            self._page = page
        title_words, text_words = words(title), words(text)
        if number == page:
            self._title.update(_with_pairs(title_words))
            self._length[0] += len(title_words)
        else:
            self._text.update(_with_pairs(title_words))
            self._length[1] += len(title_words)
        self._text.update(_with_pairs(text_words))
        self._length[1] += len(text_words)

    def _flush(self) -> None:
        if self._page < 0:
            return
        for term in self._title.keys() | self._text.keys():
            found = self.terms.get(term)
            if found is None:
                found = self.terms[term] = (array("I"), array("H"), array("H"))
            found[0].append(self._page)
            found[1].append(min(self._title[term], 65535))
            found[2].append(min(self._text[term], 65535))
        before = self.lengths.get(self._page, (0, 0))
        self.lengths[self._page] = (before[0] + self._length[0], before[1] + self._length[1])
        self._title, self._text, self._length = Counter(), Counter(), [0, 0]

    def impacts(self) -> Iterator[tuple[str, int, list[tuple[int, int]]]]:
        """(term, pages holding it, its best (page, impact) pairs), terms in order. The impact
        is the term's BM25 weight in the page without its rarity (the worker multiplies by the
        term's idf), title words weighted TITLE_WEIGHT times, as an integer."""
        self._flush()
        count = max(len(self.lengths), 1)
        average_title = sum(t for t, _ in self.lengths.values()) / count
        average_text = sum(x for _, x in self.lengths.values()) / count
        for term in sorted(self.terms):
            pages, in_title, in_text = self.terms.pop(term)
            weighted = []
            for page, title_tf, text_tf in zip(pages, in_title, in_text, strict=True):
                title_length, text_length = self.lengths[page]
                weight = TITLE_WEIGHT * _saturated(title_tf, title_length, average_title) if title_tf else 0.0
                if text_tf:
                    weight += _saturated(text_tf, text_length, average_text)
                weighted.append((page, max(1, round(10 * weight))))
            if len(weighted) > MAX_POSTINGS:
                weighted = sorted(weighted, key=lambda p: (-p[1], p[0]))[:MAX_POSTINGS]
            yield term, len(pages), weighted


def _script(name: str, data: object) -> str:
    return f"{CALLBACK}({json.dumps(name)},{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def _encode(df: int, kept: list[tuple[int, int]]) -> list[int]:
    """[df, gap, impact, gap, impact…]: pages in order, each as the gap from the previous."""
    encoded = [df]
    previous = 0
    for number, impact in sorted(kept):
        encoded += [number - previous, impact]
        previous = number
    return encoded


def _gzip_size(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


class _Output:
    """Fragments written into a staging folder, named at the end by the hash of their content."""

    def __init__(self, search_dir: Path) -> None:
        for old in search_dir.iterdir():
            if old.is_dir():
                shutil.rmtree(old)
        self.folder = search_dir / ".fragments"
        self.folder.mkdir()
        self.digest = hashlib.sha256()
        self.largest = {"t": "", "d": ""}  # the largest fragment of each kind, before gzip
        self.count = {"t": 0, "d": 0}

    def write(self, kind: str, data: object) -> None:
        name = f"{kind}{self.count[kind]}"
        text = _script(name, data)
        (self.folder / f"{name}.js").write_text(text, encoding="utf-8")
        self.digest.update(text.encode("utf-8"))
        self.count[kind] += 1
        if len(text) > len(self.largest[kind]):
            self.largest[kind] = text

    def finish(self) -> str:
        version = self.digest.hexdigest()[:12]
        self.folder.rename(self.folder.parent / version)
        return version


def write_index(site_dir: Path) -> Written | None:
    """Replace Material's whole index in `site_dir` by the stub and its fragments (see above).
    Nothing to do when the site has no search index (search disabled)."""
    source = site_dir / INDEX
    if not source.is_file():
        return None
    material = json.loads(source.read_text(encoding="utf-8"))
    entries: list[Any] = material.pop("docs", [])
    output = _Output(source.parent)
    postings = Postings()
    pages: dict[str, int] = {}  # a page's address → its entry
    rows: list[list[object]] = []
    for number, entry in enumerate(entries):
        entries[number] = None  # read once: the whole index need not stay in memory
        location = str(entry.get("location", ""))
        title, text = plain(str(entry.get("title", ""))), plain(str(entry.get("text", "")))
        if "#" in location and location.split("#", 1)[0] in pages:
            page = pages[location.split("#", 1)[0]]
        else:
            page = pages.setdefault(location, number)
        postings.add(number, page, title, text)
        rows.append([location, title, _snippet(text), page])
        if len(rows) == DOCS_PER_FRAGMENT:
            output.write("d", rows)
            rows = []
    if rows:
        output.write("d", rows)
    starts = _write_terms(postings, output)
    version = output.finish()
    config = dict(material.get("config", {}))
    config["plan_ouvert"] = {
        "version": version,
        "documents": len(entries),
        "pages": len(postings.lengths),
        "per_fragment": DOCS_PER_FRAGMENT,
        "starts": starts,
        "stop_words": sorted(STOP_WORDS),
        "max_postings": MAX_POSTINGS,
    }
    stub = json.dumps({"config": config, "docs": []}, ensure_ascii=False, separators=(",", ":"))
    source.write_text(stub, encoding="utf-8")
    return Written(
        documents=len(entries),
        term_fragments=output.count["t"],
        document_fragments=output.count["d"],
        stub_gzip=_gzip_size(stub),
        largest_term_fragment_gzip=_gzip_size(output.largest["t"]),
        largest_document_fragment_gzip=_gzip_size(output.largest["d"]),
    )


def _write_terms(postings: Postings, output: _Output) -> list[str]:
    """The sorted vocabulary cut in ranges of about FRAGMENT_BYTES; the first term of each."""
    starts: list[str] = []
    current: dict[str, list[int]] = {}
    size = 0
    for term, df, kept in postings.impacts():
        encoded = _encode(df, kept)
        cost = len(term) + 4 + sum(len(str(n)) + 1 for n in encoded)
        if current and size + cost > FRAGMENT_BYTES:
            output.write("t", current)
            current, size = {}, 0
        if not current:
            starts.append(term)
        current[term] = encoded
        size += cost
    if current or not starts:
        output.write("t", current)
        starts = starts or [""]
    return starts


def read_documents(site_dir: Path) -> list[Document]:
    """The documents of a built site's search fragments, in order (for tests and the bench)."""
    config = json.loads((site_dir / INDEX).read_text(encoding="utf-8"))["config"]["plan_ouvert"]
    folder = site_dir / "search" / config["version"]
    found: list[Document] = []
    prefix = f"{CALLBACK}("
    for number in range(math.ceil(config["documents"] / config["per_fragment"])):
        text = (folder / f"d{number}.js").read_text(encoding="utf-8").strip()
        _name, rows = json.loads("[" + text.removeprefix(prefix).removesuffix(");") + "]")
        found += [Document(location, title, snippet, parent) for location, title, snippet, parent in rows]
    return found
