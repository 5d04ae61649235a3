"""Word forms of the seed plans, written by the tests (never committed) in the styles MRC files use.

Each fixture lays a seed plan out in its ministry's table as an MRC does: typed « 1. » numbers or
Word's automatic numbering, one paragraph per line or line breaks inside one paragraph, merged
cells, a row that a page break split in two, the dates table above the plan, superscript « e »
and italics. The seeds' own oddities are kept (PIAR enjeu 3, action 3 split across a page break;
« 1 & 7 » axes), so that the import report can be checked for them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import _Cell

from .helpers import ROOT

PIAR = ROOT / "plans" / "mrc-lassomption-piar-2021.yml"
PAC = ROOT / "plans" / "mrc-etchemins-pac-2022.yml"
PIAR_HEADERS = [
    "Enjeux à travailler par la MRC",
    "Objectifs d'AEQ (chiffre correspondant)",
    "Axes d'intervention d'AEQ (chiffre correspondant)",
    "Objectifs à atteindre",
    "Actions mises en place",
    "Échéances",
    "Indicateurs de performance",
    "Temps imparti par les ressources",
]
GABARIT_HEADERS = [
    "Enjeux de développement économique à travailler par la MRC",
    "Objectifs d'Accès entreprise Québec en lien avec l'enjeu",
    "Axes d'intervention d'Accès entreprise Québec en lien avec l'enjeu",
    "Objectifs à atteindre",
    "Actions / interventions à mettre en place",
    "Ressources",
    "Échéancier",
    "Indicateurs de performance",
    "Temps imparti par les ressources",
]
PAC_HEADERS = [
    "Activité(s) et projets",
    "Partenaires",
    "Résultats attendus",
    "Indicateur(s) de performance",
    "Cible(s)",
    "Échéance",
    "Clientèle visée",
    "Commentaires",
]
LABELS = r"^(Moyen d’action [\d.]+|Porteur|Collaborateur|Objectif spécifique \d+)\s*:\s*"
MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre"]  # fmt: skip


@dataclass(frozen=True)
class Style:
    """How an MRC's file lays the plan out."""

    numbering: str = "tape"  # « tape »: « 1. » typed; « auto »: Word's automatic numbering
    lines: str = "paragraphes"  # « paragraphes »: one per line; « sauts »: line breaks in one paragraph
    merged: bool = False  # identical neighbouring cells merged vertically; the PAC title row merged across
    gabarit: bool = False  # the MEI's instructions table before the plan (PIAR)


def seed(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def _add_text(paragraph: Any, text: str, italic: bool = False) -> None:
    """Text with « 2e », « 1er » written as Word does: the ordinal suffix in superscript."""
    pos = 0
    for match in re.finditer(r"(?<=\d)(er|e)\b", text):
        paragraph.add_run(text[pos : match.start()]).italic = italic or None
        run = paragraph.add_run(match.group(1))
        run.font.superscript = True
        run.italic = italic or None
        pos = match.end()
    paragraph.add_run(text[pos:]).italic = italic or None


def _auto_number(paragraph: Any, num_id: int) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    num = OxmlElement("w:numId")
    num.set(qn("w:val"), str(num_id))
    num_pr.append(ilvl)
    num_pr.append(num)
    ppr.append(num_pr)


def write_lines(cell: _Cell, texts: list[str], style: Style, italic_last: bool = False) -> None:
    """Plain lines: one paragraph each, or line breaks inside the cell's first paragraph."""
    cell.text = ""
    first = cell.paragraphs[0]
    for i, text in enumerate(texts):
        italic = italic_last and i == len(texts) - 1 and len(texts) > 1
        if style.lines == "sauts":
            if i:
                first.add_run().add_break()
            _add_text(first, text, italic)
        else:
            _add_text(first if i == 0 else cell.add_paragraph(), text, italic)


def write_list(cell: _Cell, texts: list[str], style: Style, continuation: str | None = None) -> None:
    """A numbered list: « 1. » typed, or Word's numbering (the number is not in the text)."""
    cell.text = ""
    if style.numbering == "auto":
        for i, text in enumerate(texts):
            paragraph = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            _auto_number(paragraph, 5)  # « List Number » of the default template; counts run on
            _add_text(paragraph, text)
        return
    write_lines(cell, [f"{i}. {text}" for i, text in enumerate(texts, 1)], style)


def _and(numbers: list[int]) -> str:
    words = [str(n) for n in numbers]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " & " + words[-1]


def _date_fr(value: Any, upper: bool = False) -> str:
    text = f"{value.day}{'er' if value.day == 1 else ''} {MOIS[value.month - 1]} {value.year}"
    return text.upper() if upper else text


def _new_document(titles: list[str]) -> Any:
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for title in titles:
        document.add_paragraph(title)
    return document


def _merge_down(table: Any, column: int, rows: list[int], values: list[str]) -> None:
    """Merge runs of identical neighbouring cells of a column, as an MRC does for repeated values."""
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or values[i] != values[start]:
            if i - start > 1:
                top, bottom = table.cell(rows[start], column), table.cell(rows[i - 1], column)
                text = values[start]
                top.merge(bottom)
                top.text = text
            start = i


def piar_docx(path: Path, style: Style) -> Path:
    plan = seed(PIAR)
    document = _new_document([])
    if style.gabarit:
        document.add_paragraph("GABARIT DE PLAN D'INTERVENTION ET D'AFFECTATION DES RESSOURCES")
        instructions = document.add_table(rows=2, cols=len(GABARIT_HEADERS))
        for i, header in enumerate(GABARIT_HEADERS):
            instructions.cell(0, i).text = header
        instructions.cell(
            1, 0
        ).text = "Les enjeux doivent avoir été élaborés ou entérinés par le nouveau comité aviseur."
        instructions.cell(1, 4).text = "Pour chaque objectif, élaborer des actions ou interventions."
    document.add_paragraph("PLAN D'INTERVENTION ET D'AFFECTATION DES RESSOURCES")
    dates = document.add_table(rows=1, cols=4)
    dates.cell(0, 0).text = "Date du plan"
    dates.cell(0, 1).text = _date_fr(plan["date_plan"], upper=True)
    dates.cell(0, 2).text = "Dates de mise à jour"
    dates.cell(0, 3).text = ", ".join(_date_fr(m["date"]) for m in plan["mises_a_jour"])
    document.add_paragraph("")
    enjeux = plan["enjeux"]
    table = document.add_table(rows=1, cols=len(PIAR_HEADERS))
    table.style = "Table Grid"
    for i, header in enumerate(PIAR_HEADERS):
        table.cell(0, i).text = header
    axes_rows: list[int] = []
    for enjeu in enjeux:
        actions = enjeu["actions"]
        texts = [a["texte"] for a in actions]
        split = enjeu["id"] == "3"  # the seed's action 3-3 runs over a page break
        tail = None
        if split:
            words = texts[-1].split(" ")
            cut = words.index("entreprises")
            texts = [*texts[:-1], " ".join(words[:cut])]
            tail = " ".join(words[cut:])
        row = table.add_row().cells
        axes_rows.append(len(table.rows) - 1)
        write_lines(row[0], [enjeu["enonce"]], style)
        row[1].text = _and(enjeu["objectifs_generaux"])
        row[2].text = _and(enjeu["axes"])
        write_lines(row[3], enjeu["objectifs"], style)
        write_list(row[4], texts, style)
        write_list(row[5], [a["echeance"] for a in actions], style)
        write_list(row[6], [i["texte"] for i in enjeu["indicateurs"]], style)
        temps = enjeu["temps_imparti"]["texte"]
        head, _, rest = temps.partition(" (")
        write_lines(row[7], [head, f"({rest}"] if rest else [head], style, italic_last=True)
        if tail:
            row[4].paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
            cont = table.add_row().cells
            write_lines(cont[4], [tail], style)
    if style.merged:
        _merge_down(table, 2, axes_rows, [_and(e["axes"]) for e in enjeux])
    document.save(str(path))
    return path


def _partner_name(plan: dict[str, Any], pid: str) -> str:
    # « cje » is not in the seed's registry (the source says « CJE », probably CJEE): as written.
    entry = next((p for p in plan["partenaires"] if p["id"] == pid), {"sigle": pid.upper()})
    return str(entry.get("sigle") or entry.get("nom") or pid)


def _targets(moyen: dict[str, Any]) -> list[str]:
    """One target per line: every indicator's target for year 1, then year 2…"""
    years = sorted({int(m) for e in moyen.get("echeance") or [] for m in re.findall(r"An (\d+)", e)})
    out = []
    for year in years or [None]:
        for indicateur in moyen.get("indicateurs", []):
            for cible in indicateur.get("cibles", []):
                annee = cible.get("annee")
                if year is None or annee == year or (isinstance(annee, list) and year in annee):
                    out.append(cible["texte"])
    return out


def pac_docx(path: Path, style: Style) -> Path:
    plan = seed(PAC)
    document = _new_document(
        [
            "Programme d’appui aux collectivités",
            "Programmation des activités ou projets à réaliser pour la mise en œuvre du plan d’action",
        ]
    )
    table = document.add_table(rows=1, cols=len(PAC_HEADERS))
    table.style = "Table Grid"
    for i, header in enumerate(PAC_HEADERS):
        table.cell(0, i).text = header
    comment_rows: list[int] = []
    comments: list[str] = []
    for objectif in plan["objectifs_specifiques"]:
        if objectif.get("titre"):
            row = table.add_row().cells
            label = f"Objectif spécifique {objectif['numero']} : {objectif['titre']}"
            if style.merged:
                merged = row[0].merge(row[-1])
                merged.text = label
            else:
                row[0].text = label
        for moyen in objectif["moyens"]:
            row = table.add_row().cells
            number = moyen["id"].replace("-", ".")
            write_lines(row[0], [f"Moyen d’action {number} :", moyen["texte"]], style)
            partners = [f"Porteur : {' / '.join(_partner_name(plan, p) for p in moyen.get('porteurs', []))}"]
            if moyen.get("collaborateurs"):
                partners.append("Collaborateur :")
                partners += [_partner_name(plan, p) for p in moyen["collaborateurs"]]
            write_lines(row[1], partners, style)
            write_lines(row[2], moyen.get("resultats_attendus", []), style)
            write_lines(row[3], [i["texte"] for i in moyen.get("indicateurs", [])], style)
            write_lines(row[4], _targets(moyen), style)
            years = []
            for echeance in moyen.get("echeance") or []:
                head, _, rest = echeance.partition(" (")
                years += [head, f"({rest}"] if rest else [head]
            write_lines(row[5], years, style)
            write_lines(row[6], moyen.get("clientele", []), style)
            comment_rows.append(len(table.rows) - 1)
            comments.append(moyen.get("commentaires", ""))
            if moyen.get("commentaires"):
                row[7].text = moyen["commentaires"]
    if style.merged:
        _merge_down(table, 7, comment_rows, [c or f"\0{i}" for i, c in enumerate(comments)])
    document.save(str(path))
    return path


def visible_pieces(path: Path) -> list[str]:
    """Every line of the plan table's cells as a reader sees it, minus numbers and labels."""
    document = docx.Document(str(path))
    table = document.tables[-1]
    pieces: list[str] = []
    for row in table.rows[1:]:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            for paragraph in cell.paragraphs:
                for line in paragraph.text.split("\n"):
                    line = re.sub(r"^\d+\.\s+", "", line.strip())
                    line = re.sub(
                        r"^(Moyen d’action [\d.]+|Porteur|Collaborateur|Objectif spécifique \d+)\s*:\s*", "", line
                    )
                    if line and not re.fullmatch(r"[\d\s,&]+", line):
                        pieces.extend(p.strip() for p in line.split(" / ") if p.strip())
    return pieces
