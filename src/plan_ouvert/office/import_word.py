"""`importer FICHIER.docx`: a Word document read, mapped to a plan of a kind, and accounted for.

The reading is in `word`, the mapping in `word_plan` (with `word_tableau`, `word_texte`, `cibles`),
the hidden data of an export in `word_cachees`, the ledger in `bilan`; this module runs them in
order and writes the plan's own fields and the report.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from plan_ouvert.office import bilan, word
from plan_ouvert.office.budget import Budget
from plan_ouvert.office.export_word import ADOPTION_WORD, NOTES_HEADING
from plan_ouvert.office.resultat import (
    ImportFailure,
    ImportReport,
    ImportResult,
    Note,
)
from plan_ouvert.office.word_cachees import _embedded_data, _organisme, _rows_by_id, _with_hidden_data
from plan_ouvert.office.word_plan import Mapper
from plan_ouvert.office.word_tableau import (
    Header,
    Logical,
    Options,
    _same_columns,
    find_header,
    gabarit_from_mapping,
    headers_found,
    logical_rows,
)
from plan_ouvert.office.word_texte import norm, parse_date, slug
from plan_ouvert.source.kinds import GabaritWord, Kind, Kinds
from plan_ouvert.source.model import ID_PATTERN

__all__ = ["A_VERIFIER", "Options", "import_word"]

A_VERIFIER = "a_verifier"  # key under `prive` of the texts the import could not place

# --- The import ---------------------------------------------------------------------------------


def _candidates(kinds: Kinds, options: Options) -> list[tuple[Kind, GabaritWord]]:
    if options.kind:
        kind = kinds.get(options.kind)
        if kind is None:
            known = ", ".join(sorted(k.id for k in kinds))
            raise ImportFailure(f"--type : type de plan inconnu « {options.kind} » (types connus : {known}).")
        if options.colonnes:
            return [(kind, gabarit_from_mapping(kind, options.colonnes))]
        if kind.spec.gabarit_word is None:
            raise ImportFailure(
                f"Le type « {kind.id} » ne déclare pas de tableau Word (gabarit_word) : donnez les colonnes avec "
                '--colonnes "En-tête=champ,…".'
            )
        return [(kind, kind.spec.gabarit_word)]
    if options.colonnes:
        kind = kinds.generic()
        if kind is None:
            raise ImportFailure("--colonnes demande aussi --type (le type générique plan-action est absent).")
        return [(kind, gabarit_from_mapping(kind, options.colonnes))]
    return [(k, k.spec.gabarit_word) for k in kinds if k.spec.gabarit_word is not None]


def _plan_tables(document: word.Document, gabarit: GabaritWord) -> list[Header]:
    headers = [h for t in document.tables if (h := find_header(t, gabarit)) is not None]
    titles = {norm(t) for t in gabarit.titres}
    if titles and headers:
        # The gabarit's own instructions come first with the same headers: the plan's tables are
        # those after its title.
        title_at = next((t.number for t in document.tables if any(norm(p) in titles for p in t.before)), None)
        if title_at is not None:
            after = [h for h in headers if h.table.number >= title_at]
            if after:
                return after
    return headers


def _choose(
    document: word.Document, candidates: list[tuple[Kind, GabaritWord]], shown: str
) -> tuple[Kind, GabaritWord, list[Header]]:
    best: tuple[int, float, Kind, GabaritWord, list[Header]] | None = None
    for kind, gabarit in candidates:
        headers = _plan_tables(document, gabarit)
        if not headers:
            continue
        matched = max(len(h.columns) for h in headers)
        ratio = matched / len(gabarit.colonnes)
        if best is None or (matched, ratio) > (best[0], best[1]):
            best = (matched, ratio, kind, gabarit, headers)
    if best is None:
        found = headers_found(document)
        where = ("\n  " + "\n  ".join(found)) if found else " aucun tableau"
        raise ImportFailure(
            f"{shown} : aucun tableau de plan reconnu dans ce document. En-têtes trouvés :"
            f"{where}\nDonnez le type et la correspondance des colonnes, par exemple : --type plan-action "
            f'--colonnes "{_suggestion(document)}" (champs d\'une action : texte, porteurs, partenaires, '
            "echeance, cout, indicateurs, commentaires)."
        )
    return best[2], best[3], best[4]


def _suggestion(document: word.Document) -> str:
    """A --colonnes value built on the first table's own headers, for the person to complete."""
    for table in document.tables:
        if table.rows:
            names = [" ".join(c.text.split()) for c in table.rows[0].cells if c.text.strip()][:6]
            if names:
                return ",".join(f"{name}={'texte' if i == 0 else '…'}" for i, name in enumerate(names))
    return "Action=texte,Responsable=porteurs,Échéance=echeance"


def _dates(
    document: word.Document,
    gabarit: GabaritWord,
    report: ImportReport,
    notes: list[str],
    data: dict[str, Any],
    structure: set[tuple[int, int]],
) -> None:
    wanted = {norm(d.entete): d.champ for d in gabarit.dates}
    if not wanted:
        return
    for table in document.tables:
        for row in table.rows[:4]:
            cells = row.cells
            for i, cell in enumerate(cells):
                champ = wanted.get(norm(cell.text))
                if champ is None:
                    continue
                value = next((c.text for c in cells[i + 1 :] if c.text.strip() and norm(c.text) not in wanted), "")
                ou = f"tableau {table.number}, rangée {row.number}, « {' '.join(cell.text.split())} »"
                if not value:
                    continue
                structure.add((table.number, row.number))  # read into date fields, or reported below
                dates = [d for part in re.split(r"[\n;,]|\bet\b", value) if (d := parse_date(part))]
                if not dates:
                    report.unplaced(ou, "Date illisible (attendu : « 30 juin 2021 » ou « 2021-06-30 »).", value)
                    notes.append(f"{ou} : {value}")
                elif champ == "mises_a_jour":
                    data["mises_a_jour"] = [{"date": d} for d in dates]
                else:
                    data[champ] = dates[0]
                    if len(dates) > 1:
                        report.guess(ou, f"Plusieurs dates : la première est retenue ({dates[0].isoformat()}).", value)


def _revisions(document: word.Document, report: ImportReport) -> None:
    """Tracked changes are read as accepted, and said; comments go to the report only."""
    if document.insertions or document.deletions:
        report.guess(
            "modifications suivies",
            f"Le document contient des modifications suivies ({document.insertions} insertion(s), "
            f"{document.deletions} suppression(s)) : elles sont lues comme acceptées (le texte inséré est "
            "importé, le texte supprimé ne l'est pas). Vérifiez que c'est la version voulue.",
        )
    for i, comment in enumerate(document.comments, 1):
        author = f" de {comment.author}" if comment.author else ""
        report.commentaires.append(Note(f"commentaire {i}{author}", "Commentaire, non importé.", comment.text))


# What an export writes after the plan's table (export_word._closing): its adoption, its notes.
_ADOPTION = re.compile(
    rf"^{ADOPTION_WORD}\s*:\s*(?P<instance>.+),\s*le\s+(?P<date>\S+\s+\S+\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
    r"(?:\s*,\s*r[ée]solution\s+(?:n[°o]\s*)?(?P<resolution>.+?))?\s*\.?$",
    re.IGNORECASE,
)


def _closing(document: word.Document, plan: dict[str, Any]) -> list[str]:
    """The plan's adoption and notes read from the paragraphs after its table; the texts read.

    Data an export carries comes first; these fill what it lacks (a document without it)."""
    read: list[str] = []
    notes: list[str] = []
    in_notes = False
    for text in (p.strip() for p in document.paragraphs):
        if not text:
            continue
        found = _ADOPTION.match(" ".join(text.split()))
        day = parse_date(found["date"]) if found else None
        if found and day:
            adoption = {"instance": found["instance"].strip(), "date": day}
            if found["resolution"]:
                adoption["resolution"] = found["resolution"].strip()
            plan.setdefault("adoption", adoption)
            read.append(text)
            in_notes = False
        elif norm(text) == norm(NOTES_HEADING):
            in_notes = True
            read.append(text)
        elif in_notes:
            notes.append(text)
            read.append(text)
    if notes:
        plan.setdefault("notes", notes)
    return read


def _account(
    document: word.Document,
    gabarit: GabaritWord,
    headers: list[Header],
    structure: set[tuple[int, int]],
    plan: dict[str, Any],
    report: ImportReport,
    closing: list[str],
) -> None:
    """Every text outside the plan's tables into the report; then the ledger's check of every word."""
    read = {norm(str(plan.get("titre", ""))), norm(str(plan.get("organisme", {}).get("nom", "")))}
    read |= {norm(t) for t in closing}
    read |= {norm(t) for t in gabarit.titres}
    tables = {h.table.number for h in headers}
    for table in document.tables:
        if table.number not in tables and find_header(table, gabarit) is not None:
            # The gabarit's instructions come first under the plan's own headers: said, not imported.
            texts = [*table.before, *(" | ".join(" ".join(c.text.split()) for c in r.cells) for r in table.rows)]
            report.unplaced(
                f"tableau {table.number}",
                "Tableau aux en-têtes du plan placé avant le titre du plan : lu comme les consignes du gabarit, "
                "il n'est pas importé.",
                "\n".join(texts),
            )
            tables.add(table.number)
            read |= {norm(t) for t in table.before}
    for i, text in enumerate(document.paragraphs, 1):
        if norm(text) not in read:
            report.unplaced(f"paragraphe {i} hors des tableaux", "Texte hors du tableau du plan.", text)
    for table in document.tables:
        if table.number in tables:
            continue
        for row in table.rows:
            if (table.number, row.number) in structure:
                continue
            texts = [" ".join(c.text.split()) for c in row.cells if c.text.strip()]
            if texts:
                report.unplaced(
                    f"tableau {table.number}, rangée {row.number}",
                    "Tableau qui n'est pas celui du plan : son texte n'est pas importé.",
                    " | ".join(texts),
                )
    leftovers = [*(n.texte for n in report.non_places if n.texte), *closing]
    missing = bilan.unaccounted(document, gabarit, structure, plan, leftovers)
    if missing:
        report.unplaced(
            "ensemble du document",
            "Mots du document qui ne se retrouvent dans aucun champ du plan : vérifiez où ils devaient aller.",
            " ".join(w for w, n in sorted(missing.items()) for _ in range(n)),
        )


def _title(document: word.Document, gabarit: GabaritWord, kind: Kind, report: ImportReport) -> str:
    titles = {norm(t): t for t in gabarit.titres}
    found = [p for p in document.paragraphs if norm(p) in titles]
    for table in document.tables[:1]:
        found += [c.text for r in table.rows[:3] for c in r.cells if norm(c.text) in titles]
    if found:
        title = " ".join(found[-1].split())
        if title.upper() == title and any(ch.isalpha() for ch in title):
            sentence = title[0] + title[1:].lower()
            report.guess("titre du document", f"Titre en majuscules écrit « {sentence} ».", title)
            return sentence
        return title
    # A document of its own shape: its first line of text is its title, not the kind's name.
    first = next((" ".join(p.split()) for p in document.paragraphs if p.strip()), None)
    if first is not None and len(first) <= 200:
        report.guess(
            "titre du document", "Aucun titre du gabarit : la première ligne du document est prise comme titre.", first
        )
        return first
    report.guess(
        "titre du document", f"Aucun titre reconnu : le nom du type de plan est pris comme titre ({kind.spec.nom})."
    )
    return kind.spec.nom


def _referentiel(kind: Kind, folder: Path | None) -> str | None:
    if folder is None or not folder.is_dir():
        return None
    for path in sorted(folder.glob("*.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(data, dict) and data.get("gabarit") == kind.id and isinstance(data.get("id"), str):
            return str(data["id"])
    return None


def import_word(path: Path, kinds: Kinds, options: Options, display: str | None = None) -> ImportResult:
    """Read a Word file into a plan of a kind; ImportFailure (French) when it is not a plan."""
    shown = display or path.name
    report = ImportReport(shown)
    budget = Budget(shown)
    try:
        document = word.read(path, budget)
    except word.WordError as exc:
        raise ImportFailure(str(exc)) from None
    embedded = _embedded_data(document, shown, report)
    _revisions(document, report)
    kind, gabarit, headers = _choose(document, _candidates(kinds, options), shown)
    registry = [dict(p) for p in embedded.get("partenaires", [])] if embedded else []
    mapper = Mapper(kind, gabarit, report, registry)
    if embedded:
        mapper.embedded_rows = _rows_by_id(embedded, kind, gabarit.rangee)
    pairs: list[tuple[Header, Logical]] = []
    for header in headers:
        for name in (n for _, n in sorted(header.unknown.items()) if n):
            report.guess(
                f"tableau {header.table.number}, en-tête « {' '.join(name.split())} »",
                "Colonne inconnue du type de plan : son texte est gardé dans la partie privée du plan "
                "(prive > a_verifier).",
            )
        carry = pairs[-1][1] if pairs and _same_columns(pairs[-1][0], header) else None
        pairs += [(header, row) for row in logical_rows(header, mapper.key_grid(header), mapper, carry)]
    # Rows are mapped once every table is read: a table's last row may go on in the next table.
    for header, logical in pairs:
        budget.spend()
        if not mapper.merged_row(logical, header):
            mapper.map_row(logical, header)
    if not mapper.top:
        raise ImportFailure(
            f"{shown} : le tableau du plan a été trouvé (tableau {headers[0].table.number}) mais il ne contient "
            "aucune rangée remplie."
        )
    notes = mapper.notes
    # A « Ressources » cell names roles of the plan's registry (an export's data carries it); a role
    # the registry does not have is reported, never dropped.
    roles = {norm(str(r.get("role", ""))) for r in (embedded or {}).get("ressources", []) if isinstance(r, dict)}
    roles_read: list[str] = []  # each a word of the document the ledger counts as placed
    for ou, named in mapper.ressources:
        unknown = [line for line in named if norm(line) not in roles]
        roles_read += [line for line in named if norm(line) in roles]
        if unknown:
            mapper.unplaced(ou, "Ressource absente du registre des ressources du plan.", "\n".join(unknown))
    plan: dict[str, Any] = {"id": "", "gabarit": kind.id}
    plan_marks: dict[str, str] = {}
    if not embedded:  # an export carries these in its data
        plan_marks = _plan_facts(plan, document, gabarit, kind, options, mapper, report)
    data: dict[str, Any] = {}
    structure = {(h.table.number, h.table.rows[h.row].number) for h in headers}
    _dates(document, gabarit, report, notes, data, structure)
    plan.update(data)
    plan["source"] = shown
    if mapper.partners:
        plan["partenaires"] = mapper.partners
    top = kind.spec.niveaux[0].cle
    plan[top] = mapper.top
    if notes:
        # Leftovers carry internal locators and were never checked: private until an editor places them.
        plan["prive"] = {A_VERIFIER: _cap_notes(notes)}
    hidden: dict[tuple[str | int, ...], str] = {}
    if embedded:
        plan, hidden = _with_hidden_data(plan, embedded, document, options, top, report)
    hint_only: set[str] = set()
    nom = plan.get("organisme", {}).get("nom") if isinstance(plan.get("organisme"), dict) else None
    if embedded and nom and not options.organisme:
        # Shown means read where the document names its organisation, not a mention in a cell.
        shown_org = _organisme(document, Options(), ImportReport(shown))
        if shown_org is None or norm(shown_org) != norm(str(nom)):
            hint_only.add("organisme")
    if "organisme" not in plan:
        raise ImportFailure(
            f'{shown} : le document ne nomme pas l\'organisme. Relancez avec --organisme "MRC de …" '
            "(le nom de la MRC ou de la municipalité)."
        )
    generated = False
    if options.plan_id:
        plan["id"] = options.plan_id
    elif not plan.get("id"):
        generated = True
        year = _year_of(plan)
        plan["id"] = slug("-".join(x for x in [plan["organisme"]["nom"], kind.id, year] if x))
        report.guess(
            "identifiant du plan", f"Identifiant fait du nom de l'organisme, du type et de l'année : {plan['id']}."
        )
    if not re.match(ID_PATTERN, str(plan["id"])):
        raise ImportFailure(
            f"--id : « {plan['id']} » n'est pas un identifiant valide "
            "(minuscules sans accents, chiffres et traits d'union)."
        )
    closing = [*_closing(document, plan), *roles_read]
    _account(document, gabarit, headers, structure, plan, report, closing)
    _validate(kind, plan, shown)
    guessed: dict[tuple[str | int, ...], str] = hidden if embedded else mapper.guessed_paths(top)
    if generated:
        guessed[("id",)] = "fait du nom de l'organisme, du type et de l'année"
    for name, message in plan_marks.items():
        if name in plan:
            guessed[(name,)] = message
    return ImportResult(_ordered(plan), report, guessed, hint_only)


def _plan_facts(
    plan: dict[str, Any],
    document: word.Document,
    gabarit: GabaritWord,
    kind: Kind,
    options: Options,
    mapper: Mapper,
    report: ImportReport,
) -> dict[str, str]:
    """The plan's own fields a real MRC file gives (or lets guess); the guesses by field."""
    marks: dict[str, str] = {}
    counted = len(report.devinettes)

    def marked(key: str, value: Any) -> Any:
        # A plan-level value whose reading added a guess gets the comment in the plan file.
        nonlocal counted
        if len(report.devinettes) > counted:
            marks[key] = report.devinettes[-1].message
        counted = len(report.devinettes)
        return value

    organisme = marked("organisme", _organisme(document, options, report))
    title = marked("titre", _title(document, gabarit, kind, report))
    if kind.spec.programme:
        programme = _referentiel(kind, options.referentiels)
        if not programme:
            raise ImportFailure(
                f"Un plan « {kind.id} » nomme le référentiel de son programme, et aucun référentiel de ce type "
                f"n'est dans {options.referentiels} : lancez l'import depuis le dossier du dépôt (celui qui "
                "contient plans/), ou donnez --plans DOSSIER."
            )
        plan["programme"] = programme
        report.guess(
            "programme",
            f"Référentiel du programme : {programme} (celui des plans « {kind.id} » dans {options.referentiels}).",
        )
        marked("programme", programme)
    plan["titre"] = title
    if organisme:
        plan["organisme"] = {"nom": organisme}
    years = marked("annees", _plan_years(mapper, report))
    if years:
        plan["annees"] = years
    return marks


def _year_of(plan: dict[str, Any]) -> str:
    if isinstance(plan.get("date_plan"), dt.date):
        return str(plan["date_plan"].year)
    if plan.get("annees"):
        return str(plan["annees"][0]["debut"])
    return ""


def _plan_years(mapper: Mapper, report: ImportReport) -> list[dict[str, int]]:
    years = []
    for number in sorted(mapper.years):
        counts = mapper.years[number]
        (debut, fin), _ = counts.most_common(1)[0]
        if len(counts) > 1:
            others = ", ".join(f"({a}-{b})" for (a, b) in counts if (a, b) != (debut, fin))
            report.guess(
                "colonne des échéances",
                f"An {number} est ({debut}-{fin}) le plus souvent, mais aussi {others} : ({debut}-{fin}) est retenu "
                "pour les années du plan ; les échéances gardent leur texte.",
            )
        years.append({"numero": number, "debut": debut, "fin": fin})
    return years


def _cap_notes(notes: list[str]) -> list[str]:
    capped = [n if len(n) <= 5000 else n[:4990] + " […]" for n in notes]
    if len(capped) > 200:
        capped = [*capped[:199], " / ".join(capped[199:])[:5000]]
    return capped


def _ordered(plan: dict[str, Any]) -> dict[str, Any]:
    first = ["id", "gabarit", "programme", "titre", "organisme"]
    out = {k: plan[k] for k in first if k in plan}
    last = ("notes", "prive")
    out.update({k: v for k, v in plan.items() if k not in out and k not in last})
    out.update({k: plan[k] for k in last if k in plan})
    return out


def _validate(kind: Kind, plan: dict[str, Any], shown: str) -> None:
    from pydantic import ValidationError

    try:
        kind.model.model_validate(plan)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ImportFailure(
            f"{shown} : le plan lu ne respecte pas le type « {kind.id} » ({where} : {first['msg']}). "
            "Signalez ce document à l'équipe de Plan ouvert."
        ) from None
