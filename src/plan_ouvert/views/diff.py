"""`plan-ouvert comparer`: what a change does to the plans, in French Markdown for reviewers.

Both sides are loaded into the model and turned into their element trees, then compared
element by element, so changes of form (key order, comments, quoting, line breaks) say
nothing. Elements are matched by level and id and named in their kind's words (« Moyen
d'action 1.2 ajouté », « Orientation 2 reformulée »); an indicator without an id is matched
by its position within its element. The kinds are those of each side: built in, and the
side's own plans/types/.

The summary is posted where reviewers trust it, so nothing a proposed change holds may steer
it: an argument is a git revision unless written as a path, a revision is read from git
objects into a scratch folder under names checked here, and plan text is escaped so that it
shows as text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from plan_ouvert.source.catalogue import Catalogue
from plan_ouvert.source.echeance import wording
from plan_ouvert.source.findings import Finding, Severity
from plan_ouvert.source.kinds import Kinds, Niveau
from plan_ouvert.source.model import ID_PATTERN, Indicateur, PlanBase, TempsImparti
from plan_ouvert.source.tree import Element, PlanTree, build_tree, cible_years
from plan_ouvert.views.export import strip_private
from plan_ouvert.views.pages import plan_label

# --- Plan text in Markdown ------------------------------------------------------------------

# Characters that can open Markdown markup (emphasis, code, links, images, headings, lists,
# tables) are backslash-escaped: CommonMark, GitHub and Python-Markdown all show them as text.
# HTML gets entities, since raw HTML is passed through. GitHub's own additions (strikethrough,
# math, bare URLs turned into links) get numeric references: every renderer shows the
# character, and none reads a reference as markup.
_MARKDOWN_SPECIALS = "\\`*_{}[]()#+-.!|"
_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        "~": "&#126;",
        "$": "&#36;",
        **{c: "\\" + c for c in _MARKDOWN_SPECIALS},
    }
)


# GitHub turns @user and @org/team into mentions (a notification to each) and a bare e-mail
# address into a mailto: link after the Markdown is rendered, so neither a backslash nor an
# entity stops it (github/markup#1168, github/cmark-gfm#181): only a code span does. Any run
# holding an @ goes into one; it holds no backtick, so it cannot end the span early.
_MENTIONABLE = re.compile(r"([\w.+%-]*@[\w-]+(?:[./][\w-]+)*)")


def _escaped(text: str) -> str:
    return text.translate(_ESCAPES).replace("://", "&#58;//")


def markdown_text(text: str) -> str:
    """`text` as Markdown that renders to exactly that text, on one line: no markup, no HTML,
    no mention and no e-mail link."""
    parts = _MENTIONABLE.split(" ".join(str(text).split()))
    return "".join(f"`{part}`" if index % 2 else _escaped(part) for index, part in enumerate(parts))


def _code(plan_id: str) -> str:
    """A plan id in a code span; ids are checked against the id pattern, anything else is escaped."""
    return f"`{plan_id}`" if re.fullmatch(ID_PATTERN, plan_id) else markdown_text(plan_id)


# --- What is compared -----------------------------------------------------------------------

# Sections of a plan's changes, in the order the summary lists them. An element's section is
# its depth in its kind (a kind has four levels at most), titled with the level's plural.
MAX_LEVELS = 4
SECTION_TITLES = {
    "plan": "Le plan",
    **{f"niveau-{depth}": f"Éléments de niveau {depth + 1}" for depth in range(MAX_LEVELS)},
    "indicateur": "Indicateurs",
    "ressource": "Ressources",
    "partenaire": "Partenaires",
    "allocation": "Temps imparti aux ressources",
}


@dataclass
class Item:
    """One comparable record: its label for humans, its main text and its public fields."""

    label: str
    text: str
    record: Any
    section: str
    feminin: bool = False  # « Action 1.2 ajoutée », « Ressource « x » modifiée »
    niveau: Niveau | None = None  # an element's level: its fields are compared in the kind's words
    registre: bool = False  # a partner or a resource: « modifié », not « reformulé »


def _lower_first(text: str) -> str:
    """« Résultats attendus » → « résultats attendus » inside a line; an acronym stays: « PME »."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _main_text(element: Element) -> str:
    """What a rewording changes: the element's text, else its own title (a PAC objectif's)."""
    if element.niveau.texte:
        return str(element.texte or "")
    return str(element.valeur(element.niveau.titre) or "") if element.niveau.titre else ""


def _main_key(niveau: Niveau) -> str | None:
    return niveau.texte or niveau.titre


def _items(tree: PlanTree) -> dict[tuple[str, ...], Item]:
    items: dict[tuple[str, ...], Item] = {}
    for element in tree.elements:
        niveau = element.niveau
        items[("element", element.type, element.id)] = Item(
            element.libelle, _main_text(element), element.record, f"niveau-{element.depth}", niveau.feminin, niveau
        )
        for index, indicateur in enumerate(element.indicateurs):
            ident = indicateur.id or str(index + 1)
            items[("indicateur", f"{element.type}-{element.id}/{ident}")] = Item(
                f"{element.libelle}, indicateur {index + 1} « {indicateur.texte} »",
                indicateur.texte,
                indicateur,
                "indicateur",
            )
    for ressource in (getattr(tree.plan, "ressources", None) or []) if tree.kind.spec.ressources else []:
        items[("ressource", ressource.id)] = Item(
            f"Ressource « {ressource.id} »", ressource.role, ressource, "ressource", feminin=True, registre=True
        )
    for partenaire in tree.plan.partenaires:
        items[("partenaire", partenaire.id)] = Item(
            f"Partenaire « {partenaire.sigle or partenaire.nom or partenaire.id} »",
            partenaire.nom or "",
            partenaire,
            "partenaire",
            registre=True,
        )
    return items


def _q(text: str) -> str:
    return f"« {' '.join(str(text).split())} »"


def _cibles(indicateur: Indicateur, annee: str) -> dict[str, str]:
    """Targets by position, with the plan years they are for: « cible 1 (An 1) »."""
    result: dict[str, str] = {}
    for index, cible in enumerate(indicateur.cibles):
        years = cible_years(cible)
        key = f"cible {index + 1}" + (f" ({', '.join(f'{annee} {y}' for y in years)})" if years else "")
        result[key] = cible.texte
    return result


def _indicator_changes(old: Item, new: Item, annee: str) -> Iterator[str]:
    """A target change, once: when the indicator's wording only changed by that target's text
    (« quelques 125 entreprises » → « quelques 150 entreprises » in both), it is not also a
    rewording of the indicator."""
    before, after = _cibles(old.record, annee), _cibles(new.record, annee)
    changed = [k for k in [*before, *(k for k in after if k not in before)] if before.get(k) != after.get(k)]
    reworded = old.text != new.text
    if reworded:
        follows = old.text
        for key in changed:
            was, now = before.get(key), after.get(key)
            if was and now and was in follows:
                follows = follows.replace(was, now)
        if follows == new.text and changed:
            reworded = False  # the wording moved with its target: one change
    if reworded:
        yield f"{new.label} reformulé : {_q(old.text)} → {_q(new.text)}"
    for key in changed:
        yield f"{new.label}, {key} : {_q(before.get(key, '(aucune)'))} → {_q(after.get(key, '(aucune)'))}"


def _allocations(tree: PlanTree) -> dict[tuple[str, str], float]:
    """Share of each resource's time per element (« enjeu 3 »), whatever levels hold a time field."""
    shares: dict[tuple[str, str], float] = {}
    for element in tree.elements:
        where = _lower_first(element.libelle)
        for champ in element.niveau.champs:
            temps = element.valeur(champ.cle) if champ.type == "temps_imparti" else None
            for allocation in temps.allocations if isinstance(temps, TempsImparti) else []:
                key = (allocation.ressource, where)
                shares[key] = shares.get(key, 0) + allocation.part
    return shares


# Fields of the shared registries, by their French name.
_REGISTRY_FIELDS = {"statut": "statut", "temps": "temps", "site_web": "site Web", "sigle": "sigle"}


def _public(value: Any) -> Any:
    """What the public may see of a value: models as data without any `prive`, at any depth."""
    if isinstance(value, BaseModel):
        return strip_private(value.model_dump(mode="json", exclude_none=True))
    if isinstance(value, list):
        return [_public(item) for item in value]
    return value


def _value(value: Any) -> str:
    public = _public(value)
    if public is None or public == []:
        return "(rien)"
    if isinstance(public, list):
        return "; ".join(_value_text(item) for item in public)
    return _value_text(public)


# French names of the plan's own fields and of the keys inside them: a reviewer reads
# « date du plan », never the YAML key « date_plan ».
FIELD_NAMES = {
    "gabarit": "type de plan",
    "titre": "titre",
    "statut": "statut",
    "date_plan": "date du plan",
    "date_convention": "date de la convention",
    "periode": "période",
    "annees": "années du plan",
    "mises_a_jour": "mises à jour",
    "adoption": "adoption",
    "licence": "licence",
    "organisme": "organisme",
    "nom": "nom",
    "delegataire": "délégataire",
    "debut": "début",
    "fin": "fin",
    "numero": "numéro",
    "date": "date",
    "resume": "résumé",
    "resolution": "résolution",
    "instance": "instance",
    "source": "source",
    "montant": "montant",
    "texte": "texte",
    "partenaire": "partenaire",
}
# What one item of a list field is called before its number (« mise à jour 2 »).
ITEM_NAMES = {"mises_a_jour": "mise à jour", "annees": "année", "financement": "source de financement"}


def _name(key: str) -> str:
    return FIELD_NAMES.get(key, key.replace("_", " "))


def _value_text(public: Any) -> str:
    if isinstance(public, dict):
        return ", ".join(f"{_name(k)} : {_value_text(v)}" for k, v in public.items())
    if isinstance(public, list):
        return "; ".join(_value_text(v) for v in public)
    if isinstance(public, float) and public.is_integer() and abs(public) < 1e15:
        return str(int(public))  # 12000.0 is written 12000 in the plan
    return str(public)


def _differ(old: Any, new: Any) -> bool:
    return bool(_public(old) != _public(new))


def _element_changes(old: Item, new: Item, niveau: Niveau) -> Iterator[str]:
    """Each field of the kind that changed, by its libellé; the échéance as a move."""
    for champ in niveau.champs:
        if champ.cle == _main_key(niveau) or champ.type == "indicateurs":
            continue  # the text is a rewording; indicators are items of their own
        before, after = getattr(old.record, champ.cle, None), getattr(new.record, champ.cle, None)
        if champ.type == "echeance":
            was, now = wording(before), wording(after)
            if was != now:
                yield f"{new.label} : échéance déplacée : {_q(was or '(aucune)')} → {_q(now or '(aucune)')}"
            continue
        if champ.type == "temps_imparti":  # the shares are compared per resource (allocation)
            before = before.texte if isinstance(before, TempsImparti) else None
            after = after.texte if isinstance(after, TempsImparti) else None
        if _differ(before, after):
            yield f"{new.label} : {_lower_first(champ.libelle)} : {_value(before)} → {_value(after)}"


def _record_changes(old: Item, new: Item, annee: str) -> Iterator[str]:
    if isinstance(old.record, Indicateur) and isinstance(new.record, Indicateur):
        yield from _indicator_changes(old, new, annee)
        return
    if old.text != new.text:
        verb = ("modifié" if new.registre else "reformulé") + ("e" if new.feminin else "")
        yield f"{new.label} {verb} : {_q(old.text)} → {_q(new.text)}"
    if new.niveau is not None:
        yield from _element_changes(old, new, new.niveau)
    else:
        for name, label in _REGISTRY_FIELDS.items():
            was, now = getattr(old.record, name, None), getattr(new.record, name, None)
            if _differ(was, now):
                yield f"{new.label} : {label} : {_value(was)} → {_value(now)}"


@dataclass
class PlanChanges:
    """The changes to one plan, as plain text lines: `render` escapes them for Markdown."""

    label: str
    plan_id: str
    lines: dict[str, list[str]] = field(default_factory=dict)  # section → lines
    titles: dict[str, str] = field(default_factory=dict)  # section → title, in the kind's words

    def add(self, section: str, line: str) -> None:
        self.lines.setdefault(section, []).append(line)

    def sections(self) -> Iterator[tuple[str, list[str]]]:
        """(title, lines) of each section that has lines, in the summary's order."""
        for section, default in SECTION_TITLES.items():
            if section in self.lines:
                yield self.titles.get(section, default), self.lines[section]


def as_tree(plan: PlanTree | PlanBase, kinds: Kinds | None = None) -> PlanTree:
    """A plan's element tree; a plan alone is read with `kinds` (by default the built-in ones)."""
    if isinstance(plan, PlanTree):
        return plan
    return build_tree(plan, (kinds or Kinds.builtin()).of(plan))


PLAN_FIELDS = (
    "gabarit",
    "titre",
    "statut",
    "date_plan",
    "date_convention",
    "periode",
    "annees",
    "mises_a_jour",
    "adoption",
    "licence",
    "organisme",
)


def compare_plans(old: PlanTree | PlanBase, new: PlanTree | PlanBase, kinds: Kinds | None = None) -> PlanChanges:
    """What changed from `old` to `new`, two versions of one plan (trees, or plans of `kinds`)."""
    before_tree, after_tree = as_tree(old, kinds), as_tree(new, kinds)
    changes = PlanChanges(plan_label(after_tree), after_tree.plan.id)
    for tree in (before_tree, after_tree):  # a removed level of a changed kind keeps its title
        changes.titles.update({f"niveau-{d}": n.pluriel for d, n in enumerate(tree.niveaux)})
    annee = after_tree.kind.spec.annee
    before, after = _items(before_tree), _items(after_tree)
    for key, item in after.items():
        if key not in before:
            changes.add(item.section, f"{item.label} {'ajoutée' if item.feminin else 'ajouté'} : {_q(item.text)}")
    for key, item in before.items():
        if key not in after:
            changes.add(item.section, f"{item.label} {'retirée' if item.feminin else 'retiré'} : {_q(item.text)}")
    for key, item in after.items():
        if key in before:
            for line in _record_changes(before[key], item, annee):
                changes.add(item.section, line)
    old_shares, new_shares = _allocations(before_tree), _allocations(after_tree)
    for key in sorted(set(old_shares) | set(new_shares)):
        if old_shares.get(key) != new_shares.get(key):
            ressource, where = key
            changes.add(
                "allocation",
                f"Ressource « {ressource} », {where} : {old_shares.get(key, 0):g} % → {new_shares.get(key, 0):g} %",
            )
    for name in PLAN_FIELDS:
        was_value, now_value = getattr(before_tree.plan, name, None), getattr(after_tree.plan, name, None)
        for where, was, now in _field_changes(name, _public(was_value), _public(now_value)):
            changes.add("plan", f"{where[:1].upper()}{where[1:]} : {_value(was)} → {_value(now)}")
    return changes


def _field_changes(key: str, was: Any, now: Any, where: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(place, before, after) of each changed part of a plan field, pointing into it.

    A list is compared item by item (« mise à jour 2, résumé »), keys of a record one by one,
    so that a reviewer reads the one value that changed, not the whole field.
    """
    if was == now:
        return
    here = where or _name(key)
    if isinstance(was, list | None) and isinstance(now, list | None) and (was or now):
        # Item by item; an added or removed item is compared with nothing: « (rien) ».
        before, after, item = was or [], now or [], ITEM_NAMES.get(key, "élément")
        prefix = f"{where}, " if where else ""
        for index in range(max(len(before), len(after))):
            a = before[index] if index < len(before) else None
            b = after[index] if index < len(after) else None
            name = f"{prefix}{item} {index + 1}"
            if a is None or b is None:
                yield name, a, b  # a whole item added or removed: shown whole
            else:
                yield from _field_changes("", a, b, name)
        return
    if isinstance(was, dict) and isinstance(now, dict):
        for name in [*was, *(k for k in now if k not in was)]:
            yield from _field_changes(name, was.get(name), now.get(name), f"{here}, {_name(name)}")
        return
    yield here, was, now


def _finding_key(finding: Finding) -> tuple[str, str, str]:
    # Line numbers move with any edit: a finding is the same if its code, plan and message are.
    return (finding.code, finding.plan or finding.file, finding.message)


def _heading(text: str, plan_id: str) -> str:
    return f"### {markdown_text(text)} ({_code(plan_id)})"


def _bullets(lines: list[str]) -> list[str]:
    # Each line holds plan text: escaped whole, so no part of it can open markup.
    return [f"- {markdown_text(line)}" for line in lines]


def introduced(base: Catalogue, head: Catalogue) -> list[Finding]:
    """The findings of `head` that `base` did not have: what the change brings."""
    before = {_finding_key(f) for f in base.findings if f.severity.is_reported}
    after = {_finding_key(f): f for f in head.findings if f.severity.is_reported}
    return [f for k, f in after.items() if k not in before]


def _plan_of(finding: Finding) -> str:
    # A file that does not load has no plan id: its name is the plan's id by convention.
    return finding.plan or Path(finding.file).stem


def shown(text: str) -> str:
    """A name from the input, quoted with control characters escaped (no line may be forged).

    Bytes that are not UTF-8 (kept as surrogates when read from git) are shown as escapes too.
    """
    printable = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return json.dumps(printable, ensure_ascii=False)[1:-1]


def cache_notice(names: list[str]) -> list[str]:
    """The warning a change holding files under .cache/ gets at the top of its summary."""
    if not names:
        return []
    listed = ", ".join(markdown_text(f"« {shown(name)} »") for name in names[:5])
    more = f" et {len(names) - 5} autre(s)" if len(names) > 5 else ""
    return [
        f"**Attention : ce changement contient {len(names)} fichier(s) sous \\.cache/** ({listed}{more}). "
        "Un cache n'a pas sa place dans le dépôt : des fichiers placés là peuvent être un piège, et "
        "`plan-ouvert construire` refuse de publier tant qu'ils y sont. Demandez leur retrait "
        "(`git rm -r --cached .cache`) avant la fusion.",
        "",
    ]


def render(base: Catalogue, head: Catalogue, tracked_cache: list[str] | None = None) -> str:
    out = ["## Changements dans les plans", "", *cache_notice(tracked_cache or [])]
    old_plans = {e.plan.id: e.tree for e in base.entries}
    new_plans = {e.plan.id: e.tree for e in head.entries}
    touched = False
    changed: set[str] = set()  # plans the change touches: the counts below are theirs
    for plan_id in sorted(set(old_plans) | set(new_plans)):
        if plan_id not in old_plans:
            out += [_heading(f"Nouveau plan : {plan_label(new_plans[plan_id])}", plan_id), ""]
            touched = True
            changed.add(plan_id)
            continue
        if plan_id not in new_plans:
            out += [_heading(f"Plan retiré : {plan_label(old_plans[plan_id])}", plan_id), ""]
            touched = True
            changed.add(plan_id)
            continue
        changes = compare_plans(old_plans[plan_id], new_plans[plan_id])
        if not changes.lines:
            continue
        touched = True
        changed.add(plan_id)
        out += [_heading(changes.label, changes.plan_id), ""]
        for title, lines in changes.sections():
            # The title is a kind's word (data of the repository): escaped like plan text.
            out += [f"**{markdown_text(title)}**", "", *_bullets(lines), ""]
    if not touched:
        out += [
            "Aucun changement de contenu dans les plans (les changements de forme, comme l'ordre des "
            "clés, les commentaires ou les guillemets, ne comptent pas).",
            "",
        ]
    new_findings = introduced(base, head)
    after_keys = {_finding_key(f) for f in head.findings}
    gone = {_finding_key(f): f for f in base.findings if f.severity.is_reported}
    fixed = [f for k, f in gone.items() if k not in after_keys]
    out += ["## Vérification", ""]
    # Counted for the plans this change touches (and any file it breaks), not the whole folder:
    # a reviewer judges the change, not the warnings other plans already had.
    changed |= {_plan_of(f) for f in new_findings}
    mine = [f for f in head.findings if _plan_of(f) in changed]
    errors = sum(1 for f in mine if f.severity is Severity.ERREUR)
    warnings = sum(1 for f in mine if f.severity is Severity.AVERTISSEMENT)
    out.append(f"Après ce changement, dans les plans modifiés : {errors} erreur(s), {warnings} avertissement(s).")
    out.append("")
    if new_findings:
        lines = [f"{f.severity} {f.code} ({Path(f.file).name}, ligne {f.line}) : {f.message}" for f in new_findings]
        out += ["**Nouveaux problèmes**", "", *_bullets(lines), ""]
    if fixed:
        out += ["**Problèmes corrigés**", "", *_bullets([f"{f.code} : {f.message}" for f in fixed]), ""]
    if not new_findings and not fixed:
        out += ["Aucun problème introduit ni corrigé.", ""]
    return "\n".join(out).rstrip() + "\n"
