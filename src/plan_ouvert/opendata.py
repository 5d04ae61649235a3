"""Open data: the public fields of every plan as CSV tables, one XLSX workbook and a Data Package.

One table per kind of record, across all plans; each row carries `plan_id` and the ids of its
parents, so that the tables join without the YAML. Text columns keep the source wording. No
`prive` mapping is ever read here: the tables are built field by field from public fields,
and `plans.json` goes through `export.public_data`.

Every file is a pure function of the plans (no clock, no machine state): two exports of the
same plans are byte for byte identical, so that a commit of the data shows only real changes.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .catalogue import load_catalogue
from .echeance import wording
from .export import public_data
from .libelles import STATUTS_PLAN, STATUTS_RESSOURCE, STATUTS_SUIVI, TEMPS
from .model import AnyPlan, Indicateur, PlanPAC, PlanPIAR, Suivi, TempsImparti
from .pages import action_number
from .rules.pac import cible_years, years_of
from .suivi import target_value, year_label

LIST_SEPARATOR = " ; "  # between texts in one cell (texts may hold commas)
NUMBER_SEPARATOR = ", "  # between numbers in one cell: « 1, 2 »
TRUE_FALSE = ("oui", "non")  # booleans in CSV, declared in the Data Package schema
DATE_FORMAT = "yyyy-mm-dd"
CELL_MAX = 32767  # characters in one spreadsheet cell
# The zip format cannot store dates before 1980: the stamp of a workbook without any date.
EPOCH = dt.datetime(1980, 1, 1)
LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
    "OGL-Canada-2.0": "https://open.canada.ca/fr/licence-du-gouvernement-ouvert-canada",
}


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


# Columns shared by several tables keep one title, so that keys join on the same header.
PLAN = Column("plan_id", "Identifiant du plan")
ENJEU = Column("enjeu_id", "Identifiant de l'enjeu")
ACTION = Column("action_id", "Identifiant de l'action")
RESSOURCE = Column("ressource_id", "Identifiant de la ressource")
OBJECTIF = Column("objectif_id", "Identifiant de l'objectif spécifique")
MOYEN = Column("moyen_id", "Identifiant du moyen d'action")
PARTENAIRE = Column("partenaire_id", "Identifiant du partenaire")
TYPE_ELEMENT = Column("type_element", "Type d'élément (enjeu ou moyen)")
ELEMENT = Column("element_id", "Identifiant de l'élément")
POSITION_INDICATEUR = Column("indicateur_position", "Position de l'indicateur", "integer")
ECHEANCE = Column("echeance", "Échéance (texte de la source)")
ANNEES = Column("annees", "Années du plan visées")
TEMPS_IMPARTI = Column("temps_imparti", "Temps imparti (texte de la source)")
ANCIENS_IDS = Column("anciens_ids", "Anciens identifiants")
SUIVI = [
    Column("suivi_statut", "Statut du suivi"),
    Column("suivi_date", "Date du suivi", "date"),
    Column("suivi_commentaire", "Commentaire du suivi"),
]


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


def _temps(temps: TempsImparti | None) -> str | None:
    return temps.texte if temps else None


def _empty_tables() -> dict[str, Table]:
    definitions = [
        Table(
            "plans",
            "Plans",
            [
                PLAN,
                Column("gabarit", "Gabarit (piar ou pac)"),
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
            "enjeux",
            "Enjeux",
            [
                PLAN,
                ENJEU,
                Column("enonce", "Énoncé de l'enjeu"),
                Column("objectifs_generaux", "Objectifs généraux du programme"),
                Column("axes", "Axes d'intervention du programme"),
                Column("objectifs", "Objectifs à atteindre"),
                TEMPS_IMPARTI,
                ANCIENS_IDS,
            ],
            primary_key=["plan_id", "enjeu_id"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "actions",
            "Actions",
            [
                PLAN,
                ENJEU,
                ACTION,
                Column("numero", "Numéro de l'action"),
                Column("texte", "Action"),
                ECHEANCE,
                TEMPS_IMPARTI,
                *SUIVI,
                ANCIENS_IDS,
            ],
            primary_key=["plan_id", "action_id"],
            foreign_keys=[(["plan_id", "enjeu_id"], "enjeux", ["plan_id", "enjeu_id"])],
        ),
        Table(
            "allocations",
            "Temps imparti",
            [
                PLAN,
                ENJEU,
                Column("action_id", "Identifiant de l'action (vide : tout l'enjeu)"),
                RESSOURCE,
                Column("part", "Part du temps de la ressource (%)", "number"),
            ],
            foreign_keys=[
                (["plan_id", "enjeu_id"], "enjeux", ["plan_id", "enjeu_id"]),
                (["plan_id", "ressource_id"], "ressources", ["plan_id", "ressource_id"]),
            ],
        ),
        Table(
            "objectifs_specifiques",
            "Objectifs spécifiques",
            [
                PLAN,
                OBJECTIF,
                Column("numero", "Numéro de l'objectif spécifique", "integer"),
                Column("titre", "Libellé de l'objectif spécifique"),
                ANCIENS_IDS,
            ],
            primary_key=["plan_id", "objectif_id"],
            foreign_keys=[(["plan_id"], "plans", ["plan_id"])],
        ),
        Table(
            "moyens",
            "Moyens d'action",
            [
                PLAN,
                OBJECTIF,
                MOYEN,
                Column("numero", "Numéro du moyen d'action"),
                Column("texte", "Moyen d'action"),
                Column("porteurs", "Porteurs"),
                Column("collaborateurs", "Collaborateurs"),
                Column("resultats_attendus", "Résultats attendus"),
                ECHEANCE,
                ANNEES,
                Column("clientele", "Clientèle visée"),
                Column("commentaires", "Commentaires"),
                *SUIVI,
                ANCIENS_IDS,
            ],
            primary_key=["plan_id", "moyen_id"],
            foreign_keys=[(["plan_id", "objectif_id"], "objectifs_specifiques", ["plan_id", "objectif_id"])],
        ),
        Table(
            "moyens_partenaires",
            "Porteurs et collaborateurs",
            [
                PLAN,
                MOYEN,
                Column("role", "Rôle (porteur ou collaborateur)"),
                Column("position", "Position", "integer"),
                PARTENAIRE,
            ],
            primary_key=["plan_id", "moyen_id", "role", "position"],
            # No key to `partenaires`: a partner missing from the registry is only a warning.
            foreign_keys=[(["plan_id", "moyen_id"], "moyens", ["plan_id", "moyen_id"])],
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


def _indicators(found: dict[str, Table], plan_id: str, kind: str, owner: str, items: list[Indicateur]) -> None:
    for position, indicateur in enumerate(items, start=1):
        found["indicateurs"].rows.append([plan_id, kind, owner, position, indicateur.id, indicateur.texte])
        for number, cible in enumerate(indicateur.cibles, start=1):
            found["cibles"].rows.append(
                [
                    plan_id,
                    kind,
                    owner,
                    position,
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


def _plan_rows(found: dict[str, Table], plan: AnyPlan) -> None:
    p = plan.id
    organisme, adoption, contact = plan.organisme, plan.adoption, plan.contact
    found["plans"].rows.append(
        [
            p,
            plan.gabarit,
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
        found["annees"].rows.append([p, annee.numero, year_label(plan, annee.numero), annee.debut, annee.fin])
    for position, maj in enumerate(plan.mises_a_jour, start=1):
        found["mises_a_jour"].rows.append([p, position, maj.date, maj.resume, maj.resolution])
    for partenaire in plan.partenaires:
        found["partenaires"].rows.append(
            [p, partenaire.id, partenaire.sigle, partenaire.nom, partenaire.site_web, _texts(partenaire.anciens_ids)]
        )


def _piar_rows(found: dict[str, Table], plan: PlanPIAR) -> None:
    p = plan.id
    for ressource in plan.ressources:
        found["ressources"].rows.append(
            [
                p,
                ressource.id,
                ressource.role,
                STATUTS_RESSOURCE[ressource.statut] if ressource.statut else None,
                TEMPS[ressource.temps] if ressource.temps else None,
            ]
        )
    for enjeu in plan.enjeux:
        found["enjeux"].rows.append(
            [
                p,
                enjeu.id,
                enjeu.enonce,
                _numbers(enjeu.objectifs_generaux),
                _numbers(enjeu.axes),
                _texts(enjeu.objectifs),
                _temps(enjeu.temps_imparti),
                _texts(enjeu.anciens_ids),
            ]
        )
        if enjeu.temps_imparti:
            for allocation in enjeu.temps_imparti.allocations:
                found["allocations"].rows.append([p, enjeu.id, None, allocation.ressource, allocation.part])
        for action in enjeu.actions:
            found["actions"].rows.append(
                [
                    p,
                    enjeu.id,
                    action.id,
                    action_number(action.id),
                    action.texte,
                    wording(action.echeance) or None,
                    _temps(action.temps_imparti),
                    *_suivi(action.suivi),
                    _texts(action.anciens_ids),
                ]
            )
            if action.temps_imparti:
                for allocation in action.temps_imparti.allocations:
                    found["allocations"].rows.append([p, enjeu.id, action.id, allocation.ressource, allocation.part])
        _indicators(found, p, "enjeu", enjeu.id, enjeu.indicateurs)


def _pac_rows(found: dict[str, Table], plan: PlanPAC) -> None:
    p = plan.id
    registry = {x.id: x for x in plan.partenaires}

    def shown(ids: list[str]) -> str | None:
        # The sigle as the plan writes it, else the name; an unregistered id as is.
        return _texts((registry[i].sigle or registry[i].nom or i) if i in registry else i for i in ids)

    for objectif in plan.objectifs_specifiques:
        found["objectifs_specifiques"].rows.append(
            [p, objectif.id, objectif.numero, objectif.titre, _texts(objectif.anciens_ids)]
        )
        for moyen in objectif.moyens:
            found["moyens"].rows.append(
                [
                    p,
                    objectif.id,
                    moyen.id,
                    action_number(moyen.id),
                    moyen.texte,
                    shown(moyen.porteurs),
                    shown(moyen.collaborateurs),
                    _texts(moyen.resultats_attendus),
                    wording(moyen.echeance) or None,
                    _numbers(years_of(moyen)),
                    _texts(moyen.clientele),
                    moyen.commentaires,
                    *_suivi(moyen.suivi),
                    _texts(moyen.anciens_ids),
                ]
            )
            for role, ids in (("porteur", moyen.porteurs), ("collaborateur", moyen.collaborateurs)):
                for position, partenaire in enumerate(ids, start=1):
                    found["moyens_partenaires"].rows.append([p, moyen.id, role, position, partenaire])
            _indicators(found, p, "moyen", moyen.id, moyen.indicateurs)


def tables(plans: Sequence[AnyPlan]) -> dict[str, Table]:
    """Every table, rows in plan id order then file order; empty tables are kept (header only)."""
    found = _empty_tables()
    for plan in sorted(plans, key=lambda x: x.id):
        _plan_rows(found, plan)
        if isinstance(plan, PlanPIAR):
            _piar_rows(found, plan)
        else:
            _pac_rows(found, plan)
    return found


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


def stamp(plans: Sequence[AnyPlan]) -> dt.datetime:
    """The workbook's created and modified date: the latest date the plans give, never the clock."""
    dates: list[dt.date] = []
    for plan in plans:
        dates += [d for d in (plan.date_plan, plan.date_convention) if d]
        dates += [m.date for m in plan.mises_a_jour]
        if plan.adoption:
            dates.append(plan.adoption.date)
        suivis = (
            [a.suivi for e in plan.enjeux for a in e.actions]
            if isinstance(plan, PlanPIAR)
            else [m.suivi for o in plan.objectifs_specifiques for m in o.moyens]
        )
        dates += [s.date for s in suivis if s and s.date]
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


def datapackage(tables: dict[str, Table], plans: Sequence[AnyPlan]) -> dict[str, Any]:
    """A Frictionless Data Package (v1) describing the CSV files in csv/."""
    package: dict[str, Any] = {
        "profile": "tabular-data-package",
        "name": "plan-ouvert",
        "title": "Plans d'action municipaux en données ouvertes",
    }
    licences = [p.licence for p in plans]
    described = ", ".join(sorted({p.id for p in plans}))
    if plans and all(licences):
        distinct = sorted({x for x in licences if x})
        package["licenses"] = [
            {"name": x, "title": x, **({"path": LICENCE_URLS[x]} if x in LICENCE_URLS else {})} for x in distinct
        ]
        package["description"] = f"Données publiques des plans : {described}."
        if len(distinct) > 1:
            each = " ; ".join(f"{p.id} : {p.licence}" for p in sorted(plans, key=lambda x: x.id))
            package["description"] += f" Chaque plan a sa propre licence ({each})."
    else:
        package["description"] = (
            f"Données publiques des plans : {described}. La licence des données n'est pas précisée "
            "pour tous les plans : renseignez-vous auprès de l'organisme avant de les réutiliser."
        )
    package["description"] += (
        " Dans les fichiers CSV, un texte qui commence par =, +, -, @, une tabulation ou un retour "
        "de chariot est précédé d'une apostrophe ('), pour qu'un tableur ne le prenne pas pour une formule."
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


def write_all(plans: Sequence[AnyPlan], folder: Path) -> list[Path]:
    """Write csv/<table>.csv, plans.xlsx, plans.json and datapackage.json; return the paths."""
    ordered = sorted(plans, key=lambda x: x.id)
    found = tables(ordered)
    (folder / "csv").mkdir(parents=True, exist_ok=True)
    files: dict[Path, bytes] = {folder / "csv" / f"{t.name}.csv": csv_bytes(t) for t in found.values()}
    files[folder / "plans.xlsx"] = xlsx_bytes(found, stamp(ordered))
    files[folder / "plans.json"] = _json([public_data(p) for p in ordered])
    files[folder / "datapackage.json"] = _json(datapackage(found, ordered))
    for path, data in files.items():
        path.write_bytes(data)
    return list(files)


def command(args: argparse.Namespace) -> int:
    """`plan-ouvert exporter [--sortie DOSSIER] [CHEMIN...]`: args.chemins, args.sortie."""
    catalogue = load_catalogue([Path(p) for p in args.chemins] or [Path("plans")])
    errors = catalogue.errors()
    for finding in errors:
        print(finding.format(), file=sys.stderr)
    if catalogue.unreadable:
        print(
            "exportation annulée : un fichier ou un dossier est illisible ou introuvable (voir ci-dessus).",
            file=sys.stderr,
        )
        return 2
    if errors:
        print(f"exportation annulée : {len(errors)} erreur(s) dans les plans (voir ci-dessus).", file=sys.stderr)
        return 1
    if not catalogue.entries:
        print("exportation annulée : aucun plan trouvé.", file=sys.stderr)
        return 2
    for path in write_all(catalogue.plans, Path(args.sortie)):
        print(f"écrit : {path}")
    count = len(catalogue.entries)
    print(
        f"{count} plan{'s' if count > 1 else ''} exporté{'s' if count > 1 else ''} dans {args.sortie}.", file=sys.stderr
    )
    return 0
