"""The ministry's Word gabarit, filled with a plan: the file an MRC files with the ministry.

The layout comes from the kind's declaration of the ministry's table (`gabarit_word`: titles,
dates table, one row per element of a level, merged rows that start a higher level, columns in
the ministry's order and wording, and how each cell lays out its items); a kind without one gets
a plain table of its levels. Numbers are typed in the text (« 1. », « 2. »), as the gabarits do,
so that the n-th échéance sits beside the n-th action whatever word processor opens the file.

The file also carries the plan's public data as JSON in a custom XML part, which the Word import
reads back for what a table cannot hold (ids, registries, follow-up): YAML → Word → YAML gives
the same plan. The bytes depend only on the plan (fixed dates inside the zip and in the document
properties), so a rebuild gives the same file.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from plan_ouvert.formats.archive import zip_bytes
from plan_ouvert.source.echeance import date_fr, fold
from plan_ouvert.source.kinds import Champ, Financement, Kind, Niveau
from plan_ouvert.source.model import Suivi, TempsImparti
from plan_ouvert.source.tree import Element, PlanTree, cible_years
from plan_ouvert.views.export import public_data
from plan_ouvert.views.libelles import STATUTS_SUIVI, montant, nombre
from plan_ouvert.views.opendata import stamp

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
EMBED_NS = "urn:plan-ouvert:plan:1"  # Contract with the Word import: the root of the data part
ITEM_PART = "/customXml/item%d.xml"  # the first free number
PROPS_PART = "/customXml/itemProps%d.xml"
# Letter, landscape (the Quebec government's paper), with narrow margins for a wide table.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Inches(11), Inches(8.5), Inches(0.5)
BODY_SIZE, TABLE_SIZE = Pt(10), Pt(9)
# The blank document's « Table Grid », named by its id: a lookup by name reads every style.
TABLE_STYLE = "TableGrid"
HEADER_FILL = "D9D9D9"
MERGED_FILL = "F2F2F2"


@dataclass(frozen=True)
class WordColumn:
    """A column of the table to write: the ministry's header, its level, fields and layout."""

    entete: str
    niveau: str
    champs: tuple[str, ...]
    disposition: str = "texte"
    intitule: str | None = None


@dataclass(frozen=True)
class MergedRow:
    niveau: str
    intitule: str
    champ: str | None


@dataclass(frozen=True)
class Layout:
    titres: tuple[str, ...]
    dates: tuple[tuple[str, str], ...]  # (header, plan field)
    rangee: str
    merged: tuple[MergedRow, ...]
    columns: tuple[WordColumn, ...]
    paysage: bool = True


# --- The table's layout: the kind's declaration, or a plain table of its levels ---------------


def layout(kind: Kind) -> Layout:
    declared = kind.spec.gabarit_word
    if declared is None:
        return _generic(kind)
    return Layout(
        tuple(declared.titres),
        tuple((d.entete, d.champ) for d in declared.dates),
        declared.rangee,
        tuple(MergedRow(r.niveau, r.intitule, r.champ) for r in declared.rangees_fusionnees),
        # Every column of the ministry's table, one that holds no field of the model left empty.
        tuple(WordColumn(c.entete, c.niveau, tuple(c.champs), c.disposition, c.intitule) for c in declared.colonnes),
        bool(declared.paysage),
    )


_GENERIC_LAYOUT = {
    "texte": "texte",
    "textes": "lignes",
    "partenaires": "lignes",
    "reference": "numeros",
    "indicateurs": "lignes",
    "financement": "lignes",
    "echeance": "lignes",
}


def _generic(kind: Kind) -> Layout:
    """One row per element of the lowest level; a column for the text of each level above, then
    one per field of the lowest level (follow-up aside: it is not part of a filed plan)."""
    niveaux = kind.spec.niveaux
    leaf = niveaux[-1]
    columns = [WordColumn(n.singulier, n.type, (n.texte or n.titre or "",)) for n in niveaux[:-1] if n.texte or n.titre]
    for champ in leaf.champs:
        if champ.type != "suivi":
            columns.append(WordColumn(champ.libelle, leaf.type, (champ.cle,), _GENERIC_LAYOUT.get(champ.type, "texte")))
    return Layout((), (), leaf.type, (), tuple(columns))


# --- Cell contents: lines of text ------------------------------------------------------------


def _clean(text: str) -> str:
    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", text)
    return cleaned


def _names(plan: Any, ids: Iterable[str]) -> list[str]:
    registry = {p.id: p for p in plan.partenaires}
    out = []
    for ident in ids:
        known = registry.get(ident)
        out.append((known.sigle or known.nom or ident) if known else ident)
    return out


def _numeros(values: list[int]) -> str:
    """« 1 », « 1 & 7 », « 1, 4 & 5 »: the gabarit's way of naming numbers."""
    words = [str(v) for v in values]
    return " & ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def _financement(item: Financement) -> str:
    amount = montant(item.montant) if item.montant is not None else None
    details = ", ".join(x for x in (amount, item.texte) if x)
    return f"{item.source} ({details})" if details else item.source


def value_lines(element: Element, champ: Champ, plan: Any) -> list[str]:
    """A field's value as lines of text, whatever its type."""
    value = element.valeur(champ.cle)
    if value is None or value == []:
        return []
    kind = champ.type
    if kind == "textes":
        return list(value)
    if kind == "partenaires":
        return _names(plan, value)
    if kind == "reference":
        return [_numeros(value)]
    if kind == "echeance":
        return list(value) if isinstance(value, list) else [value]
    if kind == "indicateurs":
        return [indicateur.texte for indicateur in value]
    if kind == "financement":
        return [_financement(i) for i in value]
    if kind == "temps_imparti":
        return [value.texte] if isinstance(value, TempsImparti) and value.texte else []
    if kind == "suivi":
        if not isinstance(value, Suivi):
            return []
        when = f" ({date_fr(value.date)})" if value.date else ""
        return [f"{STATUTS_SUIVI[value.statut]}{when}", *([value.commentaire] if value.commentaire else [])]
    if kind == "montant":
        return [montant(value) if isinstance(value, float) else str(value)]
    if kind == "nombre":
        return [nombre(value)]
    if kind == "date":
        return [date_fr(value)]
    if kind == "oui_non":
        return ["Oui" if value else "Non"]
    return [str(value)]


def _cibles(element: Element) -> list[str]:
    """One target per line: each year of the plan in order, then each indicator in order."""
    by_year: dict[int | None, list[str]] = {}
    for indicateur in element.indicateurs:
        for cible in indicateur.cibles:
            for year in list[int | None](cible_years(cible)) or [None]:
                by_year.setdefault(year, []).append(cible.texte)
    years = sorted(y for y in by_year if y is not None)
    return [text for year in [*years, None] for text in by_year.get(year, [])]


def _partenaires(element: Element, champs: Iterable[Champ], plan: Any) -> list[str]:
    """« Porteur : MRC », then « Collaborateur : » and one name per line."""
    lines: list[str] = []
    for champ in champs:
        names = value_lines(element, champ, plan)
        if not names:
            continue
        word = (champ.role or champ.libelle).capitalize()
        if len(names) == 1 and not lines:
            lines.append(f"{word} : {names[0]}")
        else:
            lines += [f"{word} :", *names]
    return lines


def ressource_roles(element: Element, champs: Iterable[Champ], plan: Any) -> list[str]:
    """The role of each resource the element's time goes to, in the registry's words, once each."""
    registry = {r.id: r for r in getattr(plan, "ressources", None) or []}
    roles: list[str] = []
    for champ in champs:
        temps = element.valeur(champ.cle)
        for allocation in temps.allocations if isinstance(temps, TempsImparti) else []:
            known = registry.get(allocation.ressource)
            role = known.role if known else allocation.ressource
            if role not in roles:
                roles.append(role)
    return roles


@dataclass
class Cell:
    """What one table cell holds: paragraphs, the first bold when it is a heading."""

    lines: list[str]
    bold_first: bool = False


def _champs(niveau: Niveau, keys: Iterable[str]) -> list[Champ]:
    return [c for c in (niveau.champ(k) for k in keys) if c is not None]


def cell(column: WordColumn, row: Element, tree: PlanTree) -> Cell:
    """The content of one column for one row's element."""
    plan = tree.plan
    kind = tree.kind.spec
    target = kind.niveau(column.niveau)
    depth, row_depth = kind.depth(column.niveau), row.depth
    if depth < row_depth:  # a level above: the ancestor's text (merged over its rows)
        holder = next((a for a in row.ancestors() if a.type == column.niveau), None)
        return Cell(_plain(holder, column, target, plan) if holder else [])
    if depth == row_depth:
        return _own(column, row, target, tree)
    # A level below: its elements in order, numbered in a list.
    below = [d for d in row.descendants() if d.type == column.niveau]
    champs = _champs(target, column.champs)
    if column.disposition == "liste":
        lines = []
        for position, child in enumerate(below, start=1):
            text = " ; ".join(line for c in champs for line in value_lines(child, c, plan))
            lines.append(f"{position}. {text}".rstrip())
        return Cell(lines)
    return Cell([line for child in below for c in champs for line in value_lines(child, c, plan)])


def _plain(element: Element, column: WordColumn, niveau: Niveau, plan: Any) -> list[str]:
    return [line for c in _champs(niveau, column.champs) for line in value_lines(element, c, plan)]


def _own(column: WordColumn, row: Element, niveau: Niveau, tree: PlanTree) -> Cell:
    plan = tree.plan
    champs = _champs(niveau, column.champs)
    layout_ = column.disposition
    if layout_ == "intitule":
        word = column.intitule or niveau.singulier
        return Cell([f"{word} {row.numero} :", *_plain(row, column, niveau, plan)], bold_first=True)
    if layout_ == "partenaires":
        return Cell(_partenaires(row, champs, plan))
    if layout_ == "cibles":
        return Cell(_cibles(row))
    if layout_ == "ressources":
        return Cell(ressource_roles(row, champs, plan))
    if layout_ == "numeros":
        numbers = [n for c in champs for n in (row.valeur(c.cle) or [])]
        return Cell([_numeros(numbers)] if numbers else [])
    lines = _plain(row, column, niveau, plan)
    if layout_ == "liste":
        return Cell([f"{position}. {line}" for position, line in enumerate(lines, start=1)])
    return Cell(lines)


# --- The document ----------------------------------------------------------------------------
#
# The Word library builds, once per process, a blank landscape document with the styles a plan
# uses (the skeleton); each plan then only writes its body, its properties and its data part as
# WordprocessingML. Opening the library's blank document and saving it again cost about three
# quarters of a plan's file, which a build of a hundred plans would feel.

TWIPS_PER_EMU = 1 / 635  # Word widths are in twentieths of a point; lengths here in EMU
TABLE_TEXT = "Texte du tableau"  # the paragraph style of table text: 9 points, tight spacing
# Styles the skeleton keeps (the blank document holds some 160, and every plan would carry them).
KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", TABLE_STYLE}
DOCUMENT_MEMBER = "word/document.xml"
CORE_MEMBER = "docProps/core.xml"


def _paragraph(
    line: str, style: str | None = None, bold: bool = False, size: int | None = None, center: bool = False
) -> str:
    properties = (f'<w:pStyle w:val="{style}"/>' if style else "") + ('<w:jc w:val="center"/>' if center else "")
    run_properties = ("<w:b/>" if bold else "") + (f'<w:sz w:val="{size * 2}"/>' if size else "")
    run = ""
    if line:
        run = f"<w:r>{f'<w:rPr>{run_properties}</w:rPr>' if run_properties else ''}"
        run += f'<w:t xml:space="preserve">{escape(_clean(line))}</w:t></w:r>'
    return f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}{run}</w:p>"


def _paragraphs(content: Cell, style: str, bold: bool = False) -> str:
    # A line break inside a text is a paragraph of its own: Word reads one in a text as a space.
    lines = [part for line in content.lines for part in line.split("\n")] or [""]
    return "".join(
        _paragraph(line, style, bold or (content.bold_first and index == 0)) for index, line in enumerate(lines)
    )


def _tc(width: int, body: str, fill: str | None = None, span: int = 1, merge: str | None = None) -> str:
    """One cell: its width, its horizontal span, its vertical merge (restart / continue), its fill."""
    properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        properties += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        properties += "<w:vMerge/>"
    if fill:
        properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>'
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{body}</w:tc>"


def _tr(cells: str, header: bool = False) -> str:
    """The header row kept whole and repeated at the top of each page; a long row of the plan goes on
    onto the next page rather than leaving a blank half page before it."""
    flags = "<w:cantSplit/><w:tblHeader/>" if header else ""
    return f"<w:tr><w:trPr>{flags}</w:trPr>{cells}</w:tr>"


def _tbl(widths: list[int], rows: list[str], centered: bool) -> str:
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    align = '<w:jc w:val="center"/>' if centered else ""
    properties = (
        f'<w:tblStyle w:val="{TABLE_STYLE}"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>{align}'
        f'<w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="{CELL_MARGIN}" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" '
        'w:noVBand="1"/>'
    )
    return f"<w:tbl><w:tblPr>{properties}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def _titles(spec: Layout, tree: PlanTree) -> list[str]:
    plan = tree.plan
    titles = list(spec.titres) or [plan.titre]
    out = [_paragraph(title, bold=True, size=14 if i == 0 else 12, center=True) for i, title in enumerate(titles)]
    organisme = plan.organisme.nom
    if plan.organisme.delegataire:
        organisme += f" ({plan.organisme.delegataire})"
    out.append(_paragraph(organisme, bold=True, center=True))
    if spec.titres and fold(plan.titre) not in {fold(t) for t in spec.titres}:
        out.append(_paragraph(plan.titre, center=True))
    return out


def _date_values(plan: Any, champ: str) -> list[str]:
    if champ == "mises_a_jour":
        return [date_fr(m.date) for m in plan.mises_a_jour]
    value = getattr(plan, champ, None)
    return [date_fr(value)] if isinstance(value, dt.date) else []


def _dates(spec: Layout, plan: Any) -> list[str]:
    """The dates table above the plan: « Date du plan | … | Dates de mise à jour | … »."""
    if not spec.dates:
        return []
    width = int(Inches(1.9) * TWIPS_PER_EMU)
    cells = "".join(
        _tc(width, _paragraphs(Cell([header]), "Normal", bold=True), HEADER_FILL)
        + _tc(width, _paragraphs(Cell(_date_values(plan, champ)), "Normal"))
        for header, champ in spec.dates
    )
    return [_tbl([width] * 2 * len(spec.dates), [_tr(cells)], centered=False), _paragraph("")]


def _merged_text(row: MergedRow, element: Element) -> str:
    own = element.valeur(row.champ) if row.champ else None
    return f"{row.intitule} {element.numero} : {own}" if own else f"{row.intitule} {element.numero}"


# A bold 9-point character is at most about 110 twips wide, a plain one about 92, a cell's side
# margins 60 each (narrower than Word's default, for the ministry's nine columns). A column is
# never narrower than the longest word of its header or of its cells (no word breaks mid-word:
# « Échéances », « manufacturières »), and the room left goes where the text is long, so that
# rows are about as tall in every column.
TWIPS_PER_HEADER_CHAR, TWIPS_PER_CHAR, CELL_MARGIN, MIN_COLUMN = 110, 92, 60, 700
CELL_MARGINS = 2 * CELL_MARGIN + 40  # both sides, and a little room for the cell's borders
_BREAK_AFTER_SLASH = re.compile(r"(?<=/)(?=\D)")  # a line may break after « / » (« maintenues/relocalisées »)


def _longest_word(lines: Iterable[str]) -> int:
    return max(
        (len(part) for line in lines for word in line.split() for part in _BREAK_AFTER_SLASH.split(word)), default=0
    )


def _widths(headers: list[str], bodies: list[list[str]], usable: int) -> list[int]:
    """Column widths sized to their content: each at least its longest word, the rest shared by
    how much text each column holds beyond what its narrowest width carries on one line."""
    total = int(usable * TWIPS_PER_EMU)
    floors = [
        max(
            MIN_COLUMN,
            _longest_word([h]) * TWIPS_PER_HEADER_CHAR + CELL_MARGINS,
            _longest_word(body) * TWIPS_PER_CHAR + CELL_MARGINS,
        )
        for h, body in zip(headers, bodies, strict=True)
    ]
    if sum(floors) >= total:  # more columns than the page holds: shrink all alike
        return [int(f * total / sum(floors)) for f in floors]
    demand = [sum(len(line) for line in body) * TWIPS_PER_CHAR for body in bodies]
    # What the column would need beyond its floor to hold its text in as many lines as the others.
    extra = [max(0.0, d**0.5 - f**0.5) for d, f in zip(demand, floors, strict=True)]
    room = total - sum(floors)
    if not sum(extra):
        return [f + room // len(floors) for f in floors]
    return [f + int(room * e / sum(extra)) for f, e in zip(floors, extra, strict=True)]


def _plan_table(spec: Layout, tree: PlanTree, style: str) -> str:
    columns = spec.columns
    usable = PAGE_WIDTH - 2 * MARGIN if spec.paysage else PAGE_HEIGHT - 2 * MARGIN
    merged_levels = {m.niveau: m for m in spec.merged}
    elements = list(_rows(tree, spec, merged_levels))
    contents = {
        id(element): [cell(column, element, tree) for column in columns]
        for element in elements
        if element.type == spec.rangee
    }
    bodies = [[line for row in contents.values() for line in row[i].lines] for i in range(len(columns))]
    twips = _widths([c.entete for c in columns], bodies, usable)
    header = "".join(
        _tc(twips[i], _paragraphs(Cell([c.entete]), style, True), HEADER_FILL) for i, c in enumerate(columns)
    )
    rows = [_tr(header, header=True)]
    spans: dict[int, str] = {}  # column → id of the ancestor whose text runs down the column
    kind = tree.kind.spec
    for element in elements:
        if element.type != spec.rangee:  # a merged row that starts a higher level
            text = Cell([_merged_text(merged_levels[element.type], element)])
            rows.append(_tr(_tc(sum(twips), _paragraphs(text, style, True), MERGED_FILL, span=len(columns))))
            spans.clear()
            continue
        cells = []
        for index, column in enumerate(columns):
            merge = None
            if kind.depth(column.niveau) < element.depth:
                holder = next((a for a in element.ancestors() if a.type == column.niveau), None)
                key = holder.id if holder else ""
                if spans.get(index) == key:  # the ancestor's text once, over all its rows
                    cells.append(_tc(twips[index], _paragraphs(Cell([]), style), merge="continue"))
                    continue
                spans[index] = key
                merge = "restart"
            cells.append(_tc(twips[index], _paragraphs(contents[id(element)][index], style), merge=merge))
        rows.append(_tr("".join(cells)))
    return _tbl(twips, rows, centered=True)


def _rows(tree: PlanTree, spec: Layout, merged: dict[str, MergedRow]) -> Iterator[Element]:
    """Elements of the row level, each preceded by a merged row for a new declared ancestor."""
    for element in tree.elements:
        if element.type == spec.rangee or element.type in merged:
            yield element


# --- The skeleton: a blank document with the plan's styles, built once --------------------------


class _Members:
    """Where the Word library's package writer puts each member: kept as bytes."""

    def __init__(self) -> None:
        self.members: dict[str, bytes] = {}

    def write(self, pack_uri: Any, blob: bytes) -> None:
        self.members[pack_uri.membername] = blob

    def close(self) -> None:
        pass


@dataclass(frozen=True)
class Skeleton:
    members: dict[str, bytes]  # every member of the file, in order, with placeholders for a plan's
    body_start: str  # word/document.xml up to the body's content
    body_end: str  # from the section properties to the end
    table_style: str  # the style id of table text
    item: str  # member names of the data part and its properties
    item_props: str


def _trim_styles(document: DocumentObject, kept: set[str]) -> None:
    styles = document.styles.element
    for child in list(styles):
        if child.tag == qn("w:latentStyles"):
            styles.remove(child)
        elif child.tag == qn("w:style") and child.get(qn("w:styleId")) not in kept:
            styles.remove(child)


@functools.cache
def skeleton(landscape: bool) -> Skeleton:
    """The blank document every plan's file starts from (one per orientation)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = BODY_SIZE
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-CA")
    normal.element.get_or_add_rPr().append(lang)
    table_text = document.styles.add_style(TABLE_TEXT, WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = normal
    table_text.font.size = TABLE_SIZE
    table_text.paragraph_format.space_before = Pt(0)
    table_text.paragraph_format.space_after = Pt(2)
    _trim_styles(document, {*KEPT_STYLES, table_text.style_id})
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (PAGE_WIDTH, PAGE_HEIGHT) if landscape else (PAGE_HEIGHT, PAGE_WIDTH)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    package = document.part.package
    # Left out: the blank document's thumbnail (another page than a plan's), its empty
    # bibliography and the Word 2010 copy of the styles.
    for rels, dropped in ((package.rels, {RT.THUMBNAIL}), (document.part.rels, {RT.CUSTOM_XML, STYLES_WITH_EFFECTS})):
        for rel_id, rel in list(rels.items()):
            if rel.reltype in dropped:
                rels.pop(rel_id)
    # Contract with the Word import: a custom XML part holds the plan's data (filled per plan).
    item = Part(package.next_partname(ITEM_PART), CT.XML, b"", package)
    document.part.relate_to(item, RT.CUSTOM_XML)
    props = Part(package.next_partname(PROPS_PART), CT.OFC_CUSTOM_XML_PROPERTIES, b"", package)
    item.relate_to(props, RT.CUSTOM_XML_PROPS)
    for part in package.parts:
        part.before_marshal()
    sink = _Members()
    writer: Any = PackageWriter  # the library's own writer, with a sink of ours
    writer._write_content_types_stream(sink, package.parts)
    writer._write_pkg_rels(sink, package.rels)
    writer._write_parts(sink, package.parts)
    xml = sink.members[DOCUMENT_MEMBER].decode("utf-8")
    body = xml.index("<w:body>") + len("<w:body>")
    section_start = xml.index("<w:sectPr", body)
    return Skeleton(
        sink.members,
        xml[:body],
        xml[section_start:],
        str(table_text.style_id),
        item.partname.membername,
        props.partname.membername,
    )


# --- One plan's file ---------------------------------------------------------------------------


def _core(tree: PlanTree, moment: dt.datetime) -> bytes:
    """The document properties: title, organisation, and the plan's date (never the clock)."""
    when = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    title = escape(_clean(tree.plan.titre))
    subject = escape(_clean(tree.plan.organisme.nom))
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>Plan ouvert</dc:creator>"
        "<cp:lastModifiedBy>Plan ouvert</cp:lastModifiedBy><cp:revision>1</cp:revision>"
        "<dc:language>fr-CA</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>"
    ).encode()


def _data_part(tree: PlanTree) -> tuple[bytes, bytes]:
    """Contract with the Word import: the plan's public data as JSON, root <plan-ouvert xmlns=…>."""
    payload = json.dumps(public_data(tree.plan))  # ASCII only: any text survives in XML
    item = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<plan-ouvert xmlns="{EMBED_NS}">'
        f"{escape(payload)}</plan-ouvert>"
    ).encode()
    item_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{EMBED_NS}:{tree.plan.id}")).upper() + "}"
    props = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        f'<ds:datastoreItem ds:itemID="{item_id}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{EMBED_NS}"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    return item, props


# Contract with the Word import (import_word._closing): the words of the paragraphs after the table.
ADOPTION_WORD, NOTES_HEADING = "Adoption", "Notes du plan"


def adoption_line(plan: Any) -> str | None:
    """« Adoption : Conseil de la MRC, le 20 mars 2024, résolution 2024-03-045 »."""
    adoption = getattr(plan, "adoption", None)
    if adoption is None:
        return None
    line = f"{ADOPTION_WORD} : {adoption.instance}, le {date_fr(adoption.date)}"
    return line + (f", résolution {adoption.resolution}" if adoption.resolution else "")


def _note(text: str) -> str:
    """One note, its own line breaks kept as breaks (Shift+Entrée): one paragraph per note."""
    runs = "<w:r><w:br/></w:r>".join(
        f'<w:r><w:t xml:space="preserve">{escape(_clean(line))}</w:t></w:r>' for line in text.split("\n")
    )
    return f"<w:p>{runs}</w:p>"


def _closing(plan: Any) -> list[str]:
    """What the filed plan says after its table: its adoption (date, resolution), then its notes."""
    out = []
    line = adoption_line(plan)
    if line:
        out.append(_paragraph(line))
    notes = getattr(plan, "notes", None) or []
    if notes:
        out.append(_paragraph(NOTES_HEADING, bold=True))
        out += [_note(note) for note in notes]
    return out


def document_xml(tree: PlanTree, spec: Layout, base: Skeleton) -> bytes:
    body = [*_titles(spec, tree), *_dates(spec, tree.plan), _plan_table(spec, tree, base.table_style), _paragraph("")]
    body += _closing(tree.plan)
    return (base.body_start + "".join(body) + base.body_end).encode("utf-8")


def docx_bytes(tree: PlanTree) -> bytes:
    """The filled gabarit of one plan; the same plan gives the same bytes."""
    spec = layout(tree.kind)
    base = skeleton(spec.paysage)
    moment = stamp([tree.plan])
    item, props = _data_part(tree)
    own = {DOCUMENT_MEMBER: document_xml(tree, spec, base), CORE_MEMBER: _core(tree, moment)}
    own |= {base.item: item, base.item_props: props}
    return zip_bytes(((name, own.get(name, blob)) for name, blob in base.members.items()), moment)
