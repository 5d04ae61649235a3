"""Search that a phone can load: Material's index cut into small fragments fetched on demand.

Material writes one search index (search/search_index.json) that every visitor downloads whole
before the first result: about 5 KB gzip per plan, several megabytes for a province-wide portal.
After the build, this module reads that index and writes in its place:

- a stub search_index.json (and, for the offline copy, search_index.js): Material's own
  configuration, no document, and the manifest of the fragments below (`config.plan_ouvert`);
- term fragments (`search/<version>/t<n>.js`): each folded term of a range of the sorted
  vocabulary → its document frequency and its postings (document, impact); a term's postings
  keep its `MAX_POSTINGS` best documents, so that no fragment grows with the number of plans;
- document fragments (`search/<version>/d<n>.js`): `DOCS_PER_FRAGMENT` consecutive documents,
  each with its address, its title and the start of its text, as plain text.

The search worker (overrides/assets/javascripts/recherche.js) speaks Material's worker protocol,
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
from collections import Counter, defaultdict
from collections.abc import Iterable
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


def documents(entries: Iterable[dict[str, Any]]) -> list[Document]:
    """Material's entries as plain-text documents; a section («page/#id») points at its page."""
    found: list[tuple[str, str, str]] = [
        (str(e.get("location", "")), plain(str(e.get("title", ""))), plain(str(e.get("text", "")))) for e in entries
    ]
    pages = {location: number for number, (location, _, _) in enumerate(found) if "#" not in location}
    result = []
    for number, (location, title, text) in enumerate(found):
        page = location.split("#", 1)[0]
        result.append(Document(location, title, text, pages.get(page, number)))
    return result


def _snippet(text: str) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:") + " …"


def _saturated(tf: int, length: int, average: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / max(average, 1.0)))


def postings(docs: list[Document]) -> dict[str, list[tuple[int, int]]]:
    """Each term (a word, or two words that follow each other) → (page, impact) pairs.

    A page is a document that is no section; its sections' titles and text count as its text,
    so that a query finds pages (the worker then shows the sections that hold its words). The
    impact is the term's BM25 weight in the page without the term's rarity (the worker
    multiplies by its idf), words of the page's title weighted TITLE_WEIGHT times, as an integer.
    """
    titles: dict[int, Counter[str]] = defaultdict(Counter)
    texts: dict[int, Counter[str]] = defaultdict(Counter)
    lengths: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for number, doc in enumerate(docs):
        page = doc.parent
        title, text = words(doc.title), words(doc.text)
        if number == page:
            titles[page].update(_with_pairs(title))
            lengths[page][0] += len(title)
        else:
            texts[page].update(_with_pairs(title))
            lengths[page][1] += len(title)
        texts[page].update(_with_pairs(text))
        lengths[page][1] += len(text)
    averages = [sum(n[i] for n in lengths.values()) / max(len(lengths), 1) for i in (0, 1)]
    index: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for page in sorted(lengths):
        in_title, in_text = titles[page], texts[page]
        for term in in_title.keys() | in_text.keys():
            weight = 0.0
            if in_title[term]:
                weight = TITLE_WEIGHT * _saturated(in_title[term], lengths[page][0], averages[0])
            if in_text[term]:
                weight += _saturated(in_text[term], lengths[page][1], averages[1])
            index[term].append((page, max(1, round(10 * weight))))
    return index


def _with_pairs(terms: list[str]) -> list[str]:
    return terms + [f"{a} {b}" for a, b in itertools.pairwise(terms) if a != b]


def _script(name: str, data: object) -> str:
    return f"{CALLBACK}({json.dumps(name)},{json.dumps(data, ensure_ascii=False, separators=(',', ':'))});\n"


def _encode(df: int, kept: list[tuple[int, int]]) -> list[int]:
    """[df, gap, impact, gap, impact…]: documents in order, each as the gap from the previous."""
    encoded = [df]
    previous = 0
    for number, impact in sorted(kept):
        encoded += [number - previous, impact]
        previous = number
    return encoded


def term_fragments(index: dict[str, list[tuple[int, int]]]) -> list[tuple[str, dict[str, list[int]]]]:
    """The sorted vocabulary cut in ranges of about FRAGMENT_BYTES: (first term, terms)."""
    fragments: list[tuple[str, dict[str, list[int]]]] = []
    current: dict[str, list[int]] = {}
    size = 0
    for term in sorted(index):
        found = index[term]
        kept = sorted(found, key=lambda p: (-p[1], p[0]))[:MAX_POSTINGS]
        encoded = _encode(len(found), kept)
        cost = len(term) + 4 + sum(len(str(n)) + 1 for n in encoded)
        if current and size + cost > FRAGMENT_BYTES:
            fragments.append((next(iter(current)), current))
            current, size = {}, 0
        current[term] = encoded
        size += cost
    if current or not fragments:
        fragments.append((next(iter(current), ""), current))
    return fragments


def _gzip_size(text: str) -> int:
    return len(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))


def write_index(site_dir: Path) -> Written | None:
    """Replace Material's whole index in `site_dir` by the stub and its fragments (see above).
    Nothing to do when the site has no search index (search disabled)."""
    source = site_dir / INDEX
    if not source.is_file():
        return None
    material = json.loads(source.read_text(encoding="utf-8"))
    docs = documents(material.get("docs", []))
    fragments = term_fragments(postings(docs))
    scripts = {f"t{n}.js": _script(f"t{n}", terms) for n, (_, terms) in enumerate(fragments)}
    for start in range(0, len(docs), DOCS_PER_FRAGMENT):
        chunk = docs[start : start + DOCS_PER_FRAGMENT]
        rows = [[d.location, d.title, _snippet(d.text), d.parent] for d in chunk]
        number = start // DOCS_PER_FRAGMENT
        scripts[f"d{number}.js"] = _script(f"d{number}", rows)
    version = hashlib.sha256("".join(scripts[k] for k in sorted(scripts)).encode("utf-8")).hexdigest()[:12]
    folder = site_dir / "search" / version
    for old in (site_dir / "search").iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    folder.mkdir(parents=True)
    for name, text in scripts.items():
        (folder / name).write_text(text, encoding="utf-8")
    config = dict(material.get("config", {}))
    config["plan_ouvert"] = {
        "version": version,
        "documents": len(docs),
        "pages": sum(1 for number, doc in enumerate(docs) if doc.parent == number),
        "per_fragment": DOCS_PER_FRAGMENT,
        "starts": [start for start, _ in fragments],
        "stop_words": sorted(STOP_WORDS),
        "max_postings": MAX_POSTINGS,
    }
    stub = json.dumps({"config": config, "docs": []}, ensure_ascii=False, separators=(",", ":"))
    source.write_text(stub, encoding="utf-8")
    term_sizes = [_gzip_size(scripts[f"t{n}.js"]) for n in range(len(fragments))]
    doc_sizes = [_gzip_size(text) for name, text in scripts.items() if name.startswith("d")]
    return Written(
        documents=len(docs),
        term_fragments=len(fragments),
        document_fragments=len(doc_sizes),
        stub_gzip=_gzip_size(stub),
        largest_term_fragment_gzip=max(term_sizes, default=0),
        largest_document_fragment_gzip=max(doc_sizes, default=0),
    )


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
