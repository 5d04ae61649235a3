"""`plan-ouvert comparer`: what a change does to the plans, in French Markdown for reviewers.

Both sides are loaded into the model and compared record by record, so changes of form
(key order, comments, quoting, line breaks) say nothing. Records are matched by id; an
indicator without an id is matched by its position within its record.

The summary is posted where reviewers trust it, so nothing a proposed change holds may steer
it: an argument is a git revision unless written as a path, a revision is read from git
objects into a scratch folder under names checked here, and plan text is escaped so that it
shows as text.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .catalogue import REFERENTIELS_DIR, Catalogue, load_catalogue
from .echeance import wording
from .export import strip_private
from .findings import Finding, Severity
from .model import ID_PATTERN, AnyPlan, Indicateur, PlanPAC, PlanPIAR
from .pages import action_number, plan_label

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


def markdown_text(text: str) -> str:
    """`text` as Markdown that renders to exactly that text, on one line: no markup, no HTML."""
    return " ".join(str(text).split()).translate(_ESCAPES).replace("://", "&#58;//")


def _code(plan_id: str) -> str:
    """A plan id in a code span; ids are checked against the id pattern, anything else is escaped."""
    return f"`{plan_id}`" if re.fullmatch(ID_PATTERN, plan_id) else markdown_text(plan_id)


@dataclass
class Item:
    """One comparable record: its label for humans and its public fields."""

    label: str
    text: str
    record: Any


def _items(plan: AnyPlan) -> dict[tuple[str, str], Item]:
    items: dict[tuple[str, str], Item] = {}
    if isinstance(plan, PlanPIAR):
        for enjeu in plan.enjeux:
            items[("enjeu", enjeu.id)] = Item(f"Enjeu {enjeu.id}", enjeu.enonce, enjeu)
            for action in enjeu.actions:
                items[("action", action.id)] = Item(f"Action {action_number(action.id)}", action.texte, action)
            _indicators(items, f"Enjeu {enjeu.id}", f"enjeu-{enjeu.id}", enjeu.indicateurs)
        for ressource in plan.ressources:
            items[("ressource", ressource.id)] = Item(f"Ressource « {ressource.id} »", ressource.role, ressource)
    if isinstance(plan, PlanPAC):
        for objectif in plan.objectifs_specifiques:
            items[("objectif", objectif.id)] = Item(
                f"Objectif spécifique {objectif.numero}", objectif.titre or "", objectif
            )
            for moyen in objectif.moyens:
                label = f"Moyen d'action {action_number(moyen.id)}"
                items[("moyen", moyen.id)] = Item(label, moyen.texte, moyen)
                _indicators(items, label, f"moyen-{moyen.id}", moyen.indicateurs)
    for partenaire in plan.partenaires:
        items[("partenaire", partenaire.id)] = Item(
            f"Partenaire « {partenaire.sigle or partenaire.nom or partenaire.id} »", partenaire.nom or "", partenaire
        )
    return items


def _indicators(items: dict[tuple[str, str], Item], owner: str, key: str, indicateurs: list[Indicateur]) -> None:
    for index, indicateur in enumerate(indicateurs):
        ident = indicateur.id or str(index + 1)
        items[("indicateur", f"{key}/{ident}")] = Item(
            f"{owner}, indicateur « {indicateur.texte} »", indicateur.texte, indicateur
        )


KIND_TITLES = {
    "enjeu": "Enjeux",
    "action": "Actions",
    "objectif": "Objectifs spécifiques",
    "moyen": "Moyens d'action",
    "indicateur": "Indicateurs",
    "ressource": "Ressources",
    "partenaire": "Partenaires",
}


def _q(text: str) -> str:
    return f"« {' '.join(str(text).split())} »"


def _cibles(indicateur: Indicateur) -> dict[str, str]:
    result: dict[str, str] = {}
    for index, cible in enumerate(indicateur.cibles):
        years = cible.annee if isinstance(cible.annee, list) else [cible.annee] if cible.annee else []
        key = ", ".join(f"An {y}" for y in years) if years else f"cible {index + 1}"
        while key in result:
            key += " (bis)"
        result[key] = cible.texte
    return result


def _allocations(plan: AnyPlan) -> dict[tuple[str, str], float]:
    shares: dict[tuple[str, str], float] = {}
    if isinstance(plan, PlanPIAR):
        for enjeu in plan.enjeux:
            places = [(f"enjeu {enjeu.id}", enjeu.temps_imparti)]
            places += [(f"action {action_number(a.id)}", a.temps_imparti) for a in enjeu.actions]
            for where, temps in places:
                for allocation in temps.allocations if temps else []:
                    key = (allocation.ressource, where)
                    shares[key] = shares.get(key, 0) + allocation.part
    return shares


_COMPARED_FIELDS = {
    "objectifs_generaux": "objectifs généraux",
    "axes": "axes d'intervention",
    "objectifs": "objectifs à atteindre",
    "porteurs": "porteurs",
    "collaborateurs": "collaborateurs",
    "resultats_attendus": "résultats attendus",
    "clientele": "clientèle visée",
    "commentaires": "commentaires",
    "statut": "statut",
    "temps": "temps",
    "site_web": "site Web",
    "sigle": "sigle",
    "suivi": "suivi",
}


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


def _value_text(public: Any) -> str:
    if isinstance(public, dict):
        return ", ".join(f"{k} : {_value_text(v)}" for k, v in public.items())
    if isinstance(public, list):
        return "; ".join(_value_text(v) for v in public)
    return str(public)


def _differ(old: Any, new: Any) -> bool:
    return bool(_public(old) != _public(new))


def _record_changes(old: Item, new: Item) -> Iterator[str]:
    if old.text != new.text:
        verb = "reformulé" if old.label.startswith(("Moyen", "Objectif", "Enjeu")) else "reformulée"
        if old.label.startswith(("Partenaire", "Ressource")):
            verb = "modifié" if old.label.startswith("Partenaire") else "modifiée"
        yield f"{new.label} {verb} : {_q(old.text)} → {_q(new.text)}"
    old_echeance = wording(getattr(old.record, "echeance", None))
    new_echeance = wording(getattr(new.record, "echeance", None))
    if old_echeance != new_echeance:
        yield f"{new.label} : échéance déplacée : {_q(old_echeance or '(aucune)')} → {_q(new_echeance or '(aucune)')}"
    if isinstance(old.record, Indicateur) and isinstance(new.record, Indicateur):
        before, after = _cibles(old.record), _cibles(new.record)
        for key in [*before, *(k for k in after if k not in before)]:
            if before.get(key) != after.get(key):
                yield (
                    f"{new.label}, {key} : cible {_q(before.get(key, '(aucune)'))} → {_q(after.get(key, '(aucune)'))}"
                )
    for name, label in _COMPARED_FIELDS.items():
        if name in type(old.record).model_fields and _differ(getattr(old.record, name), getattr(new.record, name)):
            yield f"{new.label} : {label} : {_value(getattr(old.record, name))} → {_value(getattr(new.record, name))}"


@dataclass
class PlanChanges:
    """The changes to one plan, as plain text lines: `render` escapes them for Markdown."""

    label: str
    plan_id: str
    lines: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, line: str) -> None:
        self.lines.setdefault(kind, []).append(line)


def _agree(participle: str, kind: str) -> str:
    """French agreement: « Action 1.2 ajoutée », « Moyen d'action 1.2 ajouté »."""
    return participle + ("e" if kind in ("action", "ressource") else "")


def compare_plans(old: AnyPlan, new: AnyPlan) -> PlanChanges:
    changes = PlanChanges(plan_label(new), new.id)
    before, after = _items(old), _items(new)
    for key, item in after.items():
        if key not in before:
            changes.add(key[0], f"{item.label} {_agree('ajouté', key[0])} : {_q(item.text)}")
    for key, item in before.items():
        if key not in after:
            changes.add(key[0], f"{item.label} {_agree('retiré', key[0])} : {_q(item.text)}")
    for key, item in after.items():
        if key in before:
            for line in _record_changes(before[key], item):
                changes.add(key[0], line)
    old_shares, new_shares = _allocations(old), _allocations(new)
    for key in sorted(set(old_shares) | set(new_shares)):
        if old_shares.get(key) != new_shares.get(key):
            ressource, where = key
            changes.add(
                "allocation",
                f"Ressource « {ressource} », {where} : {old_shares.get(key, 0):g} % → {new_shares.get(key, 0):g} %",
            )
    for name in (
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
    ):
        if _differ(getattr(old, name), getattr(new, name)):
            was, now = _value(getattr(old, name)), _value(getattr(new, name))
            changes.add("plan", f"{name.replace('_', ' ')} : {was} → {now}")
    return changes


def _finding_key(finding: Finding) -> tuple[str, str, str]:
    # Line numbers move with any edit: a finding is the same if its code, plan and message are.
    return (finding.code, finding.plan or finding.file, finding.message)


SECTION_TITLES = {"plan": "Le plan", **KIND_TITLES, "allocation": "Temps imparti aux ressources"}


def _heading(text: str, plan_id: str) -> str:
    return f"### {markdown_text(text)} ({_code(plan_id)})"


def _bullets(lines: list[str]) -> list[str]:
    # Each line holds plan text: escaped whole, so no part of it can open markup.
    return [f"- {markdown_text(line)}" for line in lines]


def render(base: Catalogue, head: Catalogue) -> str:
    out = ["## Changements dans les plans", ""]
    old_plans = {p.id: p for p in base.plans}
    new_plans = {p.id: p for p in head.plans}
    touched = False
    for plan_id in sorted(set(old_plans) | set(new_plans)):
        if plan_id not in old_plans:
            out += [_heading(f"Nouveau plan : {plan_label(new_plans[plan_id])}", plan_id), ""]
            touched = True
            continue
        if plan_id not in new_plans:
            out += [_heading(f"Plan retiré : {plan_label(old_plans[plan_id])}", plan_id), ""]
            touched = True
            continue
        changes = compare_plans(old_plans[plan_id], new_plans[plan_id])
        if not changes.lines:
            continue
        touched = True
        out += [_heading(changes.label, changes.plan_id), ""]
        for kind in SECTION_TITLES:
            if kind in changes.lines:
                out += [f"**{SECTION_TITLES[kind]}**", "", *_bullets(changes.lines[kind]), ""]
    if not touched:
        out += [
            "Aucun changement de contenu dans les plans (les changements de forme, comme l'ordre des "
            "clés, les commentaires ou les guillemets, ne comptent pas).",
            "",
        ]
    before = {_finding_key(f): f for f in base.findings if f.severity is not Severity.INFO}
    after = {_finding_key(f): f for f in head.findings if f.severity is not Severity.INFO}
    introduced = [f for k, f in after.items() if k not in before]
    fixed = [f for k, f in before.items() if k not in after]
    out += ["## Vérification", ""]
    errors = sum(1 for f in head.findings if f.severity is Severity.ERREUR)
    out.append(
        f"Après ce changement : {errors} erreur(s), "
        f"{sum(1 for f in head.findings if f.severity is Severity.AVERTISSEMENT)} avertissement(s)."
    )
    out.append("")
    if introduced:
        lines = [f"{f.severity} {f.code} ({Path(f.file).name}, ligne {f.line}) : {f.message}" for f in introduced]
        out += ["**Nouveaux problèmes**", "", *_bullets(lines), ""]
    if fixed:
        out += ["**Problèmes corrigés**", "", *_bullets([f"{f.code} : {f.message}" for f in fixed]), ""]
    if not introduced and not fixed:
        out += ["Aucun problème introduit ni corrigé.", ""]
    return "\n".join(out).rstrip() + "\n"


# --- Reading each side: a git revision, a file or a folder -------------------------------

# The only files read from a revision: what the loader reads from a plans folder.
PLANS_DIR = "plans"
PLAN_FILE = re.compile(r"[a-z0-9-]+\.ya?ml")
REGULAR_FILE_MODES = ("100644", "100755")


class SideError(Exception):
    """One side of the comparison cannot be read; the message says why, in French."""


def _shown(text: str) -> str:
    """A name from the input, quoted with control characters escaped (no line may be forged).

    Bytes that are not UTF-8 (kept as surrogates when read from git) are shown as escapes too.
    """
    printable = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return json.dumps(printable, ensure_ascii=False)[1:-1]


def _git(*args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], capture_output=True, check=False)
    except OSError:  # no git at all: nothing is a revision
        return subprocess.CompletedProcess(["git", *args], 127, b"", b"")


def _commit(spec: str) -> str | None:
    """The commit `spec` names, or None; options and odd syntax are never passed to git as such."""
    if not spec or spec.startswith("-"):
        return None
    result = _git("rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    commit = result.stdout.decode().strip()
    return commit if result.returncode == 0 and commit else None


def _is_explicit_path(spec: str) -> bool:
    """A path written so that it cannot be a revision: ./x, ../x, /x (or C:\\x)."""
    return spec in (".", "..") or spec.startswith(("./", "../", ".\\", "..\\")) or Path(spec).is_absolute()


def _plan_target(path: str, spec: str) -> Path | None:
    """Where a tree entry goes in the scratch folder, None if the loader would not read it.

    Names come from whoever pushed the revision: refuse any that could leave the scratch
    folder, and any plan file the site would read under a name the loader could not match.
    """
    parts = path.split("/")
    if path.startswith("/") or any(part in ("", ".", "..") or "\\" in part for part in parts):
        raise SideError(
            f"la révision « {_shown(spec)} » contient le chemin « {_shown(path)} », qui n'est pas un chemin de "
            "fichier accepté (ni « .. », ni « . », ni chemin absolu) ; rien n'a été comparé."
        )
    read_by_loader = parts[0] == PLANS_DIR and (len(parts) == 2 or (len(parts) == 3 and parts[1] == REFERENTIELS_DIR))
    if not read_by_loader or not parts[-1].endswith((".yml", ".yaml")):
        return None
    if not PLAN_FILE.fullmatch(parts[-1]):
        raise SideError(
            f"la révision « {_shown(spec)} » contient « {_shown(path)} », qui n'a pas un nom de fichier de plan "
            "accepté (lettres minuscules sans accents, chiffres et traits d'union, puis .yml ou .yaml) ; "
            "renommez-le."
        )
    return Path(*parts)


def _read_revision(spec: str, commit: str, scratch: Path) -> Catalogue:
    """Write the plan files of `commit` under `scratch`, then load them like a folder."""
    listing = _git("ls-tree", "-r", "-z", "--full-tree", commit, "--", PLANS_DIR)
    if listing.returncode != 0:
        raise SideError(f"impossible de lister les plans de la révision « {_shown(spec)} ».")
    files: list[tuple[Path, str]] = []
    for record in listing.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _, path = record.partition("\t")
        mode, _kind, oid = meta.split()
        target = _plan_target(path, spec)
        if target is None:
            continue
        if mode not in REGULAR_FILE_MODES:
            raise SideError(
                f"la révision « {_shown(spec)} » contient « {_shown(path)} », qui n'est pas un fichier ordinaire "
                "(lien symbolique ou sous-module) : un plan doit être un fichier."
            )
        files.append((target, oid))
    root = scratch.resolve()
    for target, oid in files:
        destination = (root / target).resolve()
        if not destination.is_relative_to(root):  # names are checked above; never write elsewhere
            raise SideError(f"chemin « {_shown(str(target))} » refusé ; rien n'a été comparé.")
        blob = _git("cat-file", "blob", oid)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(blob.stdout)
    folder = root / PLANS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return load_catalogue([folder])


def _read_path(spec: str) -> Catalogue:
    if not Path(spec).exists():
        raise SideError(f"« {_shown(spec)} » : fichier ou dossier introuvable.")
    return load_catalogue([Path(spec)])


def _side(spec: str, nature: str, scratch: Path) -> Catalogue:
    """Read one side. `nature` is what the user asked: revisions, files, or decide from the spelling.

    A plain argument is a revision, never a path, even when a file of that name exists: a
    change could otherwise hold a folder named HEAD with the old plans and hide itself.
    """
    if nature == "fichiers" or (nature == "auto" and _is_explicit_path(spec)):
        return _read_path(spec)
    commit = _commit(spec)
    if nature == "revisions":
        if commit is None:
            raise SideError(f"« {_shown(spec)} » n'est pas une révision git connue.")
        return _read_revision(spec, commit, scratch)
    exists = Path(spec).exists()
    if commit is not None and exists:
        raise SideError(
            f"« {_shown(spec)} » est à la fois une révision git et un fichier ou dossier : écrivez "
            f"« ./{_shown(spec)} » pour le dossier, ou ajoutez --revisions pour la révision."
        )
    if commit is not None:
        return _read_revision(spec, commit, scratch)
    if exists:
        raise SideError(
            f"« {_shown(spec)} » n'est pas une révision git : pour comparer le fichier ou dossier de ce nom, "
            f"écrivez « ./{_shown(spec)} » (ou ajoutez --fichiers)."
        )
    raise SideError(f"« {_shown(spec)} » n'est ni un fichier, ni un dossier, ni une révision git connue.")


def command(args: argparse.Namespace) -> int:
    nature = getattr(args, "nature", None) or "auto"
    try:
        with tempfile.TemporaryDirectory(prefix="plan-ouvert-comparer-") as scratch:
            base = _side(args.base, nature, Path(scratch) / "base")
            head = _side(args.head, nature, Path(scratch) / "head")
            sys.stdout.write(render(base, head))
    except SideError as error:
        print(f"plan-ouvert : erreur : {error}", file=sys.stderr)
        return 2
    return 0
