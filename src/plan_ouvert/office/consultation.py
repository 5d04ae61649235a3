"""`plan-ouvert consultation importer`: the export of a form tool in, the consultation file out.

The export (CSV or XLSX, from Microsoft Forms, LimeSurvey or any form) holds personal
information: names, e-mail addresses, sometimes an address or a telephone number typed into a
comment. None of it goes further than this module. Each response keeps only the element it is
about, its themes and, when its author consented to publication, its comment with personal
information removed. The names the form collected are used to scrub the comments, then dropped.

Nothing is written unless the whole file was read and belongs to the plan: a bad file gives a
French message and exit code 2.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from plan_ouvert.checks.catalogue import load_catalogue
from plan_ouvert.office.resultat import ImportFailure
from plan_ouvert.source import consultation as source
from plan_ouvert.source.tree import PlanTree
from plan_ouvert.source.urls import slug
from plan_ouvert.views.consultation import PLAN_ENTIER, anonymise

EXIT_OK, EXIT_UNREADABLE = 0, 2
MAX_BYTES = 50_000_000

# The fields a column can hold. « nom » and « personnel » are read only to be dropped (a name
# also scrubs the comments); « ignorer » is any column of no use here.
FIELDS = ("element", "titre", "plan", "avis", "consentement", "theme", "date", "nom", "personnel", "ignorer")
FIELD_HELP = (
    "element (référence de l'élément), titre, plan, avis (commentaire), consentement, theme, date, "
    "nom, personnel (courriel, téléphone…), ignorer"
)

# How the exports of Microsoft Forms and LimeSurvey (French or English interface) name their own
# columns, and the words that recognise the questions of a consultation form. Headers are compared
# without accents or case, and the first rule whose words open (or, for « contains », appear in)
# the header wins.
EXPORTS = {
    "forms": {"id", "heure de debut", "heure de fin", "start time", "completion time", "adresse de messagerie"},
    "limesurvey": {
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "date de soumission",
        "derniere page",
        "reponse id",
        "langue de depart",
        "date submitted",
        "last page",
        "start language",
    },
}
_CONTAINS = [
    ("consentement", ("consent", "publier", "publie", "publication", "j'accepte", "i agree")),
    (
        "personnel",
        (
            "courriel",
            "e-mail",
            "email",
            "adresse de messagerie",
            "telephone",
            "phone",
            "code postal",
            "postal code",
            "adresse",
            "address",
        ),
    ),
]
_OPENS = [
    ("titre", ("titre", "title")),
    ("element", ("element", "reference", "ref", "action visee", "quel element", "section du plan")),
    ("plan", ("plan",)),
    ("theme", ("theme", "sujet", "topic")),
    ("nom", ("nom", "prenom", "name", "first name", "last name", "firstname", "lastname", "votre nom")),
    ("date", ("heure de fin", "completion time", "submitdate", "date de soumission", "date submitted")),
    ("avis", ("avis", "votre avis", "commentaire", "comment", "opinion", "suggestion", "reponse", "texte")),
]
_YES = {"oui", "yes", "y", "o", "vrai", "true", "1", "x", "j'accepte", "accepte", "d'accord", "je consens", "a1"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text).replace("’", "'"))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def consented(value: str) -> bool:
    folded = _fold(value).rstrip(".!")
    return folded in _YES or folded.startswith(("oui", "yes", "j'accepte", "i agree", "je consens", "d'accord"))


# --- Reading the export -----------------------------------------------------------------------------


@dataclass
class Table:
    display: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line or row number in the file, cells)
    unit: str  # « ligne » (CSV) or « rangée » (XLSX)


def _decode(raw: bytes, display: str) -> str:
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8-sig" or raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return text
    return raw.decode("cp1252", errors="replace")  # Excel's « CSV » on Windows


def read_csv(path: Path, display: str) -> Table:
    raw = path.read_bytes()
    text = _decode(raw, display)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        start = 1
        for cells in reader:
            if header is None:
                header = [c.strip() for c in cells]
            elif any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFailure(f"{display}:{reader.line_num} : CSV illisible ({exc}).") from None
    return Table(display, header or [], rows, "ligne")


def read_xlsx(path: Path, display: str) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise ImportFailure(f"{display} : ce n'est pas un classeur Excel lisible (.xlsx).") from None
    try:
        sheet = book.worksheets[0]
        values = [["" if v is None else _cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    header = [c.strip() for c in values[0]] if values else []
    rows = [(number, cells) for number, cells in enumerate(values[1:], start=2) if any(c.strip() for c in cells)]
    return Table(display, header, rows, "rangée")


def _cell(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(path: Path, display: str) -> Table:
    if not path.is_file():
        raise ImportFailure(f"{display} : fichier introuvable.")
    if path.stat().st_size > MAX_BYTES:
        raise ImportFailure(f"{display} : fichier trop gros (plus de 50 Mo) pour un export de formulaire.")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = read_csv(path, display)
    elif suffix in (".xlsx", ".xlsm"):
        table = read_xlsx(path, display)
    else:
        raise ImportFailure(f"{display} : format non pris en charge ; attendu l'export du formulaire en .csv ou .xlsx.")
    if not any(table.header) or not table.rows:
        raise ImportFailure(
            f"{display} : fichier vide ; attendu une ligne d'en-têtes puis une ligne par réponse (l'export complet "
            "du formulaire)."
        )
    return table


# --- Columns ------------------------------------------------------------------------------------------


def parse_mapping(text: str) -> dict[str, str]:
    """« En-tête=champ,Autre en-tête=champ » → {folded header: field}."""
    mapping: dict[str, str] = {}
    for part in (p for p in text.split(",") if p.strip()):
        header, equals, name = part.rpartition("=")
        name = _fold(name)
        if not equals or not header.strip() or name not in FIELDS:
            raise ImportFailure(
                f"--colonnes : « {part.strip()} » ne se lit pas ; écrivez « En-tête=champ », le champ parmi : "
                f"{FIELD_HELP}."
            )
        mapping[_fold(header)] = name
    return mapping


def detect_export(header: list[str]) -> str | None:
    folded = {_fold(h) for h in header}
    for name, marks in EXPORTS.items():
        if len(folded & marks) >= 2:
            return name
    return None


# The tools' own columns that mean something here; their others (ID, heure de début, seed…) are
# of no use and are ignored, whatever words they hold.
_TOOL_COLUMNS = {
    "heure de fin": "date",
    "completion time": "date",
    "submitdate": "date",
    "date de soumission": "date",
    "date submitted": "date",
    "adresse de messagerie": "personnel",
}


def _ready_field(folded: str) -> str:
    if folded in _TOOL_COLUMNS:
        return _TOOL_COLUMNS[folded]
    if folded in EXPORTS["forms"] | EXPORTS["limesurvey"]:
        return "ignorer"
    for name, words in _CONTAINS:
        if any(w in folded for w in words):
            return name
    for name, words in _OPENS:
        if any(re.match(rf"{re.escape(w)}\b", folded) for w in words):
            return name
    return "ignorer"


def column_fields(header: list[str], mapping: dict[str, str]) -> list[str]:
    """The field of each column: the given mapping first, then the ready rules."""
    return [mapping.get(_fold(name)) or _ready_field(_fold(name)) for name in header]


# --- Responses ----------------------------------------------------------------------------------------


@dataclass
class Imported:
    reponses: list[source.Reponse]
    themes: dict[str, str]  # id → libellé, for themes read from a column
    dates: list[dt.date] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # report lines: references the plan does not know
    export: str | None = None


def _values(cells: list[str], fields: list[str], name: str) -> list[str]:
    return [cells[i].strip() for i, f in enumerate(fields) if f == name and i < len(cells) and cells[i].strip()]


def _date(text: str) -> dt.date | None:
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", text) or re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if not match:
        return None
    try:
        if "-" in match.group(0):
            return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        return dt.date(int(match.group(3)), int(match.group(1)), int(match.group(2)))  # Forms: M/D/YYYY
    except ValueError:
        return None


def read_responses(
    table: Table, tree: PlanTree, mapping: dict[str, str], known: dict[str, str] | None = None
) -> Imported:
    """Each row a response. `known`: the themes the file already lists (id → libellé), which a
    theme column names by their id or their libellé."""
    fields = column_fields(table.header, mapping)
    by_words = {_fold(label): ident for ident, label in (known or {}).items()} | {_fold(i): i for i in known or {}}
    if "avis" not in fields:
        found = ", ".join(f"« {h} »" for h in table.header if h) or "aucun"
        raise ImportFailure(
            f"{table.display}:1 : aucune colonne d'avis (commentaire) parmi les en-têtes : {found}. Nommez les "
            'colonnes avec --colonnes, par exemple --colonnes "Votre commentaire=avis,Élément=element,'
            "J'accepte la publication=consentement\"."
        )
    names = [" ".join(_values(cells, fields, "nom")) for _, cells in table.rows]
    _check_plan(table, fields, tree)
    imported = Imported([], {}, export=detect_export(table.header))
    for position, (line, cells) in enumerate(table.rows, start=1):
        ref = " ".join(_values(cells, fields, "element")) or None
        element = source.find_element(tree, ref)
        if ref and element is None and _fold(ref) not in (_fold(PLAN_ENTIER), "plan", "le plan"):
            column = fields.index("element") + 1
            imported.unknown.append(
                f"{table.display}:{line}:{column} : référence inconnue « {anonymise(ref, names)} » ({table.unit} "
                f"{line}) : la réponse {position} compte pour le plan dans son ensemble."
            )
        themes = []
        for value in _values(cells, fields, "theme"):
            for label in (t.strip() for t in re.split(r"[;,]", value) if t.strip()):
                ident = by_words.get(_fold(label)) or slug(label)[:60].strip("-") or "theme"
                if ident not in (known or {}):
                    imported.themes.setdefault(ident, label)
                themes.append(ident)
        text = "\n".join(_values(cells, fields, "avis"))
        agreed = any(consented(v) for v in _values(cells, fields, "consentement"))
        quote = anonymise(text, names) if agreed and text else None
        imported.reponses.append(
            source.Reponse(
                numero=position,
                element=source.reference(element) if element else (anonymise(ref, names)[:200] if ref else None),
                themes=list(dict.fromkeys(themes)),
                citation=quote or None,
            )
        )
        day = next((d for d in map(_date, _values(cells, fields, "date")) if d), None)
        if day:
            imported.dates.append(day)
    return imported


def _check_plan(table: Table, fields: list[str], tree: PlanTree) -> None:
    """A response file for another plan is refused: by its plan column, else by the titles the
    links prefilled, else because none of its references is an element of this plan."""
    plan = tree.plan
    accepted = {_fold(plan.id), _fold(plan.titre)}
    for line, cells in table.rows:
        for value in _values(cells, fields, "plan"):
            if _fold(value) not in accepted:
                raise ImportFailure(
                    f"{table.display}:{line} : cette réponse vise le plan « {value} », pas « {plan.id} » : ce fichier "
                    "de réponses est celui d'une autre consultation. Vérifiez --plan."
                )
    pairs = []
    for _, cells in table.rows:
        refs, titles = _values(cells, fields, "element"), _values(cells, fields, "titre")
        element = source.find_element(tree, " ".join(refs)) if refs else None
        if element is not None and titles:
            wanted = {_fold(element.titre), _fold(element.texte or ""), _fold(source.title(element)), _fold(plan.titre)}
            pairs.append(_fold(" ".join(titles)) in wanted)
    refs = [" ".join(r) for r in (_values(c, fields, "element") for _, c in table.rows) if r]
    known = [r for r in refs if source.find_element(tree, r) is not None]
    if (pairs and not any(pairs)) or (refs and not known and len(refs) >= 2):
        raise ImportFailure(
            f"{table.display} : aucune réponse ne correspond aux éléments du plan « {plan.id} » (références ou titres "
            "différents) : ce fichier semble être celui d'une autre consultation. Vérifiez --plan."
        )


# --- Writing the consultation file ------------------------------------------------------------------


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def responses_yaml(imported: Imported, previous: source.Consultation | None) -> str:
    """The `reponses:` section (last in the file), and the themes read from a column."""
    kept = {r.numero: r.themes for r in previous.reponses} if previous else {}
    lines = [
        "# Écrit par « plan-ouvert consultation importer » : une entrée par réponse, sans nom ni coordonnées ;",
        "# la citation seulement si la personne a consenti à sa publication, renseignements personnels retirés.",
        "# Les thèmes peuvent être attribués ici à la main (identifiants de « themes »).",
        "reponses:",
    ]
    for r in imported.reponses:
        themes = r.themes or kept.get(r.numero, [])
        lines.append(f"  - numero: {r.numero}")
        if r.element:
            lines.append(f"    element: {_q(r.element)}")
        if themes:
            lines.append(f"    themes: [{', '.join(themes)}]")
        if r.citation:
            lines.append(f"    citation: {_q(r.citation)}")
    if not imported.reponses:
        lines[-1] = "reponses: []"
    return "\n".join(lines) + "\n"


def consultation_text(
    plan_id: str, existing: str | None, imported: Imported, previous: source.Consultation | None
) -> str:
    if existing is not None:
        match = re.search(r"^(?:#[^\n]*\n)*reponses:", existing, re.MULTILINE)
        head = existing[: match.start()] if match else existing.rstrip("\n") + "\n"
        head = head if head.endswith("\n") else head + "\n"
        theme_block = _new_themes(imported, previous)
        if theme_block and re.search(r"^themes:", head, re.MULTILINE):
            theme_block = ""  # the editor's list stays as written: unknown themes are reported
        return head + theme_block + responses_yaml(imported, previous)
    first = min(imported.dates) if imported.dates else dt.date.today()
    last = max(imported.dates) if imported.dates else dt.date.today()
    return (
        "# yaml-language-server: $schema=../../docs/schema/consultation.schema.json\n"
        f"plan: {plan_id}\n"
        f"ouverture: {first.isoformat()}  # deviné : la date de la première réponse ; à corriger\n"
        f"cloture: {last.isoformat()}  # deviné : la date de la dernière réponse ; à corriger\n"
        + _new_themes(imported, None)
        + responses_yaml(imported, None)
    )


def _new_themes(imported: Imported, previous: source.Consultation | None) -> str:
    if not imported.themes:
        return ""
    known = {t.id for t in previous.themes} if previous else set()
    rows = [
        f"  - {{id: {ident}, libelle: {_q(label)}}}" for ident, label in imported.themes.items() if ident not in known
    ]
    return "themes:\n" + "\n".join(rows) + "\n" if rows else ""


# --- The command ----------------------------------------------------------------------------------------


def _tree(plans: Path, plan_id: str) -> PlanTree:
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", plan_id):
        raise ImportFailure(f"--plan : identifiant invalide « {plan_id} » (minuscules, chiffres et traits d'union).")
    path = plans / f"{plan_id}.yml"
    if not path.is_file():
        raise ImportFailure(f"--plan : aucun plan « {plan_id} » ({path} introuvable).")
    catalogue = load_catalogue([path])
    if not catalogue.entries:
        first = next(iter(catalogue.errors()), None)
        raise ImportFailure(
            f"{path} contient des erreurs : {first.format() if first else 'illisible'}. Corrigez-le d'abord."
        )
    return catalogue.entries[0].tree


def run(fichier: str, plan: str, colonnes: str | None = None, plans_dir: str = "plans") -> tuple[Path, Imported]:
    plans = Path(plans_dir)
    tree = _tree(plans, plan)
    mapping = parse_mapping(colonnes) if colonnes else {}
    table = read_table(Path(fichier), fichier)
    target = source.file_for(plans, tree.plan.id)
    existing = target.read_text(encoding="utf-8") if target.is_file() else None
    previous = None
    if existing is not None:
        loaded = source.load(target, str(target))
        if loaded.consultation is None:
            first = loaded.findings[0].format() if loaded.findings else str(target)
            raise ImportFailure(f"le fichier de consultation existant est illisible : {first}. Corrigez-le d'abord.")
        if loaded.consultation.plan != tree.plan.id:
            raise ImportFailure(f"{target} vise le plan « {loaded.consultation.plan} », pas « {tree.plan.id} ».")
        previous = loaded.consultation
    known = {t.id: t.libelle for t in previous.themes} if previous else {}
    imported = read_responses(table, tree, mapping, known)
    text = consultation_text(tree.plan.id, existing, imported, previous)
    check = _check_written(text, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(check, encoding="utf-8")
    return target, imported


def _check_written(text: str, target: Path) -> str:
    """The file about to be written is read back first: a bad one is never written."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / target.name
        copy.write_text(text, encoding="utf-8")
        loaded = source.load(copy, str(target))
    if loaded.consultation is None:
        first = loaded.findings[0].format() if loaded.findings else ""
        raise ImportFailure(f"le fichier de consultation obtenu ne se relit pas ({first}) ; signalez-le.")
    return text


def command(action: str, fichier: str, plan: str, colonnes: str | None = None, plans: str = "plans") -> int:
    """`plan-ouvert consultation importer REPONSES --plan ID` (`action` is « importer », the only one)."""
    try:
        target, imported = run(fichier, plan, colonnes, plans)
    except ImportFailure as exc:
        print(f"consultation importer : {exc}", file=sys.stderr)
        print("Rien n'a été écrit.", file=sys.stderr)
        return EXIT_UNREADABLE
    except Exception as exc:  # an export nobody foresaw: a message, never a traceback
        print(
            f"consultation importer : {fichier} : ce fichier n'a pas pu être lu ({type(exc).__name__}).",
            file=sys.stderr,
        )
        print("Rien n'a été écrit.", file=sys.stderr)
        return EXIT_UNREADABLE
    total = len(imported.reponses)
    quotes = sum(1 for r in imported.reponses if r.citation)
    for line in imported.unknown:
        print(line, file=sys.stderr)
    origin = {"forms": "Microsoft Forms", "limesurvey": "LimeSurvey"}.get(imported.export or "", "formulaire")
    print(
        f"{total} réponse{'s' if total > 1 else ''} lue{'s' if total > 1 else ''} (export {origin}), "
        f"{quotes} citation{'s' if quotes > 1 else ''} publiable{'s' if quotes > 1 else ''} (avec consentement)."
    )
    print(f"consultation écrite : {target}")
    print("Relisez les citations avant de publier : les renseignements personnels repérés ont été retirés.")
    return EXIT_OK
