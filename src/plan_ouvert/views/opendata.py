"""Open data: the public fields of every plan as CSV tables, one XLSX workbook and a Data Package.

One table per level of every kind of plan present (« enjeux », « moyens », « orientations »…),
its columns read from the kind's fields (their `colonne`, else their libellé), plus the tables
every kind shares: plans, années, mises à jour, partenaires, ressources, indicateurs and cibles.
Each row carries `plan_id` and the ids of its parents, so that the tables join without the
YAML. Text columns keep the source wording. No `prive` mapping is ever read here: the tables
are built field by field from public fields, and `plans.json` goes through
`export.public_data`.

Every file is a pure function of the plans (no clock, no machine state): two exports of the
same plans are byte for byte identical, so that a commit of the data shows only real changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from pydantic import BaseModel

from plan_ouvert.source import licences
from plan_ouvert.source.echeance import fold, number_in, parse, wording
from plan_ouvert.source.kinds import Champ, Financement, Kind, Kinds, Niveau
from plan_ouvert.source.model import Cible, Indicateur, PlanBase, Suivi, TempsImparti, public_fields
from plan_ouvert.source.tree import Element, PlanTree, cible_years
from plan_ouvert.views import dcat
from plan_ouvert.views.export import public_data
from plan_ouvert.views.libelles import STATUTS_PLAN, STATUTS_RESSOURCE, STATUTS_SUIVI, TEMPS

LIST_SEPARATOR = " ; "  # between texts in one cell (texts may hold commas)
NUMBER_SEPARATOR = ", "  # between numbers in one cell: « 1, 2 »
TRUE_FALSE = ("oui", "non")  # booleans in CSV, declared in the Data Package schema
DATE_FORMAT = "yyyy-mm-dd"
CELL_MAX = 32767  # characters in one spreadsheet cell
SHEET_MAX = 31  # characters in a sheet name
# The zip format cannot store dates before 1980: the stamp of a workbook without any date.
EPOCH = dt.datetime(1980, 1, 1)


@dataclass(frozen=True)
class Column:
    name: str  # snake_case id, stable for programs: « plan_id »
    title: str  # French header of the CSV and the sheet: « Identifiant du plan »
    type: str = "string"  # Frictionless type: string, integer, number, date, boolean


@dataclass
class Table:
    name: str  # file and resource name: « moyens »
    title: str  # French sheet name and resource title (31 characters at most)
    columns: list[Column]
    rows: list[list[object]] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)  # column names
    # (columns, referenced table, referenced columns): parents that always exist in a valid plan
    foreign_keys: list[tuple[list[str], str, list[str]]] = field(default_factory=list)

    def same_shape(self, other: Table) -> bool:
        return (self.columns, self.primary_key, self.foreign_keys) == (
            other.columns,
            other.primary_key,
            other.foreign_keys,
        )


# Columns shared by several tables keep one title, so that keys join on the same header.
PLAN = Column("plan_id", "Identifiant du plan")
RESSOURCE = Column("ressource_id", "Identifiant de la ressource")
PARTENAIRE = Column("partenaire_id", "Identifiant du partenaire")
ELEMENT = Column("element_id", "Identifiant de l'élément")
POSITION_INDICATEUR = Column("indicateur_position", "Position de l'indicateur", "integer")
ECHEANCE = Column("echeance", "Échéance (texte de la source)")
ANNEES = Column("annees", "Années du plan visées")
ANCIENS_IDS = Column("anciens_ids", "Anciens identifiants")
LIBELLE = Column("libelle", "Libellé (niveau et numéro)")
URL = Column("url", "Adresse de la page (depuis la racine du site)")
SUIVI = [
    Column("suivi_statut", "Statut du suivi"),
    Column("suivi_date", "Date du suivi", "date"),
    Column("suivi_commentaire", "Commentaire du suivi"),
]
SOURCE_TEXT = " (texte de la source)"  # after the title of a field kept in the plan's words
FIELD_COLUMN_TYPES = {"entier": "integer", "nombre": "number", "date": "date", "oui_non": "boolean"}


def _texts(values: Iterable[str]) -> str | None:
    joined = LIST_SEPARATOR.join(values)
    return joined or None


def _numbers(values: Iterable[int]) -> str | None:
    joined = NUMBER_SEPARATOR.join(str(v) for v in values)
    return joined or None


def _suivi(suivi: Suivi | None) -> list[object]:
    if suivi is None:
        return [None, None, None]
    return [STATUTS_SUIVI[suivi.statut], suivi.date, suivi.commentaire]


def target_value(cible: Cible) -> float | None:
    """The target as a number: its `valeur`, else the number its wording gives (« 2,5 M$ »)."""
    return cible.valeur if cible.valeur is not None else number_in(cible.texte)


# --- French words of a kind's levels -------------------------------------------------------

VOWELS = tuple("aeiouyh")  # a mute h elides as a vowel does: « l'habitation »


def _or(words: Sequence[str]) -> str:
    """« a », « a ou b », « a, b ou c »."""
    return " ou ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def _and(words: Sequence[str]) -> str:
    return " et ".join(filter(None, [", ".join(words[:-1]), *words[-1:]]))


def _lower_first(text: str) -> str:
    """« Moyen d'action » → « moyen d'action » inside a sentence; an acronym stays: « PME »."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _elides(word: str) -> bool:
    return fold(word).startswith(VOWELS)


def _du(niveau: Niveau) -> str:
    """« de l'enjeu », « de la mesure », « du moyen d'action »."""
    word = _lower_first(niveau.singulier)
    if _elides(word):
        return f"de l'{word}"
    return f"de la {word}" if niveau.feminin else f"du {word}"


def _tout(niveau: Niveau) -> str:
    """« tout l'enjeu », « toute l'orientation », « tout le chantier »."""
    word = _lower_first(niveau.singulier)
    whole = "toute" if niveau.feminin else "tout"
    if _elides(word):
        return f"{whole} l'{word}"
    return f"{whole} la {word}" if niveau.feminin else f"{whole} le {word}"


def _snake(text: str) -> str:
    return text.replace("-", "_")


def _sheet_title(text: str) -> str:
    """A table title that a spreadsheet accepts as a sheet name: no []:*?/\\, 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", text)[:SHEET_MAX].strip()


def id_column(niveau: Niveau) -> Column:
    """« enjeu_id », « Identifiant de l'enjeu »: the key of a level's rows, and of its children's."""
    return Column(f"{_snake(niveau.type)}_id", f"Identifiant {_du(niveau)}")


def _numbered_by_id_at_top(niveau: Niveau, depth: int) -> bool:
    # Numbered from its id, a top-level element's number is its id (« 3 »): no column repeats
    # it. Below, the number is the id as the plan prints it (« 1-2 » → « 1.2 »).
    return niveau.numerotation == "id" and depth == 0


def numero_column(niveau: Niveau) -> Column:
    return Column("numero", f"Numéro {_du(niveau)}", "integer" if niveau.numerotation == "champ" else "string")


def field_columns(champ: Champ) -> list[Column]:
    """The columns of one field: none for indicators (their own tables), three for a follow-up."""
    if champ.type == "indicateurs":
        return []
    if champ.type == "suivi":
        return list(SUIVI)
    if champ.type in ("echeance", "temps_imparti"):
        columns = [Column(champ.cle, champ.colonne or champ.libelle + SOURCE_TEXT)]
        return [*columns, ANNEES] if champ.annees_plan else columns
    return [Column(champ.cle, champ.colonne or champ.libelle, FIELD_COLUMN_TYPES.get(champ.type, "string"))]


def _unique(columns: list[Column]) -> list[Column]:
    """Columns with distinct names and titles (Frictionless needs both), in their order.

    Two fields of a kind could give one header (two follow-ups, a field titled like the id);
    the later one gets a number rather than a header that no program could tell apart.
    """
    names: set[str] = set()
    titles: set[str] = set()
    unique = []
    for column in columns:
        name, title, count = column.name, column.title, 1
        while name in names or title in titles:
            count += 1
            name, title = f"{column.name}_{count}", f"{column.title} ({count})"
        names.add(name)
        titles.add(title)
        unique.append(replace(column, name=name, title=title))
    return unique


def _financement(item: Financement) -> str:
    """« Fonds régions et ruralité (10000 $) »: a funding source with what the plan says of it."""
    amount = f"{number_text(item.montant)} $" if item.montant is not None else None
    details = ", ".join(x for x in (amount, item.texte) if x)
    return f"{item.source} ({details})" if details else item.source


def field_cells(element: Element, champ: Champ, shown: Callable[[list[str]], str | None]) -> list[object]:
    """The cells of one field of an element, as many as `field_columns` gives (`shown`: partner
    ids as the plan names them)."""
    value = element.valeur(champ.cle)
    kind = champ.type
    if kind == "indicateurs":
        return []
    if kind == "suivi":
        return _suivi(value if isinstance(value, Suivi) else None)
    if kind == "echeance":
        cells: list[object] = [wording(value) or None]
        if champ.annees_plan:
            years = {t.annee_plan for t in parse(value) if t.annee_plan is not None} if value else set()
            cells.append(_numbers(sorted(years)))
        return cells
    if kind == "temps_imparti":
        return [value.texte if isinstance(value, TempsImparti) else None]
    if kind == "textes":
        return [_texts(value or [])]
    if kind == "reference":
        return [_numbers(value or [])]
    if kind == "partenaires":
        return [shown(value or [])]
    if kind == "financement":
        return [_texts(_financement(item) for item in value or [])]
    return [value]  # texte, lien, entier, nombre, date; a montant as a number or as the plan words it


# --- The tables of the known kinds ---------------------------------------------------------

# Two kinds may name a level alike with other fields (`actions` in piar and in plan-action).
# Their rows do not share a table: merged columns would leave most cells empty and lose the
# key to each parent table. The table keeps the plain name (« actions ») for the first kind
# that claims it, built-in kinds first in their shipped order, then the repository's kinds by
# id; a later kind with the same columns shares it, one with other columns gets its own table
# prefixed by its id (« plan_action_actions », sheet « Actions (Plan d'action) »). Names are
# decided over every known kind, not only those with plans, so that adding a plan never
# renames a file that someone already reads.


@dataclass
class Layout:
    """Which table receives each level's rows, for every known kind."""

    kinds: list[Kind]  # known kinds, in claiming order
    shared: dict[str, Table]  # plans, annees, mises_a_jour, partenaires, ressources, indicateurs, cibles
    levels: dict[tuple[str, str], Table] = field(default_factory=dict)  # (kind id, level type)
    partner_links: dict[tuple[str, str], Table] = field(default_factory=dict)
    allocations: dict[str, Table] = field(default_factory=dict)  # kind id
    claimed: dict[str, Table] = field(default_factory=dict)  # table name → table

    def claim(self, table: Table, kind: Kind) -> Table:
        """The table that holds rows shaped as `table`: an equal one already claimed, or `table`
        under its plain name, or under the kind's prefixed name."""
        candidates = [table.name, f"{_snake(kind.id)}_{table.name}"]
        candidates += [f"{candidates[1]}_{n}" for n in range(2, 10)]
        for position, name in enumerate(candidates):
            held = self.claimed.get(name)
            if held is not None and held.same_shape(table):
                return held
            if held is None:
                title = table.title if position == 0 else f"{table.title} ({kind.spec.sigle})"
                titles = {t.title for t in self.claimed.values()}
                if _sheet_title(title) in titles:
                    title = f"{table.title} ({kind.id})"
                made = replace(table, name=name, title=_sheet_title(title))
                self.claimed[name] = made
                return made
        raise ValueError(f"trop de tables nommées « {table.name} »")  # ten kinds with one level name


def _known_kinds(trees: Sequence[PlanTree], kinds: Kinds | None) -> list[Kind]:
    """Every known kind in claiming order: built-in first as shipped, then the others by id."""
    builtin = Kinds.builtin()
    known = {**builtin.by_id, **(kinds.by_id if kinds else {})}
    for tree in trees:  # a plan's own kind (a repository may replace a built-in one)
        known[tree.kind.id] = tree.kind
    order = [k for k in builtin.by_id if k in known] + sorted(k for k in known if k not in builtin.by_id)
    return [known[k] for k in order]


# Headers of the shared tables name no kind: a kind added to the repository must not rename
# a column that programs read (the values are the kinds' ids and level types).
GABARIT = Column("gabarit", "Gabarit (type de plan)")
TYPE_ELEMENT = Column("type_element", "Type d'élément (niveau du plan)")


def _shared_tables() -> dict[str, Table]:
    definitions = [
        Table(
            "plans",
            "Plans",
            [
                PLAN,
                GABARIT,
                Column("programme", "Programme (référentiel)"),
                Column("titre", "Titre du plan"),
                Column("organisme", "Organisme"),
                Column("delegataire", "Organisme délégataire"),
                Column("organisme_site_web", "Site Web de l'organisme"),
                Column("statut", "Statut du plan"),
                Column("date_plan", "Date du plan", "date"),
                Column("date_convention", "Date de la convention", "date"),
                Column("periode_debut", "Début de la période", "date"),
                Column("periode_fin", "Fin de la période", "date"),
                Column("adoption_instance", "Instance d'adoption"),
                Column("adoption_date", "Date d'adoption", "date"),
                Column("adoption_resolution", "Résolution d'adoption"),
                Column("contact_nom", "Contact"),
                Column("contact_courriel", "Courriel du contact"),
                Column("contact_telephone", "Téléphone du contact"),
                Column("contact_site_web", "Site Web du contact"),
                Column("licence", "Licence des données"),
                Column("source", "Source"),
                Column("fictif", "Plan fictif", "boolean"),
                ANCIENS_IDS,
            ],
            primary_key=["plan_id"],
        ),
        Table(
            "annees",
            "Années des plans",
            [
                PLAN,
                Column("numero", "Numéro de l'année", "integer"),
                Column("libelle", "Année du plan"),
                Column("debut", "Année civile de début", "integer"),
                Column("fin", "Année civile de fin", "integer"),
            ],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "mises_a_jour",
            "Mises à jour",
            [
                PLAN,
                Column("position", "Position", "integer"),
                Column("date", "Date de la mise à jour", "date"),
                Column("resume", "Résumé"),
                Column("resolution", "Résolution"),
            ],
            primary_key=["plan_id", "position"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "partenaires",
            "Partenaires",
            [
                PLAN,
                PARTENAIRE,
                Column("sigle", "Sigle"),
                Column("nom", "Nom"),
                Column("site_web", "Site Web"),
                ANCIENS_IDS,
            ],
            primary_key=["plan_id", "partenaire_id"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "ressources",
            "Ressources",
            [
                PLAN,
                RESSOURCE,
                Column("role", "Rôle"),
                Column("statut", "Statut de la ressource"),
                Column("temps", "Temps"),
            ],
            primary_key=["plan_id", "ressource_id"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "indicateurs",
            "Indicateurs",
            [
                PLAN,
                TYPE_ELEMENT,
                ELEMENT,
                POSITION_INDICATEUR,
                Column("indicateur_id", "Identifiant de l'indicateur"),
                Column("texte", "Indicateur"),
            ],
            primary_key=["plan_id", "type_element", "element_id", "indicateur_position"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "cibles",
            "Cibles",
            [
                PLAN,
                TYPE_ELEMENT,
                ELEMENT,
                POSITION_INDICATEUR,
                Column("cible_position", "Position de la cible", "integer"),
                ANNEES,
                Column("texte", "Cible (texte de la source)"),
                Column("valeur", "Valeur de la cible", "number"),
                Column("unite", "Unité"),
                ECHEANCE,
                Column("realise", "Réalisé (texte du suivi)"),
                Column("valeur_realisee", "Valeur réalisée", "number"),
            ],
            primary_key=["plan_id", "type_element", "element_id", "indicateur_position", "cible_position"],
            foreign_keys=[
                (
                    ["plan_id", "type_element", "element_id", "indicateur_position"],
                    "indicateurs",
                    ["plan_id", "type_element", "element_id", "indicateur_position"],
                )
            ],
        ),
    ]
    return {t.name: t for t in definitions}


def _level_table(layout: Layout, kind: Kind, depth: int) -> Table:
    """The rows of one level: its parents' ids and its own, its number, its fields, its label."""
    niveaux = kind.spec.niveaux
    niveau = niveaux[depth]
    own = id_column(niveau)
    columns = [PLAN, *(id_column(n) for n in niveaux[:depth]), own]
    if not _numbered_by_id_at_top(niveau, depth):
        columns.append(numero_column(niveau))
    for champ in niveau.champs:
        columns += field_columns(champ)
    columns = _unique([*columns, ANCIENS_IDS, LIBELLE, URL])
    if depth == 0:
        parent_key: tuple[list[str], str, list[str]] = (["plan_id"], "plans", ["plan_id"])
    else:
        above = id_column(niveaux[depth - 1]).name
        parent_key = (["plan_id", above], layout.levels[(kind.id, niveaux[depth - 1].type)].name, ["plan_id", above])
    table = Table(niveau.cle, niveau.pluriel, columns, primary_key=["plan_id", own.name], foreign_keys=[parent_key])
    return layout.claim(table, kind)


def _partner_table(layout: Layout, kind: Kind, niveau: Niveau, level_table: Table) -> Table | None:
    """Who carries each element, one row per partner named: « Porteurs et collaborateurs »."""
    champs = [c for c in niveau.champs if c.type == "partenaires"]
    if not champs:
        return None
    own = id_column(niveau)
    titles = [champ.colonne or champ.libelle for champ in champs]
    title = _and([titles[0], *(_lower_first(t) for t in titles[1:])])
    table = Table(
        f"{level_table.name}_partenaires",  # beside its level's table, prefixed alike
        title,
        [
            PLAN,
            own,
            Column("role", f"Rôle ({_or(list(_roles(niveau).values()))})"),
            Column("position", "Position", "integer"),
            PARTENAIRE,
        ],
        primary_key=["plan_id", own.name, "role", "position"],
        # No key to `partenaires`: a partner missing from the registry is only a warning.
        foreign_keys=[(["plan_id", own.name], level_table.name, ["plan_id", own.name])],
    )
    return layout.claim(table, kind)


def _roles(niveau: Niveau) -> dict[str, str]:
    """Field key → the role its partners have (« porteur »); the key when two fields share a role,
    so that a row stays unique."""
    champs = [c for c in niveau.champs if c.type == "partenaires"]
    named = [c.role or c.cle for c in champs]
    return {c.cle: (r if named.count(r) == 1 else c.cle) for c, r in zip(champs, named, strict=True)}


def _allocation_table(layout: Layout, kind: Kind) -> Table | None:
    """The share of each resource's time given to an element (« Temps imparti »).

    One id column per level from the top down to the lowest level with a time field: a row
    for an enjeu leaves the action empty (« vide : tout l'enjeu »).
    """
    niveaux = kind.spec.niveaux
    depths = [i for i, n in enumerate(niveaux) if any(c.type == "temps_imparti" for c in n.champs)]
    if not depths:
        return None
    chain = niveaux[: max(depths) + 1]
    columns = [PLAN]
    for depth, niveau in enumerate(chain):
        column = id_column(niveau)
        if depth:
            column = replace(column, title=f"{column.title} (vide : {_tout(chain[depth - 1])})")
        columns.append(column)
    columns += [RESSOURCE, Column("part", "Part du temps de la ressource (%)", "number")]
    top = id_column(chain[0]).name
    keys = [(["plan_id", top], layout.levels[(kind.id, chain[0].type)].name, ["plan_id", top])]
    if kind.spec.ressources:
        keys.append((["plan_id", "ressource_id"], "ressources", ["plan_id", "ressource_id"]))
    return layout.claim(Table("allocations", "Temps imparti", _unique(columns), foreign_keys=keys), kind)


def layout(trees: Sequence[PlanTree], kinds: Kinds | None = None) -> Layout:
    """The tables of every known kind (`kinds`: the build's, else the built-in ones and the plans')."""
    known = _known_kinds(trees, kinds)
    shared = _shared_tables()
    result = Layout(known, shared, claimed=dict(shared))
    for kind in known:
        for depth, niveau in enumerate(kind.spec.niveaux):
            level_table = _level_table(result, kind, depth)
            result.levels[(kind.id, niveau.type)] = level_table
            partners = _partner_table(result, kind, niveau, level_table)
            if partners is not None:
                result.partner_links[(kind.id, niveau.type)] = partners
        allocations = _allocation_table(result, kind)
        if allocations is not None:
            result.allocations[kind.id] = allocations
    return result


def _emitted(found: Layout, trees: Sequence[PlanTree]) -> dict[str, Table]:
    """The tables of the kinds present, in a stable order: the plans and their registries, each
    kind's levels (each followed by its partner links) and time shares, then the indicators."""
    present = {tree.kind.id for tree in trees}
    ordered: list[Table] = [found.shared[n] for n in ("plans", "annees", "mises_a_jour", "partenaires")]
    if any(k.spec.ressources for k in found.kinds if k.id in present):
        ordered.append(found.shared["ressources"])
    for kind in found.kinds:
        if kind.id not in present:
            continue
        for niveau in kind.spec.niveaux:
            ordered.append(found.levels[(kind.id, niveau.type)])
            if (kind.id, niveau.type) in found.partner_links:
                ordered.append(found.partner_links[(kind.id, niveau.type)])
        if kind.id in found.allocations:
            ordered.append(found.allocations[kind.id])
    ordered += [found.shared["indicateurs"], found.shared["cibles"]]
    return {t.name: t for t in ordered}


# --- Rows ------------------------------------------------------------------------------------


def _indicators(found: Layout, plan_id: str, element: Element) -> None:
    owner = [plan_id, element.type, element.id]
    for position, indicateur in enumerate(element.indicateurs, start=1):
        found.shared["indicateurs"].rows.append([*owner, position, indicateur.id, indicateur.texte])
        _targets(found, [*owner, position], indicateur)


def _targets(found: Layout, key: list[object], indicateur: Indicateur) -> None:
    for number, cible in enumerate(indicateur.cibles, start=1):
        found.shared["cibles"].rows.append(
            [
                *key,
                number,
                _numbers(cible_years(cible)),
                cible.texte,
                target_value(cible),
                cible.unite,
                wording(cible.echeance) or None,
                cible.realise,
                cible.valeur_realisee,
            ]
        )


def _plan_rows(found: Layout, tree: PlanTree) -> None:
    plan = tree.plan
    p = plan.id
    organisme, adoption, contact = plan.organisme, plan.adoption, plan.contact
    found.shared["plans"].rows.append(
        [
            p,
            tree.kind.id,
            plan.programme,
            plan.titre,
            organisme.nom,
            organisme.delegataire,
            organisme.site_web,
            STATUTS_PLAN[plan.statut] if plan.statut else None,
            plan.date_plan,
            plan.date_convention,
            plan.periode.debut if plan.periode else None,
            plan.periode.fin if plan.periode else None,
            adoption.instance if adoption else None,
            adoption.date if adoption else None,
            adoption.resolution if adoption else None,
            contact.nom if contact else None,
            contact.courriel if contact else None,
            contact.telephone if contact else None,
            contact.site_web if contact else None,
            plan.licence,
            plan.source,
            plan.fictif,
            _texts(plan.anciens_ids),
        ]
    )
    for annee in plan.annees:
        found.shared["annees"].rows.append([p, annee.numero, tree.annee_label(annee.numero), annee.debut, annee.fin])
    for position, maj in enumerate(plan.mises_a_jour, start=1):
        found.shared["mises_a_jour"].rows.append([p, position, maj.date, maj.resume, maj.resolution])
    for partenaire in plan.partenaires:
        found.shared["partenaires"].rows.append(
            [p, partenaire.id, partenaire.sigle, partenaire.nom, partenaire.site_web, _texts(partenaire.anciens_ids)]
        )
    if tree.kind.spec.ressources:
        for ressource in getattr(plan, "ressources", None) or []:
            found.shared["ressources"].rows.append(
                [
                    p,
                    ressource.id,
                    ressource.role,
                    STATUTS_RESSOURCE[ressource.statut] if ressource.statut else None,
                    TEMPS[ressource.temps] if ressource.temps else None,
                ]
            )


def _element_rows(found: Layout, tree: PlanTree) -> None:
    p = tree.plan.id
    kind = tree.kind
    registry = {x.id: x for x in tree.plan.partenaires}

    def shown(ids: list[str]) -> str | None:
        # The sigle as the plan writes it, else the name; an unregistered id as is.
        return _texts((registry[i].sigle or registry[i].nom or i) if i in registry else i for i in ids)

    allocations = found.allocations.get(kind.id)
    id_columns = len(allocations.columns) - 3 if allocations else 0  # plan, ids…, ressource, part
    for element in tree.elements:
        niveau = element.niveau
        ids = [*(a.id for a in element.ancestors()), element.id]
        row: list[object] = [p, *ids]
        if not _numbered_by_id_at_top(niveau, element.depth):
            row.append(element.record.numero if niveau.numerotation == "champ" else element.numero)
        for champ in niveau.champs:
            row += field_cells(element, champ, shown)
        row += [_texts(element.anciens_ids), element.libelle, element.url]
        found.levels[(kind.id, niveau.type)].rows.append(row)
        links = found.partner_links.get((kind.id, niveau.type))
        if links is not None:  # the level has a partner field
            roles = _roles(niveau)
            for champ, partner_ids in element.partenaires():
                for position, partenaire in enumerate(partner_ids, start=1):
                    links.rows.append([p, element.id, roles[champ.cle], position, partenaire])
        if allocations is not None:
            padded = (ids + [None] * id_columns)[:id_columns]
            for champ in niveau.champs:
                temps = element.valeur(champ.cle) if champ.type == "temps_imparti" else None
                for allocation in temps.allocations if isinstance(temps, TempsImparti) else []:
                    allocations.rows.append([p, *padded, allocation.ressource, allocation.part])
        _indicators(found, p, element)


def tables(trees: Sequence[PlanTree], kinds: Kinds | None = None) -> dict[str, Table]:
    """Every table of the kinds present, rows in plan id order then file order; a table without
    rows is kept (header only). `kinds`: the kinds the build knows, for stable table names."""
    ordered = sorted(trees, key=lambda t: t.plan.id)
    found = layout(ordered, kinds)
    for tree in ordered:
        _plan_rows(found, tree)
        _element_rows(found, tree)
    return _emitted(found, ordered)


# --- CSV -------------------------------------------------------------------------------------


def number_text(value: float) -> str:
    """A number with a dot and no needless decimals: 4.0 → « 4 », 2.5 → « 2.5 »."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return TRUE_FALSE[0] if value else TRUE_FALSE[1]
    if isinstance(value, float):
        return number_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# A spreadsheet opening a CSV runs a cell starting with one of these as a formula (« CSV
# injection »: =HYPERLINK to a hostile site, =cmd|… on old Excel). OWASP's defence: such a
# text cell starts with an apostrophe, which spreadsheets show as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A text that is only a number (« -5 % », « -2,5 ») cannot be a formula: it stays readable.
_PLAIN_NUMBER = re.compile(r"[+-]?\d[\d\u00a0\u202f .,]*%?")


def csv_cell(value: object) -> str:
    """The CSV text of a cell: numbers, dates and booleans as `cell_text`, text neutralised."""
    text = cell_text(value)
    if isinstance(value, str) and text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_bytes(table: Table) -> bytes:
    """RFC 4180 CSV in UTF-8 with a byte order mark (Excel then reads the accents right)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=",", quotechar='"', lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.title for c in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


# --- XLSX ------------------------------------------------------------------------------------


def _suivi_dates(value: object) -> Iterator[dt.date]:
    """The dates of every follow-up in a record and the records under it, whatever its kind."""
    if isinstance(value, Suivi):
        if value.date:
            yield value.date
    elif isinstance(value, BaseModel):
        for _name, field_value in public_fields(value):
            yield from _suivi_dates(field_value)
    elif isinstance(value, list):
        for item in value:
            yield from _suivi_dates(item)


def stamp(plans: Sequence[PlanBase]) -> dt.datetime:
    """The workbook's created and modified date: the latest date the plans give, never the clock."""
    dates: list[dt.date] = []
    for plan in plans:
        dates += [d for d in (plan.date_plan, plan.date_convention) if d]
        dates += [m.date for m in plan.mises_a_jour]
        if plan.adoption:
            dates.append(plan.adoption.date)
        dates += _suivi_dates(plan)
    if not dates:
        return EPOCH
    return max(EPOCH, dt.datetime.combine(max(dates), dt.time()))


def workbook_bytes(workbook: Workbook, moment: dt.datetime) -> bytes:
    """Save a workbook reproducibly: fixed document dates and fixed dates inside the zip.

    openpyxl's own `save` stamps the clock into docProps/core.xml and zipfile stamps every
    member with the current time; both are replaced by `moment`.
    """
    workbook.properties.created = moment
    workbook.properties.modified = moment
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    out = io.BytesIO()
    stamp_tuple = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp_tuple)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            target.writestr(member, source.read(info.filename))
    return out.getvalue()


def _width(values: Iterable[object]) -> float:
    longest = max((len(cell_text(v)) for v in values), default=0)
    return float(min(max(longest + 2, 8), 60))


def put(sheet: Any, row: int, column: int, value: object) -> Any:
    """Write one cell; text always stays text.

    openpyxl would store « =… » as a formula: plan text is data, never a formula. Control
    characters that XML 1.0 cannot hold are dropped rather than failing the export, and
    text is cut at the 32 767 characters a spreadsheet cell holds.
    """
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX]
        cell.data_type = "s"
    else:
        cell.value = value
    return cell


def _text_cell(sheet: Any, value: object) -> Any:
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value)[:CELL_MAX] if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def xlsx_bytes(tables: dict[str, Table], moment: dt.datetime = EPOCH) -> bytes:
    """One sheet per table: French header in bold, frozen, with a filter; typed cells.

    Written in openpyxl's write-only mode: rows stream to the file instead of living as cell
    objects until the end of the build (about 140 000 cells at 100 plans).
    """
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Plan ouvert"
    workbook.properties.title = "Plans d'action en données ouvertes"
    workbook.properties.language = "fr-CA"
    bold = Font(name="Calibri", bold=True)
    for table in tables.values():
        sheet = workbook.create_sheet(table.title[:31])
        for index, column in enumerate(table.columns, start=1):
            values = [column.title, *(r[index - 1] for r in table.rows)]
            width = 12.0 if column.type == "date" else _width(values)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        last = get_column_letter(len(table.columns))
        sheet.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 2)}"
        header = []
        for column in table.columns:
            cell = _text_cell(sheet, column.title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        dates = [i for i, c in enumerate(table.columns) if c.type == "date"]
        for row in table.rows:
            cells = [_text_cell(sheet, value) for value in row]
            for i in dates:
                cells[i].number_format = DATE_FORMAT
            sheet.append(cells)
    return workbook_bytes(workbook, moment)


# --- Data Package ----------------------------------------------------------------------------


def _field(column: Column) -> dict[str, Any]:
    # The CSV header is the French title, and Frictionless checks each header against the
    # field `name`: so `name` is the French title (what validates), `title` repeats it for
    # readers, and the snake_case id a program would use lives in `nom_technique`.
    described: dict[str, Any] = {"name": column.title, "title": column.title, "type": column.type}
    if column.type == "date":
        described["format"] = "default"  # ISO 8601: AAAA-MM-JJ
    if column.type == "boolean":
        described["trueValues"] = [TRUE_FALSE[0]]
        described["falseValues"] = [TRUE_FALSE[1]]
    described["nom_technique"] = column.name
    return described


def _titles(table: Table, names: list[str]) -> list[str]:
    by_name = {c.name: c.title for c in table.columns}
    return [by_name[n] for n in names]


def _datetime(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _licence(identifier: str) -> dict[str, str]:
    """A Data Package licence: its SPDX name, its canonical address and title when known."""
    known = licences.find(identifier)
    if known is None:
        return {"name": identifier, "title": identifier}
    return {"name": known.id, "path": known.url, "title": known.titre}


def _package_facts(package: dict[str, Any], plans: Sequence[PlanBase]) -> None:
    """The facts the DCAT catalogue gives too: keywords, period, territory, dates, publishers."""
    words = ["plan d'action", *(p.organisme.nom for p in plans), *(r for r in map(dcat.region, plans) if r)]
    words += [p.programme for p in plans if p.programme]
    package["keywords"] = sorted(set(words))
    periods = [t for t in (dcat.temporal(p) for p in plans) if t]
    if periods:
        package["temporal"] = {
            "start": min(t["dcat:startDate"]["@value"] for t in periods),
            "end": max(t["dcat:endDate"]["@value"] for t in periods),
        }
    places = [
        {
            k: v
            for k, v in (
                ("organisme", p.organisme.nom),
                ("region", dcat.region(p)),
                ("code_geographique", dcat.geographic_code(p)),
            )
            if v
        }
        for p in plans
        if dcat.region(p) or dcat.geographic_code(p)
    ]
    if places:
        package["spatial"] = places
    first = [d for d in map(dcat.issued, plans) if d]
    last = [d for d in map(dcat.modified, plans) if d]
    if first:
        package["created"] = _datetime(min(first))
    if last:
        package["modified"] = _datetime(max(last))
    publishers = sorted({p.organisme.nom for p in plans})
    package["contributors"] = [{"title": name, "role": "publisher"} for name in publishers]


def datapackage(tables: dict[str, Table], plans: Sequence[PlanBase], licence: str | None = None) -> dict[str, Any]:
    """A Frictionless Data Package (v1) describing the CSV files in csv/.

    `licence`: the site's default licence, for the plans that name none.
    """
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "plan-ouvert",
        "title": "Plans d'action municipaux en données ouvertes",
    }
    licences_of = {p.id: dcat.licence_of(p, licence) for p in plans}
    described = ", ".join(sorted({p.id for p in plans}))
    if plans and all(licences_of.values()):
        distinct = sorted({x for x in licences_of.values() if x})
        package["licenses"] = [_licence(x) for x in distinct]
        package["description"] = f"Données publiques des plans : {described}."
        if len(distinct) > 1:
            each = " ; ".join(f"{key} : {value}" for key, value in sorted(licences_of.items()))
            package["description"] += f" Chaque plan a sa propre licence ({each})."
    else:
        package["description"] = (
            f"Données publiques des plans : {described}. La licence des données n'est pas précisée "
            "pour tous les plans : renseignez-vous auprès de l'organisme avant de les réutiliser."
        )
    _package_facts(package, plans)
    package["description"] += (
        " Dans les fichiers CSV, un texte qui commence par =, +, -, @, une tabulation ou un retour "
        "de chariot est précédé d'une apostrophe ('), pour qu'un tableur ne le prenne pas pour une formule."
        f" La colonne « {URL.title} » donne l'adresse de la page de chaque élément sur le site du portail."
    )
    resources = []
    for table in tables.values():
        schema: dict[str, Any] = {
            "fields": [_field(c) for c in table.columns],
            "missingValues": [""],
        }
        if table.primary_key:
            schema["primaryKey"] = _titles(table, table.primary_key)
        if table.foreign_keys:
            schema["foreignKeys"] = [
                {
                    "fields": _titles(table, columns),
                    "reference": {"resource": other, "fields": _titles(tables[other], referenced)},
                }
                for columns, other, referenced in table.foreign_keys
            ]
        resources.append(
            {
                "profile": "tabular-data-resource",
                "name": table.name,
                "title": table.title,
                "path": f"csv/{table.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "dialect": {
                    "delimiter": ",",
                    "lineTerminator": "\r\n",
                    "quoteChar": '"',
                    "doubleQuote": True,
                    "header": True,
                },
                "schema": schema,
            }
        )
    package["resources"] = resources
    return package


# --- Files and command -----------------------------------------------------------------------


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_all(
    trees: Sequence[PlanTree], folder: Path, kinds: Kinds | None = None, licence: str | None = None
) -> list[Path]:
    """Write csv/<table>.csv, plans.xlsx, plans.json and datapackage.json; return the paths.

    `kinds`: the kinds the build knows (built in and plans/types/), which fix the tables' names;
    `licence`: the site's default licence, for plans that name none.
    """
    ordered = sorted(trees, key=lambda t: t.plan.id)
    plans = [t.plan for t in ordered]
    found = tables(ordered, kinds)
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    files: dict[Path, bytes] = {folder / "csv" / f"{t.name}.csv": csv_bytes(t) for t in found.values()}
    files[folder / "plans.xlsx"] = xlsx_bytes(found, stamp(plans))
    files[folder / "plans.json"] = _json([public_data(p) for p in plans])
    files[folder / "datapackage.json"] = _json(datapackage(found, plans, licence))
    for path, data in files.items():
        path.write_bytes(data)
    return list(files)
