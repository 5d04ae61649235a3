"""What the site shows of a consultation: its state on the build date, the « Donner votre avis »
links, what was heard (counts and consented quotes) and what changed from draft to adopted plan.

Everything a page shows is computed here, where a test can see it: templates only lay it out.
Personal information never goes further than the form tool's export: the import keeps no name,
address or unconsented text (office/consultation.py), and every quote is scrubbed again here
before it reaches a page, in case an editor typed one into the file by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import subprocess
import tempfile
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plan_ouvert.source.consultation import Canal, Consultation, find_element, reference, title
from plan_ouvert.source.echeance import date_fr
from plan_ouvert.source.kinds import Kinds
from plan_ouvert.source.load import load_file
from plan_ouvert.source.model import AnyPlan
from plan_ouvert.source.tree import Element, PlanTree, build_tree
from plan_ouvert.source.urls import changements_url, entendu_url
from plan_ouvert.source.urls import consultation_data_files as data_files
from plan_ouvert.views.diff import SECTION_TITLES, compare_plans
from plan_ouvert.views.libelles import STATUTS_PLAN
from plan_ouvert.views.opendata import csv_cell
from plan_ouvert.views.pages import plan_label

# The day a build takes as « today » (AAAA-MM-JJ): tests and a rebuild of an old state set it;
# by default, the day of the build in Quebec. A consultation closes without anyone editing a file.
DATE_ENV = "PLAN_OUVERT_DATE_CONSTRUCTION"
PLAN_ENTIER = "Le plan dans son ensemble"


def build_date(environ: Mapping[str, str] = os.environ) -> dt.date:
    value = environ.get(DATE_ENV, "").strip()
    if value:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{DATE_ENV} : date invalide « {value} » ; attendu AAAA-MM-JJ (ex. 2026-03-15).") from None
    try:
        from zoneinfo import ZoneInfo

        return dt.datetime.now(ZoneInfo("America/Toronto")).date()
    except (ImportError, KeyError, OSError):  # no time zone data: UTC is at most a few hours off
        return dt.datetime.now(dt.UTC).date()


# --- Personal information (Loi 25) ---------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'’-]+\s*(?:@|\(at\)|\[at\])\s*[\w-]+(?:\s*\.\s*[\w-]+)+", re.IGNORECASE)
_PHONE = re.compile(
    r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)|\d{3})[\s.-]?\d{3}[\s.-]?\d{4}"
    r"(?:\s*(?:poste|p\.|ext\.?|#)\s*\d{1,6})?(?![\w-])|(?<![\w-])\d{3}-\d{4}(?![\w-])",
    re.IGNORECASE,
)
_POSTAL = re.compile(r"(?<![\w])[A-Z]\d[A-Z][ \u00a0-]?\d[A-Z]\d(?![\w])", re.IGNORECASE)
_STREETS = (
    r"rue|avenue|av\.|boulevard|boul\.|bd|chemin|ch\.|rang|route|rte|place|montée|montee|côte|cote|croissant"
    r"|impasse|allée|allee|promenade|terrasse|carré|carre|street|road"
)
# The street's name: its first word whatever its case (« rue principale »), then capitalised words.
_STREET_NAME = r"(?:[ \t]+(?i:de la|de l'|du|des|de|d'|la|le|l')?[ \t]*[\w'’-]+)(?:[ \t]+[A-ZÀ-Ý][\w'’-]*)*"
_ADDRESS = re.compile(
    rf"(?<![\w-])\d{{1,6}}(?:[-,]\s?\d{{1,6}})?[A-Za-z]?,?\s+(?i:{_STREETS})(?![\w]){_STREET_NAME}"
    rf"|(?P<lead>(?i:j'habite|j’habite|je demeure|je réside|je reside)\s+(?i:au|sur|à|a|dans)?\s*(?i:la\s+)?)"
    rf"(?:\d{{1,6}},?\s+)?(?i:{_STREETS})(?![\w]){_STREET_NAME}",
)
_NAME_WORD = r"[A-ZÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ][\w'’-]+"
_INTRODUCED = re.compile(
    rf"(?P<lead>(?i:je m'appelle|je m’appelle|je me nomme|mon nom est|mon nom :|nom :|signé|signée|signature :))"
    rf"\s*:?\s*{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}}",
)
_TITLED = re.compile(rf"(?P<lead>\b(?:M\.|Mme|Mlle|Monsieur|Madame|Dr|Dre|Me)\s+){_NAME_WORD}(?:\s+{_NAME_WORD})?")
_SIGNED_OFF = re.compile(
    r"(?P<lead>\b(?:cordialement|salutations|bien à vous|merci)\b[ ,.!]*)\n+[^\n]+\s*$", re.IGNORECASE
)
NOM, COURRIEL, TELEPHONE, CODE_POSTAL, ADRESSE = (
    "[nom retiré]",
    "[courriel retiré]",
    "[téléphone retiré]",
    "[code postal retiré]",
    "[adresse retirée]",
)


def anonymise(text: str, names: Iterable[str] = ()) -> str:
    """`text` without e-mails, telephone numbers, postal codes, street addresses and names.

    `names`: the names the form collected (its « Nom » columns), removed wherever they appear,
    whole or word by word; other names are caught where a comment introduces or signs them.
    """
    text = _EMAIL.sub(COURRIEL, text)
    text = _ADDRESS.sub(lambda m: (m.group("lead") or "") + ADRESSE, text)
    text = _POSTAL.sub(CODE_POSTAL, text)
    text = _PHONE.sub(TELEPHONE, text)
    words: set[str] = set()
    for name in names:
        clean = " ".join(name.split())
        if clean:
            words.add(clean)
            words.update(w for w in re.split(r"[\s,]+", clean) if len(w) >= 2)
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", NOM, text, flags=re.IGNORECASE)
    text = _INTRODUCED.sub(lambda m: f"{m.group('lead')} {NOM}", text)
    text = _TITLED.sub(lambda m: f"{m.group('lead')}{NOM}", text)
    text = _SIGNED_OFF.sub(lambda m: f"{m.group('lead').rstrip()} {NOM}", text)
    return re.sub(rf"{re.escape(NOM)}(?:[ \t]*{re.escape(NOM)})+", NOM, text).strip()


# --- Where opinions go -------------------------------------------------------------------------


@dataclass(frozen=True)
class Lien:
    url: str
    texte: str  # the link's words
    precision: str  # one sentence beside it: where the link leads


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query, quote_via=urllib.parse.quote)))


def avis_link(canal: Canal | None, depot: str | None, tree: PlanTree, element: Element | None) -> Lien | None:
    """The « Donner votre avis » link of the plan's page (element None) or of an element's page."""
    label = plan_label(tree)
    ref = reference(element) if element else PLAN_ENTIER
    titre = (element.texte or element.titre) if element else tree.plan.titre
    texte = "Donner votre avis sur cet élément" if element else "Donner votre avis sur ce projet de plan"
    kind = canal.type if canal else ("depot" if depot else None)
    if canal and kind == "formulaire" and canal.adresse:
        params = {}
        if canal.parametre_reference:
            params[canal.parametre_reference] = ref
        if canal.parametre_titre:
            params[canal.parametre_titre] = titre
        return Lien(
            _with_query(canal.adresse, params),
            texte,
            f"Le formulaire de l'organisme s'ouvre, déjà rempli avec la référence « {ref} ».",
        )
    if canal and kind == "courriel" and canal.courriel:
        subject = f"Avis sur le projet de plan « {label} » : {ref}"
        body = f"Référence : {ref}\nÉlément : {titre}\n\nMon avis :\n"
        query = urllib.parse.urlencode({"subject": subject, "body": body}, quote_via=urllib.parse.quote)
        return Lien(
            f"mailto:{canal.courriel}?{query}",
            texte,
            f"Votre logiciel de courriel s'ouvre avec un message à {canal.courriel} qui nomme « {ref} ».",
        )
    if kind == "depot" and depot:
        params = {"title": f"Avis : {ref} ({tree.plan.id})", "body": f"Référence : {ref}\nÉlément : {titre}\n\n"}
        return Lien(
            _with_query(f"{depot.rstrip('/')}/issues/new", params),
            texte,
            "Votre avis sera public, sur le dépôt du site, sous votre nom d'utilisateur.",
        )
    return None


def channel_from_settings(extra: Mapping[str, Any]) -> Canal | None:
    """The site's default channel: `extra.plan_ouvert.consultation.canal` in mkdocs.yml."""
    section = extra.get("consultation") or {}
    value = section.get("canal") if isinstance(section, Mapping) else None
    return Canal.model_validate(value) if value else None


# --- A plan's consultation on the build date ----------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """The draft submitted to consultation, as git keeps it."""

    plan: AnyPlan
    tree: PlanTree
    commit: str
    date: dt.date


@dataclass
class PlanConsultation:
    tree: PlanTree
    consultation: Consultation
    today: dt.date
    canal: Canal | None
    depot: str | None = None
    draft: Draft | None = None

    @property
    def plan_id(self) -> str:
        return self.tree.plan.id

    @property
    def heard_tree(self) -> PlanTree:
        """The plan the responses were about: the draft, once the plan is adopted."""
        return self.draft.tree if self.draft is not None and not self.projet else self.tree

    def page_of(self, element: Element) -> str | None:
        """The page, in the plan as published, of an element of the heard tree (None if removed)."""
        current = self.tree.element(element.type, element.id)
        return current.url if current is not None else None

    @property
    def projet(self) -> bool:
        return self.tree.plan.statut == "projet"

    @property
    def a_venir(self) -> bool:
        return self.today < self.consultation.ouverture

    @property
    def en_cours(self) -> bool:
        return self.consultation.ouverture <= self.today <= self.consultation.cloture

    @property
    def terminee(self) -> bool:
        return self.today > self.consultation.cloture

    @property
    def cloture_fr(self) -> str:
        return date_fr(self.consultation.cloture)

    @property
    def banniere(self) -> str:
        """The sentence at the top of every page of the plan."""
        c = self.consultation
        if not self.projet:
            return f"Ce plan a été adopté après une consultation publique terminée le {self.cloture_fr}."
        if self.a_venir:
            return f"Projet de plan soumis à la consultation publique du {date_fr(c.ouverture)} au {self.cloture_fr}."
        if self.en_cours:
            return f"Projet de plan soumis à la consultation publique jusqu'au {self.cloture_fr}."
        return f"Consultation terminée le {self.cloture_fr}. Ce projet de plan n'est pas encore adopté."

    def avis(self, element: Element | None) -> Lien | None:
        """The « Donner votre avis » link, while opinions are taken (the draft, in its period)."""
        if not (self.projet and self.en_cours):
            return None
        return avis_link(self.canal, self.depot, self.tree, element)

    @property
    def rencontres(self) -> list[tuple[str, str]]:
        """(date, the rest in words) of each public meeting."""
        found = []
        for r in sorted(self.consultation.rencontres, key=lambda r: r.date):
            rest = ", ".join(x for x in (r.heure, r.lieu) if x)
            found.append((date_fr(r.date), f"{rest}{' : ' if rest and r.description else ''}{r.description or ''}"))
        return found

    @property
    def url(self) -> str:
        return entendu_url(self.plan_id)

    @property
    def changements_url(self) -> str | None:
        return changements_url(self.plan_id) if self.draft is not None and not self.projet else None


def element_anchor(element: Element | None) -> str:
    return f"avis-{element.type}-{element.id}" if element else "avis-plan"


# --- What was heard -----------------------------------------------------------------------------


@dataclass
class Groupe:
    """The responses about one element (or the plan as a whole)."""

    element: Element | None
    ancre: str
    nombre: int = 0
    themes: Counter[str] = field(default_factory=Counter)
    citations: list[list[str]] = field(default_factory=list)  # each quote, as its lines
    url: str | None = None  # its page in the plan as published

    @property
    def libelle(self) -> str:
        return title(self.element) if self.element else PLAN_ENTIER

    @property
    def phrase(self) -> str:
        """« 3 avis, dont 1 extrait publié. »"""
        return f"{avis_count(self.nombre)}, dont {quotes_count(len(self.citations))}."


def avis_count(n: int) -> str:
    return "aucun avis" if n == 0 else f"{n} avis"


def quotes_count(n: int) -> str:
    if n == 0:
        return "aucun extrait publié"
    return f"{n} extrait{'s' if n > 1 else ''} publié{'s' if n > 1 else ''}"


def about_element(n: int) -> str:
    """What an element's page says of the responses it received."""
    if n == 0:
        return "Aucun avis reçu sur cet élément pendant la consultation."
    return f"{n} avis reçu{'s' if n > 1 else ''} sur cet élément pendant la consultation."


@dataclass
class Entendu:
    total: int
    citations: int
    groupes: list[Groupe]  # elements with responses, in the plan's order, the plan as a whole first
    themes: list[tuple[str, str, int]]  # (id, libellé, count), most named first

    @property
    def resume(self) -> str:
        """« 12 avis reçus, dont 4 extraits publiés avec l'accord de leur auteur. »"""
        if self.total == 0:
            return "aucun avis reçu pour l'instant."
        received = f"{self.total} avis reçu{'s' if self.total > 1 else ''}"
        return f"{received}, dont {quotes_count(self.citations)} avec l'accord de leur auteur."

    def of(self, element: Element) -> Groupe | None:
        """The responses about an element (of the draft or of the adopted plan: same level and id)."""
        return next(
            (
                g
                for g in self.groupes
                if g.element is not None and (g.element.type, g.element.id) == (element.type, element.id)
            ),
            None,
        )


def _theme_label(consultation: Consultation, theme: str) -> str:
    return next((t.libelle for t in consultation.themes if t.id == theme), theme.replace("-", " ").capitalize())


def entendu(pc: PlanConsultation) -> Entendu:
    consultation, tree = pc.consultation, pc.heard_tree
    order = {id(e): i for i, e in enumerate(tree.elements)}
    groups: dict[int, Groupe] = {}
    themes: Counter[str] = Counter()
    quotes = 0
    for reponse in consultation.reponses:
        element = find_element(tree, reponse.element)
        key = order[id(element)] if element is not None else -1
        if key not in groups:
            groups[key] = Groupe(element, element_anchor(element), url=pc.page_of(element) if element else None)
        group = groups[key]
        group.nombre += 1
        group.themes.update(reponse.themes)
        themes.update(reponse.themes)
        if reponse.citation:
            lines = [line.strip() for line in anonymise(reponse.citation).splitlines() if line.strip()]
            if lines:
                group.citations.append(lines)
                quotes += 1
    ordered = [groups[k] for k in sorted(groups)]
    listed = [(t, _theme_label(consultation, t), n) for t, n in sorted(themes.items(), key=lambda x: (-x[1], x[0]))]
    return Entendu(len(consultation.reponses), quotes, ordered, listed)


def theme_counts(pc: PlanConsultation, groupe: Groupe) -> list[tuple[str, int]]:
    return [
        (_theme_label(pc.consultation, t), n) for t, n in sorted(groupe.themes.items(), key=lambda x: (-x[1], x[0]))
    ]


def responses_about(pc: PlanConsultation, element: Element) -> int:
    found = entendu(pc).of(element)
    return found.nombre if found else 0


# --- What changed from the draft ----------------------------------------------------------------


@dataclass
class Changement:
    titre: str  # the element's title, as the adopted plan (or the draft, if removed) has it
    url: str | None  # its page, when it is still in the plan
    ancre: str | None  # its part of « Ce que nous avons entendu », when it had responses
    lignes: list[str]
    reponses: int

    @property
    def phrase(self) -> str:
        about = "le plan dans son ensemble" if self.titre == PLAN_ENTIER else "cet élément"
        if self.reponses == 0:
            return f"Aucun avis sur {about} pendant la consultation."
        return f"{self.reponses} avis sur {about} pendant la consultation."


def _strip_label(line: str, label: str) -> str:
    rest = line[len(label) :].lstrip()
    rest = rest[2:] if rest.startswith(": ") else rest
    return rest[:1].upper() + rest[1:] if rest else line


def changements(pc: PlanConsultation) -> list[Changement]:
    """Element by element, what changed from the draft to the adopted plan (the `comparer`
    engine), with the number of responses each changed element had during the consultation."""
    if pc.draft is None:
        return []
    draft_tree = pc.draft.tree
    compared = compare_plans(draft_tree, pc.tree)
    heard = entendu(pc)
    labels: dict[str, tuple[Element, bool]] = {e.libelle: (e, False) for e in draft_tree.elements}
    labels.update({e.libelle: (e, True) for e in pc.tree.elements})
    by_label: dict[str, list[str]] = {}
    plan_lines: list[str] = []
    for section in SECTION_TITLES:
        for line in compared.lines.get(section, []):
            label = _label_of(line, labels) if section.startswith(("niveau-", "indicateur")) else None
            if label is None:
                plan_lines.append(_plain(line))
            else:
                by_label.setdefault(label, []).append(_strip_label(line, label))
    found = []
    for element in [*pc.tree.elements, *draft_tree.elements]:
        lines = by_label.pop(element.libelle, None)
        if not lines:
            continue
        current, kept = labels[element.libelle]
        # A removed element's responses were tied to the draft's element: count them by reference.
        group = heard.of(current)
        found.append(
            Changement(
                title(current),
                current.url if kept else None,
                group.ancre if group else None,
                lines,
                group.nombre if group else 0,
            )
        )
    if plan_lines:
        whole = next((g for g in heard.groupes if g.element is None), None)
        found.append(
            Changement(PLAN_ENTIER, None, whole.ancre if whole else None, plan_lines, whole.nombre if whole else 0)
        )
    return found


def _plain(line: str) -> str:
    """« Statut : projet → adopte » in the words of the site: « Statut : Projet → Adopté »."""
    match = re.fullmatch(r"Statut : (\w+) → (\w+)", line)
    if match:
        was, now = (STATUTS_PLAN.get(v, v) for v in match.groups())
        return f"Statut : {was} → {now}"
    return line


def _label_of(line: str, labels: Mapping[str, tuple[Element, bool]]) -> str | None:
    best = None
    for label in labels:
        if (
            line.startswith(label)
            and re.match(r"[ ,:]|$", line[len(label) :])
            and (best is None or len(label) > len(best))
        ):
            best = label
    return best


def find_draft(path: Path, kinds: Kinds, revision: str | None = None, limit: int = 50) -> Draft | None:
    """The draft in git: the revision the consultation names, else the newest version of the
    plan's file whose `statut` was `projet`. None outside a repository or without a draft."""
    folder = path.parent
    if revision is not None and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z._/~^-]{0,63}", revision):
        return None
    spec = [revision] if revision else []
    log = _git(folder, "log", f"-{limit}", "--format=%H %as", *spec, "--", path.name)
    if not log:
        return None
    with tempfile.TemporaryDirectory() as scratch:
        for row in log.decode().splitlines():
            commit, _, day = row.partition(" ")
            content = _git(folder, "show", f"{commit}:./{path.name}")
            if content is None:
                continue
            copy = Path(scratch) / path.name
            copy.write_bytes(content)
            loaded = load_file(copy, "plan", path.name, kinds)
            if isinstance(loaded.record, AnyPlan) and (revision or loaded.record.statut == "projet"):
                tree = build_tree(loaded.record, kinds.of(loaded.record))
                return Draft(loaded.record, tree, commit, dt.date.fromisoformat(day))
            if revision:
                return None
    return None


def _git(folder: Path, *args: str) -> bytes | None:
    try:
        done = subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


# --- Open data: counts only ----------------------------------------------------------------------


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _resource(name: str, path: str, header: list[str]) -> dict[str, Any]:
    fields = [{"name": n, "type": "integer" if n.startswith("nombre") else "string"} for n in header]
    return {"name": name, "path": path, "format": "csv", "encoding": "utf-8-sig", "schema": {"fields": fields}}


ELEMENT_HEADER = ["plan", "reference", "type", "id", "titre", "nombre_avis", "nombre_citations"]
THEME_HEADER = ["plan", "theme", "libelle", "nombre_avis"]


def open_data(pc: PlanConsultation) -> dict[str, bytes]:
    """The counts per element and per theme, and their data package: never a response."""
    heard = entendu(pc)
    plan_id = pc.plan_id
    elements: list[list[object]] = [list(ELEMENT_HEADER)]
    for g in heard.groupes:
        e = g.element
        ref, kind, ident = (reference(e), e.type, e.id) if e else ("", "", "")
        elements.append([plan_id, ref, kind, ident, g.libelle, g.nombre, len(g.citations)])
    themes: list[list[object]] = [list(THEME_HEADER)]
    themes += [[plan_id, t, label, n] for t, label, n in heard.themes]
    files = data_files(plan_id)
    package = {
        "name": f"{plan_id}-consultation",
        "title": f"Consultation publique sur le projet de plan ({plan_label(pc.tree)})",
        "description": "Nombre d'avis reçus par élément du plan et par thème. Aucune réponse individuelle.",
        "resources": [
            _resource("avis-par-element", files["elements"].rsplit("/", 1)[1], ELEMENT_HEADER),
            _resource("avis-par-theme", files["themes"].rsplit("/", 1)[1], THEME_HEADER),
        ],
    }
    return {
        files["elements"]: _csv(elements),
        files["themes"]: _csv(themes),
        files["paquet"]: (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }
