"""Read a Word (.docx) file faithfully: its paragraphs and tables as a person sees them.

What a person sees is not what the XML says at first sight: a number of Word's automatic
numbering is not in the text, a merged cell is one empty cell per row it covers, a superscript
« e » is a run of its own, a line break is an element. This module turns the document body into
plain blocks (paragraphs and tables of cells of paragraphs) in one linear pass, without knowing
anything about plans. Files that are not a readable Word document raise WordError with a French
message.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from plan_ouvert.office.budget import Budget, check_archive

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EMBED_NS = "urn:plan-ouvert:plan:1"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A plan of 50 pages reads in a fraction of a second; a document far longer than any plan is
# most likely a whole report with annexes, and reading it would only bury the plan's table.
MAX_PAGES = 150
CHARS_PER_PAGE = 3000  # a generous page of table text: estimates pages when Word did not count them
MAX_PART_BYTES = 60_000_000  # the uncompressed document part; beyond, a zip bomb or not a plan
# Counts far beyond any plan's (a plan table has a few hundred rows, a document a few hundred styles).
MAX_ROWS = 20_000
MAX_STYLES = 10_000
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


class WordError(Exception):
    """A file that cannot be read as a Word document (French message)."""


@dataclass
class Paragraph:
    text: str  # visible text; a line break inside the paragraph is « \n »
    numbered: bool = False  # Word's automatic numbering (w:numPr): the number is not in the text
    num_id: str | None = None
    level: int = 0
    label: int | None = None  # the number Word shows, counted across the document as Word does


@dataclass
class Cell:
    paragraphs: list[Paragraph]
    grid_start: int  # first grid column the cell covers
    span: int = 1  # grid columns covered (w:gridSpan)
    merge_continue: bool = False  # w:vMerge without « restart »: the cell above covers this one

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs).strip()


@dataclass
class Row:
    cells: list[Cell]
    number: int  # 1-based, as a person counts rows in the table

    def cell_at(self, grid: int) -> Cell | None:
        for cell in self.cells:
            if cell.grid_start <= grid < cell.grid_start + cell.span:
                return cell
        return None


@dataclass
class Table:
    rows: list[Row]
    number: int  # 1-based position among the document's tables
    before: list[str] = field(default_factory=list)  # texts of the paragraphs between the previous table and this one


@dataclass
class Document:
    tables: list[Table]
    paragraphs: list[str]  # every body paragraph outside tables, in order
    embedded: bytes | None = None  # the plan's data carried by a Plan ouvert export, if any
    pages: int = 1
    comments: list[Comment] = field(default_factory=list)
    insertions: int = 0  # tracked insertions, read as accepted (their text is in)
    deletions: int = 0  # tracked deletions, read as accepted (their text is out)


@dataclass
class Comment:
    author: str
    text: str


def _check_container(path: Path) -> zipfile.ZipFile:
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
    except OSError as exc:
        raise WordError(f"{path} : fichier illisible ({exc.strerror or exc}).") from None
    if head.startswith(OLE_MAGIC):
        raw = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in raw:
            raise WordError(
                f"{path} : ce document est protégé par un mot de passe. Ouvrez-le dans Word, retirez la "
                "protection (Fichier > Informations > Protéger le document), enregistrez-le, puis relancez l'import."
            )
        raise WordError(
            f"{path} : c'est un document Word de l'ancien format (.doc). Ouvrez-le dans Word ou LibreOffice et "
            "enregistrez-le au format .docx, puis relancez l'import."
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise WordError(
            f"{path} : ce fichier n'est pas un document Word lisible (archive .docx endommagée ou autre format). "
            "Ouvrez-le dans Word et enregistrez-le de nouveau au format .docx."
        ) from None
    try:
        check_archive(archive, str(path))
    except BaseException:
        archive.close()
        raise
    return archive


def _read_part(archive: zipfile.ZipFile, name: str, path: Path) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise WordError(f"{path} : ce fichier n'est pas un document Word (il ne contient pas de texte Word).") from None
    if info.file_size > MAX_PART_BYTES:
        raise WordError(f"{path} : le document est beaucoup trop volumineux pour être un plan d'action.")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
        raise WordError(
            f"{path} : l'archive .docx est endommagée. Ouvrez le fichier dans Word et enregistrez-le de nouveau."
        ) from None


def _parse(data: bytes, path: Path) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        raise WordError(
            f"{path} : le contenu du document Word est endommagé. Ouvrez le fichier dans Word et "
            "enregistrez-le de nouveau."
        ) from None


def _small(archive: zipfile.ZipFile, name: str) -> bytes:
    """A side part of the file, refused (ValueError) when it would unpack to more than a plan needs."""
    if archive.getinfo(name).file_size > MAX_PART_BYTES:
        raise ValueError(name)
    return archive.read(name)


def _embedded(archive: zipfile.ZipFile) -> bytes | None:
    # Contract with the Word export: a custom XML part whose root is <plan-ouvert xmlns=…> holds
    # the plan's public data as JSON.
    for name in archive.namelist():
        if not (name.startswith("customXml/") and name.endswith(".xml")) or "/_rels/" in name:
            continue
        try:
            data = _small(archive, name)
            root = etree.fromstring(data, _PARSER)
        except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
            continue
        if root.tag == f"{{{EMBED_NS}}}plan-ouvert":
            return (root.text or "").encode("utf-8")
    return None


MAX_COMMENTS = 2000


def _comments(archive: zipfile.ZipFile) -> list[Comment]:
    """The document's comments (margin notes), for the report: they are never plan text."""
    try:
        root = etree.fromstring(_small(archive, "word/comments.xml"), _PARSER)
    except (KeyError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return []
    out: list[Comment] = []
    for comment in root.iter(f"{W}comment"):
        texts = ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in comment.iter(f"{W}p")]
        text = "\n".join(t for t in texts if t.strip())
        if text:
            out.append(Comment(comment.get(f"{W}author") or "", text))
        if len(out) >= MAX_COMMENTS:
            break
    return out


def _app_pages(archive: zipfile.ZipFile) -> int:
    try:
        data = _small(archive, "docProps/app.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return 0
    match = re.search(rb"<(?:\w+:)?Pages>(\d{1,6})</", data)
    return int(match.group(1)) if match else 0


class _Numbering:
    """Counts Word's automatic numbers as Word does: per list, running on across cells."""

    def __init__(self) -> None:
        self.counters: dict[tuple[str, int], int] = {}

    def next(self, num_id: str, level: int) -> int:
        value = self.counters.get((num_id, level), 0) + 1
        self.counters[(num_id, level)] = value
        for key in [k for k in self.counters if k[0] == num_id and k[1] > level]:
            del self.counters[key]  # a deeper level restarts under a new item
        return value


def _style_numbering(archive: zipfile.ZipFile, path: Path) -> dict[str, tuple[str, int]]:
    """Paragraph styles that number their paragraphs (« List Number »): style id → (list, level)."""
    try:
        data = _small(archive, "word/styles.xml")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return {}
    direct: dict[str, tuple[str, int]] = {}
    based: dict[str, str] = {}
    # Read as a stream, each style dropped once read: a file of a million styles never becomes a tree.
    styles = etree.iterparse(
        io.BytesIO(data), events=("end",), tag=f"{W}style", resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        for count, (_, style) in enumerate(styles, 1):
            if count > MAX_STYLES:
                raise WordError(
                    f"{path} : le document définit plus de {MAX_STYLES} styles ; un plan en a quelques centaines. "
                    "Copiez le tableau du plan dans un nouveau document Word, puis relancez l'import."
                )
            _style(style, direct, based)
            style.clear()
            while style.getprevious() is not None:
                del style.getparent()[0]
    except etree.XMLSyntaxError:
        raise WordError(
            f"{path} : les styles du document Word sont endommagés. Ouvrez le fichier dans Word et "
            "enregistrez-le de nouveau."
        ) from None
    return _inherited(direct, based)


def _style(style: etree._Element, direct: dict[str, tuple[str, int]], based: dict[str, str]) -> None:
    sid = style.get(f"{W}styleId")
    if not sid:
        return
    parent = style.find(f"{W}basedOn")
    if parent is not None and parent.get(f"{W}val"):
        based[sid] = parent.get(f"{W}val") or ""
    num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
    if num_id is not None and num_id.get(f"{W}val") not in (None, "0"):
        ilvl = style.find(f"{W}pPr/{W}numPr/{W}ilvl")
        direct[sid] = (num_id.get(f"{W}val") or "", _level(ilvl.get(f"{W}val") if ilvl is not None else None))


def _level(value: str | None) -> int:
    """A list level (w:ilvl): 0 to 8 in Word; anything else is read as the first level."""
    return int(value) if value and value.isdigit() and len(value) == 1 else 0


def _inherited(direct: dict[str, tuple[str, int]], based: dict[str, str]) -> dict[str, tuple[str, int]]:
    """Each style's numbering, its own or its nearest ancestor's: every style is resolved once.

    A chain of styles each based on the next would cost its length squared if each style walked
    it to the end; a style resolved once is remembered, so the whole walk is linear (and a loop
    of styles ends, without numbering).
    """
    resolved: dict[str, tuple[str, int] | None] = {}
    for start in set(direct) | set(based):
        chain: list[str] = []
        on_chain: set[str] = set()
        current = start
        while current and current not in resolved and current not in direct and current not in on_chain:
            chain.append(current)
            on_chain.add(current)
            current = based.get(current, "")
        if current in direct:
            value: tuple[str, int] | None = direct[current]
        elif current in resolved:
            value = resolved[current]
        else:
            value = None  # no numbered ancestor, or a loop
        for sid in chain:
            resolved[sid] = value
    out = {sid: value for sid, value in resolved.items() if value is not None}
    out.update(direct)
    return out


class _Reader:
    def __init__(self, styles: dict[str, tuple[str, int]] | None = None, budget: Budget | None = None) -> None:
        self.styles = styles or {}
        self.budget = budget or Budget("document")
        self.rows = 0
        self.numbering = _Numbering()
        self.breaks = 0  # explicit page breaks
        self.rendered = 0  # page breaks Word recorded where it last laid the document out
        self.chars = 0

    def paragraph(self, p: etree._Element) -> Paragraph:
        self.budget.spend()
        parts: list[str] = []
        for el in p.iter(f"{W}t", f"{W}br", f"{W}cr", f"{W}tab", f"{W}noBreakHyphen", f"{W}lastRenderedPageBreak"):
            tag = el.tag
            if tag == f"{W}t":
                parent = el.getparent()
                if parent is not None and parent.getparent() is not None and parent.getparent().tag in _DELETED:
                    continue
                parts.append(el.text or "")
            elif tag == f"{W}br":
                if el.get(f"{W}type") == "page":
                    self.breaks += 1
                parts.append("\n")
            elif tag == f"{W}cr":
                parts.append("\n")
            elif tag == f"{W}tab":
                if el.getparent() is not None and el.getparent().tag == f"{W}r":
                    parts.append("\t")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            else:
                self.rendered += 1
        text = "".join(parts).replace("\u00a0", " ").replace("\u00ad", "")
        self.chars += len(text)
        num_pr = p.find(f"{W}pPr/{W}numPr")
        numbering: tuple[str, int] | None = None
        if num_pr is not None:
            num_id_el = num_pr.find(f"{W}numId")
            num_id = num_id_el.get(f"{W}val") if num_id_el is not None else None
            ilvl_el = num_pr.find(f"{W}ilvl")
            level = _level(ilvl_el.get(f"{W}val") if ilvl_el is not None else None)
            if num_id and num_id != "0":
                numbering = (num_id, level)
            # numId 0 switches off the numbering a style would give
        else:
            style = p.find(f"{W}pPr/{W}pStyle")
            if style is not None:
                numbering = self.styles.get(style.get(f"{W}val") or "")
        if numbering is not None:
            label = self.numbering.next(*numbering) if text.strip() else None
            return Paragraph(text, True, numbering[0], numbering[1], label)
        if p.find(f"{W}pPr/{W}pageBreakBefore") is not None:
            self.breaks += 1
        return Paragraph(text)

    def cell_paragraphs(self, tc: etree._Element) -> list[Paragraph]:
        out: list[Paragraph] = []
        for child in tc:
            if child.tag == f"{W}p":
                out.append(self.paragraph(child))
            elif child.tag == f"{W}tbl":  # a table inside a cell: its text, row by row
                for p in child.iter(f"{W}p"):
                    out.append(self.paragraph(p))
            elif child.tag == f"{W}sdt":
                for p in child.iter(f"{W}p"):
                    out.append(self.paragraph(p))
        return out

    def table(self, tbl: etree._Element, number: int) -> Table:
        rows: list[Row] = []
        for tr in _children(tbl, "tr"):
            self.rows += 1
            if self.rows > MAX_ROWS:
                raise WordError(
                    f"{self.budget.display} : les tableaux du document comptent plus de {MAX_ROWS} rangées ; "
                    "un plan en compte quelques centaines. Gardez dans un document à part le tableau du plan, "
                    "puis relancez l'import."
                )
            self.budget.spend()
            grid = 0
            before = tr.find(f"{W}trPr/{W}gridBefore")
            if before is not None:
                grid = int(before.get(f"{W}val") or 0)
            cells: list[Cell] = []
            for tc in _children(tr, "tc"):
                self.budget.spend()
                pr = tc.find(f"{W}tcPr")
                span, merge_continue = 1, False
                if pr is not None:
                    span_el = pr.find(f"{W}gridSpan")
                    if span_el is not None:
                        span = max(1, int(span_el.get(f"{W}val") or 1))
                    merge = pr.find(f"{W}vMerge")
                    merge_continue = merge is not None and merge.get(f"{W}val") in (None, "continue")
                cells.append(Cell(self.cell_paragraphs(tc), grid, span, merge_continue))
                grid += span
            rows.append(Row(cells, len(rows) + 1))
        return Table(rows, number)


_DELETED = {f"{W}del", f"{W}moveFrom"}


def _children(parent: etree._Element, name: str) -> list[etree._Element]:
    # Rows and cells may sit inside content controls or custom XML wrappers: look through them.
    out: list[etree._Element] = []
    for child in parent:
        if child.tag == f"{W}{name}":
            out.append(child)
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            out.extend(_children(child, name))
    return out


def _body_blocks(body: etree._Element) -> list[etree._Element]:
    out: list[etree._Element] = []
    for child in body:
        if child.tag in (f"{W}p", f"{W}tbl"):
            out.append(child)
        elif child.tag in (f"{W}sdt", f"{W}sdtContent", f"{W}customXml"):
            out.extend(_body_blocks(child))
    return out


def read(path: Path, budget: Budget | None = None) -> Document:
    """The document's tables and paragraphs, or WordError with a French message.

    `budget` bounds the work (ImportFailure when spent); by default, an import's budget.
    """
    budget = budget or Budget(str(path))
    with _check_container(path) as archive:
        root = _parse(_read_part(archive, "word/document.xml", path), path)
        embedded = _embedded(archive)
        app_pages = _app_pages(archive)
        styles = _style_numbering(archive, path)
        comments = _comments(archive)
    body = root.find(f"{W}body")
    if body is None:
        raise WordError(
            f"{path} : le corps de ce document Word est illisible (format « Strict Open XML » ?). "
            "Enregistrez-le au format « Document Word (.docx) », puis relancez l'import."
        )
    budget.check_time()
    reader = _Reader(styles, budget)
    tables: list[Table] = []
    paragraphs: list[str] = []
    pending: list[str] = []
    for block in _body_blocks(body):
        if block.tag == f"{W}p":
            text = reader.paragraph(block).text.strip()
            if text:
                paragraphs.append(text)
                pending.append(text)
        else:
            table = reader.table(block, len(tables) + 1)
            table.before = pending
            pending = []
            tables.append(table)
    pages = max(app_pages, max(reader.breaks, reader.rendered) + 1, reader.chars // CHARS_PER_PAGE + 1)
    if pages > MAX_PAGES:
        raise WordError(
            f"{path} : le document compte environ {pages} pages ; un plan en compte rarement plus de "
            f"{MAX_PAGES}. Gardez dans un document à part le tableau du plan (sans les annexes), "
            "puis relancez l'import."
        )
    insertions = sum(1 for _ in body.iter(f"{W}ins"))
    deletions = sum(1 for _ in body.iter(f"{W}del"))
    return Document(tables, paragraphs, embedded, pages, comments, insertions, deletions)
