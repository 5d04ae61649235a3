"""A Word table of a plan, mapped to a plan of a kind, row by row.

The kind's `gabarit_word` declaration says which header holds which fields and how a cell lays
its items out; the Mapper applies it row by row. It guesses only where the document leaves a
choice (a row split by a page break, « 1 & 7 », targets to share among indicators) and says so
in the report; text it cannot place goes to the plan's `notes`, never away.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

from plan_ouvert.office import bilan, cibles, word
from plan_ouvert.office.resultat import (
    ImportReport,
)
from plan_ouvert.office.word_tableau import Header, Logical
from plan_ouvert.office.word_texte import (
    _AN,
    _AN_PARTS,
    _NUMBERS_ONLY,
    _PARTNER_LABEL,
    Items,
    _amount,
    _and,
    _as_list,
    _funding,
    _int,
    _loose,
    joined,
    lines,
    norm,
    parse_date,
    slug,
    split_items,
    without_nothing,
)
from plan_ouvert.source.echeance import fold
from plan_ouvert.source.echeance import parse as parse_echeance
from plan_ouvert.source.kinds import Champ, ColonneWord, GabaritWord, Kind, Niveau


def _dated_lines(paragraphs: list[word.Paragraph]) -> bool:
    """Several lines, each an échéance of its own (a year, a date, « An 2 »): not one text wrapped."""
    found = lines(paragraphs)
    return len(found) > 1 and all(
        (terms := parse_echeance(line)) and (terms[0].fin is not None or terms[0].annee_plan is not None)
        for line in found
    )


class Mapper:
    def __init__(self, kind: Kind, gabarit: GabaritWord, report: ImportReport, registry: list[dict[str, Any]]):
        self.kind = kind
        self.gabarit = gabarit
        self.report = report
        self.niveaux = kind.spec.niveaux
        self.row_depth = kind.spec.depth(gabarit.rangee)
        self.top: list[dict[str, Any]] = []
        # The ids given at each level so far: a new element's id is checked against them in
        # constant time (walking the tree for each new element made long tables quadratic).
        self.ids_at: dict[int, set[str]] = {}
        self.next_suffix: dict[tuple[int, str], int] = {}  # « 1-k »: every smaller k is already taken
        self.stack: list[dict[str, Any] | None] = [None] * len(self.niveaux)
        self.notes: list[str] = []
        # Lines of a « ressources » column, by place: the registry's roles, checked once it is known.
        self.ressources: list[tuple[str, list[str]]] = []
        self.partners = registry
        self.years: dict[int, Counter[tuple[int, int]]] = {}
        self.current: dict[str, Any] | None = None  # the row's element being filled
        self.embedded_rows: dict[str, dict[str, Any]] = {}  # row elements of a Plan ouvert export, by id
        # Guesses to show in the plan file: (element, key or None, message).
        self.marks: list[tuple[dict[str, Any], str | None, str]] = []

    def guess(
        self,
        ou: str,
        message: str,
        texte: str | None = None,
        key: str | None = None,
        element: dict[str, Any] | None = None,
    ) -> None:
        self.report.guess(ou, message, texte)
        target = element if element is not None else self.current
        if target is not None:
            self.marks.append((target, key, message))

    def guessed_paths(self, top: str) -> dict[tuple[str | int, ...], str]:
        """Where each guess sits in the plan's data, for a comment in the plan file."""
        paths: dict[int, tuple[str | int, ...]] = {}

        def walk(items: list[dict[str, Any]], depth: int, path: tuple[str | int, ...]) -> None:
            for i, item in enumerate(items):
                here = (*path, i)
                paths[id(item)] = here
                if depth + 1 < len(self.niveaux):
                    walk(item.get(self.niveaux[depth + 1].cle, []), depth + 1, (*here, self.niveaux[depth + 1].cle))

        walk(self.top, 0, (top,))
        out: dict[tuple[str | int, ...], str] = {}
        for element, key, message in self.marks:
            path = paths.get(id(element))
            if path is None:
                continue
            where = (*path, key) if key and key in element else (*path, "id")
            out[where] = f"{out[where]} ; {message}" if where in out else message
        return out

    # Where a text came from, as a person finds it in their file.
    @staticmethod
    def where(table: word.Table, rows: list[int], header: str | None = None) -> str:
        rangee = f"rangée {rows[0]}" if len(rows) == 1 else f"rangées {rows[0]} à {rows[-1]}"
        return f"tableau {table.number}, {rangee}" + (f", colonne « {header} »" if header else "")

    def unplaced(self, ou: str, message: str, texte: str) -> None:
        self.report.unplaced(ou, message, texte)
        self.notes.append(f"{ou} : {texte}")

    # --- elements -----------------------------------------------------------------------

    def _children(self, depth: int) -> list[dict[str, Any]]:
        if depth == 0:
            return self.top
        parent = self.parent(depth - 1, None)
        return parent.setdefault(self.niveaux[depth].cle, [])  # type: ignore[no-any-return]

    def new_element(self, depth: int, number: int | None = None, ou: str = "") -> dict[str, Any]:
        niveau = self.niveaux[depth]
        siblings = self._children(depth)
        position = len(siblings) + 1
        element: dict[str, Any] = {}
        if niveau.numerotation == "id" and depth > 0 and self.stack[depth - 1] is not None:
            parent_id = self.stack[depth - 1]["id"]  # type: ignore[index]
            element["id"] = f"{parent_id}-{number or position}"
        else:
            element["id"] = str(number or position)
        if niveau.numerotation == "champ":
            element["numero"] = number or position
        taken = self.ids_at.setdefault(depth, set())
        if element["id"] in taken:
            base = element["id"]
            k = self.next_suffix.get((depth, base), 2)
            while f"{base}-{k}" in taken:
                k += 1
            self.next_suffix[(depth, base)] = k + 1
            element["id"] = f"{base}-{k}"
            self.guess(
                ou,
                f"Numéro {base} en double : identifiant {element['id']} donné à ce second élément.",
                None,
                "id",
                element,
            )
        siblings.append(element)
        taken.add(element["id"])
        self.stack[depth] = element
        for deeper in range(depth + 1, len(self.niveaux)):
            self.stack[deeper] = None
        return element

    def parent(self, depth: int, ou: str | None) -> dict[str, Any]:
        """The current element of a level above the rows, made when the document names none."""
        current = self.stack[depth]
        if current is None:
            current = self.new_element(depth, None, ou or "")
            self.guess(
                ou or "tableau",
                f"Le document ne nomme pas d'élément « {self.niveaux[depth].singulier} » avant cette rangée : "
                f"un élément numéroté {current['id']} a été créé, sans texte.",
                element=current,
            )
        return current

    def from_embedded(self, element: dict[str, Any], targets: list[str]) -> bool:
        """Targets a Plan ouvert export wrote: the embedded data says which indicator and year each is."""
        known = self.embedded_rows.get(str(element.get("id")))
        if known is None:
            return False
        indicators = known.get("indicateurs") or []
        cibles = [c for i in indicators for c in i.get("cibles", [])]
        once = sorted(str(c.get("texte")) for c in cibles)
        # A target for several years (« annee: [1, 2] ») is written once per year.
        per_year = sorted(
            str(c.get("texte"))
            for c in cibles
            for _ in range(len(c["annee"]) if isinstance(c.get("annee"), list) else 1)
        )
        if len(indicators) != len(element.get("indicateurs") or []) or sorted(targets) not in (once, per_year):
            return False
        for shown, kept in zip(element["indicateurs"], indicators, strict=True):
            if kept.get("cibles"):
                shown["cibles"] = copy.deepcopy(kept["cibles"])
        return True

    # --- partners -----------------------------------------------------------------------

    def partner_id(self, name: str) -> str:
        wanted = fold(name.strip()).replace("’", "'")
        for partner in self.partners:
            for key in ("sigle", "nom", "id"):
                if partner.get(key) and fold(str(partner[key])).replace("’", "'") == wanted:
                    return str(partner["id"])
        new_id = slug(name)
        taken = {p["id"] for p in self.partners}
        base, k = new_id, 2
        while new_id in taken:
            new_id = f"{base}-{k}"
            k += 1
        entry: dict[str, Any] = {"id": new_id}
        compact = name.strip()
        if len(compact) <= 12 and " " not in compact and compact.upper() == compact:
            entry["sigle"] = compact
        else:
            entry["nom"] = compact
        self.partners.append(entry)
        return new_id

    def partner_names(self, text: str) -> list[str]:
        return [n.strip() for n in re.split(r"[/;,]", text) if n.strip()]

    # --- one logical row ------------------------------------------------------------------

    def merged_row(self, logical: Logical, header: Header) -> bool:
        """A row merged across the table (« Objectif spécifique 6 : AXE ENTREPRISE »)."""
        texts = {g: joined(ps) for g, ps in logical.cells.items() if joined(ps)}
        if len(texts) != 1:
            return False
        grid, text = next(iter(texts.items()))
        first = min(logical.cells) if logical.cells else 0
        ou = self.where(logical.table, logical.rows)
        for fusion in self.gabarit.rangees_fusionnees:
            pattern = re.compile(rf"^{re.escape(norm(fusion.intitule))}\s*(\d+)\b\s*(.*)$")
            match = pattern.match(norm(text))
            if match and grid == first:
                depth = self.kind.spec.depth(fusion.niveau)
                number = int(match.group(1))
                element = self.new_element(depth, number, ou)
                label = re.sub(rf"^\s*{_loose(fusion.intitule)}\s*\d+\s*[:.\-–]?\s*", "", text, flags=re.I).strip()
                if fusion.champ and label:
                    element[fusion.champ] = label
                return True
        width = sum(header.spans.values()) or 1
        if grid != first or 2 * logical.spans.get(grid, 1) < width:
            return False  # an ordinary row with only its first cell filled
        # A title row merged across the table that the kind does not declare: a new element of
        # the level above the rows that no column holds, else a note.
        free = [
            d
            for d in range(self.row_depth)
            if not any(c.niveau == self.niveaux[d].type for c in header.columns.values())
        ]
        texte = self.niveaux[free[0]].texte if free else None
        if free and texte:
            element = self.new_element(free[0], None, ou)
            element[texte] = text
            self.guess(
                ou,
                f"Rangée fusionnée lue comme un élément « {self.niveaux[free[0]].singulier} » "
                f"({element['id']}) : les rangées suivantes lui appartiennent.",
                text,
                element=element,
            )
            return True
        self.unplaced(ou, "Rangée fusionnée sur la largeur du tableau que le type de plan ne prévoit pas.", text)
        return True

    def key_grid(self, header: Header) -> int | None:
        for grid in sorted(header.columns):
            if header.columns[grid].niveau == self.gabarit.rangee:
                return grid
        return None

    def depth_of(self, header: Header, grid: int) -> int:
        col = header.columns.get(grid)
        return self.kind.spec.depth(col.niveau) if col is not None else self.row_depth

    def map_row(self, logical: Logical, header: Header) -> None:
        ou_row = self.where(logical.table, logical.rows)
        self.map_parents(logical, header, ou_row)
        if logical.parents_only:
            return
        row_cols = {g: c for g, c in header.columns.items() if self.kind.spec.depth(c.niveau) >= self.row_depth}
        number, parent_number = self.row_number(logical, row_cols)
        if parent_number is not None and self.row_depth > 0:
            parent = self.stack[self.row_depth - 1]
            if parent is None or parent.get("numero", _int(parent.get("id"))) != parent_number:
                self.new_element(self.row_depth - 1, parent_number, ou_row)
        elif self.row_depth > 0:
            self.parent(self.row_depth - 1, ou_row)
        element = self.new_element(self.row_depth, number, ou_row)
        self.current = element
        for ou, message, texte in logical.guesses:
            self.guess(ou, message, texte)
        pending_targets: list[tuple[str, list[word.Paragraph]]] = []
        children: dict[str, Items] = {}
        for grid in sorted(row_cols):
            col = row_cols[grid]
            paragraphs = logical.cells.get(grid, [])
            ou = self.where(logical.table, logical.rows, col.entete)
            if grid in logical.merged_from_above and joined(paragraphs):
                self.guess(
                    ou,
                    "Cellule fusionnée avec celle du dessus : sa valeur est reprise pour cette rangée.",
                    key=col.champs[0] if col.champs else None,
                )
            if col.disposition == "cibles":
                pending_targets.append((ou, paragraphs))
                continue
            depth = self.kind.spec.depth(col.niveau)
            if depth > self.row_depth:
                if joined(paragraphs):
                    children[f"{grid}"] = self.fill_children(element, depth, col, paragraphs, ou)
                continue
            self.fill(element, self.niveaux[depth], col, without_nothing(paragraphs), ou)
        for ou, paragraphs in pending_targets:
            self.fill_targets(element, paragraphs, ou)
        for grid in sorted(header.unknown):
            text = "\n".join(lines(logical.cells.get(grid, [])))
            if text:
                name = header.unknown[grid] or f"colonne {grid + 1} (sans en-tête)"
                self.unplaced(
                    self.where(logical.table, logical.rows, name), "Colonne que le type de plan ne prévoit pas.", text
                )

    def map_parents(self, logical: Logical, header: Header, ou_row: str) -> None:
        """Levels above the row, from their columns: an empty or merged cell keeps the same parent."""
        for grid in sorted(header.columns):
            col = header.columns[grid]
            depth = self.kind.spec.depth(col.niveau)
            if depth >= self.row_depth:
                continue
            text = joined(logical.cells.get(grid, []))
            current = self.stack[depth]
            key = col.champs[0] if col.champs else None
            if (
                text
                and grid not in logical.merged_from_above
                and (current is None or key is None or current.get(key) != text)
            ):
                element = self.new_element(depth, None, ou_row)
                if key:
                    element[key] = text

    def row_number(self, logical: Logical, row_cols: dict[int, ColonneWord]) -> tuple[int | None, int | None]:
        """« Moyen d'action 1.2 » gives the row's number (2) and its parent's (1)."""
        for grid, col in row_cols.items():
            if col.disposition != "intitule" or not col.intitule:
                continue
            text = joined(logical.cells.get(grid, []))
            match = re.match(rf"^\s*{_loose(col.intitule)}\s*(\d+)(?:\s*[.,\-]\s*(\d+))?", text, re.I)
            if match:
                if match.group(2):
                    return int(match.group(2)), int(match.group(1))
                return int(match.group(1)), None
        return None, None

    # --- fields -----------------------------------------------------------------------------

    def fill(
        self, element: dict[str, Any], niveau: Niveau, col: ColonneWord, paragraphs: list[word.Paragraph], ou: str
    ) -> None:
        text = joined(paragraphs)
        if not text:
            return
        if not col.champs:
            self.unplaced(ou, "Colonne sans champ dans le type de plan.", "\n".join(lines(paragraphs)))
            return
        if col.disposition == "ressources":
            self.ressources.append((ou, lines(paragraphs)))
            return
        if col.disposition == "intitule":
            body = re.sub(rf"^\s*{_loose(col.intitule or '')}\s*\d+(?:\s*[.,\-]\s*\d+)?\s*:?\s*", "", text, flags=re.I)
            if body == text and col.intitule:
                self.guess(
                    ou,
                    f"Pas de « {col.intitule} » et de numéro au début de la cellule : numéroté d'après sa position.",
                    key="id",
                )
            if body:
                element[col.champs[0]] = body
            return
        if col.disposition == "partenaires":
            self.fill_partners(element, niveau, col, paragraphs, ou)
            return
        if col.disposition == "annees":
            self.fill_years(element, col.champs[0], paragraphs, ou)
            return
        if col.disposition == "numeros":
            self.fill_numbers(element, col.champs[0], text, ou)
            return
        champ = niveau.champ(col.champs[0])
        if champ is None:
            return
        if col.disposition == "liste":
            items = split_items(paragraphs)
            self.check_numbers(items, ou)
            values = items.texts
        elif col.disposition == "lignes":
            values = lines(paragraphs)
        elif champ.type == "echeance" and _dated_lines(paragraphs):
            # Ticked years or several dates, one per line (« 2024 », « 2025 »…): a list, as written.
            element[champ.cle] = lines(paragraphs)
            return
        else:
            values = [text]
        self.set_values(element, champ, values, ou, text)

    def set_values(self, element: dict[str, Any], champ: Champ, values: list[str], ou: str, text: str) -> None:
        kind = champ.type
        if kind in ("textes",):
            element[champ.cle] = values
        elif kind == "indicateurs":
            element[champ.cle] = [{"texte": v} for v in values]
        elif kind == "partenaires":
            element[champ.cle] = [self.partner_id(n) for v in values for n in self.partner_names(v)]
        elif kind == "financement":
            element[champ.cle] = [_funding(v) for v in values]
        elif kind == "temps_imparti":
            element[champ.cle] = {"texte": " ".join(values)}
        elif kind == "reference":
            self.fill_numbers(element, champ.cle, text, ou)
        elif kind == "montant":
            joined_text = " ".join(values)
            amount = _amount(joined_text)
            element[champ.cle] = joined_text if amount is None else amount
        elif kind in ("texte", "echeance"):
            element[champ.cle] = " ".join(values)
        elif kind == "date" and (day := parse_date(text)):
            element[champ.cle] = day
        elif kind in ("entier", "nombre") and (value := _amount(text, dollars=False)) is not None:
            element[champ.cle] = int(value) if kind == "entier" else value
        elif kind == "lien" and re.match(r"^https?://\S+$", text):
            element[champ.cle] = text
        elif kind == "oui_non" and fold(text) in ("oui", "non"):
            element[champ.cle] = fold(text) == "oui"
        else:
            self.unplaced(ou, f"Texte que le champ « {champ.libelle} » ne peut pas recevoir tel quel.", text)

    def fill_numbers(self, element: dict[str, Any], key: str, text: str, ou: str) -> None:
        numbers = [int(n) for n in re.findall(r"\d+", text)]
        if not numbers or not _NUMBERS_ONLY.match(fold(text)):
            self.unplaced(ou, "Texte qui n'est pas une liste de numéros.", text)
            if not numbers:
                return
        element[key] = numbers
        if text.strip() != ", ".join(str(n) for n in numbers) and text.strip() != str(numbers[0]):
            self.guess(ou, f"« {text} » lu comme les numéros {_and(numbers)}.", text, key)

    def check_numbers(self, items: Items, ou: str) -> None:
        shown = [n for n in items.numbers if n is not None]
        if items.numbered and shown and shown != list(range(shown[0], shown[0] + len(shown))):
            self.guess(ou, f"Numérotation irrégulière ({', '.join(map(str, shown))}) : éléments pris dans l'ordre.")
        if not items.numbered and len(items.texts) > 1:
            self.guess(ou, "Aucun numéro dans la cellule : un élément par paragraphe.")

    def fill_children(
        self, element: dict[str, Any], depth: int, col: ColonneWord, paragraphs: list[word.Paragraph], ou: str
    ) -> Items:
        """A numbered list of the level below the rows: the n-th item goes to the n-th element."""
        niveau = self.niveaux[depth]
        items = split_items(paragraphs) if col.disposition == "liste" else Items(lines(paragraphs), [], False)
        if col.disposition == "liste":
            self.check_numbers(items, ou)
        children = element.setdefault(niveau.cle, [])
        creates = niveau.texte is not None and niveau.texte in col.champs
        for n, value in enumerate(items.texts):
            if n >= len(children):
                if not creates:
                    self.unplaced(
                        ou,
                        f"Élément {n + 1} de la colonne sans « {niveau.singulier} » correspondant "
                        f"(il y en a {len(children)}).",
                        value,
                    )
                    continue
                parent_id = element["id"]
                child: dict[str, Any] = {"id": f"{parent_id}-{n + 1}" if niveau.numerotation == "id" else str(n + 1)}
                if niveau.numerotation == "champ":
                    child["numero"] = n + 1
                children.append(child)
                self.ids_at.setdefault(depth, set()).add(child["id"])
            champ = niveau.champ(col.champs[0]) if col.champs else None
            if champ is not None and not bilan.is_nothing(value):  # « — » at its place: nothing for this one
                self.set_values(children[n], champ, [value], ou, value)
        if not creates and 0 < len(items.texts) < len(children):
            missing = ", ".join(str(k + 1) for k in range(len(items.texts), len(children)))
            self.guess(ou, f"Moins d'éléments que de « {niveau.pluriel.lower()} » : rien pour {missing}.")
        return items

    def fill_partners(
        self, element: dict[str, Any], niveau: Niveau, col: ColonneWord, paragraphs: list[word.Paragraph], ou: str
    ) -> None:
        roles = {c.role or "": c.cle for c in niveau.champs if c.type == "partenaires" and c.cle in col.champs}
        first = col.champs[0]
        current: str | None = None
        unlabelled = False
        for line in lines(paragraphs):
            match = _PARTNER_LABEL.match(fold(line).replace("’", "'"))
            rest = line
            if match:
                label = match.group(1)
                role = "collaborateur" if label.startswith("collab") or label.startswith("partenaire") else "porteur"
                current = roles.get(role) or (
                    col.champs[1] if role == "collaborateur" and len(col.champs) > 1 else first
                )
                rest = line.split(":", 1)[1]
            elif current is None:
                current, unlabelled = first, True
            for name in self.partner_names(rest):
                if bilan.is_nothing(name):
                    continue
                if bilan.is_to_be_determined(name):
                    self.guess(ou, f"« {name} » : aucun partenaire inscrit pour l'instant.", line)
                    continue
                ids = element.setdefault(current, [])
                pid = self.partner_id(name)
                if pid not in ids:
                    ids.append(pid)
        if unlabelled:
            label = next((c.libelle for c in niveau.champs if c.cle == first), first)
            self.guess(
                ou, f"Noms sans « Porteur : » ni « Collaborateur : » lus comme {label.lower()}.", joined(paragraphs)
            )

    def fill_years(self, element: dict[str, Any], key: str, paragraphs: list[word.Paragraph], ou: str) -> None:
        text = " ".join(lines(paragraphs))
        starts = [m.start() for m in _AN.finditer(text)]
        if not starts:
            element[key] = text
            return
        head = text[: starts[0]].strip()
        parts = [" ".join(text[a:b].split()) for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
        if head:
            parts[0] = f"{head} {parts[0]}"
        element[key] = parts
        for part in parts:
            for m in _AN_PARTS.finditer(part):
                if m.group(2):
                    self.years.setdefault(int(m.group(1)), Counter())[(int(m.group(2)), int(m.group(3)))] += 1

    def fill_targets(self, element: dict[str, Any], paragraphs: list[word.Paragraph], ou: str) -> None:
        """One target per line: for each year of the row's échéance, then each indicator."""
        # Targets set side by side with tabs or runs of spaces are separate targets too.
        targets = [
            " ".join(part.split())
            for p in paragraphs
            for line in p.text.split("\n")
            for part in re.split(r"\t+| {3,}", line)
            if part.strip()
        ]
        if not targets:
            return
        indicators = element.get("indicateurs") or []
        years = [int(m.group(1)) for part in _as_list(element.get("echeance")) for m in _AN_PARTS.finditer(part)]
        if not indicators:
            self.unplaced(ou, "Cibles sans indicateur dans la rangée.", "\n".join(targets))
            return
        if self.from_embedded(element, targets):
            return
        alignment = cibles.align(targets, [str(i.get("texte", "")) for i in indicators], years)
        if alignment.guess:
            self.guess(ou, alignment.guess, "\n".join(alignment.targets))
        for (index, year), text in zip(alignment.places, alignment.targets, strict=True):
            if bilan.is_nothing(text):
                continue  # « — » at its place: no target for this indicator and year
            cible: dict[str, Any] = {"texte": text}
            if year is not None:
                cible = {"annee": year, "texte": text}
            indicators[index].setdefault("cibles", []).append(cible)
