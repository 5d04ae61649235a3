"""`plan-ouvert comparer`: what a change does to the plans, in French Markdown for reviewers.

Both sides are loaded into the model and compared record by record, so changes of form
(key order, comments, quoting, line breaks) say nothing. Records are matched by id; an
indicator without an id is matched by its position within its record.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .catalogue import Catalogue, load_catalogue
from .echeance import wording
from .export import strip_private
from .findings import Finding, Severity
from .model import AnyPlan, Indicateur, PlanPAC, PlanPIAR
from .pages import action_number, plan_label


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
    label: str
    lines: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, line: str) -> None:
        self.lines.setdefault(kind, []).append(line)


def _agree(participle: str, kind: str) -> str:
    """French agreement: « Action 1.2 ajoutée », « Moyen d'action 1.2 ajouté »."""
    return participle + ("e" if kind in ("action", "ressource") else "")


def compare_plans(old: AnyPlan, new: AnyPlan) -> PlanChanges:
    changes = PlanChanges(f"{plan_label(new)} (`{new.id}`)")
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


def render(base: Catalogue, head: Catalogue) -> str:
    out = ["## Changements dans les plans", ""]
    old_plans = {p.id: p for p in base.plans}
    new_plans = {p.id: p for p in head.plans}
    touched = False
    for plan_id in sorted(set(old_plans) | set(new_plans)):
        if plan_id not in old_plans:
            out += [f"### Nouveau plan : {plan_label(new_plans[plan_id])} (`{plan_id}`)", ""]
            touched = True
            continue
        if plan_id not in new_plans:
            out += [f"### Plan retiré : {plan_label(old_plans[plan_id])} (`{plan_id}`)", ""]
            touched = True
            continue
        changes = compare_plans(old_plans[plan_id], new_plans[plan_id])
        if not changes.lines:
            continue
        touched = True
        out += [f"### {changes.label}", ""]
        for kind in SECTION_TITLES:
            if kind in changes.lines:
                out += [f"**{SECTION_TITLES[kind]}**", ""] + [f"- {line}" for line in changes.lines[kind]] + [""]
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
        out += (
            ["**Nouveaux problèmes**", ""]
            + [f"- {f.severity} {f.code} ({Path(f.file).name}, ligne {f.line}) : {f.message}" for f in introduced]
            + [""]
        )
    if fixed:
        out += ["**Problèmes corrigés**", ""] + [f"- {f.code} : {f.message}" for f in fixed] + [""]
    if not introduced and not fixed:
        out += ["Aucun problème introduit ni corrigé.", ""]
    return "\n".join(out).rstrip() + "\n"


# --- Reading each side: a git ref, a file or a folder ------------------------------------


def _git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], capture_output=True, text=True, check=False)


def _side(spec: str, scratch: Path) -> Catalogue | None:
    path = Path(spec)
    if spec.startswith("-"):
        return None
    if path.exists():
        return load_catalogue([path])
    listing = _git("ls-tree", "-r", "--name-only", spec, "--", "plans")
    if listing.returncode != 0:
        return None
    folder = scratch / "plans"
    for name in listing.stdout.splitlines():
        if not name.endswith((".yml", ".yaml")):
            continue
        blob = subprocess.run(["git", "show", f"{spec}:{name}"], capture_output=True, check=False)
        target = scratch / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob.stdout)
    folder.mkdir(parents=True, exist_ok=True)
    return load_catalogue([folder])


def command(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        base = _side(args.base, Path(scratch) / "base")
        head = _side(args.head, Path(scratch) / "head")
        for spec, side in ((args.base, base), (args.head, head)):
            if side is None:
                print(
                    f"plan-ouvert : erreur : « {spec} » n'est ni un fichier, ni un dossier, ni une "
                    "révision git connue.",
                    file=sys.stderr,
                )
                return 2
        if base is not None and head is not None:
            sys.stdout.write(render(base, head))
    return 0
